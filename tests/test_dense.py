"""Notebook 05: flatten, dense, softmax, counting connections, the tiny CNN and its explorers.

References are independent of the code under test: hand-worked numbers, formulas written out
here, numpy one-liners, and Keras / TensorFlow (the tiny CNN's forward pass and a gradient step).
"""

from __future__ import annotations

import re

import matplotlib
import numpy as np
import pytest

from cnnlib import ops, plots, tinycnn, widgets
from cnnlib.core.digits import stratified_split
from tests.explorer_checks import sweep

matplotlib.use("Agg")


# ---------------------------------------------------------------------------------------------
# ops: flatten, dense, naive softmax, local connection counts
# ---------------------------------------------------------------------------------------------
def test_flatten_is_row_by_row_channels_last():
    x = np.array([[0, 1, 0], [2, 3, 1], [0, 1, 2]])
    assert ops.flatten(x).tolist() == [0, 1, 0, 2, 3, 1, 0, 1, 2]
    maps = np.arange(2 * 2 * 3).reshape(2, 2, 3)  # (row, col, channel)
    # pixel (0, 0) channels 0-2, then pixel (0, 1), ...
    assert ops.flatten(maps)[:6].tolist() == [0, 1, 2, 3, 4, 5]
    assert ops.flatten(np.zeros((5, 13, 13, 4)), keep_batch=True).shape == (5, 676)
    with pytest.raises(ValueError, match="keep_batch"):
        ops.flatten(np.zeros(3), keep_batch=True)


def test_dense_matches_a_hand_loop():
    rng = np.random.default_rng(1)
    x, w, b = rng.normal(size=9), rng.normal(size=(9, 3)), rng.normal(size=3)
    expected = [sum(x[i] * w[i, j] for i in range(9)) + b[j] for j in range(3)]
    np.testing.assert_allclose(ops.dense(x, w, b), expected)
    batch = rng.normal(size=(4, 9))
    np.testing.assert_allclose(ops.dense(batch, w, b)[2], ops.dense(batch[2], w, b))
    np.testing.assert_allclose(ops.dense(x, w), x @ w)


@pytest.mark.parametrize("args, word", [
    ((np.zeros(8), np.zeros((9, 3))), "n_in = 9"),
    ((np.zeros(9), np.zeros(9)), "w must be"),
    ((np.zeros((2, 3, 3)), np.zeros((9, 3))), "flatten"),
    ((np.zeros(9), np.zeros((9, 3)), np.zeros(2)), "b must"),
])
def test_dense_rejects_bad_shapes(args, word):
    with pytest.raises(ValueError, match=word):
        ops.dense(*args)


def test_naive_softmax_overflows_where_the_stable_one_does_not():
    z = np.array([2.0, 1.0, 0.1])
    np.testing.assert_allclose(ops.softmax_naive(z), np.exp(z) / np.exp(z).sum())
    big = np.array([1e4, 1e4 - 1, 0.0])
    assert np.isnan(ops.softmax_naive(big)).any()
    # exp(z - max) by hand: the two top logits differ by 1
    e = np.array([1.0, np.exp(-1.0), 0.0])
    np.testing.assert_allclose(ops.softmax(big), e / e.sum())
    assert np.isnan(ops.softmax_naive([-1e4, -1e4])).all()       # 0 / 0
    np.testing.assert_allclose(ops.softmax([-1e4, -1e4]), [0.5, 0.5])


def test_article_counts_full_local_shared():
    # article 002: a 1000x1000 image, 10^6 hidden neurons, 10x10 windows
    pixels = 1000 * 1000
    assert ops.dense_param_count(pixels, pixels, bias=False) == 10**12
    assert ops.local_param_count(1000, 1000, 10, 10, bias=False) == 10**8
    assert ops.conv_param_count(10, 10, 1, 1, bias=False) == 100
    # 4 channels -> 2 channels with 2x2 kernels: 4*2*2*2 weights
    assert ops.conv_param_count(2, 2, 4, 2, bias=False) == 32
    # with biases: every output position has its own bias in a locally connected layer
    assert ops.local_param_count(3, 3, 2, 2, 1, 1) == 9 * (4 + 1)
    with pytest.raises(ValueError, match="kh"):
        ops.local_param_count(10, 10, 0, 3)


