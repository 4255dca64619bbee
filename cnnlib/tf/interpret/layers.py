"""Which layers a model has and what they do: conv layers, layers that output maps, the unit
that finishes a conv's maps (conv -> BN -> ReLU), the settings that set a layer's output size,
learned kernels against named ones, and the conv layers rebuilt for inputs of any size."""

from __future__ import annotations

import numpy as np

from cnnlib.text.i18n import t
from cnnlib.tf.interpret._base import check_model, get_keras


def conv_layers(model) -> list[str]:
    """Names of the model's ``Conv2D`` layers, input to output."""
    keras = get_keras()
    check_model(model)
    return [layer.name for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]


def map_layers(model, finished: bool = False) -> list[str]:
    """Names of the layers whose output is a stack of 2-D maps (batch, h, w, c): conv, pooling,
    normalization, activation, ... (everything before Flatten), input to output.

    finished=True keeps only maps that are complete: for conv -> BN -> ReLU, the ReLU's output
    (the conv's and BN's outputs are steps on the way), see ``unit_chain``.
    """
    keras = get_keras()
    check_model(model)
    names = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        try:
            shape = layer.output.shape
        except (AttributeError, ValueError):  # a layer never called in this model
            continue
        if len(shape) == 4:
            names.append(layer.name)
    if finished:
        inside = set()
        for name in conv_layers(model):
            chain = unit_chain(model, name)
            inside.update(layer.name for layer in chain[:-1])
        names = [n for n in names if n not in inside]
    return names


def get_layer(model, layer, kind="conv"):
    """A layer object from a name, a layer, or an int (the i-th conv layer)."""
    keras = get_keras()
    if isinstance(layer, keras.layers.Layer):
        if layer not in model.layers:
            raise ValueError(t('layer {name!r} is not part of model {model!r}', name=layer.name, model=model.name))
        found = layer
    elif isinstance(layer, (int, np.integer)) and not isinstance(layer, bool):
        convs = conv_layers(model)
        if not -len(convs) <= layer < len(convs):
            raise ValueError(
                t('layer must be a conv layer number in [0, {last}] or a name, got {layer}', last=len(convs) - 1, layer=layer))
        found = model.get_layer(convs[layer])
    elif isinstance(layer, str):
        names = [lay.name for lay in model.layers]
        if layer not in names:
            raise ValueError(t('layer must be one of {names}; got {layer!r}', names=', '.join(names), layer=layer))
        found = model.get_layer(layer)
    else:
        raise ValueError(t('layer must be a layer name, a layer, or a conv layer number; got {layer!r}', layer=layer))
    if kind == "conv" and not isinstance(found, keras.layers.Conv2D):
        raise ValueError(
            t('layer must be a Conv2D layer (one of {names}); {name!r} is a {kind}', names=', '.join(conv_layers(model)), name=found.name, kind=type(found).__name__))
    return found


def layer_geometry(model, layer) -> dict:
    """The settings that decide a layer's output size, read from its config: kind ("conv" or
    "pool"), kernel, stride, padding and dilation (each an (h, w) pair where it applies), and the
    number of output channels. Other layers give kind "other" (the size passes through)."""
    keras = get_keras()
    lay = get_layer(model, layer, kind="any")
    out_c = int(lay.output.shape[-1])
    if isinstance(lay, keras.layers.Conv2D):
        return {"kind": "conv", "kernel": tuple(lay.kernel_size), "stride": tuple(lay.strides),
                "padding": lay.padding, "dilation": tuple(lay.dilation_rate), "channels": out_c}
    pools = (keras.layers.MaxPooling2D, keras.layers.AveragePooling2D)
    if isinstance(lay, pools):
        return {"kind": "pool", "kernel": tuple(lay.pool_size), "stride": tuple(lay.strides),
                "padding": lay.padding, "dilation": (1, 1), "channels": out_c}
    return {"kind": "other", "channels": out_c}


