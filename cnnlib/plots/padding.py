"""Plots for notebook 03 (padding, stride, dilation, receptive field).

Every function draws numbers it is given (from ``cnnlib.core.ops``) and returns the ax; none computes
a convolution itself.
"""

from __future__ import annotations

import numpy as np

from cnnlib.text.i18n import ft, ft_default

from .common import get_ax, plot_grid
from .cues import hatch_cells, readable_on, text_color_on
from .live import artists

__all__ = ["WINDOW_COLORS", "plot_window_coverage", "plot_padded_grid",
           "plot_layer_curves", "plot_receptive_field"]

#: Colours of the outlined windows, in order: first, second, first of the next row, last.
WINDOW_COLORS = ["tab:orange", "tab:green", "tab:purple", "tab:red"]

PAD_GRAY = (0.86, 0.86, 0.86, 1.0)
SKIPPED_RED = (0.97, 0.70, 0.70, 1.0)


def _grid_segments(h, w):
    """Line segments between the cells of an h x w grid (for a LineCollection)."""
    xs = np.arange(-0.5, w, 1.0)
    ys = np.arange(-0.5, h, 1.0)
    vertical = [((x, -0.5), (x, h - 0.5)) for x in xs]
    horizontal = [((-0.5, y), (w - 0.5, y)) for y in ys]
    return vertical + horizontal


def _index_ticks(ax, h, w, pads=((0, 0), (0, 0))):
    """Major ticks numbering the real rows/cols from 0 (the padding ring gets no number)."""
    if max(h, w) > 14:
        ax.set_xticks([])
        ax.set_yticks([])
        return
    (top, bottom), (left, right) = pads
    cols = range(left, w - right)
    rows = range(top, h - bottom)
    ax.set_xticks(list(cols), [str(c - left) for c in cols])
    ax.set_yticks(list(rows), [str(r - top) for r in rows])
    ax.tick_params(which="both", length=0, labelsize=7)


def _grid_artists(ax, key, line_color, line_width):
    """The artists a grid plot keeps on its ax, made on the first call and reused after.

    Redrawing an explorer then only updates data (``set_data``, ``set_segments``): far cheaper
    than ``ax.clear()``, which rebuilds every tick.
    """
    from matplotlib.collections import LineCollection

    store = artists(ax, "grid")
    if store.get("key") == key:
        return store
    store.clear()
    store.update(key=key, image=ax.imshow(np.zeros((1, 1, 4)), interpolation="nearest"),
                 lines=LineCollection([], colors=line_color, linewidths=line_width))
    ax.add_collection(store["lines"])
    return store


def _cell_numbers(ax, store, values, colors, scale=0.3):
    """Write the integer values[r, c] in each cell as text *markers*, one scatter per (number,
    colour): about ten times faster to draw than one Text per cell, which matters when an
    explorer redraws. Each scatter's gid is "count <number>"."""
    for old in store.get("numbers", []):
        old.remove()
    store["numbers"] = []
    values = np.asarray(values)
    if values.size == 0:
        return
    h, w = values.shape
    # Marker size in points from the cell size on screen (imshow keeps cells square).
    bbox = ax.get_position().transformed(ax.figure.transFigure)
    cell_pt = min(bbox.width / w, bbox.height / h) * 72 / ax.figure.dpi
    size = (scale * cell_pt) ** 2
    colors = np.asarray(colors)
    for v in np.unique(values):
        for color in np.unique(colors[values == v]):
            rr, cc = np.nonzero((values == v) & (colors == color))
            label = str(int(v))
            dots = ax.scatter(cc, rr, marker=f"${label}$", s=size * (1 if len(label) == 1 else 1.6),
                              c=color, linewidths=0, zorder=2.5)
            dots.set_gid(f"count {label}")
            store["numbers"].append(dots)


