"""Trainability windows through the server (POST /api/v1/explorations, "kind": "trainability"):
the two passes' events and fields against `clopt explore trainability --json`, the reference;
data given explicitly against the seed it came from; each bad field refused with its name and
code; the work limit and the memory budget; a large window cancelled.

usage: python3 tests/server/test_trainability.py CLOPT_BINARY [unittest args]
"""

import json
import os
import struct
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from client import (Server, ServerTestCase, Stream, get_json, let_go, post_json,  # noqa: E402
                    request)

BINARY = None
PATH = "/api/v1/explorations"
# A small window with a boundary through it: 16 x 12 cells (not square, so a swapped side
# shows), 20 steps, relu, at the top of the rates where cells stop training.
SMALL = {"kind": "trainability", "width": 4, "activation": "relu", "steps": 20,
         "grid": [16, 12], "window": [-1, 2.5, -1.5, 3], "seed": 3}
PASS_KEYS = {"pass", "coarse", "kind", "width", "activation", "steps", "grid", "window",
             "precision", "seed", "dimension", "shape", "fields"}


def cli(req, *extra):
    """`clopt explore trainability --json` with the request's settings."""
    grid = req.get("grid", 256)
    grid = grid if isinstance(grid, list) else [grid, grid]
    args = [BINARY, "explore", "trainability", "--width", str(req.get("width", 8)),
            "--activation", req.get("activation", "tanh"), "--steps", str(req.get("steps", 100)),
            "--grid", "%d,%d" % tuple(grid),
            "--window", ",".join(repr(float(v)) for v in req.get("window", [-2, 3, -2, 3])),
            "--precision", req.get("precision", "float")]
    if "seed" in req:
        args += ["--seed", str(req["seed"])]
    out = subprocess.run(args + list(extra), check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


class Trainability(ServerTestCase):
    def post(self, req, want=(200, 201)):
        """201 for a new job; 200 for one that another test of the class posted too."""
        status, body = post_json(self.port, PATH, req)
        self.assertIn(status, (want,) if isinstance(want, int) else want, body)
        return body

    def field(self, url, nx, ny):
        status, headers, data = request(self.port, "GET", url)
        self.assertEqual(status, 200, data)
        self.assertEqual(headers["content-type"], "application/octet-stream")
        self.assertEqual(headers["x-shape"], "1,%d,%d" % (ny, nx))
        self.assertEqual(len(data), 4 * nx * ny)
        return struct.unpack("<%df" % (nx * ny), data)

    def passes(self, req):
        body = self.post(req)
        events = Stream(self.port, body["events"], timeout=120).all()
        self.assertEqual([e["event"] for e in events], ["pass", "pass", "done"], events)
        self.assertEqual(events[2]["data"], {"passes": 2})
        return body, events[0]["data"], events[1]["data"]

    def assert_equals_cli(self, event, ref):
        """The pass's fields are the CLI's doubles rounded to float32, its dimension the CLI's."""
        nx, ny = event["grid"]
        measure = self.field(event["fields"]["measure"], nx, ny)
        converged = self.field(event["fields"]["converged"], nx, ny)
        self.assertEqual(len(ref["measure"]), ny)
        for j in range(ny):
            for i in range(nx):
                want = ref["measure"][j][i]
                self.assertEqual(measure[j * nx + i], f32(want), (i, j))
                self.assertEqual(converged[j * nx + i], 1.0 if ref["converged"][j][i] else 0.0)
                self.assertEqual(ref["converged"][j][i], want < 0)
        self.assertEqual(event["dimension"], ref["dimension"])
        return measure, converged

    def test_the_full_pass_equals_the_command_line(self):
        body, coarse, full = self.passes(SMALL)
        self.assertEqual(body["passes"], [{"shape": [1, 2, 2]}, {"shape": [1, 12, 16]}])
        self.assertEqual(body["request"], dict(SMALL, grid=[16, 12], precision="float"))
        self.assertEqual(set(coarse), PASS_KEYS)
        self.assertEqual(set(full), PASS_KEYS)
        settings = {"kind": "trainability", "width": 4, "activation": "relu", "steps": 20,
                    "window": [-1, 2.5, -1.5, 3], "precision": "float", "seed": 3}
        for k, v in settings.items():
            self.assertEqual((k, coarse[k]), (k, v))
            self.assertEqual((k, full[k]), (k, v))
        self.assertEqual((coarse["pass"], coarse["coarse"], coarse["grid"], coarse["shape"]),
                         (0, True, [2, 2], [1, 2, 2]))
        self.assertEqual((full["pass"], full["coarse"], full["grid"], full["shape"]),
                         (1, False, [16, 12], [1, 12, 16]))
        self.assertIsNone(coarse["dimension"])  # under 8 a side: no dimension
        ref = cli(SMALL, "--json")
        self.assertIsInstance(ref["dimension"], float)
        _, converged = self.assert_equals_cli(full, ref)
        self.assertTrue(0 < sum(converged) < 16 * 12, "the window holds a boundary")
        # the coarse pass is the same computation on its own 2 x 2 grid
        self.assert_equals_cli(coarse, cli(dict(SMALL, grid=[2, 2]), "--json"))
        # The same request is the same job, and so is its canonical form; its passes stay
        # readable.
        again = self.post(dict(SMALL), want=200)
        self.assertEqual(again["id"], body["id"])
        self.assertEqual(self.post(body["request"], want=200)["id"], body["id"])
        info = get_json(self.port, PATH + "/" + body["id"])[1]
        self.assertEqual((info["status"], info["passes_done"], info["progress"]),
                         ("done", 2, 16 * 12))
        status, _, data = request(self.port, "GET", PATH + "/%s/passes/1/f" % body["id"])
        self.assertEqual(status, 404)
        self.assertEqual(json.loads(data)["code"], "no_such_train_field")

    def test_defaults_are_the_command_lines(self):
        body = self.post({"kind": "trainability", "grid": 8, "steps": 5})
        self.assertEqual(body["request"], {
            "kind": "trainability", "width": 8, "activation": "tanh", "steps": 5, "grid": [8, 8],
            "window": [-2, 3, -2, 3], "seed": 0, "precision": "float"})
        _, _, full = self.passes({"kind": "trainability", "grid": 8, "steps": 5})
        self.assert_equals_cli(full, cli({"grid": 8, "steps": 5}, "--json"))

    def test_data_gives_the_same_as_its_seed(self):
        dump = json.loads(subprocess.run(
            [BINARY, "explore", "trainability", "--width", "4", "--seed", "3", "--dump-data"],
            check=True, capture_output=True, text=True).stdout)
        req = {k: v for k, v in SMALL.items() if k != "seed"}
        _, _, seeded = self.passes(SMALL)
        body, _, given = self.passes(dict(req, data=dump))
        self.assertNotIn("seed", given)
        # the answer's numbers have 9 digits (the id hashes them all)
        for name, rows in dump.items():
            got = body["request"]["data"][name]
            for a, b in zip(sum(rows, []) if isinstance(rows[0], list) else rows,
                            sum(got, []) if isinstance(got[0], list) else got):
                self.assertAlmostEqual(a, b, delta=1e-8 * abs(a))
        for name in ("measure", "converged"):
            self.assertEqual(self.field(given["fields"][name], 16, 12),
                             self.field(seeded["fields"][name], 16, 12), name)
        self.assertEqual(given["dimension"], seeded["dimension"])
        # flat arrays are the same data
        flat = {k: [x for row in v for x in (row if isinstance(row, list) else [row])]
                for k, v in dump.items()}
        again = self.post(dict(req, data=flat), want=200)
        self.assertEqual(again["id"], body["id"])

    def test_double_equals_the_command_lines_double(self):
        req = dict(SMALL, precision="double", activation="tanh", grid=10)
        body, _, full = self.passes(req)
        self.assertEqual((body["request"]["precision"], full["precision"]), ("double", "double"))
        ref = cli(req, "--json")
        self.assertEqual(ref["precision"], "double")
        self.assert_equals_cli(full, ref)

    def test_each_bad_field_is_refused_by_name(self):
        dump = {"X": [[0.5] * 2] * 6, "Y": [0.1] * 6, "W1": [[1, 0], [0, 1]], "W2": [1, -1]}
        two = {"kind": "trainability", "width": 2, "grid": 8, "steps": 5}
        cases = [
            (dict(SMALL, width=0), "width", "out_of_range"),
            (dict(SMALL, width=17), "width", "out_of_range"),
            (dict(SMALL, width=2.5), "width", "not_integer"),
            (dict(SMALL, activation="sigmoid"), "activation", "train_activation"),
            (dict(SMALL, activation=1), "activation", "train_activation"),
            (dict(SMALL, steps=0), "steps", "out_of_range"),
            (dict(SMALL, steps=100001), "steps", "out_of_range"),
            (dict(SMALL, grid=1), "grid", "grid_side"),
            (dict(SMALL, grid=[8, 4097]), "grid", "grid_side"),
            (dict(SMALL, grid="big"), "grid", "grid_type"),
            (dict(SMALL, window=[0, 1, 0]), "window", "not_number_array"),
            (dict(SMALL, window=[0, 1, 0, "a"]), "window", "not_finite"),
            (dict(SMALL, window=[-11, 1, 0, 1]), "window", "train_window_range"),
            (dict(SMALL, window=[0, 1, 0, 10.5]), "window", "train_window_range"),
            (dict(SMALL, window=[1, 0, 0, 1]), "window", "train_window_order"),
            (dict(SMALL, window=[0, 1, 1, 1]), "window", "train_window_order"),
            (dict(SMALL, seed=-1), "seed", "out_of_range"),
            (dict(SMALL, seed=2 ** 53 + 1), "seed", "out_of_range"),
            (dict(SMALL, precision="half"), "precision", "bad_precision"),
            (dict(SMALL, data=dump), "data", "train_data_seed"),
            (dict(two, data=[1, 2]), "data", "train_data_type"),
            (dict(two, data=dict(dump, Z=[1])), "data", "train_data_member"),
            (dict(two, data={k: v for k, v in dump.items() if k != "W2"}), "data",
             "train_data_count"),
            (dict(two, data=dict(dump, Y=[0.1] * 5)), "data", "train_data_count"),
            (dict(two, data=dict(dump, Y=[0.1] * 7)), "data", "train_data_count"),
            (dict(two, data=dict(dump, W1=[[1, "a"], [0, 1]])), "data", "train_data_count"),
            (dict(two, data=dict(dump, W1=[[[1], 0], [0, 1]])), "data", "train_data_count"),
            # rows that go on past the count, or after a bad one: read past the buffer once
            # (libFuzzer found it; tests/fuzz/corpus/trainability_rows.req)
            (dict(two, width=1, data=dump), "data", "train_data_count"),
            (dict(two, data=dict(dump, X=[["a"]] + [[0.5] * 2] * 6)), "data", "train_data_count"),
            (dict(SMALL, width=4, data=dump, seed=None), "seed", "not_integer"),
            (dict(SMALL, function="sphere"), "function", "unknown_field"),
            (dict(SMALL, grid=4096, steps=100, width=8), "steps", "train_too_much_work"),
            (dict(SMALL, width=16, steps=12328), "steps", "train_cell_work"),
            # a cell in double takes twice as long alone: half the steps
            (dict(SMALL, width=16, steps=6200, precision="double"), "steps", "train_cell_work"),
            # a window in double 16 times as long: 16 times fewer cells
            (dict(SMALL, grid=1024, steps=100, precision="double"), "steps",
             "train_too_much_work"),
        ]
        for req, field, code in cases:
            status, body = post_json(self.port, PATH, req)
            self.assertEqual((status, body.get("field"), body.get("code")), (400, field, code),
                             (req, body))
            self.assertTrue(body["error"].startswith(field) or field in body["error"], body)
        # the most steps a cell may take at width 16 (the limit / 87,104 units a cell-step)
        cell = get_json(self.port, "/api/v1/limits")[1]["trainability"]["cell_work"]
        slow = self.post(dict(SMALL, width=16, steps=cell // 87104, grid=2), want=201)
        let_go(self.port, "explorations", slow)
        self.passes(dict(SMALL, seed=12))  # after the slow one's turn in flight: the device idle
        # the data accepted for width 2 once those are fixed
        self.post(dict(two, data=dump), want=201)
        # what the work limit allows, as the refusal says
        status, body = post_json(self.port, PATH, dict(SMALL, grid=4096, steps=100, width=8))
        self.assertEqual(body["args"]["cells"], 4096 * 4096)
        self.assertEqual(body["args"]["limit"],
                         get_json(self.port, "/api/v1/limits")[1]["trainability"]["work"])

    def test_a_large_window_cancelled_stops(self):
        big = {"kind": "trainability", "grid": 1024, "steps": 100}  # 10^6 cells: a minute here
        body = self.post(big)
        item = PATH + "/" + body["id"]
        s = Stream(self.port, body["events"], timeout=120)
        first = s.next()
        self.assertEqual((first["event"], first["data"]["coarse"]), ("pass", True))
        self.assertEqual(first["data"]["grid"], [128, 128])
        info = get_json(self.port, item)[1]
        self.assertEqual(info["status"], "running")
        status, _, data = let_go(self.port, "explorations", body)
        self.assertEqual((status, json.loads(data)["status"]), (200, "cancelled"), data)
        t0 = time.time()
        tail = s.all()
        self.assertLess(time.time() - t0, 5, "the cancelled window went on")
        self.assertEqual(tail[-1]["event"], "error")
        self.assertIn("cancelled", tail[-1]["data"]["error"])
        self.assertEqual(get_json(self.port, item)[0], 404)
        # the device is free again: a small window is computed at once
        t0 = time.time()
        self.passes(dict(SMALL, seed=11))
        self.assertLess(time.time() - t0, 10)


    def test_runs_beside_a_window_wait_for_a_turn_only(self):
        """The worker holds the device for a slice of cells (about 30 ms here), not a pass:
        runs posted while a 256^2 window's full pass is computed get their first event long
        before the pass ends (a pass held whole would keep them for half of it on average).
        The bound is relative to the pass's own time, so a loaded machine slows both."""
        body = self.post({"kind": "trainability", "seed": 21})
        item = PATH + "/" + body["id"]
        events = Stream(self.port, body["events"], timeout=300)
        self.assertEqual(events.next()["data"]["pass"], 0)

        def running():
            info = get_json(self.port, item)[1]
            return info["status"] == "running" and info["passes_done"] == 1
        self.assertTrue(running() or get_json(self.port, item)[1]["status"] == "done")
        started = time.time()
        waits = []
        for seed in range(20):
            if len(waits) == 6 or not running():
                break
            t0 = time.time()
            status, got = post_json(self.port, "/api/v1/runs",
                                    {"function": "rosenbrock", "steps": 64, "seed": seed,
                                     "noise": 0.1})
            self.assertEqual(status, 201, got)
            st = Stream(self.port, got["events"], timeout=60)
            st.next()
            waits.append(time.time() - t0)  # posted while the full pass ran
            st.close()
        full = events.next()
        self.assertEqual((full["event"], full["data"]["pass"]), ("pass", 1))
        took = time.time() - started
        waits.sort()
        self.assertGreaterEqual(len(waits), 1, "the window ended before a run was posted")
        print("\n  runs beside a 256^2 trainability window's full pass (%.2f s): first event "
              "after %.3f s (median), %.3f s (worst)" % (took, waits[len(waits) // 2], waits[-1]),
              file=sys.stderr)
        self.assertLess(waits[len(waits) // 2], took / 4, (took, waits))


class Budget(unittest.TestCase):
    def test_a_window_beyond_the_memory_budget_is_refused(self):
        srv = Server(BINARY, "--memory", "16")
        try:
            # 4096^2 cells at width 1, 1 step: little work, 128 MiB of fields
            status, body = post_json(srv.port, PATH, {"kind": "trainability", "grid": 4096,
                                                      "steps": 1, "width": 1})
            self.assertEqual((status, body["code"]), (400, "over_budget"), body)
            self.assertIn("16 MiB", body["error"])
            status, body = post_json(srv.port, PATH, SMALL)
            self.assertEqual(status, 201, body)
        finally:
            self.assertEqual(srv.stop()[0], 0)


if __name__ == "__main__":
    BINARY = ServerTestCase.binary = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
