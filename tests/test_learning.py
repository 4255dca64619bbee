"""Notebook 06 (how a CNN learns): cnnlib.core.learning, its explorers, plots and checkers.

References are independent of the code under test: TensorFlow's GradientTape, finite
differences, the closed form of gradient descent on a parabola, and answers worked by hand.
"""

import numpy as np
import pytest

from cnnlib import checks, learning, ops, plots, widgets
from cnnlib.widgets import learning as wlearning
from tests.explorer_checks import sweep


def test_kernel_pairs_target_is_sobel_x_applied_by_tf(tf):
    x, target = learning.kernel_pairs()
    assert x.shape == (34, 34) and abs(x.mean()) < 1e-9 and np.isclose(x.std(), 1)
    sobel = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], float)
    ref = tf.nn.conv2d(x[None, :, :, None], sobel[:, :, None, None], 1, "VALID").numpy()
    np.testing.assert_allclose(target, ref[0, :, :, 0], atol=1e-12)


def test_weight_loss_slope_matches_finite_differences_and_tf(tf):
    x, target = learning.kernel_pairs()
    k = learning.HIDDEN_KERNEL
    for w in (-3.0, -1.0, 0.5, 2.0, 6.0):
        loss, slope = learning.weight_loss(x, target, k, (1, 2), w)
        kw = k.copy()
        kw[1, 2] = w
        kt = tf.Variable(kw[:, :, None, None])
        with tf.GradientTape() as tape:
            out = tf.nn.conv2d(x[None, :, :, None], kt, 1, "VALID")[0, :, :, 0]
            tl = tf.reduce_mean((out - target) ** 2)
        assert loss == pytest.approx(float(tl), abs=1e-9)
        assert slope == pytest.approx(float(tape.gradient(tl, kt)[1, 2, 0, 0]), abs=1e-9)
        h = 1e-5
        num = (learning.weight_loss(x, target, k, (1, 2), w + h)[0]
               - learning.weight_loss(x, target, k, (1, 2), w - h)[0]) / (2 * h)
        assert slope == pytest.approx(num, abs=1e-6)
    assert learning.weight_loss(x, target, k, (1, 2), 2.0) == (0.0, 0.0)


def test_descend_weight_follows_the_closed_form():
    # On a parabola with curvature c and bottom w*, each step multiplies (w - w*) by (1 - lr c).
    x, target = learning.kernel_pairs()
    k = learning.HIDDEN_KERNEL
    c = (learning.weight_loss(x, target, k, (1, 2), 1.0)[1]
         - learning.weight_loss(x, target, k, (1, 2), 0.0)[1])
    for lr in (0.05, 0.4, 1.1):
        ws, losses = learning.descend_weight(x, target, k, (1, 2), -1.0, lr, steps=6)
        expected = 2 + (-1 - 2) * (1 - lr * c) ** np.arange(7)
        np.testing.assert_allclose(ws, expected, atol=1e-9)
        assert np.all(np.diff(losses) > 0) == (lr > 2 / c)


def test_fit_kernel_matches_a_gradient_tape_loop(tf):
    x, target = learning.kernel_pairs()
    run = learning.fit_kernel(x, target, lr=0.1, steps=5, init="random large", seed=3)
    k = tf.Variable(learning.init_kernel("random large", seed=3)[:, :, None, None])
    for step in range(6):
        with tf.GradientTape() as tape:
            out = tf.nn.conv2d(x[None, :, :, None], k, 1, "VALID")[0, :, :, 0]
            loss = tf.reduce_mean((out - target) ** 2)
        np.testing.assert_allclose(run["kernels"][step], k.numpy()[:, :, 0, 0], atol=1e-10)
        assert run["losses"][step] == pytest.approx(float(loss), rel=1e-10)
        k.assign_sub(0.1 * tape.gradient(loss, k))
    assert run["diverged"] is None


def test_fit_kernel_recovers_sobel_and_diverges_when_it_should():
    x, target = learning.kernel_pairs()
    good = learning.fit_kernel(x, target, lr=0.14, steps=500, init="zeros")
    assert np.abs(good["kernels"][-1] - learning.HIDDEN_KERNEL).max() < 0.01
    bad = learning.fit_kernel(x, target, lr=0.2, steps=500)
    d = bad["diverged"]
    assert d is not None and 0 < d < 100
    assert np.isnan(bad["losses"][d:]).all() and np.isfinite(bad["losses"][:d]).all()
    assert bad["losses"][d - 1] > bad["losses"][0]