def size_layer(model, layer) -> str:
    """The conv or pooling layer that set the size of ``layer``'s maps: the layer itself, or,
    for a batch normalization or activation after a conv, that conv (see ``unit_chain``)."""
    lay = get_layer(model, layer, kind="any")
    for name in conv_layers(model):
        if lay in unit_chain(model, name):
            return name
    return lay.name


#: Layer classes (by name) that act on each value alone: they can finish a conv's maps.
ELEMENTWISE = ("Activation", "ReLU", "LeakyReLU", "ELU")


def _next_layer(model, lay):
    """The one layer that reads ``lay``'s output, or None (several readers, or none)."""
    readers = []
    for other in model.layers:
        try:
            inp = other.input
        except (AttributeError, ValueError):
            continue
        if inp is lay.output:
            readers.append(other)
    return readers[0] if len(readers) == 1 else None


def unit_chain(model, layer) -> list:
    """The conv layer and the per-channel layers after it that finish its maps: batch
    normalization and one activation (conv -> BN -> ReLU in many models; just the conv when it
    has its activation built in). A filter's "unit" is the last of them."""
    keras = get_keras()
    lay = get_layer(model, layer)
    chain = [lay]
    has_act = getattr(lay.activation, "__name__", "") != "linear"
    while not has_act:
        nxt = _next_layer(model, chain[-1])
        if nxt is None:
            break
        if isinstance(nxt, keras.layers.BatchNormalization) and nxt.axis in (-1, 3, [-1], [3]):
            chain.append(nxt)
        elif type(nxt).__name__ in ELEMENTWISE:
            chain.append(nxt)
            has_act = True
        else:
            break
    return chain


