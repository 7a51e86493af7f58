"""python3 -m clopt.bench: clopt.torch.Adam against torch.optim.Adam(foreach=True), per step,
on the same CPU tensors, and the Python overhead of a step.

Cases: one tensor of 16M parameters; a model of 1,000 tensors (4,096 floats each, 4M in
all); 1,000 tensors of one float (the overhead of a step with nothing to compute); one
tensor of one float (the floor: unmap, launch, map and wait, no Python loop over tensors);
16M parameters with new gradient tensors every step (zero_grad(set_to_none=True): the copy
into clopt's flat gradient array is the cost); and 16M parameters against InPlaceAdam, the
same rule in PyTorch's in-place ops (no allocation per step).

Method: interleaved rounds (clopt, then PyTorch, then clopt, ...), each round timing
`--steps` steps of one optimizer after one untimed step; a round's ratio is PyTorch's time
over clopt's; the median over rounds is reported with the lowest and highest. Only the
optimizer step is timed; gradients are fixed random tensors, as after a backward pass.
Both use every core: PyTorch as many intra-op threads as there are cores (set here: the
default can be 1 in a container; --torch-threads changes it: OpenMP's spinning barriers
suffer on a machine busy with other work), clopt the OpenCL device's (PoCL: one thread per
core).
PyTorch's Adam allocates temporaries every step (sqrt, div); where fresh pages are dear (a
VM that returns freed memory to its host: here a 64 MB out-of-place torch.div costs as much
as 20 in-place adds), glibc is told to keep and reuse freed memory (mallopt: no mmap, no
trim) so that the contender runs at its best; --plain-malloc leaves glibc's defaults.
clopt allocates nothing per step.
"""
import argparse
import ctypes
import ctypes.util
import json
import os
import statistics
import time

import torch

import clopt
import clopt.torch as ct


def _params(sizes, seed=0):
    g = torch.Generator().manual_seed(seed)
    ps = [torch.nn.Parameter(torch.randn(n, generator=g)) for n in sizes]
    grads = [torch.randn(n, generator=g) for n in sizes]
    return ps, grads