def test_kernel_curvatures_are_the_hessian_of_tf_and_set_the_divergence_limit(tf):
    x, target = learning.kernel_pairs()
    k = tf.Variable(np.zeros((3, 3, 1, 1)))
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            out = tf.nn.conv2d(x[None, :, :, None], k, 1, "VALID")[0, :, :, 0]
            loss = tf.reduce_mean((out - target) ** 2)
        grad = tf.reshape(inner.gradient(loss, k), [9])
    hessian = tf.reshape(outer.jacobian(grad, k), [9, 9]).numpy()
    curv = learning.kernel_curvatures(x)
    np.testing.assert_allclose(curv, np.linalg.eigvalsh(hessian), rtol=1e-9)
    assert np.all(np.diff(curv) >= 0) and curv[0] > 0
    # Either side of 2 / the largest curvature: converges just below, diverges just above.
    limit = 2 / curv[-1]
    assert learning.fit_kernel(x, target, lr=0.98 * limit, steps=500)["diverged"] is None
    assert learning.fit_kernel(x, target, lr=1.02 * limit, steps=2000)["diverged"] is not None
    with pytest.raises(ValueError, match="shape"):
        learning.kernel_curvatures(x, shape=(40, 3))
    with pytest.raises(ValueError, match="x must be"):
        learning.kernel_curvatures(x[None])


def test_learning_bad_input_is_a_value_error():
    x, target = learning.kernel_pairs()
    with pytest.raises(ValueError, match="lr"):
        learning.fit_kernel(x, target, lr=0)
    with pytest.raises(ValueError, match="init"):
        learning.fit_kernel(x, target, init="ones")
    with pytest.raises(ValueError, match="target"):
        learning.fit_kernel(x, target[:-1])
    with pytest.raises(ValueError, match="steps"):
        learning.descend_weight(x, target, learning.HIDDEN_KERNEL, (1, 2), 0, 0.1, steps=-1)
    with pytest.raises(ValueError, match="tap"):
        learning.weight_loss(x, target, learning.HIDDEN_KERNEL, (3, 0), 0)
    with pytest.raises(ValueError, match="crop"):
        learning.photo_crop(size=500)


# --------------------------------------------------------------------------------------------
# Explorers
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["loss_landscape_explorer", "kernel_learning_explorer"])
def test_sweep(name):
    explorer = getattr(widgets, name)()
    assert "cnn-explorer" in explorer._dom_classes
    counts = sweep(explorer, n_random=15)
    assert counts["ok"] >= 10
    assert counts["message"] == 0   # every setting draws, divergence included


def test_landscape_explorer_state():
    e = widgets.loss_landscape_explorer()
    assert e.state["slope"] < 0 and "right" in e.info.value     # at w = -1 downhill is right
    e.controls["weight"].value = 5.0
    assert e.state["slope"] > 0 and "left" in e.info.value
    e.controls["lr"].value = 0.4
    assert abs(e.state["path_ws"][-1] - 2) < 1e-3 and not e.state["diverged"]
    e.controls["lr"].value = 1.1
    assert e.state["diverged"] and "too big" in e.info.value
    e.controls["weight"].value = 2.0
    assert e.state["slope"] == 0 and "bottom" in e.info.value


def test_kernel_explorer_caches_runs_and_reports_divergence():
    e = widgets.kernel_learning_explorer(lr=0.1, steps=200, init="random small")
    x, target = learning.kernel_pairs()
    ref = learning.fit_kernel(x, target, 0.1, 200, "random small")
    np.testing.assert_allclose(e.state["kernel"], ref["kernels"][-1])
    misses = wlearning._trajectory.cache_info().misses
    e.controls["steps"].value = 500
    e.controls["steps"].value = 0
    assert wlearning._trajectory.cache_info().misses == misses   # the steps slider only picks
    np.testing.assert_allclose(e.state["kernel"], learning.init_kernel("random small"))
    e.controls["lr"].value = 0.2
    e.controls["steps"].value = 500
    assert e.last_error is None and "diverged" in e.info.value
    assert np.isnan(e.state["loss"])
    e.controls["lr"].value = 0.14
    assert e.state["error"] < 0.01 and "diverged" not in e.info.value
    e.controls["init"].value = "random large"                      # the same bottom
    assert e.state["error"] < 0.01
    e.controls["lr"].value = 0.003                                 # crawls: 500 steps too few
    assert e.state["error"] > 0.1 and e.state["loss"] < e.state["losses"][0]


