"""clopt's optimizers as torch.optim optimizers (PyTorch CPU float32 parameters).

    import clopt.torch
    opt = clopt.torch.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    for x, y in data:
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()

One class per row of the library's catalogue (clopt.optimizers(), read at import:
SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax, Nadam, AdamW, Lamb, RAdam, Lion, and any
row a newer library adds), plus clopt.torch.Optimizer(params, spec) for any spec.

Keywords: PyTorch's names where PyTorch has the hyperparameter (`lr`, `betas`, `eps`,
`weight_decay`, `momentum`, `nesterov`, `amsgrad`), the catalogue's (Keras) names for the
rest (`rho`, `decay`, `schedule_decay`, `clipnorm`, `clipvalue`); `beta_1`, `beta_2`,
`epsilon` and `learning_rate` are accepted too. Defaults are the catalogue's. Every class
takes `schedule=` (docs/semantics.md "Schedules": "cosine(steps=1000, warmup=100)" or its config
dict), which multiplies lr by m(t) inside the library; `opt.rate` is the next step's rate.

Schedule-free rows (SGDScheduleFree, AdamWScheduleFree): the parameters hold y, where
gradients are taken; the model is evaluated at the average x: `with opt.eval_params():`
swaps x in for the block and puts y back after it.

The rule that runs is clopt's, exactly as docs/semantics.md writes it, not PyTorch's: Keras
places epsilon outside the bias correction (Adam: p -= lr sqrt(1-b2^t)/(1-b1^t) m /
(sqrt(v) + eps), where PyTorch divides by sqrt(v)/sqrt(1-b2^t) + eps), so the two agree
only with eps = 0; AdamW's weight_decay is decoupled (p -= lr wd p) and defaults to 0.004,
Keras 3's; Adam has no L2 weight_decay (use AdamW); SGD's velocity is Keras' (v = mu v - lr
g; p += v), equal to PyTorch's for a constant lr without dampening.

Memory layout: the parameters of a param group are moved into one flat float32 array
(`p.data` becomes a view into it) and their gradients into another (`p.grad` a view),
so one kernel launch steps the whole group, on the CPU device through host-pointer
buffers: nothing is copied per step. A gradient that is not that view (zero_grad with
set_to_none=True makes PyTorch hand a new tensor each backward) is copied into it at the
step (one memcpy of the group's gradients), and the view is put back as p.grad. A
parameter without a gradient at a step (frozen, or not used by this batch) keeps its values,
as in torch.optim, but its optimizer state takes the step with a zero gradient (clopt steps
a group's tensors together): momentum it had has decayed when it trains again. A group
where no parameter has a gradient is skipped. Frozen parameters are in the flat array too,
so that they train once unfrozen; leave them out of the optimizer to save their work.
Moving into the flat array cuts a parameter that is a view into a larger tensor off from
it (parameters that share memory are refused), and torch.save of a few parameters writes
the whole array they are views of (save p.clone()). The optimizer cannot be pickled or
copied: state_dict() is its saved form.

Schedulers (torch.optim.lr_scheduler) change param_groups[i]["lr"] (or "momentum",
"betas"); the next step passes the new values to the library. state_dict() holds each
group's clopt checkpoint (bytes; torch.save writes it); load_state_dict() restores it
bit for bit, or changes nothing when it does not fit, and takes param_groups from the
state_dict as torch.optim does (a scheduler's change after the last step included).
"""
import contextlib
import difflib
import functools
import json
import operator
import os
import tempfile

import numpy as np
import torch

from . import _core, _optimizer
from ._core import InvalidArgument

# PyTorch's name -> the catalogue's names it stands for.
_TORCH_KEYS = {"betas": ("beta_1", "beta_2"), "eps": ("epsilon",)}
_KERAS_TO_TORCH = {"beta_1": ("betas", 0), "beta_2": ("betas", 1), "epsilon": ("eps", None),
                   "learning_rate": ("lr", None)}
# torch.optim's hyperparameters under names no catalogue row uses: a param group that sets
# one expects it to act (Adam's weight_decay, an L2 term that clopt's Adam does not have).
_TORCH_ONLY = ("weight_decay", "dampening", "maximize", "foreach", "capturable",
               "differentiable", "fused", "lr_decay", "initial_accumulator_value",
               "momentum_decay", "centered", "alpha", "lambd", "t0")


