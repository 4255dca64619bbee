"""Nothing lost, nothing silently wrong: model files (atomic saves, damaged files, the sidecar,
the command line that never overwrites) and a clear ValueError for every bad input.

Models here are tiny and mostly untrained: these tests check what happens to files and
arguments, not accuracy.
"""

import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest

from cnnlib import architectures, data, drawing, interpret, metrics, models
from cnnlib.tf import train

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tiny(tf):
    """A small untrained model with the series' input and output."""
    return models.build("tiny", seed=0)


@pytest.fixture
def saved(tiny, tmp_path):
    path = tmp_path / "mnist_cnn.keras"
    models.save_model(tiny, path)
    return path


class FakeHistory:
    epoch_seconds = [0.1]
    seconds = 0.1


@pytest.fixture
def no_training(tiny, monkeypatch):
    """train.main without the training: records what fit_recipe was asked for."""
    seen = {}

    def fake_fit(name, data, **kwargs):
        seen.update(name=name, n_train=data.n_train, **kwargs)
        return tiny, FakeHistory(), 0.5

    monkeypatch.setattr(models, "fit_recipe", fake_fit)
    return seen


# ---------------------------------------------------------------------------------------------
# 1. model files never lost
# ---------------------------------------------------------------------------------------------
def test_an_interrupted_save_leaves_the_old_file_intact(saved, tmp_path):
    before = saved.read_bytes()

    class Interrupted:
        name = "half"

        def save(self, path):
            with open(path, "wb") as fh:  # half a file, then the kernel is interrupted
                fh.write(before[: len(before) // 2])
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        models.save_model(Interrupted(), saved)
    assert saved.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["mnist_cnn.json", "mnist_cnn.keras"], "no temp left"
    assert models.load_model(saved).count_params() > 0


def test_save_writes_in_the_same_folder_then_replaces(tiny, tmp_path, monkeypatch):
    moves = []
    real = os.replace

    def recording(src, dst):
        moves.append((Path(src).parent, Path(dst)))
        return real(src, dst)

    monkeypatch.setattr(os, "replace", recording)
    path = tmp_path / "m.keras"
    models.save_model(tiny, path)
    assert moves == [(tmp_path, path), (tmp_path, tmp_path / "m.json")]
    with pytest.raises(ValueError, match=r"\.keras"):
        models.save_model(tiny, tmp_path / "m.h5")


def test_a_damaged_file_gets_a_clear_error(saved, tmp_path):
    good = saved.read_bytes()
    not_keras = tmp_path / "other.keras"
    with zipfile.ZipFile(not_keras, "w") as zf:
        zf.writestr("readme.txt", "not a model")
    cases = {"eleven.keras": b"x" * 11, "truncated.keras": good[: len(good) // 2],
             "text.keras": b"hello, world\n" * 20}
    for name, raw in cases.items():
        (tmp_path / name).write_bytes(raw)
    for path in [tmp_path / n for n in cases] + [not_keras]:
        with pytest.raises(ValueError) as err:
            models.load_model(path)
        msg = str(err.value)
        assert str(path) in msg and "damaged" in msg
        assert f'python -m cnnlib.train --force --out "{path}"' in msg
        assert "not found" not in msg.lower()
    with pytest.raises(FileNotFoundError, match="No model file"):
        models.load_model(tmp_path / "none.keras")


def test_the_default_path_retrain_command_is_short():
    assert models.retrain_command() == "python -m cnnlib.train --force"


def test_load_or_train_explains_a_damaged_file_and_still_gives_a_model(tmp_path, capsys):
    path = tmp_path / "mnist_cnn.keras"
    path.write_bytes(b"x" * 11)
    model = models.load_or_train(path, quick=True, name="seed")
    assert model.name == "seed_cnn"
    out = capsys.readouterr().out
    assert "damaged" in out and "python -m cnnlib.train --force" in out and "Test accuracy" in out
    assert path.read_bytes() == b"x" * 11, "the damaged file is left for the learner"


def test_save_if_none_keeps_a_valid_model(saved, tiny, capsys):
    before = saved.read_bytes()
    assert models.save_if_none(tiny, saved) is False
    assert saved.read_bytes() == before
    out = capsys.readouterr().out
    assert "Kept" in out and str(saved) in out and "--force" in out


def test_save_if_none_replaces_a_damaged_file_and_saves_when_none(tiny, tmp_path, capsys):
    damaged = tmp_path / "a.keras"
    damaged.write_bytes(b"x" * 11)
    assert models.save_if_none(tiny, damaged) is True
    assert models.load_model(damaged).name == tiny.name
    fresh = tmp_path / "b.keras"
    assert models.save_if_none(tiny, fresh) is True and fresh.is_file()
    assert "damaged" in capsys.readouterr().out


def test_notebooks_save_and_load_through_the_safe_functions():
    nb06 = json.loads((ROOT / "notebooks" / "07_mnist_cnn.ipynb").read_text(encoding="utf-8"))
    nb07 = json.loads((ROOT / "notebooks" / "08_what_the_network_learned.ipynb")
                      .read_text(encoding="utf-8"))
    code06 = "\n".join("".join(c["source"]) for c in nb06["cells"] if c["cell_type"] == "code")
    code07 = "\n".join("".join(c["source"]) for c in nb07["cells"] if c["cell_type"] == "code")
    assert ".save(" not in code06 and "models.save_if_none(" in code06
    assert "models.load_or_train(" in code07 and "models.training_info(model)" in code07
    prose07 = "\n".join("".join(c["source"]) for c in nb07["cells"]
                        if c["cell_type"] == "markdown")
    assert "never trained on" not in prose07  # the code cell says it, only when it is true


# ---------------------------------------------------------------------------------------------
# the command line
# ---------------------------------------------------------------------------------------------
def test_the_command_line_refuses_to_overwrite(saved, no_training, capsys):
    before = saved.read_bytes()
    with pytest.raises(SystemExit) as exit_:
        train.main(["--quick", "--offline", "--out", str(saved)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert str(saved) in err and "--force" in err
    assert no_training == {}, "refused before any work"
    assert saved.read_bytes() == before


def test_force_replaces_it(tmp_path, tiny, no_training):
    path = tmp_path / "mnist_cnn.keras"
    path.write_bytes(b"an older model")
    assert train.main(["--quick", "--offline", "--force", "--out", str(path)]) == 0
    assert no_training["name"] == "better"
    assert models.load_model(path).name == tiny.name  # what fit_recipe returned
    assert models.model_info(path)["all_digits"] is False


@pytest.mark.parametrize("args, match", [
    (["--out", "{tmp}/model.txt"], "--out: must be a file name ending in .keras"),
    (["--out", "{tmp}/afile/model.keras"], "--out: folder .* cannot be made"),
    (["--out", "{tmp}"], "--out: must be a file name ending in .keras"),
    (["--out", "{tmp}/dir.keras"], "is a folder"),
    (["--out", "{tmp}/locked/model.keras"], "not writable"),
    (["--seed", "-1"], "--seed: must be a whole number >= 0, got -1"),
    (["--seed", "abc"], "--seed: must be a whole number >= 0"),
])
def test_bad_arguments_exit_2_before_any_work(tmp_path, no_training, capsys, monkeypatch, args,
                                             match):
    (tmp_path / "afile").write_text("a file, not a folder")
    (tmp_path / "dir.keras").mkdir()
    locked = tmp_path / "locked"
    locked.mkdir()
    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args, dir=None, **kwargs):  # a read-only folder (root may write anywhere)
        if dir is not None and Path(dir) == locked:
            raise PermissionError(13, "Permission denied")
        return real_mkstemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    args = [a.format(tmp=tmp_path) for a in args]
    with pytest.raises(SystemExit) as exit_:
        train.main(["--offline", *args])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith("usage: python -m cnnlib.train")
    assert len([line for line in err if "error:" in line]) == 1
    import re

    assert re.search(match, err[-1]), err[-1]
    assert no_training == {}


def test_a_missing_folder_that_can_be_made_is_fine(tmp_path, no_training):
    out = tmp_path / "new" / "deeper" / "m.keras"
    assert train.main(["--quick", "--offline", "--out", str(out)]) == 0
    assert out.is_file()


def test_out_is_checked_by_trying_and_leaves_no_trace(tmp_path, no_training, capsys):
    """The folder is made and a file written and removed there before any work; only the
    model (and its sidecar) are left."""
    out = tmp_path / "made" / "m.keras"
    args = train.parse_args(["--offline", "--out", str(out)])
    assert args.out == out and out.parent.is_dir() and list(out.parent.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_folder_no_one_can_make_gives_one_line_and_exit_2():
    """/proc refuses new folders even to root, for whom os.access says yes to everything."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-m", "cnnlib.train", "--offline", "--out",
                          "/proc/nope/m.keras"], env=env, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    errors = [line for line in run.stderr.splitlines() if "error:" in line]
    assert errors == [run.stderr.strip().splitlines()[-1]]
    assert "--out: folder '/proc/nope' cannot be made" in errors[0]
    assert not Path("/proc/nope").exists()


def test_bad_arguments_from_a_shell_give_no_traceback(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for args in (["--out", str(tmp_path / "m.txt")], ["--seed", "-1"]):
        run = subprocess.run([sys.executable, "-m", "cnnlib.train", *args], env=env,
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 2 and "Traceback" not in run.stderr
        lines = run.stderr.strip().splitlines()
        assert lines[0].startswith("usage:") and lines[-1].startswith("python -m cnnlib.train: "
                                                                       "error: argument")


def test_the_command_line_speaks_chinese_when_asked(tmp_path):
    """--lang zh (or CNNLIB_LANG=zh): the error line and the help are Chinese; a language
    cnnlib does not speak is refused, naming it."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("CNNLIB_LANG", None)
    run = subprocess.run([sys.executable, "-m", "cnnlib.train", "--lang", "zh", "--seed", "-1"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines()[-1].endswith("必须是 >= 0 的整数，现在是 -1")
    run = subprocess.run([sys.executable, "-m", "cnnlib.train", "--help"],
                         env={**env, "CNNLIB_LANG": "zh"}, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0 and "随机种子" in run.stdout
    run = subprocess.run([sys.executable, "-m", "cnnlib.train", "--help"],
                         env={**env, "CNNLIB_LANG": "fr"}, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 2 and "lang='fr'" in run.stderr and "Traceback" not in run.stderr


def test_all_digits_is_recorded_in_the_sidecar(tmp_path, no_training, capsys):
    out = tmp_path / "mnist_cnn.keras"
    assert train.main(["--all-digits", "--offline", "--out", str(out)]) == 0
    sidecar = tmp_path / "mnist_cnn.json"
    meta = json.loads(sidecar.read_text(encoding="utf-8"))
    assert meta["all_digits"] is True and meta["n_train"] == 5000
    assert meta["test_accuracy"] is None
    assert models.training_info(models.load_model(out))["all_digits"] is True
    assert "mnist_cnn.json" in capsys.readouterr().out


# ---------------------------------------------------------------------------------------------
# 2. every bad input gets an error that names it: training
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def digits():
    X, y = data.offline_subset()
    return data.to_float(X[:40]), y[:40]


def test_fit_recipe_honours_epochs_in_quick_mode(monkeypatch, tf):
    seen = {}

    def fake_train(model, x, y, **kwargs):
        seen.update(kwargs)
        return FakeHistory()

    # fit_recipe calls them from its own module, models.recipes
    monkeypatch.setattr(models.recipes, "train", fake_train)
    monkeypatch.setattr(models.recipes, "evaluate", lambda *a, **k: 0.5)
    offline = data.load_mnist(offline=True, verbose=False)
    models.fit_recipe("seed", offline, quick=True, epochs=3, progress=False)
    assert seen["epochs"] == 3
    models.fit_recipe("seed", offline, quick=True, progress=False)
    assert seen["epochs"] == 1  # quick mode's own default
    with pytest.raises(ValueError, match="overrides must be among.*epoch"):
        models.fit_recipe("seed", offline, quick=True, epoch=3)


@pytest.mark.parametrize("augment, match", [
    ({"rotation": 1000}, r"rotation must be a number in \[0, 180\], got 1000"),
    ({"rotate": 5}, r"augment keys must be among rotation, zoom, shift, shear, elastic, elastic_sigma; got 'rotate'"),
    ({"zoom": "big"}, "zoom must be a number"),
    ("yes", "augment must be True, False or a dict"),
])
def test_train_checks_augmentation(tiny, digits, augment, match):
    x, y = digits
    with pytest.raises(ValueError, match=match):
        models.train(tiny, x, y, epochs=1, batch_size=8, augment=augment, progress=False)


@pytest.mark.parametrize("change, match", [
    (lambda x, y: (x * 255, y), r"x must be floats in \[0, 1\].*to_float"),
    (lambda x, y: (np.where(x > 0.5, np.nan, x), y), "x must hold finite numbers"),
    (lambda x, y: (x, y + 10), r"y must be in \[0, 9\]"),
    (lambda x, y: (x, y - 1), r"y must be in \[0, 9\]"),
    (lambda x, y: (x, y + 0.5), "y must be whole numbers"),
    (lambda x, y: (x, y[:-3]), "one label per digit: 40 digits"),
    (lambda x, y: (x[..., 0], y), r"x must be digits \(N, H, W, C\)"),
])
def test_train_and_evaluate_check_digits_and_labels(tiny, digits, change, match):
    x, y = change(*digits)
    with pytest.raises(ValueError, match=match):
        models.train(tiny, x, y, epochs=1, batch_size=8, progress=False)
    with pytest.raises(ValueError, match=match):
        models.evaluate(tiny, x, y)


def test_train_checks_validation_data(tiny, digits):
    x, y = digits
    with pytest.raises(ValueError, match=r"validation_data labels must be in \[0, 9\]"):
        models.train(tiny, x, y, epochs=1, batch_size=8, validation_data=(x, y + 10),
                     progress=False)


def test_predict_probs_takes_one_28x28_digit(tiny, digits):
    x, _ = digits
    one = models.predict_probs(tiny, x[0, ..., 0])
    np.testing.assert_allclose(one, models.predict_probs(tiny, x[:1]), atol=1e-6)
    assert one.shape == (1, 10)
    with pytest.raises(ValueError, match=r"x must be digits of shape \(28, 28, 1\).*\(5, 5, 1\)"):
        models.predict_probs(tiny, np.zeros((5, 5)))
    with pytest.raises(ValueError, match=r"got shape \(1, 2, 28, 28, 1\)"):
        models.predict_probs(tiny, np.zeros((1, 2, 28, 28, 1)))


# ---------------------------------------------------------------------------------------------
# drawing, confusion matrix
# ---------------------------------------------------------------------------------------------
def test_prepare_drawing_refuses_what_it_cannot_read():
    ink = np.zeros((60, 60))
    drawing.draw_stroke(ink, [(20, 10), (30, 50)], width=8)
    with_inf = ink.copy()
    with_inf[5, 5] = np.inf
    with pytest.raises(ValueError, match="ink must hold finite values"):
        drawing.prepare_drawing(with_inf)
    for white in (np.ones((60, 60)), np.full((60, 60), 255.0)):
        with pytest.raises(ValueError, match="every pixel is ink.*1 - image"):
            drawing.prepare_drawing(white)
    for threshold in (2, -0.1, float("nan")):
        with pytest.raises(ValueError, match=r"threshold must be a number in \[0, 1\)"):
            drawing.prepare_drawing(ink, threshold=threshold)
    assert drawing.prepare_drawing(ink)["digit"].shape == (28, 28)  # a real drawing still works


def test_confusion_matrix_refuses_labels_that_are_not_whole_numbers():
    with pytest.raises(ValueError, match="y_true must hold whole-number labels"):
        metrics.confusion_matrix([np.nan], [1])
    with pytest.raises(ValueError, match=r"y_pred must hold whole-number labels.*1\.7"):
        metrics.confusion_matrix([1], [1.7])
    assert metrics.confusion_matrix([1.0, 2], [1, 2])[1, 1] == 1  # 1.0 is a whole number


def test_draw_stroke_names_an_int_canvas():
    with pytest.raises(ValueError, match="ink must be a float array.*int"):
        drawing.draw_stroke(np.zeros((10, 10), dtype=int), [(2, 2), (8, 8)])


# ---------------------------------------------------------------------------------------------
# architectures.summarize and interpret
# ---------------------------------------------------------------------------------------------
def _spec(*layers, shape=(32, 32, 3)):
    return {"input": shape, "layers": list(layers)}


@pytest.mark.parametrize("spec, match", [
    ({}, "spec must be a name .* or a dict with 'input'"),
    ({"input": (28, 28)}, "dict with 'input'"),
    (_spec(shape=(28, 28)), r"input must be \(H, W, C\)"),
    (_spec({"type": "conv", "filters": 8}), r"layer 0 \(conv\): a conv layer needs filters, "
                                           r"kernel; kernel is missing"),
    (_spec({"type": "conv", "filters": 8, "kernel": 3, "groups": 0}),
     "layer 0 .*groups must be an integer >= 1, got 0"),
    (_spec({"type": "conv", "filters": "32", "kernel": 3}),
     "filters must be an integer >= 1, got '32'"),
    (_spec("conv"), r"layer 0 \(\?\): must be a dict .*got 'conv'"),
    (_spec(None), r"layer 0 \(\?\): must be a dict .*got None"),
    (_spec({"type": "pool", "size": 2, "mode": "median"}), "mode must be one of max, avg; got "
                                                           "'median'"),
    (_spec({"type": "conv", "filters": 8, "kernel": 3, "connections": -3}),
     "connections must be an integer >= 1, got -3"),
    (_spec({"type": "conv", "filters": 8, "kernel": 3, "connections": 25}),
     r"connections must be in \[1, 24\]"),
    (_spec({"type": "bottleneck", "filters": (8, 8)}), "filters must be 3 integers"),
    (_spec({"type": "inception", "branches": (1, 2, 3, 4, 5, 0)}), "branches must be an integer"),
    (_spec({"type": "dense"}), "a dense layer needs units; units is missing"),
    (_spec({"type": "warp"}), "type must be one of"),
])
def test_summarize_names_every_bad_spec(spec, match):
    with pytest.raises(ValueError, match=match):
        architectures.summarize(spec)


def test_summarize_still_counts_the_classics():
    lenet = architectures.summarize("LeNet-5")  # with its partial connection table
    assert [r["type"] for r in lenet][:3] == ["input", "conv", "pool"]
    assert architectures.total_params("VGG-16") == 138_357_544


@pytest.mark.parametrize("lr", [float("nan"), float("inf")])
def test_interpret_refuses_a_non_finite_lr(tiny, lr):
    with pytest.raises(ValueError, match="lr must be a finite number"):
        interpret.class_image(tiny, classes=[0], steps=2, lr=lr)
    layer = interpret.conv_layers(tiny)[0]
    with pytest.raises(ValueError, match="lr must be a finite number"):
        interpret.visualize_filter(tiny, layer, index=0, steps=2, lr=lr)
