"""Sample images: scikit-image's bundled photos (no download), toy arrays, and conversions."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass

import numpy as np

from cnnlib.text.i18n import t, t_name

__all__ = ["PHOTOS", "load", "grayscale", "normalize", "toy_rgb", "article_5x5", "resize",
           "Photo", "open_photo", "add_photo", "photo_note", "own_photo", "MAX_SIDE", "MIN_SIDE",
           "CROP_CLASSES", "photo_crops"]

# name -> scikit-image loader; all ship inside the scikit-image wheel, so they work offline.
PHOTOS = {
    "cat (chelsea)": "chelsea",
    "astronaut": "astronaut",
    "camera": "camera",
    "coffee": "coffee",
    "coins": "coins",
}


def load(name: str = "cat (chelsea)") -> np.ndarray:
    """A sample photo as uint8, (H, W, 3) for colour or (H, W) for grayscale ones; or a photo
    of the learner's that ``add_photo`` gave this name."""
    from skimage import data

    if name in _OWN:
        return _OWN[name].pixels
    key = PHOTOS.get(name, name)
    if key not in PHOTOS.values():
        raise ValueError(t('image name must be one of {names}; got {name!r}', names=', '.join(PHOTOS), name=name))
    return getattr(data, key)()


def grayscale(img) -> np.ndarray:
    """Luminance (ITU-R BT.601 weights, as PIL and most courses use), same value range as input."""
    img = np.asarray(img)
    if img.ndim == 2:
        return img.astype(float)
    if img.ndim != 3 or img.shape[-1] not in (3, 4):
        raise ValueError(t('img must be (H, W) or (H, W, 3), got shape {shape}', shape=img.shape))
    return img[..., :3].astype(float) @ np.array([0.299, 0.587, 0.114])


def normalize(img) -> np.ndarray:
    """0-255 pixels -> floats in [0, 1] (divide by 255), as networks like their inputs."""
    img = np.asarray(img)
    return img.astype(np.float32) / 255.0


def resize(img, shape) -> np.ndarray:
    """Resize to (h, w) with anti-aliasing, keeping the value range."""
    from skimage.transform import resize as _resize

    img = np.asarray(img, dtype=float)
    return _resize(img, tuple(shape) + img.shape[2:], anti_aliasing=True, preserve_range=True)


def toy_rgb() -> np.ndarray:
    """A 4x4x3 RGB image, small enough to print every number (the articles' first example)."""
    rng = np.random.default_rng(4)
    return rng.integers(0, 256, size=(4, 4, 3)).astype(np.uint8)


def article_5x5() -> np.ndarray:
    """The 5x5 binary image from "A Comprehensive Guide to CNNs: the ELI5 way"."""
    return np.array([[1, 1, 1, 0, 0],
                     [0, 1, 1, 1, 0],
                     [0, 0, 1, 1, 1],
                     [0, 0, 1, 1, 0],
                     [0, 1, 1, 0, 0]], dtype=float)


def edge_6x6() -> np.ndarray:
    """A 6x6 grayscale image already normalized to [0, 1]: dark on the left, bright on the right.

    The size of the beginner's-guide example (a 6x6 image, a 3x3 filter, a 4x4 feature map);
    the vertical edge between columns 2 and 3 is what a vertical-edge filter finds.
    """
    return np.array([[0.1, 0.0, 0.2, 0.9, 0.8, 0.9],
                     [0.0, 0.1, 0.1, 0.8, 0.9, 1.0],
                     [0.2, 0.1, 0.0, 0.9, 1.0, 0.8],
                     [0.1, 0.2, 0.1, 1.0, 0.9, 0.9],
                     [0.0, 0.1, 0.2, 0.8, 0.9, 1.0],
                     [0.1, 0.0, 0.1, 0.9, 1.0, 0.9]])


