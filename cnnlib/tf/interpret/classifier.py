"""Your own model: which Keras models the interpretation explorers can look inside, and photos
shaped to fit them.

Any image classifier with ``Conv2D`` layers will do: any input size, grey or colour, any number
of classes, class names optional. ``check_classifier`` says in one ``ValueError`` what a model
lacks (a dense-only model, one without 2-D feature maps, a sequence model); ``fit_photo`` and
``fit_images`` turn photos (sample names, arrays, files, bytes) into the model's input:
centre-cropped to its aspect ratio, resized, made grey or colour, scaled to its value range.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnnlib.core import images
from cnnlib.text.i18n import t
from cnnlib.tf.interpret._base import model_input
from cnnlib.tf.interpret.layers import branches, conv_layers, map_layers, trunk_layers, unit_chain

__all__ = ["ClassifierInfo", "check_classifier", "check_labels", "fit_photo", "fit_images",
           "probabilities", "start_images", "input_range", "ANY_SIZE"]

# The side used for a model that takes any input size (keras.Input((None, None, 3))).
ANY_SIZE = 96
_SEQUENCE = ("Embedding", "LSTM", "GRU", "SimpleRNN", "RNN", "Bidirectional", "Conv1D",
             "MultiHeadAttention", "TextVectorization")


@dataclass(frozen=True)
class ClassifierInfo:
    """What the explorers need to know about a model, read from its layers.

    ``input_shape``: (H, W, C) as the model declares it (H, W may be None: any size);
    ``shape``: the same with a working size filled in for None; ``class_names``: one per class
    ("0", "1", ... unless given); ``conv_layers``: the Conv2D layers; ``cam_layers``: each conv
    layer's finished maps (after its batch norm and activation), the Grad-CAM choices;
    ``cam_layer``: the last of them, Grad-CAM's default; ``value_range``: the pixel values the
    model takes, (0, 1) for the series' models, (0, 255) for a network that scales its input
    itself (see ``input_range``).
    """

    input_shape: tuple
    shape: tuple
    n_classes: int
    class_names: tuple
    conv_layers: tuple
    cam_layers: tuple
    cam_layer: str
    value_range: tuple = (0.0, 1.0)

    @property
    def channels(self) -> int:
        return self.shape[-1]

    @property
    def colour(self) -> bool:
        return self.shape[-1] == 3


def _kinds(model) -> list[str]:
    return [type(layer).__name__ for layer in model.layers
            if type(layer).__name__ != "InputLayer"]


def _shape(t) -> tuple:
    return tuple(None if d is None else int(d) for d in t.shape)


def check_classifier(model, class_names=None) -> ClassifierInfo:
    """Check that the explorers can look inside ``model``, and describe it.

    Raises one ``ValueError`` naming what is missing: a Keras model built on one input; image
    input (batch, height, width, channels), not sequences or flat vectors; at least one layer
    with 2-D feature maps and at least one Conv2D layer; class scores out, (batch, classes).
    class_names: optional, one name per class.
    """
    inputs = [model_input(model)]  # a Keras model with one input, or a ValueError
    kinds = _kinds(model)
    layers_text = ", ".join(dict.fromkeys(kinds)) or "none"
    in_shape = _shape(inputs[0])
    sequence = [k for k in kinds if k in _SEQUENCE]
    if len(in_shape) == 3 or (len(in_shape) == 2 and sequence):
        raise ValueError(
            t('model is a sequence model (input {in_shape}: batch, steps[, features]; layers {layers_text}), not an image classifier: the explorers need images (batch, height, width, channels) and Conv2D layers', in_shape=in_shape, layers_text=layers_text))
    if len(in_shape) == 2:
        raise ValueError(
            t('model has no Conv2D layer and no 2-D feature maps: it takes flat vectors {in_shape} through {layers_text}; the explorers need an image classifier with Conv2D layers', in_shape=in_shape, layers_text=layers_text))
    if len(in_shape) != 4:
        raise ValueError(t('model must take images (batch, height, width, channels), its input is {in_shape}', in_shape=in_shape))
    if not map_layers(model):
        raise ValueError(
            t('model has no 2-D feature maps: no layer after the input outputs (batch, height, width, channels) (layers: {layers_text}); the explorers need Conv2D layers', layers_text=layers_text))
    convs = conv_layers(model)
    if not convs:
        raise ValueError(t('model has no Conv2D layer (layers: {layers_text}): the explorers read the filters and maps of 2-D convolutions', layers_text=layers_text))
    out_shape = _shape(model.outputs[0])
    if len(model.outputs) != 1 or len(out_shape) != 2 or out_shape[1] is None:
        raise ValueError(t('model must output class scores (batch, classes), its output is {out_shape}', out_shape=out_shape))
    n_classes = out_shape[1]
    if class_names is None:
        names = tuple(str(c) for c in range(n_classes))
    else:
        if isinstance(class_names, str) or len(class_names) != n_classes:
            raise ValueError(t('class_names must hold one name per class ({n_classes}), got {class_names!r}', n_classes=n_classes, class_names=class_names))
        names = tuple(str(n) for n in class_names)
    h, w, c = in_shape[1:]
    if c is None:
        raise ValueError(t("model's input must fix its number of channels (1 grey, 3 colour)"))
    if branches(model):  # the trunk's maps: a block's inside (and 1×1 maps) explain nothing
        cam = tuple(trunk_layers(model)) or tuple(unit_chain(model, n)[-1].name for n in convs)
    else:
        cam = tuple(unit_chain(model, n)[-1].name for n in convs)
    return ClassifierInfo(input_shape=(h, w, c), shape=(h or ANY_SIZE, w or ANY_SIZE, c),
                          n_classes=n_classes, class_names=names, conv_layers=tuple(convs),
                          cam_layers=cam, cam_layer=cam[-1], value_range=input_range(model))


#: The attribute that states a model's input range, when its layers do not show it.
RANGE_ATTRIBUTE = "cnnlib_value_range"


def input_range(model) -> tuple:
    """The pixel values ``model`` takes: (low, high).

    ``model.cnnlib_value_range`` when set (state it for a model that was trained on another
    range); else (0, 255) when the model scales its input itself, i.e. its first layer is a
    ``Rescaling`` by at most 1/100 (``keras.applications`` networks: MobileNetV3 maps 0-255 to
    -1..1, EfficientNet to 0-1); else (0, 1), the series' pixels / 255.
    """
    stated = getattr(model, RANGE_ATTRIBUTE, None)
    if stated is not None:
        lo, hi = (float(v) for v in stated)
        if not lo < hi:
            raise ValueError(t('value_range must be (low, high) with low < high, got {value_range!r}', value_range=stated))
        return (lo, hi)
    first = [lay for lay in model.layers if type(lay).__name__ != "InputLayer"][:1]
    if first and type(first[0]).__name__ == "Rescaling":
        scale = np.asarray(first[0].scale, dtype=float)
        if scale.size and np.all(np.abs(scale) <= 0.01):
            return (0.0, 255.0)
    return (0.0, 1.0)


def _info(model_or_info) -> ClassifierInfo:
    return model_or_info if isinstance(model_or_info, ClassifierInfo) \
        else check_classifier(model_or_info)


def _crop_box(h, w, th, tw):
    """The largest centred window of the target's aspect ratio: (top, left, height, width)."""
    if h * tw > w * th:            # photo taller than the target: trim top and bottom
        ch, cw = max(1, round(w * th / tw)), w
    else:
        ch, cw = h, max(1, round(h * tw / th))
    return (h - ch) // 2, (w - cw) // 2, ch, cw


