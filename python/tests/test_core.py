"""clopt.Context and clopt.Optimizer over NumPy, PyTorch CPU and pyopencl arrays; errors."""
import numpy as np
import pytest
import torch

import clopt


def test_listings_come_from_the_library():
    rows = clopt.optimizers()
    names = [r["name"] for r in rows]
    assert names[:7] == ["SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "Adamax", "Nadam"]
    adam = rows[names.index("Adam")]
    defaults = {h["name"]: h["default"] for h in adam["hyperparameters"]}
    assert defaults["lr"] == 0.001 and defaults["beta_2"] == 0.999
    assert defaults["clipnorm"] is None
    fns = {f["name"]: f for f in clopt.functions()}
    assert len(fns) >= 15
    assert fns["rosenbrock"]["minima"] == [(1.0, 1.0, 0.0)]
    assert fns["rosenbrock"]["start"] == [-1.5, 2.0]
    devs = clopt.devices()
    assert devs and sum(d["default"] for d in devs) == 1
    assert all(":" in d["selector"] for d in devs)


def test_numpy_in_place_sgd_exact():
    p = np.array([1.0, -2.0, 0.5], dtype=np.float32)
    opt = clopt.Optimizer("sgd(lr=0.1)", [p])
    opt.step([np.array([1.0, 1.0, -1.0], dtype=np.float32)])
    np.testing.assert_array_equal(p, np.float32([0.9, -2.1, 0.6]))
    assert opt.iterations == 1
    # Gradients written into opt.grads are used in place.
    opt.grads[0][:] = [0.0, 10.0, 0.0]
    opt.step()
    np.testing.assert_allclose(p, [0.9, -3.1, 0.6], rtol=1e-6)
    assert opt.config == {"name": "SGD", "lr": 0.1, "momentum": 0.0, "decay": 0.0,
                          "nesterov": False}


def test_numpy_adam_first_step_is_lr_times_sign():
    p = np.zeros((4, 5), dtype=np.float32)
    g = np.linspace(-1, 1, 20, dtype=np.float32).reshape(4, 5)
    g[g == 0] = 0.5
    opt = clopt.Optimizer({"name": "adam", "lr": 0.01}, p)
    opt.step(g)
    # Keras Adam, t = 1: m = 0.1 g, v = 0.001 g^2, lr_t = lr sqrt(0.001) / 0.1:
    # step = lr * g / (|g| + eps / sqrt(0.001)) ~ lr sign(g)
    expect = -0.01 * g / (np.abs(g) + 1e-8 / np.sqrt(0.001))
    np.testing.assert_allclose(p, expect, rtol=1e-5)


def test_torch_tensors_in_place_and_new_grad_tensors_copied():
    t = torch.ones(3, 4)
    before = t.data_ptr()
    opt = clopt.Optimizer("sgd(lr=0.5)", [t])
    opt.step([torch.full((3, 4), 2.0, requires_grad=True)])  # a new tensor: copied
    assert t.data_ptr() == before
    assert torch.equal(t, torch.zeros(3, 4))
    assert torch.equal(opt.grads[0], torch.full((3, 4), 2.0))


def test_set_get_and_range_errors_leave_it_unchanged():
    p = np.zeros(3, dtype=np.float32)
    opt = clopt.Optimizer("rmsprop", [p])
    opt.set("lr", 0.5)
    assert opt.get("lr") == 0.5
    with pytest.raises(clopt.InvalidArgument, match="rho") as e:
        opt.set("rho", 1.5)
    assert e.value.status == "EINVAL"
    assert opt.get("rho") == 0.9


def test_bad_spec_is_a_value_error_with_did_you_mean():
    p = np.zeros(3, dtype=np.float32)
    with pytest.raises(ValueError, match="did you mean 'adamax'"):
        clopt.Optimizer("admax", [p])
    with pytest.raises(ValueError, match="did you mean 'rho'"):
        clopt.Optimizer("RMSprop(rhs=0.5)", [p])
    with pytest.raises(clopt.Error) as e:
        clopt.Optimizer("adam(lr=-1)", [p])
    assert e.value.status == "EINVAL" and "lr" in str(e.value)


@pytest.mark.parametrize("bad, words", [
    (lambda: np.zeros(4, dtype=np.float64), "expected dtype float32, got float64"),
    (lambda: np.zeros((4, 2), dtype=np.float32)[:, 0], "C-contiguous"),
    (lambda: torch.zeros(8, 2)[:, 0], "contiguous tensor"),
    (lambda: torch.zeros(4, dtype=torch.float16), "torch.float32, got torch.float16"),
    (lambda: torch.zeros(4, device="meta"), "on the CPU"),
    (lambda: np.zeros(5, dtype=np.float32), "expected 4 elements"),
    (lambda: [1.0, 2.0, 3.0, 4.0], "got builtins.list"),
])
def test_bad_gradients_are_refused_and_nothing_changes(bad, words):
    p = np.ones(4, dtype=np.float32)
    opt = clopt.Optimizer("adam(lr=0.1)", [p])
    opt.step([np.ones(4, dtype=np.float32)])
    saved_p, saved_g = p.copy(), opt.grads[0].copy()
    with pytest.raises(ValueError, match=words.replace("(", r"\(")):
        opt.step([bad()])
    np.testing.assert_array_equal(p, saved_p)
    np.testing.assert_array_equal(opt.grads[0], saved_g)
    assert opt.iterations == 1


def test_bad_tensors_are_refused():
    with pytest.raises(ValueError, match=r"tensors\[1\]: expected dtype float32"):
        clopt.Optimizer("adam", [np.zeros(2, np.float32), np.zeros(2, np.int32)])
    with pytest.raises(ValueError, match=r"tensors\[0\]: expected at least one element"):
        clopt.Optimizer("adam", [np.zeros(0, np.float32)])
    frozen = np.zeros(3, np.float32)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match=r"tensors\[0\]: expected a writeable array"):
        clopt.Optimizer("adam", [frozen])
    with pytest.raises(ValueError, match="grads: expected 2 arrays"):
        clopt.Optimizer("adam", [np.zeros(2, np.float32)] * 2, grads=[np.zeros(2, np.float32)])


