"""cnnlib.core.images.open_photo: a learner's photo four ways (sample name, array, file, bytes), large
ones scaled down, and every kind of bad file refused with one line.

Test images are written here with scikit-image (imageio) or Pillow, or byte by byte (a 16-bit
colour PNG, which Pillow cannot write); the expected pixels are the arrays that were written.
"""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image
from skimage import data, transform
from skimage import io as skio

from cnnlib import images


def _one_line_error(source, match, **kwargs):
    with pytest.raises(ValueError, match=match) as err:
        images.open_photo(source, **kwargs)
    assert "\n" not in str(err.value)
    return str(err.value)


def _gradient(h, w, colour=True):
    """A smooth test photo: every resampling method agrees on it up to a grey level or two."""
    r, c = np.mgrid[0:h, 0:w]
    planes = [255 * r / (h - 1), 255 * c / (w - 1), 255 * (r + c) / (h + w - 2)]
    img = np.stack(planes, axis=-1) if colour else planes[0]
    return np.rint(img).astype(np.uint8)


def _png_bytes(img, mode=None):
    buf = io.BytesIO()
    Image.fromarray(img, mode=mode).save(buf, format="PNG")
    return buf.getvalue()


def _png_by_hand(h, w, bit_depth, colour_type, raw_rows: bytes) -> bytes:
    """A PNG file assembled from its chunks (signature, IHDR, IDAT, IEND), as the spec has it."""
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", w, h, bit_depth, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw_rows))
            + chunk(b"IEND", b""))


# ---------------------------------------------------------------------------------------------
# Four ways in
# ---------------------------------------------------------------------------------------------
def test_bundled_sample_by_name_is_the_scikit_image_photo():
    photo = images.open_photo("cat (chelsea)")
    np.testing.assert_array_equal(photo.pixels, data.chelsea())
    assert photo.note == "" and photo.original_shape == (300, 451)
    assert images.open_photo("camera").pixels.shape == (512, 512)  # grey stays (H, W)
    # Every bundled photo fits the working size: none is scaled.
    for name in images.PHOTOS:
        assert images.open_photo(name).note == "", name


def test_arrays_uint8_floats_and_one_channel():
    img = _gradient(40, 60)
    np.testing.assert_array_equal(images.open_photo(img).pixels, img)
    floats = img / 255.0
    np.testing.assert_array_equal(images.open_photo(floats).pixels, img)
    grey = _gradient(40, 60, colour=False)
    out = images.open_photo(grey[..., None]).pixels
    assert out.shape == (40, 60)
    np.testing.assert_array_equal(out, grey)
    assert images.open_photo(np.zeros((20, 20), bool)).pixels.max() == 0
    # Floats already on the 0-255 scale stay there.
    np.testing.assert_array_equal(images.open_photo(img.astype(float)).pixels, img)


def test_png_path_and_bytes_give_back_the_pixels_written(tmp_path):
    img = _gradient(50, 70)
    path = tmp_path / "mine.png"
    skio.imsave(path, img, check_contrast=False)
    by_path = images.open_photo(path)
    np.testing.assert_array_equal(by_path.pixels, img)  # PNG is lossless
    assert by_path.name == "mine.png"
    np.testing.assert_array_equal(images.open_photo(str(path)).pixels, img)
    by_bytes = images.open_photo(path.read_bytes())
    np.testing.assert_array_equal(by_bytes.pixels, img)
    assert by_bytes.name == "uploaded photo"
    grey = _gradient(30, 30, colour=False)
    skio.imsave(tmp_path / "grey.png", grey, check_contrast=False)
    np.testing.assert_array_equal(images.open_photo(tmp_path / "grey.png").pixels, grey)


def test_jpeg_is_read_close_to_what_was_written(tmp_path):
    img = _gradient(64, 96)
    path = tmp_path / "mine.jpg"
    Image.fromarray(img).save(path, quality=95)
    out = images.open_photo(path).pixels
    assert out.shape == (64, 96, 3) and out.dtype == np.uint8
    assert np.abs(out.astype(int) - img).mean() < 3  # lossy, but a smooth image survives


def test_jpeg_exif_orientation_stands_the_photo_upright():
    stored = np.zeros((20, 40), np.uint8)
    stored[:5, :5] = 255                             # bright top-left corner, as stored
    exif = Image.Exif()
    exif[0x0112] = 6                                 # "rotate 90° clockwise to display"
    buf = io.BytesIO()
    Image.fromarray(stored).save(buf, format="JPEG", exif=exif, quality=95)
    out = images.open_photo(buf.getvalue()).pixels
    assert out.shape == (40, 20)
    # Turned a quarter clockwise, the stored top-left corner is at the top right.
    assert out[:5, -5:].mean() > 200 and out[:5, :5].mean() < 50


