"""The classic CNNs as plain data: LeNet-5, AlexNet, VGG-16, GoogLeNet, ResNet-50.

Each ``*_spec()`` returns a dict: name, year, paper, input shape (H, W, C) and a list of layers,
each a small dict (``{"type": "conv", "filters": 96, "kernel": 11, "stride": 4}``). No weights,
no TensorFlow: ``summarize(spec)`` walks the layers and computes every output size with
``ops.output_size`` and every parameter count with ``ops.conv_param_count`` /
``ops.dense_param_count``, so the totals can be checked against the published numbers
(``PUBLISHED``) and against Keras' own builders.

Layer types (the keys each one takes; defaults in brackets):

* ``conv``: filters, kernel, stride [1], padding ["valid"], groups [1], bias [True], bn [False]
* ``pool``: size, stride [= size], padding ["valid"], mode ["max"]; ``gap``: global average pool
* ``lrn``, ``dropout``: no parameters, size unchanged (kept so the list reads like the paper)
* ``flatten``: the maps as one vector, written (1, 1, H*W*C)
* ``dense``: units (a 3-D input is flattened first)
* ``inception``: the six numbers of GoogLeNet's table: 1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5,
  pool proj
* ``bottleneck``: ResNet's block, filters (f1, f2, f3), stride [1], bias [False], bn [True]; a
  1x1 projection shortcut when the shape changes
* ``residual``: ResNet's basic block (two 3x3 'same' convolutions, the first with the stride),
  filters, stride [1], bias [False], bn [True]; a 1x1 projection shortcut when the shape changes

Batch normalization (``bn``) has 2 learned numbers per channel (scale gamma and shift beta), plus
2 running statistics (mean and variance) that Keras also counts in ``count_params()``;
``summarize(spec, bn_stats=True)`` counts those too.
"""

from __future__ import annotations

from cnnlib.core import ops
from cnnlib.text.i18n import t

__all__ = [
    "lenet5_spec",
    "alexnet_spec",
    "vgg16_spec",
    "googlenet_spec",
    "resnet50_spec",
    "digits_resnet_spec",
    "SPECS",
    "PUBLISHED",
    "summarize",
    "total_params",
    "compare",
]


# ---------------------------------------------------------------------------------------------
# The networks
# ---------------------------------------------------------------------------------------------
def lenet5_spec(partial_c3: bool = False) -> dict:
    """LeNet-5 (LeCun et al., 1998) on a 32x32 digit, with every C3 map connected to all six S2
    maps as in today's re-implementations. ``partial_c3=True`` uses the paper's table instead:
    each C3 map sees 3, 4 or 6 of the S2 maps (60 connections in all: 1,516 parameters, not
    2,416). Subsampling layers as plain average pooling (the paper's 2 trainable numbers per map
    are left out)."""
    c3 = {"type": "conv", "name": "C3", "filters": 16, "kernel": 5}
    if partial_c3:
        # 6 maps see 3 inputs, 9 see 4, 1 sees 6: 60 input maps in all, each with a 5x5 kernel.
        c3["connections"] = 6 * 3 + 9 * 4 + 1 * 6
    return {
        "name": "LeNet-5", "year": 1998,
        "paper": "LeCun, Bottou, Bengio, Haffner: Gradient-based learning applied to document "
                 "recognition",
        "input": (32, 32, 1),
        "layers": [
            {"type": "conv", "name": "C1", "filters": 6, "kernel": 5},
            {"type": "pool", "name": "S2", "size": 2, "mode": "avg"},
            c3,
            {"type": "pool", "name": "S4", "size": 2, "mode": "avg"},
            {"type": "conv", "name": "C5", "filters": 120, "kernel": 5},
            {"type": "dense", "name": "F6", "units": 84},
            {"type": "dense", "name": "output", "units": 10},
        ],
    }


