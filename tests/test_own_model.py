"""The learner's own model: cnnlib.tf.interpret checks a Keras model and fits photos to it,
and cnnlib.tf.interpret works on a small colour model (32x32x3, three classes) built here.

References are independent of the code under test: the class activation map worked out from
the Dense weights (global average pooling makes Grad-CAM's weights W[:, c] / (h*w)), a
GradientTape through the model's own layers, crops and resizes done by hand with scikit-image.
"""

from __future__ import annotations

import numpy as np
import pytest
from skimage import data, transform

from cnnlib import images, interpret
from tests.explorer_checks import sweep


@pytest.fixture(scope="module")
def keras(tf):
    import keras

    return keras


@pytest.fixture(scope="module")
def colour_model(keras):
    """32x32 colour in, three classes out; conv -> BN -> ReLU and global average pooling."""
    from keras import layers

    keras.utils.set_random_seed(5)
    inp = keras.Input((32, 32, 3))
    x = layers.Conv2D(6, 3, activation="relu", name="c1")(inp)
    x = layers.MaxPooling2D(2, name="p1")(x)
    x = layers.Conv2D(8, 3, use_bias=False, name="c2")(x)
    x = layers.BatchNormalization(name="bn2")(x)
    x = layers.Activation("relu", name="relu2")(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    out = layers.Dense(3, activation="softmax", name="probs")(x)
    return keras.Model(inp, out)


@pytest.fixture(scope="module")
def grey_wide(keras):
    """20x28 grey in (not square), five classes, logits out (no softmax)."""
    from keras import layers

    keras.utils.set_random_seed(6)
    inp = keras.Input((20, 28, 1))
    x = layers.Conv2D(4, 3, padding="same", activation="relu", name="g1")(inp)
    x = layers.MaxPooling2D(2)(x)
    x = layers.Conv2D(4, 3, activation="relu", name="g2")(x)
    out = layers.Dense(5, name="logits")(layers.Flatten()(x))
    return keras.Model(inp, out)


@pytest.fixture(scope="module")
def photos():
    rng = np.random.default_rng(0)
    return rng.random((2, 32, 32, 3), dtype=np.float32)


def _error(fn, *args, match, **kwargs):
    with pytest.raises(ValueError, match=match) as err:
        fn(*args, **kwargs)
    assert "\n" not in str(err.value)
    return str(err.value)


# ---------------------------------------------------------------------------------------------
# Which models
# ---------------------------------------------------------------------------------------------
def test_check_classifier_reads_a_colour_model(colour_model):
    info = interpret.check_classifier(colour_model)
    assert info.input_shape == (32, 32, 3) and info.shape == (32, 32, 3)
    assert info.channels == 3 and info.colour and info.n_classes == 3
    assert info.class_names == ("0", "1", "2")
    assert info.conv_layers == ("c1", "c2")
    # Each conv's finished maps: c1 has ReLU built in; c2 is finished by BN and a ReLU layer.
    assert info.cam_layers == ("c1", "relu2") and info.cam_layer == "relu2"
    named = interpret.check_classifier(colour_model, class_names=["cat", "sky", "coins"])
    assert named.class_names == ("cat", "sky", "coins")
    _error(interpret.check_classifier, colour_model, class_names=["cat", "sky"],
           match=r"one name per class \(3\)")


def test_check_classifier_other_sizes(keras, grey_wide):
    info = interpret.check_classifier(grey_wide)
    assert info.input_shape == (20, 28, 1) and info.n_classes == 5 and not info.colour
    from keras import layers

    inp = keras.Input((None, None, 3))
    x = layers.GlobalMaxPooling2D()(layers.Conv2D(2, 3)(inp))
    any_size = keras.Model(inp, layers.Dense(4)(x))
    info = interpret.check_classifier(any_size)
    assert info.input_shape == (None, None, 3) and info.shape == (interpret.ANY_SIZE, interpret.ANY_SIZE, 3)


def test_models_the_explorers_cannot_use_say_what_is_missing(keras):
    from keras import layers

    def model(inp, *stack):
        x = inp
        for layer in stack:
            x = layer(x)
        return keras.Model(inp, x)

    dense = model(keras.Input((784,)), layers.Dense(32, activation="relu"), layers.Dense(10))
    _error(interpret.check_classifier, dense, match="no Conv2D layer and no 2-D feature maps.*Dense")
    flat = model(keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(10))
    _error(interpret.check_classifier, flat, match=r"no 2-D feature maps.*Flatten, Dense")
    lstm = model(keras.Input((20, 8)), layers.LSTM(4), layers.Dense(3))
    _error(interpret.check_classifier, lstm, match=r"sequence model \(input \(None, 20, 8\).*LSTM")
    words = model(keras.Input((12,), dtype="int32"), layers.Embedding(50, 4),
                  layers.GlobalAveragePooling1D(), layers.Dense(2))
    _error(interpret.check_classifier, words, match="sequence model.*Embedding")
    conv1d = model(keras.Input((40, 2)), layers.Conv1D(3, 3), layers.Flatten(), layers.Dense(2))
    _error(interpret.check_classifier, conv1d, match="sequence model")
    pool_only = model(keras.Input((8, 8, 1)), layers.MaxPooling2D(), layers.Flatten(),
                      layers.Dense(2))
    _error(interpret.check_classifier, pool_only, match=r"no Conv2D layer \(layers: MaxPooling2D")
    seg = model(keras.Input((8, 8, 3)), layers.Conv2D(2, 3, padding="same"))
    _error(interpret.check_classifier, seg, match=r"class scores \(batch, classes\).*\(None, 8, 8, 2\)")
    _error(interpret.check_classifier, "my_model.keras", match="must be a Keras model, got str")
    unbuilt = keras.Sequential([layers.Conv2D(2, 3), layers.Flatten(), layers.Dense(2)])
    _error(interpret.check_classifier, unbuilt, match="no input yet")


# ---------------------------------------------------------------------------------------------
# Photos shaped for the model
# ---------------------------------------------------------------------------------------------
def test_fit_photo_crops_the_middle_resizes_and_scales(colour_model):
    x, note = interpret.fit_photo(colour_model, "cat (chelsea)")
    cat = data.chelsea()                                       # 300 x 451
    middle = cat[:, 75:375]                                    # (451 - 300) // 2 = 75
    want = transform.resize(middle.astype(float), (32, 32), anti_aliasing=True,
                            preserve_range=True) / 255
    assert x.shape == (32, 32, 3) and x.dtype == np.float32
    np.testing.assert_allclose(x, want, atol=1e-5)
    assert note == "cropped to the middle 300×300; resized from 300×300 to 32×32"
    x2, _ = interpret.fit_photo(colour_model, "cat (chelsea)", value_range=(-1, 1))
    np.testing.assert_allclose(x2, 2 * want - 1, atol=1e-5)
    _error(interpret.fit_photo, colour_model, "cat (chelsea)", value_range=(1, 0), match="value_range")


def test_fit_photo_grey_and_colour_and_wide(colour_model, grey_wide):
    x, note = interpret.fit_photo(colour_model, "camera")             # grey photo, colour model
    assert x.shape == (32, 32, 3) and "grey copied to 3 channels" in note
    np.testing.assert_array_equal(x[..., 0], x[..., 2])
    g, note = interpret.fit_photo(grey_wide, "cat (chelsea)")         # colour photo, grey model
    assert g.shape == (20, 28, 1) and "made grey" in note
    # 20x28 from 300x451: the widest 20:28 window is 300 x 420, from column (451 - 420) // 2.
    assert "cropped to the middle 300×420" in note
    lum = data.chelsea()[:, 15:435].astype(float) @ [0.299, 0.587, 0.114]
    want = transform.resize(lum, (20, 28), anti_aliasing=True, preserve_range=True) / 255
    np.testing.assert_allclose(g[..., 0], want, atol=1e-5)
    # A photo given as an array, uint8, in the model's size already: only scaled.
    small = (np.arange(32 * 32 * 3).reshape(32, 32, 3) % 256).astype(np.uint8)
    x, note = interpret.fit_photo(colour_model, small)
    np.testing.assert_allclose(x, small / 255, atol=1e-6)
    assert note == ""
    _error(interpret.fit_photo, colour_model, np.zeros((1, 1, 3), np.uint8), match="1×1 pixels")


def test_fit_images_takes_batches_or_lists(colour_model, grey_wide, photos):
    x, notes = interpret.fit_images(colour_model, photos)
    assert x is not None and x.shape == (2, 32, 32, 3) and notes == ["", ""]
    np.testing.assert_array_equal(x, photos)
    x, notes = interpret.fit_images(colour_model, ["cat (chelsea)", "camera"])
    assert x.shape == (2, 32, 32, 3) and "grey copied" in notes[1]
    x, _ = interpret.fit_images(grey_wide, np.zeros((3, 20, 28), np.float32))
    assert x.shape == (3, 20, 28, 1)
    _error(interpret.fit_images, colour_model, np.zeros((2, 28, 28, 1), np.float32),
           match=r"do not fit the model's input \(32, 32, 3\)")
    _error(interpret.fit_images, colour_model, [], match="list of photos")


def test_probabilities_softmax_logits_only_when_needed(tf, colour_model, grey_wide, photos):
    p = interpret.probabilities(colour_model, photos)
    np.testing.assert_allclose(p, colour_model(photos), atol=1e-6)
    g = np.random.default_rng(1).random((2, 20, 28, 1), dtype=np.float32)
    p = interpret.probabilities(grey_wide, g)
    np.testing.assert_allclose(p, tf.nn.softmax(grey_wide(g)).numpy(), atol=1e-6)
    np.testing.assert_allclose(p.sum(axis=1), 1, atol=1e-6)


# ---------------------------------------------------------------------------------------------
# cnnlib.tf.interpret on the colour model
# ---------------------------------------------------------------------------------------------
def test_activations_of_a_colour_model(colour_model, photos):
    acts = interpret.activations(colour_model, photos[0])
    assert {k: v.shape for k, v in acts.items()} == {
        "c1": (30, 30, 6), "p1": (15, 15, 6), "c2": (13, 13, 8), "bn2": (13, 13, 8),
        "relu2": (13, 13, 8)}
    # Layer c1 by hand: ReLU(sum over 3x3 window and 3 channels of kernel * pixels + bias).
    k, b = colour_model.get_layer("c1").get_weights()
    x = photos[0]
    by_hand = np.maximum(np.einsum("ijc,ijcf->f", x[4:7, 9:12], k) + b, 0)
    np.testing.assert_allclose(acts["c1"][4, 9], by_hand, atol=1e-5)


def test_grad_cam_on_global_average_pooling_is_the_class_activation_map(colour_model, photos):
    # After global average pooling, d logit_c / d A_k(i, j) = W[k, c] / (h*w) everywhere, so
    # Grad-CAM reduces to CAM (Zhou et al., 2016): ReLU(sum_k W[k, c] A_k), up to a scale.
    w, _ = colour_model.get_layer("probs").get_weights()
    maps = interpret.activations(colour_model, photos[1], ["relu2"])["relu2"]
    for c in range(3):
        cam = np.maximum(maps @ w[:, c], 0)
        want = cam / cam.max() if cam.max() > 0 else cam
        got = interpret.grad_cam(colour_model, photos[1], class_index=c, upsample=False)
        np.testing.assert_allclose(got, want, atol=1e-5)
    # Default layer: the finished maps of the last conv (relu2), found by itself.
    np.testing.assert_allclose(
        interpret.grad_cam(colour_model, photos[1], class_index=0),
        interpret.grad_cam(colour_model, photos[1], class_index=0, layer="relu2"), atol=1e-6)
    assert interpret.grad_cam(colour_model, photos[1]).shape == (32, 32)


def test_grad_cam_on_another_layer_matches_a_gradient_tape(tf, keras, colour_model, photos):
    lay = lambda n: colour_model.get_layer(n)  # noqa: E731
    first = keras.Model(colour_model.inputs[0], lay("c1").output)
    a = tf.constant(first(photos[:1]))
    with tf.GradientTape() as tape:
        tape.watch(a)
        h = lay("gap")(lay("relu2")(lay("bn2")(lay("c2")(lay("p1")(a)), training=False)))
        w, b = lay("probs").get_weights()
        logit = (tf.matmul(h, w) + b)[0, 2]
    g = tape.gradient(logit, a).numpy()[0]
    cam = np.maximum((a.numpy()[0] * g.mean(axis=(0, 1))).sum(-1), 0)
    got = interpret.grad_cam(colour_model, photos[0], class_index=2, layer="c1", upsample=False)
    np.testing.assert_allclose(got, cam / cam.max(), atol=1e-5)


def test_filter_and_class_images_come_out_in_colour(keras, colour_model):
    sub = keras.Model(colour_model.inputs[0], colour_model.get_layer("relu2").output)
    noise = (0.5 + 0.1 * np.random.default_rng(2).standard_normal((32, 32, 3))).clip(0, 1)
    noise = noise.astype(np.float32)
    out = interpret.visualize_filter(colour_model, "c2", [0, 5], start=noise, steps=40)
    assert out.shape == (2, 32, 32, 3) and out.min() >= 0 and out.max() <= 1
    before = np.asarray(sub(noise[None]))[0].mean(axis=(0, 1))
    after = np.asarray(sub(out)).mean(axis=(1, 2))
    assert after[0, 0] > before[0] + 0.05 and after[1, 5] > before[5] + 0.05
    # Colour matters: the three channels of the result differ.
    assert np.abs(out[..., 0] - out[..., 1]).mean() > 0.01
    # Class images: the logit of each class (from the Dense weights, by hand) goes up.
    gap = keras.Model(colour_model.inputs[0], colour_model.get_layer("gap").output)
    w, b = colour_model.get_layer("probs").get_weights()
    start = np.full((32, 32, 3), 0.02, np.float32)
    imgs = interpret.class_image(colour_model, None, start=start, steps=40, decay=0.0)
    assert imgs.shape == (3, 32, 32, 3)
    z0 = np.asarray(gap(start[None]))[0] @ w + b
    z = np.asarray(gap(imgs)) @ w + b
    assert np.all(np.diag(z) > z0)
    # ... and each class's score is highest on its own image (the diagonal leads each column).
    assert np.all(z.argmax(axis=0) == np.arange(3))
    sal = interpret.saliency(colour_model, noise)
    assert sal.shape == (32, 32) and sal.max() > 0


def test_grad_cam_on_a_wide_grey_model(grey_wide):
    x, _ = interpret.fit_photo(grey_wide, "coins")
    heat = interpret.grad_cam(grey_wide, x, class_index=1)
    assert heat.shape == (20, 28) and 0 <= heat.min() and heat.max() <= 1
    assert interpret.check_classifier(grey_wide).cam_layer == "g2"
    assert interpret.grad_cam(grey_wide, x, class_index=1, layer="g1",
                              upsample=False).shape == (20, 28)
    assert images.open_photo("coins").pixels.ndim == 2


# ---------------------------------------------------------------------------------------------
# The explorers of notebook 08 on the colour model
# ---------------------------------------------------------------------------------------------
NAMES = ["cat", "coffee", "rocket"]


def test_activation_explorer_on_a_colour_model(colour_model):
    from cnnlib import widgets

    e = widgets.activation_explorer(colour_model, images=["cat (chelsea)", "coffee"],
                                    labels=["cat", "coffee"], class_names=NAMES)
    assert e.last_error is None and e.controls["digit"].description == "image"
    x, _ = interpret.fit_photo(colour_model, "coffee")
    e.controls["digit"].value = 1
    e.controls["layer"].value = "relu2"
    np.testing.assert_allclose(e.state["maps"],
                               interpret.activations(colour_model, x, ["relu2"])["relu2"],
                               atol=1e-6)
    assert "label coffee" in e.info.value
    probs = colour_model(x[None]).numpy()[0]
    assert f"model says {NAMES[int(probs.argmax())]}" in e.info.value
    # Without images: the bundled photos, fitted to the model.
    e = widgets.activation_explorer(colour_model)
    assert e.controls["digit"].max == len(images.PHOTOS) - 1 and e.last_error is None


def test_grad_cam_explorer_finds_the_last_conv_and_offers_the_others(colour_model):
    from cnnlib import widgets

    e = widgets.grad_cam_explorer(colour_model, images=["cat (chelsea)", "astronaut"],
                                  class_names=NAMES)
    assert e.controls["layer"].value == "relu2"
    assert [v for _, v in e.controls["layer"].options] == ["c1", "relu2"]
    assert [label for label, _ in e.controls["explain"].options][1:] == NAMES
    x, _ = interpret.fit_photo(colour_model, "cat (chelsea)")
    e.controls["explain"].value = 2
    np.testing.assert_allclose(e.state["heat"], interpret.grad_cam(colour_model, x, 2),
                               atol=1e-6)
    assert "explaining class <b>rocket</b>" in e.info.value and "13×13 maps" in e.info.value
    e.controls["layer"].value = "c1"
    np.testing.assert_allclose(e.state["heat"],
                               interpret.grad_cam(colour_model, x, 2, layer="c1"), atol=1e-6)
    assert "30×30 maps" in e.info.value
    assert sweep(e, max_values=2, n_random=3)["message"] == 0
    with pytest.raises(ValueError, match="layer must be one of c1, relu2"):
        widgets.grad_cam_explorer(colour_model, layer="p1")


def test_filter_and_class_explorers_draw_colour(colour_model):
    from cnnlib import widgets

    e = widgets.filter_visualization_explorer(colour_model, steps=20)
    assert e.state["images"].shape == (6, 32, 32, 3)
    assert e.figure.axes[0].images[0].get_array().shape[-1] == 4      # drawn as RGBA
    e = widgets.class_visualization_explorer(colour_model, steps=20, class_names=NAMES)
    assert e.state["images"].shape == (3, 32, 32, 3)
    texts = [t.get_text() for t in e.figure.axes[0].texts]
    assert [t.split(":")[0] for t in texts] == NAMES
    probs = colour_model(e.state["images"]).numpy()
    np.testing.assert_allclose(e.state["probs"], np.diag(probs), atol=1e-6)


def test_explorers_on_an_any_size_model_and_a_logits_model(keras, grey_wide):
    from keras import layers

    from cnnlib import widgets

    inp = keras.Input((None, None, 3))
    h = layers.Conv2D(4, 3, activation="relu", name="k1")(inp)
    any_size = keras.Model(inp, layers.Dense(2)(layers.GlobalAveragePooling2D()(h)))
    e = widgets.filter_visualization_explorer(any_size, steps=0)
    assert e.state["images"].shape == (4, interpret.ANY_SIZE, interpret.ANY_SIZE, 3)
    e = widgets.grad_cam_explorer(any_size, images=["coffee"])
    assert e.state["heat"].shape == (64, 96)                  # coffee is 400x600: 96 wide
    e = widgets.grad_cam_explorer(grey_wide)                  # logits out: softmaxed for p
    assert e.last_error is None and abs(e.state["probs"].sum() - 1) < 1e-5


def test_explorers_refuse_models_they_cannot_use(keras):
    from keras import layers

    from cnnlib import widgets

    dense = keras.Sequential([keras.Input((784,)), layers.Dense(10, activation="softmax")])
    for build in (widgets.activation_explorer, widgets.filter_visualization_explorer,
                  widgets.class_visualization_explorer, widgets.grad_cam_explorer):
        with pytest.raises(ValueError, match="no Conv2D layer and no 2-D feature maps"):
            build(dense)


def test_explorer_labels_are_checked(colour_model):
    from cnnlib import widgets

    with pytest.raises(ValueError, match="labels must be class numbers or names"):
        widgets.grad_cam_explorer(colour_model, images=["coffee"], labels=["dog"],
                                  class_names=NAMES)
    with pytest.raises(ValueError, match=r"labels must be in \[0, 2\]"):
        widgets.grad_cam_explorer(colour_model, images=["coffee"], labels=[3])
    with pytest.raises(ValueError, match=r"one label per image \(1\)"):
        widgets.grad_cam_explorer(colour_model, images=["coffee"], labels=[0, 1])


def test_upload_a_photo_into_the_grad_cam_and_activation_explorers(colour_model):
    import datetime
    import io

    from PIL import Image

    from cnnlib import widgets

    def upload(explorer, content: bytes):
        explorer.photos.upload.value = ({
            "name": "mine.png", "type": "image/png", "size": len(content),
            "content": memoryview(content),
            "last_modified": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)},)

    buf = io.BytesIO()
    Image.fromarray(data.coffee()).save(buf, format="PNG")
    x, _ = interpret.fit_photo(colour_model, data.coffee())
    for build in (widgets.grad_cam_explorer, widgets.activation_explorer):
        e = build(colour_model, images=["camera"], class_names=NAMES)
        upload(e, buf.getvalue())
        assert e.controls["digit"].max == 1 and e.controls["digit"].value == 1
        assert e.last_error is None and e.photos.upload.value == ()
        np.testing.assert_allclose(e.photos.x[1], x, atol=1e-6)
        if build is widgets.grad_cam_explorer:
            np.testing.assert_allclose(e.state["heat"], interpret.grad_cam(colour_model, x),
                                       atol=1e-6)
        png = e.image.value
        upload(e, b"not a photo at all")
        assert "not a PNG or JPEG image" in e.message.value
        assert e.controls["digit"].max == 1 and e.image.value == png