# --------------------------------------------------------------------------------------------
# Plots and checkers
# --------------------------------------------------------------------------------------------
def test_plots_draw():
    ws = np.linspace(-1, 3, 9)
    ax = plots.plot_loss_landscape(ws, (ws - 1) ** 2, 0.0, 1.0, -2.0,
                                   path=([0, 5, -9], [1, 16, 100]), best=1.0)
    assert ax.get_ylim()[1] < 16 and -1.2 < ax.get_xlim()[0] < -1   # the curve sets the frame
    off = [c for c in ax.collections if c.get_label() == "step off the picture"]
    assert len(off) == 1 and len(off[0].get_offsets()) == 2           # 16 too high, -9 too far
    axes = plots.plot_backward({"a": np.eye(2), "b": -np.eye(2)}, highlight={"a": (0, 0, 1, 1)})
    assert len(axes) == 2 and axes[1].images[0].get_cmap().name == "RdBu_r"
    assert len(axes[0].texts) == 4
    axes = plots.plot_backward({"a": np.eye(3)}, numbers=False)
    assert len(axes[0].texts) == 0
    axes = plots.plot_kernel_fit(np.full((3, 3), np.nan), np.eye(3), [3.0, 5.0, np.nan], 2,
                                 diverged=2)
    assert "diverged" in axes[0].texts[0].get_text()
    ax = plots.plot_loss_curves({"a": [2, 1, 0.5, 0.4], "b": [2, 1]}, steps_per_epoch=2)
    assert len(ax.lines) == 2 + 2   # two runs, two epoch lines


def test_checkers_right_wrong_and_unanswered(capsys):
    x = np.array([[1, 0, 2, 1], [0, 1, 1, 0], [2, 1, 0, 1], [1, 0, 1, 2]])
    g = np.array([[1, 0], [0, -1]])
    # By hand: dk[a, b] = x[a, b] - x[a+1, b+1].
    by_hand = [[1 - 1, 0 - 1, 2 - 0], [0 - 1, 1 - 0, 1 - 1], [2 - 0, 1 - 1, 0 - 2]]
    assert checks.check_kernel_grad(by_hand, x, g)
    assert not checks.check_kernel_grad(np.array(by_hand) * -1, x, g)
    assert not checks.check_kernel_grad([[1, 2]], x, g)
    assert not checks.check_kernel_grad("abc", x, g)
    assert checks.check_kernel_grad(None, x, g).state == "pending"
    # k = [[1, 2], [3, 4]] over windows (0,0) and (1,1): by hand.
    dx = [[1, 2, 0], [3, 4 + 1, 2], [0, 3, 4]]
    assert checks.check_input_grad(dx, [[1, 2], [3, 4]], [[1, 0], [0, 1]])
    assert not checks.check_input_grad([[1, 2, 0], [3, 4, 2], [0, 3, 4]], [[1, 2], [3, 4]],
                                       [[1, 0], [0, 1]])
    assert checks.check_input_grad(None, [[1]], [[1]]).state == "pending"

    def mine(x, grad_out, size):
        dx = np.zeros_like(x, dtype=float)
        for i in range(grad_out.shape[0]):
            for j in range(grad_out.shape[1]):
                window = x[i * size:(i + 1) * size, j * size:(j + 1) * size]
                r, c = np.unravel_index(np.argmax(window), window.shape)
                dx[i * size + r, j * size + c] += grad_out[i, j]
        return dx

    def last_max(x, grad_out, size):   # the wrong tie rule
        return mine(x[::-1, ::-1], grad_out[::-1, ::-1], size)[::-1, ::-1] if (
            x.shape[0] % size == 0 and x.shape[1] % size == 0) else mine(x, grad_out, size) * 0

    def crash(x, grad_out, size):
        raise IndexError("oops")

    assert checks.check_max_pool_grad(mine)
    assert not checks.check_max_pool_grad(last_max)
    assert not checks.check_max_pool_grad(crash)
    assert checks.check_max_pool_grad(None).state == "pending"
    assert checks.check_max_pool_grad(lambda x, g, s: None).state == "pending"
    out = capsys.readouterr().out
    assert "✅" in out and "❌" in out and "✏️" in out and "Traceback" not in out
    # the learner's max_pool_grad against TensorFlow-checked ops, once more on one map
    x = np.array([[1.0, 1], [0, 1]])
    assert mine(x, np.array([[5.0]]), 2).tolist() == ops.pool2d_grad(x, [[5.0]], 2).tolist()