def _catalogue():
    return {row["name"].lower(): row for row in _core.optimizers()}


def _group_keys(row):
    """The param-group keys of a catalogue row, in PyTorch's names where PyTorch has one."""
    names = [h["name"] for h in row["hyperparameters"]]
    keys = []
    for n in names:
        if n in ("beta_1", "beta_2") and "beta_1" in names and "beta_2" in names:
            if "betas" not in keys:
                keys.append("betas")
        elif n == "epsilon":
            keys.append("eps")
        else:
            keys.append(n)
    keys.append("schedule")  # every row takes one (docs/semantics.md "Schedules"); None: none
    return keys


def _to_group(row, config):
    """A clopt config (dict) as param-group values."""
    out = {}
    for key in _group_keys(row):
        if key == "betas":
            out[key] = (config["beta_1"], config["beta_2"])
        elif key == "eps":
            out[key] = config["epsilon"]
        else:
            out[key] = config.get(key)  # clipnorm/clipvalue: absent = None (off)
    return out


def _number(key, v):
    """A numeric hyperparameter as the library's double; other values (a schedule, a
    string option of a newer catalogue row) are passed through to the spec as they are."""
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, (str, dict, list, tuple)):
        return v
    try:
        return float(v)
    except (TypeError, ValueError):
        raise InvalidArgument(f"{key}: expected a number, got {v!r}") from None


@functools.lru_cache(maxsize=64)
def _schedule_config(text):
    """The library's config of a schedule given as a spec's text or as JSON text."""
    value = json.loads(text) if text.startswith("{") else text
    spec = {"name": "sgd", "schedule": value} if isinstance(value, dict) else f"sgd(schedule={text})"
    return _probe_config(spec, _core.default_context())["schedule"]


def _schedule(v):
    """A schedule as the library's config (a dict, every parameter filled in, as a checkpoint
    holds it), from "cosine(steps=1000, warmup=100)" or {"name": "cosine", "steps": 1000}: so
    a group's schedule and a loaded checkpoint's compare equal."""
    if isinstance(v, str):
        return _schedule_config(v)
    if isinstance(v, dict):
        return _schedule_config(json.dumps(v, sort_keys=True))
    raise InvalidArgument(f"schedule: expected a spec such as \"cosine(steps=1000, "
                          f"warmup=100)\" or a dict, got {v!r}")


def _to_clopt(row, group):
    """Param-group values as clopt (name, value) pairs; None (clipping off) as 0."""
    out = []
    for key in _group_keys(row):
        v = group.get(key)
        if key == "betas":
            if not isinstance(v, (tuple, list)) or len(v) != 2:
                raise InvalidArgument(f"betas: expected a pair (beta_1, beta_2), got {v!r}")
            out += [("beta_1", _number("betas", v[0])), ("beta_2", _number("betas", v[1]))]
        elif key == "eps":
            out.append(("epsilon", _number(key, v)))
        elif key == "schedule":
            if v is not None:
                out.append((key, _schedule(v)))
        elif v is None:
            out.append((key, 0.0))  # clipping off
        else:
            out.append((key, _number(key, v)))
    return out


def _is_hyperparameter(row, key):
    """Whether key names one of the row's hyperparameters, in either vocabulary."""
    keys = _group_keys(row)
    return key in keys or (key in _KERAS_TO_TORCH and _KERAS_TO_TORCH[key][0] in keys)


def _taken_for_a_hyperparameter(row, key):
    """Whether a param group's key that the row does not take still reads as a hyperparameter
    (another row's, torch.optim's, or a near miss of the row's own): refused, not kept."""
    every = {k for r in _catalogue().values() for k in _group_keys(r)}
    return (key in every or key in _KERAS_TO_TORCH or key in _TORCH_ONLY
            or bool(difflib.get_close_matches(key, _group_keys(row), n=1, cutoff=0.8)))


