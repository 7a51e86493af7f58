"""Matplotlib figures of runs and explorations, in the page's colours (web/js/scales.js,
web/js/exploreplan.js): Okabe & Ito's palette by the optimizer's place in the catalogue,
viridis landscapes (log-scaled where the catalogue says so), basin cells coloured by the
minimum reached (hue) and how soon (lightness), black where a run diverged.

    fig = clopt.plot.race(clopt.run("rosenbrock", ["adam(lr=0.05)", "sgd(lr=0.001)"]))
    fig.savefig("race.png")      # or let a notebook show it
"""
import math

import matplotlib.pyplot as plt
import numpy as np

from . import _core

# web/js/scales.js PALETTE: distinguishable with every common colour-vision deficiency.
PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
           "#000000"]
_DASHES = ["-", (0, (7, 4)), (0, (2, 3)), (0, (9, 3, 2, 3))]
# web/js/exploreplan.js HUES: known minimum 0 .. 5, then again.
_HUES = [210, 20, 130, 280, 50, 330]
_kinds = None


def colour(name):
    """The page's colour of an optimizer kind ("Adam", "adam"): its catalogue position."""
    global _kinds
    if _kinds is None:
        _kinds = {r["key"].lower(): i for i, r in enumerate(_core.optimizers())}
    i = _kinds.get(str(name).lower(), 0)
    return PALETTE[i % len(PALETTE)]


def _labels(configs):
    """Short labels: the name and the values that differ from the catalogue's defaults."""
    defaults = {r["name"]: {h["name"]: h["default"] for h in r["hyperparameters"]}
                for r in _core.optimizers()}
    out = []
    for c in configs:
        d = defaults.get(c["name"], {})
        args = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                         for k, v in c.items() if k != "name" and d.get(k) != v)
        out.append(f"{c['name']}({args})")
    return out


