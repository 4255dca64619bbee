"""Plots for notebook 02 (kernels and stride): one convolution step, kernels on photos, feature
maps, ReLU, stride and timing charts.

Every function takes arrays computed by ``cnnlib.core.ops`` (a step is the dict ``ops.conv_step``
returns) and draws them; called again with the same axes, the step pictures update in place.
"""

from __future__ import annotations

import numpy as np

from cnnlib.plots.common import get_ax, plot_grid, pyplot_axes, text_colors
from cnnlib.plots.live import CHANNEL_NAMES, outline, plot_grid_live, plot_image_live
from cnnlib.text.i18n import ft, ft_default, ft_name

__all__ = ["plot_conv_step", "plot_rgb_conv_step", "plot_feature_map", "kernel_is_signed",
           "plot_kernel_on_image",
           "plot_kernel_gallery", "plot_feature_stack", "plot_relu", "plot_stride_positions",
           "plot_timings", "plot_conv_matrix"]


def _no_ticks(ax):
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")


def _partial(out, n_done):
    """The output with only its first n_done cells (row by row) filled in; the rest NaN."""
    shown = np.array(out, dtype=float)
    flat = shown.reshape(-1)
    flat[n_done:] = np.nan
    return shown


def plot_conv_step(x, kernel, step, out, axes=None):
    """One step of a convolution: input with the window, kernel, products, output so far.

    x: (H, W); kernel: (kh, kw); step: the dict of ``ops.conv_step(x, kernel, i, stride)``;
    out: the whole output (``ops.conv2d``), drawn up to this step's cell. axes: four axes or None.
    """
    x, kernel, out = np.asarray(x, float), np.asarray(kernel, float), np.asarray(out, float)
    if x.ndim != 2 or kernel.ndim != 2:
        raise ValueError(f"x and kernel must be 2-D, got shapes {x.shape} and {kernel.shape}")
    if axes is None:
        _, axes = pyplot_axes(1, 4, (11, 3.2), width_ratios=[x.shape[1], 3.4, 3.4, out.shape[1] + .5])
    ax_x, ax_k, ax_p, ax_o = axes
    (r, c), (i, j) = step["position"], step["cell"]
    kh, kw = kernel.shape
    lo, hi = min(x.min(), 0), max(x.max(), 1)
    plot_grid_live(x, ax_x, cmap="Blues", vmin=lo, vmax=hi * 1.6, highlight=(r, c, kh, kw),
                   title=ft('input {h}x{w}, window at ({r}, {c})', h=x.shape[0], w=x.shape[1], r=r, c=c))
    klim = max(np.abs(kernel).max(), 1e-9)
    plot_grid_live(kernel, ax_k, cmap="PuOr_r", vmin=-1.6 * klim, vmax=1.6 * klim,
                   title=ft('kernel {kh}x{kw}', kh=kh, kw=kw), xlabel=None, ylabel=None)
    _no_ticks(ax_k)
    prods = step["products"]
    plim = max(np.abs(prods).max(), klim * max(abs(lo), abs(hi)), 1e-9)
    bias = step.get("bias", 0.0)
    plus_bias = ft(' + bias {bias:g}', bias=bias) if bias else ""
    plot_grid_live(prods, ax_p, cmap="PuOr_r", vmin=-1.6 * plim, vmax=1.6 * plim,
                   title=ft('window x kernel: sum{plus_bias} = {step:.4g}', plus_bias=plus_bias, step=step['total']),
                   xlabel=None, ylabel=None)
    _no_ticks(ax_p)
    done = i * out.shape[1] + j + 1
    olim = max(np.nanmax(np.abs(out)), 1e-9)
    plot_grid_live(_partial(out, done), ax_o, cmap="Greens", vmin=min(out.min(), 0),
                   vmax=olim * 1.6, highlight=(i, j, 1, 1),
                   title=ft('output {h}x{w}: [{i}, {j}] = {step:.4g}', h=out.shape[0], w=out.shape[1], i=i, j=j, step=step['total']))
    return axes