def _normalize(row, kwargs, betas):
    """Keyword arguments in either vocabulary as group keys, a lone beta_1 or beta_2 paired
    with the other of `betas`; unknown ones are refused with the closest valid name."""
    keys = _group_keys(row)
    out = {}
    for k, v in kwargs.items():
        if k in keys:
            out[k] = v
        elif _is_hyperparameter(row, k):
            key, idx = _KERAS_TO_TORCH[k]
            if idx is None:
                out[key] = v
            else:
                pair = list(out.get(key, (None, None)))
                pair[idx] = v
                out[key] = tuple(pair)
        else:
            valid = keys + [n for n in _KERAS_TO_TORCH if _KERAS_TO_TORCH[n][0] in keys]
            near = difflib.get_close_matches(k, valid, n=1)
            hint = f"; did you mean '{near[0]}'?" if near else f"; it takes {', '.join(keys)}"
            raise InvalidArgument(f"unknown argument '{k}' for clopt.torch.{row['name']}{hint}")
    pair = out.get("betas")
    if isinstance(pair, tuple) and None in pair:
        out["betas"] = tuple(b if v is None else v for v, b in zip(pair, betas))
    return out


def _span(t):
    """The bytes [first, end) that a CPU tensor's elements lie in."""
    if t.numel() == 0:
        return t.data_ptr(), t.data_ptr()
    last = sum((n - 1) * abs(st) for n, st in zip(t.shape, t.stride()))
    return t.data_ptr(), t.data_ptr() + (last + 1) * t.element_size()