def cross_7x7() -> np.ndarray:
    """A 7x7 binary image of an X: the X-shaped kernel answers it with its largest sum, 5."""
    return np.maximum(np.eye(7), np.fliplr(np.eye(7)))


def toy_rgb_5x5() -> np.ndarray:
    """A 5x5x3 RGB image of small numbers (0-2), for multi-channel convolution by hand."""
    r = [[2, 2, 2, 0, 2], [2, 0, 0, 2, 1], [1, 2, 2, 2, 2], [1, 1, 1, 2, 1], [0, 0, 0, 2, 2]]
    g = [[1, 1, 0, 0, 0], [0, 1, 1, 0, 1], [1, 2, 1, 1, 0], [0, 0, 2, 2, 1], [1, 2, 0, 2, 1]]
    b = [[2, 2, 0, 2, 1], [2, 2, 0, 2, 1], [1, 2, 1, 0, 2], [0, 0, 1, 2, 1], [1, 0, 2, 0, 1]]
    return np.stack([r, g, b], axis=-1).astype(float)


__all__ += ["edge_6x6", "cross_7x7", "toy_rgb_5x5"]


# ---------------------------------------------------------------------------------------------
# The learner's own photo
# ---------------------------------------------------------------------------------------------
# Working size: the longest side an explorer computes on. Every bundled photo fits (the largest,
# coffee, is 400x600), so only the learner's own, larger photos are scaled down.
MAX_SIDE = 640
# Smallest photo the explorers can show: a patch, a 7x7 kernel and 4x4 pooling all fit.
MIN_SIDE = 16
FORMATS = ("PNG", "JPEG")
ON_WHITE = "transparent parts shown on white"


@dataclass(frozen=True)
class Photo:
    """A photo ready for the explorers: ``pixels`` uint8, (H, W) grey or (H, W, 3) colour.

    ``name`` says where it came from; ``note`` is one line to show the learner ("" when the photo
    was used as it is), e.g. that it was scaled down; ``original_shape`` is its size as read
    (larger than ``pixels`` when it was scaled down); ``see_through``: transparent parts of a
    PNG were put on white.
    """

    pixels: np.ndarray
    name: str
    note: str = ""
    original_shape: tuple = ()
    see_through: bool = False

    @property
    def scaled(self) -> bool:
        return tuple(self.original_shape) != tuple(self.pixels.shape[:2])


