"""Your own photo and your own model, in a real JupyterLab.

A PNG goes in through the pixel explorer's upload button (the browser's file chooser, filled by
Playwright): the explorer switches to it, says it was scaled down, and draws it; a GIF gets a
one-line message and changes nothing. Then a colour model trained in the kernel goes through
the Grad-CAM explorer: the layer picker starts on its last conv layer and switching layers
redraws.

Each test writes a small notebook into the server's (temporary) folder and runs it. With
``CNNLIB_SCREENSHOTS=1`` the two explorers are also photographed into docs/img/
(own_photo.png, own_model.png).
"""

from __future__ import annotations

import io
import os

import numpy as np
import pytest

from tests.browser.lab_helpers import ROOT
from tools.labdriver import (
    cell_report,
    explorers,
    image_digest,
    kernel_execute,
    open_notebook,
    run_all,
    settle,
    shutdown_current,
    widget_problems,
)

pytestmark = pytest.mark.browser

VISIBLE = ".jp-NotebookPanel:not(.lm-mod-hidden)"
SHOTS = os.environ.get("CNNLIB_SCREENSHOTS", "").strip() not in ("", "0")


def _notebook(*cells: str) -> dict:
    return {"nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                        "language": "python"}},
            "cells": [{"cell_type": "code", "metadata": {}, "execution_count": None,
                       "outputs": [], "source": c} for c in cells]}


def _open_new(lab, page, name: str, *cells: str) -> None:
    lab.api("PUT", f"/api/contents/{name}",
            {"type": "notebook", "format": "json", "content": _notebook(*cells)})
    open_notebook(page, name)
    run_all(page)
    errors = [e for c in cell_report(page) for e in c["errors"]]
    assert not errors, errors
    assert not widget_problems(page)


def _file(img: np.ndarray, fmt: str = "PNG") -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format=fmt)
    return buf.getvalue()


def _big_photo() -> np.ndarray:
    """scikit-image's rocket (427x640) at twice its size: a photo too large to keep."""
    from skimage import data

    return np.repeat(np.repeat(data.rocket(), 2, axis=0), 2, axis=1)


def _wait_for(page, check, timeout_ms: int = 20000):
    """Poll the page (explorers as ``explorers`` reads them) until ``check`` returns truthy."""
    waited = 0
    while waited < timeout_ms:
        settle(page, quiet_ms=100)
        found = explorers(page)
        if found and check(found[0]):
            return found[0]
        page.wait_for_timeout(200)
        waited += 300
    raise AssertionError(f"not reached in {timeout_ms} ms; explorer now: {explorers(page)[:1]}")


def _choose(page, button):
    """Click an upload button as a learner does; the browser's file chooser it opens."""
    button.scroll_into_view_if_needed()
    with page.expect_file_chooser() as chooser:
        button.click()
    return chooser.value


