"""Chinese in figures: cnnlib ships a font subset that holds every character the Chinese edition
and catalogue draw, so no figure needs a system font; an installed CJK font follows as a fallback;
with neither, a single line names the package and figure text stays English; a missing glyph
fails a Chinese notebook."""

from __future__ import annotations

import functools
import io
import json
import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib as mpl
import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.figure import Figure

import cnnlib
from cnnlib import fonts, locale
from tests.english import english_runs
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
    assert fonts.find_cjk_font({"Noto Sans SC", "Noto Sans CJK JP"}) == "Noto Sans SC"
    assert fonts.find_cjk_font({"SimHei", "WenQuanYi Micro Hei"}) == "WenQuanYi Micro Hei"
    assert fonts.find_cjk_font({"SimHei", "WenQuanYi Zen Hei"}) == "WenQuanYi Zen Hei"
    assert fonts.find_cjk_font({"DejaVu Sans", "SimHei"}) == "SimHei"
    assert fonts.find_cjk_font({"DejaVu Sans", "Liberation Sans"}) is None


def test_an_installed_cjk_font_follows_the_shipped_one_and_draws_chinese():
    system = fonts.find_cjk_font()
    if system is None:
        pytest.fail("no CJK font here: install fonts-noto-cjk (.ci/run does)")
    assert fonts.use_cjk_font() == fonts.SHIPPED_FAMILY
    assert mpl.rcParams["font.family"] == ["DejaVu Sans", fonts.SHIPPED_FAMILY, system]
    assert [m for m in draw("卷积核与步长 stride 2") if GLYPH_MISSING.search(m)] == []


# -- the font cnnlib ships ------------------------------------------------------------------------

def _in_cjk_ranges(ch: str) -> bool:
    """A character DejaVu Sans (matplotlib's own font) cannot draw and a CJK font must: CJK
    radicals to the end of the BMP's CJK blocks and full-width forms, and the supplementary
    ideographs; not variation selectors, not emoji."""
    cp = ord(ch)
    return (0x2E80 <= cp < 0xFFF0 and not 0xFE00 <= cp <= 0xFE0F) or 0x20000 <= cp < 0x32000


def _chinese_edition_and_catalogue() -> dict[str, str]:
    """Every character of every cell of notebooks/zh and of the Chinese catalogue's values,
    with a place it comes from."""
    from cnnlib.text.locale.zh import ZH

    where = {}
    for path in sorted((ROOT / "notebooks" / "zh").glob("*.ipynb")):
        for i, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
            for ch in "".join(cell["source"]):
                where.setdefault(ch, f"zh/{path.name} cell {i}")
    for key, value in ZH.items():
        for ch in value:
            where.setdefault(ch, f"the catalogue's entry {key[:40]!r}")
    return where


def test_the_shipped_font_holds_every_character_of_the_chinese_edition_and_catalogue():
    cmap = TTFont(fonts.SHIPPED_FONT).getBestCmap()
    where = _chinese_edition_and_catalogue()
    assert sum(map(_in_cjk_ranges, where)) > 900  # the edition really was read
    missing = {ch: place for ch, place in sorted(where.items())
               if _in_cjk_ranges(ch) and ord(ch) not in cmap}
    assert not missing, (f"{len(missing)} character(s) are not in {fonts.SHIPPED_FONT.name}, so "
                         f"figures would draw them as boxes on a machine without a CJK font: "
                         f"{dict(list(missing.items())[:10])}. Run `make font` and commit the font.")
    latin = [chr(c) for c in [*range(0x20, 0x7F), *range(0xA0, 0x100)] if c not in cmap]
    assert not latin, f"ASCII/Latin-1 missing from the shipped font: {latin} (run `make font`)"


def test_the_coverage_check_fails_on_a_new_character(monkeypatch):
    from cnnlib.text.locale import zh

    cmap = TTFont(fonts.SHIPPED_FONT).getBestCmap()
    new = next(chr(c) for c in range(0x4E00, 0xA000) if c not in cmap)
    monkeypatch.setitem(zh.ZH, "a planted entry", f"新{new}")
    with pytest.raises(AssertionError, match=rf"1 character\(s\).*{new}.*planted.*make font"):
        test_the_shipped_font_holds_every_character_of_the_chinese_edition_and_catalogue()