def plot_rgb_conv_step(x, kernel, step, out, axes=None):
    """One step of a 3x3x3 kernel over an RGB image: per channel the window and the products,
    then their three sums plus the bias, and the output so far.

    x: (H, W, 3); kernel: (kh, kw, 3); step: ``ops.conv_step(x, kernel, i, stride, bias)``;
    out: the whole output (``ops.conv2d(x, kernel, stride=..., bias=...)``).
    axes: a 3x4 array of axes (rows: red, green, blue; columns: input, kernel, products, result)
    or None.
    """
    x, kernel, out = np.asarray(x, float), np.asarray(kernel, float), np.asarray(out, float)
    if x.ndim != 3 or x.shape[-1] != 3 or kernel.shape[-1:] != (3,) or kernel.ndim != 3:
        raise ValueError(f"x must be (H, W, 3) and kernel (kh, kw, 3), got {x.shape} and "
                         f"{kernel.shape}")
    if axes is None:
        _, axes = pyplot_axes(3, 4, (9.5, 6.6), layout=None, width_ratios=[x.shape[1], 3.4, 3.4, 4.2],
                         adjust=dict(left=0.01, right=0.99, bottom=0.01, top=0.95, wspace=0.12,
                                     hspace=0.22))
    (r, c), (i, j) = step["position"], step["cell"]
    kh, kw, _ = kernel.shape
    xlim = max(np.abs(x).max(), 1e-9)
    klim = max(np.abs(kernel).max(), 1e-9)
    plim = max(xlim * klim, 1e-9)
    sums = step["channel_sums"]
    for ch, name in enumerate(CHANNEL_NAMES):
        ax_x, ax_k, ax_p = axes[ch, 0], axes[ch, 1], axes[ch, 2]
        plot_grid_live(x[..., ch], ax_x, cmap=name, vmin=-0.25 * xlim, vmax=xlim * 1.25,
                       highlight=(r, c, kh, kw), title=ft('{name} channel', name=ft(name)),
                       xlabel=None, ylabel=None)
        _no_ticks(ax_x)
        plot_grid_live(kernel[..., ch], ax_k, cmap="PuOr_r", vmin=-1.6 * klim, vmax=1.6 * klim,
                       title=ft('kernel[:, :, {ch}]', ch=ch), xlabel=None, ylabel=None)
        _no_ticks(ax_k)
        plot_grid_live(step["products"][..., ch], ax_p, cmap="PuOr_r", vmin=-1.6 * plim,
                       vmax=1.6 * plim, title=ft('products: sum = {sums:.4g}', sums=sums[ch]),
                       xlabel=None, ylabel=None)
        _no_ticks(ax_p)
    done = i * out.shape[1] + j + 1
    olim = max(np.abs(out).max(), 1e-9)
    plot_grid_live(_partial(out, done), axes[0, 3], cmap="Greens", vmin=min(out.min(), 0),
                   vmax=1.6 * olim, highlight=(i, j, 1, 1),
                   title=ft('output {h}x{w}', h=out.shape[0], w=out.shape[1]), xlabel=None, ylabel=None)
    _no_ticks(axes[0, 3])
    ax_sum = axes[1, 3]
    ax_sum.set_axis_off()
    terms = " + ".join(f"{s:.4g}" for s in sums).replace("+ -", "- ")
    bias = step["bias"]
    text = (ft('red + green + blue\n{terms}\n{sign} bias {bias:g}\n= {step:.4g}\n-> output[{i}, {j}]', terms=terms, sign=('+' if bias >= 0 else '-'), bias=abs(bias), step=step['total'], i=i, j=j))
    if not ax_sum.texts:
        ax_sum.text(0.5, 0.5, "", ha="center", va="center", fontsize=11, linespacing=1.6,
                    transform=ax_sum.transAxes)
    ax_sum.texts[0].set_text(text)
    ax_rgb = axes[2, 3]
    plot_image_live(np.clip(x / xlim, 0, 1), ax_rgb, title=ft('the RGB input'), axis_labels=False)
    _no_ticks(ax_rgb)
    outline(ax_rgb, "window", color="white").set_bounds(c - 0.5, r - 0.5, kw, kh)
    return axes


def _robust_limit(a, q=99.0):
    """A colour limit for values centred on 0: the q-th percentile of |a| (or its max)."""
    mags = np.abs(a[np.isfinite(a)])
    if not mags.size:
        return 1.0
    lim = float(np.percentile(mags, q)) or float(mags.max())
    return lim or 1.0


