"""An independent double-precision reference of docs/semantics.md's update rules, in NumPy.

Written from docs/semantics.md alone (not from cl/rules.cl): one function per optimizer key,
over a list of float64 tensors. The tests step clopt (float32) and this side by side on the
same float32 gradients and compare. Schedules (docs/semantics.md "Schedules") are `multiplier`;
the schedule-free rows keep z and x as their state ("z", "x") and p is y.
"""
import math

import numpy as np


def multiplier(schedule, t):
    """m(t) of a schedule config ({"name": "cosine", "steps": 1000, "warmup": 100}), t = it."""
    s = dict(schedule)
    name, w = s["name"].lower(), s.get("warmup", 0)
    if name == "inverse_sqrt":
        return math.sqrt(w / (t + 1))
    if t < w:
        return (t + 1) / w
    u = t - w
    if name == "constant":
        return 1.0
    if name == "step":
        return s.get("factor", 0.1) ** math.floor(u / s["every"])
    if name == "exponential":
        e = u / s["steps"]
        return s.get("rate", 0.96) ** (math.floor(e) if s.get("staircase") else e)
    if name == "cosine":
        a = s.get("alpha", 0.0)
        return a + (1 - a) * 0.5 * (1 + math.cos(math.pi * min(u / (s["steps"] - w), 1)))
    if name == "wsd":
        n = s["steps"]
        start = n - math.floor(s.get("decay", 0.2) * n + 0.5)
        if t < start:
            return 1.0
        q = min((t - start + 1) / (n - start), 1)
        return 1 - math.sqrt(q) if s.get("shape", "linear") == "sqrt" else 1 - q
    raise ValueError(f"no reference for schedule {name!r}")