class _Engine:
    """One param group's clopt optimizer over its flat parameter and gradient arrays."""

    def __init__(self, row, group, index, context):
        self.row = row
        names = [f"param_groups[{index}]['params'][{i}]" for i in range(len(group["params"]))]
        for what, p in zip(names, group["params"]):
            if p.device.type != "cpu":
                raise InvalidArgument(
                    f"{what}: expected a parameter on the CPU (clopt reaches PyTorch's memory "
                    f"through host pointers), got one on {p.device}")
            if p.dtype != torch.float32:
                raise InvalidArgument(f"{what}: expected dtype torch.float32, got {p.dtype}")
            if p.is_sparse:
                raise InvalidArgument(f"{what}: expected a dense tensor, got a sparse one")
        _optimizer._refuse_shared(
            [(n, *_span(p)) for n, p in zip(names, group["params"])],
            "each parameter moves into a place of its own in the group's flat array (pass "
            "each parameter once, and parameters that do not overlap)")
        # Every parameter, frozen ones too (they may be unfrozen later), but those with no
        # element: nothing to step.
        kept = [i for i, p in enumerate(group["params"]) if p.numel() > 0]
        self.params = [group["params"][i] for i in kept]
        counts = [p.numel() for p in self.params]
        total = sum(counts)
        self.flat_p = _optimizer._aligned_zeros(total)
        self.flat_g = _optimizer._aligned_zeros(total)
        tp, tg = torch.from_numpy(self.flat_p), torch.from_numpy(self.flat_g)
        self.views_p, self.views_g, off = [], [], 0
        for p, n in zip(self.params, counts):
            self.views_p.append(tp[off:off + n].view(p.shape))
            self.views_g.append(tg[off:off + n].view(p.shape))
            off += n
        booleans = {h["name"] for h in row["hyperparameters"]
                    if h["range"] and h["range"].get("type") == "boolean"}
        spec = {"name": row["name"]}
        for k, v in _to_clopt(row, group):
            if k.startswith("clip") and v == 0.0:
                continue  # off
            spec[k] = bool(v) if k in booleans else v  # JSON: strings and schedules as is
        self.opt = None
        if self.params:
            self.opt = _optimizer.Optimizer._flat(spec, self.flat_p, self.flat_g, counts, context,
                                                  [tuple(p.shape) for p in self.params],
                                                  [names[i] for i in kept])
        with torch.no_grad():
            for p, vp, vg in zip(self.params, self.views_p, self.views_g):
                vp.copy_(p.data)
                p.data = vp
                if p.grad is not None:
                    vg.copy_(p.grad)
                    p.grad = vg
        self.applied = dict(_to_clopt(row, group))

    def sync(self, group):
        """Passes changed group values (a scheduler's lr) to the library; all or nothing."""
        wanted = _to_clopt(self.row, group)
        done = []
        try:
            for name, v in wanted:
                if self.applied.get(name) != v:
                    if not isinstance(v, float):
                        raise InvalidArgument(
                            f"{name}: changed from {self.applied.get(name)!r} to {v!r} between "
                            f"steps; only numeric hyperparameters can change (make a new "
                            f"optimizer for this one)")
                    self.opt.set(name, v)
                    done.append((name, self.applied.get(name)))
                    self.applied[name] = v
        except Exception:
            for name, old in reversed(done):
                self.opt.set(name, old)
                self.applied[name] = old
            raise

    def check_in_place(self, index):
        """The parameters must still live in the flat array (model.to(), .half() or a new
        p.data would leave clopt stepping a copy): the first and last are checked, the
        cheap test that catches a whole model moved."""
        for p, vp in ((self.params[0], self.views_p[0]), (self.params[-1], self.views_p[-1])):
            if p.data_ptr() != vp.data_ptr():
                raise _core.Error(
                    f"param_groups[{index}]: a parameter no longer lives in clopt's flat array "
                    f"(model.to(), .half(), .share_memory_() or an assignment to p.data moved "
                    f"it); create the optimizer after moving the model", "ESTATE")

    def gather_grads(self):
        """The indices of the parameters without a gradient (a step leaves them as they
        are), or None when no parameter has one (the group is skipped, as in PyTorch)."""
        grads = [p.grad for p in self.params]
        if all(map(operator.is_, grads, self.views_g)):
            return []  # the common case: backward accumulated into our views
        if all(g is None for g in grads):
            return None
        for g in grads:  # all checked before any is copied
            if g is not None and (g.is_sparse or g.device.type != "cpu"):
                raise InvalidArgument(f"a gradient of shape {tuple(g.shape)}: expected a "
                                      f"dense CPU tensor, got {g.layout} on {g.device}")
        idle = []
        for k, (p, g, vg) in enumerate(zip(self.params, grads, self.views_g)):
            if g is None:
                vg.zero_()
                idle.append(k)
            elif g.data_ptr() != vg.data_ptr():
                vg.copy_(g)
                p.grad = vg
            elif g is not vg:
                p.grad = vg
        return idle

    def step(self, idle):
        """One step of the group; the parameters `idle` (no gradient) keep their values, as
        torch.optim skips them (their state takes the step, with a zero gradient)."""
        kept = [self.views_p[k].clone() for k in idle]
        try:
            self.opt.step()
        finally:
            for k, v in zip(idle, kept):
                self.views_p[k].copy_(v)
        # What an in-place update in torch.optim does: each moved parameter's version goes
        # up, so that autograd refuses a graph built before the step (the library wrote the
        # memory, which autograd does not see). An in-place op on no element: about 8 us a
        # parameter on a 2-core EPYC (torch.optim.Adam spends about 70 there).
        idle = set(idle)
        for k, p in enumerate(self.params):
            if k not in idle:
                (p[:0] if p.dim() else p.view(1)[:0]).zero_()

    def grads_are_views(self):
        """Whether every gradient is its view or None (zero_grad's one memset then serves)."""
        return all(g is None or g is v for g, v in zip((p.grad for p in self.params),
                                                      self.views_g))

    def checkpoint(self):
        if self.opt is None:
            return b""
        with tempfile.TemporaryDirectory(prefix="clopt-") as d:
            path = os.path.join(d, "state.ckpt")
            self.opt.save(path)
            with open(path, "rb") as f:
                return f.read()

    def restore(self, blob):
        if self.opt is None:
            if blob:
                raise _core.Error("a checkpoint for a param group without parameters (or "
                                  "only empty ones)", "EFORMAT")
            return
        with tempfile.TemporaryDirectory(prefix="clopt-") as d:
            path = os.path.join(d, "state.ckpt")
            with open(path, "wb") as f:
                f.write(bytes(blob))
            self.opt.load(path)
        self.applied = dict(_to_clopt(self.row, _to_group(self.row, self.opt.config)))


