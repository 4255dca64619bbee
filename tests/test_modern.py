"""cnnlib.modern (notebook 09): weight counts against ``architectures`` and against counts worked
by hand, the residual block against x + F(x) computed with TensorFlow's own convolution, the
shortcut's effect on the gradient, freezing that really freezes, and the transfer helpers."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlib import architectures, modern, plots

tf = pytest.importorskip("tensorflow")


def _counts(model):
    return [layer.count_params() for layer in model.layers if layer.count_params()]


# ---------------------------------------------------------------------------------------------
# Weight counts
# ---------------------------------------------------------------------------------------------
def test_lenet5_counts_match_the_spec_and_the_hand_count():
    model = modern.lenet5()
    # by hand: C1 5*5*1*6 + 6; C3 5*5*6*16 + 16; C5 5*5*16*120 + 120; F6 120*84 + 84; 84*10 + 10
    hand = [156, 2_416, 48_120, 10_164, 850]
    spec = [r["params"] for r in architectures.summarize(architectures.lenet5_spec())
            if r["params"]]
    assert _counts(model) == spec == hand
    assert model.count_params() == architectures.total_params("LeNet-5") == 61_706
    # the layers' output sides: 32 -> 28 -> 14 -> 10 -> 5 -> 1
    sides = [model.get_layer(n).output.shape[1] for n in ("pad_to_32", "C1", "S2", "C3", "S4",
                                                          "C5")]
    assert sides == [32, 28, 14, 10, 5, 1]


def test_small_resnet_counts_match_the_spec_and_the_hand_count():
    model = modern.small_resnet()
    spec = architectures.digits_resnet_spec()
    learned = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    # by hand, widths 8, 16, 32; no conv bias; BN learns 2 per channel (and keeps 2 statistics)
    stem = 3 * 3 * 1 * 8 + 2 * 8
    res1 = 2 * (3 * 3 * 8 * 8) + 2 * 2 * 8
    res2 = 3 * 3 * 8 * 16 + 3 * 3 * 16 * 16 + 8 * 16 + 3 * 2 * 16    # 1x1 projection + its BN
    res3 = 3 * 3 * 16 * 32 + 3 * 3 * 32 * 32 + 16 * 32 + 3 * 2 * 32
    dense = 32 * 10 + 10
    hand = stem + res1 + res2 + res3 + dense
    stats = 2 * (8 + 2 * 8 + 3 * 16 + 3 * 32)
    assert learned == architectures.total_params(spec) == hand == 19_810
    assert model.count_params() == architectures.total_params(spec, bn_stats=True) == hand + stats
    rows = {r["name"]: r for r in architectures.summarize(spec)}
    assert [rows[f"res{i}"]["output"] for i in (1, 2, 3)] == [(28, 28, 8), (14, 14, 16),
                                                              (7, 7, 32)]
    assert tuple(model.get_layer("res3_out").output.shape[1:]) == (7, 7, 32)


def test_digits_resnet_spec_refuses_bad_widths():
    with pytest.raises(ValueError, match="widths"):
        architectures.digits_resnet_spec(())
    with pytest.raises(ValueError, match="filters"):
        architectures.summarize(architectures.digits_resnet_spec((8, 0)))


def test_plain_and_residual_stacks_differ_only_by_the_shortcut():
    plain, residual = (modern.deep_stack(12, residual=r, width=4) for r in (False, True))
    assert plain.count_params() == residual.count_params()
    kinds = [[type(la).__name__ for la in m.layers] for m in (plain, residual)]
    assert kinds[0].count("Conv2D") == kinds[1].count("Conv2D") == 13
    assert kinds[0].count("Add") == 0 and kinds[1].count("Add") == 6
    with pytest.raises(ValueError, match="depth"):
        modern.deep_stack(11)


def test_vgg_block_counts():
    import keras

    inputs = keras.Input((8, 8, 3))
    model = keras.Model(inputs, modern.vgg_block(inputs, 5, n_convs=3))
    assert model.count_params() == (27 * 5 + 5) + 2 * (45 * 5 + 5)
    assert tuple(model.output.shape[1:]) == (4, 4, 5)


# ---------------------------------------------------------------------------------------------
# The residual block: out = ReLU(x + F(x)), F worked with tf.nn.conv2d
# ---------------------------------------------------------------------------------------------
def test_residual_block_is_input_plus_branch():
    import keras

    rng = np.random.default_rng(1)
    inputs = keras.Input((6, 6, 3))
    model = keras.Model(inputs, modern.residual_block(inputs, 3, name="r", bn=False))
    k1, b1 = rng.normal(size=(3, 3, 3, 3)), rng.normal(size=3)
    k2, b2 = rng.normal(size=(3, 3, 3, 3)), rng.normal(size=3)
    model.get_layer("r_conv1").set_weights([k1, b1])
    model.get_layer("r_conv2").set_weights([k2, b2])
    x = rng.normal(size=(2, 6, 6, 3)).astype(np.float32)

    def conv(v, k, b):
        return tf.nn.conv2d(v, k.astype(np.float32), 1, "SAME").numpy() + b.astype(np.float32)

    branch = conv(np.maximum(conv(x, k1, b1), 0), k2, b2)
    assert np.allclose(model(x).numpy(), np.maximum(x + branch, 0), atol=1e-4)


def test_residual_block_projects_when_the_shape_changes():
    import keras

    inputs = keras.Input((8, 8, 4))
    model = keras.Model(inputs, modern.residual_block(inputs, 6, stride=2, name="p"))
    assert tuple(model.output.shape[1:]) == (4, 4, 6)
    proj = model.get_layer("p_proj")
    assert proj.kernel.shape == (1, 1, 4, 6) and proj.strides == (2, 2)
    with pytest.raises(ValueError, match="stride"):
        modern.residual_block(inputs, 6, stride=3)


def test_the_shortcut_carries_the_gradient_down():
    rng = np.random.default_rng(0)
    x = rng.random((32, 28, 28, 1)).astype(np.float32)
    y = rng.integers(0, 10, 32)
    plain = modern.first_layer_grad_norm(modern.deep_stack(12, width=8, seed=0), x, y)
    residual = modern.first_layer_grad_norm(
        modern.deep_stack(12, residual=True, width=8, seed=0), x, y)
    assert residual > 100 * plain > 0


# ---------------------------------------------------------------------------------------------
# Training by steps, freezing, transfer helpers
# ---------------------------------------------------------------------------------------------
def _digits(n=40, classes=5, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 28, 28, 1)).astype(np.float32), np.arange(n) % classes


def test_fit_steps_runs_exactly_the_steps_and_records():
    x, y = _digits()
    model = modern.with_head(modern.digit_base(widths=(2, 2)), 5)

    class Bar:
        n = 0

        def update(self, k):
            self.n += k

    bar = Bar()
    curve = modern.fit_steps(model, x, y, steps=6, batch_size=64, bar=bar, record_every=3,
                             validation=(x, y))
    assert int(model.optimizer.iterations) == 6 and bar.n == 6
    assert [step for step, _ in curve] == [3, 6] and all(0 <= a <= 1 for _, a in curve)
    with pytest.raises(ValueError, match="multiple"):
        modern.fit_steps(model, x, y, steps=5, record_every=3, validation=(x, y))
    with pytest.raises(ValueError, match="steps"):
        modern.fit_steps(model, x, y, steps=0)


def test_freezing_really_freezes():
    x, y = _digits()
    base = modern.digit_base(widths=(2, 3))
    modern.fit_steps(modern.with_head(base, 5, name="first"), x, y, steps=3)  # BN stats move
    frozen = modern.freeze(modern.copy_model(base))
    assert all(np.array_equal(a, b) for a, b in zip(frozen.get_weights(), base.get_weights()))
    model = modern.with_head(frozen, 5, name="second")
    before = [w.copy() for w in frozen.get_weights()]
    head_before = model.get_layer("second").get_weights()[0].copy()
    modern.fit_steps(model, x, y, steps=5, learning_rate=1e-2)
    assert all(np.array_equal(a, b) for a, b in zip(before, frozen.get_weights()))
    assert not np.array_equal(head_before, model.get_layer("second").get_weights()[0])
    assert modern.n_trainable(model) == 7 * 7 * 3 * 5 + 5
    # unfrozen, the base learns again
    modern.freeze(frozen, False)
    modern.fit_steps(model, x, y, steps=2, learning_rate=1e-2)
    assert not all(np.array_equal(a, b) for a, b in zip(before, frozen.get_weights()))


def test_few_shot_and_relabel():
    y = np.repeat(np.arange(10), 7)
    idx = modern.few_shot(y, 3, [5, 6, 7, 8, 9], seed=0)
    assert sorted(np.bincount(y[idx], minlength=10).tolist()) == [0] * 5 + [3] * 5
    assert set(y[idx]) == {5, 6, 7, 8, 9} and len(set(idx)) == 15
    assert np.array_equal(idx, modern.few_shot(y, 3, [5, 6, 7, 8, 9], seed=0))
    with pytest.raises(ValueError, match="k must be in"):
        modern.few_shot(y, 8, [5])
    assert modern.relabel(np.array([5, 9, 7]), [5, 6, 7, 8, 9]).tolist() == [0, 4, 2]
    with pytest.raises(ValueError, match="classes"):
        modern.relabel(np.array([1]), [5, 6])


def test_plots_check_their_input():
    with pytest.raises(ValueError, match="one accuracy per k"):
        plots.plot_transfer_curve([1, 5], {"a": [0.5]})
    ax = plots.plot_transfer_curve([1, 5], {"a": [0.5, 0.7], "b": [0.2, 0.9]}, chance=0.2)
    assert len(ax.lines) == 3 and ax.get_xscale() == "log"
    ax = plots.plot_grad_norms({"plain": 1e-4, "residual": 0.2})
    assert ax.get_xscale() == "log" and len(ax.patches) == 2
