"""The trajectory engine as NumPy arrays: clopt.run (what `clopt run` computes)."""
import ctypes
import json

import numpy as np

from . import _lib
from ._core import InvalidArgument, _check, _function_dict, _raise, default_context, spec_text
from ._lib import lib


_PRECISIONS = ("float", "double")  # clopt_precision's order


def _precision(precision):
    """clopt_precision's value of "float" or "double"; anything else is refused."""
    if precision not in _PRECISIONS:
        raise InvalidArgument(f"precision: expected \"float\" or \"double\", got {precision!r}")
    return _PRECISIONS.index(precision)


def specs_array(optimizers, what="optimizers"):
    """A spec or a list of specs as (ctypes char* array, the encoded bytes kept alive)."""
    if isinstance(optimizers, (str, dict)):
        optimizers = [optimizers]
    optimizers = list(optimizers)
    if not optimizers:
        raise InvalidArgument(f"{what}: expected at least one optimizer spec, got none")
    texts = [spec_text(s).encode() for s in optimizers]
    return (ctypes.c_char_p * len(texts))(*texts), texts


class RunResult:
    """The trajectories of clopt.run.

    points:       float32 (float64 with precision="double") [optimizer, start, record, 3],
                  the (x, y, f) at steps 0, every, 2 every, ...; NaN from a trajectory's
                  divergence on
    average:      None, or when an optimizer is schedule-free (sgd_schedulefree, ...) the
                  same for its average x, where such a model is evaluated (points are y,
                  where gradients are taken); the other optimizers' are copies of points
    diverged_at:  int64 [optimizer, start], the step at which it diverged, -1 for never
    steps:        int64 [record], the step of each record
    optimizers:   the optimizers' configs (dicts), starts: float64 [start, 2]
    function:     the function's description (name, formula, tex, view, start, minima)
    """

    def __init__(self, points, diverged_at, steps, optimizers, starts, function, every,
                 average=None):
        self.points = points
        self.average = average
        self.diverged_at = diverged_at
        self.steps = steps
        self.optimizers = optimizers
        self.starts = starts
        self.function = function
        self.every = every

    def __repr__(self):
        k, s, r, _ = self.points.shape
        return (f"<clopt.RunResult {self.function['name']}: {k} optimizers x {s} starts x "
                f"{r} records>")


def run(function, optimizers="adam", starts=None, steps=500, every=1, noise=0.0, seed=0,
        context=None, precision="float"):
    """Runs every optimizer from every start on a test function on the OpenCL device.

    function:    a name of clopt.functions() or an expression in x and y ("x^2 + 3*y^2")
    optimizers:  a spec or a list of specs ("adam(lr=0.01)", {"name": "sgd", ...})
    starts:      (x, y) or a list of them; None: the function's default start
    steps, every, noise, seed: as `clopt run` takes them
    precision:   "float", or "double" (the device's cl_khr_fp64): the points as computed in
                 double, float64 arrays
    Returns a RunResult, the same numbers `clopt run --json` prints.
    """
    if not isinstance(function, str):
        raise InvalidArgument(f"function: expected a name or an expression (a string), got "
                              f"{type(function).__name__}")
    specs, keep = specs_array(optimizers)
    o = _lib.RunOptions()
    o.function = function.encode()
    o.optimizers = ctypes.cast(specs, ctypes.POINTER(ctypes.c_char_p))
    o.noptimizers = len(keep)
    start_arr = None
    if starts is not None:
        start_arr = np.ascontiguousarray(np.asarray(starts, dtype=np.float64).reshape(-1))
        if start_arr.size == 0 or start_arr.size % 2:
            raise InvalidArgument(f"starts: expected (x, y) points, got {start_arr.size} "
                                  f"numbers")
        o.starts = start_arr.ctypes.data_as(ctypes.POINTER(ctypes.c_double))
        o.nstarts = start_arr.size // 2
    for name, v in (("steps", steps), ("every", every), ("seed", seed)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 0:
            raise InvalidArgument(f"{name}: expected a non-negative integer, got {v!r}")
    o.steps, o.every, o.noise, o.seed = int(steps), int(every), float(noise), int(seed)
    o.precision = _precision(precision)
    dtype = np.float64 if precision == "double" else np.float32
    err = _lib.ClError()
    _check(lib.clopt_run_check(ctypes.byref(o), ctypes.byref(err)), err)
    ctx = context if context is not None else default_context()
    r = lib.clopt_run_create(ctx._ptr, ctypes.byref(o), ctypes.byref(err))
    if not r:
        _raise(err)
    try:
        nt = lib.clopt_run_trajectories(r)
        k = len(keep)
        s = nt // k
        rows = int(steps) // int(every) + 1
        out = np.empty((nt, rows, 3), dtype=dtype)
        avg = None
        if any(lib.clopt_run_has_average(r, t) for t in range(nt)):
            avg = np.empty((nt, rows, 3), dtype=dtype)
        sl = _lib.Slice()
        while not lib.clopt_run_finished(r):
            _check(lib.clopt_run_advance(r, 0, ctypes.byref(sl), ctypes.byref(err)), err)
            if sl.rows == 0:
                continue
            data = np.ctypeslib.as_array(sl.data_d if o.precision else sl.data,
                                         shape=(sl.rows, sl.trajectories, sl.components))
            row0 = sl.first_step // int(every)
            out[:, row0:row0 + sl.rows, :] = data[:, :, :3].transpose(1, 0, 2)
            if avg is not None:
                avg[:, row0:row0 + sl.rows, :] = data[:, :, 3:6].transpose(1, 0, 2)
        diverged = np.array([lib.clopt_run_diverged_at(r, t) for t in range(nt)],
                            dtype=np.int64)
        configs = [json.loads(lib.clopt_run_optimizer(r, t * s).decode()) for t in range(k)]
        st = np.array([lib.clopt_run_start(r, t)[0:2] for t in range(s)], dtype=np.float64)
        fn = _function_dict(lib.clopt_run_function(r))
    finally:
        lib.clopt_run_release(r)
    return RunResult(out.reshape(k, s, rows, 3), diverged.reshape(k, s),
                     np.arange(rows, dtype=np.int64) * int(every), configs, st, fn, int(every),
                     None if avg is None else avg.reshape(k, s, rows, 3))
