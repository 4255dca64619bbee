"""Plots for notebook 01 (pixels and channels), and the live grids and images that the explorers
of 01 and 02 update in place.

``plot_grid_live`` and ``plot_image_live`` draw like ``common.plot_grid`` and ``common.plot_image``
the first time; called again on the same ax with an array of the same shape, they only change
colours, numbers, outline and title, which keeps an explorer's redraw fast.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.text import Text

from cnnlib.plots.common import format_number, get_ax, plot_grid, plot_image

__all__ = ["CHANNEL_NAMES", "LayeredFigure", "new_layered_figure", "changing_parts", "channel_cmap", "plot_grid_live", "plot_image_live", "plot_patch",
           "plot_channels", "plot_rgb_numbers", "plot_image_row", "plot_flat_vectors",
           "plot_param_bars"]

#: Channel index -> name, in the order an RGB array stores them (channels last).
CHANNEL_NAMES = ("red", "green", "blue")
_CHANNEL_COLORS = {"red": "#ff0000", "green": "#00c000", "blue": "#0050ff"}


def channel_cmap(name: str) -> str:
    """Name of a colormap from black (0) to the pure channel colour (255): "cnn_red", ...

    "gray" (or any other name) is returned unchanged. The maps are registered with matplotlib on
    first use, so ``cmap="cnn_red"`` then works everywhere.
    """
    import matplotlib as mpl
    from matplotlib.colors import LinearSegmentedColormap

    if name not in _CHANNEL_COLORS:
        return name
    cmap_name = f"cnn_{name}"
    if cmap_name not in mpl.colormaps:
        mpl.colormaps.register(LinearSegmentedColormap.from_list(
            cmap_name, ["black", _CHANNEL_COLORS[name]]))
    return cmap_name


class LayeredFigure(Figure):
    """A Figure that, between redraws, repaints only what changes (matplotlib "blitting").

    An explorer sets two attributes on every render:

    - ``dynamic``: the artists (or whole axes) that change from one control value to the next,
      e.g. the moving window and the products' numbers;
    - ``static_key``: a value naming everything else, e.g. ``(example, stride)``.

    While ``static_key`` stays the same, a draw pastes the saved picture of the static part and
    draws only the dynamic artists on top: the many numbers that stay put are not laid out and
    rasterized again. A new key draws everything and saves the new static picture. The first
    draw (which may run a layout engine) is always a plain, full draw.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.dynamic: list = []
        self.static_key = None
        self._background = None  # (key, (width, height), region)

    def draw(self, renderer):
        size = (renderer.width, renderer.height)
        bg = self._background
        if self.get_layout_engine() is not None or not self.dynamic:
            self._background = None
            return super().draw(renderer)
        if bg is not None and bg[0] == self.static_key and bg[1] == size:
            renderer.restore_region(bg[2])
        else:
            # Draw everything but the dynamic artists, and keep that picture. Texts are blanked
            # rather than hidden: an axes places its title from the title's drawn size, and a
            # hidden title would push it up.
            saved = [a.get_text() if isinstance(a, Text) else a.get_visible()
                     for a in self.dynamic]
            for a in self.dynamic:
                a.set_text("") if isinstance(a, Text) else a.set_visible(False)
            try:
                super().draw(renderer)
                self._background = (self.static_key, size, renderer.copy_from_bbox(self.bbox))
            finally:
                for a, value in zip(self.dynamic, saved):
                    a.set_text(value) if isinstance(a, Text) else a.set_visible(value)
        for a in self.dynamic:
            a.draw(renderer)
        self.stale = False


def new_layered_figure(nrows=1, ncols=1, figsize=(6.4, 4.0), dpi=80, layout="constrained",
                       **subplot_kw):
    """Like ``common.new_figure`` (not registered with pyplot; by default constrained layout for
    the first draw), but a ``LayeredFigure``: returns (figure, axes). ``layout=None`` skips the
    layout pass: place the axes yourself (``fig.subplots_adjust``)."""
    fig = LayeredFigure(figsize=figsize, dpi=dpi, layout=layout)
    axes = fig.subplots(nrows, ncols, squeeze=True, **subplot_kw)
    return fig, axes


def changing_parts(ax, *, images=True, texts=True, patches=True, title=True) -> list:
    """The artists of ``ax`` that a live grid or image changes on update (for ``dynamic``)."""
    parts = []
    parts += list(ax.images) if images else []
    parts += list(ax.texts) if texts else []
    parts += list(ax.patches) if patches else []
    parts += [ax.title] if title else []
    return parts


