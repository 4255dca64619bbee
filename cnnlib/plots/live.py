"""Shared rendering helpers for every plot topic: the layered figure that repaints only what
changes, live grids and images updated in place, outlines, and one store for the artists a plot
keeps on an ax or figure between redraws.

``plot_grid_live`` and ``plot_image_live`` draw like ``common.plot_grid`` and ``common.plot_image``
the first time; called again on the same ax with an array of the same shape, they only change
colours, numbers, outline and title, which keeps an explorer's redraw fast.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.text import Text

from cnnlib.plots.common import format_number, plot_grid, plot_image, text_colors
from cnnlib.text.i18n import ft_default

__all__ = ["CHANNEL_NAMES", "LayeredFigure", "new_layered_figure", "changing_parts",
           "channel_cmap", "plot_grid_live", "plot_image_live", "outline", "artists"]


def artists(owner, kind: str) -> dict:
    """The artists plot ``kind`` made on this ax or figure earlier (empty the first time).

    One schema for every plot: ``owner._cnnlib_artists[kind]`` is a dict the plot fills and
    reads back, to update its artists in place instead of drawing them again.
    """
    return owner.__dict__.setdefault("_cnnlib_artists", {}).setdefault(kind, {})


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

    An explorer's draw step sets two attributes on every redraw:

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


def _limits(v, vmin, vmax):
    finite = v[np.isfinite(v)]
    lo = vmin if vmin is not None else (finite.min() if finite.size else 0.0)
    hi = vmax if vmax is not None else (finite.max() if finite.size else 1.0)
    return (lo, hi + 1) if hi == lo else (lo, hi)


def plot_grid_live(values, ax=None, title=None, cmap="Greys", vmin=None, vmax=None, fmt=None,
                   numbers=True, highlight=None, highlight_color="tab:orange", fontsize=None,
                   xlabel="column", ylabel="row"):
    """``common.plot_grid`` that updates in place when ``ax`` already shows a grid of this shape.

    values: 2-D; NaN cells stay blank. highlight: (row, col, height, width) to outline, or None.
    Returns the ax.
    """
    xlabel = ft_default(xlabel, 'column')
    ylabel = ft_default(ylabel, 'row')
    from matplotlib.patches import Rectangle

    v = np.asarray(values, dtype=float)
    if v.ndim != 2:
        raise ValueError(f"values must be 2-D, got shape {v.shape}")
    cmap = channel_cmap(cmap)
    key = (v.shape, cmap, bool(numbers), fontsize, xlabel, ylabel, highlight_color)
    cache = artists(ax, "live_grid") if ax is not None else {}
    if not cache or cache["key"] != key or cache["image"] not in ax.images:
        if ax is not None:
            ax.clear()
        ax = plot_grid(v, ax=ax, cmap=cmap, vmin=vmin, vmax=vmax, fmt=fmt, numbers=numbers,
                       fontsize=fontsize, xlabel=xlabel, ylabel=ylabel)
        rect = Rectangle((-0.5, -0.5), 1, 1, fill=False, edgecolor=highlight_color,
                         linewidth=2.5, visible=False, zorder=5)  # above grid lines and numbers
        ax.add_patch(rect)
        cache = artists(ax, "live_grid")
        cache.update(key=key, image=ax.images[-1], texts=list(ax.texts), rect=rect)
    else:
        lo, hi = _limits(v, vmin, vmax)
        cache["image"].set_data(np.ma.masked_invalid(v))
        cache["image"].set_clim(lo, hi)
        if cache["texts"]:
            colors = text_colors(v, lo, hi, cmap)
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
    cache = artists(ax, "live_image") if ax is not None else {}
    if not cache or cache["image"] not in ax.images or cache["ndim"] != img.ndim:
        if ax is not None:
            ax.clear()
        ax = plot_image(img, ax=ax, title=title, cmap=channel_cmap(cmap), vmin=vmin, vmax=vmax,
                        axis_labels=axis_labels)
        cache = artists(ax, "live_image")
        cache.update(image=ax.images[-1], ndim=img.ndim, data=None)
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


def outline(ax, name, color="tab:orange", linewidth=2.0):
    """A rectangle kept on the ax under ``name``, created on first use; move it with
    ``set_bounds``. The explorers list it in a figure's ``dynamic`` parts."""
    from matplotlib.patches import Rectangle

    store = artists(ax, "outlines")
    rect = store.get(name)
    if rect is None or rect not in ax.patches:
        rect = Rectangle((0, 0), 1, 1, fill=False, edgecolor=color, linewidth=linewidth,
                         zorder=5)
        ax.add_patch(rect)
        store[name] = rect
    return rect
