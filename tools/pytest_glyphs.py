"""pytest plugin: a Chinese notebook whose figures miss a glyph fails under nbval.

For notebooks in a ``zh`` folder the kernel draws every figure as a learner's would (the inline
backend, even when the tests set MPLBACKEND=Agg), and a cell fails when its output holds
matplotlib's "Glyph ... missing from font(s)" warning: the figure would show empty boxes.
Loaded by the repository's conftest.py; ``pytest -p tools.pytest_glyphs`` loads it elsewhere.
"""

from __future__ import annotations

import os
import re

import pytest

GLYPH_MISSING = re.compile(r"Glyph \d+ .{0,80}missing from (?:current )?font")
INLINE = "module://matplotlib_inline.backend_inline"
_saved: dict[str, str | None] = {}


def is_chinese_notebook_cell(item) -> bool:
    path = getattr(item, "path", None)
    return path is not None and path.suffix == ".ipynb" and path.parent.name == "zh"


def output_text(outputs) -> str:
    parts = []
    for out in outputs or []:
        content = out.get("content", out) if isinstance(out, dict) else {}
        parts.append(str(content.get("text", "")))
        data = content.get("data", {}) if isinstance(content, dict) else {}
        parts.append(str(data.get("text/plain", "")))
        parts.extend(str(x) for x in content.get("traceback", []) or [])
    return "\n".join(parts)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # the kernel starts while the notebook's first cell is set up, with this environment
    if is_chinese_notebook_cell(item):
        _saved.setdefault("MPLBACKEND", os.environ.get("MPLBACKEND"))
        os.environ["MPLBACKEND"] = INLINE


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item):
    if is_chinese_notebook_cell(item) and "MPLBACKEND" in _saved:
        old = _saved.pop("MPLBACKEND")
        if old is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = old


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    if is_chinese_notebook_cell(item):
        found = GLYPH_MISSING.search(output_text(getattr(item, "test_outputs", None)))
        if found:
            pytest.fail(f"a figure misses Chinese glyphs ({found.group(0)}...): "
                        f"no CJK font was used", pytrace=False)
    return result
