"""Second cues beside colour (WCAG 2.1: colour is never the only cue) and text contrast.

- ``text_color_on``: black or white, whichever contrasts more with a background (WCAG relative
  luminance); one of the two always reaches 4.58:1, so a number on any cell meets AA.
- ``hatch_cells``: hatching over chosen cells of an image-like grid, e.g. the clearly negative
  weights of a red-blue map, so the sign reads without colour. The cells go into one compound
  path per hatch colour (runs of neighbouring cells merged), so a 10x784 matrix stays two
  artists; called again on the same ax it only swaps the paths.
"""

from __future__ import annotations

import numpy as np

__all__ = ["relative_luminance", "contrast_ratio", "text_color_on", "hatch_cells",
           "hatch_negative", "hide_hatch", "readable_on", "SIGN_FLOOR", "NEGATIVE_HATCH"]

#: |value| / the largest |value| below which a cell of a signed map gets no sign cue: it is near
#: white, and hatching every tiny value would cover the picture in noise
SIGN_FLOOR = 0.25
#: the pattern that marks negative cells (and bars) throughout the series
NEGATIVE_HATCH = "///"


def relative_luminance(rgb) -> np.ndarray:
    """WCAG 2.1 relative luminance of sRGB colours (..., 3 or 4) in [0, 1]."""
    c = np.asarray(rgb, dtype=float)[..., :3]
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return lin @ np.array([0.2126, 0.7152, 0.0722])


def contrast_ratio(a, b) -> np.ndarray:
    """WCAG contrast ratio (1 to 21) between colours a and b (arrays of RGB[A])."""
    la, lb = relative_luminance(a), relative_luminance(b)
    return (np.maximum(la, lb) + 0.05) / (np.minimum(la, lb) + 0.05)


def text_color_on(rgba) -> np.ndarray:
    """"black" or "white" for each background colour (..., 3 or 4): the one of higher contrast.

    Black wins when (L + 0.05) / 0.05 >= 1.05 / (L + 0.05), i.e. L >= 0.179."""
    return np.where(relative_luminance(rgba) >= 0.179, "black", "white")


def readable_on(color, background="white", ratio=4.5):
    """``color`` darkened (toward black, its hue kept) just enough that text in it reaches
    ``ratio`` against ``background``: e.g. a line's colour for the numbers written beside it."""
    import matplotlib.colors as mcolors

    rgb, bg = np.array(mcolors.to_rgb(color)), mcolors.to_rgb(background)
    for scale in np.linspace(1, 0, 101):
        if contrast_ratio(rgb * scale, bg) >= ratio:
            return tuple(rgb * scale)
    return (0.0, 0.0, 0.0)


def _runs(mask):
    """(row, first column, length) of every horizontal run of True cells in a 2-D mask."""
    m = np.asarray(mask, dtype=bool)
    padded = np.pad(m, ((0, 0), (1, 1))).astype(np.int8)
    d = np.diff(padded, axis=1)
    rows, starts = np.nonzero(d == 1)
    _, ends = np.nonzero(d == -1)
    return rows, starts, ends - starts


def _cells_path(mask, x0=-0.5, y0=-0.5):
    """One compound path of unit squares over the True cells (cell (r, c) spans
    [c - 0.5, c + 0.5] x [r - 0.5, r + 0.5] when x0 = y0 = -0.5, as imshow draws it)."""
    from matplotlib.path import Path

    rows, starts, lengths = _runs(mask)
    if not rows.size:
        return Path(np.zeros((0, 2)))
    left, right = x0 + starts, x0 + starts + lengths
    top, bottom = y0 + rows, y0 + rows + 1
    verts = np.stack([np.column_stack(p) for p in
                      ((left, top), (right, top), (right, bottom), (left, bottom),
                       (left, top))], axis=1).reshape(-1, 2)
    codes = np.tile([Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY],
                    len(rows)).astype(Path.code_type)
    return Path(verts, codes)


def hatch_cells(ax, mask, hatch_colors=None, key="hatch", hatch=NEGATIVE_HATCH, origin=(0, 0),
                zorder=2):
    """Hatch the True cells of ``mask`` (2-D, laid out as ``imshow`` draws an array on ax).

    hatch_colors: an array of "black"/"white" per cell (default black): the hatch's colour on
    each cell, so it shows on dark and light cells alike. origin: (column, row) of the mask's
    cell (0, 0) on the ax, for an image drawn at an offset. Returns {colour: PathPatch}.
    """
    from matplotlib.patches import PathPatch

    from .live import artists

    mask = np.asarray(mask, dtype=bool)
    colors = np.full(mask.shape, "black") if hatch_colors is None else np.asarray(hatch_colors)
    store = artists(ax, "cues")
    patches = store.setdefault(key, {})
    for color in ("black", "white"):
        path = _cells_path(mask & (colors == color), origin[0] - 0.5, origin[1] - 0.5)
        patch = patches.get(color)
        if patch is None or patch.axes is not ax:
            patch = PathPatch(path, facecolor="none", edgecolor="none", linewidth=0,
                              hatch=hatch, hatchcolor=color, zorder=zorder)
            patch.set_gid(f"{key} {color}")
            ax.add_patch(patch)
            patches[color] = patch
        else:
            patch.set_path(path)
        patch.set_visible(bool(len(path.vertices)))
    return patches


def hatch_negative(ax, values, lim, cmap, key="negative", origin=(0, 0), floor=SIGN_FLOOR):
    """Hatch the cells of a red-blue map drawn with ``cmap`` over [-lim, lim] whose value is
    below ``-floor * lim``: clearly negative. The hatch is black or white, whichever contrasts
    more with the cell's colour. Returns {colour: PathPatch}."""
    import matplotlib as mpl

    v = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
    rgba = mpl.colormaps[cmap]((np.clip(v / lim, -1, 1) + 1) / 2)
    return hatch_cells(ax, v < -floor * lim, text_color_on(rgba), key=key, origin=origin)


def hide_hatch(ax, key):
    """Hide the hatching ``hatch_cells`` drew under ``key`` (if any)."""
    from .live import artists

    for patch in artists(ax, "cues").get(key, {}).values():
        patch.set_visible(False)
