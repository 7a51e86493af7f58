"""clopt.torch: param groups, schedulers, state_dict, zero_grad, refusals."""
import io

import pytest
import torch

import clopt
import clopt.torch as ct


def _mlp(seed=3, bias=True):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(5, 8, bias=bias), torch.nn.ReLU(),
                               torch.nn.Linear(8, 2, bias=bias))


def _batch():
    gen = torch.Generator().manual_seed(11)
    return torch.randn(16, 5, generator=gen), torch.randn(16, 2, generator=gen)


def _train(model, opt, steps, set_to_none=False):
    x, y = _batch()
    for _ in range(steps):
        opt.zero_grad(set_to_none=set_to_none)
        torch.nn.functional.mse_loss(model(x), y).backward()
        opt.step()


def test_one_launch_layout_params_are_views_and_stay_parameters():
    model = _mlp()
    params = list(model.parameters())
    values = [p.detach().clone() for p in params]
    opt = ct.Adam(model.parameters(), lr=0.01)
    eng = opt._clopt_engines[0]
    assert [p is q for p, q in zip(params, model.parameters())] == [True] * 4
    for p, v in zip(params, values):
        assert torch.equal(p.detach(), v)  # moved, not changed
    base = eng.flat_p.ctypes.data
    offsets = [p.data_ptr() - base for p in params]
    assert offsets == [0, 4 * 40, 4 * 48, 4 * 64]  # 8x5 weight, 8 bias, 2x8, 2
    _train(model, opt, 2)
    assert [p.grad.data_ptr() - eng.flat_g.ctypes.data for p in params] == offsets


def test_set_to_none_gradients_are_copied_and_give_the_same_result():
    a, b = _mlp(), _mlp()
    oa, ob = ct.RMSprop(a.parameters(), lr=0.01), ct.RMSprop(b.parameters(), lr=0.01)
    _train(a, oa, 5, set_to_none=False)
    _train(b, ob, 5, set_to_none=True)
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)


def test_param_groups_keep_their_own_settings():
    model = _mlp()
    opt = ct.SGD([{"params": model[0].parameters(), "lr": 0.5, "momentum": 0.9},
                  {"params": model[2].parameters()}], lr=0.01, nesterov=True)
    c0 = opt._clopt_engines[0].opt.config
    c1 = opt._clopt_engines[1].opt.config
    assert (c0["lr"], c0["momentum"], c0["nesterov"]) == (0.5, 0.9, True)
    assert (c1["lr"], c1["momentum"], c1["nesterov"]) == (0.01, 0.0, True)
    assert opt.param_groups[0]["lr"] == 0.5 and opt.param_groups[1]["lr"] == 0.01


def test_pytorch_names_map_to_the_catalogue():
    model = _mlp()
    opt = ct.AdamW(model.parameters(), lr=0.002, betas=(0.8, 0.95), eps=1e-6,
                   weight_decay=0.01, amsgrad=True)
    c = opt._clopt_engines[0].opt.config
    assert c == {"name": "AdamW", "lr": 0.002, "weight_decay": 0.01, "beta_1": 0.8,
                 "beta_2": 0.95, "epsilon": 1e-6, "amsgrad": True, "decay": 0.0}
    opt2 = ct.Optimizer(model.parameters(), "Adamax(lr=0.01, beta_1=0.5)")
    assert opt2.param_groups[0]["betas"] == (0.5, 0.999)
    with pytest.raises(ValueError, match="unknown argument 'momentun'.*'momentum'"):
        ct.SGD(_mlp().parameters(), momentun=0.9)
    with pytest.raises(ValueError, match="lr"):
        ct.Adam(_mlp().parameters(), lr=-1.0)


def test_scheduler_changes_the_rate_of_the_next_step():
    p = torch.nn.Parameter(torch.zeros(3))
    opt = ct.SGD([p], lr=1.0)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    moves = []
    for _ in range(3):
        opt.zero_grad()
        p.sum().backward()  # gradient 1
        before = p.detach().clone()
        opt.step()
        sched.step()
        moves.append(float((before - p.detach())[0]))
    assert moves == [1.0, 0.5, 0.25]
    assert opt._clopt_engines[0].opt.get("lr") == 0.25
    assert opt.param_groups[0]["lr"] == 0.125


def test_one_cycle_scheduler_drives_betas():
    model = _mlp()
    opt = ct.Adam(model.parameters(), lr=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=10)
    x, y = _batch()
    for _ in range(3):
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(x), y).backward()
        opt.step()
        sched.step()
    opt.zero_grad()
    torch.nn.functional.mse_loss(model(x), y).backward()
    opt.step()
    c = opt._clopt_engines[0].opt.config
    g = opt.param_groups[0]
    assert c["lr"] == g["lr"] and g["lr"] > 0.01
    assert c["beta_1"] == g["betas"][0] and c["beta_1"] < 0.95


ROWS = clopt.optimizers()