class Optimizer(torch.optim.Optimizer):
    """A clopt optimizer as a torch.optim.Optimizer.

    params:   model.parameters() or param groups (dicts with their own settings)
    spec:     an optimizer name or a spec ("adam", "SGD(momentum=0.9, nesterov=True)")
    context:  a clopt.Context (None: clopt.default_context(), the CPU unless $CLOPT_DEVICE)
    **kwargs: hyperparameters (PyTorch's or Keras' names) over the spec's values
    """

    def __init__(self, params, spec="adam", *, context=None, **kwargs):
        self._clopt_context = context if context is not None else _core.default_context()
        config = _probe_config(spec, self._clopt_context)
        self._clopt_row = _catalogue()[config["name"].lower()]
        defaults = _to_group(self._clopt_row, config)
        defaults.update(_normalize(self._clopt_row, kwargs, defaults.get("betas")))
        self._clopt_engines = []
        self._clopt_evaluating = False
        super().__init__(params, defaults)

    def add_param_group(self, param_group):
        """As torch.optim's: a group's own hyperparameters (either vocabulary) over the
        defaults; other keys (a name, a tag) are kept as they are, but one that reads as a
        hyperparameter this optimizer does not take (weight_decay for Adam, momentun) is
        refused as a keyword would be. A group that clopt refuses is not added."""
        if isinstance(param_group, dict):
            param_group = dict(param_group)
            row = self._clopt_row
            ours = {k: param_group.pop(k) for k in list(param_group) if k != "params" and (
                _is_hyperparameter(row, k) or _taken_for_a_hyperparameter(row, k))}
            param_group.update(_normalize(row, ours, self.defaults.get("betas")))
        super().add_param_group(param_group)
        try:
            engine = _Engine(self._clopt_row, self.param_groups[-1], len(self.param_groups) - 1,
                             self._clopt_context)
        except BaseException:
            self.param_groups.pop()
            raise
        self._clopt_engines.append(engine)

    @torch.no_grad()
    def step(self, closure=None):
        if self._clopt_evaluating:
            raise _core.Error("step() inside eval_params(): the parameters hold the "
                              "evaluation point x, not y; step after the block", "ESTATE")
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for i, (group, eng) in enumerate(zip(self.param_groups, self._clopt_engines)):
            if eng.opt is None:
                continue
            eng.check_in_place(i)
            eng.sync(group)
            idle = eng.gather_grads()
            if idle is not None:
                eng.step(idle)
        return loss

    def zero_grad(self, set_to_none=False):
        for group, eng in zip(self.param_groups, self._clopt_engines):
            if not set_to_none and eng.grads_are_views():
                eng.flat_g.fill(0.0)  # one memset for the whole group
            else:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    if set_to_none:
                        p.grad = None
                    else:  # as torch.optim does: a view (ours) cannot be detached in place
                        if p.grad.grad_fn is not None:
                            p.grad.detach_()
                        else:
                            p.grad.requires_grad_(False)
                        p.grad.zero_()

    def state_dict(self):
        sd = super().state_dict()
        sd["clopt"] = [eng.checkpoint() for eng in self._clopt_engines]
        return sd

    def load_state_dict(self, state_dict):
        blobs = state_dict.get("clopt")
        if blobs is None or len(blobs) != len(self._clopt_engines):
            have = "none" if blobs is None else len(blobs)
            raise InvalidArgument(f"state_dict: expected {len(self._clopt_engines)} clopt "
                                  f"checkpoints (one per param group, from "
                                  f"clopt.torch's state_dict()), got {have}")
        backups = [eng.checkpoint() for eng in self._clopt_engines]
        done = 0
        try:
            for eng, blob in zip(self._clopt_engines, blobs):
                eng.restore(blob)
                done += 1
            rest = {k: v for k, v in state_dict.items() if k != "clopt"}
            super().load_state_dict(rest)
        except Exception:
            for eng, blob in zip(self._clopt_engines[:done], backups):
                eng.restore(blob)
            raise
        # param_groups are the saved ones (as in torch.optim), which may differ from the
        # checkpoints' values: a scheduler's change after the last step, or an edit before
        # loading. The next step passes them to the library, as it does any change.

    def __getstate__(self):
        raise TypeError(f"clopt.torch.{self._clopt_row['name']} cannot be pickled or copied: "
                        f"it holds the library's optimizer and OpenCL buffers over the "
                        f"model's memory; save opt.state_dict() and load it into a new "
                        f"optimizer over the new model")

    @property
    def schedule_free(self):
        """Whether the model is evaluated at an average x apart from the parameters y that
        training holds (SGDScheduleFree, AdamWScheduleFree): see eval_params()."""
        return bool(self._clopt_row.get("average"))

    @contextlib.contextmanager
    def eval_params(self):
        """Inside the block the parameters hold the point where the model is evaluated; on
        leaving (even by an exception) they are put back as training left them.

            with opt.eval_params():
                val_loss = loss_fn(model(x_val), y_val)

        The schedule-free rows take gradients at y but evaluate (and should be saved for
        inference) at the average x, which this swaps in; for the other rows x is the
        parameters and the block changes nothing. step() inside the block is refused."""
        if self._clopt_evaluating:
            raise _core.Error("eval_params() is already active", "ESTATE")
        saved = []
        try:
            if self.schedule_free:
                for i, eng in enumerate(self._clopt_engines):
                    if eng.opt is None:
                        continue
                    eng.check_in_place(i)
                    y = eng.flat_p.copy()
                    saved.append((eng, y))
                    eng.opt.average(out=[eng.flat_p])
            self._clopt_evaluating = True
            yield self
        finally:
            self._clopt_evaluating = False
            for eng, y in saved:
                np.copyto(eng.flat_p, y)

    @property
    def rate(self):
        """The learning rate the next step of the first param group takes (lr_e: lr times a
        schedule's m(t), or Keras 1's lr / (1 + decay t)); param_groups keep the base lr."""
        for eng in self._clopt_engines:
            if eng.opt is not None:
                return eng.opt.rate
        return 0.0

    @property
    def iterations(self):
        """Steps taken by the first param group's optimizer (Keras' `iterations`)."""
        for eng in self._clopt_engines:
            if eng.opt is not None:
                return eng.opt.iterations
        return 0

    def __repr__(self):
        return f"clopt.torch.{self._clopt_row['name']}({self.defaults})"


