"""A font that can draw Chinese in figures, picked from what is installed.

``use_cjk_font()`` puts the first installed CJK font (Noto Sans CJK, Source Han Sans, Microsoft
YaHei, PingFang) behind DejaVu Sans in ``font.family``, so Latin letters and digits keep their usual look and Chinese
characters come from the CJK font. With none installed it prints one line naming the package to
install and returns None; ``cnnlib.lang`` then keeps figure text in English, so a learner sees
English labels rather than empty boxes.
"""

from __future__ import annotations

import sys

__all__ = ["CJK_FONTS", "find_cjk_font", "use_cjk_font", "install_hint"]

# In order of preference: Simplified Chinese faces first, then the same fonts' other regions
# (their Han glyphs cover the same characters), then the system fonts of Windows and macOS.
CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Noto Sans CJK HK",
             "Noto Sans CJK KR", "Source Han Sans SC", "Source Han Sans CN", "Source Han Sans",
             "Microsoft YaHei", "PingFang SC", "PingFang TC", "PingFang HK"]


def install_hint(platform: str = sys.platform) -> str:
    """What to install on this platform to get a font that draws Chinese."""
    if platform == "darwin":
        return "PingFang SC ships with macOS 10.11 and later; or: brew install --cask font-noto-sans-cjk-sc"
    if platform == "win32":
        return "Microsoft YaHei ships with Windows; or install Noto Sans CJK SC from fonts.google.com"
    return "sudo apt install fonts-noto-cjk (Debian/Ubuntu), sudo dnf install google-noto-sans-cjk-fonts (Fedora)"


def find_cjk_font(installed: set[str] | None = None) -> str | None:
    """The first of CJK_FONTS that matplotlib knows, or None."""
    if installed is None:
        from matplotlib import font_manager

        installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def use_cjk_font(installed: set[str] | None = None, *, quiet: bool = False) -> str | None:
    """Add the first installed CJK font to matplotlib's sans-serif list and return its name;
    without one, say so in one line and return None."""
    import matplotlib as mpl

    from cnnlib.text.locale import set_cjk_font

    font = find_cjk_font(installed)
    set_cjk_font(font is not None)
    if font is None:
        if not quiet:
            print(f"No font that draws Chinese was found, so figures keep English labels. "
                  f"To get Chinese ones: {install_hint()}")
        return None
    # Named families, not the generic "sans-serif": matplotlib falls back glyph by glyph only
    # along font.family itself (with ["sans-serif"] it takes one font and draws boxes).
    mpl.rcParams["font.family"] = ["DejaVu Sans", font]
    rest = [f for f in mpl.rcParams["font.sans-serif"] if f not in ("DejaVu Sans", font)]
    mpl.rcParams["font.sans-serif"] = ["DejaVu Sans", font, *rest]
    return font