# ---------------------------------------------------------------------------------------------
# Large photos
# ---------------------------------------------------------------------------------------------
def test_large_photo_is_scaled_down_and_says_so():
    img = _gradient(1000, 1500)
    photo = images.open_photo(img)
    assert photo.pixels.shape == (427, 640, 3)      # 1000 * 640 / 1500 = 426.7
    assert photo.original_shape == (1000, 1500)
    assert "scaled down from 1000×1500 to 427×640" in photo.note
    reference = transform.resize(img, (427, 640), anti_aliasing=True, preserve_range=True)
    assert np.abs(photo.pixels - reference).max() < 3
    small = images.open_photo(img, max_side=100)
    assert small.pixels.shape == (67, 100, 3)


def test_large_jpeg_file_is_scaled_down(tmp_path):
    img = _gradient(2000, 1000)
    path = tmp_path / "big.jpg"
    Image.fromarray(img).save(path, quality=90)
    photo = images.open_photo(path)
    assert photo.pixels.shape == (640, 320, 3)
    assert "from 2000×1000 to 640×320" in photo.note
    reference = transform.resize(img, (640, 320), anti_aliasing=True, preserve_range=True)
    assert np.abs(photo.pixels - reference).mean() < 3


# ---------------------------------------------------------------------------------------------
# Bad input: one line each
# ---------------------------------------------------------------------------------------------
def test_corrupt_files_are_refused(tmp_path):
    png = _png_bytes(_gradient(60, 60))
    _one_line_error(png[: len(png) // 2], "PNG file is damaged")
    buf = io.BytesIO()
    Image.fromarray(_gradient(60, 60)).save(buf, format="JPEG")
    _one_line_error(buf.getvalue()[:300], "JPEG file is damaged")
    _one_line_error(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "PNG file is damaged")
    _one_line_error(b"this is a text file, not a photo", "not a PNG or JPEG image")
    _one_line_error(b"", "empty")
    path = tmp_path / "notes.png"
    path.write_text("hello")
    _one_line_error(path, "not a PNG or JPEG image")


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "WEBP"])
def test_other_formats_are_refused_by_name(fmt):
    buf = io.BytesIO()
    Image.fromarray(_gradient(30, 30)).save(buf, format=fmt)
    _one_line_error(buf.getvalue(), f"must be a PNG or JPEG file; this one is {fmt}")


def test_one_by_one_image_is_refused(tmp_path):
    _one_line_error(_png_bytes(np.zeros((1, 1, 3), np.uint8)), r"1×1 pixels.*at least 16×16")
    _one_line_error(np.zeros((1, 1), np.uint8), "1×1 pixels")
    _one_line_error(np.zeros((15, 200), np.uint8), "15×200 pixels")
    assert images.open_photo(np.zeros((16, 16), np.uint8)).pixels.shape == (16, 16)


def test_png_with_alpha_is_shown_on_white_and_says_so():
    rgba = np.zeros((20, 20, 4), np.uint8)
    rgba[..., 0] = 255                     # pure red
    rgba[..., 3] = 255
    rgba[:10, :, 3] = 0                    # top half see-through
    rgba[10:, :10, 3] = 128                # half transparent
    photo = images.open_photo(_png_bytes(rgba))
    assert photo.pixels.shape == (20, 20, 3)
    np.testing.assert_array_equal(photo.pixels[0, 0], [255, 255, 255])     # white shows through
    # 128/255 of red over 127/255 of white: (255, 127, 127), worked by hand.
    np.testing.assert_array_equal(photo.pixels[15, 5], [255, 127, 127])
    np.testing.assert_array_equal(photo.pixels[15, 15], [255, 0, 0])
    assert photo.note == "transparent parts shown on white"
    # An RGBA PNG that is opaque everywhere (a screenshot) is just its colours, no note.
    rgba[..., 3] = 255
    opaque = images.open_photo(_png_bytes(rgba))
    np.testing.assert_array_equal(opaque.pixels, rgba[..., :3])
    assert opaque.note == ""
    # Grey with alpha stays grey; an RGBA array is treated like the file.
    la = np.stack([np.full((20, 20), 100, np.uint8), np.zeros((20, 20), np.uint8)], -1)
    assert images.open_photo(_png_bytes(la, mode="LA")).pixels.shape == (20, 20)
    assert (images.open_photo(_png_bytes(la, mode="LA")).pixels == 255).all()
    np.testing.assert_array_equal(images.open_photo(rgba).pixels, rgba[..., :3])


