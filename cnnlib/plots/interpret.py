"""Plots for notebook 08: learned kernels, activation maps, filter and class visualizations,
saliency and Grad-CAM.

Numbers come from ``cnnlib.tf.interpret``; these functions only draw
them. Many maps at once are tiled into one image (``mosaic``): one ``imshow`` instead of 64
axes keeps a redraw cheap. The functions an explorer redraws (``plot_maps``,
``plot_filter_images``, ``plot_heatmap``, ``plot_class_images``) update their artists in place
when called again on the same ax.

Digits and every image in input space (filter and class visualizations) use ``gray_r``, ink dark
on white, as in notebook 07; activation maps use ``magma`` (0 is black, strong is bright).
"""

from __future__ import annotations

import numpy as np

from cnnlib.text.i18n import ft, ft_default

from .common import get_ax, plot_grid, pyplot_figure
from .live import artists

__all__ = [
    "mosaic",
    "plot_maps",
    "plot_map_stack",
    "plot_kernels",
    "plot_kernel_matches",
    "plot_filter_images",
    "plot_ascent",
    "plot_class_images",
    "plot_heatmap",
    "plot_explanations",
    "plot_top_k",
]

INPUT_CMAP = "gray_r"
MAP_CMAP = "magma"
KERNEL_CMAP = "RdBu_r"
HIGHLIGHT = "tab:cyan"


def _columns(n: int) -> int:
    """Columns for n tiles: about square, and without a ragged last row when n allows
    (32 -> 8 x 4, 64 -> 8 x 8, 10 -> 5 x 2)."""
    root = int(np.ceil(np.sqrt(n)))
    for c in range(root, 2 * root + 1):
        if n % c == 0:
            return c
    return root