def _landscape_image(ax, fn, view, grid, context):
    z = (context or _core.default_context()).landscape(fn["name"], grid, grid, view=view)
    finite = z[np.isfinite(z)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if fn["log_scale"]:
        offset = max((hi - lo) * 1e-3, 1e-12)
        z = np.log10(np.where(np.isfinite(z), z, hi) - lo + offset)
    x = np.linspace(view[0], view[1], grid)
    y = np.linspace(view[2], view[3], grid)
    ax.imshow(z, origin="lower", extent=view, cmap="viridis", aspect="auto")
    ax.contour(x, y, z, levels=14, colors="white", linewidths=0.4, alpha=0.6)
    for mx, my, _ in fn["minima"]:
        ax.plot(mx, my, marker="*", color="white", markersize=11, markeredgecolor="black")
    ax.set_xlim(view[0], view[1])
    ax.set_ylim(view[2], view[3])
    ax.set_xlabel("x")
    ax.set_ylabel("y")


def race(result, view=None, grid=200, context=None, figsize=(11, 4.6)):
    """A run (clopt.run's RunResult): the landscape with the paths, and the loss per step.
    view: (x0, x1, y0, y1), None for the function's default (widened to hold the paths)."""
    fn = result.function
    view = list(view) if view is not None else list(fn["view"])
    fig, (ax, al) = plt.subplots(1, 2, figsize=figsize, width_ratios=[1.1, 1])
    _landscape_image(ax, fn, view, grid, context)
    labels = _labels(result.optimizers)
    seen = {}
    positive = True
    for k, cfg in enumerate(result.optimizers):
        col = colour(cfg["name"])
        n = seen.get(cfg["name"], 0)
        seen[cfg["name"]] = n + 1
        for s in range(result.points.shape[1]):
            pts = result.points[k, s]
            ok = np.isfinite(pts).all(axis=1)
            line = dict(color=col, linestyle=_DASHES[n % len(_DASHES)], linewidth=1.6)
            ax.plot(pts[ok, 0], pts[ok, 1], **line, label=labels[k] if s == 0 else None)
            ax.plot(pts[0, 0], pts[0, 1], "o", color=col, markeredgecolor="white")
            al.plot(result.steps[ok], pts[ok, 2], **line, label=labels[k] if s == 0 else None)
            positive = positive and bool(np.all(pts[ok, 2] > 0))
            d = result.diverged_at[k, s]
            if d >= 0:
                al.axvline(d, color=col, linewidth=0.8, linestyle=":")
    ax.set_title(f"{fn['name']}: {fn['formula']}" if fn["formula"] != fn["name"] else fn["name"],
                 fontsize=10)
    if positive:
        al.set_yscale("log")
    al.set_xlabel("step")
    al.set_ylabel("f")
    al.set_title("loss", fontsize=10)
    al.grid(True, alpha=0.3)
    al.legend(fontsize=8)
    fig.tight_layout()
    return fig


def _hsl(h, s, lum):
    """web/js/exploreplan.js hsl(): h in degrees, s and lum arrays in 0..1 -> RGB 0..1."""
    a = s * np.minimum(lum, 1 - lum)
    out = []
    for n in (0, 8, 4):
        k = (n + h / 30.0) % 12
        out.append(lum - a * np.maximum(-1, np.minimum(np.minimum(k - 3, 9 - k), 1)))
    return np.stack(out, axis=-1)


def basin_colours(minimum, converged_at, diverged_at, steps):
    """RGB (0..1) of basin cells as the page colours them: hue = the minimum reached,
    lightness = how soon it converged (light: early), grey = none, black = diverged."""
    speed = np.where(converged_at >= 0, 1 - converged_at / float(steps), 0.0)
    hue = np.array(_HUES, dtype=np.float64)[np.maximum(minimum, 0) % len(_HUES)]
    out = _hsl(hue, 0.7, 0.25 + 0.5 * speed)
    out[minimum < 0] = 150 / 255
    out[diverged_at >= 0] = 0.0
    return out


def basins(result, figsize=None):
    """Basin maps (clopt.explore.basins): one panel per optimizer; the known minima as
    stars, in the colour of the cells that reach them."""
    k = result.f.shape[0]
    fig, axes = plt.subplots(1, k, figsize=figsize or (4.2 * k, 4.2), squeeze=False)
    v = result.view
    labels = _labels(result.optimizers)
    for i, ax in enumerate(axes[0]):
        img = basin_colours(result.minimum[i], result.converged_at[i], result.diverged_at[i],
                            result.steps)
        ax.imshow(img, origin="lower", extent=v, aspect="auto", interpolation="nearest")
        for m, (mx, my, _) in enumerate(result.function["minima"]):
            ax.plot(mx, my, marker="*", markersize=13, markeredgecolor="white",
                    color=_hsl(float(_HUES[m % len(_HUES)]), 0.7, 0.25))
        reached = int((result.minimum[i] >= 0).sum())
        ax.set_title(f"{labels[i]}\n{reached} of {result.minimum[i].size} runs reach a "
                     f"minimum", fontsize=9)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
    fig.suptitle(f"basins of {result.function['name']}, {result.steps} steps", fontsize=10)
    fig.tight_layout()
    return fig


def sweep_values(result):
    """log10(f - f*) of every cell, f* the function's best known value (or the sweep's best
    run when it has none); NaN where a run diverged: the page's sweep colour."""
    minima = result.function["minima"]
    f = result.f.astype(np.float64)
    finite = np.isfinite(f)
    best = min(m[2] for m in minima) if minima else (f[finite].min() if finite.any() else 0.0)
    return np.where(finite, np.log10(np.maximum(f - best, 0) + 1e-12), np.nan)


def sweep(result, figsize=(6.5, 4.4)):
    """A sweep (clopt.explore.sweep): log10(f - f*) over one axis (a curve) or two (a map,
    viridis as on the page: yellow = close to the minimum, black = diverged)."""
    vals = sweep_values(result)
    fig, ax = plt.subplots(figsize=figsize)
    (n0, x0), *rest = result.axes
    log0 = _is_log(x0)
    if not rest:
        ax.plot(x0, vals, "o-", color=colour(result.optimizers[0]["name"]))
        div = result.diverged_at >= 0
        if div.any():
            ax.plot(x0[div], np.full(div.sum(), np.nanmax(vals) if np.isfinite(vals).any()
                                     else 0), "x", color="black", label="diverged")
            ax.legend(fontsize=8)
        ax.set_xlabel(n0)
        ax.set_ylabel("log10(f - f*)")
        if log0:
            ax.set_xscale("log")
    else:
        n1, x1 = rest[0]
        cmap = plt.get_cmap("viridis_r").copy()
        cmap.set_bad("black")
        e0, e1 = _edges(x0), _edges(x1)
        mesh = ax.pcolormesh(e0, e1, np.ma.masked_invalid(vals), cmap=cmap, shading="flat")
        fig.colorbar(mesh, ax=ax, label="log10(f - f*)")
        ax.set_xlabel(n0)
        ax.set_ylabel(n1)
        if log0:
            ax.set_xscale("log")
        if _is_log(x1):
            ax.set_yscale("log")
    ax.set_title(f"{_labels(result.optimizers)[0]} on {result.function['name']}, "
                 f"{result.steps} steps", fontsize=9)
    fig.tight_layout()
    return fig


def _is_log(x):
    return len(x) > 2 and x[0] > 0 and not math.isclose(x[1] - x[0], x[2] - x[1], rel_tol=1e-6)


def _edges(x):
    """Cell edges around centres x (geometric midpoints when x is log-spaced)."""
    x = np.asarray(x, dtype=np.float64)
    if _is_log(x):
        lx = np.log(x)
        mid = (lx[1:] + lx[:-1]) / 2
        return np.exp(np.concatenate([[2 * lx[0] - mid[0]], mid, [2 * lx[-1] - mid[-1]]]))
    mid = (x[1:] + x[:-1]) / 2
    return np.concatenate([[2 * x[0] - mid[0]], mid, [2 * x[-1] - mid[-1]]])