# ---------------------------------------------------------------------------------------------
# tinycnn: shapes, shift, the split, training, and the forward pass against Keras
# ---------------------------------------------------------------------------------------------
def test_shift_moves_and_fills_with_zero():
    x = np.arange(1, 10).reshape(3, 3)
    assert tinycnn.shift(x, 1, 0).tolist() == [[0, 1, 2], [0, 4, 5], [0, 7, 8]]
    assert tinycnn.shift(x, 0, -1).tolist() == [[4, 5, 6], [7, 8, 9], [0, 0, 0]]
    assert tinycnn.shift(x, -2, 2).tolist() == [[0, 0, 0], [0, 0, 0], [3, 0, 0]]
    with pytest.raises(ValueError, match="shift"):
        tinycnn.shift(x, 3, 0)


def test_the_tiny_cnns_digits_split_with_the_one_stratified_splitter():
    _, y = tinycnn.digits()
    tr, te = stratified_split(y, test_size=1000, seed=0)
    assert len(tr) == 4000 and len(te) == 1000 and not set(tr) & set(te)
    assert np.bincount(y[te]).tolist() == [100] * 10  # the subset holds 500 of each digit
    assert np.array_equal(te, stratified_split(y, test_size=1000, seed=0)[1])
    assert not np.array_equal(te, stratified_split(y, test_size=1000, seed=1)[1])
    with pytest.raises(ValueError, match="test_size"):
        stratified_split(y[:10], test_size=10)


def test_stack_table_of_the_articles_keras_model():
    # article 003: Conv2D(32, 3x3) -> MaxPool 2 -> Flatten -> Dense(100) -> Dense(10)
    rows = tinycnn.stack_table((28, 28, 1), [("conv", 32, 3), ("pool", 2), ("flatten",),
                                              ("dense", 100), ("dense", 10)])
    assert [r["shape"] for r in rows] == [(26, 26, 32), (13, 13, 32), (5408,), (100,), (10,)]
    # by hand: 3*3*1*32 + 32; 5408*100 + 100; 100*10 + 10
    assert [r["params"] for r in rows] == [320, 0, 0, 540_900, 1_010]
    with pytest.raises(ValueError, match="flatten"):
        tinycnn.stack_table((28, 28, 1), [("dense", 10)])


def test_train_dense_first_step_matches_tensorflow_gradient(tf):
    rng = np.random.default_rng(0)
    F = rng.random((50, 12)).astype(np.float32)
    labels = rng.integers(0, 4, size=50)
    W1, b1, losses = tinycnn.train_dense(F, labels, steps=1, lr=0.3, n_classes=4)
    W = tf.Variable(tf.zeros((12, 4)))
    b = tf.Variable(tf.zeros(4))
    with tf.GradientTape() as tape:
        logits = tf.matmul(F, W) + b
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits))
    gW, gb = tape.gradient(loss, [W, b])
    np.testing.assert_allclose(W1, -0.3 * gW.numpy(), atol=1e-6)
    np.testing.assert_allclose(b1, -0.3 * gb.numpy(), atol=1e-6)
    assert losses[0] == pytest.approx(np.log(4), rel=1e-5)  # uniform guess over 4 classes
    assert losses[1] < losses[0]


@pytest.fixture(scope="module")
def net():
    return tinycnn.pretrained()


def test_pretrained_network_learns(net):
    assert net.losses[-1] < 0.5 * net.losses[0]
    # 10 classes: chance is 0.1; fixed edge kernels + a trained dense layer do far better
    assert net.test_accuracy > 0.85
    assert net.shapes()["flat"] == (676,) and net.weights.shape == (676, 10)