class InPlaceAdam:
    """Keras' Adam in PyTorch in-place ops with preallocated temporaries: no allocation per
    step (what a careful PyTorch programmer writes when allocation is dear). Six passes
    over memory per tensor where clopt's kernel makes one."""

    def __init__(self, params, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
        self.params, self.lr, self.b1, self.b2, self.eps = list(params), lr, b1, b2, eps
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.tmp = [torch.empty_like(p) for p in self.params]
        self.t = 0

    @torch.no_grad()
    def step(self):
        self.t += 1
        lr_t = self.lr * (1 - self.b2 ** self.t) ** 0.5 / (1 - self.b1 ** self.t)
        for p, m, v, tmp in zip(self.params, self.m, self.v, self.tmp):
            g = p.grad
            m.mul_(self.b1).add_(g, alpha=1 - self.b1)
            v.mul_(self.b2).addcmul_(g, g, value=1 - self.b2)
            torch.sqrt(v, out=tmp)
            tmp.add_(self.eps)
            p.addcdiv_(m, tmp, value=-lr_t)


def _prepare(kind, sizes, lr=1e-3):
    ps, grads = _params(sizes)
    if kind == "clopt":
        opt = ct.Adam(ps, lr=lr)
    elif kind == "inplace":
        opt = InPlaceAdam(ps, lr=lr)
    else:
        opt = torch.optim.Adam(ps, lr=lr, foreach=True)
    for p, g in zip(ps, grads):
        if p.grad is None:
            p.grad = torch.zeros_like(p)
        p.grad.copy_(g)  # into clopt's views when clopt: nothing to copy per step
    return ps, grads, opt


def _time(opt, steps, fresh=None):
    opt.step()
    t0 = time.perf_counter()
    for _ in range(steps):
        if fresh is not None:  # zero_grad(set_to_none=True) then a backward: new tensors
            ps, grads = fresh
            for p, g in zip(ps, grads):
                p.grad = g
        opt.step()
    return (time.perf_counter() - t0) / steps


def compare(sizes, rounds, steps, fresh=False, contender="torch"):
    """Per-step seconds of each (medians over rounds) and the ratio contender/clopt."""
    c_ps, c_grads, c_opt = _prepare("clopt", sizes)
    t_ps, t_grads, t_opt = _prepare(contender, sizes)
    c_times, t_times = [], []
    for _ in range(rounds):
        c_times.append(_time(c_opt, steps, (c_ps, c_grads) if fresh else None))
        t_times.append(_time(t_opt, steps, (t_ps, t_grads) if fresh else None))
    ratios = sorted(t / c for t, c in zip(t_times, c_times))
    return {"clopt_us": statistics.median(c_times) * 1e6,
            "torch_us": statistics.median(t_times) * 1e6,
            "ratio_median": statistics.median(ratios), "ratio_min": ratios[0],
            "ratio_max": ratios[-1]}


def overhead(rounds, steps):
    """clopt.torch's step on 1,000 one-float tensors and on one: the Python overhead and its
    per-tensor part."""
    out = {}
    for n in (1, 1000):
        ps, grads, opt = _prepare("clopt", [1] * n)
        out[n] = statistics.median(_time(opt, steps) for _ in range(rounds)) * 1e6
    core = clopt.Optimizer("adam", [torch.zeros(1)])
    core.step()
    t0 = time.perf_counter()
    for _ in range(steps):
        core.step()
    floor = (time.perf_counter() - t0) / steps * 1e6
    return {"step_1_tensor_us": out[1], "step_1000_tensors_us": out[1000],
            "per_tensor_us": (out[1000] - out[1]) / 999, "core_floor_us": floor}


def _reuse_freed_memory():
    """glibc: serve every allocation from the heap and never return it (M_MMAP_MAX = 0,
    M_TRIM_THRESHOLD = huge), so PyTorch's per-step temporaries land on pages touched
    before."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    M_TRIM_THRESHOLD, M_MMAP_MAX = -1, -4
    return bool(libc.mallopt(M_MMAP_MAX, 0)) and bool(libc.mallopt(M_TRIM_THRESHOLD,
                                                                    1 << 40))


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m clopt.bench", description=__doc__.split(
        "\n")[0])
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    ap.add_argument("--steps", type=int, default=5, help="steps per round (default 5)")
    ap.add_argument("--torch-threads", type=int, default=os.cpu_count() or 1,
                    help="PyTorch's intra-op threads (default: the number of cores)")
    ap.add_argument("--plain-malloc", action="store_true",
                    help="leave glibc's allocator as it is (see the module's text)")
    ap.add_argument("--size", type=int, default=16 << 20, help="the large tensor's floats")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.torch_threads)
    reuse = not a.plain_malloc and _reuse_freed_memory()
    ctx = clopt.default_context()
    res = {
        "device": ctx.device_name,
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "malloc_reuse": reuse,
        "large": compare([a.size], a.rounds, a.steps),
        "large_fresh_grads": compare([a.size], a.rounds, a.steps, fresh=True),
        "model_1000": compare([4096] * 1000, a.rounds, a.steps),
        "large_vs_inplace": compare([a.size], a.rounds, a.steps, contender="inplace"),
        "overhead": overhead(a.rounds, 10 * a.steps),
    }
    if a.json:
        print(json.dumps(res, indent=2))
        return res
    print(f"device {res['device']}; torch {res['torch']} ({res['torch_threads']} threads"
          f"{', freed memory reused' if reuse else ''}); "
          f"{a.rounds} interleaved rounds of {a.steps} steps; ratio = torch / clopt, "
          f"median (min .. max); torch = torch.optim.Adam(foreach=True) unless named")
    rows = [("1 tensor of %d floats" % a.size, res["large"]),
            ("the same vs in-place PyTorch Adam", res["large_vs_inplace"]),
            ("the same, new .grad tensors each step", res["large_fresh_grads"]),
            ("1,000 tensors of 4,096 floats", res["model_1000"])]
    for label, r in rows:
        print(f"  {label:40s} clopt {r['clopt_us']:9.0f} us  torch {r['torch_us']:9.0f} us  "
              f"ratio {r['ratio_median']:.2f} ({r['ratio_min']:.2f} .. {r['ratio_max']:.2f})")
    o = res["overhead"]
    print(f"  overhead: step of 1 one-float tensor {o['step_1_tensor_us']:.0f} us, of 1,000 "
          f"{o['step_1000_tensors_us']:.0f} us ({o['per_tensor_us']:.2f} us per tensor); "
          f"clopt.Optimizer floor {o['core_floor_us']:.0f} us")
    return res


if __name__ == "__main__":
    main()
