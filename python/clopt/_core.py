"""Errors, Context and the catalogue listings over libclopt (see clopt/__init__.py)."""
import ctypes
import json
import threading

import numpy as np

from . import _lib
from ._lib import lib, ocl

STATUS_NAMES = ("OK", "EINVAL", "ENOMEM", "ENODEVICE", "ECL", "EIO", "EFORMAT", "ESTATE")


class Error(Exception):
    """A call into libclopt failed: `.status` is the clopt_status name ("EINVAL", "ECL",
    ...), `.code` its number, `.cl_error` the OpenCL error code (0 unless status is ECL),
    and the message is the library's sentence."""

    def __init__(self, text, status="EINVAL", cl_error=0):
        super().__init__(text)
        self.text = text
        self.status = status
        self.code = STATUS_NAMES.index(status) if status in STATUS_NAMES else -1
        self.cl_error = cl_error


class InvalidArgument(Error, ValueError):
    """An argument was refused (a bad spec, a value out of range, an array clopt cannot
    step); also a ValueError, so `except ValueError` catches it."""


def _raise(err, what=None):
    code = err.status
    status = STATUS_NAMES[code] if 0 <= code < len(STATUS_NAMES) else str(code)
    text = err.text.decode(errors="replace") or lib.clopt_status_string(code).decode()
    if what:
        text = f"{what}: {text}"
    cls = InvalidArgument if status == "EINVAL" else Error
    raise cls(text, status, err.cl_error)


def _check(status, err, what=None):
    if status != 0:
        _raise(err, what)


def version():
    """The library's version, "MAJOR.MINOR.PATCH"."""
    return lib.clopt_version().decode()


def optimizers():
    """The optimizer catalogue: a list of dicts (name, key, hyperparameters with their
    defaults and ranges, state, texts), as `clopt optimizers --json` prints it."""
    text = _lib.take_string(lib.clopt_optimizers_json())
    if text is None:
        raise MemoryError("clopt: listing the optimizers: out of memory")
    return json.loads(text)


def devices():
    """Every OpenCL device as dicts (selector "P:D", platform, name, type, ...), as
    `clopt devices --json` prints them; `default` marks the one Context() picks."""
    err = _lib.ClError()
    text = _lib.take_string(lib.clopt_devices_json(ctypes.byref(err)))
    if text is None:
        _raise(err, "listing the devices")
    return json.loads(text)


def _function_dict(info):
    f = info.contents
    return {
        "name": f.name.decode(),
        "formula": f.formula.decode(),
        "tex": f.tex.decode(),
        "view": list(f.view),
        "start": list(f.start),
        "minima": [(m.x, m.y, m.f) for m in f.minima[: f.nminima]],
        "log_scale": bool(f.log_scale),
    }


def functions():
    """The 2-D test functions of the catalogue: dicts with name, formula, tex, view
    (x0, x1, y0, y1), start, minima [(x, y, f)] and log_scale."""
    return [_function_dict(lib.clopt_function_get(i)) for i in range(lib.clopt_function_count())]


def function(name):
    """One test function by name (case-insensitive); InvalidArgument with a did-you-mean."""
    err = _lib.ClError()
    info = lib.clopt_function_find(name.encode(), ctypes.byref(err))
    if not info:
        _raise(err)
    return _function_dict(info)


_CL_DEVICE_TYPE = 0x1000
_CL_DEVICE_NAME = 0x102B
_CL_DEVICE_TYPE_CPU = 1 << 1