@pytest.mark.parametrize("name", [r["name"] for r in ROWS])
def test_state_dict_round_trip_is_bit_identical(name):
    bias = name != "Muon"  # Muon takes matrices only: biases are AdamW's (docs/muon.md)
    a = _mlp(bias=bias)
    oa = getattr(ct, name)(a.parameters(), lr=0.01)
    _train(a, oa, 4)
    buf = io.BytesIO()
    torch.save({"model": a.state_dict(), "opt": oa.state_dict()}, buf)
    buf.seek(0)
    saved = torch.load(buf)
    b = _mlp(seed=99, bias=bias)
    b.load_state_dict(saved["model"])
    ob = getattr(ct, name)(b.parameters(), lr=0.5)
    ob.load_state_dict(saved["opt"])
    assert ob.iterations == 4 and ob.param_groups[0]["lr"] == 0.01
    _train(a, oa, 3)
    _train(b, ob, 3)
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)


def test_load_state_dict_of_another_optimizer_changes_nothing():
    a = _mlp()
    oa = ct.Adam(a.parameters())
    _train(a, oa, 2)
    other = ct.RMSprop(_mlp().parameters())
    before = oa.state_dict()
    with pytest.raises(clopt.Error) as e:
        oa.load_state_dict(other.state_dict())
    assert e.value.status == "EFORMAT"
    after = oa.state_dict()
    assert after["clopt"] == before["clopt"] and after["param_groups"] == before["param_groups"]
    with pytest.raises(ValueError, match="expected 1 clopt checkpoints"):
        oa.load_state_dict(torch.optim.Adam(a.parameters()).state_dict())


def test_parameters_clopt_cannot_step_are_refused():
    with pytest.raises(ValueError, match=r"param_groups\[0\]\['params'\]\[0\].*float32"):
        ct.Adam([torch.nn.Parameter(torch.zeros(3, dtype=torch.float64))])
    with pytest.raises(ValueError, match="on the CPU"):
        ct.Adam([torch.nn.Parameter(torch.zeros(3, device="meta"))])


def test_a_group_without_gradients_is_skipped():
    p = torch.nn.Parameter(torch.ones(2))
    opt = ct.Adam([p], lr=0.1)
    opt.step()
    assert opt.iterations == 0 and torch.equal(p.detach(), torch.ones(2))


def test_trains_a_model():
    model = _mlp()
    opt = ct.AdamW(model.parameters(), lr=0.02)
    x, y = _batch()
    first = torch.nn.functional.mse_loss(model(x), y).item()
    _train(model, opt, 100)
    last = torch.nn.functional.mse_loss(model(x), y).item()
    assert last < 0.5 * first


def test_a_moved_model_is_refused_not_silently_stale():
    model = _mlp()
    opt = ct.Adam(model.parameters())
    model.double().float()  # new storage for every parameter
    for p in model.parameters():
        p.grad = torch.ones_like(p)
    with pytest.raises(clopt.Error, match=r"param_groups\[0\]: a parameter no longer lives"):
        opt.step()


def test_string_hyperparameters_cannot_change_between_steps():
    p = torch.nn.Parameter(torch.ones(2))
    opt = ct.SGD([p], lr=0.1)
    opt.param_groups[0]["momentum"] = "fast"
    p.grad = torch.ones(2)
    with pytest.raises(ValueError, match="momentum: changed from 0.0 to 'fast'"):
        opt.step()
    assert opt.iterations == 0 and torch.equal(p.detach(), torch.ones(2))


@pytest.mark.parametrize("name, kw", [
    ("Adam", {"amsgrad": True}),
    ("AdamW", {"weight_decay": 0.05}),
    ("AdamW", {"weight_decay": 0.05, "amsgrad": True}),
    ("RAdam", {}),
])
def test_with_eps_zero_equals_pytorch(name, kw):
    """docs/semantics.md: with epsilon = 0, Adam(amsgrad), AdamW and RAdam equal PyTorch's to
    rounding (the frameworks differ only in where epsilon goes)."""
    a, b = _mlp(), _mlp()
    ours = getattr(ct, name)(a.parameters(), lr=0.01, eps=0.0, **kw)
    theirs = getattr(torch.optim, name)(b.parameters(), lr=0.01, eps=0.0, **kw)
    _train(a, ours, 8)
    _train(b, theirs, 8)
    for p, q in zip(a.parameters(), b.parameters()):
        torch.testing.assert_close(p, q, rtol=2e-5, atol=2e-6)


def test_a_bad_group_value_changes_nothing():
    p = torch.nn.Parameter(torch.ones(3))
    opt = ct.Adam([p], lr=0.1)
    p.grad = torch.ones(3)
    opt.step()
    before = p.detach().clone()
    opt.param_groups[0]["betas"] = (0.5, 2.0)  # beta_1 is fine, beta_2 is not
    with pytest.raises(ValueError, match="beta_2"):
        opt.step()
    c = opt._clopt_engines[0].opt.config
    assert (c["beta_1"], c["beta_2"]) == (0.9, 0.999)  # beta_1 was put back
    assert torch.equal(p.detach(), before) and opt.iterations == 1
    opt.param_groups[0]["betas"] = (0.5, 0.9)
    opt.step()
    assert opt._clopt_engines[0].opt.config["beta_1"] == 0.5 and opt.iterations == 2