def _new_axes(nrows, ncols, figsize, layout="constrained", adjust=None, **kw):
    """New pyplot axes. layout=None with ``adjust`` (a subplots_adjust dict) places them by
    hand: no layout pass, which saves a full extra draw of figures with many numbers."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, layout=layout, **kw)
    if adjust:
        fig.subplots_adjust(**adjust)
    return axes


def _limits(v, vmin, vmax):
    finite = v[np.isfinite(v)]
    lo = vmin if vmin is not None else (finite.min() if finite.size else 0.0)
    hi = vmax if vmax is not None else (finite.max() if finite.size else 1.0)
    return (lo, hi + 1) if hi == lo else (lo, hi)


def _text_colors(v, lo, hi, cmap):
    """Black or white, whichever reads better on each cell's colour (blank cells: black)."""
    import matplotlib as mpl

    rgba = mpl.colormaps[cmap](mpl.colors.Normalize(lo, hi)(np.nan_to_num(v, nan=lo)))
    lum = 0.299 * rgba[..., 0] + 0.587 * rgba[..., 1] + 0.114 * rgba[..., 2]
    return np.where(lum > 0.5, "black", "white")


def plot_grid_live(values, ax=None, title=None, cmap="Greys", vmin=None, vmax=None, fmt=None,
                   numbers=True, highlight=None, highlight_color="tab:orange", fontsize=None,
                   xlabel="column", ylabel="row"):
    """``common.plot_grid`` that updates in place when ``ax`` already shows a grid of this shape.

    values: 2-D; NaN cells stay blank. highlight: (row, col, height, width) to outline, or None.
    Returns the ax.
    """
    from matplotlib.patches import Rectangle

    v = np.asarray(values, dtype=float)
    if v.ndim != 2:
        raise ValueError(f"values must be 2-D, got shape {v.shape}")
    cmap = channel_cmap(cmap)
    key = (v.shape, cmap, bool(numbers), fontsize, xlabel, ylabel, highlight_color)
    cache = getattr(ax, "_cnn_live_grid", None) if ax is not None else None
    if cache is None or cache["key"] != key or cache["image"] not in ax.images:
        if ax is not None:
            ax.clear()
        ax = plot_grid(v, ax=ax, cmap=cmap, vmin=vmin, vmax=vmax, fmt=fmt, numbers=numbers,
                       fontsize=fontsize, xlabel=xlabel, ylabel=ylabel)
        rect = Rectangle((-0.5, -0.5), 1, 1, fill=False, edgecolor=highlight_color,
                         linewidth=2.5, visible=False, zorder=5)  # above grid lines and numbers
        ax.add_patch(rect)
        cache = {"key": key, "image": ax.images[-1], "texts": list(ax.texts), "rect": rect}
        ax._cnn_live_grid = cache
    else:
        lo, hi = _limits(v, vmin, vmax)
        cache["image"].set_data(np.ma.masked_invalid(v))
        cache["image"].set_clim(lo, hi)
        if cache["texts"]:
            colors = _text_colors(v, lo, hi, cmap)
            for text, value, color in zip(cache["texts"], v.ravel(), colors.ravel()):
                text.set_text(format_number(value, fmt))
                text.set_color(color)
    rect = cache["rect"]
    if highlight is None:
        rect.set_visible(False)
    else:
        r, c, hh, ww = highlight
        rect.set_bounds(c - 0.5, r - 0.5, ww, hh)
        rect.set_visible(True)
    ax.set_title(title or "")
    return ax


def plot_image_live(img, ax=None, title=None, cmap="gray", vmin=None, vmax=None, extent=None,
                    axis_labels=True):
    """``common.plot_image`` that swaps the pixels in place when called again on the same ax.

    extent: (left, right, bottom, top) in pixel coordinates, e.g. for a zoomed-in region that
    should keep the photo's row and column numbers; default: the array's own indices.
    Returns the ax.
    """
    img = np.asarray(img)
    h, w = img.shape[:2]
    extent = extent or (-0.5, w - 0.5, h - 0.5, -0.5)
    cache = getattr(ax, "_cnn_live_image", None) if ax is not None else None
    if cache is None or cache["image"] not in ax.images or cache["ndim"] != img.ndim:
        if ax is not None:
            ax.clear()
        ax = plot_image(img, ax=ax, title=title, cmap=channel_cmap(cmap), vmin=vmin, vmax=vmax,
                        axis_labels=axis_labels)
        cache = {"image": ax.images[-1], "ndim": img.ndim, "data": None}
        ax._cnn_live_image = cache
    im = cache["image"]
    if cache["data"] is not img:  # the same array again (the photo did not change): no copy
        im.set_data(img)
        cache["data"] = img
    if img.ndim == 2:
        im.set_cmap(channel_cmap(cmap))
        lo, hi = (float(np.nanmin(img)), float(np.nanmax(img))) if img.size else (0.0, 1.0)
        im.set_clim(lo if vmin is None else vmin, hi if vmax is None else vmax)
    im.set_extent(extent)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_title(title or "")
    return ax


