"""Explorers for notebook 02 (kernels and stride)."""

from __future__ import annotations

import html
from functools import partial

import ipywidgets as widgets
import numpy as np

from cnnlib.core import images, kernels, ops
from cnnlib.plots.conv import (
    kernel_is_signed,
    plot_kernel_on_image,
    plot_rgb_conv_step,
)
from cnnlib.plots.live import changing_parts, new_layered_figure, outline
from cnnlib.text.i18n import t, t_name
from cnnlib.widgets.base import Explorer
from cnnlib.widgets.controls import (
    WIDE,
    checkbox,
    dropdown,
    float_slider,
    int_slider,
    label_width,
    number_box,
)
from cnnlib.widgets.photos import PhotoChoice
from cnnlib.widgets.sizes import output_size_line

__all__ = ["STEP_EXAMPLES", "kernel_gallery_explorer",
           "kernel_editor_explorer", "rgb_conv_explorer"]

#: name -> (image, kernel) for the stepper: the worked examples of the articles.
STEP_EXAMPLES = {
    "5x5 image, X kernel": (images.article_5x5, partial(kernels.get, "x (article)")),
    "6x6 edge image, Sobel x": (images.edge_6x6,
                                lambda: kernels.get("sobel x (vertical edges)")),
    "7x7 X image, X kernel": (images.cross_7x7, partial(kernels.get, "x (article)")),
}


def _gray_photos():
    """name -> grayscale photo (0-255 floats), converted once per explorer."""
    cache: dict = {}

    def get(name):
        if name not in cache:
            cache[name] = images.grayscale(images.load(name))
        return cache[name]

    return get


def kernel_gallery_explorer(kernel: str = "sobel x (vertical edges)",
                            image="cat (chelsea)", relu: bool = False):
    """Pick a named kernel and a photo: see the kernel's numbers and the feature map it makes.

    With "ReLU after" ticked, the feature map's negative values become 0, as in a conv layer.
    image: a sample's name, or your own photo as an array, a file path or PNG/JPEG bytes (or
    use the upload button).
    """
    choice = PhotoChoice(image, list(images.PHOTOS))
    controls = {
        "kernel": dropdown("kernel", kernels.names(), kernel, style=WIDE),
        "image": choice.dropdown,
        "relu": checkbox("ReLU after", relu),
    }
    photo = _gray_photos()
    fig, axes = new_layered_figure(1, 3, figsize=(10.5, 3.6), width_ratios=[1.5, 0.8, 1.5])

    def compute(kernel, image, relu):
        x, k = photo(image), kernels.get(kernel)
        fmap = ops.conv2d(x, k)
        shown = ops.relu(fmap) if relu else fmap
        state = dict(image=x, kernel=k, feature_map=fmap, output=shown)
        return state, choice.note(image) + t(
            "sum of the kernel's numbers: {total:.3g} · values {lo:.0f} to {hi:.0f} ({scale}) · ",
            total=k.sum(), lo=shown.min(), hi=shown.max(),
            scale=t("drawn blue < 0 < red" if kernel_is_signed(k) else "drawn in gray")) \
            + output_size_line(x.shape, k.shape, 1) + "<br>" + kernel_rows(k)

    def draw(state, kernel, image, relu):
        shown = state["output"]
        fig.static_key = image  # the photo panel stays put while the kernel changes
        fig.dynamic = [axes[1], axes[2]]
        plot_kernel_on_image(state["image"], state["kernel"], shown, axes=axes,
                             signed=kernel_is_signed(state["kernel"]), titles=[
            t("{image} (grayscale)", image=t_name(image)), t(kernel),
            t("feature map{relu} {h}x{w}", relu=t(" after ReLU") if relu else "",
              h=shown.shape[0], w=shown.shape[1])])

    return Explorer(controls, compute, draw, fig, photos=choice,
                    title="Kernel gallery: named filters on a photo",
                    picture="The photo, the chosen kernel's numbers, and the feature map the "
                            "kernel makes of the photo.")


def kernel_rows(k) -> str:
    """The kernel's numbers, row by row, as the picture shows them (for a reader who cannot see
    it)."""
    return t("kernel rows: {rows}", rows=" / ".join(" ".join(f"{v:.3g}" for v in row)
                                                    for row in np.asarray(k)))


CUSTOM = "(custom)"


