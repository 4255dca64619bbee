"""load_mnist's sources, end to end: cache -> CNNLIB_MNIST_URL -> Keras' URL -> offline subset.

Downloads go to an HTTP server this file starts on 127.0.0.1, serving a small fake mnist.npz
(a few digits in Keras' format) whose SHA-256 the tests pass in. A guard refuses any connection
to another address, so nothing leaves the machine.
"""

import hashlib
import os
import socket
import time

import numpy as np
import pytest

from cnnlib import data
from cnnlib.tf import downloads
from tests.local_server import refuse_other_hosts, serve

STALL_TIMEOUT = 1.0  # seconds load_mnist may wait for the stalled server


def fake_npz(path, n_train=6, n_test=4, seed=0, **bad):
    """A tiny mnist.npz with Keras' keys and dtypes (``bad`` replaces arrays)."""
    rng = np.random.default_rng(seed)
    arrays = {"x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
              "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
              "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
              "y_test": rng.integers(0, 10, n_test, dtype=np.uint8)}
    arrays.update(bad)
    np.savez_compressed(path, **arrays)
    return arrays


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


@pytest.fixture(autouse=True)
def only_localhost(monkeypatch):
    """Refuse every connection except to 127.0.0.1, and forget any mirror set outside."""
    refuse_other_hosts(monkeypatch)
    monkeypatch.setattr(data, "MNIST_URL", "http://127.0.0.1:9/keras-mnist.npz")
    monkeypatch.delenv(data.MIRROR_ENV, raising=False)
    monkeypatch.delenv("CNNLIB_DOWNLOAD_TIMEOUT", raising=False)


@pytest.fixture
def server(tmp_path):
    """A local HTTP server: /good.npz and /other.npz (a different file), anything else 404,
    /stall accepts the request and never answers. ``.log`` lists the paths asked for."""
    good, other = tmp_path / "served_good.npz", tmp_path / "served_other.npz"
    arrays = fake_npz(good)
    fake_npz(other, seed=1)
    files = {"/good.npz": good.read_bytes(), "/other.npz": other.read_bytes()}
    with serve(files) as srv:
        srv.arrays, srv.good_sha = arrays, sha256(files["/good.npz"])
        srv.good_bytes = files["/good.npz"]
        yield srv


def load(tmp_path, **kwargs):
    kwargs.setdefault("paths", [tmp_path / "cache" / "mnist.npz"])
    kwargs.setdefault("save_to", tmp_path / "keras" / "mnist.npz")
    kwargs.setdefault("timeout", 5)
    return data.load_mnist(offline=False, **kwargs)


# ---------------------------------------------------------------------------------------------
# the four cases against the local server
# ---------------------------------------------------------------------------------------------
def test_a_good_file_is_downloaded_used_and_kept(server, tmp_path, capsys):
    d = load(tmp_path, urls=[server.url("/good.npz")], sha256=server.good_sha)
    assert d.source == "download" and d.origin == server.url("/good.npz")
    np.testing.assert_array_equal(d.x_train, server.arrays["x_train"])
    np.testing.assert_array_equal(d.y_test, server.arrays["y_test"])
    kept = tmp_path / "keras" / "mnist.npz"
    assert kept.read_bytes() == server.good_bytes
    assert os.listdir(kept.parent) == ["mnist.npz"], "no temporary file left behind"
    assert "MNIST from download" in capsys.readouterr().out
    # The next load finds it in the cache and asks the server nothing.
    asked = len(server.log)
    again = load(tmp_path, paths=[kept], urls=[server.url("/good.npz")], sha256=server.good_sha)
    assert again.source == "cache" and len(server.log) == asked


