"""Any file through one careful path: hash checks (SHA-256 or MD5, as Keras' own), downloads
bounded in time that never leave a half-written file, and the messages that name a bad cache.

``data.load_mnist`` and ``pretrained`` fetch through these; they need no TensorFlow.
"""

from __future__ import annotations

import hashlib
import os
import stat
import threading
from pathlib import Path

from cnnlib import config
from cnnlib.text.i18n import t


def hash_algorithm(expected: str) -> str:
    """"sha256" for a 64-digit hash, "md5" for a 32-digit one: how Keras' ``get_file`` tells
    them apart (Keras publishes MD5s for its application weights, SHA-256s for data sets)."""
    if isinstance(expected, str) and len(expected) in (32, 64):
        try:
            int(expected, 16)
        except ValueError:
            pass
        else:
            return "sha256" if len(expected) == 64 else "md5"
    raise ValueError(f"the expected hash must be 64 hex digits (SHA-256) or 32 (MD5), got "
                     f"{expected!r}")


def file_hash(path, algorithm: str = "sha256") -> str:
    """The hex digest of the file at ``path`` ("sha256" or "md5")."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_sha256(path) -> str:
    return file_hash(path, "sha256")


def run_bounded(fn, seconds: float):
    """Run fn() in a daemon thread; raise TimeoutError if it is not done within ``seconds``."""
    box: dict = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as err:  # noqa: BLE001 - handed to the caller below
            box["error"] = err

    thread = threading.Thread(target=target, daemon=True, name="cnnlib-download")
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise TimeoutError(f"no answer within {seconds:.0f} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


def probe(url: str, timeout: float) -> None:
    """Connect to the host of ``url`` (the one about to be tried): a closed network or a dead
    mirror fails here at once, with a short message."""
    import socket
    from urllib.parse import urlparse

    parts = urlparse(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    socket.create_connection((parts.hostname, port), timeout=min(timeout, 10.0)).close()


def download(url: str, dest, timeout: float, sha256: str, fix: str) -> str:
    """Fetch ``url`` to ``dest`` (written to a temporary file beside it, hash-checked, then
    moved into place, so a broken download never leaves a damaged ``dest``); returns ``dest``.
    ``sha256`` is the expected hash: 64 hex digits (SHA-256) or 32 (MD5), as Keras' own.
    Every read gives up after ``timeout`` seconds of silence (at most 30). ``fix``: what the
    learner can do when the hash is wrong."""
    import urllib.request

    algorithm = hash_algorithm(sha256)
    probe(url, timeout)
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(f".{dest.name}.{os.getpid()}.{threading.get_ident()}.part")
    digest = hashlib.new(algorithm)
    request = urllib.request.Request(url, headers={"User-Agent": "cnnlib"})
    try:
        with urllib.request.urlopen(request, timeout=min(timeout, 30.0)) as resp, \
                open(part, "wb") as fh:
            for chunk in iter(lambda: resp.read(1 << 16), b""):
                digest.update(chunk)
                fh.write(chunk)
        got = digest.hexdigest()
        if got != sha256:
            raise ValueError(
                f"the file at {url} failed its {ALGO_NAME[algorithm]} check (got {got[:12]}..., "
                f"expected {sha256[:12]}...), so it was NOT saved to {dest}. Fix: {fix}.")
        os.replace(part, dest)
    finally:
        if part.exists():
            part.unlink()
    return str(dest)


ALGO_NAME = {"sha256": "SHA-256", "md5": "MD5"}


def cache_problem(path: Path) -> str | None:
    """Why ``path`` cannot be a cached mnist.npz ("" if it simply is not there), or None."""
    try:
        if path.is_symlink() and not path.exists():
            return t("{path} is a dangling link (to {target}), not a file", path=path, target=os.readlink(path))
        if not path.exists():
            return ""
        mode = path.stat().st_mode
    except OSError as err:
        return t("{path} cannot be read ({err})", path=path, err=err)
    if stat.S_ISDIR(mode):
        return t("{path} is a directory, not a file", path=path)
    if not stat.S_ISREG(mode):  # never opened: reading a FIFO would block
        return t("{path} is not a regular file (a FIFO, socket or device)", path=path)
    return None


def first_good_copy(places, digest, expected: str, skipped, corrupt):
    """The first of ``places`` that is a readable file whose ``digest(path)`` is ``expected``
    (None if none is), and the places where nothing was. Each place that is there but unusable
    is reported: ``skipped(note)`` for one that cannot be read, ``corrupt(path, got)`` for one
    with the wrong hash. One cache walk for MNIST and for every fetched file."""
    missing: list[str] = []
    for path in places:
        problem = cache_problem(path)
        if problem == "":
            missing.append(str(path))
            continue
        if problem is not None:
            skipped(t('cache: {problem}; skipped.', problem=problem))
            continue
        got = digest(path)
        if got != expected:
            corrupt(path, got)
            continue
        return path, missing
    return None, missing


def short_path(path) -> str:
    """``path`` as a reader would write it: relative to the series' folder, or with ~ for home."""
    path = Path(path)
    for base, shown in ((config.checkout_root(), ""), (Path.home(), "~/")):
        if base is None:  # an installed cnnlib has no checkout
            continue
        try:
            return shown + path.relative_to(base).as_posix()
        except ValueError:
            continue
    return str(path)


def display_path(path) -> str:
    """``path`` as a reader would write it (relative to the series' folder, or with ~)."""
    return short_path(path)


def as_paths(paths) -> list[Path]:
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise ValueError(f"paths must be a list of paths, got the single path {paths!r}: "
                         f"write paths=[{str(paths)!r}]")
    try:
        return [Path(p) for p in paths]
    except TypeError:
        raise ValueError(f"paths must be a list of paths, got {paths!r}") from None