def kernel_editor_explorer(kernel: str = "edges (Laplacian)", image="cat (chelsea)",
                           stride: int = 1):
    """Type your own 3x3 kernel and pick a stride: see the feature map and its size.

    Nine number boxes hold the kernel (a preset fills them; editing a box makes it "custom");
    the info line shows the output size formula with the numbers filled in. image: a sample's
    name, or your own photo as an array, a file path or PNG/JPEG bytes (or use the upload
    button). ``explorer.state["output"]`` is the drawn feature map, ``state["kernel"]`` the
    kernel.
    """
    choice = PhotoChoice(image, list(images.PHOTOS))
    start = kernels.get(kernel)
    boxes = {f"k{r}{c}": number_box(f"[{r},{c}]", float(start[r, c]),
                                    style=label_width("32px"), width="120px")
             for r in range(3) for c in range(3)}
    controls = {
        "preset": dropdown("start from", [CUSTOM, *kernels.names()], kernel, style=WIDE),
        "image": choice.dropdown,
        "stride": int_slider("stride", stride, 1, 6),
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

    def compute(preset, image, stride, **ks):
        k = np.array([[ks[f"k{r}{c}"] for c in range(3)] for r in range(3)], dtype=float)
        bad = [f"[{r},{c}]" for r in range(3) for c in range(3) if not np.isfinite(k[r, c])]
        if bad:
            raise ValueError(t("kernel box {box} must hold a finite number", box=bad[0]))
        x = photo(image)
        out = ops.conv2d(x, k, stride=stride)
        return (dict(image=x, kernel=k, output=out, stride=stride),
                choice.note(image) + output_size_line(x.shape, k.shape, stride))

    def draw(state, preset, image, stride, **ks):
        x, out = state["image"], state["output"]
        fig.static_key = image  # the photo panel stays put while the kernel changes
        fig.dynamic = [axes[1], axes[2]]
        plot_kernel_on_image(x, state["kernel"], out, axes=axes,
                             signed=kernel_is_signed(state["kernel"]), titles=[
            t("{image} (grayscale) {h}x{w}", image=t_name(image), h=x.shape[0], w=x.shape[1]),
            t("your kernel"), t("feature map {h}x{w} (stride {stride})", h=out.shape[0],
                                w=out.shape[1], stride=stride)])

    # The nine boxes laid out as the 3x3 kernel they are, beside the other controls.
    grid = widgets.GridBox(list(boxes.values()), layout=widgets.Layout(
        grid_template_columns="repeat(3, 124px)", grid_gap="2px 4px"))
    others = widgets.VBox([controls["preset"],
                           widgets.HBox([controls["image"], choice.upload]), controls["stride"]])
    return Explorer(controls, compute, draw, fig, photos=choice, on_change=sync,
                    arrange=[others, grid],
                    title="Kernel editor: type the nine numbers, pick a stride",
                    picture="The photo, the 3×3 kernel you typed, and the feature map it makes "
                            "with the chosen stride.")


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
        "kernel": dropdown("kernel", list(RGB_KERNELS), kernel, style=WIDE),
        "bias": float_slider("bias", bias, -3.0, 3.0, 0.5),
        "stride": int_slider("stride", stride, 1, 2),
        "step": int_slider("step", step, 0, 8),
    }

    def fit_step(change, ctrls):
        n = ops.output_size(x.shape[0], 3, ctrls["stride"].value)
        ctrls["step"].max = n * n - 1

    fit_step(None, controls)
    fig, axes = new_layered_figure(3, 4, figsize=(9.5, 6.6), width_ratios=[5, 3.4, 3.4, 4.2])

    def compute(kernel, bias, stride, step):
        k = RGB_KERNELS[kernel]()
        st = ops.conv_step(x, k, step, stride=stride, bias=bias)
        out = ops.conv2d(x, k, stride=stride, bias=bias)
        (i, j) = st["cell"]
        return dict(x=x, kernel=k, step=st, output=out), t(
            "step {step} of {n}: red + green + blue + bias = {sums} + {bias} = "
            "<b>{total:.4g}</b> → output[{i}, {j}]<br>", step=step + 1, n=st["n_steps"],
            sums=" + ".join(f"{s:.4g}" for s in st["channel_sums"]),
            bias=html.escape(f"{bias:g}"), total=st["total"], i=i, j=j) \
            + output_size_line(x.shape, k.shape, stride)

    def draw(state, kernel, bias, stride, step):
        plot_rgb_conv_step(x, state["kernel"], state["step"], state["output"], axes=axes)
        # The input channels and the kernel slices stay put while the window steps.
        fig.static_key = (kernel, stride)
        fig.dynamic = [part for c in range(3) for part in (
            *changing_parts(axes[c, 0], images=False, texts=False), axes[c, 2])]
        fig.dynamic += [axes[0, 3], *axes[1, 3].texts,
                        outline(axes[2, 3], "window", color="white")]

    # Placed by hand (no layout pass): no tick labels here, so nothing can overlap.
    return Explorer(controls, compute, draw, fig, play="step", on_change=fit_step,
                    layout=dict(left=0.01, right=0.99, bottom=0.01, top=0.95, wspace=0.12,
                                hspace=0.22), title="A 3x3x3 kernel over an RGB image",
                    picture="The red, green and blue channels with the current window, the "
                            "kernel's three slices, and the output map filled in up to this "
                            "step.")