def _outline(ax, name, color="tab:orange", linewidth=2.0):
    """A rectangle kept on the ax under ``name``, created on first use (hidden until moved)."""
    from matplotlib.patches import Rectangle

    store = ax.__dict__.setdefault("_cnn_outlines", {})
    rect = store.get(name)
    if rect is None or rect not in ax.patches:
        rect = Rectangle((0, 0), 1, 1, fill=False, edgecolor=color, linewidth=linewidth,
                         zorder=5)
        ax.add_patch(rect)
        store[name] = rect
    return rect


def plot_patch(img, values, row, col, size, name="red", axes=None, zoom=40):
    """Where a patch sits in a photo and what numbers it holds, in three panels.

    img: the photo to show, (H, W, 3) or (H, W); values: the (H, W) plane whose numbers are
    printed (one channel of img, or its grayscale); the patch is
    ``values[row:row + size, col:col + size]``; name: "red", "green", "blue" or "gray" (colours
    the numbers' cells). axes: three axes (photo, zoom, numbers) or None for a new figure.
    zoom: side of the zoomed-in region, in pixels.
    """
    img, values = np.asarray(img), np.asarray(values)
    if values.ndim != 2 or values.shape != img.shape[:2]:
        raise ValueError(f"values must be the (H, W) plane of img {img.shape}, got {values.shape}")
    h, w = values.shape
    if not (0 <= row <= h - size and 0 <= col <= w - size and size >= 1):
        raise ValueError(f"a {size}x{size} patch at row {row}, column {col} does not fit in "
                         f"the {h}x{w} image")
    if axes is None:
        axes = _new_axes(1, 3, (11, 3.8))
    ax_photo, ax_zoom, ax_num = axes
    plot_image_live(img, ax_photo, title=f"photo, {h}x{w} pixels")
    ax_photo.locator_params(nbins=4)
    _outline(ax_photo, "patch").set_bounds(col - 0.5, row - 0.5, size, size)
    # Zoom: a square region around the patch, kept inside the photo.
    z = min(zoom, h, w)
    r0 = int(np.clip(row + size / 2 - z / 2, 0, h - z))
    c0 = int(np.clip(col + size / 2 - z / 2, 0, w - z))
    region = img[r0:r0 + z, c0:c0 + z]
    plot_image_live(region, ax_zoom, title=f"zoom: rows {r0}-{r0 + z - 1}",
                    extent=(c0 - 0.5, c0 + z - 0.5, r0 + z - 0.5, r0 - 0.5))
    ax_zoom.locator_params(nbins=3)
    _outline(ax_zoom, "patch").set_bounds(col - 0.5, row - 0.5, size, size)
    patch = values[row:row + size, col:col + size]
    cmap = "gray" if name not in CHANNEL_NAMES else name
    plot_grid_live(patch, ax_num, cmap=cmap, vmin=0, vmax=255 if values.max() > 1 else 1,
                   title=f"{name} values, {size}x{size} patch", fontsize=max(6, 70 // size))
    # Ticks name the photo's own rows and columns (every other one: fewer texts to draw).
    ticks = np.arange(0, size, 2)
    ax_num.set_xticks(ticks, [str(col + i) for i in ticks])
    ax_num.set_yticks(ticks, [str(row + i) for i in ticks])
    return axes


def plot_channels(img, axes=None):
    """An RGB photo and its three channels, each drawn from black (0) to its pure colour (255).

    Returns the four axes.
    """
    img = np.asarray(img)
    if img.ndim != 3 or img.shape[-1] != 3:
        raise ValueError(f"img must be an RGB image (H, W, 3), got shape {img.shape}")
    if axes is None:
        axes = _new_axes(1, 4, (12, 2.9))
    plot_image(img, ax=axes[0], title=f"RGB photo {img.shape[0]}x{img.shape[1]}x3")
    for i, name in enumerate(CHANNEL_NAMES):
        plot_image(img[..., i], ax=axes[i + 1], cmap=channel_cmap(name), vmin=0, vmax=255,
                   title=f"channel {i}: {name} (0-255)", axis_labels=False)
    return axes


def plot_rgb_numbers(x, axes=None):
    """A tiny RGB image next to every number of its three channels (e.g. 4x4x3: 48 numbers)."""
    x = np.asarray(x)
    if x.ndim != 3 or x.shape[-1] != 3:
        raise ValueError(f"x must be an RGB image (H, W, 3), got shape {x.shape}")
    if axes is None:
        axes = _new_axes(1, 4, (12, 3.1))
    h, w, _ = x.shape
    vmax = 255 if x.max() > 1 else 1
    plot_image(x / vmax, ax=axes[0], title=f"the image, {h}x{w}x3")
    axes[0].set_xticks(range(w))
    axes[0].set_yticks(range(h))
    for i, name in enumerate(CHANNEL_NAMES):
        plot_grid(x[..., i], ax=axes[i + 1], cmap=channel_cmap(name), vmin=0, vmax=vmax,
                  title=f"{name} channel x[:, :, {i}]")
    return axes


def plot_image_row(imgs, titles=None, axes=None, cmap="gray", vmin=None, vmax=None,
                   axis_labels=False, figsize=None):
    """Several images side by side, each with its title; returns the axes."""
    imgs = list(imgs)
    if not imgs:
        raise ValueError("imgs must hold at least one image")
    titles = list(titles) if titles is not None else [None] * len(imgs)
    if len(titles) != len(imgs):
        raise ValueError(f"titles must have one entry per image ({len(imgs)}), got {len(titles)}")
    if axes is None:
        axes = np.atleast_1d(_new_axes(1, len(imgs), figsize or (3.2 * len(imgs), 3.0)))
    for img, title, ax in zip(imgs, titles, axes):
        plot_image(img, ax=ax, title=title, cmap=cmap, vmin=vmin, vmax=vmax,
                   axis_labels=axis_labels)
    return axes


def plot_flat_vectors(imgs, titles=None, axes=None, cmap="Greys"):
    """Small 2-D images (top) and the vectors that flattening makes of them (bottom row).

    Each image's cell (r, c) becomes entry r * W + c of its vector, written under the vectors so
    the reader can follow where a pixel goes. Returns the axes (images..., vectors).
    """
    imgs = [np.asarray(a, dtype=float) for a in (imgs if isinstance(imgs, (list, tuple))
                                                   else [imgs])]
    if not imgs or any(a.ndim != 2 or a.shape != imgs[0].shape for a in imgs):
        raise ValueError("imgs must be one 2-D array or a list of 2-D arrays of the same shape")
    titles = list(titles) if titles is not None else [f"image {chr(65 + i)}" for i in
                                                     range(len(imgs))]
    n = len(imgs)
    h, w = imgs[0].shape
    lo = min(a.min() for a in imgs)
    hi = max(a.max() for a in imgs)
    if axes is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(max(6, 0.42 * h * w + 1.5), 2.3 + 0.55 * n),
                         layout="constrained")
        grid = fig.add_gridspec(2, n, height_ratios=[2.2, 0.25 + 0.35 * n])
        axes = [fig.add_subplot(grid[0, i]) for i in range(n)] + [fig.add_subplot(grid[1, :])]
    for a, title, ax in zip(imgs, titles, axes):
        plot_grid(a, ax=ax, cmap=cmap, vmin=lo, vmax=hi, title=f"{title} ({h}x{w})")
    ax_vec = axes[n]
    vectors = np.stack([a.ravel() for a in imgs])
    plot_grid(vectors, ax=ax_vec, cmap=cmap, vmin=lo, vmax=hi, xlabel="position in the vector",
              ylabel=None, fontsize=9,
              title=f"flattened: each image becomes one row of {h * w} numbers")
    ax_vec.set_yticks(range(n), titles)
    ax_vec.set_xticks(range(h * w))
    ax_vec.tick_params(labelsize=8)
    return axes


def plot_param_bars(labels, counts, ax=None, title="parameters to learn", xlabel="count (log scale)"):
    """Horizontal bars on a log scale, each labelled with its exact count (thousands separated)."""
    labels, counts = list(labels), [int(c) for c in counts]
    if len(labels) != len(counts) or not labels:
        raise ValueError("labels and counts must be non-empty and of the same length")
    if min(counts) < 1:
        raise ValueError(f"counts must be >= 1 for a log scale, got {min(counts)}")
    ax = get_ax(ax, figsize=(8, 0.5 * len(labels) + 1.2))
    y = np.arange(len(labels))[::-1]
    bars = ax.barh(y, counts, color="tab:blue")
    ax.set_xscale("log")
    ax.set_xlim(0.8, max(counts) * 60)
    ax.set_yticks(y, labels)
    for bar, count in zip(bars, counts):
        ax.text(bar.get_width() * 1.15, bar.get_y() + bar.get_height() / 2, f"{count:,}",
                va="center", fontsize=9)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    return ax
