"""Finding libclopt.so and declaring its C API (ctypes, no compiler needed).

The library is looked for, in this order: the file that CLOPT_LIBRARY names (and then
nothing else); next to this package (clopt/libclopt.so, where `pip install ./python` puts
it); the path `cmake --install` recorded in clopt/_install.py; the build directory of the
checkout this package sits in (../build/libclopt.so); the dynamic loader's path (ldconfig,
LD_LIBRARY_PATH). When none loads, the error lists every place tried and why it failed.
"""
import ctypes
import ctypes.util
import os

_HERE = os.path.dirname(os.path.abspath(__file__))

c_char_p = ctypes.c_char_p
c_void_p = ctypes.c_void_p
c_size_t = ctypes.c_size_t
c_double = ctypes.c_double
c_int = ctypes.c_int
c_int32 = ctypes.c_int32
c_int64 = ctypes.c_int64
c_uint64 = ctypes.c_uint64


class ClError(ctypes.Structure):
    _c_name = "clopt_error"  # its C twin in clopt.h (tests/test_abi.py compares the layouts)
    _fields_ = [("status", c_int), ("cl_error", c_int32), ("text", ctypes.c_char * 256)]


class Point(ctypes.Structure):
    _c_name = "clopt_point"  # its C twin in clopt.h (tests/test_abi.py compares the layouts)
    _fields_ = [("x", c_double), ("y", c_double), ("f", c_double)]


class FunctionInfo(ctypes.Structure):
    _c_name = "clopt_function_info"  # its C twin in clopt.h (tests/test_abi.py compares the layouts)
    _fields_ = [
        ("name", c_char_p),
        ("formula", c_char_p),
        ("tex", c_char_p),
        ("view", c_double * 4),
        ("start", c_double * 2),
        ("nminima", c_size_t),
        ("minima", Point * 4),
        ("log_scale", c_int),
    ]


class RunOptions(ctypes.Structure):
    _c_name = "clopt_run_options"  # its C twin in clopt.h (tests/test_abi.py compares the layouts)
    _fields_ = [
        ("function", c_char_p),
        ("optimizers", ctypes.POINTER(c_char_p)),
        ("noptimizers", c_size_t),
        ("starts", ctypes.POINTER(c_double)),
        ("nstarts", c_size_t),
        ("steps", c_uint64),
        ("every", c_uint64),
        ("noise", c_double),
        ("seed", c_uint64),
        ("state", c_int),
        ("precision", c_int),  # clopt_precision: 0 float, 1 double
    ]


class Slice(ctypes.Structure):
    _c_name = "clopt_slice"  # its C twin in clopt.h (tests/test_abi.py compares the layouts)
    _fields_ = [
        ("first_step", c_uint64),
        ("rows", c_size_t),
        ("trajectories", c_size_t),
        ("components", c_size_t),
        ("data", ctypes.POINTER(ctypes.c_float)),
        ("data_d", ctypes.POINTER(c_double)),  # precision double: data unrounded (NULL in float)
    ]


class ExploreAxis(ctypes.Structure):
    _c_name = "clopt_explore_axis"  # its C twin in clopt.h (tests/test_abi.py compares the layouts)
    _fields_ = [
        ("name", c_char_p),
        ("lo", c_double),
        ("hi", c_double),
        ("n", c_size_t),
        ("log", c_int),
    ]


class ExploreOptions(ctypes.Structure):
    _c_name = "clopt_explore_options"  # its C twin in clopt.h (tests/test_abi.py compares the layouts)
    _fields_ = [
        ("kind", c_int),
        ("function", c_char_p),
        ("optimizers", ctypes.POINTER(c_char_p)),
        ("noptimizers", c_size_t),
        ("nx", c_size_t),
        ("ny", c_size_t),
        ("view", ctypes.POINTER(c_double)),
        ("start", ctypes.POINTER(c_double)),
        ("axes", ExploreAxis * 2),
        ("naxes", c_size_t),
        ("steps", c_uint64),
        ("tol", c_double),
        # Tunings only (zero for basins and sweeps).
        ("starts", ctypes.POINTER(c_double)),
        ("nstarts", c_size_t),
        ("nseeds", c_size_t),
        ("noise", c_double),
        ("auc", c_int),
        ("precision", c_int),  # clopt_precision: 0 float, 1 double
    ]


