"""clopt.Optimizer: one clopt optimizer over NumPy, PyTorch CPU or pyopencl arrays."""
import ctypes
import json
import os

import numpy as np

from . import _lib
from ._core import (Context, Error, InvalidArgument, _check, _raise, default_context,
                    optimizers, spec_text)
from ._lib import lib, ocl


def _kind(a):
    mod = type(a).__module__
    if isinstance(a, np.ndarray):
        return "numpy"
    if mod.startswith("torch") and hasattr(a, "data_ptr"):
        return "torch"
    if mod.startswith("pyopencl") and hasattr(a, "base_data"):
        return "pyopencl"
    return None


def _describe(a):
    return f"{type(a).__module__}.{type(a).__name__}"


def _check_array(a, what):
    """(kind, count) of an array clopt can step, else InvalidArgument naming `what`."""
    k = _kind(a)
    if k is None:
        raise InvalidArgument(
            f"{what}: expected a NumPy float32 array, a PyTorch CPU float32 tensor or a "
            f"pyopencl float32 array, got {_describe(a)}")
    if k == "torch":
        if a.device.type != "cpu":
            raise InvalidArgument(
                f"{what}: expected a tensor on the CPU (clopt reaches PyTorch's memory through "
                f"host pointers), got one on {a.device}")
        if str(a.dtype) != "torch.float32":
            raise InvalidArgument(f"{what}: expected dtype torch.float32, got {a.dtype}")
        if not a.is_contiguous():
            raise InvalidArgument(f"{what}: expected a contiguous tensor, got strides "
                                  f"{tuple(a.stride())} for shape {tuple(a.shape)}")
        n = a.numel()
    else:
        if a.dtype != np.float32:
            raise InvalidArgument(f"{what}: expected dtype float32, got {a.dtype}")
        if k == "numpy" and not a.flags.c_contiguous:
            raise InvalidArgument(f"{what}: expected a C-contiguous array, got strides "
                                  f"{a.strides} for shape {a.shape}")
        if k == "pyopencl" and not a.flags.forc:
            raise InvalidArgument(f"{what}: expected a contiguous pyopencl array, got strides "
                                  f"{a.strides} for shape {a.shape}")
        n = int(a.size)
    if n == 0:
        raise InvalidArgument(f"{what}: expected at least one element, got shape "
                              f"{tuple(a.shape)}")
    return k, n


def _host_ptr(a):
    return a.data_ptr() if _kind(a) == "torch" else a.ctypes.data


def _refuse_shared(spans, why):
    """spans: (name, first byte, end) of host memory; refuses the first pair that overlaps
    (why: what sharing would break)."""
    widest = None  # of the spans so far, the one that reaches furthest
    for s in sorted((s for s in spans if s[2] > s[1]), key=lambda s: s[1]):
        if widest is not None and s[1] < widest[2]:
            raise InvalidArgument(f"{s[0]}: shares memory with {widest[0]}; {why}")
        if widest is None or s[2] > widest[2]:
            widest = s


def _aligned_zeros(n):
    """n float32 zeros whose address is 4096-aligned (a page: any device's host-pointer
    alignment), so that a host-pointer buffer over them needs no copy."""
    raw = np.zeros(n + 1024, dtype=np.float32)
    skip = (-raw.ctypes.data % 4096) // 4
    return raw[skip: skip + n]


class _HostBuffer:
    """A cl_mem over host memory (CL_MEM_USE_HOST_PTR). Mapped while the host owns it
    (between steps), unmapped while the device does (during a step): OpenCL's rule for
    such memory. On a CPU device neither moves a byte; on a GPU they are the copies."""

    def __init__(self, ctx, owner, nbytes):
        self.ctx, self.owner, self.nbytes = ctx, owner, nbytes
        self.ptr = _host_ptr(owner)
        rc = ctypes.c_int32(0)
        self.mem = ocl.clCreateBuffer(lib.clopt_context_cl(ctx._ptr),
                                      _lib.CL_MEM_READ_WRITE | _lib.CL_MEM_USE_HOST_PTR, nbytes,
                                      ctypes.c_void_p(self.ptr), ctypes.byref(rc))
        if rc.value != 0 or not self.mem:
            self.mem = None
            raise Error(f"creating a buffer over host memory ({nbytes} bytes): clCreateBuffer "
                        f"failed with OpenCL error {rc.value}", "ECL", rc.value)
        self.mapped = None

    def map(self, blocking):
        rc = ctypes.c_int32(0)
        p = ocl.clEnqueueMapBuffer(self.ctx.queue_ptr, self.mem, 1 if blocking else 0,
                                   _lib.CL_MAP_READ | _lib.CL_MAP_WRITE, 0, self.nbytes, 0, None,
                                   None, ctypes.byref(rc))
        if rc.value != 0:
            raise Error(f"mapping a host buffer: clEnqueueMapBuffer failed with OpenCL error "
                        f"{rc.value}", "ECL", rc.value)
        self.mapped = p

    def unmap(self):
        if self.mapped is None:
            return
        rc = ocl.clEnqueueUnmapMemObject(self.ctx.queue_ptr, self.mem, ctypes.c_void_p(self.mapped),
                                         0, None, None)
        if rc != 0:
            raise Error(f"unmapping a host buffer: clEnqueueUnmapMemObject failed with OpenCL "
                        f"error {rc}", "ECL", rc)
        self.mapped = None

    def release(self):
        if self.mem:
            try:
                self.unmap()
                self.ctx.finish()
            finally:
                ocl.clReleaseMemObject(self.mem)
                self.mem = None



