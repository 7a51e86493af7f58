"""clopt.torch: param groups, schedulers, state_dict, zero_grad, refusals."""
import io
import warnings

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


def _step_all(model, opt, x, steps, set_to_none=True):
    for _ in range(steps):
        opt.zero_grad(set_to_none=set_to_none)
        model(x).sum().backward()
        opt.step()


def test_a_schedulers_change_after_the_last_step_survives_save_and_load():
    p = torch.nn.Parameter(torch.zeros(3))
    opt = ct.SGD([p], lr=1.0)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.1)
    for _ in range(2):
        opt.zero_grad()
        p.sum().backward()
        opt.step()
        sched.step()  # after the second step: lr 0.1, not yet passed to the library
    q = torch.nn.Parameter(p.detach().clone())
    opt2 = ct.SGD([q], lr=1.0)
    opt2.load_state_dict(opt.state_dict())
    assert opt2.param_groups[0]["lr"] == pytest.approx(0.1) and opt2.iterations == 2
    before = q.detach().clone()
    q.grad = torch.ones(3)
    opt2.step()
    torch.testing.assert_close(before - q.detach(), torch.full((3,), 0.1))


def test_zero_grad_and_step_with_a_parameter_that_gets_no_gradient():
    used, unused = torch.nn.Parameter(torch.ones(3)), torch.nn.Parameter(torch.ones(3))
    opt = ct.Adam([used, unused], lr=0.1)
    for _ in range(3):
        opt.zero_grad()  # not set_to_none: the views are zeroed, unused.grad stays None
        (used * 2).sum().backward()
        opt.step()
    assert unused.grad is None and torch.equal(unused.detach(), torch.ones(3))
    assert (used.detach() < 1).all() and opt.iterations == 3


def test_a_parameter_frozen_at_creation_trains_once_unfrozen_as_in_torch():
    """SGD without momentum is PyTorch's rule: the two must move alike."""
    x = torch.randn(4, 2, generator=torch.Generator().manual_seed(5))
    models, opts = [], []
    for cls in (ct.SGD, torch.optim.SGD):
        torch.manual_seed(1)
        lin = torch.nn.Linear(2, 1)
        lin.weight.requires_grad_(False)
        opts.append(cls(lin.parameters(), lr=0.1))
        models.append(lin)
    start = models[0].weight.detach().clone()
    for lin, opt in zip(models, opts):
        _step_all(lin, opt, x, 2)  # frozen: only the bias moves
    assert torch.equal(models[0].weight.detach(), start)
    for lin, opt in zip(models, opts):
        lin.weight.requires_grad_(True)
        _step_all(lin, opt, x, 3)
    assert not torch.equal(models[0].weight.detach(), start)
    for p, q in zip(models[0].parameters(), models[1].parameters()):
        torch.testing.assert_close(p, q)


def test_a_parameter_frozen_later_keeps_its_values():
    torch.manual_seed(2)
    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 1))
    opt = ct.AdamW(model.parameters(), lr=0.1, weight_decay=0.1)
    x = torch.randn(4, 2, generator=torch.Generator().manual_seed(5))
    _step_all(model, opt, x, 3)
    model[0].requires_grad_(False)
    frozen = [p.detach().clone() for p in model[0].parameters()]
    head = [p.detach().clone() for p in model[1].parameters()]
    _step_all(model, opt, x, 3)
    for p, v in zip(model[0].parameters(), frozen):
        assert p.grad is None and torch.equal(p.detach(), v)
    for p, v in zip(model[1].parameters(), head):
        assert not torch.equal(p.detach(), v)


def test_a_graph_built_before_the_step_refuses_backward_as_in_torch():
    torch.manual_seed(4)
    model = torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.Linear(3, 1))
    opt = ct.SGD(model.parameters(), lr=0.1)
    x = torch.ones(2, 3)
    l1, l2 = model(x).sum(), model(x).sum()
    l1.backward()
    opt.step()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        l2.backward()


def test_a_refused_param_group_is_not_added():
    p = torch.nn.Parameter(torch.ones(2))
    opt = ct.SGD([p], lr=0.1)
    with pytest.raises(ValueError, match=r"param_groups\[1\]\['params'\]\[0\].*float32"):
        opt.add_param_group({"params": [torch.nn.Parameter(torch.ones(2, dtype=torch.float64))],
                             "lr": 5.0})
    assert len(opt.param_groups) == 1 and len(opt._clopt_engines) == 1
    q = torch.nn.Parameter(torch.ones(2))
    opt.add_param_group({"params": [q], "lr": 0.01})
    p.grad, q.grad = torch.ones(2), torch.ones(2)
    opt.step()
    torch.testing.assert_close(q.detach(), torch.full((2,), 0.99))
    torch.testing.assert_close(p.detach(), torch.full((2,), 0.9))


