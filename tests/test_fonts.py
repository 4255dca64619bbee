"""Chinese in figures: a CJK font is picked when one is installed; without one a single line
names the package and figure text stays English; a missing glyph fails a Chinese notebook."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib as mpl
import pytest
from matplotlib.figure import Figure

import cnnlib
from cnnlib import fonts, locale
from tools.pytest_glyphs import GLYPH_MISSING

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def english_after():
    saved = mpl.rcParams.copy()
    yield
    locale.set_language("en")
    locale.set_cjk_font(False)
    mpl.rcParams.update(saved)


def draw(text: str) -> list[str]:
    """Render ``text`` in a figure and return the warnings matplotlib gave."""
    fig = Figure()
    fig.suptitle(text)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    return [str(w.message) for w in caught]


def test_picks_in_order_of_preference():
    assert fonts.find_cjk_font({"DejaVu Sans", "PingFang SC", "Microsoft YaHei"}) == "Microsoft YaHei"
    assert fonts.find_cjk_font({"Source Han Sans SC", "Noto Sans CJK JP"}) == "Noto Sans CJK JP"
    assert fonts.find_cjk_font({"DejaVu Sans", "Liberation Sans"}) is None


def test_an_installed_cjk_font_draws_chinese_without_missing_glyphs():
    font = fonts.use_cjk_font()
    if font is None:
        pytest.fail("no CJK font here: install fonts-noto-cjk (.ci/run does)")
    assert mpl.rcParams["font.family"] == ["DejaVu Sans", font]
    assert [m for m in draw("卷积核与步长 stride 2") if GLYPH_MISSING.search(m)] == []


def test_without_a_cjk_font_chinese_becomes_boxes_and_the_check_sees_it():
    mpl.rcParams["font.family"] = ["DejaVu Sans"]
    messages = draw("卷积核")
    assert any(GLYPH_MISSING.search(m) for m in messages), messages


def test_no_font_one_line_naming_the_package_and_english_figure_text(capsys, monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    assert fonts.use_cjk_font(installed={"DejaVu Sans"}) is None
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 and "fonts-noto-cjk" in lines[0]
    locale.set_language("zh")
    text = "Quick mode (CNNLIB_QUICK=1): small data and few steps, for tests."
    assert locale.translate(text, in_figure=True) == text  # English, not boxes
    assert locale.translate(text) != text  # widgets (HTML) still speak Chinese
    assert "brew" in fonts.install_hint("darwin") and "YaHei" in fonts.install_hint("win32")


def test_setup_lang_picks_language_and_font(capsys):
    cnnlib.setup(lang="zh")
    assert locale.language() == "zh"
    assert locale.translate("Quick mode (CNNLIB_QUICK=1): small data and few steps, for tests.",
                            in_figure=True).startswith("快速模式")
    assert "Noto Sans CJK SC" in mpl.rcParams["font.family"]
    cnnlib.setup()
    assert locale.language() == "en"
    with pytest.raises(ValueError, match="lang='fr'"):
        cnnlib.setup(lang="fr")
    assert locale.language() == "en"


NOTEBOOK = {
    "cells": [{"cell_type": "code", "execution_count": None, "id": "0", "metadata": {},
               "outputs": [], "source": src} for src in [
        "import matplotlib as mpl\nimport matplotlib.pyplot as plt\n"
        "mpl.rcParams['font.family'] = ['DejaVu Sans']",
        "plt.title('卷积核');",
    ]],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                "language": "python"}},
    "nbformat": 4, "nbformat_minor": 5,
}


def test_a_missing_glyph_fails_a_chinese_notebook_under_nbval(tmp_path):
    for i, cell in enumerate(NOTEBOOK["cells"]):
        cell["id"] = str(i)
    folder = tmp_path / "zh"
    folder.mkdir()
    (folder / "boxes.ipynb").write_text(json.dumps(NOTEBOOK), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tools.pytest_glyphs", "--nbval-lax",
         "--nbval-current-env", "-p", "no:cacheprovider", "-q", str(folder / "boxes.ipynb"),
         "--rootdir", str(tmp_path), "-c", "/dev/null"],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"})
    assert run.returncode == 1, run.stdout[-2000:]
    assert "misses Chinese glyphs" in run.stdout and "1 failed, 1 passed" in run.stdout, run.stdout[-2000:]