def test_arrays_that_share_memory_are_refused():
    """Each array is stepped in place once; OpenCL leaves buffers over one memory undefined."""
    a = np.zeros(6, np.float32)
    with pytest.raises(ValueError, match=r"tensors\[1\]: shares memory with tensors\[0\]"):
        clopt.Optimizer("sgd", [a, a])
    with pytest.raises(ValueError, match="shares memory"):
        clopt.Optimizer("sgd", [a[:4], a[3:]])
    with pytest.raises(ValueError, match=r"grads\[0\]: shares memory with tensors\[0\]"):
        clopt.Optimizer("sgd", [a[:3]], grads=[a[2:5]])
    opt = clopt.Optimizer("sgd(lr=1)", [a[:3], a[3:]])  # side by side: fine
    opt.step([np.ones(3, np.float32)] * 2)
    assert (a == -1).all()


def test_save_load_restores_state_and_refuses_another_kind(tmp_path):
    p = np.linspace(-1, 1, 10, dtype=np.float32)
    g = np.cos(np.arange(10, dtype=np.float32))
    a = clopt.Optimizer("adam(lr=0.05)", [p])
    for _ in range(3):
        a.step([g])
    a.save(tmp_path / "a.ckpt")
    q = p.copy()
    b = clopt.Optimizer("adam", [q])
    b.load(tmp_path / "a.ckpt")
    assert b.iterations == 3 and b.get("lr") == 0.05
    a.step([g])
    b.step([g])
    np.testing.assert_array_equal(p, q)
    c = clopt.Optimizer("rmsprop", [np.zeros(10, np.float32)])
    with pytest.raises(clopt.Error) as e:
        c.load(tmp_path / "a.ckpt")
    assert e.value.status == "EFORMAT"
    assert c.iterations == 0 and c.config["name"] == "RMSprop"


def test_pyopencl_arrays_stepped_in_place_on_the_device():
    import pyopencl.array as cla

    ctx = clopt.default_context()
    clctx, queue = ctx.pyopencl()
    p = cla.to_device(queue, np.ones(1000, dtype=np.float32))
    g = cla.to_device(queue, np.full(1000, 0.5, dtype=np.float32))
    data = p.base_data.int_ptr
    opt = clopt.Optimizer("sgd(lr=0.1, momentum=0.9)", [p], grads=[g], context=ctx)
    opt.step()
    opt.step()
    assert p.base_data.int_ptr == data
    # v1 = -0.05, p1 = 0.95; v2 = 0.9 v1 - 0.05 = -0.095, p2 = 0.855
    np.testing.assert_allclose(p.get(), 0.855, rtol=1e-6)
    # A gradient in another device array is copied on the device; host arrays are written.
    g2 = cla.to_device(queue, np.zeros(1000, dtype=np.float32))
    opt.step([g2])
    np.testing.assert_allclose(p.get(), 0.855 + 0.9 * -0.095, rtol=1e-6)
    assert opt.grads[0] is g and float(g.get()[0]) == 0.0


def test_pyopencl_wrap_and_foreign_context_refused():
    import pyopencl as cl
    import pyopencl.array as cla

    plat = cl.get_platforms()[0]
    clctx = cl.Context([plat.get_devices()[0]])
    queue = cl.CommandQueue(clctx)
    ctx = clopt.Context.wrap(clctx, queue)
    p = cla.to_device(queue, np.ones(8, dtype=np.float32))
    opt = clopt.Optimizer("sgd(lr=0.25)", [p], context=ctx)
    opt.step([np.ones(8, dtype=np.float32)])
    np.testing.assert_array_equal(p.get(), np.full(8, 0.75, np.float32))
    with pytest.raises(ValueError, match="another OpenCL context"):
        clopt.Optimizer("sgd", [p], context=clopt.default_context())


def test_context_selector_errors():
    with pytest.raises(clopt.Error) as e:
        clopt.Context("no-such-device-xyz")
    assert e.value.status == "ENODEVICE"
    with pytest.raises(ValueError, match="device: expected a selector string"):
        clopt.Context(3)


def test_landscape_values():
    z = clopt.default_context().landscape("sphere", 3, 3, view=(-1, 1, -2, 2))
    np.testing.assert_allclose(z, [[5, 4, 5], [1, 0, 1], [5, 4, 5]], rtol=1e-6)