def closest_kernels(kernels, references: dict) -> list[tuple[int, float]]:
    """For each reference kernel (name -> 2-D array), the learned kernel most like it:
    (index, cosine similarity) with the largest similarity (the sign counts: a kernel and its
    negative detect opposite edges). kernels: (kh, kw, [C,] F); C > 1 is averaged. A smaller
    reference (3x3 Sobel against 5x5 kernels) is padded with zeros around it."""
    k = np.asarray(kernels, dtype=float)
    if k.ndim == 4:
        k = k.mean(axis=2)
    if k.ndim != 3:
        raise ValueError(t('kernels must be (kh, kw, F) or (kh, kw, C, F), got shape {shape}', shape=k.shape))
    flat = k.reshape(-1, k.shape[-1]).T                                  # (F, kh*kw)
    flat = flat / np.maximum(np.linalg.norm(flat, axis=1, keepdims=True), 1e-12)
    out = []
    for name, ref in references.items():
        r = np.asarray(ref, dtype=float)
        extra = np.subtract(k.shape[:2], r.shape) if r.ndim == 2 else (-1, -1)
        if min(extra) < 0 or extra[0] % 2 or extra[1] % 2:
            raise ValueError(t('references[{name!r}] must be 2-D and at most {max_shape} (odd sizes), got {shape}', name=name, max_shape=k.shape[:2], shape=r.shape))
        r = np.pad(r, ((extra[0] // 2,) * 2, (extra[1] // 2,) * 2))
        r = r.ravel() / max(np.linalg.norm(r), 1e-12)
        sims = flat @ r
        best = int(np.argmax(sims))
        out.append((best, float(sims[best])))
    return out


def conv_stack(model, input_shape=(None, None, None)):
    """The model's layers up to (not including) the first Flatten / Dense / global pooling,
    rebuilt on an input of any size, with copies of the trained weights.

    Lets a photo larger than 28x28 pass through a digit model's convolution layers, to see
    its activation maps. Only a plain chain of layers (no branches) can be rebuilt.
    """
    keras = get_keras()
    check_model(model)
    c = input_shape[-1] if input_shape[-1] is not None else int(model.inputs[0].shape[-1])
    inp = keras.Input(shape=(input_shape[0], input_shape[1], c), name="image")
    x = inp
    stop = (keras.layers.Flatten, keras.layers.Dense, keras.layers.GlobalAveragePooling2D,
            keras.layers.GlobalMaxPooling2D)
    prev = model.inputs[0]
    copies = []
    for lay in model.layers:
        if isinstance(lay, keras.layers.InputLayer):
            continue
        if isinstance(lay, stop):
            break
        if lay.input is not prev:
            raise ValueError(t('conv_stack needs a plain chain of layers; this model branches'))
        copy = type(lay).from_config(lay.get_config())
        x = copy(x)
        copy.set_weights(lay.get_weights())
        copies.append(copy)
        prev = lay.output
    if not copies:
        raise ValueError(t('model has no layers before its first Flatten/Dense'))
    return keras.Model(inp, x, name=f"{model.name}_conv_stack")



def _graph(model):
    """(operations in topological order, edges (from, to) as positions in that order), for the
    operations of this model (layers and the ops between them, e.g. ``x + 3``)."""
    ops = list(getattr(model, "operations", model.layers))
    pos = {id(op): i for i, op in enumerate(ops)}
    edges = []
    for i, op in enumerate(ops):
        for node in getattr(op, "_inbound_nodes", []):
            for tensor in getattr(node, "input_tensors", []):
                history = getattr(tensor, "_keras_history", None)
                if history is not None and id(history[0]) in pos:
                    edges.append((pos[id(history[0])], i))
    return ops, edges


def branches(model) -> bool:
    """True if some layer's output is read by more than one layer (shortcuts, squeeze-and-
    excitation, inception branches): such a model is not a plain chain."""
    ops, edges = _graph(model)
    sources = [a for a, _ in edges]
    return len(sources) != len(set(sources))


def trunk_layers(model) -> list[str]:
    """The layers worth showing, input to output: finished 2-D maps larger than 1×1.

    In a plain chain: ``map_layers(model, finished=True)`` (without 1×1 maps). In a network
    with branches, only the trunk: the layers that every path from input to output passes
    through (a block's output, after its shortcut joins), from the first convolution on, and
    of those only the finished ones (not a conv or batch norm whose maps go on through a batch
    norm or activation). Maps inside a block (a squeeze-and-excitation branch, the step before
    a shortcut adds) are left out.
    """
    keras = get_keras()
    check_model(model)

    def big(lay):
        try:
            shape = lay.output.shape
        except (AttributeError, ValueError):
            return False
        return len(shape) == 4 and all(d is None or d > 1 for d in shape[1:3])

    if not branches(model):
        return [n for n in map_layers(model, finished=True) if big(model.get_layer(n))]
    ops, edges = _graph(model)
    reach = [0] * len(ops)  # reach[i]: the furthest operation read by any operation before i
    far = 0
    for i in range(len(ops)):
        reach[i] = far
        far = max([far] + [b for a, b in edges if a == i])
    readers: dict = {}
    for a, b in edges:
        readers.setdefault(a, []).append(ops[b])
    per_channel = (keras.layers.BatchNormalization, keras.layers.DepthwiseConv2D)
    started = False
    names = []
    for i, op in enumerate(ops):
        if isinstance(op, keras.layers.Conv2D) or isinstance(op, keras.layers.DepthwiseConv2D):
            started = True
        if not started or not isinstance(op, keras.layers.Layer) or reach[i] > i:
            continue
        if not big(op) or isinstance(op, (keras.layers.ZeroPadding2D, keras.layers.Cropping2D)):
            continue  # 1×1 maps explain nothing; padding only adds a frame of zeros
        nxt = readers.get(i, [])
        goes_on = len(nxt) == 1 and (isinstance(nxt[0], keras.layers.BatchNormalization)
                                     or type(nxt[0]).__name__ in ELEMENTWISE)
        if goes_on and (isinstance(op, (keras.layers.Conv2D, *per_channel))):
            continue  # its maps are finished by the batch norm or activation after it
        names.append(op.name)
    return names
