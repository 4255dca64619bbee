"""A digit drawn with the mouse, prepared the way MNIST's digits were.

``draw_stroke`` paints what the canvas records; ``prepare_drawing`` crops the ink, scales it to
20x20 by area averaging (``resize_area``) and centres it by mass (``center_of_mass``) in 28x28.
Pure numpy, tested headless; the draw-a-digit explorer and notebook 07 use it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["draw_stroke", "resize_area", "center_of_mass", "prepare_drawing"]


def draw_stroke(ink, points, width: float = 16.0) -> np.ndarray:
    """Paint a pen stroke through ``points`` [(x, y), ...] onto ``ink`` (H, W) in place.

    The pen is a disk of diameter ``width`` pixels with a soft one-pixel edge; ink only adds up
    to 1. Returns ``ink``. This is what the canvas records while the mouse moves.
    """
    ink = np.asarray(ink)
    if ink.ndim != 2:
        raise ValueError(f"ink must be a 2-D array, got shape {ink.shape}")
    if ink.dtype.kind != "f":  # painted in place with soft edges: it must hold fractions
        raise ValueError(f"ink must be a float array (e.g. np.zeros((H, W))), got {ink.dtype}")
    if not width > 0:
        raise ValueError(f"width must be > 0 pixels, got {width}")
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    if len(pts) == 0:
        return ink
    if len(pts) == 1:
        pts = np.vstack([pts, pts])
    r = width / 2
    h, w = ink.shape
    for (x0, y0), (x1, y1) in zip(pts[:-1], pts[1:]):
        c0, c1 = int(max(np.floor(min(x0, x1) - r - 1), 0)), int(min(np.ceil(max(x0, x1) + r + 1), w))
        r0, r1 = int(max(np.floor(min(y0, y1) - r - 1), 0)), int(min(np.ceil(max(y0, y1) + r + 1), h))
        if c0 >= c1 or r0 >= r1:
            continue
        yy, xx = np.mgrid[r0:r1, c0:c1] + 0.5  # pixel centres
        dx, dy = x1 - x0, y1 - y0
        seg = dx * dx + dy * dy
        t = np.clip(((xx - x0) * dx + (yy - y0) * dy) / seg, 0, 1) if seg > 0 else 0.0
        dist = np.hypot(xx - (x0 + t * dx), yy - (y0 + t * dy))
        cover = np.clip(r + 0.5 - dist, 0, 1)  # 1 inside, a 1-pixel soft edge
        np.maximum(ink[r0:r1, c0:c1], cover, out=ink[r0:r1, c0:c1])
    return ink


def resize_area(img, shape) -> np.ndarray:
    """Resample (H, W) to ``shape`` by area averaging: each output pixel is the mean of the input
    area it covers (exact for any scale factor, no aliasing when shrinking)."""
    img = np.asarray(img, dtype=np.float64)
    if img.ndim != 2 or 0 in img.shape:
        raise ValueError(f"img must be a non-empty 2-D array, got shape {img.shape}")
    out_h, out_w = (int(s) for s in shape)
    if out_h < 1 or out_w < 1:
        raise ValueError(f"shape must be two sizes >= 1, got {shape}")

    def weights(n_in: int, n_out: int) -> np.ndarray:
        # w[i, j]: the share of input cell j inside output cell i, in input units.
        edges = np.linspace(0, n_in, n_out + 1)
        lo, hi = edges[:-1, None], edges[1:, None]
        j = np.arange(n_in)[None, :]
        overlap = np.clip(np.minimum(hi, j + 1) - np.maximum(lo, j), 0, None)
        return overlap / overlap.sum(axis=1, keepdims=True)

    return weights(img.shape[0], out_h) @ img @ weights(img.shape[1], out_w).T


def center_of_mass(img) -> tuple[float, float]:
    """(row, col) of the intensity-weighted centre, in pixel-index coordinates."""
    img = np.asarray(img, dtype=np.float64)
    total = img.sum()
    if total <= 0:
        raise ValueError("img has no ink: its centre of mass is undefined")
    rows, cols = np.indices(img.shape)
    return float((rows * img).sum() / total), float((cols * img).sum() / total)


def prepare_drawing(ink, box: int = 20, size: int = 28, threshold: float = 0.05) -> dict:
    """A drawing (H, W), ink in [0, 1] (or 0-255), prepared as MNIST's digits were.

    1. crop to the bounding box of the ink (pixels above ``threshold``);
    2. scale so that the longer side is ``box`` pixels (20), keeping the aspect ratio, by area
       averaging, which leaves grey anti-aliased edges as in MNIST;
    3. paste into a ``size`` x ``size`` (28 x 28) field and shift it by whole pixels so that its
       centre of mass sits at pixel (14, 14), where MNIST puts it.

    Returns every step: {"ink", "box" (top, bottom, left, right), "crop", "scaled",
    "placed" (28x28 before the shift), "digit" (the final 28x28, float in [0, 1]),
    "com" (centre of mass before the shift), "shift" (rows, cols), "com_final" (after it)}.
    """
    ink = np.asarray(ink, dtype=np.float64)
    if ink.ndim == 3 and ink.shape[-1] in (1, 3, 4):  # an RGBA canvas: use its alpha (or gray)
        ink = ink[..., -1] if ink.shape[-1] == 4 else ink.mean(axis=-1)
    if ink.ndim != 2 or 0 in ink.shape:
        raise ValueError(f"ink must be a 2-D drawing (H, W), got shape {ink.shape}")
    if not 1 <= box <= size:
        raise ValueError(f"box must be in [1, size={size}], got {box}")
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.integer,
                                                                 np.floating)) \
            or not 0 <= threshold < 1:
        raise ValueError(f"threshold must be a number in [0, 1) (ink from 0 to 1), got "
                         f"{threshold!r}")
    if not np.isfinite(ink).all():
        raise ValueError("ink must hold finite values (ink 0 to 1, or 0 to 255), got NaN or "
                         "infinity")
    if ink.min(initial=0) < 0:
        raise ValueError(f"ink must be in [0, 1] or 0-255, got a value of {ink.min():g}")
    if ink.max(initial=0) > 1:
        ink = ink / 255.0
    inked = ink > threshold
    rows = np.flatnonzero(inked.any(axis=1))
    cols = np.flatnonzero(inked.any(axis=0))
    if rows.size == 0:
        raise ValueError("the drawing is empty: draw a digit first")
    if inked.all():
        raise ValueError("every pixel is ink: ink must be 1 where the pen drew and 0 on the "
                         "paper (for a dark digit on white paper, pass 1 - image)")
    top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    crop = ink[top:bottom, left:right]
    h, w = crop.shape
    scale = box / max(h, w)
    new_h, new_w = max(1, round(h * scale)), max(1, round(w * scale))
    scaled = np.clip(resize_area(crop, (new_h, new_w)), 0, 1)
    placed = np.zeros((size, size))
    r0, c0 = (size - new_h) // 2, (size - new_w) // 2
    placed[r0:r0 + new_h, c0:c0 + new_w] = scaled
    com = center_of_mass(placed)
    # MNIST's own digits have their centre of mass at pixel index (14, 14) on average (measured
    # on the offline subset: 13.99, 14.01), i.e. size / 2, not the geometric middle 13.5.
    centre = size / 2
    # Whole-pixel shift toward the centre, but never pushing ink off the field.
    dr = int(np.clip(round(centre - com[0]), -r0, size - (r0 + new_h)))
    dc = int(np.clip(round(centre - com[1]), -c0, size - (c0 + new_w)))
    digit = np.zeros((size, size))
    digit[r0 + dr:r0 + dr + new_h, c0 + dc:c0 + dc + new_w] = scaled
    return {"ink": ink, "box": (int(top), int(bottom), int(left), int(right)), "crop": crop,
            "scaled": scaled, "placed": placed, "digit": digit.astype(np.float32), "com": com,
            "shift": (dr, dc), "com_final": center_of_mass(digit)}
