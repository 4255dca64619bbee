"""Make the Chinese font cnnlib ships: a subset of Noto Sans CJK SC (SIL OFL 1.1) holding only the
characters the Chinese edition and the Chinese catalogue draw, plus ASCII and Latin-1.

    make font                       # after new Chinese text fails tests/test_fonts.py
    python -m tools.font_subset [--source NotoSansCJK-Regular.ttc]

The source is Debian's fonts-noto-cjk (or any Noto Sans CJK .ttc/.otf given with --source). The
subset is renamed (OFL: a Modified Version keeps its own name, and a system's full Noto Sans CJK
must not be shadowed by it), its CFF outlines are turned into TrueType ones so every matplotlib
backend (PDF and PS included) can embed it, and it is written atomically beside its licence.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "cnnlib" / "text" / "fontdata"
OUT = OUT_DIR / "cnnlib-sans-sc.ttf"
FAMILY = "cnnlib Sans SC"  # the name matplotlib sees (cnnlib.text.fonts.SHIPPED_FAMILY)
SOURCES = ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
           "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
           "/usr/share/fonts/google-noto-sans-cjk-fonts/NotoSansCJK-Regular.ttc"]
SOURCE_FAMILY = "Noto Sans CJK SC"


def chinese_text() -> str:
    """Every character the Chinese edition (every cell of notebooks/zh) and the Chinese catalogue
    can put on screen, and the glossary's Chinese terms."""
    parts = []
    for path in sorted((ROOT / "notebooks" / "zh").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        parts += ["".join(cell["source"]) for cell in nb["cells"]]
    sys.path.insert(0, str(ROOT))
    from cnnlib.text.glossary import TERMS
    from cnnlib.text.locale.zh import ZH

    parts += ZH.values()
    parts += [f"{term.zh} {term.also}" for term in TERMS]
    return "".join(parts)


def wanted_codepoints() -> set[int]:
    chars = {ord(c) for c in chinese_text() if c.isprintable() or c == "\u3000"}
    chars |= set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))  # ASCII and Latin-1
    return chars


def _open_source(path: str):
    from fontTools.ttLib import TTCollection, TTFont

    if path.lower().endswith((".ttc", ".otc")):
        for font in TTCollection(path).fonts:
            if font["name"].getDebugName(1) == SOURCE_FAMILY:
                return font
        raise SystemExit(f"{path} holds no {SOURCE_FAMILY}")
    return TTFont(path)


def _to_truetype(font) -> None:
    """CFF outlines -> quadratic TrueType ones (fontTools' otf2ttf recipe)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    glyf.compile(font)
    for name, glyph in glyphs.items():  # left side bearings follow the new outlines
        advance, _ = font["hmtx"][name]
        font["hmtx"][name] = (advance, getattr(glyph, "xMin", 0))
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                  "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                  "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["maxp"] = maxp
    post = font["post"]
    post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def _rename(font) -> None:
    name = font["name"]
    for record in list(name.names):
        if record.nameID in (1, 4, 16, 21):
            name.setName(FAMILY, record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 2 or record.nameID == 17:
            name.setName("Regular", record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID in (3, 6, 20):
            name.setName(FAMILY.replace(" ", "") + "-Regular", record.nameID, record.platformID,
                         record.platEncID, record.langID)
    name.names = [r for r in name.names if r.nameID != 16 and r.nameID != 17]


def make(source: str, out: Path = OUT) -> tuple[int, int]:
    """Write the subset to ``out``; return (its size in bytes, its character count)."""
    from fontTools import subset

    font = _open_source(source)
    font.recalcTimestamp = False  # the same source gives the same bytes: no churn in git
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.desubroutinize = True  # the TrueType conversion needs plain charstrings
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(wanted_codepoints()))
    subsetter.subset(font)
    _to_truetype(font)
    _rename(font)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, suffix=".tmp")
    os.close(fd)
    try:
        font.save(tmp)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return out.stat().st_size, len(font.getBestCmap())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", help="a Noto Sans CJK .ttc or SC .otf (default: the system's)")
    args = parser.parse_args(argv)
    source = args.source or next((p for p in SOURCES if Path(p).exists()), None)
    if source is None:
        print("No Noto Sans CJK found: install fonts-noto-cjk, or pass --source FILE",
              file=sys.stderr)
        return 1
    size, count = make(source)
    print(f"{OUT.relative_to(ROOT)}: {size:,} bytes, {count} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