def test_the_shipped_font_is_small_licensed_and_named_apart_from_the_system_fonts():
    assert fonts.SHIPPED_FONT.stat().st_size < 1_000_000
    font = TTFont(fonts.SHIPPED_FONT)
    assert "glyf" in font and "CFF " not in font  # TrueType outlines: PDF and PS embed them
    assert font["name"].getDebugName(1) == fonts.SHIPPED_FAMILY not in fonts.CJK_FONTS
    licence = (fonts.SHIPPED_FONT.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "2014-2021 Adobe" in font["name"].getDebugName(0) and "2014-2021 Adobe" in licence
    assert "Open Font License" in font["name"].getDebugName(13)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")  # installed with cnnlib
    assert '"cnnlib.text" = ["fontdata/*.ttf", "fontdata/OFL.txt"]' in pyproject
    assert "\nfont: install\n\t$(PY) -m tools.font_subset" in (ROOT / "Makefile").read_text()


@pytest.mark.parametrize("fmt", ["png", "pdf", "svg"])
def test_the_shipped_font_alone_draws_the_edition_without_missing_glyphs(fmt):
    # no system CJK font: only DejaVu Sans and the subset in font.family
    assert fonts.use_cjk_font(installed={"DejaVu Sans"}) == fonts.SHIPPED_FAMILY
    assert mpl.rcParams["font.family"] == ["DejaVu Sans", fonts.SHIPPED_FAMILY]
    path = font_manager.findfont(font_manager.FontProperties(family=fonts.SHIPPED_FAMILY),
                                 fallback_to_default=False)
    assert Path(path) == fonts.SHIPPED_FONT
    text = "".join(ch for ch in _chinese_edition_and_catalogue() if _in_cjk_ranges(ch))
    fig = Figure(figsize=(12, 8))
    for row in range(0, len(text), 60):
        fig.text(0.01, 1 - row / len(text), text[row:row + 60], fontsize=6)
    fig.suptitle("卷积核与步长 stride 2（池化：最大）")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format=fmt)
    assert [str(w.message) for w in caught if GLYPH_MISSING.search(str(w.message))] == []


def test_without_a_cjk_font_chinese_becomes_boxes_and_the_check_sees_it():
    mpl.rcParams["font.family"] = ["DejaVu Sans"]
    messages = draw("卷积核")
    assert any(GLYPH_MISSING.search(m) for m in messages), messages


def test_no_font_one_line_naming_the_package_and_english_figure_text(capsys, monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    assert fonts.use_cjk_font(installed={"DejaVu Sans"}, shipped=False) is None
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 and "fonts-noto-cjk" in lines[0]
    monkeypatch.setattr(fonts, "SHIPPED_FONT", ROOT / "no-such-font.ttf")  # a broken install
    assert fonts.register_shipped_font() is None
    assert fonts.use_cjk_font(installed={"DejaVu Sans"}) is None
    assert "fonts-noto-cjk" in capsys.readouterr().out
    locale.set_language("zh")
    text = "Quick mode (CNNLIB_QUICK=1): small data and few steps, for tests."
    assert locale.translate(text, in_figure=True) == text  # English, not boxes
    assert locale.translate(text) != text  # widgets (HTML) still speak Chinese
    assert "brew" in fonts.install_hint("darwin") and "YaHei" in fonts.install_hint("win32")
    assert fonts.use_cjk_font(installed={"DejaVu Sans"}, shipped=False) is None  # in Chinese
    (line,) = capsys.readouterr().out.strip().splitlines()
    assert line.startswith("没有找到能显示中文的字体") and "sudo apt install fonts-noto-cjk" in line
    assert "No font" not in line and "Debian/Ubuntu" in line


@pytest.mark.parametrize("platform, package", [("linux", "fonts-noto-cjk"),
                                               ("darwin", "font-noto-sans-cjk-sc"),
                                               ("win32", "Noto Sans CJK SC")])
def test_the_missing_font_line_in_chinese_has_no_english_left(capsys, monkeypatch, platform,
                                                             package):
    """Issue 31: in Chinese the one line is Chinese throughout, font names and commands aside,
    and still names what to install."""
    monkeypatch.setattr(fonts, "install_hint", functools.partial(fonts.install_hint, platform))
    locale.set_language("zh")
    assert fonts.use_cjk_font(installed={"DejaVu Sans"}, shipped=False) is None
    (line,) = capsys.readouterr().out.strip().splitlines()
    assert line.startswith("没有找到能显示中文的字体") and package in line, line
    assert not english_runs(line), line


def test_setup_lang_picks_language_and_font(capsys):
    cnnlib.setup(lang="zh")
    assert locale.language() == "zh"
    assert locale.translate("Quick mode (CNNLIB_QUICK=1): small data and few steps, for tests.",
                            in_figure=True).startswith("快速模式")
    assert mpl.rcParams["font.family"][:2] == ["DejaVu Sans", fonts.SHIPPED_FAMILY]
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
