"""clopt.plot: figures of a run, a basin map and sweeps, in the page's colours."""
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

import clopt  # noqa: E402
import clopt.plot as cp  # noqa: E402


def test_basin_colours_are_the_pages():
    # web/js/exploreplan.js: cellColour(0, 0, -1, 100) = hsl(210, 0.7, 0.75) = [147, 191, 236]
    minimum = np.array([0, 1, -1, 2])
    converged = np.array([0, 100, -1, 50])
    diverged = np.array([-1, -1, -1, 7])
    rgb = np.round(255 * cp.basin_colours(minimum, converged, diverged, 100)).astype(int)
    assert rgb[0].tolist() == [147, 191, 236]
    assert rgb[1].tolist() == [108, 49, 19]  # hsl(20, 0.7, 0.25): minimum 1, at the last step
    assert rgb[2].tolist() == [150, 150, 150]
    assert rgb[3].tolist() == [0, 0, 0]


def test_colours_follow_the_catalogue_order():
    names = [r["name"] for r in clopt.optimizers()]
    assert cp.colour("SGD") == cp.PALETTE[0]
    assert cp.colour("adam") == cp.PALETTE[names.index("Adam") % len(cp.PALETTE)]


def test_race_basins_and_sweeps_draw():
    r = clopt.run("rosenbrock", ["adam(lr=0.05)", "sgd(lr=0.001)"], steps=50)
    fig = cp.race(r)
    paths, loss = fig.axes[0], fig.axes[1]
    assert loss.get_yscale() == "log"
    assert [t.get_text() for t in loss.get_legend().get_texts()] == ["Adam(lr=0.05)",
                                                                     "SGD(lr=0.001)"]
    xs = paths.lines[1].get_xdata()  # the first path after the minimum's star
    np.testing.assert_array_equal(xs, r.points[0, 0, :, 0])
    b = clopt.explore.basins("himmelblau", ["adam(lr=0.1)"], grid=16, steps=100)
    fig = cp.basins(b)
    img = fig.axes[0].images[0].get_array()
    assert img.shape == (16, 16, 3)
    s2 = clopt.explore.sweep("rosenbrock", "adam", vary=[("lr", 1e-3, 0.5, 5, True),
                                                         ("beta_1", 0.5, 0.9, 3)], steps=50)
    fig = cp.sweep(s2)
    assert fig.axes[0].get_xscale() == "log" and fig.axes[0].get_yscale() == "linear"
    vals = cp.sweep_values(s2)
    np.testing.assert_allclose(vals, np.log10(s2.f.astype(np.float64) + 1e-12))
    s1 = clopt.explore.sweep("sphere", "sgd", vary=("lr", 0.1, 1.5, 8), steps=20)
    fig = cp.sweep(s1)
    assert len(fig.axes[0].lines[0].get_xdata()) == 8
