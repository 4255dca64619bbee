"""Explorers for notebook 04: pooling on a real photo, shifting the input, and noise.

Wiring only: the maps and curves come from ``cnnlib.core.experiments``, pictures from
``cnnlib.plots.pooling``.
"""

from __future__ import annotations

import html

import numpy as np

from cnnlib.core import experiments, ops
from cnnlib.core.experiments import MAX_SHIFT, NOISE_LEVELS
from cnnlib.plots import common
from cnnlib.plots import pooling as pplots
from cnnlib.text.i18n import t

from .base import Explorer
from .controls import compact_slider, dropdown, float_slider, label_width
from .photos import PhotoChoice

__all__ = ["POOL_IMAGES", "pooling_explorer", "pool_shift_explorer", "pool_noise_explorer"]

#: Photos shipped with scikit-image (no download), shrunk to about 150 pixels high.
POOL_IMAGES = ["cat (chelsea)", "camera", "coins", "astronaut"]
MODES = [("max", "max"), ("average", "avg")]
STYLE = label_width("60px")
#: Two rows of maps on the left, one tall curve on the right, placed by hand.
GRID_LAYOUT = dict(left=0.01, right=0.99, bottom=0.03, top=0.93, wspace=0.06, hspace=0.2)
CURVE_BOX = [0.745, 0.12, 0.24, 0.78]


SLIDER = {"label": "60px", "width": "230px"}


def _dropdown(description, options, value, width="200px"):
    return dropdown(description, options, value, style=STYLE, width=width)


def _maps_and_curve():
    """A 2 x 2 grid of maps and, where the third column was, one tall ax for a curve; and the
    function that draws into them."""
    fig, axes = common.new_figure(2, 3, figsize=(8.4, 4.3), dpi=80)
    axes[0, 2].remove()
    axes[1, 2].remove()
    ax_curve = fig.add_axes(CURVE_BOX)

    def draw(maps, xs, curves, current, **labels):
        """maps: four (array, cmap, vmax, title), row by row; curves: {name: ys} over xs, with
        ``current`` marked; labels: the curve's xlabel, ylabel and title."""
        for ax, (values, cmap, vmax, title) in zip(axes[:, :2].ravel(), maps):
            pplots.plot_map(values, ax, cmap=cmap, vmin=0, vmax=vmax, title=title)
        pplots.plot_curves(xs, curves, current=current, ax=ax_curve, ylim=(0, 1.05), **labels)

    return fig, draw


def _pool_name(mode):
    """The pooling's statistic as a noun ("the max of a window")."""
    return t("max" if mode == "max" else "average")


# A pooling kind before a noun has its own form in Chinese (最大池化, not 最大值池化): each
# kind gets its own whole label rather than a noun dropped into one template.
def _pooled_title(mode, shape):
    h, w = shape
    if mode == "max":
        return t("max pooled {h} × {w}", h=h, w=w)
    return t("average pooled {h} × {w}", h=h, w=w)


def _pooled_moved(mode, size):
    if mode == "max":
        return t("max pooled {size}×{size}, moved", size=size)
    return t("average pooled {size}×{size}, moved", size=size)


def _pooled_curve(mode):
    return t("max pooled") if mode == "max" else t("average pooled")


