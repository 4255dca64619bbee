"""CONTRIBUTING.md's worked explorer example runs as written, and behaves as the guide says."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from cnnlib import ops

GUIDE = Path(__file__).resolve().parents[1] / "CONTRIBUTING.md"


def _example_code() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    section = text[text.index("## Adding an explorer"):text.index("## Adding a notebook")]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1, "the explorer section has one python example"
    return blocks[0]


def test_the_guides_explorer_example_works():
    namespace: dict = {}
    exec(compile(_example_code(), str(GUIDE), "exec"), namespace)  # noqa: S102 - our own guide
    explorer = namespace["pool_window_explorer"]()
    x = np.arange(36.0).reshape(6, 6)
    # 2x2 max pooling of 0..35 in rows of 6: each window's max is its bottom-right number
    np.testing.assert_array_equal(explorer.state["out"], [[7, 9, 11], [19, 21, 23], [31, 33, 35]])
    assert explorer.image.value[:4] == b"\x89PNG"
    explorer.controls["mode"].value = "avg"
    explorer.controls["size"].value = 3
    np.testing.assert_allclose(explorer.state["out"], ops.pool2d(x, 3, mode="avg"))
    assert "output: 2×2" in explorer.info.value and explorer.message.value == ""
    png = explorer.image.value
    explorer.controls["size"].value = 8  # larger than the 6x6 input: a message, no traceback
    assert "pool size 8" in explorer.message.value and "Traceback" not in explorer.message.value
    assert explorer.image.value == png  # the last good picture stays
    # the pure step, without the widgets, as the guide tells a test to call it
    state, info = explorer.compute(size=3, mode="max")
    np.testing.assert_array_equal(state["out"], [[14, 17], [32, 35]])  # bottom-right numbers
    assert info == "output: 2×2"
    with pytest.raises(ValueError, match="pool size 8"):
        explorer.compute(size=8, mode="max")
