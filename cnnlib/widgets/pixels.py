"""Explorers for notebook 01 (pixels and channels)."""

from __future__ import annotations

import html

import numpy as np

from cnnlib.core import images
from cnnlib.plots.live import CHANNEL_NAMES, new_layered_figure, outline
from cnnlib.plots.pixels import plot_patch
from cnnlib.text.i18n import t, t_name
from cnnlib.widgets.base import Explorer
from cnnlib.widgets.controls import WIDE, dropdown, int_slider
from cnnlib.widgets.photos import PhotoChoice

__all__ = ["pixel_explorer"]

GRAY = "gray (luminance)"
CHANNELS = (*CHANNEL_NAMES, GRAY)


class _Photos:
    """Photos and their planes (one channel, or the grayscale), loaded once per explorer."""

    def __init__(self):
        self._cache: dict = {}  # name -> (img, {channel: plane})

    def image(self, name):
        if name not in self._cache:
            self._cache[name] = (images.load(name), {})
        return self._cache[name][0]

    def plane(self, name, ch):
        img, planes = self.image(name), self._cache[name][1]
        if ch not in planes:
            if ch == GRAY:
                planes[ch] = images.grayscale(img) if img.ndim == 3 else img.astype(float)
            elif img.ndim == 2:
                raise ValueError(t("channel '{ch}': the '{name}' photo is grayscale (one channel "
                                   "only); choose '{gray}'", ch=t_name(ch), name=t_name(name),
                                   gray=t_name(GRAY)))
            else:
                planes[ch] = img[..., CHANNEL_NAMES.index(ch)]
        return planes[ch]


def pixel_explorer(image="cat (chelsea)", channel: str = "red", row: int = 106,
                   col: int = 162, size: int = 6):
    """Pick a photo, a channel and a patch position: see the patch's numbers beside the photo.

    image: a sample's name, or your own photo as an array, a file path or PNG/JPEG bytes (the
    upload button adds one too). The sliders' ranges follow the photo, so the patch always
    fits; choosing a colour channel of a grayscale photo (camera, coins) shows a message.
    """
    photos = _Photos()
    choice = PhotoChoice(image, list(images.PHOTOS))
    image = choice.dropdown.value
    h0, w0 = photos.image(image).shape[:2]
    row, col = min(row, h0 - size), min(col, w0 - size)
    if photos.image(image).ndim == 2 and image not in images.PHOTOS:
        channel = GRAY  # a grey photo of the learner's has only this plane
    controls = {
        "image": choice.dropdown,
        "channel": dropdown("channel", list(CHANNELS), channel),
        "row": int_slider("row (top)", row, 0, h0 - size, style=WIDE, width="260px"),
        "col": int_slider("column (left)", col, 0, w0 - size, style=WIDE, width="260px"),
        "size": int_slider("patch size", size, 2, 8, style=WIDE, width="220px"),
    }

    def fit_sliders(change, ctrls):
        # The patch must fit: the position sliders end where the patch touches the border.
        img = photos.image(ctrls["image"].value)
        h, w = img.shape[:2]
        if change is not None and change["owner"] is ctrls["image"] and img.ndim == 2 \
                and ctrls["image"].value not in images.PHOTOS:
            ctrls["channel"].value = GRAY  # a grey photo of the learner's: show its one plane
        ctrls["row"].max = h - ctrls["size"].value
        ctrls["col"].max = w - ctrls["size"].value

    fig, axes = new_layered_figure(1, 3, figsize=(10.5, 3.6), width_ratios=[1.5, 1, 1])

    def compute(image, channel, row, col, size):
        img, values = photos.image(image), photos.plane(image, channel)
        h, w = values.shape
        if row + size > h or col + size > w:
            raise ValueError(t("a {size}x{size} patch at row {row}, column {col} does not fit "
                               "in the {h}x{w} photo", size=size, row=row, col=col, h=h, w=w))
        patch = values[row:row + size, col:col + size]
        state = dict(image=img, plane=values, patch=patch, position=(row, col))
        return state, choice.note(image) + t(
            "{image}: {shape} = {n:,} numbers · patch rows {r0}-{r1}, columns {c0}-{c1} of the "
            "{channel} plane · min {lo:.0f}, max {hi:.0f}, mean {mean:.1f} (0 = black, 255 = "
            "full brightness)", image=html.escape(t_name(image)),
            shape="x".join(map(str, img.shape)), n=int(np.prod(img.shape)), r0=row,
            r1=row + size - 1, c0=col, c1=col + size - 1, channel=html.escape(t_name(channel)),
            lo=patch.min(), hi=patch.max(), mean=patch.mean())

    def draw(state, image, channel, row, col, size):
        plot_patch(state["image"], state["plane"], row, col, size,
                   name="gray" if channel == GRAY else channel, axes=axes)
        # Only the photo itself stays put while the patch moves.
        fig.static_key = image
        fig.dynamic = [outline(axes[0], "patch"), axes[1], axes[2]]

    return Explorer(controls, compute, draw, fig, photos=choice, on_change=fit_sliders,
                    title="Pixel explorer: a photo is a grid of numbers",
                    picture="The photo with a box around the chosen patch, and that patch of "
                            "one colour channel with each pixel's number written in it.")