def test_param_groups_keep_keys_of_their_own_and_take_a_lone_beta():
    p, q = torch.nn.Parameter(torch.ones(2)), torch.nn.Parameter(torch.ones(2))
    opt = ct.Adam([{"params": [p], "name": "encoder"}, {"params": [q], "beta_1": 0.5}],
                  beta_2=0.99)
    assert opt.param_groups[0]["name"] == "encoder"
    assert opt.param_groups[0]["betas"] == (0.9, 0.99)
    assert opt.param_groups[1]["betas"] == (0.5, 0.99)
    c = opt._clopt_engines[1].opt.config
    assert (c["beta_1"], c["beta_2"]) == (0.5, 0.99)
    with pytest.raises(ValueError, match="unknown argument 'nmae'"):  # keywords stay checked
        ct.Adam([p], nmae="encoder")
    # a group key that reads as a hyperparameter this optimizer does not take is refused, not
    # kept and ignored: torch's Adam has an L2 weight_decay, clopt's has none (AdamW's is)
    for cls, key, hint in ((ct.Adam, "weight_decay", "it takes"),
                           (ct.SGD, "momentun", "did you mean 'momentum'")):
        with pytest.raises(ValueError, match=f"unknown argument '{key}'.*{hint}"):
            cls([{"params": [q], key: 0.1}])


def test_parameters_without_elements_are_accepted():
    a, empty = torch.nn.Parameter(torch.ones(2)), torch.nn.Parameter(torch.ones(0, 3))
    opt = ct.SGD([a, empty], lr=0.5)
    a.grad, empty.grad = torch.ones(2), torch.ones(0, 3)
    opt.step()
    assert torch.equal(a.detach(), torch.full((2,), 0.5)) and empty.shape == (0, 3)
    only = ct.Adam([torch.nn.Parameter(torch.ones(0))])
    only.step()
    assert only.iterations == 0


def test_parameters_that_share_memory_are_refused():
    p = torch.nn.Parameter(torch.ones(3))
    with warnings.catch_warnings():  # torch 1.13 warns of the duplicate before clopt refuses it
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match=r"\[1\]: shares memory with .*\['params'\]\[0\]"):
            ct.SGD([p, p], lr=0.1)
    base = torch.ones(4)
    with pytest.raises(ValueError, match="shares memory"):
        ct.SGD([torch.nn.Parameter(base[:3]), torch.nn.Parameter(base[2:])], lr=0.1)
    ct.SGD([torch.nn.Parameter(base[:2]), torch.nn.Parameter(base[2:])], lr=0.1)  # apart


def test_an_optimizer_cannot_be_copied_or_pickled_and_says_what_to_do():
    import copy
    import pickle

    opt = ct.Adam([torch.nn.Parameter(torch.ones(2))])
    for copy_it in (copy.deepcopy, pickle.dumps):
        with pytest.raises(TypeError, match="state_dict"):
            copy_it(opt)


def test_hyperparameters_are_keywords():
    """torch.optim.SGD(params, 0.1, 0.9) means momentum 0.9; clopt's classes take only lr
    by position, so such a call fails rather than meaning something else."""
    with pytest.raises(TypeError):
        ct.SGD([torch.nn.Parameter(torch.ones(2))], 0.1, 0.9)


def test_a_schedule_given_as_a_dict_survives_save_and_load():
    """The group holds the library's form of a schedule (every parameter filled in), as the
    checkpoint does: a loaded optimizer steps on, where comparing the user's dict with the
    checkpoint's had read as a change of schedule between steps."""
    a, b = _mlp(), _mlp()
    oa = ct.SGD(a.parameters(), lr=0.1, schedule={"name": "cosine", "steps": 100})
    assert oa.param_groups[0]["schedule"]["name"] == "cosine"
    _train(a, oa, 3)
    b.load_state_dict(a.state_dict())
    ob = ct.SGD(b.parameters(), lr=0.1, schedule={"name": "cosine", "steps": 100})
    ob.load_state_dict(oa.state_dict())
    _train(a, oa, 2)
    _train(b, ob, 2)
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)