class Reference:
    def __init__(self, config, params):
        self.h = dict(config)
        # The config's name ("SGDScheduleFree") as the catalogue key ("sgd_schedulefree").
        name = config["name"].lower().replace("_", "")
        self.kind = next((m[1:] for m in dir(Reference)
                          if m.startswith("_") and m[1:].replace("_", "") == name), name)
        self.p = [np.array(t, dtype=np.float64).reshape(-1) for t in params]
        self.shapes = [tuple(np.shape(t)) for t in params]  # Muon's matrices
        self.s = {}
        self.it = 0
        self.ms = 1.0  # Nadam's m_schedule
        self.lr_max, self.w_sum = -1.0, 0.0  # the schedule-free rows' running scalars

    def rate(self):
        """lr_e of the next step: lr * m(it) with a schedule, else lr / (1 + decay * it)."""
        h = self.h
        if h.get("schedule"):
            return h["lr"] * multiplier(h["schedule"], self.it)
        return h["lr"] / (1.0 + h.get("decay", 0.0) * self.it)

    def average(self, i):
        """The evaluation point of tensor i: x for the schedule-free rows, else p."""
        if self.kind.endswith("schedulefree"):
            return self.s.get(("x", i), self.p[i]).copy()
        return self.p[i].copy()

    def state(self, name, i):
        return self.s.setdefault((name, i), np.zeros_like(self.p[i]))

    def step(self, grads):
        h = self.h
        g = [np.array(x, dtype=np.float64).reshape(-1) for x in grads]
        c = h.get("clipnorm")
        if c:
            n = math.sqrt(sum(float(np.sum(x * x)) for x in g))
            if n >= c:
                g = [x * c / n for x in g]
        c = h.get("clipvalue")
        if c:
            g = [np.minimum(np.maximum(x, -c), c) for x in g]
        lr_e = self.rate()
        t = self.it + 1
        rule = getattr(self, "_" + self.kind)
        if self.kind.endswith("schedulefree"):
            k = self.it
            ws = h["warmup_steps"]
            lr_k = lr_e * ((k + 1) / ws if k < ws else 1.0)
            if self.kind.startswith("adamw"):
                lr_k *= math.sqrt(1 - h["beta_2"] ** (k + 1))
            self.lr_max = max(self.lr_max, lr_k)
            w = (k + 1) ** h["r"] * self.lr_max ** h["weight_lr_power"]
            self.w_sum += w
            c = w / self.w_sum if self.w_sum != 0 else 0.0
            for i, x in enumerate(g):
                rule(i, x, lr_k, c)
        elif self.kind == "nadam":
            b1, sd = h["beta_1"], h["schedule_decay"]
            mu_t = b1 * (1 - 0.5 * 0.96 ** (t * sd))
            mu_t1 = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * sd))
            ms_new, ms_next = self.ms * mu_t, self.ms * mu_t * mu_t1
            self.ms = ms_new
            for i, x in enumerate(g):
                self._nadam(i, x, lr_e, mu_t, mu_t1, ms_new, ms_next, t)
        else:
            for i, x in enumerate(g):
                rule(i, x, lr_e, t)
        self.it += 1

    def _sgd(self, i, g, lr_e, t):
        h, p = self.h, self.p[i]
        mu = h["momentum"]
        if mu == 0:
            p -= lr_e * g
            return
        m = self.state("m", i)
        v = mu * m - lr_e * g
        m[:] = v
        p += mu * v - lr_e * g if h["nesterov"] else v

    def _rmsprop(self, i, g, lr_e, t):
        h, p, a = self.h, self.p[i], self.state("a", i)
        a[:] = h["rho"] * a + (1 - h["rho"]) * g * g
        p -= lr_e * g / (np.sqrt(a) + h["epsilon"])

    def _adagrad(self, i, g, lr_e, t):
        h, p, a = self.h, self.p[i], self.state("a", i)
        a += g * g
        p -= lr_e * g / (np.sqrt(a) + h["epsilon"])

    def _adadelta(self, i, g, lr_e, t):
        h, p, a, d = self.h, self.p[i], self.state("a", i), self.state("d", i)
        rho, eps = h["rho"], h["epsilon"]
        a[:] = rho * a + (1 - rho) * g * g
        u = g * np.sqrt(d + eps) / np.sqrt(a + eps)
        p -= lr_e * u
        d[:] = rho * d + (1 - rho) * u * u

    def _adam_core(self, i, g, lr_e, t):
        h, p = self.h, self.p[i]
        b1, b2 = h["beta_1"], h["beta_2"]
        m, v = self.state("m", i), self.state("v", i)
        lr_t = lr_e * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        m[:] = b1 * m + (1 - b1) * g
        v[:] = b2 * v + (1 - b2) * g * g
        vh = v
        if h.get("amsgrad"):
            vhat = self.state("vhat", i)
            vhat[:] = np.maximum(vhat, v)
            vh = vhat
        p -= lr_t * m / (np.sqrt(vh) + h["epsilon"])

    def _adam(self, i, g, lr_e, t):
        self._adam_core(i, g, lr_e, t)

    def _adamw(self, i, g, lr_e, t):
        p = self.p[i]
        p -= p * self.h["weight_decay"] * lr_e
        self._adam_core(i, g, lr_e, t)

    def _adamax(self, i, g, lr_e, t):
        h, p = self.h, self.p[i]
        b1, b2 = h["beta_1"], h["beta_2"]
        m, u = self.state("m", i), self.state("u", i)
        lr_t = lr_e / (1 - b1 ** t)
        m[:] = b1 * m + (1 - b1) * g
        u[:] = np.maximum(b2 * u, np.abs(g))
        p -= lr_t * m / (u + h["epsilon"])

    def _nadam(self, i, g, lr_e, mu_t, mu_t1, ms_new, ms_next, t):
        h, p = self.h, self.p[i]
        b1, b2 = h["beta_1"], h["beta_2"]
        m, v = self.state("m", i), self.state("v", i)
        gp = g / (1 - ms_new)
        m[:] = b1 * m + (1 - b1) * g
        mp = m / (1 - ms_next)
        v[:] = b2 * v + (1 - b2) * g * g
        vp = v / (1 - b2 ** t)
        p -= lr_e * ((1 - mu_t) * gp + mu_t1 * mp) / (np.sqrt(vp) + h["epsilon"])

    def _lion(self, i, g, lr_e, t):
        h, p, m = self.h, self.p[i], self.state("m", i)
        p -= p * h["weight_decay"] * lr_e
        p -= lr_e * np.sign(h["beta_1"] * m + (1 - h["beta_1"]) * g)
        m[:] = h["beta_2"] * m + (1 - h["beta_2"]) * g

    def _lamb(self, i, g, lr_e, t):
        h, p = self.h, self.p[i]
        b1, b2 = h["beta_1"], h["beta_2"]
        m, v = self.state("m", i), self.state("v", i)
        p -= p * h["weight_decay"] * lr_e
        m[:] = b1 * m + (1 - b1) * g
        v[:] = b2 * v + (1 - b2) * g * g
        u = (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + h["epsilon"])
        np_, nu = np.linalg.norm(p), np.linalg.norm(u)
        r = np_ / nu if np_ > 0 and nu > 0 else 1.0
        p -= r * lr_e * u

    def _radam(self, i, g, lr_e, t):
        h, p = self.h, self.p[i]
        b1, b2 = h["beta_1"], h["beta_2"]
        m, v = self.state("m", i), self.state("v", i)
        m[:] = b1 * m + (1 - b1) * g
        v[:] = b2 * v + (1 - b2) * g * g
        rho_inf = 2 / (1 - b2) - 1
        rho_t = rho_inf - 2 * t * b2 ** t / (1 - b2 ** t)
        if rho_t > 5:
            r = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                          / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            p -= lr_e * r * math.sqrt(1 - b2 ** t) * (m / (1 - b1 ** t)) / (np.sqrt(v)
                                                                              + h["epsilon"])
        else:
            p -= lr_e * m / (1 - b1 ** t)

    def _schedulefree(self, i, g, lr_k, c, beta, adam):
        """docs/semantics.md "Schedule-free SGD and AdamW": z and x start at the parameters;
        p is y, where the gradients are taken."""
        h, y = self.h, self.p[i]
        z = self.s.setdefault(("z", i), y.copy())
        x = self.s.setdefault(("x", i), y.copy())
        z -= lr_k * h["weight_decay"] * y
        if adam:
            v = self.state("v", i)
            v[:] = h["beta_2"] * v + (1 - h["beta_2"]) * g * g
            z -= lr_k * g / (np.sqrt(v) + h["epsilon"])
        else:
            z -= lr_k * g
        x[:] = (1 - c) * x + c * z
        y[:] = beta * x + (1 - beta) * z

    def _sgd_schedulefree(self, i, g, lr_k, c):
        self._schedulefree(i, g, lr_k, c, self.h["momentum"], False)

    def _adamw_schedulefree(self, i, g, lr_k, c):
        self._schedulefree(i, g, lr_k, c, self.h["beta_1"], True)

    def _muon(self, i, g, lr_e, t):
        """docs/semantics.md "Muon": momentum, u transposed when tall, normalised, Newton-Schulz,
        decoupled weight decay, the step along O scaled by adjust_lr's s."""
        h = self.h
        rows, cols = self.shapes[i]
        buf = self.state("buf", i)
        mom = h["momentum"]
        buf[:] = mom * buf + (1 - mom) * g
        u = (1 - mom) * g + mom * buf if h["nesterov"] else buf.copy()
        x = u.reshape(rows, cols)
        if rows > cols:
            x = x.T
        x = x / max(np.linalg.norm(x), h["epsilon"])
        for _ in range(int(h["ns_steps"])):
            gram = x @ x.T
            x = h["a"] * x + (h["b"] * gram + h["c"] * gram @ gram) @ x
        if rows > cols:
            x = x.T
        if h["adjust_lr"] == "match_rms_adamw":
            s = 0.2 * math.sqrt(max(rows, cols))
        else:
            s = math.sqrt(max(1.0, rows / cols))
        self.p[i] = self.p[i] - self.p[i] * lr_e * h["weight_decay"]
        self.p[i] = self.p[i] - lr_e * s * x.reshape(-1)


def has(key):
    return hasattr(Reference, "_" + key)
