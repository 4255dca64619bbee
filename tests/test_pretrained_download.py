"""The pretrained network's files, end to end: cache -> CNNLIB_WEIGHTS_URL -> Keras' URL.

Downloads go to an HTTP server this file starts on 127.0.0.1, serving small files the tests
make; their MD5s (and, for the SHA-256 case, SHA-256s) are computed here with hashlib and handed
to the chain in place of Keras' own. A guard refuses any connection to another address.
"""

import hashlib
import json
import time

import pytest

from cnnlib import data, pretrained
from tests.local_server import refuse_other_hosts, serve

STALL_TIMEOUT = 1.0


def md5(raw: bytes) -> str:
    return hashlib.md5(raw).hexdigest()


FAKE_WEIGHTS = b"not really weights, but bytes with a known MD5\n" * 50
OTHER_BYTES = b"a different file under the same name\n" * 50
FAKE_INDEX = json.dumps({str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}).encode()


@pytest.fixture(autouse=True)
def only_localhost(monkeypatch, tmp_path):
    """Refuse every connection except to 127.0.0.1; fresh data and Keras folders; no mirror."""
    refuse_other_hosts(monkeypatch)
    monkeypatch.setenv("CNNLIB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.delenv(pretrained.MIRROR_ENV, raising=False)
    monkeypatch.delenv("CNNLIB_DOWNLOAD_TIMEOUT", raising=False)
    monkeypatch.delenv("CNNLIB_OFFLINE", raising=False)


@pytest.fixture
def server():
    """/mirror/<name> and /keras/<name>: the fake weights and class index; /bad/<name>: other
    bytes under the same names; anything else 404; /stall/... never answers."""
    files = {}
    for name, body in ((pretrained.WEIGHTS_FILE, FAKE_WEIGHTS),
                       (pretrained.CLASS_INDEX_FILE, FAKE_INDEX)):
        files[f"/mirror/{name}"] = files[f"/keras/{name}"] = body
        files[f"/bad/{name}"] = OTHER_BYTES
    with serve(files) as srv:
        yield srv


@pytest.fixture
def fake_keras(monkeypatch, server):
    """Keras' URLs and MD5s replaced by the local server's and the fake files' own."""
    monkeypatch.setattr(pretrained, "_FILES", {
        pretrained.WEIGHTS_FILE: (md5(FAKE_WEIGHTS),
                                  f"{server.base}/keras/{pretrained.WEIGHTS_FILE}"),
        pretrained.CLASS_INDEX_FILE: (md5(FAKE_INDEX),
                                      f"{server.base}/keras/{pretrained.CLASS_INDEX_FILE}"),
    })
    return server


def test_keras_hashes_are_the_ones_in_keras_source():
    """The names, URLs and MD5s are Keras' own (read from the installed Keras)."""
    from keras.src.applications import imagenet_utils, mobilenet_v3

    assert pretrained.WEIGHTS_MD5 == mobilenet_v3.WEIGHTS_HASHES["small_224_1.0_float"][0]
    assert pretrained.WEIGHTS_URL == mobilenet_v3.BASE_WEIGHT_PATH + pretrained.WEIGHTS_FILE
    assert pretrained.CLASS_INDEX_URL == imagenet_utils.CLASS_INDEX_PATH
    import inspect
    assert f'file_hash="{pretrained.CLASS_INDEX_MD5}"' in inspect.getsource(
        imagenet_utils.decode_predictions)


def test_hash_algorithm_is_told_by_length_as_keras_does():
    assert data.hash_algorithm("0" * 32) == "md5"
    assert data.hash_algorithm("a" * 64) == "sha256"
    for bad in ("0" * 40, "z" * 32, 123):
        with pytest.raises(ValueError, match="64 hex digits"):
            data.hash_algorithm(bad)


def test_a_good_file_from_the_mirror_is_kept_in_keras_cache(fake_keras, monkeypatch, tmp_path):
    monkeypatch.setenv(pretrained.MIRROR_ENV, fake_keras.base + "/mirror/")
    found = pretrained.status(offline=False, timeout=5)
    assert found.ok, found.weights.notes
    assert found.weights.source == "download"
    assert found.weights.origin == f"{fake_keras.base}/mirror/{pretrained.WEIGHTS_FILE}"
    kept = tmp_path / "keras" / "models" / pretrained.WEIGHTS_FILE
    assert found.weights.path == kept and kept.read_bytes() == FAKE_WEIGHTS
    assert "/keras/" not in "".join(fake_keras.log)  # the mirror answered: Keras' URL untried
    # the second time, the cache answers: no request at all
    n = len(fake_keras.log)
    again = pretrained.status(offline=False, timeout=5)
    assert again.weights.source == again.class_index.source == "cache"
    assert len(fake_keras.log) == n
    assert pretrained.load_class_index(again.class_index.path)[:2] == ["class_0", "class_1"]


def test_a_wrong_md5_is_refused_and_keras_url_is_tried_next(fake_keras, monkeypatch, tmp_path):
    monkeypatch.setenv(pretrained.MIRROR_ENV, fake_keras.base + "/bad")
    result = pretrained.fetch(pretrained.WEIGHTS_FILE, offline=False, timeout=5)
    assert result.source == "download" and result.origin.endswith("/keras/" + pretrained.WEIGHTS_FILE)
    assert result.path.read_bytes() == FAKE_WEIGHTS
    bad = [n for n in result.notes if "/bad/" in n]
    assert len(bad) == 1 and "MD5 check" in bad[0] and "NOT saved" in bad[0], result.notes
    assert f"got {md5(OTHER_BYTES)[:12]}" in bad[0]


def test_a_wrong_sha256_is_refused_and_nothing_is_kept(server, tmp_path):
    dest = tmp_path / "kept.bin"
    want = hashlib.sha256(FAKE_WEIGHTS).hexdigest()
    result = data.fetch_file("kept.bin", want, places=[], save_to=dest, offline=False, timeout=5,
                             urls=[f"{server.base}/bad/{pretrained.WEIGHTS_FILE}"])
    assert not result.ok and result.source == "missing"
    assert "SHA-256 check" in result.notes[0] and not dest.exists()
    assert list(tmp_path.iterdir()) == []  # no partial file left behind
    good = data.fetch_file("kept.bin", want, places=[], save_to=dest, offline=False, timeout=5,
                           urls=[f"{server.base}/mirror/{pretrained.WEIGHTS_FILE}"])
    assert good.ok and hashlib.sha256(dest.read_bytes()).hexdigest() == want


def test_a_404_is_named_and_the_next_source_used(fake_keras, monkeypatch):
    monkeypatch.setenv(pretrained.MIRROR_ENV, fake_keras.base + "/nowhere")
    result = pretrained.fetch(pretrained.CLASS_INDEX_FILE, offline=False, timeout=5)
    assert result.ok and result.origin.endswith("/keras/" + pretrained.CLASS_INDEX_FILE)
    assert any("HTTPError" in n and "404" in n for n in result.notes), result.notes


def test_a_stalled_server_is_bounded_in_time(fake_keras, monkeypatch):
    monkeypatch.setenv(pretrained.MIRROR_ENV, fake_keras.base + "/stall")
    start = time.perf_counter()
    result = pretrained.fetch(pretrained.WEIGHTS_FILE, offline=False, timeout=STALL_TIMEOUT)
    took = time.perf_counter() - start
    assert result.ok  # after the stall, Keras' URL (here: the local server) answered
    assert any("stalled" in n for n in result.notes), result.notes
    assert took < STALL_TIMEOUT + 4, took


def test_a_file_put_in_the_data_folder_by_hand_is_used(fake_keras, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / pretrained.WEIGHTS_FILE).write_bytes(FAKE_WEIGHTS)
    (folder / pretrained.CLASS_INDEX_FILE).write_bytes(FAKE_INDEX)
    found = pretrained.status(offline=True)
    assert found.ok and found.weights.path == folder / pretrained.WEIGHTS_FILE
    assert fake_keras.log == []


def test_a_damaged_hand_copy_is_refused_with_a_note(fake_keras, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / pretrained.WEIGHTS_FILE).write_bytes(FAKE_WEIGHTS[:-10])
    result = pretrained.fetch(pretrained.WEIGHTS_FILE, offline=False, timeout=5)
    assert result.source == "download"  # refused, then downloaded from "Keras' URL"
    assert "failed its MD5 check" in result.notes[0] and "NOT used" in result.notes[0]


def test_no_network_and_no_file_gives_none_and_one_line(fake_keras, capsys):
    found = pretrained.status(offline=True)
    assert not found.ok and found.weights.path is None
    line = found.line()
    assert "\n" not in line and line.startswith("No pretrained weights here")
    assert pretrained.MIRROR_ENV in line and pretrained.WEIGHTS_FILE in line
    assert pretrained.load_pretrained(found=found, verbose=True) is None
    assert capsys.readouterr().out == line + "\n"
    assert fake_keras.log == []


def test_a_closed_network_fails_every_source_and_says_so(monkeypatch):
    # nothing listens on port 9: the mirror and "Keras' URL" both fail at once
    monkeypatch.setattr(pretrained, "_FILES", {
        pretrained.WEIGHTS_FILE: (md5(FAKE_WEIGHTS), "http://127.0.0.1:9/keras.h5"),
        pretrained.CLASS_INDEX_FILE: (md5(FAKE_INDEX), "http://127.0.0.1:9/index.json")})
    found = pretrained.status(offline=False, timeout=5)
    assert not found.ok
    notes = found.weights.notes
    assert any("mirror" in n and pretrained.MIRROR_ENV in n for n in notes), notes
    assert any("download failed from http://127.0.0.1:9/keras.h5" in n for n in notes), notes


def test_a_bad_mirror_is_named(monkeypatch):
    monkeypatch.setenv(pretrained.MIRROR_ENV, "ftp://example")
    with pytest.raises(ValueError, match=pretrained.MIRROR_ENV):
        pretrained.file_urls(pretrained.WEIGHTS_FILE)