def alexnet_spec(two_gpus: bool = False) -> dict:
    """AlexNet (Krizhevsky, Sutskever, Hinton, 2012) on a 227x227 RGB image (the paper writes
    224, but 227 is what makes its 55x55 first maps come out).

    ``two_gpus=True``: the paper's layout, split over two GPUs. conv2, conv4 and conv5 see only
    the half of the previous layer on their own GPU (groups=2: half the input channels, half the
    weights); conv1 is split too, but each half still sees all 3 colour channels, and conv3 and
    the dense layers talk across GPUs. Otherwise: one tower, as most libraries build it."""
    g = 2 if two_gpus else 1
    return {
        "name": "AlexNet", "year": 2012,
        "paper": "Krizhevsky, Sutskever, Hinton: ImageNet classification with deep convolutional "
                 "neural networks",
        "input": (227, 227, 3),
        "layers": [
            {"type": "conv", "name": "conv1", "filters": 96, "kernel": 11, "stride": 4},
            {"type": "lrn", "name": "norm1"},
            {"type": "pool", "name": "pool1", "size": 3, "stride": 2},
            {"type": "conv", "name": "conv2", "filters": 256, "kernel": 5, "padding": 2,
             "groups": g},
            {"type": "lrn", "name": "norm2"},
            {"type": "pool", "name": "pool2", "size": 3, "stride": 2},
            {"type": "conv", "name": "conv3", "filters": 384, "kernel": 3, "padding": 1},
            {"type": "conv", "name": "conv4", "filters": 384, "kernel": 3, "padding": 1,
             "groups": g},
            {"type": "conv", "name": "conv5", "filters": 256, "kernel": 3, "padding": 1,
             "groups": g},
            {"type": "pool", "name": "pool5", "size": 3, "stride": 2},
            {"type": "dense", "name": "fc6", "units": 4096},
            {"type": "dropout", "name": "drop6"},
            {"type": "dense", "name": "fc7", "units": 4096},
            {"type": "dropout", "name": "drop7"},
            {"type": "dense", "name": "fc8", "units": 1000},
        ],
    }


def vgg16_spec() -> dict:
    """VGG-16 (Simonyan and Zisserman, 2014), configuration D: thirteen 3x3 convolutions
    ('same' padding) in five blocks, each block closed by 2x2 max pooling; three dense layers."""
    layers = []
    for block, (n_convs, filters) in enumerate([(2, 64), (2, 128), (3, 256), (3, 512), (3, 512)],
                                               start=1):
        for i in range(1, n_convs + 1):
            layers.append({"type": "conv", "name": f"block{block}_conv{i}", "filters": filters,
                           "kernel": 3, "padding": "same"})
        layers.append({"type": "pool", "name": f"block{block}_pool", "size": 2})
    layers += [
        {"type": "dense", "name": "fc1", "units": 4096},
        {"type": "dense", "name": "fc2", "units": 4096},
        {"type": "dense", "name": "predictions", "units": 1000},
    ]
    return {
        "name": "VGG-16", "year": 2014,
        "paper": "Simonyan, Zisserman: Very deep convolutional networks for large-scale image "
                 "recognition",
        "input": (224, 224, 3),
        "layers": layers,
    }


def googlenet_spec() -> dict:
    """GoogLeNet (Szegedy et al., 2014), the table of the paper: nine inception modules, global
    average pooling instead of big dense layers. The two auxiliary classifiers used only in
    training are left out, as in the paper's count."""
    def inc(name, *numbers):
        return {"type": "inception", "name": name, "branches": numbers}

    return {
        "name": "GoogLeNet", "year": 2014,
        "paper": "Szegedy et al.: Going deeper with convolutions",
        "input": (224, 224, 3),
        "layers": [
            {"type": "conv", "name": "conv1", "filters": 64, "kernel": 7, "stride": 2,
             "padding": "same"},
            {"type": "pool", "name": "pool1", "size": 3, "stride": 2, "padding": "same"},
            {"type": "lrn", "name": "norm1"},
            {"type": "conv", "name": "conv2_reduce", "filters": 64, "kernel": 1},
            {"type": "conv", "name": "conv2", "filters": 192, "kernel": 3, "padding": "same"},
            {"type": "lrn", "name": "norm2"},
            {"type": "pool", "name": "pool2", "size": 3, "stride": 2, "padding": "same"},
            inc("inception_3a", 64, 96, 128, 16, 32, 32),
            inc("inception_3b", 128, 128, 192, 32, 96, 64),
            {"type": "pool", "name": "pool3", "size": 3, "stride": 2, "padding": "same"},
            inc("inception_4a", 192, 96, 208, 16, 48, 64),
            inc("inception_4b", 160, 112, 224, 24, 64, 64),
            inc("inception_4c", 128, 128, 256, 24, 64, 64),
            inc("inception_4d", 112, 144, 288, 32, 64, 64),
            inc("inception_4e", 256, 160, 320, 32, 128, 128),
            {"type": "pool", "name": "pool4", "size": 3, "stride": 2, "padding": "same"},
            inc("inception_5a", 256, 160, 320, 32, 128, 128),
            inc("inception_5b", 384, 192, 384, 48, 128, 128),
            {"type": "gap", "name": "avg_pool"},
            {"type": "dropout", "name": "dropout"},
            {"type": "dense", "name": "linear", "units": 1000},
        ],
    }


