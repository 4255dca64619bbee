"""Explorers for notebook 04: pooling on a real photo, shifting the input, and noise."""

from __future__ import annotations

import functools
import html

import ipywidgets as widgets
import numpy as np

from cnnlib import images, ops
from cnnlib.plots import common
from cnnlib.plots import pooling as pplots

from .base import Explorer

__all__ = ["POOL_IMAGES", "pooling_explorer", "pool_shift_explorer", "pool_noise_explorer"]

#: Photos shipped with scikit-image (no download), shrunk to about 150 pixels high.
POOL_IMAGES = ["cat (chelsea)", "camera", "coins", "astronaut"]
MODES = [("max", "max"), ("average", "avg")]
STYLE = {"description_width": "60px"}


@functools.lru_cache(maxsize=8)
def _photo(name: str) -> np.ndarray:
    """Grayscale photo in [0, 1], shrunk by average pooling to about 150 rows (cached)."""
    gray = images.grayscale(images.load(name)) / 255.0
    factor = max(1, round(gray.shape[0] / 150))
    return ops.pool2d(gray, factor, mode="avg") if factor > 1 else gray


@functools.lru_cache(maxsize=8)
def _edges(name: str) -> np.ndarray:
    """The Sobel edge map of the photo, scaled to [0, 1] (cached)."""
    e = ops.edge_magnitude(_photo(name))
    return e / e.max()


def _feature(name: str, kind: str) -> np.ndarray:
    return _edges(name) if kind == "edges" else _photo(name)


def _slider(description, value, lo, hi):
    return widgets.IntSlider(value=value, min=lo, max=hi, description=description,
                             continuous_update=False, style=STYLE,
                             layout=widgets.Layout(width="230px"))


def _dropdown(description, options, value, width="200px"):
    return widgets.Dropdown(options=options, value=value, description=description, style=STYLE,
                            layout=widgets.Layout(width=width))


def _fixed_layout(fig, **adjust):
    """Fixed axes positions: constrained layout would re-measure every label on every redraw."""
    fig.set_layout_engine(None)
    fig.subplots_adjust(**adjust)


def _merge_column(fig, axes, col):
    """Replace column ``col`` of a 2-row axes grid by one tall ax (for a curve)."""
    spec = axes[0, col].get_subplotspec().get_gridspec()
    axes[0, col].remove()
    axes[1, col].remove()
    return fig.add_subplot(spec[:, col])


def pooling_explorer(image="cat (chelsea)", kind="edges", mode="max", size=2, stride=2):
    """Max or average pooling of a feature map of a real photo, with size and stride sliders.

    Left: the feature map (Sobel edges of the photo, or the photo itself); right: the pooled
    map, drawn at the same width so you see how coarse it gets. The info line gives the pooled
    size with the formula filled in and how many numbers are left.

    ``explorer.state``: ``feature``, ``pooled`` (arrays), ``mode``, ``size``, ``stride``.
    """
    controls = {
        "image": _dropdown("image", POOL_IMAGES, image),
        "kind": _dropdown("map", [("edges (Sobel)", "edges"), ("photo", "photo")], kind,
                          width="190px"),
        "mode": _dropdown("pooling", MODES, mode, width="170px"),
        "size": _slider("size", size, 1, 8),
        "stride": _slider("stride", stride, 1, 8),
    }
    fig, (ax_in, ax_out) = common.new_figure(1, 2, figsize=(8.4, 3.5), dpi=80)
    _fixed_layout(fig, left=0.01, right=0.99, bottom=0.03, top=0.9, wspace=0.04)
    state: dict = {}

    def render(image, kind, mode, size, stride):
        feature = _feature(image, kind)
        pooled = ops.pool2d(feature, size, stride, mode=mode)  # ValueError -> message
        state.update(feature=feature, pooled=pooled, mode=mode, size=size, stride=stride)
        h, w = feature.shape
        oh, ow = pooled.shape
        cmap = "magma" if kind == "edges" else "gray"
        pplots.plot_map(feature, ax=ax_in, cmap=cmap, vmin=0, vmax=1,
                        title=f"feature map {h} × {w}")
        name = "max" if mode == "max" else "average"
        pplots.plot_map(pooled, ax=ax_out, cmap=cmap, vmin=0, vmax=1,
                        title=f"{name} pooled {oh} × {ow}")
        lines = [
            f"<b>pooled: {oh} × {ow} = floor(({h} − {size})/{stride}) + 1 rows, "
            f"floor(({w} − {size})/{stride}) + 1 columns</b>",
            f"{feature.size:,} numbers → {pooled.size:,}: {feature.size / pooled.size:.1f}× "
            f"fewer; each output is the {name} of a {size}×{size} window",
        ]
        if stride > size:
            skipped = int(np.sum(~ops.visited_positions(h, size, stride)))
            lines.append(f'<span style="color:#b00020">&#9888; stride {stride} &gt; size {size}:'
                         f" the windows leave gaps ({skipped} of {h} rows are never looked at)"
                         "</span>")
        elif stride < size:
            lines.append(f"stride {stride} &lt; size {size}: the windows overlap, so a strong "
                         "value can win several outputs")
        return "<br>".join(lines)

    explorer = Explorer(controls, render, fig, title="Pooling a feature map of a photo")
    explorer.state = state
    return explorer