def plot_feature_map(fmap, ax=None, title=None, signed=None, vlim=None):
    """A feature map: signed ones (edges: negative and positive) on a blue-white-red scale
    centred at 0, others (blurs, sharpen: still a photo) in gray from 0 to 255.

    signed: None decides from the data (any negative value -> signed). vlim: the colour limit
    of a signed map; default: the 99th percentile of its absolute values, so that a few extreme
    pixels do not wash out every other edge. Updates in place on the same ax.
    """
    fmap = np.asarray(fmap, dtype=float)
    if fmap.ndim != 2:
        raise ValueError(f"fmap must be 2-D, got shape {fmap.shape}")
    if signed is None:
        signed = bool(fmap.size and fmap.min() < 0)
    if signed:
        lim = vlim or _robust_limit(fmap)
        return plot_image_live(fmap, ax, title=title, cmap="RdBu_r", vmin=-lim, vmax=lim)
    # 0-1 or 0-255 photos keep their range; sums of many pixels (e.g. the X kernel) go to
    # their 99.5th percentile, so the brightest few pixels do not set the scale alone.
    if not fmap.size or fmap.max() <= 1.5:
        top = 1.0
    else:
        top = max(255.0, float(np.percentile(fmap, 99.5)))
    return plot_image_live(fmap, ax, title=title, cmap="gray", vmin=0, vmax=top)


def kernel_is_signed(kernel) -> bool:
    """How to draw a kernel's feature map. Kernels without negative numbers (blurs, the X) and
    kernels whose numbers sum to 1 (sharpen, emboss) give a photo-like map, drawn in gray; the
    others (edges, summing to 0) give negative and positive values, drawn blue-white-red
    around 0."""
    kernel = np.asarray(kernel, dtype=float)
    return bool((kernel < 0).any()) and not np.isclose(kernel.sum(), 1.0)


def plot_kernel_on_image(image, kernel, output, axes=None, signed=None, titles=None):
    """Input, kernel (numbers) and the feature map it makes, in three panels; updates in place.

    image: (H, W) grayscale; kernel: (kh, kw); output: ``ops.conv2d(image, kernel, ...)``.
    titles: three titles, or None for defaults. signed: None decides from the kernel
    (``kernel_is_signed``).
    """
    image, kernel, output = (np.asarray(a, dtype=float) for a in (image, kernel, output))
    if kernel.ndim != 2 or image.ndim != 2:
        raise ValueError(f"image and kernel must be 2-D, got {image.shape} and {kernel.shape}")
    if axes is None:
        _, axes = pyplot_axes(1, 3, (11, 3.6), width_ratios=[1.5, 0.8, 1.5])
    ax_in, ax_k, ax_out = axes
    titles = titles or [f"input {image.shape[0]}x{image.shape[1]}", f"kernel {kernel.shape[0]}x"
                        f"{kernel.shape[1]}", f"feature map {output.shape[0]}x{output.shape[1]}"]
    plot_image_live(image, ax_in, title=titles[0], vmin=0, vmax=255 if image.max() > 1.5 else 1)
    ax_in.locator_params(nbins=4)
    klim = max(float(np.abs(kernel).max()), 1e-9)
    plot_grid_live(kernel, ax_k, cmap="PuOr_r", vmin=-1.6 * klim, vmax=1.6 * klim,
                   title=titles[1], xlabel=None, ylabel=None, fontsize=10)
    _no_ticks(ax_k)
    signed = kernel_is_signed(kernel) if signed is None else signed
    plot_feature_map(output, ax_out, title=titles[2], signed=signed)
    ax_out.locator_params(nbins=4)
    return axes


