"""Explorers for notebook 02 (kernels and stride)."""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from cnnlib import images, kernels, ops
from cnnlib.plots.conv import (
    kernel_is_signed,
    plot_kernel_on_image,
    plot_rgb_conv_step,
)
from cnnlib.plots.pixels import _outline, changing_parts, new_layered_figure
from cnnlib.widgets.pixels import LinkedExplorer

__all__ = ["STEP_EXAMPLES", "kernel_gallery_explorer",
           "kernel_editor_explorer", "rgb_conv_explorer"]

#: name -> (image, kernel) for the stepper: the worked examples of the articles.
STEP_EXAMPLES = {
    "5x5 image, X kernel": (images.article_5x5, images.article_kernel),
    "6x6 edge image, Sobel x": (images.edge_6x6,
                                lambda: kernels.get("sobel x (vertical edges)")),
    "7x7 X image, X kernel": (images.cross_7x7, images.article_kernel),
}

_WIDE = {"description_width": "initial"}


def _size_formula(n, k, stride) -> str:
    """'floor((5 − 3)/1) + 1 = 3': the output size along one axis, numbers filled in."""
    return f"floor(({n} − {k})/{stride}) + 1 = {ops.output_size(n, k, stride)}"


def _output_size_html(shape, kernel_shape, stride) -> str:
    h, w = shape[:2]
    kh, kw = kernel_shape[:2]
    oh, ow = ops.output_size(h, kh, stride), ops.output_size(w, kw, stride)
    return (f"output size = floor((n − k)/s) + 1: rows {_size_formula(h, kh, stride)}, "
            f"columns {_size_formula(w, kw, stride)} → <b>{oh} x {ow}</b>")


def _products_text(window, kernel, limit=9) -> str:
    """'1·1 + 1·0 + ...' for the info line (at most ``limit`` terms, then '...')."""
    terms = [f"{a:g}·{b:g}" for a, b in zip(np.ravel(window), np.ravel(kernel))]
    return " + ".join(terms[:limit]) + (" + ..." if len(terms) > limit else "")


def _play_for(slider, interval=700):
    """A Play button that walks the slider one step at a time (and a link keeping them equal)."""
    play = widgets.Play(value=slider.value, min=slider.min, max=slider.max, step=1,
                        interval=interval, description="play the steps")
    widgets.link((play, "value"), (slider, "value"))
    widgets.link((slider, "max"), (play, "max"))
    return play


def _gray_photos():
    """name -> grayscale photo (0-255 floats), converted once per explorer."""
    cache: dict = {}

    def get(name):
        if name not in cache:
            cache[name] = images.grayscale(images.load(name))
        return cache[name]

    return get


def kernel_gallery_explorer(kernel: str = "sobel x (vertical edges)",
                            image: str = "cat (chelsea)", relu: bool = False):
    """Pick a named kernel and a photo: see the kernel's numbers and the feature map it makes.

    With "ReLU after" ticked, the feature map's negative values become 0, as in a conv layer.
    """
    controls = {
        "kernel": widgets.Dropdown(options=kernels.names(), value=kernel, description="kernel",
                                   style=_WIDE),
        "image": widgets.Dropdown(options=list(images.PHOTOS), value=image,
                                  description="image"),
        "relu": widgets.Checkbox(value=relu, description="ReLU after"),
    }
    photo = _gray_photos()
    fig, axes = new_layered_figure(1, 3, figsize=(10.5, 3.6), width_ratios=[1.5, 0.8, 1.5])
    state: dict = {}

    def render(kernel, image, relu):
        x, k = photo(image), kernels.get(kernel)
        fmap = ops.conv2d(x, k)
        shown = ops.relu(fmap) if relu else fmap
        signed = kernel_is_signed(k)
        fig.static_key = image  # the photo panel stays put while the kernel changes
        fig.dynamic = [axes[1], axes[2]]
        plot_kernel_on_image(x, k, shown, axes=axes, signed=signed, titles=[
            f"{image} (grayscale)", kernel,
            f"feature map{' after ReLU' if relu else ''} {shown.shape[0]}x{shown.shape[1]}"])
        state.update(image=x, kernel=k, feature_map=fmap, output=shown)
        scale = "drawn blue < 0 < red" if signed else "drawn in gray"
        return (f"sum of the kernel's numbers: {k.sum():.3g} · values {shown.min():.0f} to "
                f"{shown.max():.0f} ({scale}) · " + _output_size_html(x.shape, k.shape, 1))

    explorer = LinkedExplorer(controls, render, fig, title="Kernel gallery: named filters on a photo")
    explorer.state = state
    return explorer


CUSTOM = "(custom)"


