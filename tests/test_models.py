"""cnnlib.tf.models, cnnlib.train, the draw-a-digit explorer and the notebook-07 checkers.

Tiny data and one or two epochs: these tests check wiring, shapes, reproducibility and the
reference counts, not accuracy (the goals are measured by bench/models.py).
"""

import json

import numpy as np
import pytest

from cnnlib import data, drawing, models, ops


@pytest.fixture(scope="module")
def digits():
    X, y = data.offline_subset()
    tr, te = data.stratified_split(y, test_size=1000, seed=0)
    small_tr = tr[:: 16]  # 250 digits, all classes
    return (data.to_float(X[small_tr]), y[small_tr]), (data.to_float(X[te[:200]]), y[te[:200]])


@pytest.fixture(scope="module")
def seed_model(digits):
    (x, y), _ = digits
    model = models.build("seed", seed=0)
    models.train(model, x, y, epochs=2, batch_size=25, progress=False)
    return model


# ---------------------------------------------------------------------------------------------
# the models
# ---------------------------------------------------------------------------------------------
def test_seed_cnn_is_the_articles_model(tf):
    import keras

    model = models.seed_cnn()
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["InputLayer", "Conv2D", "MaxPooling2D", "Flatten", "Dense", "Dense"]
    conv, pool, dense, out = model.layers[1], model.layers[2], model.layers[4], model.layers[5]
    assert conv.filters == 32 and conv.kernel_size == (3, 3) and conv.padding == "valid"
    assert conv.activation.__name__ == "relu"
    assert pool.pool_size == (2, 2)
    assert dense.units == 100 and dense.activation.__name__ == "relu"
    assert out.units == 10 and out.activation.__name__ == "softmax"
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert model.loss == "sparse_categorical_crossentropy"
    # By hand: conv 3*3*1*32 + 32 = 320; 26 -> 13 after pooling, 13*13*32 = 5408 inputs to
    # Dense(100): 540,900; Dense(10): 1,010.
    assert model.count_params() == 320 + 540_900 + 1_010 == 542_230
    assert model.inputs[0].shape == (None, 28, 28, 1)  # functional: inputs exist before a call
    assert [r["output"] for r in models.model_table(model)][1:4] == [(26, 26, 32), (13, 13, 32),
                                                                     (5408,)]


def test_model_table_agrees_with_ops_counts():
    model = models.better_cnn()
    rows = {r["layer"]: r for r in models.model_table(model)}
    assert rows["block1_conv"]["params"] == ops.conv_param_count(5, 5, 1, 32, bias=False)
    assert rows["block2_conv"]["params"] == ops.conv_param_count(5, 5, 32, 64, bias=False)
    side = ops.output_size(ops.output_size(ops.output_size(ops.output_size(28, 5), 2, 2), 5), 2, 2)
    assert rows["flatten"]["output"] == (side * side * 64,) == (4 * 4 * 64,)
    assert rows["dense"]["params"] == ops.dense_param_count(4 * 4 * 64, 128)
    assert sum(r["params"] for r in rows.values()) == model.count_params()


def test_better_cnn_is_functional_with_batch_norm_and_dropout():
    model = models.better_cnn()
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds.count("Conv2D") >= 2 and "BatchNormalization" in kinds and "Dropout" in kinds
    assert model.inputs[0].shape == (None, 28, 28, 1)
    probs = models.predict_probs(model, np.zeros((3, 28, 28, 1), np.float32))
    assert probs.shape == (3, 10)
    np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=1e-5)


def test_build_rejects_unknown_names():
    with pytest.raises(ValueError, match="name must be one of"):
        models.build("resnet")


# ---------------------------------------------------------------------------------------------
# augmentation and training
# ---------------------------------------------------------------------------------------------
def test_augment_is_seeded_and_keeps_digits_recognizable(digits):
    (x, _), _ = digits
    a = models.augment(x[:16], seed=1)
    b = models.augment(x[:16], seed=1)
    c = models.augment(x[:16], seed=2)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    np.testing.assert_allclose(models.augment(x[:4], rotation=0, zoom=0, shift=0), x[:4],
                               atol=1e-6)
    # Small warps keep most of the ink: total brightness changes by less than a third.
    ratio = a.sum(axis=(1, 2, 3)) / x[:16].sum(axis=(1, 2, 3))
    assert np.all((ratio > 0.67) & (ratio < 1.5))
    with pytest.raises(ValueError, match="rotation"):
        models.augment(x[:2], rotation=400)


def test_augment_shift_moves_the_centre_of_mass_within_bounds(digits):
    (x, _), _ = digits
    shifted = models.augment(x[:20], seed=3, rotation=0, zoom=0, shift=0.1)
    for before, after in zip(x[:20, :, :, 0], shifted[:, :, :, 0]):
        r0, c0 = drawing.center_of_mass(before)
        r1, c1 = drawing.center_of_mass(after)
        assert abs(r1 - r0) <= 0.1 * 28 + 0.5 and abs(c1 - c0) <= 0.1 * 28 + 0.5