def open_photo(photo, max_side: int = MAX_SIDE, name: str | None = None) -> Photo:
    """A photo given any of four ways, checked and ready for the explorers.

    photo: the name of a bundled sample (see ``PHOTOS``), a numpy array ((H, W) or (H, W, 3);
    uint8, or floats in [0, 1]), a path to a PNG or JPEG file, or the file's bytes (what an
    upload button delivers). A photo whose longest side is over ``max_side`` is scaled down to
    it, and ``note`` says so; transparent pixels of a PNG are shown on white, and ``note`` says
    that too. Anything the explorers cannot show raises a one-line ``ValueError``: a damaged
    file, a format other than PNG or JPEG, a photo under ``MIN_SIDE`` pixels a side, or one with
    16 bits per value (they show 8-bit values, 0-255).
    """
    if isinstance(max_side, bool) or not isinstance(max_side, (int, np.integer)) \
            or max_side < MIN_SIDE:
        raise ValueError(t('max_side must be an int >= {MIN_SIDE}, got {max_side!r}', MIN_SIDE=MIN_SIDE, max_side=max_side))
    see_through = False
    if isinstance(photo, Photo):
        pixels, label = photo.pixels, name or photo.name
        notes, original = ([photo.note] if photo.note else []), photo.original_shape or None
        see_through = photo.see_through
    elif isinstance(photo, str) and (photo in PHOTOS or photo in PHOTOS.values()):
        pixels, label, notes, original = load(photo), name or photo, [], None
    elif isinstance(photo, (str, os.PathLike)):
        path = os.fspath(photo)
        if not os.path.isfile(path):
            raise ValueError(
                t('photo must be a bundled sample ({names}), an array, PNG/JPEG bytes or a file path; there is no file {basename!r}', names=', '.join(PHOTOS), basename=os.path.basename(path)))
        with open(path, "rb") as f:
            data = f.read()
        pixels, notes, original = _decode(data, max_side)
        label = name or os.path.basename(path)
    elif isinstance(photo, (bytes, bytearray, memoryview)):
        pixels, notes, original = _decode(bytes(photo), max_side)
        label = name or "uploaded photo"
    elif isinstance(photo, np.ndarray):
        pixels, notes = _from_array(photo)
        original = None
        label = name or "array"
    else:
        raise ValueError(
            t('photo must be a bundled sample name, an array, PNG/JPEG bytes or a file path; got {name}', name=type(photo).__name__))
    h, w = original = tuple(int(n) for n in (original or pixels.shape[:2]))
    if min(h, w) < MIN_SIDE:
        raise ValueError(t('photo is {h}×{w} pixels: the explorers need at least {MIN_SIDE}×{MIN_SIDE}', h=h, w=w, MIN_SIDE=MIN_SIDE))
    if max(pixels.shape[:2]) > max_side:
        f = max_side / max(h, w)
        new = (max(MIN_SIDE, round(h * f)), max(MIN_SIDE, round(w * f)))
        pixels = _shrink(pixels, new)
        notes.append(t("scaled down from {h0}×{w0} to {h}×{w} pixels (the explorers work "
                       "on at most {side} a side)", h0=h, w0=w, h=new[0], w=new[1], side=max_side))
    see_through = see_through or ON_WHITE in notes
    note = t("; ").join(t(n) if n == ON_WHITE else n for n in notes)
    return Photo(pixels, label, note, original, see_through)


# The learner's photos of this session, by name: every explorer (and ``load``) finds them.
_OWN: dict = {}


def add_photo(photo, name: str | None = None, max_side: int = MAX_SIDE) -> str:
    """Check a photo (as ``open_photo``) and keep it under a name ``load`` knows; return the name.

    A bundled sample's name comes back as it is. Others are named after their file (or
    ``name``), with " (2)", " (3)", ... added when that name holds a different photo already.
    """
    if isinstance(photo, str) and (photo in PHOTOS or photo in _OWN):
        return photo
    if isinstance(photo, str) and photo in PHOTOS.values():  # "chelsea" -> "cat (chelsea)"
        return next(k for k, v in PHOTOS.items() if v == photo)
    pic = open_photo(photo, max_side=max_side, name=name)
    label, n = pic.name, 1
    while label in PHOTOS or label in PHOTOS.values() or (label in _OWN and not (
            _OWN[label].pixels.shape == pic.pixels.shape
            and np.array_equal(_OWN[label].pixels, pic.pixels))):
        n += 1
        label = f"{pic.name} ({n})"
    _OWN[label] = Photo(pic.pixels, label, pic.note, pic.original_shape, pic.see_through)
    return label


def photo_note(name: str) -> str:
    """What was done to the learner's photo ``name`` (e.g. scaled down); "" for the samples."""
    return _OWN[name].note if name in _OWN else ""


def own_photo(name: str) -> Photo | None:
    """The learner's photo ``name`` as ``add_photo`` kept it, or None (a bundled sample)."""
    return _OWN.get(name)


