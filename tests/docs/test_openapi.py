#!/usr/bin/env python3
"""docs/openapi.yaml itself: valid against the OpenAPI 3.1 schema, and every route of the
server described (and none that the server does not have).

The OpenAPI 3.1 schema (tests/docs/openapi-3.1-schema.json) is the OpenAPI Initiative's
https://spec.openapis.org/oas/3.1/schema/2022-10-07, file schemas/v3.1/schema.json of
github.com/OAI/OpenAPI-Specification at commit 1f0334d1 (Apache-2.0), stored unchanged:
Debian 12 has no OpenAPI validator (python3-openapi-spec-validator), so python3-jsonschema
validates the spec against it. It checks the document's structure; the schemas inside it
are checked as JSON Schema 2020-12 (Draft202012Validator.check_schema) below.

The routes come from the server's source, so a route added without its description fails:
the GET table and /api/v1/landscape of src/server/routes.c, and every job kind of
src/server/*.c that can be POSTed (a `.parse`), with its ID, ID/events and, for a kind with
a `.subroute`, paths below ID.

usage: tests/docs/test_openapi.py [REPO_ROOT]"""

import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "server"))

import jsonschema  # noqa: E402

import openapi  # noqa: E402

API = "/api/v1/"


def source(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


def server_routes():
    """{path template: {methods}} as src/server/ routes them."""
    routes = {"/": {"get"}, "/{asset}": {"get"}}
    text = source("src/server/routes.c")
    table = re.search(r"\}\s*gets\[\]\s*=\s*\{(.*?)\n\};", text, re.S)
    assert table, "src/server/routes.c: the gets[] table was not found"
    for name in re.findall(r'\{API "([\w/]+)",', table.group(1)):
        routes[API + name] = {"get"}
    for name in re.findall(r'strcmp\(url, API "([\w/]+)"\)', text):
        routes.setdefault(API + name, set()).add("get")
    kinds = 0
    for f in sorted(os.listdir(os.path.join(ROOT, "src", "server"))):
        if not f.endswith(".c"):
            continue
        for kind in re.findall(r"const srv_job_kind \w+ = \{(.*?)\n\};", source("src/server/" + f),
                               re.S):
            collection = re.search(r'\.collection = "(\w+)"', kind)
            parse = re.search(r"\.parse = (\w+)", kind)
            if not collection or not parse or parse.group(1) == "NULL":
                continue  # not POSTed (a landscape is a GET)
            kinds += 1
            c = API + collection.group(1)
            routes[c] = {"post"}
            routes[c + "/{id}"] = {"get", "delete"}
            routes[c + "/{id}/events"] = {"get"}
            sub = re.search(r"\.subroute = (\w+)", kind)
            if sub and sub.group(1) != "NULL":
                routes[c + "/{id}/..."] = {"get"}
    assert kinds >= 4, "only %d job kinds found in src/server/" % kinds
    return routes


def main():
    failures = []
    spec = openapi.spec()
    with open(os.path.join(HERE, "openapi-3.1-schema.json"), encoding="utf-8") as f:
        meta = json.load(f)
    try:
        jsonschema.Draft202012Validator(meta).validate(spec)
    except jsonschema.ValidationError as e:
        failures.append("not valid OpenAPI 3.1: %s at %s" % (e.message[:300], "/".join(
            map(str, e.absolute_path))))
    if not str(spec.get("openapi", "")).startswith("3.1."):
        failures.append("openapi: %r, expected 3.1.x" % spec.get("openapi"))
    # Every schema is a valid JSON Schema 2020-12, every $ref reaches something.
    for name, schema in spec["components"]["schemas"].items():
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as e:
            failures.append("components/schemas/%s: %s" % (name, e.message[:200]))
    for ref in sorted(set(re.findall(r"'\$ref': '([^']+)'", repr(spec)))):
        node = spec
        for part in ref.lstrip("#/").split("/"):
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            failures.append("$ref %s reaches nothing" % ref)

    routes = server_routes()
    described = {p: {m for m in item if m in openapi.METHODS} for p, item in spec["paths"].items()}
    for path, methods in sorted(routes.items()):
        if path.endswith("/..."):
            below = [p for p in described if p.startswith(path[:-3]) and p != path[:-4] + "/events"]
            if not below:
                failures.append("%s: the server routes paths below it; the spec has none" % path)
            continue
        if path not in described:
            failures.append("%s: routed by src/server/, not in docs/openapi.yaml" % path)
            continue
        for m in sorted(methods - described[path]):
            failures.append("%s %s: routed by src/server/, not in docs/openapi.yaml"
                            % (m.upper(), path))
    for path in sorted(described):
        parent = re.sub(r"/\{id\}/.+$", "/{id}/...", path)
        if path not in routes and parent not in routes:
            failures.append("%s: in docs/openapi.yaml, not routed by src/server/" % path)
        elif path in routes:
            for m in sorted(described[path] - routes[path]):
                failures.append("%s %s: in docs/openapi.yaml, not routed by src/server/"
                                % (m.upper(), path))
    for f in failures:
        print("openapi: " + f)
    print("openapi: %d paths described, %d routed, %d failures"
          % (len(described), len(routes), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
