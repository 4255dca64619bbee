"""A network pretrained on ImageNet: MobileNetV3Small, its weights and class index, top-5.

The network is Keras' ``MobileNetV3Small`` (alpha 1.0, with its 1,000-class top): 2.55 million
weights in a file of about 10 MB, the smallest ``keras.applications`` network whose weights
Keras publishes a hash for. EfficientNetB0, the other candidate, has twice the weights (5.3 M)
and about twice the memory and time per photo; the series must keep a kernel under 1.5 GB.

Its two files, the weights and ImageNet's class index, come through the chain MNIST uses
(``data.fetch_file``), each checked against the MD5 Keras itself publishes:

1. a copy already there: in the series' data folder (``config.data_dir()``, where a file put in
   place by hand goes) or in Keras' own cache (``~/.keras/models``);
2. ``CNNLIB_WEIGHTS_URL``, a folder (a mirror) that holds both files under Keras' file names
   (Google's storage, Keras' host, cannot be reached from mainland China);
3. Keras' own URL.

Downloads are skipped with ``CNNLIB_OFFLINE=1`` and in quick mode. With no file and no network,
``load_pretrained`` returns None and ``status()`` says in one line what is missing and how to
get it, so a notebook can say so and go on.

The network takes pixels in 0-255 and scales them itself (its first layer is a ``Rescaling``
to -1..1); ``interpret.input_range`` reads that, so the explorers fit photos to 0-255 for it.
The class index gives English class names only: no public Chinese list of the 1,000 ImageNet
classes could be checked here, so the Chinese edition shows the English names.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cnnlib import config
from cnnlib.text.i18n import t
from cnnlib.tf import data

__all__ = [
    "WEIGHTS_FILE",
    "WEIGHTS_MD5",
    "WEIGHTS_URL",
    "CLASS_INDEX_FILE",
    "CLASS_INDEX_MD5",
    "CLASS_INDEX_URL",
    "MIRROR_ENV",
    "SIZE",
    "places",
    "file_urls",
    "fetch",
    "Pretrained",
    "status",
    "build",
    "load_pretrained",
    "load_class_index",
    "top_k",
    "features_model",
    "photo_batch",
]

#: Keras' file names, URLs and MD5s (keras/src/applications/mobilenet_v3.py, imagenet_utils.py).
WEIGHTS_FILE = "weights_mobilenet_v3_small_224_1.0_float.h5"
WEIGHTS_MD5 = "8768d4c2e7dee89b9d02b2d03d65d862"
WEIGHTS_URL = ("https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/"
               + WEIGHTS_FILE)
CLASS_INDEX_FILE = "imagenet_class_index.json"
CLASS_INDEX_MD5 = "c2c37ea517e94d9795004a39431a14cb"
CLASS_INDEX_URL = ("https://storage.googleapis.com/download.tensorflow.org/data/"
                   + CLASS_INDEX_FILE)
#: A folder URL holding both files under Keras' names, tried before Keras' URLs.
MIRROR_ENV = "CNNLIB_WEIGHTS_URL"
#: The input size the weights were trained at.
SIZE = 224

_FILES = {WEIGHTS_FILE: (WEIGHTS_MD5, WEIGHTS_URL),
          CLASS_INDEX_FILE: (CLASS_INDEX_MD5, CLASS_INDEX_URL)}


def _keras_models_dir() -> Path:
    keras_home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(keras_home) / "models"


def places(name: str) -> list[Path]:
    """Where a copy of ``name`` is looked for: the data folder (put it there by hand), then
    Keras' cache, where Keras itself would keep it."""
    return [config.data_dir() / name, _keras_models_dir() / name]


def file_urls(name: str) -> list[str]:
    """Where ``name`` is downloaded from: ``$CNNLIB_WEIGHTS_URL/name`` when set, then Keras'."""
    if name not in _FILES:
        raise ValueError(t("name must be one of {names}, got {name!r}",
                           names=", ".join(_FILES), name=name))
    mirror = os.environ.get(MIRROR_ENV, "").strip()
    if mirror and not mirror.lower().startswith(("http://", "https://")):
        raise ValueError(t("{env} must be an http:// or https:// URL of a folder holding "
                           "{weights} and {index}, got {mirror!r}", env=MIRROR_ENV,
                           weights=WEIGHTS_FILE, index=CLASS_INDEX_FILE, mirror=mirror))
    return ([mirror.rstrip("/") + "/" + name] if mirror else []) + [_FILES[name][1]]


def _fix() -> str:
    return t("To get them: set {env} to a folder that holds {weights} and {index}, or put "
             "both files in {folder} by hand (see the README).", env=MIRROR_ENV,
             weights=WEIGHTS_FILE, index=CLASS_INDEX_FILE,
             folder=data.display_path(config.data_dir()).rstrip("/") + "/")