def resnet50_spec(keras_style: bool = False) -> dict:
    """ResNet-50 (He et al., 2015): a 7x7 stem, then 3 + 4 + 6 + 3 bottleneck blocks (1x1 ->
    3x3 -> 1x1 convolutions plus a shortcut), global average pooling and one dense layer.

    Convolutions followed by batch normalization need no bias (BN's shift does that job), so the
    paper's design has none: 25,557,032 parameters. ``keras_style=True`` gives the convolutions a
    bias anyway, as ``keras.applications.ResNet50`` does (25,583,592 trainable)."""
    bias = keras_style
    layers = [
        {"type": "conv", "name": "conv1", "filters": 64, "kernel": 7, "stride": 2, "padding": 3,
         "bias": bias, "bn": True},
        {"type": "pool", "name": "pool1", "size": 3, "stride": 2, "padding": 1},
    ]
    for stage, (n_blocks, f, stride) in enumerate(
            [(3, 64, 1), (4, 128, 2), (6, 256, 2), (3, 512, 2)], start=2):
        for b in range(1, n_blocks + 1):
            layers.append({"type": "bottleneck", "name": f"conv{stage}_block{b}",
                           "filters": (f, f, 4 * f), "stride": stride if b == 1 else 1,
                           "bias": bias})
    layers += [{"type": "gap", "name": "avg_pool"},
               {"type": "dense", "name": "fc1000", "units": 1000}]
    return {
        "name": "ResNet-50", "year": 2015,
        "paper": "He, Zhang, Ren, Sun: Deep residual learning for image recognition",
        "input": (224, 224, 3),
        "layers": layers,
    }


def digits_resnet_spec(widths=(8, 16, 32)) -> dict:
    """The small ResNet of notebook 09 for 28x28 digits: a 3x3 stem (batch norm, no bias), one
    basic residual block per width (the first keeps the size, each next one halves it with
    stride 2 and a 1x1 projection shortcut), global average pooling and a 10-way dense layer.
    Not one of the classic networks: it is not in ``SPECS``."""
    if not isinstance(widths, (list, tuple)) or not widths:
        raise ValueError(t("widths must be a non-empty list of filter counts, got {widths!r}",
                           widths=widths))
    layers = [{"type": "conv", "name": "stem", "filters": widths[0], "kernel": 3,
               "padding": "same", "bias": False, "bn": True}]
    for i, w in enumerate(widths, start=1):
        layers.append({"type": "residual", "name": f"res{i}", "filters": w,
                       "stride": 1 if i == 1 else 2})
    layers += [{"type": "gap", "name": "gap"}, {"type": "dense", "name": "probs", "units": 10}]
    return {"name": "digits ResNet", "year": 2015,
            "paper": "He, Zhang, Ren, Sun: Deep residual learning for image recognition (the "
                     "basic block)",
            "input": (28, 28, 1), "layers": layers}


#: Name -> spec builder, in the order the networks appeared.
SPECS = {
    "LeNet-5": lenet5_spec,
    "AlexNet": alexnet_spec,
    "VGG-16": vgg16_spec,
    "GoogLeNet": googlenet_spec,
    "ResNet-50": resnet50_spec,
}

#: The parameter counts people quote, with where they come from; ``exact`` says whether the
#: number is an exact count (to match to the unit) or a rounded figure (to match within 5 %).
PUBLISHED = {
    "LeNet-5": {"params": 60_000, "exact": False,
                "source": "LeCun et al. 1998: 'about 60,000 trainable parameters'"},
    "AlexNet": {"params": 62_378_344, "exact": True,
                "source": "the usual one-tower AlexNet (the paper, on two GPUs: 'about 60 "
                          "million'; alexnet_spec(two_gpus=True) gives 60,965,224)"},
    "VGG-16": {"params": 138_357_544, "exact": True,
               "source": "Simonyan & Zisserman 2014 (138 M); keras.applications.VGG16"},
    "GoogLeNet": {"params": 6_800_000, "exact": False,
                  "source": "Szegedy et al. 2014, sum of Table 1: about 6.8 M"},
    "ResNet-50": {"params": 25_557_032, "exact": True,
                  "source": "He et al. 2015 (25.6 M); the count of the common implementations"},
}


