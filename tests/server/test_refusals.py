"""The server's refusals as data: every srv_problem_set format in src/server/ has its row in
src/server/refusals.c (a code and the keys of its values), and every 4xx reply carries
"code" and "args" with those keys (the page words a refusal from them: web/test/
refusals.test.mjs checks it has both sentences for every code).

usage: python3 tests/server/test_refusals.py CLOPT_BINARY [unittest args]
"""

import glob
import json
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from client import ServerTestCase, get_json, post_json, request  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVER = os.path.join(ROOT, "src", "server")
BINARY = None
MACROS = {"API": "/api/v1/"}
LITERAL = r'"(?:[^"\\]|\\.)*"'


def unescape(literal):
    return bytes(literal[1:-1], "utf-8").decode("unicode_escape")


def c_string(tokens):
    """Adjacent C string literals (and the macros of MACROS) as one string."""
    return "".join(MACROS[t] if t in MACROS else unescape(t) for t in tokens)


def formats_called():
    """{format: [file:line, ...]} of every srv_problem_set call in src/server/*.c."""
    out = {}
    for path in sorted(glob.glob(os.path.join(SERVER, "*.c"))):
        if os.path.basename(path) == "problem.c":
            continue  # its definition
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for m in re.finditer(r"\bsrv_problem_set\(", text):
            i, depth, commas = m.end(), 0, 0
            while commas < 3:  # past p, status and field
                c = text[i]
                if c in "([":
                    depth += 1
                elif c in ")]":
                    depth -= 1
                elif c == '"':
                    i = re.compile(LITERAL).match(text, i).end() - 1
                elif c == "," and depth == 0:
                    commas += 1
                i += 1
            tokens = re.compile(r"\s*(%s|[A-Z_]+)" % LITERAL)
            parts = []
            while True:
                t = tokens.match(text, i)
                if not t:
                    break
                parts.append(t.group(1))
                i = t.end()
            line = text.count("\n", 0, m.start()) + 1
            where = "%s:%d" % (os.path.basename(path), line)
            if not parts and text[i:].lstrip().startswith("k->busy"):
                continue  # a job kind's .busy, below
            if not parts:
                raise AssertionError(where + ": a srv_problem_set format that is not a literal")
            out.setdefault(c_string(parts), []).append(where)
        for m in re.finditer(r"\.busy\s*=\s*((?:%s\s*)+)" % LITERAL, text):
            line = text.count("\n", 0, m.start()) + 1
            fmt = c_string(re.findall(LITERAL, m.group(1)))
            out.setdefault(fmt, []).append("%s:%d" % (os.path.basename(path), line))
    return out


def table():
    """refusals.c's rows: [(code, keys, format)]."""
    with open(os.path.join(SERVER, "refusals.c"), encoding="utf-8") as f:
        text = f.read()
    body = text[text.index("refusals[] = {"):text.index("\n};")]
    rows = []
    for m in re.finditer(r"\{(%s),\s*(%s),\s*((?:%s\s*)+)\}" % (LITERAL, LITERAL, LITERAL), body):
        rows.append((unescape(m.group(1)), unescape(m.group(2)).split(),
                     c_string(re.findall(LITERAL, m.group(3)))))
    return rows


def conversions(fmt):
    return len(re.findall(r"%(?!%)[.\d]*(?:ll|z|l)?[a-z]", fmt.replace("%%", "")))


class Table(unittest.TestCase):
    def test_every_format_has_its_row_and_every_row_a_format(self):
        called = formats_called()
        self.assertGreater(len(called), 60)
        rows = {fmt: code for code, _, fmt in table()}
        missing = {fmt: where for fmt, where in called.items() if fmt not in rows}
        self.assertEqual(missing, {}, "formats without a row in src/server/refusals.c")
        unused = [fmt for fmt in rows if fmt not in called]
        self.assertEqual(unused, [], "rows of src/server/refusals.c no call uses")

    def test_each_row_names_each_value(self):
        for code, keys, fmt in table():
            self.assertRegex(code, r"^[a-z][a-z0-9_]*$")
            self.assertEqual(len(keys), conversions(fmt), "%s: %r has %d values, keys %r"
                             % (code, fmt, conversions(fmt), keys))
            self.assertTrue(all(len(k) < 16 for k in keys), keys)
        by_code = {}
        for code, keys, _ in table():
            by_code.setdefault(code, set()).add(tuple(dict.fromkeys(keys)))
        self.assertEqual({c: k for c, k in by_code.items() if len(k) > 1}, {},
                         "a code's formats must have the same keys")


class Replies(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.keys = {code: set(keys) for code, keys, _ in table()}

    def refused(self, status, body, code, **args):
        self.assertEqual(body["code"], code, body)
        self.assertEqual(set(body["args"]), self.keys[code], body)
        for k, v in args.items():
            self.assertEqual(body["args"][k], v, body)
        self.assertIn("error", body)
        self.assertIn("field", body)
        self.assertTrue(400 <= status < 500, status)

    def test_4xx_replies_carry_code_and_args(self):
        run = {"function": "sphere", "optimizers": ["adam"], "starts": [[1, 1]]}
        s, b = post_json(self.port, "/api/v1/runs", dict(run, steps=100001))
        self.refused(s, b, "out_of_range", field="steps", value=100001, min=1, max=100000)
        s, b = post_json(self.port, "/api/v1/runs", dict(run, optimizers=["sgd(momentum=-1)"]))
        self.refused(s, b, "bad_optimizer", index=0)
        self.assertEqual(b["field"], "optimizers[0]")
        s, b = post_json(self.port, "/api/v1/runs", dict(run, bogus=1))
        self.refused(s, b, "unknown_field", name="bogus")
        starts = [[0.01 * i, 0] for i in range(200)]
        s, b = post_json(self.port, "/api/v1/runs", dict(run, starts=starts, steps=100000))
        self.refused(s, b, "too_many_points", trajectories=200, points=100001, total=20000200,
                     limit=20000000)
        s, b = post_json(self.port, "/api/v1/runs", "[1", headers={"Content-Type": "application/json"})
        self.refused(s, b, "bad_json", line=1)
        s, b = get_json(self.port, "/api/v1/landscape?function=sphere&nx=5000&ny=2")
        self.refused(s, b, "bad_integer", field="nx", min=2, max=1024)
        s, b = post_json(self.port, "/api/v1/explorations",
                         {"kind": "basins", "function": "sphere", "grid": 1})
        self.refused(s, b, "grid_side", nx=1, ny=1, max=4096)
        s, b = get_json(self.port, "/api/v1/runs/0123456789abcdef01234567")
        self.refused(s, b, "refused")
        s, _, data = request(self.port, "PUT", "/api/v1/runs")
        self.refused(s, json.loads(data), "method_not_allowed", method="(other)", allowed="POST")
        s, _, data = request(self.port, "GET", "/api/v1/health", headers={"Host": "evil.example"})
        self.refused(s, json.loads(data), "foreign_host", host="evil.example")


if __name__ == "__main__":
    BINARY = ServerTestCase.binary = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