class ExploreMap(ctypes.Structure):
    _c_name = "clopt_explore_map"  # its C twin in clopt.h (tests/test_abi.py compares the layouts)
    _fields_ = [
        ("runs", c_size_t),
        ("x", ctypes.POINTER(ctypes.c_float)),
        ("y", ctypes.POINTER(ctypes.c_float)),
        ("f", ctypes.POINTER(ctypes.c_float)),
        ("converged_at", ctypes.POINTER(c_int32)),
        ("minimum", ctypes.POINTER(c_int32)),
        ("diverged_at", ctypes.POINTER(c_int32)),
        ("auc", ctypes.POINTER(ctypes.c_float)),
        # precision double: x, y, f unrounded (NULL in float)
        ("xd", ctypes.POINTER(c_double)),
        ("yd", ctypes.POINTER(c_double)),
        ("fd", ctypes.POINTER(c_double)),
    ]


_E = ctypes.POINTER(ClError)

# name: (restype, argtypes)
_API = {
    "clopt_version": (c_char_p, []),
    "clopt_status_string": (c_char_p, [c_int]),
    "clopt_free": (None, [c_void_p]),
    "clopt_context_create": (c_void_p, [c_char_p, _E]),
    "clopt_context_wrap": (c_void_p, [c_void_p, c_void_p, c_void_p, _E]),
    "clopt_context_cl": (c_void_p, [c_void_p]),
    "clopt_context_queue": (c_void_p, [c_void_p]),
    "clopt_context_device": (c_void_p, [c_void_p]),
    "clopt_context_release": (None, [c_void_p]),
    "clopt_optimizer_create": (c_void_p, [c_void_p, c_char_p, _E]),
    "clopt_optimizer_add": (c_int, [c_void_p, c_void_p, c_void_p, c_size_t, c_size_t, _E]),
    "clopt_optimizer_add_matrix": (c_int, [c_void_p, c_void_p, c_void_p, c_size_t, c_size_t,
                                           c_size_t, _E]),
    "clopt_optimizer_step": (c_int, [c_void_p, _E]),
    "clopt_optimizer_set": (c_int, [c_void_p, c_char_p, c_double, _E]),
    "clopt_optimizer_get": (c_int, [c_void_p, c_char_p, ctypes.POINTER(c_double), _E]),
    "clopt_optimizer_iterations": (c_uint64, [c_void_p]),
    "clopt_optimizer_rate": (c_double, [c_void_p]),
    "clopt_optimizer_average": (c_int, [c_void_p, c_size_t, c_void_p, c_size_t, _E]),
    "clopt_optimizer_config": (c_void_p, [c_void_p]),
    "clopt_optimizer_save": (c_int, [c_void_p, c_char_p, _E]),
    "clopt_optimizer_load": (c_int, [c_void_p, c_char_p, _E]),
    "clopt_optimizer_release": (None, [c_void_p]),
    "clopt_optimizers_json": (c_void_p, []),
    "clopt_devices_json": (c_void_p, [_E]),
    "clopt_function_count": (c_size_t, []),
    "clopt_function_get": (ctypes.POINTER(FunctionInfo), [c_size_t]),
    "clopt_function_find": (ctypes.POINTER(FunctionInfo), [c_char_p, _E]),
    "clopt_run_check": (c_int, [ctypes.POINTER(RunOptions), _E]),
    "clopt_run_create": (c_void_p, [c_void_p, ctypes.POINTER(RunOptions), _E]),
    "clopt_run_advance": (c_int, [c_void_p, c_uint64, ctypes.POINTER(Slice), _E]),
    "clopt_run_finished": (c_int, [c_void_p]),
    "clopt_run_function": (ctypes.POINTER(FunctionInfo), [c_void_p]),
    "clopt_run_trajectories": (c_size_t, [c_void_p]),
    "clopt_run_optimizer": (c_char_p, [c_void_p, c_size_t]),
    "clopt_run_start": (ctypes.POINTER(c_double), [c_void_p, c_size_t]),
    "clopt_run_has_average": (c_int, [c_void_p, c_size_t]),
    "clopt_run_diverged_at": (c_int64, [c_void_p, c_size_t]),
    "clopt_run_release": (None, [c_void_p]),
    "clopt_landscape": (
        c_int,
        [c_void_p, c_char_p, c_size_t, c_size_t, ctypes.POINTER(c_double),
         ctypes.POINTER(ctypes.c_float), ctypes.POINTER(ctypes.c_float),
         ctypes.POINTER(ctypes.c_float), _E],
    ),
    "clopt_explore_check": (c_int, [ctypes.POINTER(ExploreOptions), _E]),
    "clopt_explore_create": (c_void_p, [c_void_p, ctypes.POINTER(ExploreOptions), _E]),
    "clopt_explore_advance": (c_int, [c_void_p, c_uint64, _E]),
    "clopt_explore_finished": (c_int, [c_void_p]),
    "clopt_explore_maps": (c_size_t, [c_void_p]),
    "clopt_explore_optimizer": (c_char_p, [c_void_p, c_size_t]),
    "clopt_explore_axis_name": (c_char_p, [c_void_p, c_size_t]),
    "clopt_explore_axis_values": (ctypes.POINTER(c_double), [c_void_p, c_size_t,
                                                             ctypes.POINTER(c_size_t)]),
    "clopt_explore_map_get": (c_int, [c_void_p, c_size_t, ctypes.POINTER(ExploreMap), _E]),
    "clopt_explore_release": (None, [c_void_p]),
}

