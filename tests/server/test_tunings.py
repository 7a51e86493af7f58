"""POST /api/v1/tunings over real HTTP: a coarse plan then the full one, each pass equal to
`clopt tune --json` with the same plan; the same request is the same tuning; bad requests
name their field.

usage: python3 tests/server/test_tunings.py CLOPT_BINARY [unittest args]
"""

import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from client import ServerTestCase, Stream, get_json, post_json  # noqa: E402

BINARY = None

TUNING = {"function": "rosenbrock", "optimizers": ["adam", "sgd(lr=0.001,momentum=0.9)"],
          "vary": [{"name": "lr", "lo": 0.0005, "hi": 0.004, "n": 9, "log": True}],
          "starts": 7, "steps": 150}


def clopt_tune(specs, vary, starts, steps, *extra):
    args = [BINARY, "tune", "--function", "rosenbrock", "--vary", vary, "--starts", str(starts),
            "--steps", str(steps), "--json", *extra]
    for s in specs:
        args += ["--optimizer", s]
    return json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)


class Tunings(ServerTestCase):
    def test_passes_equal_clopt_tune(self):
        status, body = post_json(self.port, "/api/v1/tunings", TUNING)
        self.assertEqual(status, 201, body)
        # The coarse plan: at most 5 values per axis, at most 8 starts, one seed.
        self.assertEqual(body["passes"], [{"values": 5, "runs": 70}, {"values": 9, "runs": 126}])
        req = body["request"]
        self.assertEqual((req["score"], req["seeds"], req["noise"], req["tol"]),
                         ("final", 1, 0.0, 0.0001))
        events = Stream(self.port, body["events"]).all()
        self.assertEqual([e["event"] for e in events], ["pass", "pass", "done"])
        coarse, full = events[0]["data"], events[1]["data"]
        self.assertEqual((coarse["pass"], coarse["coarse"], full["pass"], full["coarse"]),
                         (0, True, 1, False))
        # The optimizers are the canonical request's get_config() texts, as clopt tune takes
        # them: the full pass is clopt tune's JSON exactly, and so is the coarse one.
        specs = [o["optimizer"] for o in full["tuning"]["optimizers"]]
        self.assertEqual([json.loads(s) for s in specs], req["optimizers"])
        self.assertEqual(full["tuning"], clopt_tune(specs, "lr=0.0005:0.004:9:log", 7, 150))
        self.assertEqual(coarse["tuning"], clopt_tune(specs, "lr=0.0005:0.004:5:log", 7, 150))
        self.assertEqual(len(full["tuning"]["optimizers"][1]["median"]), 9)
        self.assertIn(0.0, full["tuning"]["optimizers"][0]["diverged"])
        # The same request is the same tuning.
        status, again = post_json(self.port, "/api/v1/tunings", dict(TUNING))
        self.assertEqual((status, again["id"]), (200, body["id"]))
        info = get_json(self.port, "/api/v1/tunings/" + body["id"])[1]
        self.assertEqual((info["status"], info["passes_done"], info["optimizers"]),
                         ("done", 2, 2))

    def test_default_plan_is_25_lr_values_from_64_starts(self):
        status, body = post_json(self.port, "/api/v1/tunings",
                                 {"function": "sphere", "optimizers": ["adam"], "steps": 20,
                                  "score": "reach", "seeds": 2, "noise": 0.01})
        self.assertEqual(status, 201, body)
        self.assertEqual(body["passes"], [{"values": 5, "runs": 40}, {"values": 25,
                                                                      "runs": 3200}])
        events = Stream(self.port, body["events"]).all()
        full = events[1]["data"]["tuning"]
        self.assertEqual((full["score"], full["seeds"], full["noise"], len(full["starts"])),
                         ("reach", 2, 0.01, 64))
        o = full["optimizers"][0]
        self.assertEqual((o["vary"], len(o["values"]), o["values"][0], o["values"][-1]),
                         ("lr", 25, 1e-7, 0.01))
        self.assertEqual(events[0]["data"]["tuning"]["starts"], full["starts"][:8])

    def test_bad_requests_name_the_field(self):
        cases = [
            ({"optimizers": ["adam"]}, "function"),
            (dict(TUNING, function="x^2+y^2"), "function"),
            ({"function": "sphere"}, "optimizers"),
            (dict(TUNING, optimizers=["adam"] * 17), "optimizers"),
            (dict(TUNING, optimizers=["adam(lr=-1)"]), "optimizers[0]"),
            (dict(TUNING, optimizers=["sgd(lr=0)"], vary=[]), "optimizers"),
            (dict(TUNING, score="best"), "score"),
            (dict(TUNING, function="saddle", score="reach"), "score"),
            (dict(TUNING, starts=0), "starts"),
            (dict(TUNING, seeds=65), "seeds"),
            (dict(TUNING, noise=-1), "noise"),
            (dict(TUNING, tol="x"), "tol"),
            (dict(TUNING, steps=100001), "steps"),
            (dict(TUNING, starts=4096, seeds=64), "starts"),  # over the runs limit
            (dict(TUNING, vary=[{"name": "nope", "lo": 0.1, "hi": 0.2, "n": 3}]), "vary"),
            (dict(TUNING, vary=[{"name": "lr", "lo": 0.1, "hi": 0.2, "n": 1}]), "vary[0]"),
            (dict(TUNING, vary=[{"name": "lr", "lo": 0.1, "hi": 0.2, "n": 3, "x": 1}]),
             "vary[0]"),
            (dict(TUNING, vary={}), "vary"),
            (dict(TUNING, bogus=1), "bogus"),
        ]
        for req, field in cases:
            status, body = post_json(self.port, "/api/v1/tunings", req)
            self.assertEqual(status, 400, (req, body))
            self.assertEqual(body["field"], field, (req, body))


if __name__ == "__main__":
    BINARY = ServerTestCase.binary = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
