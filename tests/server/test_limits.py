"""GET /api/v1/limits: the server's limits, published from the constants it enforces, and
every copy of them (the table of docs/server.md, `clopt explore --help`, the page) against that answer.

usage: python3 tests/server/test_limits.py CLOPT_BINARY [unittest args]
"""

import os
import re
import subprocess
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from client import ServerTestCase, get_json, post_json  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = None


def readme_limits():
    """The table of docs/server.md: {"group.name": value} from rows | `group.name` | 1,234 | ... |."""
    rows = {}
    with open(os.path.join(ROOT, "docs", "server.md"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\| `(\w+\.\w+)` \| ([\d,]+) \|", line)
            if m:
                rows[m.group(1)] = int(m.group(2).replace(",", ""))
    return rows


class Limits(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.limits = get_json(cls.port, "/api/v1/limits")[1]
        cls.flat = {"%s.%s" % (g, n): v for g, names in cls.limits.items() for n, v in names.items()}

    def test_every_group_is_published(self):
        self.assertEqual(sorted(self.limits), ["body", "explorations", "expressions", "landscapes",
                                               "runs", "trainability", "trainings"])
        self.assertTrue(all(isinstance(v, int) and v > 0 for v in self.flat.values()), self.flat)

    def test_the_server_enforces_what_it_publishes(self):
        L = self.limits
        run = {"function": "sphere", "optimizers": ["adam"], "starts": [[1, 1]]}
        status, body = post_json(self.port, "/api/v1/runs", dict(run, steps=L["runs"]["steps"] + 1))
        self.assertEqual((status, body["field"]), (400, "steps"), body)
        status, body = post_json(self.port, "/api/v1/trainings", {"epochs": L["trainings"]["epochs"] + 1})
        self.assertEqual((status, body["field"]), (400, "epochs"), body)
        maps = ["adam"] * (L["explorations"]["maps"] + 1)
        status, body = post_json(self.port, "/api/v1/explorations",
                                 {"kind": "basins", "function": "sphere", "optimizers": maps})
        self.assertEqual(status, 400, body)
        status, body = post_json(self.port, "/api/v1/explorations",
                                 {"kind": "trainability", "width": L["trainability"]["width"] + 1})
        self.assertEqual((status, body["field"]), (400, "width"), body)
        status, body = post_json(self.port, "/api/v1/explorations",
                                 {"kind": "trainability", "steps": L["trainability"]["steps"] + 1})
        self.assertEqual((status, body["field"]), (400, "steps"), body)
        status, body = post_json(self.port, "/api/v1/explorations",
                                 {"kind": "trainability", "grid": L["trainability"]["side"] + 1})
        self.assertEqual((status, body["field"]), (400, "grid"), body)
        edge = L["trainability"]["log_rate"]
        status, body = post_json(self.port, "/api/v1/explorations",
                                 {"kind": "trainability", "window": [-edge - 1, 0, 0, 1]})
        self.assertEqual((status, body["field"]), (400, "window"), body)
        side = L["landscapes"]["side"] + 1
        status, body = get_json(self.port, "/api/v1/landscape?function=sphere&nx=%d&ny=2" % side)
        self.assertEqual(status, 400, body)
        text = "x" + "+x" * (L["expressions"]["chars"] // 2)
        status, body = get_json(self.port, "/api/v1/check?function=" + urllib.parse.quote(text))
        self.assertEqual((status, body["valid"], body["code"]), (200, False, "too_long"), body)

    def test_the_readme_table_is_the_answer(self):
        self.assertEqual(readme_limits(), self.flat)

    def test_clopt_help_states_the_shared_limits(self):
        explore = subprocess.run([BINARY, "explore", "--help"], capture_output=True, text=True).stdout
        ex = self.limits["explorations"]
        self.assertIn("up to %d" % ex["maps"], explore)
        self.assertIn("--grid N|NX,NY    grid points per side, 2 .. %d" % ex["side"], explore)
        self.assertIn("N values (2 .. %d)" % ex["side"], explore)
        serve = subprocess.run([BINARY, "serve", "--help"], capture_output=True, text=True).stdout
        self.assertIn("/api/v1/limits", serve)

    def test_the_page_keeps_no_copy(self):
        """The page reads the limits from the server: no module holds one of its numbers (the
        small ones, 12 .. 2000, are also ordinary numbers of the page and not checked)."""
        web = os.path.join(ROOT, "web", "js")
        with open(os.path.join(web, "main.js"), encoding="utf-8") as f:
            self.assertIn("/api/v1/limits", f.read())
        forms = {"runs.seed": ["2 ** 53", "2**53"], "explorations.run_steps": ["4e9"],
                 "explorations.runs": ["1 << 20"]}
        for name in sorted(os.listdir(web)):
            with open(os.path.join(web, name), encoding="utf-8") as f:
                text = f.read()
            for key, v in self.flat.items():
                if v < 4096:
                    continue
                for form in [str(v), "{:,}".format(v)] + forms.get(key, []):
                    found = re.search(r"(?<![\d.])%s(?![\d])" % re.escape(form), text)
                    self.assertIsNone(found, "web/js/%s holds %s (%s)" % (name, form, key))


if __name__ == "__main__":
    BINARY = ServerTestCase.binary = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