def _from_array(a: np.ndarray):
    """A learner's array as uint8 (H, W) or (H, W, 3), and notes; refuse what cannot be shown."""
    if a.ndim == 3 and a.shape[-1] == 1:
        a = a[..., 0]
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[-1] not in (3, 4)):
        raise ValueError(t('photo array must be (H, W) grey or (H, W, 3) colour, got shape {shape}', shape=a.shape))
    if a.dtype == bool:
        a = a.astype(np.uint8) * 255
    if a.dtype.kind in "ui" and a.dtype.itemsize > 1 and a.size and a.max() > 255:
        raise ValueError(t('photo has {bits}-bit values (up to {max}): the explorers show 8-bit values 0-255; divide by 257 first', bits=8 * a.dtype.itemsize, max=a.max()))
    if a.dtype.kind == "f":
        if not np.isfinite(a).all():
            raise ValueError(t('photo array holds NaN or infinite values'))
        lo, hi = (float(a.min()), float(a.max())) if a.size else (0.0, 0.0)
        if lo < 0 or hi > 255:
            raise ValueError(t('photo array values must lie in [0, 1] or [0, 255], got [{lo:.3g}, {hi:.3g}]', lo=lo, hi=hi))
        a = a * 255 if hi <= 1 else a  # floats in [0, 1]: the network's scale
        a = np.rint(a)
    elif a.dtype.kind in "ui" and a.size and a.min() < 0:
        raise ValueError(t('photo array values must lie in [0, 255], got a minimum of {min}', min=a.min()))
    elif a.dtype.kind not in "uif":
        raise ValueError(t('photo array must hold numbers, got dtype {dtype}', dtype=a.dtype))
    a = a.astype(np.uint8)
    if a.ndim == 3 and a.shape[-1] == 4:
        a, see_through = _on_white(a)
        return a, [ON_WHITE] if see_through else []
    return a, []


def _on_white(rgba: np.ndarray):
    """RGBA uint8 -> RGB on a white background (what a viewer shows); whether any pixel was
    see-through."""
    alpha = rgba[..., 3:].astype(float) / 255
    rgb = rgba[..., :3] * alpha + 255 * (1 - alpha)
    return np.rint(rgb).astype(np.uint8), bool((rgba[..., 3] < 255).any())


def _png_bit_depth(data: bytes) -> int | None:
    """The bits per value a PNG header declares (Pillow quietly reduces 16-bit colour to 8)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR" and len(data) > 24:
        return data[24]
    return None


def _shrink(pixels: np.ndarray, shape) -> np.ndarray:
    """uint8 photo -> (h, w), Lanczos filter (Pillow: fast, and no aliasing)."""
    from PIL import Image

    out = Image.fromarray(pixels).resize((shape[1], shape[0]), Image.Resampling.LANCZOS)
    return np.asarray(out)


def _kind(data: bytes) -> str | None:
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    return None


def _decode(data: bytes, max_side: int):
    """PNG or JPEG bytes -> (uint8 (H, W) or (H, W, 3), notes, (H, W) as stored).

    Read with Pillow, which scikit-image depends on (no extra package)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not data:
        raise ValueError(t('photo file is empty'))
    kind = _kind(data)
    try:
        img = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        if kind:
            raise ValueError(t('photo: the {kind} file is damaged (Pillow cannot read it)', kind=kind)) \
                from None
        raise ValueError(t('photo is not a PNG or JPEG image (Pillow cannot read it)')) from None
    except Image.DecompressionBombError:
        raise ValueError(t('photo has too many pixels for Pillow to open safely')) from None
    except (OSError, SyntaxError, ValueError) as err:
        raise ValueError(t('photo: the {kind} file is damaged ({err})', kind=kind or 'image', err=err)) from None
    fmt = img.format
    if fmt not in FORMATS:
        raise ValueError(t('photo must be a PNG or JPEG file; this one is {fmt}', fmt=fmt))
    depth = _png_bit_depth(data)
    if (depth is not None and depth > 8) or img.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        raise ValueError(t('photo has {bits}-bit values: the explorers show 8-bit values (0-255); save it as an 8-bit PNG or a JPEG', bits=depth or 16))
    try:
        turned = img.getexif().get(0x0112, 1) in (5, 6, 7, 8)  # EXIF orientation: quarter turn
        stored = (img.width, img.height) if turned else (img.height, img.width)
        if fmt == "JPEG":
            img.draft(img.mode, (max_side, max_side))  # decode a big JPEG at a fraction: fast
        img.load()
        img = ImageOps.exif_transpose(img)  # phone photos stand upright, as the phone showed
    except Image.DecompressionBombError:
        raise ValueError(t('photo has too many pixels for Pillow to open safely')) from None
    except (OSError, SyntaxError, ValueError) as err:
        raise ValueError(t('photo: the {fmt} file is damaged ({err})', fmt=fmt, err=err)) from None
    notes = []
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgb, see_through = _on_white(np.asarray(img.convert("RGBA")))
        if see_through:
            notes.append(ON_WHITE)
        pixels = rgb[..., 0] if img.mode == "LA" else rgb
    elif img.mode in ("L", "1"):
        pixels = np.asarray(img.convert("L"))
    else:  # RGB, palette, CMYK, YCbCr: as the eye sees them
        pixels = np.asarray(img.convert("RGB"))
    return np.ascontiguousarray(pixels, dtype=np.uint8), notes, stored


