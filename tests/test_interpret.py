"""cnnlib.tf.interpret does what it claims, on small models built here (most with weights set by
hand, so the right answer is known), plus the plots and explorers of notebook 08.

References are independent of the code under test: Keras sub-models read the layers' outputs,
``cnnlib.core.ops`` gives sizes and convolutions, numpy finds the pattern in an image.
"""

from __future__ import annotations

import numpy as np
import pytest

from cnnlib import interpret, ops
from cnnlib.tf.interpret import _base as interpret_base  # the per-model cache and default model
from cnnlib.widgets.tf import interpret as keras_widgets  # its default digits
from tests.explorer_checks import sweep


def _unit_output(keras, model, name):
    """Independent reference: a Keras sub-model reading layer ``name``'s output."""
    sub = keras.Model(model.inputs[0], model.get_layer(name).output)
    return lambda x: np.asarray(sub(np.asarray(x, np.float32), training=False))


@pytest.fixture(scope="module")
def shapes_model(keras):
    """Every way a map can change size: valid and same padding, stride, dilation, pooling."""
    from keras import layers

    keras.utils.set_random_seed(1)
    inp = keras.Input((28, 28, 1))
    x = layers.Conv2D(4, 3, activation="relu", name="c_valid")(inp)
    x = layers.Conv2D(6, 5, strides=2, padding="same", activation="relu", name="c_stride")(x)
    x = layers.MaxPooling2D(2, name="p_max")(x)
    x = layers.Conv2D(5, 3, dilation_rate=2, padding="valid", name="c_dilated")(x)
    x = layers.BatchNormalization(name="bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    x = layers.AveragePooling2D(3, strides=1, padding="same", name="p_avg")(x)
    x = layers.Flatten()(x)
    out = layers.Dense(10, activation="softmax", name="probs")(x)
    model = keras.Model(inp, out)
    # Non-trivial batch-norm statistics, so the BN path is really tested.
    bn = model.get_layer("bn")
    rng = np.random.default_rng(0)
    bn.set_weights([rng.uniform(0.5, 2, 5), rng.normal(0, 0.3, 5), rng.normal(0, 0.2, 5),
                    rng.uniform(0.5, 2, 5)])
    return model


@pytest.fixture(scope="module")
def digits():
    rng = np.random.default_rng(0)
    return rng.random((3, 28, 28, 1), dtype=np.float32)


# ---------------------------------------------------------------------------------------------
# Layers and activations
# ---------------------------------------------------------------------------------------------
def test_activation_shapes_match_output_size(shapes_model, digits):
    acts = interpret.activations(shapes_model, digits[0])
    assert list(acts) == ["c_valid", "c_stride", "p_max", "c_dilated", "bn", "relu", "p_avg"]
    size, channels = 28, 1
    for layer in shapes_model.layers[1:8]:
        cfg = layer.get_config()
        if "kernel_size" in cfg:
            size = ops.output_size(size, cfg["kernel_size"][0], cfg["strides"][0],
                                   cfg["padding"], cfg["dilation_rate"][0])
            channels = cfg["filters"]
        elif "pool_size" in cfg:
            size = ops.output_size(size, cfg["pool_size"][0], cfg["strides"][0], cfg["padding"])
        assert acts[layer.name].shape == (size, size, channels), layer.name
    assert size == 2  # 28 -> 26 -> 13 -> 6 -> 2 -> 2, worked by hand
    batch = interpret.activations(shapes_model, digits, ["c_stride"])
    assert batch["c_stride"].shape == (3, 13, 13, 6)


def test_first_layer_activations_equal_ops_conv2d(shapes_model, digits):
    kernel, bias = shapes_model.get_layer("c_valid").get_weights()
    expected = ops.relu(ops.conv2d(digits[0], kernel, bias=bias))
    got = interpret.activations(shapes_model, digits[0], ["c_valid"])["c_valid"]
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_map_layers_unit_chain_and_size_layer(shapes_model):
    assert interpret.conv_layers(shapes_model) == ["c_valid", "c_stride", "c_dilated"]
    chain = [layer.name for layer in interpret.unit_chain(shapes_model, "c_dilated")]
    assert chain == ["c_dilated", "bn", "relu"]
    assert [lay.name for lay in interpret.unit_chain(shapes_model, 0)] == ["c_valid"]
    assert interpret.map_layers(shapes_model, finished=True) == [
        "c_valid", "c_stride", "p_max", "relu", "p_avg"]
    assert interpret.size_layer(shapes_model, "relu") == "c_dilated"
    assert interpret.size_layer(shapes_model, "p_max") == "p_max"
    geo = interpret.layer_geometry(shapes_model, "c_stride")
    assert geo == {"kind": "conv", "kernel": (5, 5), "stride": (2, 2), "padding": "same",
                   "dilation": (1, 1), "channels": 6}


def test_conv_stack_takes_any_size(shapes_model, digits):
    stack = interpret.conv_stack(shapes_model)
    photo = np.random.default_rng(1).random((60, 90), dtype=np.float32)
    acts = interpret.activations(stack, photo)
    assert acts["c_valid"].shape == (58, 88, 4)
    assert acts["c_stride"].shape == (29, 44, 6)
    # The same weights: on a 28x28 digit it gives what the model gives.
    same = interpret.activations(stack, digits[0], ["p_avg"])["p_avg"]
    np.testing.assert_allclose(same, interpret.activations(shapes_model, digits[0])["p_avg"],
                               atol=1e-5)


def test_closest_kernels_finds_planted_kernels(tf):
    from cnnlib import kernels

    rng = np.random.default_rng(0)
    learned = rng.normal(0, 0.1, (3, 3, 1, 8))
    learned[:, :, 0, 5] = 0.3 * kernels.get("sobel x (vertical edges)")
    learned[:, :, 0, 2] = -0.2 * kernels.get("sobel y (horizontal edges)")  # opposite sign
    found = interpret.closest_kernels(learned, {
        "sobel x": kernels.get("sobel x (vertical edges)"),
        "minus sobel y": -kernels.get("sobel y (horizontal edges)")})
    assert [i for i, _ in found] == [5, 2]
    assert all(s > 0.99 for _, s in found)
    # 5x5 learned kernels: a 3x3 reference is compared as the middle of a 5x5 (zeros around).
    big = rng.normal(0, 0.1, (5, 5, 1, 4))
    big[1:4, 1:4, 0, 3] = kernels.get("sobel x (vertical edges)")
    big[0, :, 0, 3] = big[4, :, 0, 3] = big[:, 0, 0, 3] = big[:, 4, 0, 3] = 0
    (index, sim), = interpret.closest_kernels(big, {"sobel x": kernels.get("sobel x (vertical edges)")})
    assert index == 3 and sim == pytest.approx(1.0)
    with pytest.raises(ValueError, match="references"):
        interpret.closest_kernels(learned, {"too big": np.ones((5, 5))})


# ---------------------------------------------------------------------------------------------
# Filter visualization
# ---------------------------------------------------------------------------------------------
def _two_block_cnn(keras, seed: int, filters: tuple[int, int] = (8, 16)):
    """conv1 (ReLU) -> pool1 -> conv2 -> bn2 -> relu2 -> dense softmax: a conv with its
    activation built in, and one finished by batch norm and a separate ReLU; ``filters`` are
    the two convolutions' widths."""
    from keras import layers

    keras.utils.set_random_seed(seed)
    inp = keras.Input((28, 28, 1))
    x = layers.Conv2D(filters[0], 3, activation="relu", name="conv1")(inp)
    x = layers.MaxPooling2D(2, name="pool1")(x)
    x = layers.Conv2D(filters[1], 3, use_bias=False, name="conv2")(x)
    x = layers.BatchNormalization(name="bn2")(x)
    x = layers.Activation("relu", name="relu2")(x)
    x = layers.Flatten()(x)
    out = layers.Dense(10, activation="softmax", name="probs")(x)
    return keras.Model(inp, out)


@pytest.fixture(scope="module")
def untrained(keras):
    return _two_block_cnn(keras, seed=3)


def test_visualize_filter_excites_its_filter_much_more_than_noise(keras, untrained):
    noise = (0.5 + 0.1 * np.random.default_rng(7).standard_normal((28, 28, 1))).clip(0, 1)
    images = interpret.visualize_filter(untrained, "conv2", None, start=noise, steps=60)
    assert images.shape == (16, 28, 28, 1)
    assert images.min() >= 0 and images.max() <= 1
    respond = _unit_output(keras, untrained, "relu2")  # after BN and ReLU
    before = respond(noise[None]).mean(axis=(1, 2))[0]                  # (16,)
    after = respond(images).mean(axis=(1, 2))                            # (16, 16)
    mine = after[np.arange(16), np.arange(16)]                          # filter i on image i
    assert np.all(mine > before), (before, mine)
    assert mine.mean() > 3 * before.mean()
    assert np.mean(mine > 2 * before + 0.02) >= 0.75
    # Each image is about its own filter: it excites that one more than the others do on average.
    assert np.mean(mine >= after.mean(axis=0)) >= 0.9


def test_visualize_filter_scores_are_the_filters_response(keras, shapes_model, digits):
    """steps=0 returns the start and its score: mean(act) + 0.01 * mean(pre-activation), which
    Keras' own layers give independently (checks the per-image convolution and BN folding with
    stride, 'same' padding and dilation)."""
    for name, pre, post in [("c_valid", None, "c_valid"), ("c_stride", None, "c_stride"),
                            ("c_dilated", "bn", "relu")]:
        n = shapes_model.get_layer(name).filters
        _, scores = interpret.visualize_filter(shapes_model, name, None, steps=0,
                                               start=digits[0], return_scores=True)
        a = _unit_output(keras, shapes_model, post)(digits[:1])[0]
        if pre is None:  # fused ReLU: the value before it is conv + bias
            lay = shapes_model.get_layer(name)
            sub = keras.Model(shapes_model.inputs[0], lay.input)
            h = sub(digits[:1], training=False)
            z = np.asarray(lay.convolution_op(h, lay.kernel) + lay.bias)[0]
        else:
            z = _unit_output(keras, shapes_model, pre)(digits[:1])[0]
        expected = a.mean(axis=(0, 1)) + 0.01 * z.mean(axis=(0, 1))
        np.testing.assert_allclose(scores[0], expected, rtol=1e-4, atol=1e-5)
        assert scores.shape == (1, n)


def test_visualize_filter_learns_the_edge_a_hand_made_filter_detects(keras):
    from keras import layers

    from cnnlib import kernels

    inp = keras.Input((16, 16, 1))
    conv = layers.Conv2D(2, 3, activation="relu", name="edges")
    out = layers.Dense(2, activation="softmax")(layers.Flatten()(conv(inp)))
    model = keras.Model(inp, out)
    k = np.stack([kernels.get("sobel x (vertical edges)"),
                  kernels.get("sobel y (horizontal edges)")], axis=-1)[:, :, None, :]
    conv.set_weights([k.astype(np.float32), np.zeros(2, np.float32)])
    images = interpret.visualize_filter(model, "edges", [0, 1], steps=80)[..., 0]
    across = np.abs(np.diff(images, axis=2)).mean(axis=(1, 2))  # changes along a row
    down = np.abs(np.diff(images, axis=1)).mean(axis=(1, 2))    # changes down a column
    assert across[0] > 3 * down[0]   # vertical stripes for the vertical-edge filter
    assert down[1] > 3 * across[1]   # horizontal stripes for the horizontal-edge filter


def test_center_objective_changes_only_the_receptive_field(untrained):
    start = np.full((28, 28, 1), 0.5, np.float32)
    img = interpret.visualize_filter(untrained, "conv2", 3, steps=30, start=start, jitter=0,
                                     blur=0.0, objective="center")
    changed = np.argwhere(np.abs(img[..., 0] - 0.5) > 1e-6)
    # conv2's middle unit (5, 5) sees input rows/cols 10..17: 3x3 conv, 2x2 pool, 3x3 conv.
    rf = ops.receptive_field([(3, 1), (2, 2), (3, 1)])
    assert rf == 8
    assert changed.size and changed.min() >= 10 and changed.max() <= 10 + rf - 1


def test_filter_index_is_a_tensor_so_nothing_retraces(untrained):
    interpret.visualize_filter(untrained, "conv1", 0, steps=5)
    fn = interpret_base.model_cache(untrained)[("filter", "conv1", "mean")]
    count = fn.experimental_get_tracing_count()
    for index, steps in [(3, 5), ([1, 2], 7), (None, 10), (7, 0)]:
        interpret.visualize_filter(untrained, "conv1", index, steps=steps, blur=0.2, lr=0.05)
    assert fn.experimental_get_tracing_count() == count == 1


# ---------------------------------------------------------------------------------------------
# Class visualization
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def quadrant_model(keras):
    """Class c's logit = 4 x the mean brightness of quadrant c (0 top-left, 1 top-right,
    2 bottom-left, 3 bottom-right): weights set by hand."""
    from keras import layers

    inp = keras.Input((8, 8, 1))
    x = layers.Conv2D(1, 1, name="copy")(inp)
    x = layers.AveragePooling2D(4)(x)
    x = layers.Flatten()(x)
    dense = layers.Dense(4, activation="softmax", name="probs")
    model = keras.Model(inp, dense(x))
    model.get_layer("copy").set_weights([np.ones((1, 1, 1, 1), np.float32),
                                         np.zeros(1, np.float32)])
    dense.set_weights([4 * np.eye(4, dtype=np.float32), np.zeros(4, np.float32)])
    return model


def test_class_image_lights_up_the_region_its_class_reads(quadrant_model):
    images, scores = interpret.class_image(quadrant_model, None, steps=60, return_scores=True)
    assert images.shape == (4, 8, 8, 1)
    for c in range(4):
        img = images[c, ..., 0]
        quads = [img[:4, :4], img[:4, 4:], img[4:, :4], img[4:, 4:]]
        means = np.array([q.mean() for q in quads])
        assert np.argmax(means) == c and means[c] > means.max(initial=0, where=np.arange(4) != c) + 0.3
    # logits, computed by hand: 4 x quadrant mean
    for c in range(4):
        img = images[c, ..., 0]
        expected = 4 * img[(c // 2) * 4:(c // 2) * 4 + 4, (c % 2) * 4:(c % 2) * 4 + 4].mean()
        assert interpret.logits(quadrant_model, images[c])[c] == pytest.approx(expected, abs=1e-4)
    assert np.all(scores[-1] > scores[0] + 1)


# ---------------------------------------------------------------------------------------------
# Saliency and Grad-CAM
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def detector(keras):
    """Fixed weights. Filter 0 fires on bright blobs (mean of 3x3 above 0.5), filter 1 on
    vertical edges; global average pooling; class 0 reads only filter 0 (x 100), class 1 only
    filter 1."""
    from keras import layers

    from cnnlib import kernels

    inp = keras.Input((16, 16, 1))
    conv = layers.Conv2D(2, 3, padding="same", activation="relu", name="detect")
    x = layers.GlobalAveragePooling2D()(conv(inp))
    dense = layers.Dense(2, activation="softmax", name="probs")
    model = keras.Model(inp, dense(x))
    k = np.stack([np.full((3, 3), 1 / 9), kernels.get("sobel x (vertical edges)")], -1)
    conv.set_weights([k[:, :, None, :].astype(np.float32), np.array([-0.5, 0], np.float32)])
    dense.set_weights([np.diag([100.0, 1.0]).astype(np.float32), np.zeros(2, np.float32)])
    return model


def test_grad_cam_highlights_the_region_that_holds_the_evidence(detector):
    img = np.zeros((16, 16, 1), np.float32)
    img[2:6, 2:6] = 0.8        # a bright square, top left: evidence for class 0
    img[9:, 12] = 1.0          # a thin vertical line, bottom right: the best edge, class 1
    cam0 = interpret.grad_cam(detector, img, class_index=0)
    r, c = np.unravel_index(np.argmax(cam0), cam0.shape)
    assert 2 <= r <= 5 and 2 <= c <= 5
    assert cam0[2:6, 2:6].mean() > 5 * cam0[9:, 9:].mean()
    cam1 = interpret.grad_cam(detector, img, class_index=1)
    r, c = np.unravel_index(np.argmax(cam1), cam1.shape)
    assert 9 <= r <= 15 and 11 <= c <= 13   # on the line (the square's edges are weaker)
    assert cam1.max() == pytest.approx(1.0) and cam1.min() >= 0
    raw = interpret.grad_cam(detector, img, class_index=0, upsample=False, normalize=False)
    assert raw.shape == (16, 16)
    # Moving the square moves the heat.
    moved = np.zeros_like(img)
    moved[10:14, 9:13] = 1.0
    r, c = np.unravel_index(np.argmax(interpret.grad_cam(detector, moved, 0)), (16, 16))
    assert 10 <= r <= 13 and 9 <= c <= 12


def test_grad_cam_default_class_is_the_prediction(detector):
    img = np.zeros((2, 16, 16, 1), np.float32)
    img[0, 2:6, 2:6] = 1.0
    img[1, :, 8] = 1.0
    preds = interpret.logits(detector, img).argmax(axis=1)
    assert list(preds) == [0, 1]
    both = interpret.grad_cam(detector, img)
    assert both.shape == (2, 16, 16)
    np.testing.assert_allclose(both[1], interpret.grad_cam(detector, img[1], class_index=1),
                               atol=1e-6)


def test_saliency_is_zero_where_the_model_does_not_look(keras):
    """The model reads only the top-left 8x8 of its conv maps: the input pixels outside the
    top-left 9x9 (8 plus the 3x3 kernel's reach) cannot change the score."""
    from keras import layers

    keras.utils.set_random_seed(5)
    inp = keras.Input((16, 16, 1))
    x = layers.Conv2D(3, 3, padding="same", activation="tanh")(inp)
    x = layers.Cropping2D(((0, 8), (0, 8)))(x)
    out = layers.Dense(2, activation="softmax")(layers.Flatten()(x))
    model = keras.Model(inp, out)
    img = np.random.default_rng(2).random((16, 16, 1), dtype=np.float32)
    sal = interpret.saliency(model, img, class_index=1)
    assert sal.shape == (16, 16)
    assert np.all(sal[9:, :] == 0) and np.all(sal[:, 9:] == 0)
    assert np.count_nonzero(sal[:9, :9]) > 60


# ---------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------
def test_bad_input_raises_value_error_naming_the_parameter(keras, untrained, digits):
    x = digits[0]
    cases = [
        (lambda: interpret.activations(untrained, (x * 255).astype(np.uint8)), "x must hold floats"),
        (lambda: interpret.activations(untrained, np.zeros((20, 20, 1), np.float32)), "height"),
        (lambda: interpret.activations(untrained, x, ["nope"]), "layer must be one of"),
        (lambda: interpret.visualize_filter(untrained, "pool1", 0), "layer must be a Conv2D"),
        (lambda: interpret.visualize_filter(untrained, 5, 0), "layer must be a conv layer number"),
        (lambda: interpret.visualize_filter(untrained, "conv1", 8), "index must be in [0, 7]"),
        (lambda: interpret.visualize_filter(untrained, "conv1", 0, steps=-1), "steps"),
        (lambda: interpret.visualize_filter(untrained, "conv1", 0, decay=1.0), "decay"),
        (lambda: interpret.visualize_filter(untrained, "conv1", 0, blur=5), "blur"),
        (lambda: interpret.visualize_filter(untrained, "conv1", 0, objective="max"), "objective"),
        (lambda: interpret.class_image(untrained, 10), "classes must be in [0, 9]"),
        (lambda: interpret.grad_cam(untrained, x, class_index=12), "class_index"),
        (lambda: interpret.grad_cam(untrained, x, layer="probs"), "layer must output maps"),
        (lambda: interpret.activations(keras.Sequential([keras.layers.Dense(2)]), x),
         "model has no input yet"),
        (lambda: interpret.activations("model", x), "model must be a Keras model"),
    ]
    for call, words in cases:
        with pytest.raises(ValueError, match=None) as err:
            call()
        assert words in str(err.value), (words, str(err.value))


# ---------------------------------------------------------------------------------------------
# Plots (Agg) and explorers (headless)
# ---------------------------------------------------------------------------------------------
def test_plots_draw_what_they_are_given(untrained, digits):

    from cnnlib import architectures, plots

    image, ncols = plots.mosaic(np.arange(2 * 3 * 5, dtype=float).reshape(5, 2, 3), ncols=2)
    assert ncols == 2 and image.shape == (3 * 3 - 1, 2 * 4 - 1)
    assert np.isnan(image[2]).all() and image[0, 0] == 0 and image[3, 4] == 18  # tile 3
    acts = interpret.activations(untrained, digits[0])
    ax = plots.plot_maps(acts["conv1"], highlight=3, title="conv1")
    assert len(ax.images) == 1 and ax.get_title() == "conv1"
    assert [p for p in ax.patches if p.get_visible()][0].get_width() == 26
    plots.plot_maps(acts["pool1"], ax=ax, highlight=None)  # updates in place
    assert len(ax.images) == 1 and ax.images[0].get_array().shape == (2 * 14 - 1, 4 * 14 - 1)
    fig = plots.plot_map_stack({k: acts[k] for k in ("conv1", "pool1", "relu2")}, digits[0], n=4)
    assert len(fig.axes) == 4 and "relu2" in fig.axes[-1].get_ylabel()
    kern = untrained.get_layer("conv1").get_weights()[0]
    assert len(plots.plot_kernels(kern).images) == 1
    fig = plots.plot_kernel_matches({"a": kern[:, :, 0, 0], "b": kern[:, :, 0, 1]}, kern,
                                    [(0, 1.0), (1, 1.0)])
    assert len(fig.axes) == 4 and len(fig.axes[2].texts) == 9
    ax = plots.plot_class_images(np.zeros((10, 28, 28, 1)), probs=np.linspace(0, 1, 10))
    assert [t.get_text() for t in ax.texts][-1] == "9: p=1.00"
    ax = plots.plot_heatmap(digits[0], np.eye(28))
    assert len(ax.images) == 2
    fig = plots.plot_explanations(digits[:2], np.ones((2, 28, 28)), np.ones((2, 28, 28)),
                                  [1, 2], [1, 3], probs=[0.9, 0.4])
    assert fig.axes[3].yaxis.label.get_color() == "tab:red"   # the wrong one
    assert fig.axes[0].yaxis.label.get_color() == "black"
    ax = plots.plot_ascent(np.ones((5, 3)), highlight=1)
    assert len(ax.lines) == 5 and np.all(ax.lines[-1].get_ydata() == 1)
    plots.plot_ascent(np.arange(15.0).reshape(5, 3), ax=ax, highlight=2)  # moves its lines
    assert len(ax.lines) == 5 and list(ax.lines[-1].get_ydata()) == [2, 5, 8, 11, 14]
    rows = architectures.compare()
    fig = plots.plot_architecture_params(rows)
    assert len(fig.axes[0].patches) == 5 and "138,357,544" in [t.get_text() for t in fig.axes[0].texts]
    assert [t.get_text() for t in fig.axes[1].texts][2] == "89%"   # VGG-16's dense share
    fig = plots.plot_architecture_shapes({r: architectures.summarize(r) for r in ("VGG-16",)})
    assert len(fig.axes[0].lines) == 1
    ax = plots.plot_architecture_layers(architectures.summarize("VGG-16"))
    assert len(ax.patches) == 16


@pytest.fixture(scope="module")
def small_trained(keras):
    """A small model trained for a moment on real digits, shared by the explorer tests."""
    from cnnlib import data

    model = _two_block_cnn(keras, seed=0)
    model.compile("adam", "sparse_categorical_crossentropy")
    xs, ys = data.offline_subset()
    model.fit(data.to_float(xs[::5]), ys[::5], epochs=1, batch_size=100, verbose=0)
    interpret_base._DEFAULT["model"] = model  # so explorers built without arguments use it
    return model


def test_activation_explorer(small_trained):
    from cnnlib import widgets

    e = widgets.activation_explorer()
    assert sweep(e, n_random=8)["ok"] > 5
    e.controls["layer"].value = "pool1"
    e.controls["channel"].value = 2
    x = keras_widgets._default_digits()[0][e.controls["digit"].value]
    want = interpret.activations(small_trained, x, ["pool1"])["pool1"]
    np.testing.assert_allclose(e.state["maps"], want, atol=1e-6)
    assert "output_size(26, 2, 2, 'valid') = <b>13</b>" in e.info.value
    e.controls["layer"].value = "relu2"
    assert "output_size(13, 3, 1, 'valid') = <b>11</b>" in e.info.value
    e.controls["channel"].value = 12
    png = e.image.value
    e.controls["layer"].value = "conv1"      # 8 channels: channel 12 does not exist
    assert e.last_error is not None and "channel must be in [0, 7]" in e.message.value
    assert e.image.value == png


def test_filter_visualization_explorer(small_trained):
    from cnnlib import widgets

    e = widgets.filter_visualization_explorer()
    assert e.state["images"].shape == (8, 28, 28, 1)
    e.controls["steps"].max = 80  # keeps the sweep quick; 200 works the same, just slower
    assert sweep(e, max_values=2, n_random=3)["ok"] > 5
    e.controls["layer"].value = "conv2"
    e.controls["steps"].value = 40
    scores = e.state["scores"]
    assert scores.shape == (41, 16) and np.all(scores[-1] > scores[0])
    e.controls["steps"].value = 0
    assert np.allclose(e.state["scores"][0], scores[0], atol=1e-6)  # same seeded start noise
    e.controls["filter"].value = 15
    e.controls["layer"].value = "conv1"
    assert "filter must be in [0, 7]" in e.message.value


def test_class_visualization_explorer(small_trained):
    from cnnlib import widgets

    e = widgets.class_visualization_explorer(steps=50)
    assert e.state["images"].shape == (10, 28, 28, 1)
    scores, probs = e.state["scores"], e.state["probs"]
    assert scores.shape == (51, 10) and np.all(scores[-1] > scores[0] + 0.1)
    e.controls["steps"].value = 0            # the dark start image: no class likes it much
    assert e.state["probs"].mean() < probs.mean()
    e.controls["steps"].max = 100  # keeps the sweep quick
    assert sweep(e, max_values=2, n_random=2)["message"] == 0


def test_grad_cam_explorer(small_trained):
    from cnnlib import widgets

    e = widgets.grad_cam_explorer()
    assert sweep(e, max_values=3, n_random=4)["message"] == 0
    e.controls["digit"].value = 3
    e.controls["explain"].value = 5
    e.controls["method"].value = "Grad-CAM"
    x = keras_widgets._default_digits()[0][3]
    np.testing.assert_allclose(e.state["heat"], interpret.grad_cam(small_trained, x, 5),
                               atol=1e-6)
    assert "explaining class <b>5</b>" in e.info.value
    e.controls["method"].value = "saliency"
    sal = interpret.saliency(small_trained, x, 5)
    np.testing.assert_allclose(e.state["heat"], sal / sal.max(), atol=1e-6)