# ---------------------------------------------------------------------------------------------
# Computing sizes and counts
# ---------------------------------------------------------------------------------------------
def _conv(h, w, c, filters, kernel, stride=1, padding="valid", groups=1, bias=True, bn=False,
          connections=None, bn_stats=False):
    """(out_h, out_w, filters, params, multiply-adds) of one convolution."""
    if c % groups or filters % groups:
        raise ValueError(t("groups must divide the channels ({c} in, {filters} out), got {groups}",
                           c=c, filters=filters, groups=groups))
    if connections is not None and not 1 <= connections <= c * filters:
        raise ValueError(t("connections must be in [1, {n}] (input map, output map) pairs, got "
                           "{connections}", n=c * filters, connections=connections))
    oh = ops.output_size(h, kernel, stride, padding)
    ow = ops.output_size(w, kernel, stride, padding)
    c_in = c // groups if connections is None else connections / filters
    if connections is None:
        params = ops.conv_param_count(kernel, kernel, c_in, filters, bias=bias)
    else:  # LeNet's partial table: ``connections`` (input map, output map) pairs in all
        params = kernel * kernel * connections + (filters if bias else 0)
    macs = int(oh * ow * kernel * kernel * c_in * filters)
    if bn:
        params += (4 if bn_stats else 2) * filters
    return oh, ow, filters, params, macs


#: Layer type -> (required keys, optional keys).
_KEYS = {
    "conv": ({"filters", "kernel"}, {"stride", "padding", "groups", "bias", "bn", "connections"}),
    "pool": ({"size"}, {"stride", "padding", "mode"}),
    "gap": (set(), set()),
    "flatten": (set(), set()),
    "lrn": (set(), set()),
    "dropout": (set(), {"rate"}),
    "dense": ({"units"}, set()),
    "inception": ({"branches"}, set()),
    "bottleneck": ({"filters"}, {"stride", "bias", "bn"}),
    "residual": ({"filters"}, {"stride", "bias", "bn"}),
}
POOL_MODES = ("max", "avg")