def _keras_tiny_cnn(tf, net):
    import keras

    inputs = keras.Input(shape=(28, 28, 1))
    conv = keras.layers.Conv2D(4, 3, activation="relu", name="conv")(inputs)
    pool = keras.layers.MaxPooling2D(net.pool, name="pool")(conv)
    flat = keras.layers.Flatten(name="flat")(pool)
    probs = keras.layers.Dense(10, activation="softmax", name="dense")(flat)
    model = keras.Model(inputs, [conv, pool, flat, probs])
    model.get_layer("conv").set_weights([net.kernel, net.conv_bias])
    model.get_layer("dense").set_weights([net.weights, net.bias])
    return model


def test_forward_pass_matches_keras_with_the_same_weights(tf, net):
    X, y = tinycnn.digits()
    _, test_idx = stratified_split(y, test_size=1000)
    batch = X[test_idx[:16]]
    ours = tinycnn.forward(batch, net)
    conv, pool, flat, probs = _keras_tiny_cnn(tf, net).predict(batch[..., None], verbose=0)
    np.testing.assert_allclose(ours["relu"], conv, atol=1e-5)
    np.testing.assert_allclose(ours["pool"], pool, atol=1e-5)
    np.testing.assert_allclose(ours["flat"], flat, atol=1e-5)
    np.testing.assert_allclose(ours["probs"], probs, atol=1e-5)
    one = tinycnn.forward(batch[3], net)  # a single digit: no batch axis
    assert one["probs"].shape == (10,) and one["pool"].shape == (13, 13, 4)
    np.testing.assert_allclose(one["probs"], probs[3], atol=1e-5)


def test_forward_accepts_uint8_and_rejects_bad_shapes(net):
    X, _ = tinycnn.digits()
    as_uint8 = np.round(X[0] * 255).astype(np.uint8)
    np.testing.assert_allclose(tinycnn.forward(as_uint8, net)["probs"],
                               tinycnn.forward(X[0], net)["probs"], atol=1e-5)
    with pytest.raises(ValueError, match="expects 676"):
        tinycnn.forward(np.zeros((20, 20)), net)
    with pytest.raises(ValueError, match="x must be"):
        tinycnn.forward(np.zeros(28), net)


# ---------------------------------------------------------------------------------------------
# Explorers
# ---------------------------------------------------------------------------------------------
def _info_number(info: str) -> float:
    return float(re.search(r"<b>([-0-9.e+]+)</b>", info).group(1))


def test_softmax_explorer_sweep_and_numbers():
    e = widgets.softmax_explorer()
    # every control through its values, then random combinations; each of the 15 controls set
    # in a combination is one redraw, so fewer combinations keep this test under a minute
    counts = sweep(e, n_random=8)
    assert counts["ok"] > 20
    c = e.controls
    c["classes"].value = 5
    for i, v in enumerate([3.0, -1.0, 0.5, 2.0, 0.0]):
        c[f"z{i}"].value = v
    c["temperature"].value = 2.0
    c["label"].value = 3
    z = np.array([3.0, -1.0, 0.5, 2.0, 0.0])
    p = np.exp(z / 2.0) / np.exp(z / 2.0).sum()  # independent softmax
    np.testing.assert_allclose(e.state["probs"], p, rtol=1e-9)
    assert e.state["cross_entropy"] == pytest.approx(-np.log(p[3]))
    assert _info_number(e.info.value) == pytest.approx(-np.log(p[3]), abs=1e-4)
    assert c["z7"].layout.display == "none" and c["z4"].layout.display is None
    png = e.image.value
    c["temperature"].value = 0.5
    assert e.image.value != png
    p = np.exp(z / 0.5) / np.exp(z / 0.5).sum()
    np.testing.assert_allclose(e.state["probs"], p, rtol=1e-9)


