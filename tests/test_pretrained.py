"""The pretrained network without its weights: MobileNetV3Small built with random weights
(``weights=None``) at a small input, once for this file, fed 0-255 pixels.

What is checked: the explorers of notebook 08 follow the network's input range (0-255) instead
of fitting photos to 0-1; the layers they offer in a network with branches; their numbers against
plain Keras and a Grad-CAM written here with a tape; top-5; the features the new head is trained
on; notebook 09's section 4, its own code, run with the random network (its numbers are
meaningless and not asserted); and the peak memory of a kernel with the network built at its
real size (224), in a subprocess.
"""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from cnnlib import images, interpret, pretrained, widgets

SIZE = 96  # the smallest side at which every MobileNetV3Small stage keeps maps > 1x1
ROOT = Path(__file__).resolve().parents[1]
MEMORY_LIMIT_MB = 1536


@pytest.fixture(scope="module")
def net(keras):
    """Random weights, drawn again with He's scale: with Keras' default initial weights this
    network's signal dies out on the way (every photo gets 1/1000 for every class), and the
    checks below need outputs that differ from photo to photo and from class to class."""
    model = pretrained.build(None, SIZE)
    rng = np.random.default_rng(0)
    for lay in model.layers:
        if isinstance(lay, (keras.layers.Conv2D, keras.layers.DepthwiseConv2D)):
            shape = tuple(lay.kernel.shape)
            fan_in = np.prod(shape[:2] if isinstance(lay, keras.layers.DepthwiseConv2D)
                             else shape[:-1])
            lay.kernel.assign(rng.normal(0, np.sqrt(2 / fan_in), shape).astype(np.float32))
    return model


@pytest.fixture(scope="module")
def digit_like(keras):
    """A small plain model on pixels / 255, as the series' own."""
    inp = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(4, 3, activation="relu")(inp)
    x = keras.layers.Flatten()(x)
    return keras.Model(inp, keras.layers.Dense(10, activation="softmax")(x))


def test_the_input_range_is_read_from_the_model(net, digit_like, keras):
    assert interpret.input_range(net) == (0.0, 255.0)          # Rescaling(1/127.5, -1) first
    assert interpret.input_range(digit_like) == (0.0, 1.0)
    assert interpret.check_classifier(net).value_range == (0.0, 255.0)
    digit_like.cnnlib_value_range = (-1, 1)                    # stated by hand wins
    try:
        assert interpret.input_range(digit_like) == (-1.0, 1.0)
    finally:
        del digit_like.cnnlib_value_range


def test_photos_are_fitted_to_0_255_for_it(net):
    x, _ = interpret.fit_photo(net, "coffee")
    x01, _ = interpret.fit_photo(net, "coffee", value_range=(0, 1))
    assert x.shape == (SIZE, SIZE, 3)
    assert x.max() > 200  # would be <= 1 with the old 0-1 fitting
    np.testing.assert_allclose(x, 255 * x01, rtol=1e-5, atol=1e-3)


def test_trunk_layers_are_the_blocks_outputs(net):
    names = interpret.trunk_layers(net)
    adds = [lay.name for lay in net.layers if type(lay).__name__ == "Add"]
    assert adds and set(adds) <= set(names)  # every shortcut's join is on the trunk
    for name in names:
        shape = net.get_layer(name).output.shape
        assert len(shape) == 4 and shape[1] > 1 and shape[2] > 1, name
        assert "squeeze_excite" not in name or name.endswith("_mul"), name
        assert type(net.get_layer(name)).__name__ not in ("Conv2D", "ZeroPadding2D"), name
    # the last trunk maps are conv_1's, after its batch norm and hard-swish: (3, 3, 576) at 96
    assert net.get_layer(names[-1]).output.shape[1:] == (3, 3, 576)
    assert interpret.branches(net)


def test_plain_chains_keep_their_layers(digit_like):
    assert not interpret.branches(digit_like)
    assert interpret.trunk_layers(digit_like) == interpret.map_layers(digit_like, finished=True)


def _photos(net):
    return pretrained.photo_batch(net, ["coffee", "astronaut"])