def test_sixteen_bit_images_are_refused():
    grey16 = (np.arange(32 * 32).reshape(32, 32) * 60).astype(np.uint16)
    buf = io.BytesIO()
    Image.fromarray(grey16).save(buf, format="PNG")           # Pillow writes mode I;16
    _one_line_error(buf.getvalue(), "16-bit values.*8-bit")
    # 16-bit colour: Pillow would quietly read it as 8-bit, so the header is checked.
    rows = b"".join(b"\x00" + b"\x12\x34" * 3 * 20 for _ in range(20))
    _one_line_error(_png_by_hand(20, 20, 16, 2, rows), "16-bit values")
    _one_line_error(grey16, r"16-bit values \(up to 61380\)")
    # A 16-bit array that only uses 0-255 is fine.
    assert images.open_photo(np.full((20, 20), 200, np.uint16)).pixels.max() == 200


def test_other_bad_arguments_name_the_parameter(tmp_path):
    _one_line_error(tmp_path / "missing.png", "no file 'missing.png'")
    _one_line_error(str(tmp_path), "no file")
    _one_line_error("dog", "bundled sample")
    _one_line_error([[1, 2], [3, 4]], "got list")
    _one_line_error(np.zeros((20, 20, 2)), r"\(H, W, 3\) colour, got shape \(20, 20, 2\)")
    _one_line_error(np.full((20, 20), -1.0), r"\[0, 1\] or \[0, 255\]")
    _one_line_error(np.full((20, 20), np.nan), "NaN")
    _one_line_error(np.zeros((20, 20), np.uint8), "max_side", max_side=4)


# ---------------------------------------------------------------------------------------------
# Crops of the bundled photos: a colour data set that works offline
# ---------------------------------------------------------------------------------------------
def _found_in(patch, photo) -> list[tuple[int, int]]:
    """Every (row, col) where ``patch`` sits in ``photo`` exactly (brute force)."""
    s = patch.shape[0]
    starts = np.argwhere((photo == patch[0, 0]).all(axis=-1))
    return [(r, c) for r, c in starts
            if np.array_equal(photo[r:r + s, c:c + s], patch)]


def test_photo_crops_are_patches_of_their_photo_and_splits_do_not_overlap():
    x, y, names = images.photo_crops(n_per_class=4, size=24, zoom=(1, 1), flip=False)
    assert names == list(images.CROP_CLASSES)
    assert x.shape == (12, 24, 24, 3) and x.dtype == np.uint8
    assert np.bincount(y).tolist() == [4, 4, 4]
    for patch, label in zip(x[:6], y[:6]):
        photo = getattr(data, images.CROP_CLASSES[names[label]])()
        hits = _found_in(patch, photo)
        assert hits, names[label]
        assert all(c >= photo.shape[1] // 4 for _, c in hits)   # right three quarters
    xt, yt, _ = images.photo_crops(n_per_class=3, size=24, split="test", zoom=(1, 1), flip=False)
    for patch, label in zip(xt[:4], yt[:4]):
        photo = getattr(data, images.CROP_CLASSES[names[label]])()
        hits = _found_in(patch, photo)
        assert hits and all(c + 24 <= photo.shape[1] // 4 for _, c in hits)  # left quarter
    # Seeded: the same call, the same patches; another seed, others.
    again, _, _ = images.photo_crops(n_per_class=4, size=24, zoom=(1, 1), flip=False)
    np.testing.assert_array_equal(x, again)
    other, _, _ = images.photo_crops(n_per_class=4, size=24, zoom=(1, 1), flip=False, seed=1)
    assert not np.array_equal(x, other)
    with pytest.raises(ValueError, match="split must be"):
        images.photo_crops(split="validation")
    with pytest.raises(ValueError, match="zoom must be"):
        images.photo_crops(zoom=(0.5, 2))


# ---------------------------------------------------------------------------------------------
# The session's own photos, by name
# ---------------------------------------------------------------------------------------------
def test_add_photo_names_a_photo_that_load_then_finds(tmp_path):
    assert images.add_photo("camera") == "camera"
    img = _gradient(40, 50)
    path = tmp_path / "garden.png"
    skio.imsave(path, img, check_contrast=False)
    name = images.add_photo(path)
    assert name == "garden.png"
    np.testing.assert_array_equal(images.load(name), img)
    assert images.add_photo(path.read_bytes(), name="garden.png") == "garden.png"  # same photo
    other = images.add_photo(img[::-1].copy(), name="garden.png")                # another one
    assert other == "garden.png (2)"
    np.testing.assert_array_equal(images.load(other), img[::-1])
    big = images.add_photo(_gradient(900, 700), name="big")
    assert images.load(big).shape == (640, 498, 3)
    assert images.photo_note(big).startswith("scaled down from 900×700")
    assert images.photo_note("camera") == "" and images.photo_note(name) == ""
    assert images.add_photo(np.zeros((20, 20), np.uint8), name="coins") == "coins (2)"
    assert images.add_photo("chelsea") == "cat (chelsea)"
    with pytest.raises(ValueError, match="1×1"):
        images.add_photo(np.zeros((1, 1), np.uint8))