def _mosaic_ax(ax, n, ncols, tile_inches=0.8, max_width=10.0):
    """The caller's ax, or a new pyplot one sized to hold n tiles in ncols columns."""
    if ax is not None:
        return ax
    ncols = int(ncols or _columns(n))
    nrows = -(-n // ncols)
    scale = min(tile_inches, max_width / ncols)
    return get_ax(None, figsize=(scale * ncols + 0.4, scale * nrows + 0.6))


def _as_tiles(maps, colour: bool = False) -> np.ndarray:
    """(h, w, c) maps or (n, h, w[, 1]) images -> (n, h, w) float tiles; with ``colour``,
    (n, h, w, 3) colour images stay (n, h, w, 3)."""
    a = np.asarray(maps, dtype=float)
    if a.ndim == 2:
        return a[None]
    if a.ndim == 4:
        if colour and a.shape[-1] == 3:
            return a
        if a.shape[-1] != 1:
            raise ValueError(f"images must have one channel{' or three' if colour else ''}, "
                             f"got shape {a.shape}")
        return a[..., 0]
    if a.ndim != 3:
        raise ValueError(f"maps must be (h, w, c) or (n, h, w[, 1]), got shape {a.shape}")
    return a


def _rgba(image, vmin, vmax) -> np.ndarray:
    """A colour mosaic (H, W, 3) with NaN gaps -> RGBA in [0, 1], the gaps transparent."""
    gap = np.isnan(image).any(axis=-1)
    rgb = np.clip((np.nan_to_num(image) - vmin) / ((vmax - vmin) or 1.0), 0, 1)
    return np.dstack([rgb, (~gap).astype(float)])


def mosaic(tiles, ncols: int | None = None, pad: int = 1, normalize: str | None = None):
    """Tile (n, h, w) arrays into one 2-D array, with NaN (drawn blank) between the tiles;
    colour tiles (n, h, w, 3) into one (H, W, 3) array.

    normalize: None keeps the values; "each" scales every tile to [0, 1] by its own range
    (activation maps: each map's pattern shows, whatever its strength); "signed" divides each by
    its largest |value| (kernels: -1..1). Returns (array, ncols).
    """
    t = np.asarray(tiles, dtype=float)
    if not (t.ndim == 3 or (t.ndim == 4 and t.shape[-1] == 3)) or 0 in t.shape:
        raise ValueError(f"tiles must be (n, h, w) or (n, h, w, 3), got shape {t.shape}")
    if t.ndim == 4 and normalize is not None:
        raise ValueError("normalize must be None for colour tiles")
    n, h, w = t.shape[:3]
    if normalize == "each":
        # Scale to the 99.5th percentile, not the max: a few very strong pixels (the eyes of a
        # photo) would otherwise leave the rest of the map black. Signed maps keep 0 in view.
        flat = t.reshape(n, -1)
        top = np.percentile(flat, 99.5, axis=1)
        low = np.minimum(np.percentile(flat, 0.5, axis=1), 0)
        span = np.where(top - low > 0, top - low, 1.0)
        t = np.clip((t - low[:, None, None]) / span[:, None, None], 0, 1)
    elif normalize == "signed":
        top = np.abs(t).reshape(n, -1).max(axis=1)
        t = t / np.where(top > 0, top, 1.0)[:, None, None]
    elif normalize is not None:
        raise ValueError(f'normalize must be None, "each" or "signed", got {normalize!r}')
    ncols = int(ncols or _columns(n))
    nrows = -(-n // ncols)
    out = np.full((nrows * (h + pad) - pad, ncols * (w + pad) - pad, *t.shape[3:]), np.nan)
    for i in range(n):
        r, c = divmod(i, ncols)
        out[r * (h + pad): r * (h + pad) + h, c * (w + pad): c * (w + pad) + w] = t[i]
    return out, ncols


def _tile_box(i, ncols, h, w, pad=1):
    """(x, y) of tile i's top-left corner in mosaic pixel coordinates, for a rectangle."""
    r, c = divmod(i, ncols)
    return c * (w + pad) - 0.5, r * (h + pad) - 0.5


def _show_mosaic(ax, key, image, cmap, vmin, vmax, title, highlight, tile_hw, ncols):
    """Draw or update one mosaic image on ax, with an optional highlight rectangle."""
    from matplotlib.patches import Rectangle

    cache = artists(ax, "interpret")
    im = cache.get(key)
    masked = _rgba(image, vmin, vmax) if image.ndim == 3 else np.ma.masked_invalid(image)
    if im is not None and im.get_array().ndim != masked.ndim:  # grey <-> colour: start over
        im = None
    if im is None or im.axes is not ax:
        ax.clear()
        im = ax.imshow(masked, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        rect = Rectangle((0, 0), 1, 1, fill=False, edgecolor=HIGHLIGHT, linewidth=2,
                         visible=False)
        ax.add_patch(rect)
        cache[key], cache[key + "_rect"] = im, rect
    else:
        im.set_data(masked)
        im.set_cmap(cmap)
        im.set_clim(vmin, vmax)
        im.set_extent((-0.5, image.shape[1] - 0.5, image.shape[0] - 0.5, -0.5))
        ax.set_xlim(-0.5, image.shape[1] - 0.5)
        ax.set_ylim(image.shape[0] - 0.5, -0.5)
    rect = cache[key + "_rect"]
    if highlight is not None:
        h, w = tile_hw
        rect.set_xy(_tile_box(int(highlight), ncols, h, w))
        rect.set_width(w)
        rect.set_height(h)
        rect.set_visible(True)
    else:
        rect.set_visible(False)
    if title is not None:
        ax.set_title(title)
    return ax


def plot_maps(maps, ax=None, title=None, ncols=None, highlight=None, cmap=MAP_CMAP,
              normalize="each"):
    """Every channel of one layer's output (h, w, c) as a tile of one mosaic image.

    Each map is scaled to its own maximum (``normalize="each"``) so its pattern shows whatever
    its strength; ``highlight``: a channel to outline. Returns the ax.
    """
    tiles = np.moveaxis(np.asarray(maps, dtype=float), -1, 0) if np.ndim(maps) == 3 else \
        _as_tiles(maps)
    ax = _mosaic_ax(ax, len(tiles), ncols)
    image, ncols = mosaic(tiles, ncols, normalize=normalize)
    if highlight is not None and not 0 <= highlight < len(tiles):
        raise ValueError(f"highlight must be a channel in [0, {len(tiles) - 1}], got {highlight}")
    return _show_mosaic(ax, "maps", image, cmap, 0 if normalize else None,
                        1 if normalize else None, title, highlight, tiles.shape[1:], ncols)


def plot_map_stack(acts: dict, image=None, n: int = 8, fig=None, title=None, row_height=1.0,
                   image_cmap=INPUT_CMAP):
    """Layer by layer: the input (if given), then the first ``n`` maps of each layer in
    ``acts`` ({name: (h, w, c)}), one row per layer, labelled with its name and shape. Every
    tile is drawn the same size, so smaller maps look coarser (bigger pixels); each map is
    scaled to its own range. Returns the figure."""
    names = list(acts)
    if not names:
        raise ValueError("acts must hold at least one layer")
    rows = len(names) + (image is not None)
    fig = fig or pyplot_figure((1.1 * n + 1.4, row_height * rows + 0.4))
    axes = np.atleast_1d(fig.subplots(rows, 1))
    i = 0
    if image is not None:
        img = np.asarray(image, dtype=float)
        if img.ndim == 3 and img.shape[-1] == 1:
            img = img[..., 0]
        ax = axes[0]
        ax.imshow(img, cmap=image_cmap if img.ndim == 2 else None)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_ylabel(ft('input\n{h}x{w}', h=img.shape[0], w=img.shape[1]), rotation=0, ha="right",
                      va="center", fontsize=9)
        ax.set_anchor("W")
        i = 1
    for name in names:
        a = np.asarray(acts[name], dtype=float)
        if a.ndim != 3:
            raise ValueError(f"acts[{name!r}] must be (h, w, c), got shape {a.shape}")
        k = min(n, a.shape[-1])
        pad = max(1, round(a.shape[0] / 8))  # the same share of a tile in every row
        image_row, _ = mosaic(np.moveaxis(a[..., :k], -1, 0), ncols=k, pad=pad,
                              normalize="each")
        ax = axes[i]
        ax.imshow(np.ma.masked_invalid(image_row), cmap=MAP_CMAP, vmin=0, vmax=1,
                  interpolation="nearest")
        ax.set_anchor("W")
        ax.set_xticks([])
        ax.set_yticks([])
        for side in ax.spines.values():
            side.set_visible(False)
        h, w, c = a.shape
        ax.set_ylabel(ft('{name}\n{h}x{w}x{c}', name=name, h=h, w=w, c=c), rotation=0, ha="right", va="center", fontsize=9)
        i += 1
    if title:
        fig.suptitle(title)
    return fig


def _kernel_tiles(kernels) -> np.ndarray:
    k = np.asarray(kernels, dtype=float)
    if k.ndim == 4:  # (kh, kw, c_in, F): one input channel, or the mean over them
        k = k.mean(axis=2) if k.shape[2] > 1 else k[:, :, 0, :]
    if k.ndim != 3:
        raise ValueError(f"kernels must be (kh, kw, F) or (kh, kw, C, F), got shape {k.shape}")
    return np.moveaxis(k, -1, 0)


#: |weight| / the kernel's largest below which a pixel gets no sign mark (it is near white)
SIGN_MARK_FLOOR = 0.25


def _sign_marks(ax, image):
    """A "+" on each clearly positive pixel and a "−" on each clearly negative one, so that the
    sign does not rest on red and blue alone; two scatter artists, moved on a redraw."""
    import matplotlib.colors as mcolors

    cache = artists(ax, "interpret")
    fig = ax.figure
    pixel_pt = ax.get_position().width * fig.get_figwidth() * 72 / max(image.shape[1], 1)
    for sign, marker in ((1, "+"), (-1, "_")):
        values = np.nan_to_num(image, nan=0.0)
        rows, cols = np.nonzero(sign * values > SIGN_MARK_FLOOR)
        # white on the strong (dark) ends of the colour map, black near its white middle
        colours = mcolors.to_rgba_array(np.where(np.abs(values[rows, cols]) > 0.6, "white",
                                                 "black")) if rows.size else np.zeros((0, 4))
        art = cache.get("signs" + marker)
        if art is None or art not in ax.collections:
            art = ax.scatter(cols, rows, marker=marker, c=colours, linewidths=1.2, zorder=3)
            cache["signs" + marker] = art
        else:
            art.set_offsets(np.column_stack([cols, rows]).astype(float))
            art.set_edgecolors(colours)
            art.set_facecolors(colours)
        art.set_sizes([(0.45 * pixel_pt) ** 2])


def plot_kernels(kernels, ax=None, title="first-layer kernels", ncols=8, highlight=None):
    """Learned kernels (kh, kw, [C,] F) as little images: red positive, blue negative, each
    scaled by its own largest |weight| (for C > 1 input channels, their mean); a "+" or "−"
    marks each clearly signed pixel too, so colour is not the only cue. Returns the ax."""
    title = ft_default(title, 'first-layer kernels')
    tiles = _kernel_tiles(kernels)
    ax = _mosaic_ax(ax, len(tiles), ncols, tile_inches=0.6)
    image, ncols = mosaic(tiles, ncols, normalize="signed")
    _show_mosaic(ax, "kernels", image, KERNEL_CMAP, -1, 1, title, highlight, tiles.shape[1:],
                 ncols)
    _sign_marks(ax, image)
    return ax


def plot_kernel_matches(handmade: dict, learned, matches, fig=None):
    """Top row: hand-made kernels (name -> 3x3) with their numbers; bottom row: the learned
    kernel most like each (``matches``: one (index, cosine similarity) per hand-made kernel),
    its numbers rounded to two decimals. Returns the figure."""
    names = list(handmade)
    if len(matches) != len(names):
        raise ValueError("matches must hold one (index, similarity) per hand-made kernel")
    tiles = _kernel_tiles(learned)
    fig = fig or pyplot_figure((2.3 * len(names), 5.0))
    axes = np.asarray(fig.subplots(2, len(names), squeeze=False))
    for j, name in enumerate(names):
        k = np.asarray(handmade[name], dtype=float)
        lim = np.abs(k).max() or 1
        plot_grid(k, ax=axes[0, j], title=name, cmap=KERNEL_CMAP, vmin=-lim, vmax=lim,
                  xlabel=None, ylabel=None, fontsize=9)
        idx, sim = matches[j]
        kl = tiles[int(idx)]
        lim = np.abs(kl).max() or 1
        plot_grid(np.round(kl, 2), ax=axes[1, j], title=ft('learned #{index}, cos {sim:+.2f}', index=int(idx), sim=sim),
                  cmap=KERNEL_CMAP, vmin=-lim, vmax=lim, xlabel=None, ylabel=None, fontsize=8)
    axes[0, 0].set_ylabel(ft('hand-made'))
    axes[1, 0].set_ylabel(ft('learned'))
    return fig


def plot_filter_images(images, ax=None, title=None, ncols=8, highlight=None, vmin=0.0,
                       vmax=1.0, cmap=INPUT_CMAP):
    """Images in input space (B, H, W[, 1]), e.g. one per filter from ``visualize_filter``,
    as one mosaic in ``gray_r`` (ink dark, as the digits); colour images (B, H, W, 3) in their
    colours (``vmin``..``vmax`` is black..full brightness). Returns the ax."""
    tiles = _as_tiles(images, colour=True)
    ax = _mosaic_ax(ax, len(tiles), ncols)
    image, ncols = mosaic(tiles, ncols)
    if highlight is not None and not 0 <= highlight < len(tiles):
        raise ValueError(f"highlight must be in [0, {len(tiles) - 1}], got {highlight}")
    return _show_mosaic(ax, "filters", image, cmap, vmin, vmax, title, highlight,
                        tiles.shape[1:3], ncols)


def plot_ascent(scores, ax=None, title="gradient ascent", highlight=None):
    """Scores (steps + 1, B) of gradient ascent: one thin grey line per target, their mean in
    black (and ``highlight``, one target, in orange). Returns the ax; called again on the same ax
    with scores of the same shape, it moves its lines instead of drawing new ones."""
    title = ft_default(title, 'gradient ascent')
    ax = get_ax(ax, figsize=(5, 3))
    s = np.asarray(scores, dtype=float)
    if s.ndim == 1:
        s = s[:, None]
    if s.ndim != 2:
        raise ValueError(f"scores must be (steps + 1, B), got shape {s.shape}")
    if highlight is not None and not 0 <= int(highlight) < s.shape[1]:
        raise ValueError(f"highlight must be in [0, {s.shape[1] - 1}], got {highlight}")
    cache = artists(ax, "interpret")
    steps = np.arange(len(s))
    if cache.get("ascent_shape") != s.shape or not ax.lines:
        ax.clear()
        cache["ascent_lines"] = ax.plot(steps, s, color="0.75", linewidth=0.7)
        (cache["ascent_mean"],) = ax.plot(steps, s.mean(axis=1), color="black", linewidth=2)
        (cache["ascent_hl"],) = ax.plot(steps, s[:, 0], color="tab:orange", linewidth=2,
                                        linestyle="--")  # dashed: not told by colour alone
        ax.set_xlabel(ft('step'))
        ax.set_ylabel(ft('response (black: mean)'))
        ax.locator_params(nbins=4)  # few tick labels: text is most of a redraw's cost
        cache["ascent_shape"] = s.shape
    else:
        for line, col in zip(cache["ascent_lines"], s.T):
            line.set_ydata(col)
        cache["ascent_mean"].set_ydata(s.mean(axis=1))
    hl = cache["ascent_hl"]
    hl.set_visible(highlight is not None)
    if highlight is not None:
        hl.set_ydata(s[:, int(highlight)])
    low, high = float(s.min()), float(s.max())
    pad = 0.05 * (high - low or 1)
    ax.set_ylim(low - pad, high + pad)
    ax.set_xlim(0, max(1, len(s) - 1))
    if title:
        ax.set_title(title)
    return ax


def plot_class_images(images, probs=None, ax=None, title=None, ncols=5, names=None):
    """One image per class (B, H, W[, 1] or 3), in a mosaic, each labelled with its class name
    (``names``, default its number) and, given ``probs`` (B,), the probability the model gives
    that class. Returns the ax."""
    tiles = _as_tiles(images, colour=True)
    n, h, w = tiles.shape[:3]
    if names is not None and len(names) != n:
        raise ValueError(f"names must hold one name per image ({n}), got {len(names)}")
    ax = _mosaic_ax(ax, n, ncols, tile_inches=1.2)
    image, ncols = mosaic(tiles, ncols, pad=6)
    _show_mosaic(ax, "classes", image, INPUT_CMAP, 0, 1, title, None, (h, w), ncols)
    cache = artists(ax, "interpret")
    texts = cache.get("class_texts")
    if texts is None or len(texts) != n:
        for t in texts or []:
            t.remove()
        texts = []
        for i in range(n):
            x, y = _tile_box(i, ncols, h, w, pad=6)
            texts.append(ax.text(x + w / 2, y + h + 0.5, "", ha="center", va="top",
                                 fontsize=9))
        cache["class_texts"] = texts
    for i, t in enumerate(texts):
        label = str(i) if names is None else str(names[i])
        t.set_text(label + (f": p={float(probs[i]):.2f}" if probs is not None else ""))
    return ax


def plot_heatmap(image, heat, ax=None, title=None, alpha=0.55, cmap="Reds", floor=0.15,
                 image_cmap=INPUT_CMAP):
    """A heatmap (H, W) in [0, 1] over an image (H, W[, 1]): the digit in ``gray_r``, the heat
    in one hue (red: a rainbow would hide the strokes), transparent below ``floor`` (so the digit
    stays visible where nothing happens). A colour image (H, W, 3), values in [0, 1], is drawn
    in its colours, faded so the heat shows.
    Returns the ax; updates in place on the same ax."""
    ax = get_ax(ax, figsize=(3, 3))
    img = np.asarray(image, dtype=float)
    if img.ndim == 3 and img.shape[-1] == 1:
        img = img[..., 0]
    heat = np.asarray(heat, dtype=float)
    if img.shape[:2] != heat.shape or img.ndim == 3 and img.shape[-1] != 3:
        raise ValueError(f"heat must have the image's height and width {img.shape[:2]}, "
                         f"got {heat.shape}")
    if img.ndim == 3:
        img = 0.35 + 0.65 * np.clip(img, 0, 1)  # faded toward white: the heat stays readable
    cache = artists(ax, "interpret")
    over = np.ma.masked_less(heat, floor)
    if cache.get("base") is not None and cache["base"].get_array().ndim != img.ndim:
        cache["heat"] = None  # grey <-> colour: start over
    if cache.get("heat") is None or cache["heat"].axes is not ax:
        ax.clear()
        cache["base"] = ax.imshow(img, cmap=image_cmap, vmin=0, vmax=max(1.0, img.max()))
        cache["heat"] = ax.imshow(over, cmap=cmap, vmin=0, vmax=1, alpha=alpha)
        ax.set_xticks([])
        ax.set_yticks([])
    else:
        cache["base"].set_data(img)
        cache["heat"].set_data(over)
    if title is not None:
        ax.set_title(title)
    return ax


def plot_explanations(images, saliency, cams, labels, preds, probs=None, fig=None,
                      size=1.6):
    """One row per digit: the digit, its saliency map, its Grad-CAM heatmap over it. Each row is
    labelled "label 4 -> model 9 (61%)" and "✓ right" or, in red, "✗ wrong". Returns the
    figure."""
    tiles = _as_tiles(images)
    n = len(tiles)
    sal = np.asarray(saliency, dtype=float)
    cams = np.asarray(cams, dtype=float)
    if sal.shape != tiles.shape or cams.shape != tiles.shape:
        raise ValueError("saliency and cams must be (N, H, W) like the images")
    fig = fig or pyplot_figure((3 * size + 0.4, size * n + 0.5))
    axes = np.asarray(fig.subplots(n, 3, squeeze=False))
    for i in range(n):
        wrong = int(labels[i]) != int(preds[i])
        conf = f" ({100 * float(probs[i]):.0f}%)" if probs is not None else ""
        text = ft('label {label} -> model {pred}{conf}', label=int(labels[i]), pred=int(preds[i]), conf=conf)
        axes[i, 0].imshow(tiles[i], cmap=INPUT_CMAP, vmin=0, vmax=1)
        # red and marked ✗ with the word, so a mistake is not told by colour alone
        mark = ft('✗ wrong') if wrong else ft('✓ right')
        axes[i, 0].set_ylabel(text.replace(" -> ", "\n-> ") + "\n" + mark, fontsize=8,
                              color="tab:red" if wrong else "black")
        top = sal[i].max() or 1
        axes[i, 1].imshow(sal[i], cmap="hot", vmin=0, vmax=top)
        plot_heatmap(tiles[i], cams[i], ax=axes[i, 2])
        for ax in axes[i]:
            ax.set_xticks([])
            ax.set_yticks([])
    axes[0, 0].set_title(ft('digit'), fontsize=9)
    axes[0, 1].set_title(ft('saliency'), fontsize=9)
    axes[0, 2].set_title(ft('Grad-CAM'), fontsize=9)
    return fig


def plot_top_k(top, ax=None, title=None):
    """A network's most probable classes as horizontal bars, best on top, each labelled with
    its name and probability (so the bar length is not the only cue).
    top: [(class name, probability), ...], best first (``pretrained.top_k``). Returns the ax."""
    ax = get_ax(ax, figsize=(4, 2.4))
    ax.clear()
    names = [str(n) for n, _ in top][::-1]
    probs = [float(p) for _, p in top][::-1]
    rows = np.arange(len(names))
    ax.barh(rows, probs, color="tab:blue")
    ax.set_yticks(rows, names)
    ax.set_xlim(0, 1)
    for y, p in zip(rows, probs):
        ax.text(min(p + 0.02, 0.8), y, f"{p:.2f}", va="center", fontsize=9)
    ax.set_xlabel(ft("probability"))
    if title is not None:
        ax.set_title(title)
    return ax