def test_a_file_with_the_wrong_hash_is_rejected_naming_the_path_and_the_fix(server, tmp_path):
    d = load(tmp_path, urls=[server.url("/other.npz")], sha256=server.good_sha, verbose=False)
    assert d.source == "offline subset"
    note = next(n for n in d.notes if "SHA-256" in n)
    target = tmp_path / "keras" / "mnist.npz"
    assert server.url("/other.npz") in note and str(target) in note
    assert "NOT saved" in note and data.MIRROR_ENV in note and "by hand" in note
    assert not target.exists() and os.listdir(target.parent) == [], "nothing half-written"


def test_a_404_moves_on_to_the_next_source(server, tmp_path, capsys):
    d = load(tmp_path, urls=[server.url("/missing.npz"), server.url("/good.npz")],
             sha256=server.good_sha)
    assert d.source == "download" and d.origin == server.url("/good.npz")
    assert server.log == ["/missing.npz", "/good.npz"]
    out = capsys.readouterr().out
    assert "404" in out and server.url("/missing.npz") in out  # why the first one failed
    assert any("404" in n for n in d.notes)


def test_a_stalled_server_ends_within_the_timeout(server, tmp_path):
    start = time.perf_counter()
    d = load(tmp_path, urls=[server.url("/stall")], sha256=server.good_sha,
             timeout=STALL_TIMEOUT, verbose=False)
    took = time.perf_counter() - start
    assert took < STALL_TIMEOUT + 10
    assert server.log == ["/stall"], "the server was reached, then stalled"
    assert d.source == "offline subset"
    note = next(n for n in d.notes if server.url("/stall") in n)
    assert "stalled" in note and f"{STALL_TIMEOUT:g} s" in note


# ---------------------------------------------------------------------------------------------
# the order of the sources
# ---------------------------------------------------------------------------------------------
def test_the_mirror_is_tried_before_keras_url(server, tmp_path, monkeypatch):
    monkeypatch.setattr(data, "MNIST_URL", server.url("/good.npz"))
    monkeypatch.setenv(data.MIRROR_ENV, server.url("/missing.npz"))
    assert data.mnist_urls() == [server.url("/missing.npz"), server.url("/good.npz")]
    d = load(tmp_path, sha256=server.good_sha, verbose=False)
    assert server.log == ["/missing.npz", "/good.npz"]
    assert d.origin == server.url("/good.npz")
    assert any(server.url("/missing.npz") in n and "404" in n for n in d.notes)


def test_a_working_mirror_means_keras_url_is_never_asked(server, tmp_path, monkeypatch):
    monkeypatch.setattr(data, "MNIST_URL", server.url("/other.npz"))
    monkeypatch.setenv(data.MIRROR_ENV, server.url("/good.npz"))
    d = load(tmp_path, sha256=server.good_sha, verbose=False)
    assert d.source == "download" and server.log == ["/good.npz"]


def test_a_good_cache_comes_first(server, tmp_path):
    cached = tmp_path / "cache" / "mnist.npz"
    cached.parent.mkdir()
    cached.write_bytes(server.good_bytes)
    d = load(tmp_path, paths=[cached], urls=[server.url("/good.npz")], sha256=server.good_sha)
    assert d.source == "cache" and server.log == []


def test_everything_failing_says_why_for_each_source(server, tmp_path, capsys):
    d = load(tmp_path, urls=[server.url("/missing.npz")], sha256=server.good_sha)
    out = capsys.readouterr().out
    assert d.source == "offline subset"
    assert "no mnist.npz at" in out and str(tmp_path / "cache" / "mnist.npz") in out
    assert "404" in out and data.MIRROR_ENV in out and "README" in out
    assert out.rstrip().splitlines()[-1].startswith("MNIST from offline subset")


def test_the_probe_goes_to_the_url_being_tried(server, tmp_path, monkeypatch):
    seen = []
    real = socket.create_connection

    def recording(address, *args, **kwargs):
        seen.append(tuple(address))
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", recording)
    port = int(server.url("").rsplit(":", 1)[1])
    downloads.probe(server.url("/good.npz"), timeout=5)
    assert seen == [("127.0.0.1", port)]
    seen.clear()
    with pytest.raises(OSError):  # nothing listens on port 9 here
        downloads.probe("http://127.0.0.1:9/mnist.npz", timeout=5)
    assert seen == [("127.0.0.1", 9)]