def pooling_explorer(image="cat (chelsea)", kind="edges", mode="max", size=2, stride=2):
    """Max or average pooling of a feature map of a real photo, with size and stride sliders.

    Left: the feature map (Sobel edges of the photo, or the photo itself); right: the pooled
    map, drawn at the same width so you see how coarse it gets. The info line gives the pooled
    size with the formula filled in and how many numbers are left. image: a sample's name, or
    your own photo as an array, a file path or PNG/JPEG bytes (or use the upload button).

    ``explorer.state``: ``feature``, ``pooled`` (arrays), ``mode``, ``size``, ``stride``.
    """
    choice = PhotoChoice(image, POOL_IMAGES, style=STYLE, width="200px")
    controls = {
        "image": choice.dropdown,
        "kind": _dropdown("map", [("edges (Sobel)", "edges"), ("photo", "photo")], kind,
                          width="190px"),
        "mode": _dropdown("pooling", MODES, mode, width="170px"),
        "size": compact_slider("size", size, 1, 8, **SLIDER),
        "stride": compact_slider("stride", stride, 1, 8, **SLIDER),
    }
    fig, (ax_in, ax_out) = common.new_figure(1, 2, figsize=(8.4, 3.5), dpi=80)

    def compute(image, kind, mode, size, stride):
        feature = experiments.feature(image, kind)
        pooled = ops.pool2d(feature, size, stride, mode=mode)  # ValueError -> message
        (h, w), (oh, ow) = feature.shape, pooled.shape
        name = _pool_name(mode)
        lines = [
            t("<b>pooled: {oh} × {ow} = {rows} rows, {cols} columns</b>", oh=oh, ow=ow,
              rows=ops.output_size_formula(h, size, stride, short=True),
              cols=ops.output_size_formula(w, size, stride, short=True)),
            t("{n_in:,} numbers → {n_out:,}: {ratio:.1f}× fewer; each output is the {name} of a "
              "{size}×{size} window", n_in=feature.size, n_out=pooled.size,
              ratio=feature.size / pooled.size, name=name, size=size),
        ]
        if stride > size:
            lines.append(t('<span style="color:#b00020">&#9888; stride {stride} &gt; size '
                           "{size}: the windows leave gaps ({skipped} of {h} rows are never "
                           "looked at)</span>", stride=stride, size=size, h=h,
                           skipped=int(np.sum(~ops.visited_positions(h, size, stride)))))
        elif stride < size:
            lines.append(t("stride {stride} &lt; size {size}: the windows overlap, so a strong "
                           "value can win several outputs", stride=stride, size=size))
        state = dict(feature=feature, pooled=pooled, mode=mode, size=size, stride=stride)
        return state, choice.note(image) + "<br>".join(lines)

    def draw(state, image, kind, mode, size, stride):
        feature, pooled = state["feature"], state["pooled"]
        cmap = "magma" if kind == "edges" else "gray"
        pplots.plot_map(feature, ax=ax_in, cmap=cmap, vmin=0, vmax=1,
                        title=t("feature map {h} × {w}", h=feature.shape[0], w=feature.shape[1]))
        pplots.plot_map(pooled, ax=ax_out, cmap=cmap, vmin=0, vmax=1,
                        title=_pooled_title(mode, pooled.shape))

    return Explorer(controls, compute, draw, fig, photos=choice,
                    title="Pooling a feature map of a photo",
                    picture="The photo, its feature map, and the pooled map, smaller by the "
                            "pooling stride.",
                    layout=dict(left=0.01, right=0.99, bottom=0.03, top=0.9, wspace=0.04))


def pool_shift_explorer(image="cat (chelsea)", shift=1, direction="right", size=2, mode="max"):
    """Move the photo by a few pixels: the raw edge map changes a lot, the pooled map less.

    Top: the edge map after the move and its change |after − before|; bottom: the same for the
    pooled map (size × size windows, stride = size). Right: the change, measured as
    1 − correlation(before, after), for every shift, with the current one marked.

    ``explorer.state``: ``raw_before``, ``raw_after``, ``pooled_before``, ``pooled_after``,
    ``change_raw``, ``change_pooled`` (at the current shift), ``curve_raw``, ``curve_pooled``.
    """
    controls = {
        "image": _dropdown("image", POOL_IMAGES, image),
        "shift": compact_slider("shift (px)", shift, 0, MAX_SHIFT, **SLIDER),
        "direction": _dropdown("direction", ["right", "down"], direction, width="170px"),
        "size": compact_slider("pool size", size, 2, 6, **SLIDER),
        "mode": _dropdown("pooling", MODES, mode, width="170px"),
    }
    fig, draw_maps = _maps_and_curve()

    def compute(image, shift, direction, size, mode):
        c = experiments.shift_comparison(image, shift, direction, size, mode)
        change_raw, change_pooled = c["change_raw"], c["change_pooled"]
        ratio = ("" if change_raw == 0 else
                 t(" — the pooled map changes {x:.1f}× less",
                   x=change_raw / max(change_pooled, 1e-12)))
        return c, t("<b>moved {shift} px {direction}: raw change {raw:.3f}, pooled change "
                    "{pooled:.3f}</b>{ratio}<br>change = 1 − correlation between the map "
                    "before and after the move (0: the same pattern in the same places)",
                    shift=shift, direction=t(direction), raw=change_raw,
                    pooled=change_pooled, ratio=ratio)

    def draw(c, image, shift, direction, size, mode):
        raw_a, raw_b, pool_a, pool_b = (c["raw_before"], c["raw_after"], c["pooled_before"],
                                        c["pooled_after"])
        top_raw = float(raw_a.max()) or 1.0
        top_pool = float(pool_a.max()) or 1.0
        draw_maps([
            (raw_b, "magma", top_raw, t("edge map, moved {shift} px {direction}", shift=shift,
                                        direction=t(direction))),
            (np.abs(raw_b - raw_a) / top_raw, "Reds", 1,
             t("raw change (1 − r = {change:.2f})", change=c["change_raw"])),
            (pool_b, "magma", top_pool, _pooled_moved(mode, size)),
            (np.abs(pool_b - pool_a) / top_pool, "Reds", 1,
             t("pooled change (1 − r = {change:.2f})", change=c["change_pooled"]))],
            np.arange(MAX_SHIFT + 1), {t("raw edge map"): c["curve_raw"],
                                       _pooled_curve(mode): c["curve_pooled"]}, shift,
            xlabel=t("shift (pixels, {direction})", direction=t(direction)),
            ylabel=t("change = 1 − correlation"), title=t("how much the map changes"))

    return Explorer(controls, compute, draw, fig, layout=GRID_LAYOUT,
                    title="Shift the input: what pooling forgives",
                    picture="The edge map before and after the shift, the same two maps pooled, "
                            "and curves of how much each map changes with the shift.")