def fetch(name: str, *, offline: bool | None = None, timeout: float | None = None,
          verbose: bool = False) -> data.FetchResult:
    """One of the two files (``WEIGHTS_FILE`` or ``CLASS_INDEX_FILE``) through the chain: a
    copy already there, the mirror, Keras' URL; each checked against Keras' MD5."""
    urls = file_urls(name)
    no_mirror = t("mirror: {name} is not set.", name=MIRROR_ENV) if len(urls) == 1 else ""
    return data.fetch_file(name, _FILES[name][0], places=places(name), urls=urls,
                           save_to=_keras_models_dir() / name, timeout=timeout,
                           offline=offline, fix=_fix(), before_download=no_mirror,
                           verbose=verbose)


@dataclass
class Pretrained:
    """What ``status`` found: both files' results; ``ok`` when both are there."""

    weights: data.FetchResult
    class_index: data.FetchResult
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.weights.ok and self.class_index.ok

    def line(self) -> str:
        """One line for the notebook: which files are there, or what is missing and how to
        get it."""
        if self.ok:
            return t("MobileNetV3Small's ImageNet weights from {w}; class index from {c}.",
                     w=t(self.weights.source), c=t(self.class_index.source))
        missing = [r.name for r in (self.weights, self.class_index) if not r.ok]
        return t("No pretrained weights here ({missing} not found, no download): this section "
                 "is skipped. {fix}", missing=t(" and ").join(missing), fix=_fix())


def status(offline: bool | None = None, timeout: float | None = None) -> Pretrained:
    """Look for (and, online, download) both files; never raises for a missing network."""
    return Pretrained(fetch(WEIGHTS_FILE, offline=offline, timeout=timeout),
                      fetch(CLASS_INDEX_FILE, offline=offline, timeout=timeout))


def build(weights=None, size: int = SIZE):
    """MobileNetV3Small with its 1,000-class top at ``size`` × ``size`` (at least 32), from
    the weights file ``weights`` (a path), or with random weights (None).

    Weights trained at 224 load at any size (the network ends in a global average), but they
    work best at 224. The model takes pixels in 0-255 (see ``interpret.input_range``).
    """
    from cnnlib.tf.backend import import_tf

    import_tf()
    import keras

    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or not size >= 32:
        raise ValueError(t("size must be an int >= 32 (pixels), got {size!r}", size=size))
    with warnings.catch_warnings():  # "weights for 224 will be loaded": that is what we want
        warnings.filterwarnings("ignore", message=".*input_shape.*")
        model = keras.applications.MobileNetV3Small(
            input_shape=(int(size), int(size), 3), weights=None, include_preprocessing=True)
    if weights is not None:
        model.load_weights(str(weights))
    return model


def load_pretrained(size: int = SIZE, found: Pretrained | None = None, verbose: bool = True):
    """(model, class names) with ImageNet's weights, or None when the files are not to be had
    (``verbose`` prints ``status().line()`` either way)."""
    found = status() if found is None else found
    if verbose:
        print(found.line())
    if not found.ok:
        return None
    return build(found.weights.path, size), load_class_index(found.class_index.path)


def load_class_index(path) -> list[str]:
    """The 1,000 English class names, in the network's order, from Keras'
    ``imagenet_class_index.json`` ({"0": ["n01440764", "tench"], ...})."""
    with open(path, encoding="utf-8") as fh:
        index = json.load(fh)
    try:
        names = [str(index[str(i)][1]) for i in range(len(index))]
    except (KeyError, IndexError, TypeError):
        raise ValueError(t('{path} is not an ImageNet class index ({{"0": [id, name], ...}})',
                           path=path)) from None
    if len(names) != 1000:
        raise ValueError(t("{path} holds {n} classes, ImageNet has 1000", path=path,
                           n=len(names)))
    return names


def top_k(probs, class_names, k: int = 5) -> list[list[tuple[str, float]]]:
    """The ``k`` most probable classes of each row of ``probs`` (N, classes), best first:
    [[(name, probability), ...], ...]."""
    p = np.asarray(probs, dtype=float)
    if p.ndim != 2 or p.shape[1] != len(class_names):
        raise ValueError(t("probs must be (N, {n}), one row per image, got shape {shape}",
                           n=len(class_names), shape=p.shape))
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= p.shape[1]:
        raise ValueError(t("k must be an int in [1, {n}], got {k!r}", n=p.shape[1], k=k))
    order = np.argsort(-p, axis=1, kind="stable")[:, :k]
    return [[(class_names[j], float(row[j])) for j in idx] for row, idx in zip(p, order)]


def features_model(model):
    """The pretrained base as a feature extractor: image -> the global average of the last
    trunk maps (576 numbers for MobileNetV3Small), the features a new head is trained on."""
    from cnnlib.tf import interpret
    from cnnlib.tf.backend import import_tf

    import_tf()
    import keras

    last = interpret.trunk_layers(model)[-1]
    out = keras.layers.GlobalAveragePooling2D(name="features")(model.get_layer(last).output)
    return keras.Model(model.inputs[0], out, name=f"{model.name}_features")


def photo_batch(model, photos) -> np.ndarray:
    """Photos (sample names, arrays, paths, bytes) fitted to the model's input and value range,
    (N, H, W, 3) float32: ``interpret.fit_images`` with the model's own range (0-255 here)."""
    from cnnlib.tf import interpret

    x, _ = interpret.fit_images(model, list(photos))
    return x
