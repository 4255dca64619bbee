"""The photo explorers (pixel, kernel gallery, kernel editor, pooling) take the learner's own
photo: as an array, a file path or bytes when built, or through the upload button; bad files
leave the explorer as it was, with one line saying why. Driven headless: the upload button's
value is set as the browser sets it."""

from __future__ import annotations

import datetime
import io

import numpy as np
import pytest
from PIL import Image

from cnnlib import images, ops, widgets

BUILDERS = [widgets.pixel_explorer, widgets.kernel_gallery_explorer,
            widgets.kernel_editor_explorer, widgets.pooling_explorer]


def _photo(h=48, w=64, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(h, w, 3)).astype(np.uint8)


def _png(img, fmt="PNG") -> bytes:
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format=fmt)
    return buf.getvalue()


def _upload(explorer, name, content: bytes):
    """What the browser sends when a file is chosen: one dict per file."""
    explorer.photos.upload.value = ({
        "name": name, "type": "image/png", "size": len(content), "content": memoryview(content),
        "last_modified": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)},)


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_built_with_an_array_a_path_or_bytes(build, tmp_path):
    img = _photo(seed=1)
    e = build(image=img)
    assert e.last_error is None and e.message.value == ""
    assert e.controls["image"].value == "array"
    assert e.controls["image"].options[0][1] == "array"     # own photos first, then the samples
    path = tmp_path / "street.png"
    path.write_bytes(_png(img))
    e = build(image=path)
    assert e.last_error is None and e.controls["image"].value == "street.png"
    e = build(image=_png(_photo(seed=2)))
    assert e.last_error is None and e.controls["image"].value == "uploaded photo"


def test_the_explorers_compute_on_the_photo_given():
    img = _photo(40, 60, seed=3)
    grey = img.astype(float) @ [0.299, 0.587, 0.114]        # BT.601 luminance, by hand
    e = widgets.pixel_explorer(image=img, channel="green", row=5, col=7, size=4)
    np.testing.assert_array_equal(e.state["image"], img)
    np.testing.assert_array_equal(e.state["patch"], img[5:9, 7:11, 1])
    assert e.controls["row"].max == 36 and e.controls["col"].max == 56
    e = widgets.kernel_gallery_explorer(kernel="sobel x (vertical edges)", image=img)
    np.testing.assert_allclose(e.state["image"], grey, atol=1e-9)
    k = e.state["kernel"]
    np.testing.assert_allclose(e.state["feature_map"], ops.conv2d(grey, k), atol=1e-9)
    e = widgets.kernel_editor_explorer(image=img, stride=2)
    assert e.state["output"].shape == (19, 29)              # (40 - 3) // 2 + 1, (60 - 3) // 2 + 1
    e = widgets.pooling_explorer(image=img, kind="photo", size=2, stride=2)
    np.testing.assert_allclose(e.state["feature"], grey / 255, atol=1e-9)
    assert e.state["pooled"].shape == (20, 30)


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_upload_button_adds_and_shows_the_photo(build):
    e = build()
    img = _photo(50, 70, seed=4)
    _upload(e, "holiday.png", _png(img))
    assert e.last_error is None and e.message.value == ""
    assert e.controls["image"].value == "holiday.png"
    assert e.photos.upload.value == ()                      # ready for the next file
    np.testing.assert_array_equal(images.load("holiday.png"), img)
    if build is widgets.pixel_explorer:
        np.testing.assert_array_equal(e.state["image"], img)
    elif build is widgets.pooling_explorer:
        assert e.state["feature"].shape == (48, 70 - 2)     # Sobel edges, 3x3, valid
    else:
        assert e.state["image"].shape == (50, 70)
    # The samples are still there to go back to.
    e.controls["image"].value = "astronaut"
    assert e.last_error is None


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_large_upload_is_scaled_down_and_the_info_line_says_so(build):
    e = build()
    _upload(e, "poster.png", _png(np.zeros((1300, 900, 3), np.uint8) + 90))
    assert e.last_error is None
    assert "scaled down from 1300×900 to 640×443" in e.info.value
    e.controls["image"].value = "cat (chelsea)"
    assert "scaled down" not in e.info.value


BAD = {
    "damaged": (_png(_photo())[:200], "PNG file is damaged"),
    "not an image": (b"hello, I am a text file", "not a PNG or JPEG image"),
    "GIF": (_png(_photo(), fmt="GIF"), "must be a PNG or JPEG file; this one is GIF"),
    "1x1": (_png(np.zeros((1, 1, 3), np.uint8)), "1×1 pixels"),
    "16-bit": (None, "16-bit values"),
}


@pytest.mark.parametrize("what", list(BAD))
@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_bad_uploads_leave_the_explorer_as_it_was_with_one_line(build, what):
    content, match = BAD[what]
    if content is None:
        buf = io.BytesIO()
        Image.fromarray((np.arange(400).reshape(20, 20) * 100).astype(np.uint16)).save(
            buf, format="PNG")
        content = buf.getvalue()
    e = build()
    before, png, draws = e.controls["image"].value, e.image.value, e.draw_count
    _upload(e, "bad.png", content)
    assert match in e.message.value and "\n" not in e.message.value
    assert "Traceback" not in e.message.value
    assert e.controls["image"].value == before and e.image.value == png
    assert e.draw_count == draws and e.photos.upload.value == ()
    # The next good photo clears the message.
    _upload(e, "good.png", _png(_photo(seed=9)))
    assert e.message.value == "" and e.controls["image"].value == "good.png"


def test_alpha_png_is_shown_on_white_and_the_info_says_so():
    rgba = np.zeros((30, 30, 4), np.uint8)
    rgba[..., 3] = 0                                        # see-through everywhere
    e = widgets.pixel_explorer()
    _upload(e, "logo.png", _png(rgba))
    assert e.last_error is None and "transparent parts shown on white" in e.info.value
    assert (e.state["image"] == 255).all()


def test_a_bad_image_argument_opens_on_the_first_sample_with_the_message(tmp_path):
    path = tmp_path / "broken.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    for build in BUILDERS:
        e = build(image=path)
        assert "JPEG file is damaged" in e.message.value, build.__name__
        assert e.controls["image"].value == "cat (chelsea)" and e.image.value


def test_grey_photo_of_the_learner_switches_the_pixel_explorer_to_its_one_plane():
    e = widgets.pixel_explorer(channel="red")
    _upload(e, "scan.png", _png(np.full((30, 40), 77, np.uint8)))
    assert e.last_error is None and e.controls["channel"].value == "gray (luminance)"
    assert (e.state["patch"] == 77).all()


def test_a_flat_photo_has_no_edges_and_no_nan():
    e = widgets.pooling_explorer(image=np.full((40, 40), 128, np.uint8), kind="edges")
    assert e.last_error is None
    assert np.isfinite(e.state["feature"]).all() and e.state["feature"].max() == 0


def test_in_chinese_the_notes_are_chinese_and_file_names_stay_as_they_are():
    import cnnlib
    from cnnlib import locale

    cnnlib.setup(lang="zh")
    locale.MISSING.clear()
    try:
        e = widgets.kernel_gallery_explorer()
        _upload(e, "假期.png", _png(np.zeros((700, 1400, 3), np.uint8)))
        assert not locale.MISSING, list(locale.MISSING)
        assert e.controls["image"].options[0] == ("假期.png", "假期.png")
        assert ("猫（chelsea）", "cat (chelsea)") in e.controls["image"].options
        assert "已从 700×1400 缩小到 320×640 像素" in e.info.value
        assert "上传" in e.photos.upload.description
    finally:
        locale.MISSING.clear()
        cnnlib.setup()
