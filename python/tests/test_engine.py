"""clopt.run and clopt.explore against the `clopt` tool's JSON (the same numbers)."""
import json
import subprocess

import numpy as np
import pytest

import clopt


def _tool(cli, *args):
    out = subprocess.run([cli, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def _f32(v):
    return np.float32(np.nan) if v is None else np.float32(v)


def test_run_equals_clopt_run_json(cli):
    specs = ["adam(lr=0.05)", "SGD(lr=0.002, momentum=0.9)", "sgd(lr=0.05)"]
    starts = [(-1.5, 2.0), (0.5, -0.5)]
    r = clopt.run("rosenbrock", specs, starts=starts, steps=120, every=3, noise=0.1, seed=7)
    args = ["run", "--function", "rosenbrock", "--steps", "120", "--every", "3", "--noise",
            "0.1", "--seed", "7"]
    for s in specs:
        args += ["--optimizer", s]
    for x, y in starts:
        args += ["--start", f"{x},{y}"]
    j = _tool(cli, *args)
    assert r.points.shape == (3, 2, 41, 3) and r.points.dtype == np.float32
    assert list(r.steps[:3]) == [0, 3, 6]
    assert j["function"] == r.function["name"] == "rosenbrock"
    diverged = 0
    for t, traj in enumerate(j["trajectories"]):
        k, s = divmod(t, 2)
        assert traj["optimizer"] == r.optimizers[k]
        assert tuple(traj["start"]) == tuple(r.starts[s])
        pts = np.array(traj["points"], dtype=np.float32)
        n = len(pts)
        # The tool prints shortest round-trip float text: parsing it gives the same float32.
        np.testing.assert_array_equal(r.points[k, s, :n], pts)
        d = -1 if traj["diverged_at"] is None else traj["diverged_at"]
        assert r.diverged_at[k, s] == d
        if d >= 0:
            diverged += 1
            assert np.isnan(r.points[k, s, n:]).all()
    assert diverged >= 1, "the run should include a diverging trajectory (sgd lr=0.05)"


def test_run_schedule_free_average_equals_clopt_run_json(cli):
    specs = ["sgd_schedulefree(lr=0.001)", "adam(lr=0.05)"]
    r = clopt.run("rosenbrock", specs, steps=40, every=4)
    j = _tool(cli, "run", "--function", "rosenbrock", "--steps", "40", "--every", "4",
              "--optimizer", specs[0], "--optimizer", specs[1])
    assert r.average is not None and r.average.shape == r.points.shape == (2, 1, 11, 3)
    sf, adam = j["trajectories"]
    np.testing.assert_array_equal(r.points[0, 0], np.array(sf["points"], np.float32))
    np.testing.assert_array_equal(r.average[0, 0], np.array(sf["average"], np.float32))
    assert not np.array_equal(r.average[0, 0], r.points[0, 0])
    np.testing.assert_array_equal(r.average[1, 0], r.points[1, 0])  # a copy for Adam
    assert clopt.run("rosenbrock", "adam", steps=3).average is None


def test_run_expression_and_defaults(cli):
    r = clopt.run("x^2 + 3*y^2", "sgd(lr=0.1)", steps=5)
    j = _tool(cli, "run", "--function", "x^2 + 3*y^2", "--optimizer", "sgd(lr=0.1)",
              "--steps", "5")
    np.testing.assert_array_equal(r.points[0, 0], np.array(j["trajectories"][0]["points"],
                                                           dtype=np.float32))
    x0, y0 = r.starts[0]
    assert (x0, y0) == (1.5, 1.5)
    # sgd on x^2 + 3y^2: x *= 0.8, y *= 0.4 per step
    np.testing.assert_allclose(r.points[0, 0, 5, :2], [1.5 * 0.8 ** 5, 1.5 * 0.4 ** 5],
                               rtol=1e-5)


def test_double_run_equals_clopt_run_json(cli):
    specs = ["adam(lr=0.05, amsgrad=True)", "sgd_schedulefree(lr=0.001)"]
    r = clopt.run("rosenbrock", specs, steps=60, every=2, noise=0.1, seed=3, precision="double")
    args = ["run", "--function", "rosenbrock", "--steps", "60", "--every", "2", "--noise", "0.1",
            "--seed", "3", "--precision", "double", "--optimizer", specs[0], "--optimizer",
            specs[1]]
    j = _tool(cli, *args)
    assert j["precision"] == "double" and r.points.dtype == r.average.dtype == np.float64
    for k, traj in enumerate(j["trajectories"]):  # the tool's shortest text is the double
        np.testing.assert_array_equal(r.points[k, 0], np.array(traj["points"], np.float64))
        if "average" in traj:
            np.testing.assert_array_equal(r.average[k, 0], np.array(traj["average"], np.float64))
    f32 = clopt.run("rosenbrock", specs, steps=60, every=2, noise=0.1, seed=3)
    assert "precision" not in _tool(cli, *args[:-6], "--optimizer", specs[0])
    assert not np.array_equal(f32.points.astype(np.float64), r.points)  # float rounds
    np.testing.assert_allclose(f32.points, r.points, rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match='precision: expected "float" or "double"'):
        clopt.run("sphere", "adam", precision="single")


def test_run_refusals():
    with pytest.raises(ValueError, match="did you mean 'rosenbrock'"):
        clopt.run("rosenbrok", "adam")
    with pytest.raises(ValueError, match="every"):
        clopt.run("sphere", "adam", steps=10, every=20)
    with pytest.raises(ValueError, match="starts: expected"):
        clopt.run("sphere", "adam", starts=[1.0, 2.0, 3.0])


def _fields(m, names):
    return {n: np.array([_f32(v) if n in "xyf" else v for v in m[n]]) for n in names}


def test_basins_equal_clopt_explore_json(cli):
    specs = ["adam(lr=0.1)", "sgd(lr=0.01)"]
    b = clopt.explore.basins("himmelblau", specs, grid=(9, 7), steps=150)
    j = _tool(cli, "explore", "basins", "--function", "himmelblau", "--optimizer", specs[0],
              "--optimizer", specs[1], "--grid", "9,7", "--steps", "150", "--json")
    assert b.f.shape == (2, 7, 9) and j["grid"] == [9, 7]
    assert list(b.view) == j["view"]
    for k, m in enumerate(j["maps"]):
        assert m["optimizer"] == b.optimizers[k]
        want = _fields(m, ["x", "y", "f", "converged_at", "minimum", "diverged_at"])
        for n, v in want.items():
            np.testing.assert_array_equal(getattr(b, n)[k].reshape(-1), v, err_msg=n)
    assert (b.minimum >= 0).sum() > 20  # most runs end at one of the four minima


def test_double_basins_equal_clopt_explore_json(cli):
    b = clopt.explore.basins("himmelblau", "adam(lr=0.1)", grid=(5, 4), steps=80,
                             precision="double")
    j = _tool(cli, "explore", "basins", "--function", "himmelblau", "--optimizer", "adam(lr=0.1)",
              "--grid", "5,4", "--steps", "80", "--precision", "double", "--json")
    assert j["precision"] == "double" and b.x.dtype == np.float64
    m = j["maps"][0]
    for n in ("x", "y", "f"):  # the JSON's 17 digits are the double exactly
        want = np.array([np.nan if v is None else v for v in m[n]], dtype=np.float64)
        np.testing.assert_array_equal(getattr(b, n)[0].reshape(-1), want, err_msg=n)
    f32 = clopt.explore.basins("himmelblau", "adam(lr=0.1)", grid=(5, 4), steps=80)
    assert f32.x.dtype == np.float32
    assert not np.array_equal(f32.x.astype(np.float64), b.x)  # float rounds; double does not
    with pytest.raises(ValueError, match='precision: expected "float" or "double"'):
        clopt.explore.sweep("sphere", "adam", vary=("lr", 0.01, 0.1, 3), precision="half")


def test_sweep_equals_clopt_explore_json(cli):
    s = clopt.explore.sweep("rosenbrock", "adam", vary=[("lr", 1e-3, 0.5, 6, True),
                                                        ("beta_1", 0.5, 0.95, 4)], steps=200)
    j = _tool(cli, "explore", "sweep", "--function", "rosenbrock", "--optimizer", "adam",
              "--vary", "lr=0.001:0.5:6:log", "--vary", "beta_1=0.5:0.95:4", "--steps", "200",
              "--json")
    assert s.f.shape == (4, 6)
    assert [(n, list(v)) for n, v in s.axes] == [(a["name"], a["values"]) for a in j["axes"]]
    want = _fields(j, ["x", "y", "f", "converged_at", "diverged_at"])
    for n, v in want.items():
        np.testing.assert_array_equal(getattr(s, n).reshape(-1), v, err_msg=n)


def test_listings_equal_the_tools(cli):
    assert clopt.optimizers() == _tool(cli, "optimizers", "--json")
    assert clopt.devices() == _tool(cli, "devices", "--json")
    names = [f["name"] for f in clopt.functions()]
    listed = subprocess.run([cli, "functions"], check=True, capture_output=True, text=True).stdout
    assert all(n in listed for n in names)
