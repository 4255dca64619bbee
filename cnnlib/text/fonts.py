"""A font that can draw Chinese in figures: the one cnnlib ships, then what is installed.

cnnlib ships ``fontdata/cnnlib-sans-sc.ttf``, a subset of Noto Sans CJK SC (SIL OFL 1.1, licence in
``fontdata/OFL.txt``) holding every character the Chinese edition and catalogue draw
(``make font`` remakes it; tests/test_fonts.py fails when a new character appears).
``use_cjk_font()`` registers it with matplotlib and puts it behind DejaVu Sans in ``font.family``,
so Latin letters and digits keep their usual look and Chinese comes from the subset, on any
machine. The first installed CJK font (Noto Sans CJK, Noto Sans SC, Source Han Sans, Microsoft
YaHei, PingFang, WenQuanYi, SimHei) follows as a fallback for text a learner types. With neither it
prints one line naming the package to install and returns None; ``cnnlib.lang`` then keeps figure
text in English, so a learner sees English labels rather than empty boxes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cnnlib.text.i18n import t

__all__ = ["CJK_FONTS", "SHIPPED_FONT", "SHIPPED_FAMILY", "find_cjk_font", "register_shipped_font",
           "use_cjk_font", "install_hint"]

#: the subset cnnlib ships (tools/font_subset.py writes it) and the family name matplotlib sees
SHIPPED_FONT = Path(__file__).resolve().parent / "fontdata" / "cnnlib-sans-sc.ttf"
SHIPPED_FAMILY = "cnnlib Sans SC"

# In order of preference: Simplified Chinese faces first, then the same fonts' other regions
# (their Han glyphs cover the same characters), then the system fonts of Windows and macOS.
CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans SC", "Noto Sans CJK JP", "Noto Sans CJK TC",
             "Noto Sans CJK HK", "Noto Sans CJK KR", "Source Han Sans SC", "Source Han Sans CN",
             "Source Han Sans", "Microsoft YaHei", "PingFang SC", "PingFang TC", "PingFang HK",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei"]


def install_hint(platform: str = sys.platform) -> str:
    """What to install on this platform to get a font that draws Chinese."""
    if platform == "darwin":
        return t("PingFang SC ships with macOS 10.11 and later; or: brew install --cask font-noto-sans-cjk-sc")
    if platform == "win32":
        return t("Microsoft YaHei ships with Windows; or install Noto Sans CJK SC from fonts.google.com")
    return t("sudo apt install fonts-noto-cjk (Debian/Ubuntu), sudo dnf install google-noto-sans-cjk-fonts (Fedora)")


def find_cjk_font(installed: set[str] | None = None) -> str | None:
    """The first of CJK_FONTS that matplotlib knows, or None."""
    if installed is None:
        from matplotlib import font_manager

        installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def register_shipped_font(path: Path | None = None) -> str | None:
    """Make matplotlib know the font cnnlib ships (once) and return its family name; None when
    the file is missing (a broken install)."""
    from matplotlib import font_manager

    path = Path(path or SHIPPED_FONT)
    if not path.is_file():
        return None
    manager = font_manager.fontManager
    if not any(Path(f.fname) == path for f in manager.ttflist):
        manager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def use_cjk_font(installed: set[str] | None = None, *, quiet: bool = False,
                 shipped: bool = True) -> str | None:
    """Put the shipped subset (``shipped``), then the first installed CJK font, behind DejaVu Sans
    in matplotlib's font list and return the first of them; with neither, say so in one line and
    return None."""
    import matplotlib as mpl

    from cnnlib.text.locale import set_cjk_font

    fonts = [f for f in (register_shipped_font() if shipped else None, find_cjk_font(installed))
             if f is not None]
    set_cjk_font(bool(fonts))
    if not fonts:
        if not quiet:
            print(t("No font that draws Chinese was found, so figures keep English labels. "
                    "To get Chinese ones: {hint}", hint=install_hint()))
        return None
    # Named families, not the generic "sans-serif": matplotlib falls back glyph by glyph only
    # along font.family itself (with ["sans-serif"] it takes one font and draws boxes).
    mpl.rcParams["font.family"] = ["DejaVu Sans", *fonts]
    rest = [f for f in mpl.rcParams["font.sans-serif"] if f not in ("DejaVu Sans", *fonts)]
    mpl.rcParams["font.sans-serif"] = ["DejaVu Sans", *fonts, *rest]
    return fonts[0]