def _add(ptr, param, grad, offset, count, shape, err):
    """clopt_optimizer_add, or _add_matrix for a 2-D tensor: its shape, which Muon needs and
    the other optimizers ignore."""
    if len(shape) == 2:
        return lib.clopt_optimizer_add_matrix(ptr, param, grad, offset, int(shape[0]),
                                              int(shape[1]), ctypes.byref(err))
    return lib.clopt_optimizer_add(ptr, param, grad, offset, count, ctypes.byref(err))

class Optimizer:
    """One clopt optimizer over your arrays, stepped in place.

    spec:     "adam", "Adam(lr=0.01, beta_2=0.99)", or a dict {"name": "adam", "lr": 0.01}.
    tensors:  one array or a list: NumPy float32 arrays or PyTorch CPU float32 tensors
              (contiguous; clopt updates their memory through host-pointer buffers), or
              pyopencl float32 arrays on the context's OpenCL context (updated on the
              device, no copy). Each array is one tensor (Lamb's norms are per tensor).
    grads:    optional, one array per tensor, where the gradients will be written; without
              it clopt allocates them (`opt.grads`). Gradients that live there are used in
              place; others handed to step() are copied there first.
    context:  a clopt.Context; None: clopt.default_context() (CPU unless $CLOPT_DEVICE).

    Host arrays: a step unmaps the buffers, enqueues the update and maps them back, waiting
    for it; pyopencl arrays: a step only enqueues (the queue orders what follows).
    """

    def __init__(self, spec, tensors, grads=None, context=None):
        self._ptr = None
        self._buffers = []
        single = not isinstance(tensors, (list, tuple))
        tensors = [tensors] if single else list(tensors)
        if not tensors:
            raise InvalidArgument("tensors: expected at least one array, got an empty list")
        kinds = [_check_array(t, f"tensors[{i}]") for i, t in enumerate(tensors)]
        for i, t in enumerate(tensors):
            if isinstance(t, np.ndarray) and not t.flags.writeable:
                raise InvalidArgument(f"tensors[{i}]: expected a writeable array (the step "
                                      f"updates it in place), got a read-only one")
        host = kinds[0][0] != "pyopencl"
        for i, (k, _) in enumerate(kinds):
            if (k != "pyopencl") != host:
                raise InvalidArgument(
                    f"tensors[{i}]: expected a {kinds[0][0]} array like tensors[0] (host and "
                    f"device arrays cannot share one optimizer), got {k}")
        if grads is not None:
            grads = [grads] if not isinstance(grads, (list, tuple)) else list(grads)
            if len(grads) != len(tensors):
                raise InvalidArgument(f"grads: expected {len(tensors)} arrays (one per tensor), "
                                      f"got {len(grads)}")
            for i, g in enumerate(grads):
                k, n = _check_array(g, f"grads[{i}]")
                if (k != "pyopencl") != host:
                    raise InvalidArgument(f"grads[{i}]: expected a {kinds[i][0]} array like "
                                          f"tensors[{i}], got {k}")
                if n != kinds[i][1]:
                    raise InvalidArgument(f"grads[{i}]: expected {kinds[i][1]} elements like "
                                          f"tensors[{i}], got {n}")
        if host:
            named = [(f"tensors[{i}]", t) for i, t in enumerate(tensors)]
            named += [(f"grads[{i}]", g) for i, g in enumerate(grads or [])]
            _refuse_shared([(n, _host_ptr(a), _host_ptr(a) + 4 * _check_array(a, n)[1])
                            for n, a in named],
                           "each array is stepped in place once, and OpenCL leaves buffers "
                           "over the same memory undefined (pass each array once)")
        ctx = context if context is not None else default_context()
        if not isinstance(ctx, Context):
            raise InvalidArgument(f"context: expected a clopt.Context, got {_describe(ctx)}")
        if not host:
            ctx_ptr = lib.clopt_context_cl(ctx._ptr)
            for name, arrs in (("tensors", tensors), ("grads", grads or [])):
                for i, a in enumerate(arrs):
                    if a.context.int_ptr != ctx_ptr:
                        raise InvalidArgument(
                            f"{name}[{i}]: the array lives in another OpenCL context than the "
                            f"optimizer's (make it on context.pyopencl()[0], or wrap its "
                            f"context with clopt.Context.wrap)")
                    if a.offset % 4:
                        raise InvalidArgument(f"{name}[{i}]: offset {a.offset} bytes is not a "
                                              f"multiple of 4")
            for i, g in enumerate(grads or []):
                if g.offset != tensors[i].offset:
                    raise InvalidArgument(
                        f"grads[{i}]: starts at byte {g.offset} of its buffer but tensors[{i}] "
                        f"at byte {tensors[i].offset}; clopt takes one offset per pair")
        err = _lib.ClError()
        ptr = lib.clopt_optimizer_create(ctx._ptr, spec_text(spec).encode(), ctypes.byref(err))
        if not ptr:
            _raise(err)
        self._ptr, self.context, self.host, self._single = ptr, ctx, host, single
        self.tensors, self.counts = tensors, [n for _, n in kinds]
        # Per library tensor (the order of clopt_optimizer_add): which of self.tensors holds
        # it, where in it (floats) and its size.
        self._parts = [(i, 0, n) for i, n in enumerate(self.counts)]
        try:
            self.grads = grads if grads is not None else [self._new_grad(t) for t in tensors]
            if host:
                self._add_host()
            else:
                for i, (t, g) in enumerate(zip(self.tensors, self.grads)):
                    _check(_add(self._ptr, t.base_data.int_ptr, g.base_data.int_ptr,
                                t.offset // 4, self.counts[i], tuple(t.shape), err),
                           err, f"tensors[{i}]")
        except BaseException:
            self.close()
            raise

    @classmethod
    def _flat(cls, spec, flat_param, flat_grad, counts, context, shapes, names):
        """An optimizer over tensors that lie back to back in one host array (clopt.torch's
        layout): one buffer pair, so one launch steps them all. counts: each tensor's size;
        shapes: each tensor's shape (2-D ones are added as matrices, which Muon needs);
        names: how an error names each tensor."""
        self = cls.__new__(cls)
        self._ptr, self._buffers = None, []
        err = _lib.ClError()
        ptr = lib.clopt_optimizer_create(context._ptr, spec_text(spec).encode(),
                                         ctypes.byref(err))
        if not ptr:
            _raise(err)
        self._ptr, self.context, self.host, self._single = ptr, context, True, False
        self.tensors, self.grads, self.counts = [flat_param], [flat_grad], [int(flat_param.size)]
        self._parts = [(0, sum(counts[:i]), n) for i, n in enumerate(counts)]
        try:
            pb = _HostBuffer(context, flat_param, 4 * int(flat_param.size))
            self._buffers.append(pb)
            gb = _HostBuffer(context, flat_grad, 4 * int(flat_grad.size))
            self._buffers.append(gb)
            offset = 0
            for i, n in enumerate(counts):
                _check(_add(self._ptr, pb.mem, gb.mem, offset, n, tuple(shapes[i]), err), err,
                       names[i])
                offset += n
            for b in self._buffers:
                b.map(blocking=False)
            context.finish()
        except BaseException:
            self.close()
            raise
        return self

    def _new_grad(self, t):
        k = _kind(t)
        if k == "pyopencl":
            import pyopencl.array as cla

            # The same offset in its own buffer as t in t's: clopt takes one offset per pair.
            skip = t.offset // 4
            flat = cla.zeros(t.queue or self.context.pyopencl()[1], skip + t.size, np.float32)
            return flat[skip:].reshape(t.shape)
        g = _aligned_zeros(t.numel() if k == "torch" else t.size).reshape(tuple(t.shape))
        if k == "torch":
            import torch

            return torch.from_numpy(g)
        return g

    def _add_host(self):
        err = _lib.ClError()
        for i, (t, g) in enumerate(zip(self.tensors, self.grads)):
            nbytes = 4 * self.counts[i]
            pb = _HostBuffer(self.context, t, nbytes)
            self._buffers.append(pb)
            gb = _HostBuffer(self.context, g, nbytes)
            self._buffers.append(gb)
            _check(_add(self._ptr, pb.mem, gb.mem, 0, self.counts[i], tuple(t.shape), err),
                   err, f"tensors[{i}]")
        for b in self._buffers:
            b.map(blocking=False)
        self.context.finish()

    def _copy_grads(self, grads):
        """Checks every gradient first (nothing is copied if one is refused), then copies
        those that are not already where the optimizer reads them."""
        grads = [grads] if not isinstance(grads, (list, tuple)) else list(grads)
        if len(grads) != len(self.tensors):
            raise InvalidArgument(f"grads: expected {len(self.tensors)} arrays (one per "
                                  f"tensor), got {len(grads)}")
        for i, g in enumerate(grads):
            k, n = _check_array(g, f"grads[{i}]")
            if n != self.counts[i]:
                raise InvalidArgument(f"grads[{i}]: expected {self.counts[i]} elements like "
                                      f"tensors[{i}], got {n}")
            if self.host and k == "pyopencl":
                raise InvalidArgument(f"grads[{i}]: expected a host array (NumPy or PyTorch "
                                      f"CPU) like tensors[{i}], got a pyopencl array")
            if k == "pyopencl" and g.context.int_ptr != lib.clopt_context_cl(self.context._ptr):
                raise InvalidArgument(f"grads[{i}]: the array lives in another OpenCL context "
                                      f"than the optimizer's")
        for i, g in enumerate(grads):
            mine = self.grads[i]
            if self.host:
                if _host_ptr(g) == _host_ptr(mine):
                    continue
                dst = mine.numpy() if _kind(mine) == "torch" else mine
                src = g.detach().numpy() if _kind(g) == "torch" else g
                np.copyto(dst.reshape(-1), src.reshape(-1))
            elif _kind(g) == "pyopencl":
                if g.base_data.int_ptr == mine.base_data.int_ptr and g.offset == mine.offset:
                    continue
                rc = ocl.clEnqueueCopyBuffer(self.context.queue_ptr, g.base_data.int_ptr,
                                             mine.base_data.int_ptr, g.offset, mine.offset,
                                             4 * self.counts[i], 0, None, None)
                if rc != 0:
                    raise Error(f"grads[{i}]: clEnqueueCopyBuffer failed with OpenCL error "
                                f"{rc}", "ECL", rc)
            else:
                src = g.detach().numpy() if _kind(g) == "torch" else g
                mine.set(np.ascontiguousarray(src).reshape(mine.shape))

    def step(self, grads=None):
        """One update of every tensor. grads: None (the gradients are in opt.grads), or one
        array per tensor (copied into opt.grads unless it is that memory)."""
        self._alive()
        if grads is not None:
            self._copy_grads(grads)
        err = _lib.ClError()
        if not self.host:
            _check(lib.clopt_optimizer_step(self._ptr, ctypes.byref(err)), err)
            return
        for b in self._buffers:
            b.unmap()
        status = lib.clopt_optimizer_step(self._ptr, ctypes.byref(err))
        for j, b in enumerate(self._buffers):
            b.map(blocking=j == len(self._buffers) - 1)
        _check(status, err)

    def set(self, name, value):
        """Changes a hyperparameter between steps (range-checked; unchanged on error)."""
        self._alive()
        err = _lib.ClError()
        _check(lib.clopt_optimizer_set(self._ptr, name.encode(), float(value), ctypes.byref(err)),
               err)

    def get(self, name):
        """A hyperparameter's value (an unset clipnorm/clipvalue reads 0)."""
        self._alive()
        err, v = _lib.ClError(), ctypes.c_double()
        _check(lib.clopt_optimizer_get(self._ptr, name.encode(), ctypes.byref(v),
                                       ctypes.byref(err)), err)
        return v.value

    @property
    def config(self):
        """Keras get_config() with the name, as a dict."""
        self._alive()
        return json.loads(_lib.take_string(lib.clopt_optimizer_config(self._ptr)))

    @property
    def rate(self):
        """The learning rate the next step takes, lr_e: lr * m(t) with a schedule
        (schedule=cosine(steps=..., warmup=...)), else Keras 1's lr / (1 + decay * t);
        get("lr") stays the base rate. (Adam-like rules fold their bias corrections in
        after this; the schedule-free rows their warmup.)"""
        self._alive()
        return float(lib.clopt_optimizer_rate(self._ptr))

    @property
    def schedule_free(self):
        """Whether the model is evaluated at an average x apart from the parameters y
        (sgd_schedulefree, adamw_schedulefree): see average()."""
        key = self.config["name"].lower()
        return any(r["name"].lower() == key and r.get("average") for r in optimizers())

    def average(self, out=None):
        """The point where the model is evaluated, one array per tensor: for the schedule-free
        rows the average x (the parameters hold y, where gradients are taken), for every
        other row (and before the first step) a copy of the parameters.

        out: None (new arrays of the tensors' kind and shapes), or one array per tensor of
             the same kind and size, written in place; the tensors themselves may be passed
             (x written over y: save y first and put it back before the next step, since the
             schedule-free step reads y). Returns the arrays: a list, or one array when
             the optimizer was made over one array rather than a list.
        Host arrays: waits for the copy; pyopencl arrays: only enqueues it.
        """
        self._alive()
        if out is None:
            out = [self._new_grad(t) for t in self.tensors]
        else:
            out = [out] if not isinstance(out, (list, tuple)) else list(out)
            if len(out) != len(self.tensors):
                raise InvalidArgument(f"out: expected {len(self.tensors)} arrays (one per "
                                      f"tensor), got {len(out)}")
            ctx_ptr = lib.clopt_context_cl(self.context._ptr)
            for i, o in enumerate(out):
                k, n = _check_array(o, f"out[{i}]")
                if (k != "pyopencl") != self.host:
                    raise InvalidArgument(f"out[{i}]: expected a {_kind(self.tensors[i])} "
                                          f"array like tensors[{i}], got {k}")
                if n != self.counts[i]:
                    raise InvalidArgument(f"out[{i}]: expected {self.counts[i]} elements like "
                                          f"tensors[{i}], got {n}")
                if k == "numpy" and not o.flags.writeable:
                    raise InvalidArgument(f"out[{i}]: expected a writeable array")
                if k == "pyopencl" and (o.context.int_ptr != ctx_ptr or o.offset % 4):
                    raise InvalidArgument(f"out[{i}]: expected an array of the optimizer's "
                                          f"OpenCL context at an offset that is a multiple "
                                          f"of 4 bytes")
        err = _lib.ClError()
        if not self.host:
            for j, (i, off, _) in enumerate(self._parts):
                o = out[i]
                _check(lib.clopt_optimizer_average(self._ptr, j, o.base_data.int_ptr,
                                                   o.offset // 4 + off, ctypes.byref(err)),
                       err, f"tensor {j}")
            return out[0] if self._single else out
        # Host arrays: a buffer over each (a parameter's own buffer when out is that tensor:
        # two buffers over one memory would race), the optimizer's buffers handed to the
        # device as in a step, and everything mapped back.
        own = {_host_ptr(t): self._buffers[2 * i] for i, t in enumerate(self.tensors)}
        dst, made = [], []
        status = 0
        try:
            for i, o in enumerate(out):
                b = own.get(_host_ptr(o))
                if b is None:
                    b = _HostBuffer(self.context, o, 4 * self.counts[i])
                    made.append(b)
                dst.append(b)
            for b in self._buffers:
                b.unmap()
            for j, (i, off, _) in enumerate(self._parts):
                status = lib.clopt_optimizer_average(self._ptr, j, dst[i].mem, off,
                                                     ctypes.byref(err))
                if status:
                    break
        finally:
            every = [b for b in self._buffers + made if b.mapped is None]
            for k, b in enumerate(every):
                b.map(blocking=k == len(every) - 1)
            for b in made:
                b.release()
        _check(status, err)
        return out[0] if self._single else out

    @property
    def iterations(self):
        self._alive()
        return int(lib.clopt_optimizer_iterations(self._ptr))

    def save(self, path):
        """Writes a checkpoint (config, iterations, every state buffer) to path."""
        self._alive()
        err = _lib.ClError()
        _check(lib.clopt_optimizer_save(self._ptr, os.fsencode(path), ctypes.byref(err)), err)

    def load(self, path):
        """Restores a checkpoint of an optimizer of the same kind and tensor sizes; on a
        mismatch raises Error ("EFORMAT") and the optimizer is unchanged."""
        self._alive()
        err = _lib.ClError()
        _check(lib.clopt_optimizer_load(self._ptr, os.fsencode(path), ctypes.byref(err)), err)

    def _alive(self):
        if not self._ptr:
            raise Error("the optimizer was closed", "ESTATE")

    def close(self):
        """Releases the optimizer and its buffers (your arrays stay)."""
        if self._ptr:
            lib.clopt_optimizer_release(self._ptr)
            self._ptr = None
        for b in self._buffers:
            b.release()
        self._buffers = []

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self):
        return f"clopt.Optimizer({json.dumps(self.config) if self._ptr else 'closed'})"