class Context:
    """One OpenCL device with clopt's kernels built for it.

    `device` is a selector as `clopt --device` takes it: "cpu", "gpu", "P:D" or part of a
    device name; None means $CLOPT_DEVICE, else the first CPU device, else the first.
    """

    def __init__(self, device=None):
        if device is not None and not isinstance(device, str):
            raise InvalidArgument(
                f"device: expected a selector string (\"cpu\", \"gpu\", \"P:D\" or part of a "
                f"name) or None, got {type(device).__name__}")
        err = _lib.ClError()
        ptr = lib.clopt_context_create(device.encode() if device else None, ctypes.byref(err))
        if not ptr:
            _raise(err)
        self._ptr = ptr
        self._keep = None

    @classmethod
    def wrap(cls, cl_context, queue):
        """A context over a pyopencl Context and in-order CommandQueue you created (clopt
        retains both): arrays made on them are stepped in place, in the queue's order."""
        import pyopencl as cl

        if not isinstance(cl_context, cl.Context):
            raise InvalidArgument(
                f"cl_context: expected a pyopencl.Context, got {type(cl_context).__name__}")
        if not isinstance(queue, cl.CommandQueue):
            raise InvalidArgument(
                f"queue: expected a pyopencl.CommandQueue, got {type(queue).__name__}")
        if queue.context.int_ptr != cl_context.int_ptr:
            raise InvalidArgument("queue: belongs to another pyopencl context than cl_context")
        err = _lib.ClError()
        ptr = lib.clopt_context_wrap(cl_context.int_ptr, queue.device.int_ptr, queue.int_ptr,
                                     ctypes.byref(err))
        if not ptr:
            _raise(err)
        self = cls.__new__(cls)
        self._ptr = ptr
        self._keep = (cl_context, queue)
        return self

    @property
    def device_name(self):
        return self._device_info(_CL_DEVICE_NAME, 256).value.decode().strip()

    @property
    def is_cpu(self):
        return bool(self._device_info(_CL_DEVICE_TYPE, 8, ctypes.c_uint64).value
                    & _CL_DEVICE_TYPE_CPU)

    def _device_info(self, param, size, ctype=None):
        buf = ctype() if ctype else ctypes.create_string_buffer(size)
        rc = ocl.clGetDeviceInfo(lib.clopt_context_device(self._ptr), param, ctypes.sizeof(buf),
                                 ctypes.byref(buf), None)
        if rc != 0:
            raise Error(f"clGetDeviceInfo failed with OpenCL error {rc}", "ECL", rc)
        return buf

    def pyopencl(self):
        """(pyopencl.Context, pyopencl.CommandQueue) of this context, to make arrays on."""
        import pyopencl as cl

        if self._keep is not None:
            return self._keep
        c = cl.Context.from_int_ptr(lib.clopt_context_cl(self._ptr), retain=True)
        q = cl.CommandQueue.from_int_ptr(lib.clopt_context_queue(self._ptr), retain=True)
        self._keep = (c, q)
        return self._keep

    @property
    def queue_ptr(self):
        return lib.clopt_context_queue(self._ptr)

    def finish(self):
        """Waits until every command enqueued on the context's queue has run."""
        rc = ocl.clFinish(self.queue_ptr)
        if rc != 0:
            raise Error(f"clFinish failed with OpenCL error {rc}", "ECL", rc)

    def landscape(self, function, nx=200, ny=200, view=None):
        """f on an ny x nx grid over view (x0, x1, y0, y1; None: the function's default),
        as a float32 array [ny, nx]: values[j, i] at x0 + i (x1-x0)/(nx-1), y0 + j ..."""
        values = np.empty((int(ny), int(nx)), dtype=np.float32)
        v = None if view is None else (ctypes.c_double * 4)(*[float(t) for t in view])
        err = _lib.ClError()
        _check(lib.clopt_landscape(self._ptr, function.encode(), int(nx), int(ny), v,
                                   values.ctypes.data_as(ctypes.POINTER(ctypes.c_float)),
                                   None, None, ctypes.byref(err)), err)
        return values

    def close(self):
        if getattr(self, "_ptr", None):
            lib.clopt_context_release(self._ptr)
            self._ptr = None

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: the library may be gone already
            pass

    def __repr__(self):
        return f"clopt.Context({self.device_name!r})"


_default = None
_default_lock = threading.Lock()


def default_context():
    """The context that calls without context= use: Context() made on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Context()
        return _default


def spec_text(spec):
    """A spec as the library takes it: a string as is, a dict as JSON."""
    if isinstance(spec, str):
        return spec
    if isinstance(spec, dict):
        return json.dumps(spec)
    raise InvalidArgument(
        f"spec: expected a string such as \"adam(lr=0.01)\" or a dict such as "
        f"{{\"name\": \"adam\", \"lr\": 0.01}}, got {type(spec).__name__}")
