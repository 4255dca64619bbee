"""The browser tests' own readers, checked without a browser: the output-size formula against
worked examples, the parsing of what an explorer shows, and which notebooks they drive."""

from __future__ import annotations

import pytest

from tests.browser import lab_helpers
from tests.browser.lab_helpers import (
    MISSING,
    check_output_size,
    conv_params,
    expected_output_size,
    notebook_params,
    shown_output_size,
)


@pytest.fixture
def two_notebooks(tmp_path, monkeypatch):
    """A notebook folder holding 02 and 04 only (03 was renamed away)."""
    for name in ("02_kernels.ipynb", "04_pooling.ipynb", "3_padding.ipynb"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    monkeypatch.setattr(lab_helpers, "NB_DIR", tmp_path)
    return tmp_path


def test_a_missing_notebook_is_a_skip_by_default(two_notebooks, monkeypatch):
    monkeypatch.delenv("CNNLIB_REQUIRE_BROWSER", raising=False)
    params = notebook_params("the grids", "02", "03", "04")
    assert params[:2] == ["02_kernels.ipynb", "04_pooling.ipynb"]
    (missing,) = params[2:]
    assert missing.id == "missing-03" and missing.values == (None,)
    assert [m.name for m in missing.marks] == ["skip"]


def test_a_missing_notebook_fails_when_the_browser_is_required(two_notebooks, monkeypatch):
    monkeypatch.setenv("CNNLIB_REQUIRE_BROWSER", "1")
    (missing,) = notebook_params("the grids", "02", "03", "04")[2:]
    assert not missing.marks and missing.values[0].startswith(MISSING)  # the fixture fails it
    assert "no notebook 03" in missing.values[0]
    assert notebook_params("slider latency", "03", "02", first=True) == ["02_kernels.ipynb"]
    (none,) = notebook_params("canvas", "07", "08", first=True)
    assert none.id == "missing-07/08" and not none.marks


@pytest.mark.parametrize(("args", "out"), [
    ((5, 3), 3),                    # the 5x5 image, 3x3 kernel of the first article
    ((7, 3, 2, 1), 4),              # 7 wide, stride 2, one pixel of padding
    ((28, 3, 2, "same"), 14),       # SAME: ceil(28 / 2)
    ((7, 3, 3, "same"), 3),         # ceil(7 / 3)
    ((300, 3, 2, "valid"), 149),
    ((7, 3, 1, 0, 2), 3),           # dilation 2: the 3x3 kernel spans 5
    ((6, 2, 2), 3),                 # 2x2 pooling-like window
    ((5, 5, 1, 2), 5),              # padding 2 keeps a 5x5 kernel's input size
])
def test_formula_worked_examples(args, out):
    assert expected_output_size(*args) == out


@pytest.mark.parametrize(("info", "size"), [
    ("output: 4 × 4 = floor((7 + 2·1 − 1·(3−1) − 1)/2) + 1 padding: 1 pixel(s); the kernel "
     "spans 3 × 3 input pixels", (4, 4)),
    ("step 1 of 9: window rows 0-2 · 1·1 + 1·0 = 4 → output[0, 0] output size = floor((n − k)/s)"
     " + 1: rows floor((5 − 3)/1) + 1 = 3, columns floor((5 − 3)/1) + 1 = 3 → 3 x 3", (3, 3)),
    ("output = floor((7 + 2·0 − 3) / 2) + 1 = 3", (3, 3)),
    ("3 layer(s) of 3×3 see 7 × 7 input pixels", None),
])
def test_shown_output_size(info, size):
    assert shown_output_size(info) == size


def _explorer(info, sliders=(), dropdowns=()):
    return {"info": info, "sliders": [dict(description=d, value=v) for d, v in sliders],
            "dropdowns": [dict(description=d, value="", label=lab) for d, lab in dropdowns]}


def test_controls_are_read_from_their_labels():
    e = _explorer("", [("input n", "7"), ("kernel k", "3"), ("stride s", "2"),
                       ("dilation d", "1")], [("padding p", "1 px")])
    assert conv_params(e) == {"n": 7, "kernel": 3, "stride": 2, "dilation": 1, "padding": 1}
    assert conv_params(_explorer("", dropdowns=[("padding p", "same")]))["padding"] == "same"


def test_a_wrong_output_size_fails():
    photo = ("output size = floor((n − k)/s) + 1: rows floor((300 − 3)/2) + 1 = 149, "
             "columns floor((451 − 3)/2) + 1 = 225 → {}")
    good = _explorer(photo.format("149 x 225"), [("stride", "2")])
    assert check_output_size(good).endswith("149x225")
    with pytest.raises(AssertionError, match="formula gives 149 × 225"):
        check_output_size(_explorer(photo.format("150 x 225"), [("stride", "2")]))
    # the slider says stride 3, the text still shows stride 2's size: stale text is caught
    with pytest.raises(AssertionError):
        check_output_size(_explorer(photo.format("149 x 225"), [("stride", "3")]))


def test_no_output_size_no_check():
    assert check_output_size(_explorer("3 layer(s) of 3×3 see 7 × 7 input pixels",
                                       [("kernel k", "3")])) is None