MAX_SHIFT = 8


def _crops(feature, shift, direction):
    """A map seen through a fixed frame, before and after the content moves by ``shift``.

    Cropping the edge map equals computing the edges of the moved photo (convolution is
    translation-equivariant: move the input, and its feature map moves the same way), so the
    edge map is computed once and cropped.
    """
    m = MAX_SHIFT
    h, w = feature.shape
    before = feature[m:h - m, m:w - m]
    if direction == "right":  # content moves right: the frame looks further left
        after = feature[m:h - m, m - shift:w - m - shift]
    else:
        after = feature[m - shift:h - m - shift, m:w - m]
    return before, after


@functools.lru_cache(maxsize=32)
def _shift_curve(image, direction, size, mode):
    """1 − correlation between before/after maps for every shift 0..MAX_SHIFT (cached)."""
    raw, pooled = [], []
    for s in range(MAX_SHIFT + 1):
        a, b = _crops(_edges(image), s, direction)
        raw.append(1 - ops.correlation(a, b))
        pooled.append(1 - ops.correlation(ops.pool2d(a, size, mode=mode),
                                          ops.pool2d(b, size, mode=mode)))
    return np.array(raw), np.array(pooled)


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
        "shift": _slider("shift (px)", shift, 0, MAX_SHIFT),
        "direction": _dropdown("direction", ["right", "down"], direction, width="170px"),
        "size": _slider("pool size", size, 2, 6),
        "mode": _dropdown("pooling", MODES, mode, width="170px"),
    }
    fig, axes = common.new_figure(2, 3, figsize=(8.4, 4.3), dpi=80)
    _fixed_layout(fig, left=0.01, right=0.99, bottom=0.03, top=0.93, wspace=0.06, hspace=0.2)
    ax_curve = _merge_column(fig, axes, 2)
    ax_curve.set_position([0.745, 0.12, 0.24, 0.78])
    state: dict = {}

    def render(image, shift, direction, size, mode):
        raw_a, raw_b = _crops(_edges(image), shift, direction)
        pool_a = ops.pool2d(raw_a, size, mode=mode)
        pool_b = ops.pool2d(raw_b, size, mode=mode)
        change_raw = 1 - ops.correlation(raw_a, raw_b)
        change_pooled = 1 - ops.correlation(pool_a, pool_b)
        curve_raw, curve_pooled = _shift_curve(image, direction, size, mode)
        state.update(raw_before=raw_a, raw_after=raw_b, pooled_before=pool_a,
                     pooled_after=pool_b, change_raw=change_raw, change_pooled=change_pooled,
                     curve_raw=curve_raw, curve_pooled=curve_pooled)
        top_raw = float(raw_a.max()) or 1.0
        top_pool = float(pool_a.max()) or 1.0
        name = "max" if mode == "max" else "average"
        pplots.plot_map(raw_b, axes[0, 0], cmap="magma", vmin=0, vmax=top_raw,
                        title=f"edge map, moved {shift} px {direction}")
        pplots.plot_map(np.abs(raw_b - raw_a) / top_raw, axes[0, 1], cmap="Reds", vmin=0,
                        vmax=1, title=f"raw change (1 − r = {change_raw:.2f})")
        pplots.plot_map(pool_b, axes[1, 0], cmap="magma", vmin=0, vmax=top_pool,
                        title=f"{name} pooled {size}×{size}, moved")
        pplots.plot_map(np.abs(pool_b - pool_a) / top_pool, axes[1, 1], cmap="Reds", vmin=0,
                        vmax=1, title=f"pooled change (1 − r = {change_pooled:.2f})")
        pplots.plot_curves(np.arange(MAX_SHIFT + 1),
                           {"raw edge map": curve_raw, f"{name} pooled": curve_pooled},
                           current=shift, ax=ax_curve, ylim=(0, 1.05),
                           xlabel=f"shift (pixels, {direction})",
                           ylabel="change = 1 − correlation", title="how much the map changes")
        ratio = ("" if change_raw == 0 else
                 f" — the pooled map changes {change_raw / max(change_pooled, 1e-12):.1f}× less")
        return (f"<b>moved {shift} px {direction}: raw change {change_raw:.3f}, pooled change "
                f"{change_pooled:.3f}</b>{ratio}<br>change = 1 − correlation between the map "
                "before and after the move (0: the same pattern in the same places)")

    explorer = Explorer(controls, render, fig, title="Shift the input: what pooling forgives")
    explorer.state = state
    return explorer