def test_activation_explorer_shows_the_maps_keras_computes_on_0_255(net, keras):
    e = widgets.activation_explorer(net)
    assert e.last_error is None, e.last_error
    names = interpret.trunk_layers(net)
    assert [v for _, v in e.controls["layer"].options] == names
    x = e.photos.x
    assert x.shape[1:] == (SIZE, SIZE, 3) and x.max() > 1     # the bundled photos, in 0-255
    want = keras.Model(net.inputs[0], net.get_layer(names[0]).output)(x[:1])
    np.testing.assert_allclose(e.state["maps"], np.asarray(want)[0], rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(e.state["probs"], np.asarray(net(x[:1]))[0], rtol=1e-4, atol=1e-6)


def test_grad_cam_explorer_matches_a_tape_on_the_last_trunk_maps(net, keras, tf):
    e = widgets.grad_cam_explorer(net)
    assert e.last_error is None, e.last_error
    layer = interpret.trunk_layers(net)[-1]
    assert e.controls["layer"].value == layer
    x = e.photos.x[:1]
    target = e.state["target"]
    # Grad-CAM by hand: the logit is the input of the final softmax
    both = keras.Model(net.inputs[0], [net.get_layer(layer).output, net.layers[-1].input])
    with tf.GradientTape() as tape:
        maps, z = both(tf.constant(x))
        tape.watch(maps)
        score = z[0, target]
    g = tape.gradient(score, maps)
    heat = tf.nn.relu(tf.reduce_sum(tf.reduce_mean(g, axis=(1, 2), keepdims=True) * maps, -1))
    heat = tf.image.resize(heat[..., None], (SIZE, SIZE), method="bilinear")[0, ..., 0].numpy()
    heat = heat / heat.max() if heat.max() > 0 else heat
    np.testing.assert_allclose(e.state["heat"], heat, atol=1e-4)


def test_filter_visualization_stays_in_0_255(net):
    e = widgets.filter_visualization_explorer(net, filters=3, steps=5)
    assert e.last_error is None, e.last_error
    names = [v for _, v in e.controls["layer"].options]
    assert names[0] == "conv" and "logits" not in names
    assert not any("squeeze_excite" in n for n in names)       # 1x1 maps are not offered
    imgs = e.state["images"]
    assert imgs.shape == (3, SIZE, SIZE, 3)
    assert 0 <= imgs.min() and imgs.max() <= 255 and imgs.max() > 1   # not clipped to 0-1
    assert e.state["scores"][-1].mean() > e.state["scores"][0].mean()  # the ascent climbs


def test_top_k_against_a_hand_worked_example():
    probs = np.array([[0.1, 0.5, 0.05, 0.35], [0.7, 0.1, 0.1, 0.1]])
    names = ["a", "b", "c", "d"]
    assert pretrained.top_k(probs, names, k=2) == [[("b", 0.5), ("d", 0.35)],
                                                   [("a", 0.7), ("b", 0.1)]]
    with pytest.raises(ValueError, match="k must"):
        pretrained.top_k(probs, names, k=5)
    with pytest.raises(ValueError, match="probs must"):
        pretrained.top_k(probs[:, :3], names)


def test_top_k_explorer(net):
    names = [f"class {i}" for i in range(1000)]
    e = widgets.top_k_explorer(net, names)
    assert e.last_error is None, e.last_error
    p = e.state["probs"]
    order = np.argsort(p)[::-1][:5]
    assert [n for n, _ in e.state["top"]] == [names[j] for j in order]


def test_features_are_the_means_of_the_last_trunk_maps(net, keras):
    f = pretrained.features_model(net)
    x = _photos(net)
    last = net.get_layer(interpret.trunk_layers(net)[-1]).output
    maps = np.asarray(keras.Model(net.inputs[0], last)(x))
    np.testing.assert_allclose(np.asarray(f(x)), maps.mean(axis=(1, 2)), rtol=1e-4, atol=1e-5)


def test_build_checks_its_size():
    with pytest.raises(ValueError, match="size must"):
        pretrained.build(None, 16)


def test_the_class_index_loader(tmp_path):
    path = tmp_path / "index.json"
    path.write_text(json.dumps({str(i): [f"n{i}", f"name {i}"] for i in range(1000)}))
    names = pretrained.load_class_index(path)
    assert len(names) == 1000 and names[7] == "name 7"
    path.write_text(json.dumps({"0": ["n0", "tench"]}))
    with pytest.raises(ValueError, match="1000"):
        pretrained.load_class_index(path)


def _section_cells(lang):
    """Notebook 09's Setup cell, then the code of its section 4 (Keras is imported earlier in the
    notebook, by section 1)."""
    folder = ROOT / "notebooks" / ("zh" if lang == "zh" else "")
    cells = json.loads((folder / "09_modern_cnns.ipynb").read_text(encoding="utf-8"))["cells"]
    text = ["".join(c["source"]) for c in cells]
    setup = next(s for c, s in zip(cells, text) if c["cell_type"] == "code" and "cnnlib.setup(" in s)
    start = next(i for i, s in enumerate(text) if s.startswith("## 4."))
    end = next(i for i, s in enumerate(text) if i > start and s.startswith("## "))
    return [setup, "import keras"] + [s for c, s in zip(cells[start:end], text[start:end])
                                      if c["cell_type"] == "code"]


@pytest.mark.parametrize("lang", ["en"])
def test_the_section_runs_with_random_weights(net, monkeypatch, capsys, lang):
    """The "weights present" path of notebook 09's section 4, its own code, with the random network
    standing in for the pretrained one (the notebooks' SIZE in quick mode is this file's).
    The English edition only, to keep CI short: tests/test_editions.py checks that the Chinese
    one has the same code."""
    names = [f"class_{i}" for i in range(1000)]
    from cnnlib import data

    present = pretrained.Pretrained(
        data.FetchResult(pretrained.WEIGHTS_FILE, Path("w.h5"), "cache", "test"),
        data.FetchResult(pretrained.CLASS_INDEX_FILE, Path("i.json"), "cache", "test"))
    monkeypatch.setattr(pretrained, "status", lambda *a, **k: present)
    monkeypatch.setattr(pretrained, "load_pretrained", lambda *a, **k: (net, names))
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *objs: shown.extend(objs))
    space: dict = {}
    try:
        for src in _section_cells(lang):
            exec(compile(src, f"09_modern_cnns section 4 ({lang})", "exec"), space)
    finally:
        from cnnlib.text.locale import set_language

        set_language("en")
    assert space["SIZE"] == SIZE and space["have_weights"]
    assert [type(o).__name__ for o in shown] == ["Explorer"] * 4
    assert all(o.last_error is None for o in shown), [o.last_error for o in shown]
    out = capsys.readouterr().out
    assert out.count("class_") >= 5 * len(images.PHOTOS)   # a top 5 per bundled photo
    assert 0 <= space["accuracy"] <= 1 and space["f_tr"].shape[1] == 576