def test_softmax_explorer_large_logits_and_labels_out_of_range():
    e = widgets.softmax_explorer()
    c = e.controls
    c["z0"].value = 1e4
    assert np.all(np.isfinite(e.state["probs"])) and e.state["probs"][0] == pytest.approx(1.0)
    c["stable"].value = False
    assert np.isnan(e.state["probs"]).any() and "overflows" in e.info.value
    assert e.message.value == ""  # drawn, and explained in the info line
    c["stable"].value = True
    c["z0"].value = 2.0
    c["label"].value = 7  # only 4 classes
    assert e.state["cross_entropy"] is None and "not one of the 4 classes" in e.info.value
    c["classes"].value = 8
    assert e.state["cross_entropy"] == pytest.approx(-np.log(e.state["probs"][7]))


def test_connections_explorer_counts_and_message():
    e = widgets.connections_explorer()
    counts = sweep(e)
    assert counts["ok"] > 10 and counts["message"] >= 1  # windows larger than small images
    assert (e.state["full"], e.state["local"], e.state["shared"]) == (10**12, 10**8, 100)
    c = e.controls
    c["size"].value, c["window"].value, c["channels"].value, c["filters"].value = 100, 5, 3, 8
    n_in, n_out = 100 * 100 * 3, 100 * 100 * 8
    assert e.state["full"] == n_in * n_out
    assert e.state["local"] == n_out * 5 * 5 * 3
    assert e.state["shared"] == 5 * 5 * 3 * 8
    assert f"{5 * 5 * 3 * 8:,}" in e.info.value
    c["size"].value, c["window"].value = 20, 31
    assert "window 31 is larger than the image 20" in e.message.value


def test_forward_pass_explorer(net):
    e = widgets.forward_pass_explorer(net)
    counts = sweep(e, n_random=15)
    assert counts["ok"] > 20 and counts["message"] == 0
    X, y = tinycnn.digits()
    c = e.controls
    c["digit"].value, c["example"].value, c["dx"].value = 3, 2, 0
    index = e.state["index"]
    assert y[index] == 3
    _, test_idx = stratified_split(y, test_size=1000)
    assert index in set(test_idx)
    expected = tinycnn.forward(X[index], net)["probs"]
    np.testing.assert_allclose(e.state["stages"]["probs"], expected)
    png = e.image.value
    c["dx"].value = 4
    shifted = np.zeros_like(X[index])
    shifted[:, 4:] = X[index][:, :-4]
    np.testing.assert_allclose(e.state["stages"]["input"], shifted)
    assert e.image.value != png
    png = e.image.value
    c["maps"].value = "conv"
    assert e.image.value != png and e.state["stages"]["conv"].min() < 0
    assert f"predicts <b>{e.state['prediction']}</b>" in e.info.value


def test_every_dense_explorer_builds_with_no_arguments():
    for name in ("softmax_explorer", "connections_explorer", "forward_pass_explorer"):
        e = getattr(widgets, name)()
        assert e.last_error is None and e.image.value[:4] == b"\x89PNG"


# ---------------------------------------------------------------------------------------------
# Plots (Agg): they draw what they say
# ---------------------------------------------------------------------------------------------
def test_plot_flatten_and_dense_product():

    x = np.array([[0, 1, 0], [2, 3, 1], [0, 1, 2]], float)
    fig = plots.plot_flatten(x, ops.flatten(x))
    top, bottom = fig.axes
    assert len(top.images) == 1 and len(bottom.images) == 1
    assert [t.get_text() for t in bottom.texts] == ["0", "1", "0", "2", "3", "1", "0", "1", "2"]
    w = np.arange(27, dtype=float).reshape(9, 3) % 5 - 2
    b = np.array([1.0, 0.0, -1.0])
    y = ops.dense(ops.flatten(x), w, b)
    fig2 = plots.plot_dense_product(ops.flatten(x), w, b, y, highlight=1)
    assert len(fig2.axes) == 4
    assert "y" in fig2.axes[3].get_title()
    # the last panel writes b and y: y's numbers must appear as text
    texts = [t.get_text() for t in fig2.axes[3].texts]
    assert texts[3:] == [f"{v:g}" if float(v).is_integer() else f"{v:.2f}" for v in y]