def kernel_editor_explorer(kernel: str = "edges (Laplacian)", image: str = "cat (chelsea)",
                           stride: int = 1):
    """Type your own 3x3 kernel and pick a stride: see the feature map and its size.

    Nine number boxes hold the kernel (a preset fills them; editing a box makes it "custom");
    the info line shows the output size formula with the numbers filled in.
    ``explorer.state["output"]`` is the drawn feature map, ``state["kernel"]`` the kernel.
    """
    start = kernels.get(kernel)
    boxes = {f"k{r}{c}": widgets.FloatText(value=float(start[r, c]), step=0.1,
                                           description=f"[{r},{c}]",
                                           layout=widgets.Layout(width="120px"),
                                           style={"description_width": "32px"})
             for r in range(3) for c in range(3)}
    controls = {
        "preset": widgets.Dropdown(options=[CUSTOM, *kernels.names()], value=kernel,
                                   description="start from", style=_WIDE),
        "image": widgets.Dropdown(options=list(images.PHOTOS), value=image,
                                  description="image"),
        "stride": widgets.IntSlider(value=stride, min=1, max=6, description="stride"),
        **boxes,
    }

    def sync(change, ctrls):
        if change is None:
            return
        if change["owner"] is ctrls["preset"]:
            if change["new"] != CUSTOM:
                k = kernels.get(change["new"])
                for r in range(3):
                    for c in range(3):
                        ctrls[f"k{r}{c}"].value = float(k[r, c])
        elif change["owner"] in boxes.values() and ctrls["preset"].value != CUSTOM:
            ctrls["preset"].value = CUSTOM

    photo = _gray_photos()
    fig, axes = new_layered_figure(1, 3, figsize=(10.5, 3.6), width_ratios=[1.5, 0.8, 1.5])
    state: dict = {}

    def render(preset, image, stride, **ks):
        k = np.array([[ks[f"k{r}{c}"] for c in range(3)] for r in range(3)], dtype=float)
        bad = [f"[{r},{c}]" for r in range(3) for c in range(3) if not np.isfinite(k[r, c])]
        if bad:
            raise ValueError(f"kernel box {bad[0]} must hold a finite number")
        x = photo(image)
        out = ops.conv2d(x, k, stride=stride)
        fig.static_key = image  # the photo panel stays put while the kernel changes
        fig.dynamic = [axes[1], axes[2]]
        plot_kernel_on_image(x, k, out, axes=axes, signed=kernel_is_signed(k), titles=[
            f"{image} (grayscale) {x.shape[0]}x{x.shape[1]}", "your kernel",
            f"feature map {out.shape[0]}x{out.shape[1]} (stride {stride})"])
        state.update(image=x, kernel=k, output=out, stride=stride)
        return _output_size_html(x.shape, k.shape, stride)

    explorer = LinkedExplorer(controls, render, fig, on_change=sync,
                              title="Kernel editor: type the nine numbers, pick a stride")
    # Lay the nine boxes out as the 3x3 kernel they are.
    grid = widgets.GridBox(list(boxes.values()), layout=widgets.Layout(
        grid_template_columns="repeat(3, 124px)", grid_gap="2px 4px"))
    others = widgets.VBox([controls["preset"], controls["image"], controls["stride"]])
    for child in explorer.children:
        if isinstance(child, widgets.Box) and set(child.children) == set(controls.values()):
            child.children = [others, grid]
    explorer.state = state
    return explorer


RGB_KERNELS = {
    "small integers (example)": kernels.rgb_example,
    "luminance (centre only)": kernels.rgb_luminance,
}


def rgb_conv_explorer(kernel: str = "small integers (example)", bias: float = 1.0,
                      stride: int = 1, step: int = 0):
    """A 3x3x3 kernel over a 5x5x3 RGB image, one step at a time: per channel the products and
    their sum, then the three sums plus the bias make one output number.

    ``explorer.state["step"]`` is the dict ``ops.conv_step`` returned.
    """
    x = images.toy_rgb_5x5()
    controls = {
        "kernel": widgets.Dropdown(options=list(RGB_KERNELS), value=kernel,
                                   description="kernel", style=_WIDE),
        "bias": widgets.FloatSlider(value=bias, min=-3.0, max=3.0, step=0.5,
                                    description="bias"),
        "stride": widgets.IntSlider(value=stride, min=1, max=2, description="stride"),
        "step": widgets.IntSlider(value=step, min=0, max=8, description="step"),
    }

    def fit_step(change, ctrls):
        n = ops.output_size(x.shape[0], 3, ctrls["stride"].value)
        ctrls["step"].max = n * n - 1

    fit_step(None, controls)
    # Placed by hand (no layout pass): no tick labels here, so nothing can overlap.
    fig, axes = new_layered_figure(3, 4, figsize=(9.5, 6.6), layout=None,
                                   width_ratios=[5, 3.4, 3.4, 4.2])
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.95, wspace=0.12, hspace=0.22)
    state: dict = {}

    def render(kernel, bias, stride, step):
        k = RGB_KERNELS[kernel]()
        st = ops.conv_step(x, k, step, stride=stride, bias=bias)
        out = ops.conv2d(x, k, stride=stride, bias=bias)
        plot_rgb_conv_step(x, k, st, out, axes=axes)
        # The input channels and the kernel slices stay put while the window steps.
        fig.static_key = (kernel, stride)
        fig.dynamic = [part for c in range(3) for part in (
            *changing_parts(axes[c, 0], images=False, texts=False), axes[c, 2])]
        fig.dynamic += [axes[0, 3], *axes[1, 3].texts,
                        _outline(axes[2, 3], "window", color="white")]
        state.update(x=x, kernel=k, step=st, output=out)
        sums = " + ".join(f"{s:.4g}" for s in st["channel_sums"])
        (i, j) = st["cell"]
        return (f"step {step + 1} of {st['n_steps']}: red + green + blue + bias = {sums} + "
                f"{html.escape(f'{bias:g}')} = <b>{st['total']:.4g}</b> → output[{i}, {j}]<br>"
                + _output_size_html(x.shape, k.shape, stride))

    play = _play_for(controls["step"])
    explorer = LinkedExplorer(controls, render, fig, on_change=fit_step, extra=[play],
                              title="A 3x3x3 kernel over an RGB image")
    explorer.state = state
    explorer.play = play
    return explorer