def test_peak_memory_with_the_network_built_at_224():
    """A fresh interpreter builds the network at 224 and runs a batch of the bundled photos,
    the activation maps, Grad-CAM and the features of 20 photos; its peak resident memory
    (VmHWM) stays under 1.5 GB."""
    code = textwrap.dedent("""
        import os
        os.environ["CNNLIB_QUICK"] = "1"
        os.environ["MPLBACKEND"] = "Agg"
        from cnnlib import images, interpret, pretrained
        model = pretrained.build(None, 224)
        x = pretrained.photo_batch(model, list(images.PHOTOS))
        interpret.probabilities(model, x)
        interpret.activations(model, x[0], interpret.trunk_layers(model))
        interpret.grad_cam(model, x[0], layer=interpret.trunk_layers(model)[-1])
        features = pretrained.features_model(model)        # the transfer-learning step
        features.predict(x.repeat(4, axis=0), batch_size=16, verbose=0)
        status = open("/proc/self/status").read()
        print(int(status.split("VmHWM:")[1].split()[0]) // 1024)
    """)
    if not Path("/proc/self/status").exists():
        pytest.skip("VmHWM is read from /proc (Linux)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    peak_mb = int(run.stdout.split()[-1])
    print(f"peak memory with MobileNetV3Small built at 224: {peak_mb} MB")
    assert peak_mb < MEMORY_LIMIT_MB


def test_build_loads_a_weights_file_in_keras_legacy_h5_format(net, tmp_path, keras):
    """Keras publishes the weights as a legacy .h5 file; build(path) loads one. Here the file is
    written from the random network with Keras' own legacy writer, under Keras' file name."""
    import h5py
    from keras.src.legacy.saving import legacy_h5_format

    path = tmp_path / pretrained.WEIGHTS_FILE
    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, net)
    again = pretrained.build(path, SIZE)
    for a, b in zip(net.weights, again.weights):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    x = _photos(net)
    np.testing.assert_allclose(np.asarray(again(x)), np.asarray(net(x)), rtol=1e-5, atol=1e-7)