def test_plot_softmax_updates_in_place():
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2)
    plots.plot_softmax([2, 1, 0.1], ops.softmax([2, 1, 0.1]), label=1, axes=axes)
    assert len(axes[1].patches) == 3
    assert [t.get_text() for t in axes[1].texts] == ["0.66", "0.24", "0.10"]
    plots.plot_softmax([1e4, 0, 0], ops.softmax_naive([1e4, 0, 0]), axes=axes)
    assert len(axes[1].patches) == 3 and axes[1].texts[0].get_text() == "nan"
    plots.plot_softmax([0, 0, 0, 0, 0], ops.softmax(np.zeros(5)), axes=axes)
    assert len(axes[1].patches) == 5


def test_plot_connections_draws_one_line_per_weight():

    fig = plots.plot_connections(8, 3)
    full, local, shared = (len(ax.lines) for ax in fig.axes)
    assert full == ops.dense_param_count(8, 6, bias=False)          # 8 inputs x 6 outputs
    assert local == ops.local_param_count(1, 6, 1, 3, bias=False)   # 6 outputs x 3 inputs
    assert shared == local
    colors = {ln.get_color() for ln in fig.axes[2].lines}
    assert len(colors) == 3                                         # 3 shared weights
    with pytest.raises(ValueError, match="kernel"):
        plots.plot_connections(4, 5)


def test_plot_param_counts_layer_stack_and_loss():

    ax = plots.plot_param_counts({"full": 10**12, "local": 10**8, "shared": 100})
    assert ax.get_yscale() == "log" and len(ax.patches) == 3
    assert "1,000,000,000,000" in ax.texts[0].get_text()
    rows = tinycnn.stack_table((28, 28, 1), [("conv", 8, 3), ("pool", 2), ("flatten",),
                                              ("dense", 10)])
    ax2 = plots.plot_layer_stack(rows, (28, 28, 1))
    assert len(ax2.patches) == 5 and "13,610" in ax2.get_title()  # 80 + (13*13*8*10 + 10)
    ax3 = plots.plot_training_loss([2.3, 1.0, 0.5])
    assert len(ax3.lines) >= 1 and ax3.get_xlabel() == "gradient step"
    with pytest.raises(ValueError, match="log scale"):
        plots.plot_param_counts({"none": 0})


def test_plot_weights_activations_and_forward_pass(net):

    fig = plots.plot_weight_templates(net.weights, (13, 13, 4), tinycnn.CHANNEL_NAMES)
    assert sum(len(ax.images) for ax in fig.axes) == 40
    ax = plots.plot_weight_matrix(net.weights, group=52)
    assert ax.images[0].get_array().shape == (10, 676)
    z = np.linspace(-5, 5, 11)
    probs = ops.softmax(np.stack([z, np.ones_like(z), np.zeros_like(z)], axis=1))
    fig2 = plots.plot_activations(z, ops.relu(z), ops.sigmoid(z), z, probs)
    assert len(fig2.axes) == 3 and len(fig2.axes[2].lines) == 3
    X, y = tinycnn.digits()
    stages = tinycnn.forward(X[0], net)
    fig3 = plots.plot_forward_pass(stages, label=int(y[0]), channel_names=tinycnn.CHANNEL_NAMES)
    n_images = sum(len(a.images) for a in fig3.axes)
    assert n_images == 1 + 4 + 4 + 1
    pred = int(np.argmax(stages["probs"]))
    assert f"predicts {pred}" in fig3.axes[-1].get_title()
    plots.plot_forward_pass(tinycnn.forward(X[1], net), fig=fig3, maps="conv")
    assert sum(len(a.images) for a in fig3.axes) == n_images  # updated, not redrawn