def plot_window_coverage(coverage, pads, windows=(), kernel=3, dilation=1, ax=None, title=None,
                         numbers=None, index_ticks=True):
    """The padded input grid, coloured by how many windows read each cell.

    coverage: 2-D int array over the *padded* grid (``np.outer`` of two ``ops.window_coverage``).
    pads: ((top, bottom), (left, right)) as ``ops.pad_amounts`` gives them.
    windows: top-left corners (row, col) in padded coordinates of windows to outline, coloured
    as ``WINDOW_COLORS``; with dilation > 1 the cells the kernel taps read get a dot.
    Gray cells are padding (zeros), outside the black frame of the input; red, cross-hatched
    cells are input pixels no window ever reads, blue ones are read (darker: by more windows). numbers: write the counts in the cells (default: when
    the grid is at most 12 cells wide). Calling it again on the same ax updates the picture.
    """
    import matplotlib as mpl
    from matplotlib.patches import Rectangle

    ax = get_ax(ax)
    cov = np.asarray(coverage)
    if cov.ndim != 2:
        raise ValueError(f"coverage must be 2-D, got shape {cov.shape}")
    (top, bottom), (left, right) = pads
    h, w = cov.shape
    store = _grid_artists(ax, "coverage", "0.55", 0.6)
    if "border" not in store:
        store["border"] = ax.add_patch(Rectangle((0, 0), 1, 1, fill=False, edgecolor="black",
                                                 linewidth=2, zorder=3))
        store["windows"] = [ax.add_patch(Rectangle((0, 0), 1, 1, fill=False, edgecolor=color,
                                                   linewidth=2.5, zorder=4, clip_on=False,
                                                   linestyle="-" if i == 0 else "--"))
                            for i, color in enumerate(WINDOW_COLORS)]
        store["taps"] = ax.scatter([], [], s=12, zorder=5)
    real = np.zeros((h, w), bool)
    real[top:h - bottom, left:w - right] = True
    most = max(int(cov.max()), 1)
    rgba = mpl.colormaps["Blues"](0.2 + 0.6 * cov / most)
    rgba[~real] = PAD_GRAY
    rgba[real & (cov == 0)] = SKIPPED_RED
    store["image"].set_data(rgba)
    # never read: hatched as well as red, so it reads without colour (and with numbers off)
    hatch = hatch_cells(ax, real & (cov == 0), key="never read", hatch="x")["black"]
    hatch.set_hatchcolor("#8c3b3b")  # dark red, thin: 5:1 on the red cell, the "0" still reads
    hatch.set_hatch_linewidth(0.8)
    store["image"].set_extent((-0.5, w - 0.5, h - 0.5, -0.5))
    store["lines"].set_segments(_grid_segments(h, w))
    store["border"].set_bounds(left - 0.5, top - 0.5, w - left - right, h - top - bottom)
    span = dilation * (kernel - 1) + 1
    tap_xy, tap_colors = [], []
    for i, rect in enumerate(store["windows"]):
        if i >= len(windows):
            rect.set_visible(False)
            continue
        r0, c0 = windows[i]
        inset = 0.07 * i  # windows that overlap stay distinguishable
        rect.set_bounds(c0 - 0.5 + inset, r0 - 0.5 + inset, span - 2 * inset, span - 2 * inset)
        rect.set_visible(True)
        if dilation > 1:
            taps = np.arange(kernel) * dilation
            for rr in r0 + taps:
                for cc in c0 + taps:
                    tap_xy.append((cc + 0.3 - 0.15 * i, rr - 0.3))
                    tap_colors.append(WINDOW_COLORS[i])
    store["taps"].set_offsets(np.array(tap_xy).reshape(-1, 2))
    store["taps"].set_color(tap_colors or "none")
    if numbers is None:
        numbers = max(h, w) <= 12
    if numbers:
        colors = text_color_on(rgba)   # black or white by contrast (WCAG) with each cell
        _cell_numbers(ax, store, cov, colors)
    else:
        _cell_numbers(ax, store, [], [])
    ax.set_xlim(-0.5, w - 0.5)
    ax.set_ylim(h - 0.5, -0.5)
    if index_ticks:
        _index_ticks(ax, h, w, pads)
    else:
        ax.set_xticks([])
        ax.set_yticks([])
    if title is None:  # say "padded" only when there is padding
        title = (ft('input {h} × {w}, no padding', h=h, w=w) if top == bottom == left == right == 0 else
                 ft('padded input {h} × {w} (input {in_h} × {in_w})', h=h, w=w, in_h=h - top - bottom, in_w=w - left - right))
    ax.set_title(title)
    ax.set_xlabel(ft('column\ngray: padding · red, crossed: never read\nnumber: windows that read the cell'),
                  fontsize=8)
    ax.set_ylabel(ft('row'))
    return ax


def plot_padded_grid(xp, pads, ax=None, title=None, window=None, fmt=None):
    """Numbers of a padded input (``np.pad``-ed), the real image outlined, padding shaded.

    window: (row, col, size) of one kernel window to outline, in padded coordinates.
    """
    from matplotlib.patches import Rectangle

    ax = get_ax(ax)
    xp = np.asarray(xp, dtype=float)
    (top, bottom), (left, right) = pads
    h, w = xp.shape
    highlight = None if window is None else (window[0], window[1], window[2], window[2])
    plot_grid(xp, ax=ax, title=title, cmap="Greys", vmin=0, vmax=max(1.0, float(xp.max())) * 1.6,
              fmt=fmt, highlight=highlight)
    shade = np.zeros((h, w, 4))
    shade[..., 3] = 0.0
    pad = np.ones((h, w), bool)
    pad[top:h - bottom, left:w - right] = False
    shade[pad] = (0.55, 0.75, 1.0, 0.45)
    ax.imshow(shade, interpolation="nearest")
    ax.add_patch(Rectangle((left - 0.5, top - 0.5), w - left - right, h - top - bottom,
                           fill=False, edgecolor="black", linewidth=2))
    ax.set_xlim(-0.5, w - 0.5)
    ax.set_ylim(h - 0.5, -0.5)
    return ax


def _wipe(ax, tag):
    """Remove what an earlier call of the same plot function drew on ax (keeps the axes and
    their ticks, which ``ax.clear()`` would rebuild at some cost)."""
    store = artists(ax, "wipe")
    if store.get("tag") == tag:
        for artist in [*ax.lines, *ax.patches, *ax.texts, *ax.collections, *ax.images]:
            artist.remove()
        if ax.legend_ is not None:
            ax.legend_.remove()
    store["tag"] = tag


