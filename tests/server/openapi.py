"""docs/openapi.yaml as a checker of the server's real answers (python3-jsonschema,
python3-yaml: Debian's).

client.request() hands every answer to check_response(), and client.Stream every event to
check_event(): an answer whose route, method, status, content type or JSON body the spec
does not describe fails the test that received it, so the spec cannot drift from the server.
tests/docs/test_openapi.py checks the spec itself (the OpenAPI 3.1 schema, every route of
src/server/ described)."""

import functools
import json
import os
import re

import jsonschema
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SPEC_PATH = os.path.join(ROOT, "docs", "openapi.yaml")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class SpecMismatch(AssertionError):
    """The server answered what docs/openapi.yaml does not describe."""


@functools.lru_cache(maxsize=None)
def spec():
    with open(SPEC_PATH, encoding="utf-8") as f:
        return yaml.safe_load(f)


@functools.lru_cache(maxsize=None)
def _routes():
    """[(regex, template)], literal paths before templated ones."""
    out = []
    for template in spec()["paths"]:
        pattern = ""
        for part in re.split(r"(\{[^}]+\})", template):
            if part.startswith("{"):
                pattern += ".+" if part == "{asset}" else "[^/]+"
            else:
                pattern += re.escape(part)
        out.append((re.compile("^" + pattern + "$"), template))
    out.sort(key=lambda r: (r[1].count("{"), -len(r[1])))
    return out


def route(path):
    """The spec's path template for a request path (query dropped), or None."""
    path = path.split("?", 1)[0]
    for rx, template in _routes():
        if rx.match(path):
            if template == "/{asset}" and path.startswith("/api/"):
                continue
            return template
    return None


# Arrays longer than this are checked by their first and last KEEP items: a run's events hold
# up to 4,096 points and a landscape 262,144 values, which a pure-Python validator would take
# seconds over (per answer, on a loaded machine), while every item has the same schema.
LONG, KEEP = 4, 2


def _trim(value):
    if isinstance(value, list):
        if len(value) > LONG:
            value = value[:KEEP] + value[-KEEP:]
        return [_trim(v) for v in value]
    if isinstance(value, dict):
        return {k: _trim(v) for k, v in value.items()}
    return value


_validators = {}


def _validator(node):
    """A validator for a schema of the spec, its $refs resolved in the spec."""
    key = json.dumps(node, sort_keys=True)
    if key not in _validators:
        _validators[key] = jsonschema.Draft202012Validator(
            {"$schema": "https://json-schema.org/draft/2020-12/schema",
             "components": spec()["components"], **node})
    return _validators[key]


def _validate(node, value, where):
    try:
        _validator(node).validate(_trim(value))
    except jsonschema.ValidationError as e:
        raise SpecMismatch("%s: %s at %s (docs/openapi.yaml)"
                           % (where, e.message[:300], "/".join(map(str, e.absolute_path))))


def _resolve(node):
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        node = spec()
        for part in ref.lstrip("#/").split("/"):
            node = node[part]
    return node


def _problem(status, ctype, body, where):
    """A refusal outside the described routes: a 4xx/5xx Problem."""
    if status < 400:
        raise SpecMismatch("%s: %d for a path or method the spec does not describe" % (where, status))
    if ctype == "application/json":
        _validate({"$ref": "#/components/schemas/Problem"}, json.loads(body), where)


def check_response(method, path, status, headers, body):
    """Raises SpecMismatch unless the answer is one the spec describes."""
    where = "%s %s -> %d" % (method, path, status)
    ctype = (headers.get("content-type") or "").split(";")[0].strip()
    template = route(path)
    op = None
    if template is not None:
        item = spec()["paths"][template]
        op = item.get(method.lower()) or (item.get("get") if method == "HEAD" else None)
    if op is None:
        return _problem(status, ctype, body, where)
    responses = op["responses"]
    resp = responses.get(str(status)) or responses.get("default")
    if resp is None:
        raise SpecMismatch("%s: status %d is not among %s" % (where, status, sorted(responses)))
    resp = _resolve(resp)
    content = resp.get("content")
    if not content or method == "HEAD" or not body:
        return
    media = content[ctype] if ctype in content else content.get("*/*")
    if media is None:
        raise SpecMismatch("%s: content type %r is not among %s" % (where, ctype, sorted(content)))
    if ctype == "application/json" and "schema" in media:
        _validate(media["schema"], json.loads(body), where)


def check_request(method, path, status, body):
    """Raises SpecMismatch unless a JSON request the server took (2xx) is one the spec's
    requestBody describes: a field the server reads must be in the spec."""
    if not 200 <= status < 300:
        return
    template = route(path)
    op = spec()["paths"][template].get(method.lower()) if template is not None else None
    media = ((op or {}).get("requestBody") or {}).get("content", {}).get("application/json")
    if media is None or "schema" not in media:
        raise SpecMismatch("%s %s -> %d: the server took a JSON body the spec does not describe"
                           % (method, path, status))
    _validate(media["schema"], body, "request of %s %s -> %d" % (method, path, status))


def check_event(path, event, data):
    """Raises SpecMismatch unless the stream's event name and data are in its x-events."""
    template = route(path)
    where = "event %r of %s" % (event, path)
    if template is None or "get" not in spec()["paths"][template]:
        raise SpecMismatch("%s: the spec has no stream at this path" % where)
    media = spec()["paths"][template]["get"]["responses"]["200"]["content"].get(
        "text/event-stream")
    if media is None:
        raise SpecMismatch("%s: the spec's answer there is not an event stream" % where)
    events = media.get("x-events", {})
    if event not in events:
        raise SpecMismatch("%s: not among the stream's events %s" % (where, sorted(events)))
    _validate(events[event], data, where)