NOISE_LEVELS = np.round(np.linspace(0, 0.5, 11), 2)
NOISE_HELP = {
    "gaussian": "zero-mean noise on every cell: averaging cancels much of it; the max picks "
                "the noise that happens to point up",
    "salt": "bright specks: one speck in a window wins the max; the average only moves a bit",
    "pepper": "lost activations (cells dropped to 0): the max survives if any strong cell is "
              "left in the window; the average sinks",
}


@functools.lru_cache(maxsize=32)
def _noise_curve(image, kind, size):
    clean = _edges(image)
    ref = {m: ops.pool2d(clean, size, mode=m) for m in ("max", "avg")}
    out = {"max": [], "avg": []}
    for level in NOISE_LEVELS:
        noisy = ops.add_noise(clean, float(level), kind, seed=0)
        for m in out:
            out[m].append(ops.correlation(ops.pool2d(noisy, size, mode=m), ref[m]))
    return np.array(out["max"]), np.array(out["avg"])


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
        "level": widgets.FloatSlider(value=level, min=0.0, max=0.5, step=0.05,
                                     description="level", continuous_update=False,
                                     readout_format=".2f", style=STYLE,
                                     layout=widgets.Layout(width="230px")),
        "size": _slider("pool size", size, 2, 6),
    }
    fig, axes = common.new_figure(2, 3, figsize=(8.4, 4.3), dpi=80)
    _fixed_layout(fig, left=0.01, right=0.99, bottom=0.03, top=0.93, wspace=0.06, hspace=0.2)
    ax_curve = _merge_column(fig, axes, 2)
    ax_curve.set_position([0.745, 0.12, 0.24, 0.78])
    state: dict = {}

    def render(image, kind, level, size):
        level = round(float(level), 2)
        clean = _edges(image)
        noisy = ops.add_noise(clean, level, kind, seed=0)
        pooled = {m: ops.pool2d(noisy, size, mode=m) for m in ("max", "avg")}
        r = {m: ops.correlation(pooled[m], ops.pool2d(clean, size, mode=m)) for m in pooled}
        curve_max, curve_avg = _noise_curve(image, kind, size)
        state.update(clean=clean, noisy=noisy, max=pooled["max"], avg=pooled["avg"],
                     r_max=r["max"], r_avg=r["avg"], curve_max=curve_max, curve_avg=curve_avg)
        pplots.plot_map(clean, axes[0, 0], cmap="magma", vmin=0, vmax=1, title="clean edge map")
        pplots.plot_map(noisy, axes[0, 1], cmap="magma", vmin=0, vmax=1,
                        title=f"{kind} noise, level {level:.2f}")
        pplots.plot_map(pooled["max"], axes[1, 0], cmap="magma", vmin=0, vmax=1,
                        title=f"max pooled {size}×{size} (r = {r['max']:.2f})")
        pplots.plot_map(pooled["avg"], axes[1, 1], cmap="magma", vmin=0, vmax=1,
                        title=f"average pooled {size}×{size} (r = {r['avg']:.2f})")
        pplots.plot_curves(NOISE_LEVELS, {"max pooling": curve_max, "average pooling": curve_avg},
                           current=level, ax=ax_curve, ylim=(0, 1.05),
                           xlabel=f"{kind} noise level", ylabel="r with the clean pooled map",
                           title="which pooling shrugs the noise off")
        better = "max" if r["max"] > r["avg"] else "average"
        return (f"<b>max pooling r = {r['max']:.3f}, average pooling r = {r['avg']:.3f}: "
                f"{better} pooling keeps closer to the clean map</b><br>"
                f"{html.escape(NOISE_HELP[kind])}")

    explorer = Explorer(controls, render, fig, title="Noise: max vs average pooling")
    explorer.state = state
    return explorer