def fit_photo(model, photo, value_range=None):
    """A photo as the model's input: (x, note).

    photo: anything ``images.open_photo`` takes (a sample name, an array, a file path, bytes).
    It is cropped in the middle to the model's aspect ratio, resized to the model's input size
    (a model that takes any size gets ``ANY_SIZE`` on the longer side), turned grey for a
    one-channel model or colour for a three-channel one, and its 0-255 values mapped onto
    ``value_range`` (default: the model's own, see ``input_range``: (0, 1) for the series'
    models, which take pixels / 255; (0, 255) for a network that scales its input itself).
    x: float32 (H, W, C). note: one line saying what was done, for the explorer to show.
    """
    info = _info(model)
    lo, hi = info.value_range if value_range is None else value_range
    if not lo < hi:
        raise ValueError(t('value_range must be (low, high) with low < high, got {value_range!r}', value_range=value_range))
    pic = images.open_photo(photo)
    px = pic.pixels
    h, w = px.shape[:2]
    th, tw, c = info.input_shape
    if th is None or tw is None:  # any size: keep the photo's shape, longer side ANY_SIZE
        f = ANY_SIZE / max(h, w)
        th = th or max(1, round(h * f))
        tw = tw or max(1, round(w * f))
    notes = [pic.note] if pic.note else []
    top, left, ch, cw = _crop_box(h, w, th, tw)
    if (ch, cw) != (h, w):
        notes.append(t("cropped to the middle {h}×{w}", h=ch, w=cw))
        px = px[top:top + ch, left:left + cw]
    if c == 1:
        if px.ndim == 3:
            notes.append(t("made grey (the model takes 1 channel)"))
        px = images.grayscale(px)[..., None]
    elif c == 3:
        if px.ndim == 2:
            notes.append(t("grey copied to 3 channels (the model takes colour)"))
            px = np.repeat(px[..., None], 3, axis=-1)
    else:
        raise ValueError(t('model takes {c} channels; a photo has 1 (grey) or 3 (colour): pass arrays of shape (H, W, {c}) instead', c=c))
    px = np.asarray(px, dtype=float)
    if px.shape[:2] != (th, tw):
        notes.append(t("resized from {h0}×{w0} to {h}×{w}", h0=px.shape[0], w0=px.shape[1], h=th, w=tw))
        px = images.resize(px, (th, tw))
    x = lo + (hi - lo) * np.clip(px, 0, 255) / 255.0
    return x.astype(np.float32), t("; ").join(notes)