# The few OpenCL calls the host-memory path needs (buffers over NumPy/PyTorch memory).
CL_MEM_READ_WRITE = 1 << 0
CL_MEM_USE_HOST_PTR = 1 << 3
CL_MAP_READ = 1 << 0
CL_MAP_WRITE = 1 << 1
_CL_API = {
    "clCreateBuffer": (c_void_p, [c_void_p, c_uint64, c_size_t, c_void_p,
                                  ctypes.POINTER(c_int32)]),
    "clReleaseMemObject": (c_int32, [c_void_p]),
    "clEnqueueMapBuffer": (c_void_p, [c_void_p, c_void_p, ctypes.c_uint32, c_uint64, c_size_t,
                                      c_size_t, ctypes.c_uint32, c_void_p, c_void_p,
                                      ctypes.POINTER(c_int32)]),
    "clEnqueueUnmapMemObject": (c_int32, [c_void_p, c_void_p, c_void_p, ctypes.c_uint32,
                                          c_void_p, c_void_p]),
    "clEnqueueCopyBuffer": (c_int32, [c_void_p, c_void_p, c_void_p, c_size_t, c_size_t,
                                      c_size_t, ctypes.c_uint32, c_void_p, c_void_p]),
    "clFinish": (c_int32, [c_void_p]),
    "clGetDeviceInfo": (c_int32, [c_void_p, ctypes.c_uint32, c_size_t, c_void_p,
                                  ctypes.POINTER(c_size_t)]),
}


def _candidates():
    """(description, path) of every place to look, in order."""
    env = os.environ.get("CLOPT_LIBRARY")
    if env:  # an explicit choice: no other library is tried behind its back
        return [("CLOPT_LIBRARY", env)]
    out = []
    beside = sorted(n for n in os.listdir(_HERE) if n.startswith("libclopt.so"))
    for name in beside or ["libclopt.so"]:
        out.append(("next to the package", os.path.join(_HERE, name)))
    try:
        from . import _install  # written by `cmake --install`

        out.append(("the path cmake --install recorded", _install.LIBRARY))
    except ImportError:
        pass
    tree = os.path.join(os.path.dirname(os.path.dirname(_HERE)), "build", "libclopt.so")
    out.append(("the source tree's build directory", tree))
    found = ctypes.util.find_library("clopt")
    out.append(("the loader path", found or "libclopt.so"))
    return out


def _load():
    tried = []
    for where, path in _candidates():
        if os.sep in path and not os.path.exists(path):
            tried.append(f"{path} ({where}): no such file")
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            tried.append(f"{path} ({where}): {e}")
            continue
        missing = [n for n in _API if not hasattr(lib, n)]
        if missing:
            tried.append(f"{path} ({where}): too old, lacks {', '.join(missing[:3])}")
            continue
        return lib, path
    raise ImportError(
        "clopt: cannot load libclopt.so; build it (tools/build) or set CLOPT_LIBRARY to its "
        "path. Tried:\n  " + "\n  ".join(tried)
    )


lib, path = _load()
for _name, (_res, _args) in _API.items():
    _f = getattr(lib, _name)
    _f.restype = _res
    _f.argtypes = _args

# libclopt links libOpenCL; the same library answers the buffer calls.
_ocl_name = ctypes.util.find_library("OpenCL") or "libOpenCL.so.1"
ocl = ctypes.CDLL(_ocl_name)
for _name, (_res, _args) in _CL_API.items():
    _f = getattr(ocl, _name)
    _f.restype = _res
    _f.argtypes = _args


def take_string(ptr):
    """A char * that clopt allocated, as str, freed."""
    if not ptr:
        return None
    try:
        return ctypes.string_at(ptr).decode()
    finally:
        lib.clopt_free(ptr)