NOISE_HELP = {
    "gaussian": "zero-mean noise on every cell: averaging cancels much of it; the max picks "
                "the noise that happens to point up",
    "salt": "bright specks: one speck in a window wins the max; the average only moves a bit",
    "pepper": "lost activations (cells dropped to 0): the max survives if any strong cell is "
              "left in the window; the average sinks",
}


def pool_noise_explorer(image="cat (chelsea)", kind="gaussian", level=0.2, size=2):
    """Add noise to a feature map, then compare max with average pooling.

    Top: the clean edge map and the noisy one; bottom: max- and average-pooled noisy maps.
    Right: for every noise level, the correlation r between the pooled noisy map and the pooled
    clean map (1 = the noise did no harm), for max and for average pooling.

    ``explorer.state``: ``clean``, ``noisy``, ``max``, ``avg`` (pooled noisy maps), ``r_max``,
    ``r_avg``, ``curve_max``, ``curve_avg``.
    """
    controls = {
        "image": _dropdown("image", POOL_IMAGES, image),
        "kind": _dropdown("noise", list(ops.NOISE_KINDS), kind, width="170px"),
        "level": float_slider("level", level, 0.0, 0.5, 0.05, continuous=False, style=STYLE,
                              width="230px"),
        "size": compact_slider("pool size", size, 2, 6, **SLIDER),
    }
    fig, draw_maps = _maps_and_curve()

    def compute(image, kind, level, size):
        level = round(float(level), 2)
        c = experiments.noise_comparison(image, kind, level, size)
        r_max, r_avg = c["r_max"], c["r_avg"]
        return c, t("<b>max pooling r = {r_max:.3f}, average pooling r = {r_avg:.3f}: {better} "
                    "keeps closer to the clean map</b><br>{help}", r_max=r_max, r_avg=r_avg,
                    better=t("max pooling") if r_max > r_avg else t("average pooling"),
                    help=html.escape(t(NOISE_HELP[kind])))

    def draw(c, image, kind, level, size):
        level = round(float(level), 2)
        draw_maps([
            (c["clean"], "magma", 1, t("clean edge map")),
            (c["noisy"], "magma", 1, t("{kind} noise, level {level:.2f}", kind=t(kind),
                                       level=level)),
            (c["max"], "magma", 1, t("max pooled {size}×{size} (r = {r:.2f})", size=size,
                                     r=c["r_max"])),
            (c["avg"], "magma", 1, t("average pooled {size}×{size} (r = {r:.2f})", size=size,
                                     r=c["r_avg"]))],
            NOISE_LEVELS, {t("max pooling"): c["curve_max"],
                           t("average pooling"): c["curve_avg"]}, level,
            xlabel=t("{kind} noise level", kind=t(kind)),
            ylabel=t("r with the clean pooled map"), title=t("which pooling shrugs the noise off"))

    return Explorer(controls, compute, draw, fig, layout=GRID_LAYOUT,
                    title="Noise: max vs average pooling",
                    picture="The clean and noisy feature maps, their max- and average-pooled "
                            "maps, and curves of how close each pooled map stays to the clean "
                            "one as the noise grows.")