def fit_images(model, images_, value_range=None):
    """Several images as the model's input: (x (N, H, W, C) float32, notes, one per image).

    images_: an array already in the model's shape, (N, H, W, C) floats (or (N, H, W) for a grey
    model): used as it is; or a list of photos, each taken as ``fit_photo`` takes it.
    """
    info = _info(model)
    if isinstance(images_, np.ndarray) and images_.dtype.kind == "f":
        x = images_[..., None] if images_.ndim == 3 and info.channels == 1 else images_
        want = info.input_shape
        if x.ndim == 4 and all(a is None or a == b for a, b in zip(want, x.shape[1:])):
            if len(x) == 0:
                raise ValueError(t('images must hold at least one image'))
            return x.astype(np.float32), [""] * len(x)
        if x.ndim == 4:
            raise ValueError(t("images of shape {shape} do not fit the model's input {want}: pass them as a list of photos to have them resized", shape=images_.shape[1:], want=want))
    if isinstance(images_, np.ndarray) and images_.ndim == 4:
        images_ = list(images_)
    one = (str, bytes, np.ndarray, images.Photo)
    if isinstance(images_, one) or hasattr(images_, "__fspath__"):
        images_ = [images_]
    if not isinstance(images_, (list, tuple)) or not images_:
        raise ValueError(t('images must be a list of photos or an array (N, H, W, C), got {name}', name=type(images_).__name__))
    fitted = [fit_photo(info, p, value_range) for p in images_]
    return np.stack([f[0] for f in fitted]), [f[1] for f in fitted]



def check_labels(model, labels, n: int) -> np.ndarray:
    """Labels for ``n`` images of ``model`` (a model or its ``ClassifierInfo``) as class numbers,
    -1 where there is none: ``None`` (none at all), class numbers, or class names. A ValueError
    names what is wrong."""
    info = _info(model)
    if labels is None:
        return np.full(n, -1)
    y = np.asarray(labels)
    if y.ndim != 1 or len(y) != n:
        raise ValueError(t('labels must hold one label per image ({n}), got {got!r}', n=n, got=(y.shape[0] if y.ndim else y)))
    if y.dtype.kind in "UO":  # class names
        unknown = [v for v in y if str(v) not in info.class_names]
        if unknown:
            raise ValueError(t('labels must be class numbers or names ({names}); got {unknown!r}', names=', '.join(info.class_names), unknown=unknown[0]))
        y = np.array([info.class_names.index(str(v)) for v in y])
    y = y.astype(int)
    if y.min() < -1 or y.max() >= info.n_classes:
        raise ValueError(t('labels must be in [0, {last}], got {min} to {max}', last=info.n_classes - 1, min=y.min(), max=y.max()))
    return y


def probabilities(model, x) -> np.ndarray:
    """The model's class probabilities for a batch x (N, H, W, C): its output if that ends in
    softmax (or sigmoid), else the softmax of its output (a model that outputs logits)."""
    from cnnlib.tf.backend import import_tf

    import_tf()
    import keras

    out = np.asarray(model(np.asarray(x, np.float32), training=False), dtype=np.float64)
    last = model.layers[-1]
    act = getattr(getattr(last, "activation", None), "__name__", "")
    if act in ("softmax", "sigmoid") or isinstance(last, keras.layers.Softmax):
        return out
    if out.shape[-1] == 1:  # one logit: a yes/no model
        return 1 / (1 + np.exp(-out))
    z = np.exp(out - out.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def start_images(model, n: int, seed: int = 0, value_range=None,
                 kind: str = "noise") -> np.ndarray:
    """Starting images for gradient ascent in the model's shape (a working size where the
    model takes any size): (n, H, W, C) float32. kind "noise": grey noise around the middle of
    ``value_range`` (default: the model's own); "dark": near its low end (where class
    visualization starts)."""
    info = _info(model)
    lo, hi = info.value_range if value_range is None else value_range
    rng = np.random.default_rng(seed)
    shape = (n, *info.shape)
    if kind == "noise":
        x = ((lo + hi) / 2 + (hi - lo) * 0.1 * rng.standard_normal(shape)).clip(lo, hi)
    elif kind == "dark":
        x = lo + 0.05 * (hi - lo) * rng.random(shape)
    else:
        raise ValueError(t('kind must be "noise" or "dark", got {kind!r}', kind=kind))
    return x.astype(np.float32)