def plot_kernel_gallery(outputs, kernels, ncols=2, axes=None, signed=None):
    """Each named kernel's feature map, with the kernel's numbers beside it (right of the map,
    so they cover none of it) and, for signed maps, a colour bar.

    outputs: dict name -> feature map; kernels: dict name -> kernel, holding at least those
    names (e.g. ``cnnlib.core.kernels.KERNELS``). signed: dict name -> bool, or None to decide from
    each kernel (``kernel_is_signed``). Returns the axes.
    """
    names = list(outputs)
    if not names or not set(names) <= set(kernels):
        raise ValueError("outputs must be a non-empty dict whose names all appear in kernels")
    nrows = -(-len(names) // ncols)
    if axes is None:
        _, axes = pyplot_axes(nrows, ncols, (4.3 * ncols, 2.3 * nrows), layout=None,
                              adjust=dict(left=0.005, right=0.86, bottom=0.01,
                                          top=1 - 0.1 / nrows, wspace=0.5, hspace=0.18))
    axes_flat = np.atleast_1d(axes).ravel()
    for ax, name in zip(axes_flat, names):
        s = kernel_is_signed(kernels[name]) if signed is None else signed.get(name)
        plot_feature_map(outputs[name], ax, title=ft_name(name), signed=s)
        _no_ticks(ax)
        k = np.asarray(kernels[name], float)
        aspect = ax.bbox.width / ax.bbox.height
        inset = ax.inset_axes([1.03, 0.0, 0.3, 0.3 * aspect])
        klim = max(float(np.abs(k).max()), 1e-9)
        plot_grid(k, ax=inset, cmap="PuOr_r", vmin=-1.6 * klim, vmax=1.6 * klim, fontsize=6.5,
                  xlabel=None, ylabel=None)
        _no_ticks(inset)
        if s:  # blue < 0 < red: the bar gives the numbers
            cax = ax.inset_axes([1.03, 0.3 * aspect + 0.08, 0.05, 0.92 - 0.3 * aspect])
            ax.figure.colorbar(ax.images[0], cax=cax)
            cax.tick_params(labelsize=6)
    for ax in axes_flat[len(names):]:
        ax.set_axis_off()
    return axes


def plot_feature_stack(stack, titles=None, axes=None, signed=None):
    """The feature maps of several filters, (H, W, F), one panel per filter (channel).

    signed: True/False for all maps, or None to decide per map from its values.
    """
    stack = np.asarray(stack, dtype=float)
    if stack.ndim != 3:
        raise ValueError(f"stack must be (H, W, F), got shape {stack.shape}")
    f = stack.shape[-1]
    titles = titles or [ft("feature map {i}", i=i) for i in range(f)]
    if len(titles) != f:
        raise ValueError(f"titles must have one entry per feature map ({f}), got {len(titles)}")
    if axes is None:
        axes = np.atleast_1d(pyplot_axes(1, f, (3.0 * f, 2.8))[1])
    for i, ax in enumerate(np.ravel(axes)[:f]):
        plot_feature_map(stack[..., i], ax, title=ft_name(titles[i]), signed=signed)
        _no_ticks(ax)
    return axes


def plot_relu(before, after, axes=None, bins=60):
    """A feature map before and after ReLU (same colour scale), and how its values spread:
    everything left of 0 in the histogram becomes 0."""
    before, after = np.asarray(before, float), np.asarray(after, float)
    if before.shape != after.shape or before.ndim != 2:
        raise ValueError(f"before and after must be 2-D and of one shape, got {before.shape} "
                         f"and {after.shape}")
    if axes is None:
        _, axes = pyplot_axes(1, 3, (11, 3.2))
    lim = _robust_limit(before)
    plot_feature_map(before, axes[0], title=ft('before ReLU (conv output)'), signed=True, vlim=lim)
    plot_feature_map(after, axes[1], title=ft('after ReLU: negatives -> 0'), signed=True, vlim=lim)
    for ax in axes[:2]:
        _no_ticks(ax)
    ax = axes[2]
    # Bars coloured as the maps are: negative blue, positive red; the negative ones hatched too,
    # so the sign is not told by colour alone (and they lie left of the line at 0).
    counts, edges, patches = ax.hist(before.ravel(), bins=bins, color="tab:blue", hatch="///",
                                     edgecolor="white", linewidth=0)
    for patch, left in zip(patches, edges[:-1]):
        if left >= 0:
            patch.set_facecolor("tab:red")
            patch.set_hatch(None)
    ax.axvline(0, color="black", linewidth=1)
    neg = float((before < 0).mean())
    ax.set_title(ft('values: {neg:.0%} negative (blue) -> 0', neg=neg))
    ax.set_xlabel(ft('value before ReLU'))
    ax.set_ylabel(ft('number of cells'))
    ax.set_yscale("log")
    return axes


def plot_stride_positions(n, kernel, positions, axes=None):
    """Where a kernel x kernel window starts on an n x n input, for one or more strides.

    positions: dict stride -> start indices along one axis (``ops.window_positions``). The
    start cell of every window is numbered in the order the windows are visited; the first two
    windows of the top row are outlined, so the jump between them (the stride) shows.
    """
    strides = list(positions)
    if not strides:
        raise ValueError("positions must hold at least one stride")
    if axes is None:
        axes = np.atleast_1d(pyplot_axes(1, len(strides), (3.3 * len(strides), 3.5))[1])
    for ax, s in zip(np.ravel(axes), strides):
        starts = list(positions[s])
        grid = np.zeros((n, n))
        order = np.full((n, n), np.nan)
        for a, r in enumerate(starts):
            for b, c in enumerate(starts):
                grid[r, c] = 1
                order[r, c] = a * len(starts) + b + 1
        plot_grid(grid, ax=ax, cmap="Oranges", vmin=0, vmax=2.5, numbers=False,
                  title=ft('stride {s}: {n}x{n} windows', s=s, n=len(starts)))
        for r in range(n):
            for c in range(n):
                if np.isfinite(order[r, c]):
                    ax.text(c, r, f"{int(order[r, c])}", ha="center", va="center", fontsize=9)
        # the first window solid, the second dashed (and their start cells numbered 1 and 2):
        # told apart without colour too
        for idx, color, dash in zip(starts[:2], ("tab:blue", "tab:red"), ("-", "--")):
            from matplotlib.patches import Rectangle

            ax.add_patch(Rectangle((idx - 0.5 + 0.06, -0.5 + 0.06), kernel - 0.12, kernel - 0.12,
                                   fill=False, edgecolor=color, linewidth=2.2, linestyle=dash))
    return axes


def plot_timings(names, seconds, ax=None, title="time for one convolution"):
    """Horizontal bars of run times (log scale), each labelled with its time and how many
    times slower than the fastest it is."""
    title = ft_default(title, 'time for one convolution')
    names, seconds = list(names), [float(s) for s in seconds]
    if len(names) != len(seconds) or not names or min(seconds) <= 0:
        raise ValueError("names and seconds must be non-empty, of the same length, seconds > 0")
    ax = get_ax(ax, figsize=(8, 0.55 * len(names) + 1.2))
    y = np.arange(len(names))[::-1]
    bars = ax.barh(y, seconds, color="tab:green")
    ax.set_xscale("log")
    ax.set_xlim(min(seconds) / 3, max(seconds) * 40)
    ax.set_yticks(y, names)
    fastest = min(seconds)
    for bar, s in zip(bars, seconds):
        label = ft('{ms:.3g} ms', ms=s * 1000) + (ft('  ({times:,.0f}x the fastest)', times=s / fastest) if s > fastest
                                        else ft('  (fastest)'))
        ax.text(s * 1.15, bar.get_y() + bar.get_height() / 2, label, va="center", fontsize=9)
    ax.set_xlabel(ft('seconds (log scale)'))
    ax.set_title(title)
    return ax


def plot_conv_matrix(matrix, window=None, image_width=None, ax=None, title=None, fmt=None,
                     cmap="Blues", xlabel="input pixel (column of C)",
                     ylabel="output cell (row of C)"):
    """A convolution as a matrix (``ops.conv_matrix``), or any weight matrix beside it.

    window: a boolean array of the matrix's shape, True where an output's window covers an
    input pixel (``ops.conv_matrix(shape, np.ones(kernel.shape)) != 0``); those cells are
    shaded and carry their number (a kernel's zeros too), every other cell is left blank, so the
    pattern reads without colour. None: every non-zero entry. image_width: draw a thicker line
    between the input's image rows (every ``image_width`` columns).
    """
    xlabel = ft_default(xlabel, 'input pixel (column of C)')
    ylabel = ft_default(ylabel, 'output cell (row of C)')
    m = np.asarray(matrix, dtype=float)
    if m.ndim != 2:
        raise ValueError(f"matrix must be 2-D, got shape {m.shape}")
    window = m != 0 if window is None else np.asarray(window, dtype=bool)
    if window.shape != m.shape:
        raise ValueError(f"window must have the matrix's shape {m.shape}, got {window.shape}")
    h, w = m.shape
    ax = get_ax(ax, figsize=(min(14, 0.38 * w + 1.5), min(10, 0.38 * h + 1.2)))
    shown = np.where(window, m, np.nan)
    finite = shown[np.isfinite(shown)]
    lim = float(np.abs(finite).max()) if finite.size else 1.0
    lo = -lim if finite.size and finite.min() < 0 else 0.0
    # Window cells get a light floor colour even where the number is 0: blank means "no weight".
    vmin, vmax = lo - 0.35 * (lim - lo), lim * 1.6
    ax.imshow(np.ma.masked_invalid(shown), cmap=cmap, vmin=vmin, vmax=vmax, aspect="equal")
    colors = text_colors(shown, vmin, vmax, cmap)   # black or white, whichever reads better
    size = max(5, min(10, int(190 / max(h, w))))
    for r, c in zip(*np.nonzero(window)):
        ax.text(c, r, format(m[r, c], fmt) if fmt else (f"{m[r, c]:g}"), ha="center",
                va="center", fontsize=size, color=colors[r, c])
    ax.set_xticks(np.arange(-0.5, w, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, h, 1), minor=True)
    ax.grid(which="minor", color="0.85", linewidth=0.5)
    ax.tick_params(which="both", length=0, labelsize=7)
    ax.set_xticks(np.arange(0, w, max(1, w // 25 * 5 or 1)))
    ax.set_yticks(np.arange(h))
    if image_width:
        for col in range(image_width, w, image_width):
            ax.axvline(col - 0.5, color="0.35", lw=1.2)
    if title:
        ax.set_title(title, fontsize=10)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    return ax
