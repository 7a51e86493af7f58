"""Explorations as NumPy arrays: basin maps and hyperparameter sweeps, reduced on the device
(the numbers `clopt explore basins|sweep --json` prints)."""
import ctypes
import json

import numpy as np

from . import _lib
from ._core import InvalidArgument, _check, _function_dict, _raise, default_context
from ._engine import _precision, specs_array
from ._lib import lib

_BASINS, _SWEEP = 0, 1
_FIELDS = ("x", "y", "f", "converged_at", "minimum", "diverged_at")


class ExploreResult:
    """An exploration's maps.

    Basins: x, y, f (float32, or float64 with precision="double"; NaN where diverged), converged_at, minimum, diverged_at
    (int32, -1 for never / none), each [optimizer, ny, nx]; cell [k, j, i] started at
    (xs[i], ys[j]). Sweeps: the same fields [n1, n0] (one axis: [n0]), cell [j, i] at
    axes[0] value i and axes[1] value j; `axes` lists (name, values).
    """

    def __init__(self, kind, function, steps, optimizers, fields, **extra):
        self.kind, self.function, self.steps, self.optimizers = kind, function, steps, optimizers
        for name, value in fields.items():
            setattr(self, name, value)
        for name, value in extra.items():
            setattr(self, name, value)

    def __repr__(self):
        return f"<clopt.ExploreResult {self.kind} of {self.function['name']}: {self.f.shape}>"


def _steps_tol(steps, tol):
    if not isinstance(steps, (int, np.integer)) or isinstance(steps, bool) or steps < 1:
        raise InvalidArgument(f"steps: expected a positive integer, got {steps!r}")
    return int(steps), float(tol)


def _map_fields(mp):
    """A map's fields as NumPy arrays: x, y, f in float64 where the map has them (double)."""
    out = {}
    for f in _FIELDS:
        wide = getattr(mp, f + "d", None) if f in ("x", "y", "f") else None
        src = wide if wide else getattr(mp, f)
        out[f] = np.ctypeslib.as_array(src, shape=(mp.runs,)).copy()
    return out


def _explore(o, keep, context):
    err = _lib.ClError()
    _check(lib.clopt_explore_check(ctypes.byref(o), ctypes.byref(err)), err)
    ctx = context if context is not None else default_context()
    e = lib.clopt_explore_create(ctx._ptr, ctypes.byref(o), ctypes.byref(err))
    if not e:
        _raise(err)
    try:
        while not lib.clopt_explore_finished(e):
            _check(lib.clopt_explore_advance(e, 0, ctypes.byref(err)), err)
        maps, configs = [], []
        for m in range(lib.clopt_explore_maps(e)):
            mp = _lib.ExploreMap()
            _check(lib.clopt_explore_map_get(e, m, ctypes.byref(mp), ctypes.byref(err)), err)
            maps.append(_map_fields(mp))
            configs.append(json.loads(lib.clopt_explore_optimizer(e, m).decode()))
        axes = []
        if o.kind == _SWEEP:
            for a in range(o.naxes):
                n = ctypes.c_size_t()
                v = lib.clopt_explore_axis_values(e, a, ctypes.byref(n))
                axes.append((lib.clopt_explore_axis_name(e, a).decode(),
                             np.array(v[: n.value], dtype=np.float64)))
    finally:
        lib.clopt_explore_release(e)
    fn = _function_dict(lib.clopt_function_find(o.function, None))
    return maps, configs, axes, fn


def basins(function, optimizers="adam", grid=64, view=None, steps=500, tol=1e-4, context=None,
           precision="float"):
    """One run per grid point per optimizer, started there: which known minimum each run
    reaches and when. grid: N or (nx, ny); view: (x0, x1, y0, y1), None for the function's;
    precision: "float", or "double" (the device's cl_khr_fp64) for windows float cannot resolve.
    """
    nx, ny = (grid, grid) if isinstance(grid, (int, np.integer)) else tuple(grid)
    steps, tol = _steps_tol(steps, tol)
    specs, keep = specs_array(optimizers)
    o = _lib.ExploreOptions()
    o.kind, o.function = _BASINS, function.encode()
    o.optimizers = ctypes.cast(specs, ctypes.POINTER(ctypes.c_char_p))
    o.noptimizers, o.nx, o.ny, o.steps, o.tol = len(keep), int(nx), int(ny), steps, tol
    o.precision = _precision(precision)
    view_arr = None
    if view is not None:
        view_arr = (ctypes.c_double * 4)(*[float(v) for v in view])
        o.view = view_arr
    maps, configs, _, fn = _explore(o, keep, context)
    v = list(view) if view is not None else fn["view"]
    fields = {f: np.stack([m[f].reshape(int(ny), int(nx)) for m in maps]) for f in _FIELDS}
    return ExploreResult("basins", fn, steps, configs, fields, view=v,
                         xs=np.linspace(v[0], v[1], int(nx)), ys=np.linspace(v[2], v[3], int(ny)))


def sweep(function, optimizer="adam", vary=(("lr", 1e-4, 1.0, 32, True),), start=None,
          steps=500, tol=1e-4, context=None, precision="float"):
    """One run per value (or pair of values) of one or two hyperparameters, from one start.
    vary: (name, lo, hi, n, log) tuples, one or two; start: (x, y), None for the function's;
    precision: "float" or "double", as for basins.
    """
    if isinstance(vary, tuple) and vary and isinstance(vary[0], str):
        vary = (vary,)
    vary = list(vary)
    if not 1 <= len(vary) <= 2:
        raise InvalidArgument(f"vary: expected one or two (name, lo, hi, n, log) axes, got "
                              f"{len(vary)}")
    steps, tol = _steps_tol(steps, tol)
    specs, keep = specs_array([optimizer], "optimizer")
    o = _lib.ExploreOptions()
    o.kind, o.function = _SWEEP, function.encode()
    o.optimizers = ctypes.cast(specs, ctypes.POINTER(ctypes.c_char_p))
    o.noptimizers, o.steps, o.tol, o.naxes = 1, steps, tol, len(vary)
    o.precision = _precision(precision)
    names = []
    for a, ax in enumerate(vary):
        if len(ax) not in (4, 5):
            raise InvalidArgument(f"vary[{a}]: expected (name, lo, hi, n) or (name, lo, hi, n, "
                                  f"log), got {ax!r}")
        names.append(str(ax[0]).encode())
        o.axes[a].name = names[-1]
        o.axes[a].lo, o.axes[a].hi, o.axes[a].n = float(ax[1]), float(ax[2]), int(ax[3])
        o.axes[a].log = int(bool(ax[4])) if len(ax) == 5 else 0
    start_arr = None
    if start is not None:
        start_arr = (ctypes.c_double * 2)(*[float(v) for v in start])
        o.start = start_arr
    maps, configs, axes, fn = _explore(o, keep, context)
    shape = tuple(len(v) for _, v in reversed(axes))
    fields = {f: maps[0][f].reshape(shape) for f in _FIELDS if f != "minimum"}
    return ExploreResult("sweep", fn, steps, configs, fields, axes=axes,
                         start=list(start) if start is not None else fn["start"])