def test_train_returns_history_with_timings_and_shows_progress(digits, capsys):
    (x, y), (xv, yv) = digits
    model = models.build("seed", seed=0)
    history = models.train(model, x, y, epochs=2, batch_size=50, validation_data=(xv, yv),
                           desc="tiny")
    assert set(history.history) >= {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history.history["loss"]) == 2 and len(history.epoch_seconds) == 2
    assert history.seconds >= sum(history.epoch_seconds) * 0.99
    assert history.history["loss"][1] < history.history["loss"][0]
    err = capsys.readouterr().err
    assert "tiny" in err and "10/10" in err  # tqdm: 5 steps x 2 epochs


def test_train_with_augmentation_and_cosine_schedule(digits):
    (x, y), _ = digits
    model = models.better_cnn(width=8)
    history = models.train(model, x[:128], y[:128], epochs=1, batch_size=32, augment=True,
                           schedule="cosine", learning_rate=3e-3, progress=False)
    assert np.isfinite(history.history["loss"][0])
    lr = model.optimizer.learning_rate  # after 4 steps of a 4-step cosine: back near zero
    assert float(np.asarray(lr)) < 3e-3 / 2


@pytest.mark.parametrize("kwargs, match", [(dict(epochs=0), "epochs"),
                                           (dict(batch_size=0), "batch_size"),
                                           (dict(schedule="step"), "schedule")])
def test_train_rejects_bad_settings(digits, kwargs, match):
    (x, y), _ = digits
    with pytest.raises(ValueError, match=match):
        models.train(models.seed_cnn(), x[:10], y[:10], progress=False, **{"batch_size": 5, **kwargs})


def test_training_is_reproducible(digits):
    import keras

    (x, y), (xv, yv) = digits
    accs, weights = [], []
    for _ in range(2):
        keras.utils.set_random_seed(7)
        model = models.better_cnn(width=8)
        models.train(model, x[:64], y[:64], epochs=2, batch_size=32, augment=True,
                     schedule="cosine", seed=7, progress=False)
        accs.append(models.evaluate(model, xv, yv))
        weights.append(model.get_weights()[0])
    assert accs[0] == accs[1]
    np.testing.assert_allclose(weights[0], weights[1], atol=1e-6)


def test_evaluate_agrees_with_keras(seed_model, digits):
    _, (xv, yv) = digits
    _, keras_acc = seed_model.evaluate(xv, yv, verbose=0)
    assert models.evaluate(seed_model, xv, yv) == pytest.approx(keras_acc, abs=1e-6)


# ---------------------------------------------------------------------------------------------
# saving, loading, the command line
# ---------------------------------------------------------------------------------------------
def test_load_or_train_loads_in_safe_mode(seed_model, digits, tmp_path):
    _, (xv, _) = digits
    path = tmp_path / "m.keras"
    seed_model.save(path)
    loaded = models.load_or_train(path)
    np.testing.assert_allclose(models.predict_probs(loaded, xv[:20]),
                               models.predict_probs(seed_model, xv[:20]), atol=1e-6)
    assert loaded.inputs[0].shape == (None, 28, 28, 1)


def test_load_or_train_refuses_code_in_a_model_file(tmp_path):
    import keras

    inputs = keras.Input((28, 28, 1))
    outputs = keras.layers.Lambda(lambda t: t * 2)(inputs)  # arbitrary code: unsafe to load
    path = tmp_path / "lambda.keras"
    keras.Model(inputs, outputs).save(path)
    with pytest.raises(ValueError, match="(?i)unsafe|safe_mode|lambda"):
        models.load_or_train(path)


def test_load_or_train_trains_when_there_is_no_file(tmp_path, capsys):
    model = models.load_or_train(tmp_path / "none.keras", quick=True, name="seed")
    assert model.name == "seed_cnn"
    out = capsys.readouterr().out
    assert "No saved model" in out and "offline subset" in out and "Test accuracy" in out


def test_recipes():
    offline = data.load_mnist(offline=True, verbose=False)
    assert models.recipe_for("better", offline, quick=False) == models.RECIPES["better"]["offline"]
    assert models.recipe_for("better", offline, quick=True)["epochs"] == 1
    full = data.MnistData(offline.x_train, offline.y_train, offline.x_test, offline.y_test,
                          "cache", "test")
    assert models.recipe_for("seed", full, quick=False)["epochs"] == 10  # as in the article
    with pytest.raises(ValueError, match="name"):
        models.recipe_for("vgg", offline)