# ---------------------------------------------------------------------------------------------
# A small colour data set that works offline: crops of bundled photos
# ---------------------------------------------------------------------------------------------
# class name -> scikit-image photo; "which photo is this patch from?" is learned from colour and
# texture in seconds, so a notebook can train its own colour model.
CROP_CLASSES = {"cat": "chelsea", "coffee": "coffee", "rocket": "rocket"}


def photo_crops(n_per_class: int = 200, size: int = 32, split: str = "train", seed: int = 0,
                classes=None, zoom=(1.0, 3.0), flip: bool = True):
    """Square patches of the bundled colour photos, one class per photo: (x, y, names).

    x: uint8 (N, size, size, 3); y: int class numbers; names: the class names, in order.
    Each patch is a window of ``size`` x (a random factor in ``zoom``) pixels, resized to
    ``size``, mirrored left-right half the time (``flip``). split "train" cuts from the right
    three quarters of each photo, "test" from the left quarter, so no test patch overlaps a
    training one. Seeded: the same arguments give the same patches.
    """
    from skimage import data as skdata

    classes = dict(CROP_CLASSES if classes is None else classes)
    if split not in ("train", "test"):
        raise ValueError(t('split must be "train" or "test", got {split!r}', split=split))
    if isinstance(n_per_class, bool) or not isinstance(n_per_class, (int, np.integer)) \
            or n_per_class < 1:
        raise ValueError(t('n_per_class must be an int >= 1, got {n_per_class!r}', n_per_class=n_per_class))
    lo, hi = zoom
    if not 1.0 <= lo <= hi:
        raise ValueError(t('zoom must be (low, high) with 1 <= low <= high, got {zoom!r}', zoom=zoom))
    rng = np.random.default_rng([seed, 0 if split == "train" else 1])
    xs, ys = [], []
    for label, key in enumerate(classes.values()):
        photo = getattr(skdata, key)()[..., :3]
        cut = photo.shape[1] // 4
        part = photo[:, cut:] if split == "train" else photo[:, :cut]
        h, w = part.shape[:2]
        for _ in range(n_per_class):
            side = min(int(round(size * rng.uniform(lo, hi))), h, w)
            if side < size:
                raise ValueError(t("size {size} is larger than the {key} photo's {split} part ({h}x{w})", size=size, key=key, split=split, h=h, w=w))
            r, c = rng.integers(0, h - side + 1), rng.integers(0, w - side + 1)
            patch = part[r:r + side, c:c + side]
            if side != size:
                patch = np.clip(np.rint(resize(patch, (size, size))), 0, 255)
            if flip and rng.random() < 0.5:
                patch = patch[:, ::-1]
            xs.append(patch.astype(np.uint8))
            ys.append(label)
    order = rng.permutation(len(xs))
    # the class names in the learner's language (the bundled ones; a caller's own stay theirs)
    return np.stack(xs)[order], np.array(ys)[order], [t_name(n) for n in classes]