def _new_image(page, old: str, timeout_ms: int = 10000) -> bool:
    """Whether explorer 0's picture changes from the one with digest ``old`` (the info line
    arrives a moment before the new PNG)."""
    for _ in range(timeout_ms // 100):
        if image_digest(page, 0) != old:
            return True
        page.wait_for_timeout(100)
    return False


def _label(explorer: dict, description: str) -> str:
    """The shown label of a dropdown (ipywidgets draws spaces as no-break spaces)."""
    return next(d["label"] for d in explorer["dropdowns"]
                if d["description"].strip() == description).replace("\xa0", " ")


def _image_label(explorer: dict) -> str:
    return _label(explorer, "image")


def test_upload_a_png_through_the_button(lab, page):
    _open_new(lab, page, "own_photo_check.ipynb",
              "import cnnlib\ncnnlib.setup(seed=0)\nfrom cnnlib import widgets\n"
              "widgets.pixel_explorer()")
    before = explorers(page)[0]
    assert _image_label(before) == "cat (chelsea)" and before["message"] == ""
    digest = image_digest(page, 0)
    explorer = page.locator(f"{VISIBLE} .cnn-explorer").first
    button = explorer.locator(".widget-upload")
    assert button.count() == 1, "no upload button in the pixel explorer"

    chooser = _choose(page, button)
    assert "image/png" in (chooser.element.get_attribute("accept") or "")
    chooser.set_files(files=[{"name": "launch.png", "mimeType": "image/png",
                              "buffer": _file(_big_photo())}])
    # the dropdown's new label can arrive a moment before the info line: wait for both
    after = _wait_for(page, lambda e: _image_label(e) == "launch.png" and "launch" not in
                      before["info"] and "427x640x3" in e["info"])
    assert "scaled down from 854×1280 to 427×640" in after["info"], after["info"]
    assert "427x640x3" in after["info"] and after["message"] == ""
    assert _new_image(page, digest)
    shape = kernel_execute(page, "from cnnlib import images\n"
                                 "print(images.load('launch.png').shape)")
    assert shape.strip() == "(427, 640, 3)", shape
    if SHOTS:
        explorer.scroll_into_view_if_needed()
        explorer.screenshot(path=str(ROOT / "docs" / "img" / "own_photo.png"))

    # A GIF: one line in the widget, the photo and the picture as they were.
    settle(page, quiet_ms=500)
    digest = image_digest(page, 0)
    _choose(page, button).set_files(files=[{"name": "anim.gif", "mimeType": "image/gif",
                                            "buffer": _file(_big_photo()[:40, :40],
                                                            fmt="GIF")}])
    refused = _wait_for(page, lambda e: "GIF" in (e["message"] or ""))
    assert "must be a PNG or JPEG file; this one is GIF" in refused["message"]
    assert "\n" not in refused["message"] and "Traceback" not in refused["message"]
    assert _image_label(refused) == "launch.png" and image_digest(page, 0) == digest
    assert not [e for c in cell_report(page) for e in c["errors"]]
    shutdown_current(page)


OWN_MODEL = """\
import cnnlib
cnnlib.setup(seed=0)
import keras
from keras import layers
from cnnlib import images, widgets
x, y, names = images.photo_crops(n_per_class=cnnlib.quick(200, 40))
inp = keras.Input((32, 32, 3))
h = layers.MaxPooling2D(2)(layers.Conv2D(8, 3, activation="relu", name="conv1")(inp))
h = layers.MaxPooling2D(2)(layers.Conv2D(16, 3, activation="relu", name="conv2")(h))
own = keras.Model(inp, layers.Dense(3, activation="softmax")(layers.GlobalAveragePooling2D()(h)))
own.compile("adam", "sparse_categorical_crossentropy")
own.fit(x / 255, y, epochs=cnnlib.quick(10, 2), verbose=0)
xt, yt, _ = images.photo_crops(n_per_class=4, split="test")
pick = [int((yt == c).argmax()) for c in range(3)]  # one test patch per class: cat first
widgets.grad_cam_explorer(own, xt[pick] / 255, yt[pick], class_names=names)
"""


def test_own_colour_model_in_the_grad_cam_explorer(lab, page):
    _open_new(lab, page, "own_model_check.ipynb", OWN_MODEL)
    found = explorers(page)[0]
    assert found["hasImage"] and found["message"] == "", found
    assert _label(found, "Grad-CAM layer") == "conv2" and "Grad-CAM on conv2" in found["info"]
    assert _label(found, "explain") == "predicted class"
    if SHOTS:
        shot = page.locator(f"{VISIBLE} .cnn-explorer").first
        shot.scroll_into_view_if_needed()
        shot.screenshot(path=str(ROOT / "docs" / "img" / "own_model.png"))
    digest = image_digest(page, 0)
    descriptions = [d["description"].strip() for d in found["dropdowns"]]
    select = page.locator(f"{VISIBLE} .cnn-explorer").first.locator(".widget-dropdown select")
    select.nth(descriptions.index("Grad-CAM layer")).select_option(label="conv1")
    after = _wait_for(page, lambda e: "Grad-CAM on conv1" in e["info"])
    assert "30×30 maps" in after["info"] and after["message"] == ""
    assert _new_image(page, digest)
    shutdown_current(page)
