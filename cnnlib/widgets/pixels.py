"""Explorers for notebook 01 (pixels and channels)."""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from cnnlib import images
from cnnlib.plots.pixels import CHANNEL_NAMES, _outline, new_layered_figure, plot_patch
from cnnlib.widgets.base import Explorer

__all__ = ["pixel_explorer"]


class LinkedExplorer(Explorer):
    """An Explorer whose controls adjust each other before the one redraw a change causes,
    with its figure's layout fixed after the first draw (faster redraws).

    ``on_change(change, controls)`` runs first (e.g. to set a slider's max to what the chosen
    image allows); the changes it makes do not trigger redraws of their own.
    """

    def __init__(self, controls, render, figure, *, on_change=None, **kwargs):
        self._hook = on_change
        self._quiet = False
        super().__init__(controls, render, figure, **kwargs)
        # The first draw placed the axes; keep them there. A layout engine would lay the figure
        # out again (one more pass over every text) on each redraw.
        figure.set_layout_engine(None)

    def _on_change(self, change) -> None:
        if self._quiet:
            return
        if self._hook is not None:
            self._quiet = True
            try:
                self._hook(change, self.controls)
            finally:
                self._quiet = False
        self.refresh()


GRAY = "gray (luminance)"
CHANNELS = (*CHANNEL_NAMES, GRAY)


def _int_slider(description, value, lo, hi, width="260px"):
    return widgets.IntSlider(value=value, min=lo, max=hi, description=description,
                             continuous_update=True, layout=widgets.Layout(width=width),
                             style={"description_width": "initial"})


def pixel_explorer(image: str = "cat (chelsea)", channel: str = "red", row: int = 106,
                   col: int = 162, size: int = 6):
    """Pick a photo, a channel and a patch position: see the patch's numbers beside the photo.

    The sliders' ranges follow the photo, so the patch always fits; choosing a colour channel of
    a grayscale photo (camera, coins) shows a message instead.
    """
    photos: dict = {}  # name -> (img, {channel: plane}), loaded once

    def planes(name):
        if name not in photos:
            img = images.load(name)
            photos[name] = (img, {})
        return photos[name]

    def plane(name, ch):
        img, cache = planes(name)
        if ch not in cache:
            if ch == GRAY:
                cache[ch] = images.grayscale(img) if img.ndim == 3 else img.astype(float)
            elif img.ndim == 2:
                raise ValueError(f"channel {ch!r}: the {name} photo is grayscale (one channel "
                                 f"only); choose {GRAY!r}")
            else:
                cache[ch] = img[..., CHANNEL_NAMES.index(ch)]
        return cache[ch]

    img0 = planes(image)[0]
    controls = {
        "image": widgets.Dropdown(options=list(images.PHOTOS), value=image, description="image"),
        "channel": widgets.Dropdown(options=list(CHANNELS), value=channel,
                                    description="channel"),
        "row": _int_slider("row (top)", row, 0, img0.shape[0] - size),
        "col": _int_slider("column (left)", col, 0, img0.shape[1] - size),
        "size": _int_slider("patch size", size, 2, 8, width="220px"),
    }

    def fit_sliders(change, ctrls):
        # The patch must fit: the position sliders end where the patch touches the border.
        h, w = planes(ctrls["image"].value)[0].shape[:2]
        s = ctrls["size"].value
        ctrls["row"].max = h - s
        ctrls["col"].max = w - s

    fig, axes = new_layered_figure(1, 3, figsize=(10.5, 3.6), width_ratios=[1.5, 1, 1])
    state: dict = {}

    def render(image, channel, row, col, size):
        img = planes(image)[0]
        values = plane(image, channel)
        h, w = values.shape
        if row + size > h or col + size > w:
            raise ValueError(f"a {size}x{size} patch at row {row}, column {col} does not fit "
                             f"in the {h}x{w} photo")
        plot_patch(img, values, row, col, size, name="gray" if channel == GRAY else channel,
                   axes=axes)
        # Only the photo itself stays put while the patch moves.
        fig.static_key = image
        fig.dynamic = [_outline(axes[0], "patch"), axes[1], axes[2]]
        patch = values[row:row + size, col:col + size]
        state.update(image=img, plane=values, patch=patch, position=(row, col))
        shape = "x".join(map(str, img.shape))
        n_numbers = int(np.prod(img.shape))
        return (f"{html.escape(image)}: {shape} = {n_numbers:,} numbers · patch rows "
                f"{row}-{row + size - 1}, columns {col}-{col + size - 1} of the "
                f"{html.escape(channel)} plane · min {patch.min():.0f}, max {patch.max():.0f}, "
                f"mean {patch.mean():.1f} (0 = black, 255 = full brightness)")

    explorer = LinkedExplorer(controls, render, fig, on_change=fit_sliders,
                              title="Pixel explorer: a photo is a grid of numbers")
    explorer.state = state
    return explorer