def _whole(value, name: str, minimum: int = 1) -> int:
    """A whole number >= minimum (not a bool, not a string), or a ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            (isinstance(value, float) and not value.is_integer()):
        raise ValueError(t("{name} must be an integer >= {minimum}, got {value!r}", name=name,
                           minimum=minimum, value=value))
    if value < minimum:
        raise ValueError(t("{name} must be an integer >= {minimum}, got {value!r}", name=name,
                           minimum=minimum, value=value))
    return int(value)


def _check_layer(layer) -> None:
    """Every key a layer needs is there, and every number is a whole number in range."""
    if not isinstance(layer, dict):
        raise ValueError(t("must be a dict such as {{'type': 'conv', 'filters': 32, 'kernel': 3}}, "
                           "got {layer!r}", layer=layer))
    kind = layer.get("type")
    if kind not in _KEYS:
        raise ValueError(t("layer type must be one of {types}; got {kind!r}",
                           types=", ".join(_KEYS), kind=kind))
    required, optional = _KEYS[kind]
    missing = sorted(required - set(layer))
    if missing:
        raise ValueError(t("a {kind} layer needs {required}; {missing} is missing", kind=kind,
                           required=", ".join(sorted(required)), missing=", ".join(missing)))
    for key in ("filters", "kernel", "stride", "groups", "size", "units", "connections"):
        if key in layer and not (kind == "bottleneck" and key == "filters"):
            _whole(layer[key], key)
    if kind in ("inception", "bottleneck"):
        key, n = ("branches", 6) if kind == "inception" else ("filters", 3)
        values = layer[key]
        if not isinstance(values, (list, tuple)) or len(values) != n:
            raise ValueError(t("{key} must be {n} integers, got {values!r}", key=key, n=n,
                               values=values))
        for v in values:
            _whole(v, key)
    if kind == "pool" and layer.get("mode", "max") not in POOL_MODES:
        raise ValueError(t("mode must be one of {modes}; got {mode!r}",
                           modes=", ".join(POOL_MODES), mode=layer["mode"]))


def _layer(shape, layer, bn_stats):
    """(output shape, params, multiply-adds, short description) of one layer spec."""
    h, w, c = shape
    kind = layer.get("type")
    if kind == "conv":
        k, s, p = layer["kernel"], layer.get("stride", 1), layer.get("padding", "valid")
        oh, ow, oc, params, macs = _conv(
            h, w, c, layer["filters"], k, s, p, layer.get("groups", 1), layer.get("bias", True),
            layer.get("bn", False), layer.get("connections"), bn_stats)
        groups = t(", groups {g}", g=layer["groups"]) if layer.get("groups", 1) > 1 else ""
        return (oh, ow, oc), params, macs, t("{k}x{k}/{s}, {oc} filters, pad {p}{groups}", k=k,
                                             s=s, oc=oc, p=p, groups=groups)
    if kind == "pool":
        size, p = layer["size"], layer.get("padding", "valid")
        s = layer.get("stride", size)
        oh, ow = ops.output_size(h, size, s, p), ops.output_size(w, size, s, p)
        what = (t("avg {size}x{size}/{s}, pad {p}", size=size, s=s, p=p)
                if layer.get("mode", "max") == "avg" else
                t("max {size}x{size}/{s}, pad {p}", size=size, s=s, p=p))
        return (oh, ow, c), 0, 0, what
    if kind == "gap":
        return (1, 1, c), 0, 0, t("global average over {h}x{w}", h=h, w=w)
    if kind == "flatten":
        return (1, 1, h * w * c), 0, 0, t("flatten {h}x{w}x{c} = {n}", h=h, w=w, c=c, n=h * w * c)
    if kind in ("lrn", "dropout"):
        return (h, w, c), 0, 0, (t("local response normalization") if kind == "lrn"
                                 else t("dropout"))
    if kind == "dense":
        n_in = h * w * c
        units = layer["units"]
        params = ops.dense_param_count(n_in, units)
        flat = t("flatten {h}x{w}x{c} = {n}", h=h, w=w, c=c, n=n_in) + " -> " if h * w > 1 else ""
        return (1, 1, units), params, n_in * units, t("{flat}{units} units", flat=flat,
                                                      units=units)
    if kind == "inception":
        b1, r3, b3, r5, b5, pp = layer["branches"]
        params = macs = 0
        for n_in, n_out, k in ((c, b1, 1), (c, r3, 1), (r3, b3, 3), (c, r5, 1), (r5, b5, 5),
                               (c, pp, 1)):
            *_, p_, m_ = _conv(h, w, n_in, n_out, k, 1, "same")
            params, macs = params + p_, macs + m_
        return (h, w, b1 + b3 + b5 + pp), params, macs, t(
            "1x1 {b1} | 1x1 {r3} -> 3x3 {b3} | 1x1 {r5} -> 5x5 {b5} | pool -> 1x1 {pp}",
            b1=b1, r3=r3, b3=b3, r5=r5, b5=b5, pp=pp)
    if kind == "bottleneck":
        f1, f2, f3 = layer["filters"]
        s, bias, bn = layer.get("stride", 1), layer.get("bias", False), layer.get("bn", True)
        oh1, ow1, _, p1, m1 = _conv(h, w, c, f1, 1, s, "valid", bias=bias, bn=bn,
                                    bn_stats=bn_stats)
        oh2, ow2, _, p2, m2 = _conv(oh1, ow1, f1, f2, 3, 1, "same", bias=bias, bn=bn,
                                    bn_stats=bn_stats)
        oh3, ow3, _, p3, m3 = _conv(oh2, ow2, f2, f3, 1, 1, "valid", bias=bias, bn=bn,
                                    bn_stats=bn_stats)
        params, macs = p1 + p2 + p3, m1 + m2 + m3
        short = t("identity shortcut")
        if s != 1 or c != f3:  # the shape changes: a 1x1 projection on the shortcut
            *_, p4, m4 = _conv(h, w, c, f3, 1, s, "valid", bias=bias, bn=bn, bn_stats=bn_stats)
            params, macs = params + p4, macs + m4
            short = t("1x1/{s} projection shortcut", s=s)
        return (oh3, ow3, f3), params, macs, t("1x1 {f1} -> 3x3/{s} {f2} -> 1x1 {f3}, {short}",
                                               f1=f1, s=s, f2=f2, f3=f3, short=short)
    if kind == "residual":
        f, s = layer["filters"], layer.get("stride", 1)
        bias, bn = layer.get("bias", False), layer.get("bn", True)
        oh1, ow1, _, p1, m1 = _conv(h, w, c, f, 3, s, "same", bias=bias, bn=bn,
                                    bn_stats=bn_stats)
        oh2, ow2, _, p2, m2 = _conv(oh1, ow1, f, f, 3, 1, "same", bias=bias, bn=bn,
                                    bn_stats=bn_stats)
        params, macs = p1 + p2, m1 + m2
        short = t("identity shortcut")
        if s != 1 or c != f:
            *_, p3, m3 = _conv(h, w, c, f, 1, s, "valid", bias=bias, bn=bn, bn_stats=bn_stats)
            params, macs = params + p3, macs + m3
            short = t("1x1/{s} projection shortcut", s=s)
        return (oh2, ow2, f), params, macs, t("3x3/{s} {f} -> 3x3 {f}, {short}", s=s, f=f,
                                              short=short)
    raise ValueError(t("layer type must be one of {types}; got {kind!r}", types=", ".join(_KEYS),
                       kind=kind))


def summarize(spec, bn_stats: bool = False) -> list[dict]:
    """One row per layer: name, type, what it does, output (H, W, C), params, multiply-adds.

    The first row is the input. ``spec`` is a spec dict or a name from ``SPECS``.
    """
    if isinstance(spec, str):
        if spec not in SPECS:
            raise ValueError(t("spec must be one of {names} or a spec dict; got {spec!r}",
                               names=", ".join(SPECS), spec=spec))
        spec = SPECS[spec]()
    if not isinstance(spec, dict) or "input" not in spec or "layers" not in spec:
        raise ValueError(t("spec must be a name ({names}) or a dict with 'input' (H, W, C) and "
                           "'layers' (a list of layer dicts); got {spec!r}",
                           names=", ".join(SPECS), spec=spec))
    shape = spec["input"]
    if not isinstance(shape, (list, tuple)) or len(shape) != 3:
        raise ValueError(t("spec's input must be (H, W, C), got {shape!r}", shape=shape))
    shape = tuple(_whole(v, "input") for v in shape)
    if not isinstance(spec["layers"], (list, tuple)):
        raise ValueError(t("spec's layers must be a list of layer dicts, got {layers!r}",
                           layers=spec["layers"]))
    rows = [{"name": "input", "type": "input", "what": t("image"), "output": shape, "params": 0,
             "macs": 0}]
    for i, layer in enumerate(spec["layers"]):
        try:
            _check_layer(layer)
            shape, params, macs, what = _layer(shape, layer, bn_stats)
        except ValueError as err:
            label = layer.get("name", layer.get("type")) if isinstance(layer, dict) else "?"
            raise ValueError(t("layer {i} ({label}): {err}", i=i, label=label, err=err)) from None
        rows.append({"name": layer.get("name", f"{layer['type']}{i}"), "type": layer["type"],
                     "what": what, "output": shape, "params": int(params), "macs": int(macs)})
    return rows


def total_params(spec, bn_stats: bool = False) -> int:
    """The sum of the parameter counts of every layer."""
    return sum(row["params"] for row in summarize(spec, bn_stats))


def compare() -> list[dict]:
    """The five networks side by side: year, depth (layers with weights), input, parameters
    (computed and published), where they sit (conv vs dense), multiply-adds per image, and the
    size of the last feature map before the classifier."""
    rows = []
    for name, build in SPECS.items():
        spec = build()
        summary = summarize(spec)
        total = sum(r["params"] for r in summary)
        dense = sum(r["params"] for r in summary if r["type"] == "dense")
        depth = 0
        for r in summary:
            depth += {"conv": 1, "dense": 1, "inception": 2, "bottleneck": 3}.get(r["type"], 0)
        last_map = [r["output"] for r in summary
                    if r["type"] not in ("flatten", "dense", "dropout")][-1]
        published = PUBLISHED[name]
        rows.append({
            "network": name, "year": spec["year"], "depth": depth,
            "input": "x".join(map(str, spec["input"])),
            "params": total, "published": published["params"],
            "difference %": round(100 * (total - published["params"]) / published["params"], 2),
            "in dense layers %": round(100 * dense / total, 1),
            "multiply-adds (M)": round(sum(r["macs"] for r in summary) / 1e6, 1),
            "last feature map": "x".join(map(str, last_map)),
        })
    return rows