def _probe_config(spec, context):
    """The config a spec stands for (the library parses and checks it)."""
    p = np.zeros((1, 1), dtype=np.float32)  # a 1 x 1 matrix: every kind takes it (Muon too)
    opt = _optimizer.Optimizer(spec, [p], context=context)
    try:
        return opt.config
    finally:
        opt.close()


# docs/semantics.md, "After Keras 1": the rows that equal PyTorch's with epsilon = 0 (the two
# frameworks differ only in where epsilon goes); tests/test_torch.py checks each.
_EQUAL_WITH_EPS_ZERO = {"Adam": "torch.optim.Adam with amsgrad=True",
                        "AdamW": "torch.optim.AdamW", "RAdam": "torch.optim.RAdam"}


def _make_class(row):
    name = row["name"]

    def __init__(self, params, lr=None, *, context=None, **kwargs):
        if lr is not None:
            kwargs["lr"] = lr
        Optimizer.__init__(self, params, name, context=context, **kwargs)

    keys = _group_keys(row)
    defaults = _to_group(row, {h["name"]: h["default"] for h in row["hyperparameters"]})
    doc = (f"clopt's {name} ({row.get('en', '')}) as a torch.optim.Optimizer.\n\n"
           f"Keywords and defaults: "
           + ", ".join(f"{k}={defaults[k]!r}" for k in keys)
           + ".\nThe rule is clopt's (docs/semantics.md)"
           + (f"; with eps=0 it equals {_EQUAL_WITH_EPS_ZERO[name]} (1.13) to rounding"
              if name in _EQUAL_WITH_EPS_ZERO else "")
           + (".\nSchedule-free: gradients are taken at the parameters y, but the model is "
              "evaluated at the average x; evaluate (and save for inference) inside "
              "`with opt.eval_params():`, which swaps x in and y back"
              if row.get("average") else "")
           + ".\nSee clopt.torch for the names and the memory layout.")
    return type(name, (Optimizer,), {"__init__": __init__, "__doc__": doc,
                                     "__module__": __name__})


__all__ = ["Optimizer"]
for _row in _core.optimizers():
    globals()[_row["name"]] = _make_class(_row)
    __all__.append(_row["name"])
del _row