# ---------------------------------------------------------------------------------------------
# bad input gets a ValueError that names it
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["abc", "0", "-5", "nan"])
def test_a_bad_download_timeout_names_the_variable(monkeypatch, tmp_path, value):
    monkeypatch.setenv("CNNLIB_DOWNLOAD_TIMEOUT", value)
    with pytest.raises(ValueError, match=f"CNNLIB_DOWNLOAD_TIMEOUT.*{value}"):
        data.load_mnist(offline=True, paths=[], verbose=False)


def test_a_bad_mirror_names_the_variable(monkeypatch):
    monkeypatch.setenv(data.MIRROR_ENV, "mirrors.example/mnist.npz")
    with pytest.raises(ValueError, match=data.MIRROR_ENV):
        data.load_mnist(offline=False, paths=[], verbose=False)


def test_paths_must_be_a_list(tmp_path):
    path = tmp_path / "mnist.npz"
    fake_npz(path)
    for single in (str(path), path):
        with pytest.raises(ValueError, match=r"paths must be a list.*paths=\["):
            data.load_mnist(paths=single, sha256=sha256(path.read_bytes()), verbose=False)
    with pytest.raises(ValueError, match="urls must be a list"):
        data.load_mnist(paths=[], urls="http://127.0.0.1:9/m.npz", verbose=False)


@pytest.mark.parametrize("bad, match", [
    (dict(x_train=np.full((6, 28, 28), 300, np.int32)), r"x_train.*\[0, 255\]"),
    (dict(x_test=np.full((4, 28, 28), -1.0)), r"x_test.*\[0, 255\]"),
    (dict(y_train=np.array([0, 1, 2, 3, 4, 12])), r"y_train.*\[0, 9\]"),
    (dict(y_test=np.array([0.5, 1, 2, 3])), r"y_test.*whole numbers"),
])
def test_values_out_of_range_are_refused_even_with_the_right_hash(tmp_path, bad, match):
    path = tmp_path / "mnist.npz"
    fake_npz(path, **bad)
    with pytest.raises(ValueError, match=match) as err:
        data.load_mnist(paths=[path], sha256=sha256(path.read_bytes()), verbose=False)
    assert str(path) in str(err.value)


def test_odd_things_named_mnist_npz_are_skipped_with_a_note(tmp_path):
    folder = tmp_path / "a" / "mnist.npz"
    folder.mkdir(parents=True)
    dangling = tmp_path / "b" / "mnist.npz"
    dangling.parent.mkdir()
    dangling.symlink_to(tmp_path / "gone.npz")
    fifo = tmp_path / "c" / "mnist.npz"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    start = time.perf_counter()
    with pytest.warns(data.MnistCacheWarning) as caught:
        d = data.load_mnist(offline=True, paths=[folder, dangling, fifo], verbose=False)
    assert time.perf_counter() - start < 10, "a FIFO is never opened (that would block)"
    assert d.source == "offline subset"
    said = [str(w.message) for w in caught]
    assert any(str(folder) in m and "directory" in m for m in said)
    assert any(str(dangling) in m and "dangling link" in m for m in said)
    assert any(str(fifo) in m and "FIFO" in m for m in said)
    assert sum(any(str(p) in n for n in d.notes) for p in (folder, dangling, fifo)) == 3


def test_the_readme_says_how_to_put_mnist_in_place_by_hand():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Data"):]
    section = section[: section.index("\n## ", 1)]
    assert data.MNIST_SHA256 in section and "sha256sum mnist.npz" in section
    assert data.cache_paths()[0].relative_to(root).as_posix() in section  # data/mnist.npz
    assert f"export {data.MIRROR_ENV}=" in section and "CNNLIB_DOWNLOAD_TIMEOUT" in section
