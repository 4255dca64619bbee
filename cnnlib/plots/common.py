"""Shared drawing helpers: style, axes, number grids, PNG rendering."""

from __future__ import annotations

import io

import numpy as np

from cnnlib.text.i18n import ft, ft_default, ft_name

from .cues import text_color_on

__all__ = ["apply_style", "get_ax", "new_figure", "figure_to_png", "plot_grid", "plot_image"]

# Fonts that can draw Chinese; matplotlib falls back along this list, glyph by glyph.
CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "Microsoft YaHei",
             "PingFang SC", "SimHei", "WenQuanYi Zen Hei", "Arial Unicode MS"]


def cjk_font_available() -> bool:
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return any(name in names for name in CJK_FONTS)


def apply_style() -> None:
    """Readable defaults for every figure in the series (and Chinese glyphs where a font exists)."""
    import matplotlib as mpl

    mpl.rcParams.update({
        "figure.dpi": 80,
        "figure.figsize": (6.4, 4.0),
        "axes.titlesize": 11,
        "axes.labelsize": 10,
        "image.interpolation": "nearest",  # pixels stay pixels: no blur when enlarged
        "axes.unicode_minus": False,
        "font.family": ["sans-serif"],
        "font.sans-serif": ["DejaVu Sans"] + CJK_FONTS,
    })
    try:  # the inline backend crops figures by default, which costs time and moves them
        from IPython import get_ipython

        ip = get_ipython()
        if ip is not None and hasattr(ip, "kernel"):
            ip.run_line_magic("config", "InlineBackend.print_figure_kwargs = {'bbox_inches': None}")
    except Exception:  # noqa: BLE001 - style is optional, never a reason to fail
        pass


def new_figure(nrows=1, ncols=1, figsize=(6.4, 4.0), dpi=80, **subplot_kw):
    """A figure that is *not* registered with pyplot: widgets own it and render it themselves."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=True, **subplot_kw)
    return fig, axes


def pyplot_figure(figsize, layout="constrained"):
    """A new pyplot figure (shown inline in a notebook), for plots drawn without a given one."""
    import matplotlib.pyplot as plt

    return plt.figure(figsize=figsize, layout=layout)


def pyplot_axes(nrows, ncols, figsize, layout="constrained", adjust=None, **subplot_kw):
    """(figure, axes) from pyplot. ``layout=None`` with ``adjust`` (a subplots_adjust dict)
    places the axes by hand: no layout pass, which saves a full extra draw of figures with many
    numbers."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, layout=layout, **subplot_kw)
    if adjust:
        fig.subplots_adjust(**adjust)
    return fig, axes


def get_ax(ax=None, figsize=(4, 4)):
    """The ax to draw on: the caller's, or a new pyplot one (shown inline in a notebook)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def figure_to_png(fig) -> bytes:
    """Render a figure to PNG bytes with Agg (fast zlib level: the picture is redrawn often)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi, pil_kwargs={"compress_level": 1})
    return buf.getvalue()


def plot_image(img, ax=None, title=None, cmap="gray", vmin=None, vmax=None, axis_labels=True):
    """Show an image (H, W) or (H, W, 3) with pixel-accurate axes; returns the ax."""
    ax = get_ax(ax)
    img = np.asarray(img)
    ax.imshow(img, cmap=None if img.ndim == 3 else cmap, vmin=vmin, vmax=vmax)
    if title:
        ax.set_title(title)
    if axis_labels:
        ax.set_xlabel(ft('column (x)'))
        ax.set_ylabel(ft('row (y)'))
    return ax


def text_colors(values, vmin, vmax, cmap):
    """Black or white text, whichever contrasts more with each cell's colour by WCAG relative
    luminance (so at least 4.58:1); blank (NaN) cells lie on white: black."""
    import matplotlib as mpl

    v = np.asarray(values, dtype=float)
    norm = mpl.colors.Normalize(vmin=vmin, vmax=vmax)
    rgba = mpl.colormaps[cmap](norm(np.nan_to_num(v, nan=vmin)))
    return np.where(np.isnan(v), "black", text_color_on(rgba))


def format_number(v, fmt=None) -> str:
    if fmt is not None:
        return format(v, fmt)
    if np.isnan(v):
        return ""
    if float(v).is_integer():
        return str(int(v))
    return f"{v:.2f}" if abs(v) < 100 else f"{v:.0f}"


def plot_grid(values, ax=None, title=None, cmap="Greys", vmin=None, vmax=None, fmt=None,
              numbers=True, highlight=None, highlight_color="tab:orange", fontsize=None,
              xlabel="column", ylabel="row"):
    """A small matrix drawn as coloured cells with its numbers written in them.

    highlight: (row, col, height, width) of a rectangle to outline, e.g. the kernel's window.
    NaN cells are left blank (useful for output cells not yet computed).
    """
    xlabel = ft_default(xlabel, 'column')
    ylabel = ft_default(ylabel, 'row')
    from matplotlib.patches import Rectangle

    ax = get_ax(ax)
    v = np.asarray(values, dtype=float)
    if v.ndim != 2:
        raise ValueError(f"values must be 2-D, got shape {v.shape}")
    finite = v[np.isfinite(v)]
    lo = vmin if vmin is not None else (finite.min() if finite.size else 0.0)
    hi = vmax if vmax is not None else (finite.max() if finite.size else 1.0)
    if hi == lo:
        hi = lo + 1
    ax.imshow(np.ma.masked_invalid(v), cmap=cmap, vmin=lo, vmax=hi)
    h, w = v.shape
    if numbers and h * w <= 400:
        colors = text_colors(v, lo, hi, cmap)
        size = fontsize or max(6, min(12, int(140 / max(h, w))))
        for r in range(h):
            for c in range(w):
                ax.text(c, r, format_number(v[r, c], fmt), ha="center", va="center",
                        color=colors[r, c], fontsize=size)
    ax.set_xticks(np.arange(w))
    ax.set_yticks(np.arange(h))
    ax.set_xticks(np.arange(-0.5, w, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, h, 1), minor=True)
    ax.grid(which="minor", color="0.6", linewidth=0.5)
    ax.tick_params(which="both", length=0, labelsize=7)
    if h > 12 or w > 12:
        ax.set_xticks([])
        ax.set_yticks([])
    if highlight is not None:
        r, c, hh, ww = highlight
        ax.add_patch(Rectangle((c - 0.5, r - 0.5), ww, hh, fill=False,
                               edgecolor=highlight_color, linewidth=2.5))
    if title:
        ax.set_title(ft_name(title))  # a name cnnlib gives (a filter's) in the learner's language
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    return ax