def plot_layer_curves(series, ax=None, title=None, ylabel="size", xlabel="layers applied",
                      annotate="auto", legend=True):
    """One line per entry of ``series`` (label -> list of numbers, one per depth 0, 1, 2, ...).

    annotate: "all" writes every number at its point, "last" only the final one of each line,
    None none; "auto" is "all" for one line and "last" for several (their labels would collide).
    Lines get different dash styles and markers; a series equal to an earlier one is shifted a
    little to the right and named so in the legend. Calling it again on the
    same ax redraws.
    """
    ylabel = ft_default(ylabel, 'size')
    xlabel = ft_default(xlabel, 'layers applied')
    ax = get_ax(ax, figsize=(6, 3.5))
    _wipe(ax, "layer_curves")
    if annotate == "auto":
        annotate = "all" if len(series) == 1 else "last"
    styles = ["-", "--", ":", "-."]
    markers = ["o", "s", "^", "D"]
    top, written, drawn = 0, set(), []
    for i, (label, values) in enumerate(series.items()):
        depth = np.arange(len(values))
        # A line with the same values as an earlier one would hide under it: shift it a little
        # to the right and say so in the legend.
        twin = next((lab for lab, v in drawn if list(v) == list(values)), None)
        dx = 0.12 * sum(1 for _, v in drawn if list(v) == list(values))
        drawn.append((label, values))
        line, = ax.plot(depth + dx, values, marker=markers[i % 4], linestyle=styles[i % 4],
                        label=label if twin is None else ft('{label} (same as {twin})', label=label, twin=twin),
                        markersize=5 + 2 * (len(series) - 1 - i))
        top = max(top, max(values))
        points = list(zip(depth, values)) if annotate == "all" else (
            [(depth[-1], values[-1])] if annotate == "last" else [])
        for d, v in points:
            if (d, v) in written:
                continue
            written.add((d, v))
            offset, ha = ((0, 6), "center") if annotate == "all" else ((7, -3), "left")
            ax.annotate(str(v), (d, v), textcoords="offset points", xytext=offset, ha=ha,
                        fontsize=8, color=readable_on(line.get_color()))  # 4.5:1 on white
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    n_depth = max(len(v) for v in series.values())
    ax.set_xticks(np.arange(n_depth))
    ax.set_xlim(-0.3, n_depth - 0.4)
    ax.set_ylim(0, top * 1.15 + 1)
    ax.grid(alpha=0.3)
    if legend:
        ax.legend(fontsize=8, loc="best")
    if title:
        ax.set_title(title)
    return ax


def plot_receptive_field(fields, ax=None, title=None, labels=None, legend=True):
    """Nested squares on the input grid: ``fields[i]`` is how many input pixels (per side) one
    neuron of layer i sees (``fields[0]`` = 1, the pixel itself), as ``ops.receptive_field``
    computes them. The squares share a centre pixel. Calling it again on the same ax redraws."""
    import matplotlib as mpl
    from matplotlib.collections import LineCollection
    from matplotlib.patches import Rectangle

    ax = get_ax(ax, figsize=(6, 4))
    _wipe(ax, "receptive_field")
    fields = [int(f) for f in fields]
    size = max(fields) + 2  # one pixel of margin on each side
    centre = size // 2
    ax.set_facecolor("0.97")  # a plain background: an image of a 2000-pixel field is slow
    ax.set_aspect("equal")
    if size <= 40:
        ax.add_collection(LineCollection(_grid_segments(size, size), colors="0.82",
                                         linewidths=0.5))
    ax.set_xticks([])
    ax.set_yticks([])
    cmap = mpl.colormaps["viridis"]
    n = len(fields)
    for i in range(n - 1, -1, -1):  # largest first, so the small ones stay on top
        f = fields[i]
        if i and f == fields[i - 1]:
            continue  # a 1x1 layer adds nothing to see
        color = cmap(0.1 + 0.75 * i / max(n - 1, 1))
        start = centre - (f - 1) // 2 - 0.5
        label = labels[i] if labels else (ft('layer {i}: {f}×{f}', i=i, f=f) if i else ft('one pixel'))
        ax.add_patch(Rectangle((start, start), f, f, facecolor=(*color[:3], 0.22),
                               edgecolor=color, linewidth=2, label=label))
    ax.set_xlim(-0.5, size - 0.5)
    ax.set_ylim(size - 0.5, -0.5)
    if legend:
        handles, names = ax.get_legend_handles_labels()
        ax.legend(handles[::-1], names[::-1], fontsize=8, loc="upper left",
                  bbox_to_anchor=(1.01, 1.0), borderaxespad=0, frameon=False)
    ax.set_title(title or f"receptive field: {fields[-1]}×{fields[-1]} input pixels")
    ax.set_xlabel(ft('input column'))
    ax.set_ylabel(ft('input row'))
    return ax