def test_train_command_line(tmp_path, capsys):
    from cnnlib.tf import train

    out_path = tmp_path / "model.keras"
    assert train.main(["--model", "seed", "--quick", "--offline", "--out", str(out_path)]) == 0
    out = capsys.readouterr().out
    assert "offline subset" in out and "Test accuracy" in out and str(out_path) in out
    assert out_path.is_file()
    import keras

    assert keras.models.load_model(out_path, safe_mode=True).name == "seed_cnn"


def test_train_all_digits_keeps_the_step_budget(seed_model, tmp_path, monkeypatch, capsys):
    from cnnlib.tf import train

    seen = {}

    def fake_fit(name, data, **kwargs):  # record what would be trained, skip the training
        seen.update(name=name, n_train=data.n_train, **kwargs)
        history = type("H", (), {"epoch_seconds": [0.1], "seconds": 0.1})()
        return seed_model, history, 1.0

    monkeypatch.setattr(models, "fit_recipe", fake_fit)
    assert train.main(["--all-digits", "--offline", "--out", str(tmp_path / "m.keras")]) == 0
    recipe = models.RECIPES["better"]["offline"]
    assert seen["n_train"] == 5000 and seen["name"] == "better"
    assert seen["epochs"] == round(recipe["epochs"] * 4000 / 5000)  # same number of steps
    assert "not a test" in capsys.readouterr().out


def test_pyproject_script_points_at_main():
    from pathlib import Path

    from cnnlib.tf import train

    text = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert 'cnnlib-train = "cnnlib.train:main"' in text
    assert callable(train.main)


# ---------------------------------------------------------------------------------------------
# the draw-a-digit explorer
# ---------------------------------------------------------------------------------------------
def mouse(explorer, event, x, y):
    """What the browser sends when the mouse moves on the canvas."""
    explorer.canvas._handle_frontend_event(None, {"event": event, "x": x, "y": y}, [])


def test_digit_canvas_explorer_draws_and_predicts(seed_model):
    from cnnlib import widgets
    from tests.explorer_checks import sweep

    explorer = widgets.digit_canvas_explorer(model=seed_model)
    assert "cnn-digit-canvas" in explorer.canvas._dom_classes
    assert "cnn-digit-probs" in explorer.probs_box._dom_classes
    assert explorer.state["prediction"] is None and "Draw a digit" in explorer.probs_box.value
    # a "1": press, drag down, release
    mouse(explorer, "mouse_down", 140, 40)
    for y in range(50, 250, 20):
        mouse(explorer, "mouse_move", 140 + (y - 40) // 20, y)
    mouse(explorer, "mouse_up", 150, 240)
    state = explorer.state
    assert state["prediction"] in range(10)
    np.testing.assert_allclose(state["probs"].sum(), 1, rtol=1e-5)
    # The same numbers by an independent path: prepare the ink ourselves, ask the model.
    digit = drawing.prepare_drawing(explorer.ink)["digit"]
    np.testing.assert_allclose(state["probs"], models.predict_probs(seed_model, digit[None])[0],
                               atol=1e-5)
    assert f'data-digit="{state["prediction"]}"' in explorer.probs_box.value
    assert explorer.message.value == "" and "Prediction" in explorer.info.value
    png = explorer.image.value
    explorer.controls["brush"].value = 30  # redraws, same ink
    assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    mouse(explorer, "mouse_move", 10, 10)  # pen up: moving draws nothing
    assert explorer.ink[10, 10] == 0
    explorer.clear_button.click()
    assert explorer.ink.max() == 0 and explorer.state["prediction"] is None
    assert explorer.image.value != png
    report = sweep(explorer)
    assert report["ok"] > 0 and report["message"] == 0


def test_digit_canvas_explorer_reads_a_real_digit(seed_model):
    from cnnlib import widgets

    explorer = widgets.digit_canvas_explorer(model=seed_model)
    explorer.example_button.click()
    assert explorer.state["example_label"] in range(10)
    assert explorer.state["steps"]["digit"].shape == (28, 28)
    assert explorer.state["prediction"] in range(10)


def test_digit_canvas_explorer_touch(seed_model):
    from cnnlib import widgets

    explorer = widgets.digit_canvas_explorer(model=seed_model, size=140)
    send = explorer.canvas._handle_frontend_event
    send(None, {"event": "touch_start", "touches": [{"x": 70, "y": 20}]}, [])
    send(None, {"event": "touch_move", "touches": [{"x": 70, "y": 120}]}, [])
    send(None, {"event": "touch_end", "touches": []}, [])
    assert explorer.state["prediction"] in range(10)
    with pytest.raises(ValueError, match="size"):
        widgets.digit_canvas_explorer(model=seed_model, size=20)


def test_notebook_07_is_stripped_and_uses_the_package():
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "notebooks" / "07_mnist_cnn.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "digit_canvas_explorer()" in code or "digit_canvas_explorer(" in code
    assert "load_mnist(" in code and 'build("seed"' in code and 'build("better"' in code
    assert "def " not in code, "helpers belong in cnnlib, not in the notebook"
