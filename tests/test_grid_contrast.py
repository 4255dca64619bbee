"""The grid widget's colours reach WCAG 2.1 AA in JupyterLab's light and dark themes.

The reference is independent of our stylesheet: the theme variables come from the installed
JupyterLab's own theme files, the formula is WCAG's (relative luminance, (L1 + 0.05) / (L2 +
0.05)), and CSS's colour mixing and alpha are worked out here. Text needs 4.5:1 against the
background it sits on, lines and outlines that carry meaning 3:1 (WCAG 1.4.3 and 1.4.11).
``python -m tests.test_grid_contrast`` prints the table.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupyterlab
import pytest

ROOT = Path(__file__).resolve().parents[1]
CSS = (ROOT / "cnnlib" / "widgets" / "grid.css").read_text()
THEMES = Path(jupyterlab.__file__).parent / "themes" / "@jupyterlab"
DARK_RULE = '[data-jp-theme-light="false"] .cnn-grid'


def rules(css: str) -> dict[str, dict[str, str]]:
    """{selector: {property: value}} of a stylesheet without nesting (later rules win)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    out: dict[str, dict[str, str]] = {}
    for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        decls = out.setdefault(" ".join(sel.split()), {})
        for decl in body.split(";"):
            if ":" in decl:
                prop, value = decl.split(":", 1)
                decls[prop.strip()] = " ".join(value.split())
    return out


def theme_vars(name: str) -> dict[str, str]:
    text = (THEMES / f"theme-{name}-extension" / "index.css").read_text()
    found: dict[str, str] = {}
    for prop, value in re.findall(r"(--[\w-]+)\s*:\s*([^;}]+)", text):
        found.setdefault(prop, value.strip())
    return found


def split_top(text: str) -> list[str]:
    """Split on the commas outside parentheses."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    return parts + [cur.strip()]


NAMED = {"white": (255, 255, 255, 1.0), "black": (0, 0, 0, 1.0), "transparent": (0, 0, 0, 0.0)}


def colour(expr: str, env: dict[str, str]) -> tuple[float, float, float, float]:
    """An sRGB colour (r, g, b in 0-255, alpha 0-1) from a CSS colour expression."""
    e = expr.strip()
    if e.startswith("var("):
        name, *fallback = split_top(e[4:-1])
        return colour(env[name] if name in env else fallback[0], env)
    if e.startswith("color-mix("):
        _space, a, b = split_top(e[len("color-mix("):-1])
        pa = re.search(r"\s([\d.]+)%$", a)
        a = a[:pa.start()] if pa else a
        p = float(pa.group(1)) / 100 if pa else 0.5
        ca, cb = colour(a, env), colour(b, env)
        alpha = ca[3] * p + cb[3] * (1 - p)  # premultiplied, as CSS mixes
        if alpha == 0:
            return (0, 0, 0, 0.0)
        rgb = [(ca[i] * ca[3] * p + cb[i] * cb[3] * (1 - p)) / alpha for i in range(3)]
        return (*rgb, alpha)
    if e.startswith("rgba(") or e.startswith("rgb("):
        nums = [float(v) for v in re.findall(r"[\d.]+", e)]
        return (*nums[:3], nums[3] if len(nums) > 3 else 1.0)
    if e.startswith("#"):
        h = e[1:]
        if len(h) == 3:
            h = "".join(c * 2 for c in h)
        return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), 1.0)
    return NAMED[e]


def over(top, bottom):
    """``top`` composited over an opaque ``bottom``."""
    a = top[3]
    return tuple(top[i] * a + bottom[i] * (1 - a) for i in range(3)) + (1.0,)


def luminance(c) -> float:
    def lin(v):
        v /= 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])


def ratio(a, b) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


R = rules(CSS)


def env_for(theme: str) -> dict[str, str]:
    env = theme_vars(theme)
    env.update({k: v for k, v in R[".cnn-grid"].items() if k.startswith("--")})
    if theme == "dark":
        env.update(R[DARK_RULE])
    return env


def background(selector: str) -> str:
    """A rule's background; of a hatch, the colour under the text (the first stop)."""
    value = R[selector]["background"]
    if value.startswith("repeating-linear-gradient("):
        return split_top(value[len("repeating-linear-gradient("):-1])[1].rsplit(" ", 2)[0]
    return value


def hatch_line(selector: str) -> str:
    value = R[selector]["background"]
    return split_top(value[len("repeating-linear-gradient("):-1])[2].rsplit(" ", 2)[0]


FG = "var(--cnn-fg)"
CELL = ".cnn-grid-cell"
# (what, text colour, background): every state a number in a cell can be drawn in
TEXT = [
    ("cell", FG, "var(--cnn-bg)"),
    ("window", FG, background(".cnn-grid-cell.win")),
    ("tap", FG, background(".cnn-grid-cell.tap")),
    ("kernel", FG, background(".cnn-grid-kernel .cnn-grid-cell")),
    ("products", FG, background(".cnn-grid-terms .cnn-grid-cell")),
    ("output cell", FG, background(".cnn-grid-cell.cur")),
    ("padding", R[".cnn-grid-cell.pad"]["color"], background(".cnn-grid-cell.pad")),
    ("padding tap", R[".cnn-grid-cell.pad.tap"]["color"], background(".cnn-grid-cell.pad.tap")),
    ("not reached yet", R[".cnn-grid-cell.todo"]["color"], "var(--cnn-bg)"),
    ("coverage count on a tap", R[".cnn-grid-count"]["color"], background(".cnn-grid-cell.tap")),
    ("legend", R[".cnn-grid-legend"]["color"], "var(--cnn-bg)"),
    ("step line", R[".cnn-grid-step"]["color"], "var(--cnn-bg)"),
    ("panel title", R[".cnn-grid-title"]["color"], "var(--cnn-bg)"),
    ("button", R[".cnn-grid-button"]["color"], R[".cnn-grid-button"]["background"]),
]
def line_colour(value: str) -> str:
    """The colour of a border, outline or box-shadow shorthand (it comes last)."""
    return re.search(r"(var\(.*\)|#\w+)$", value).group(1)


FRAME = line_colour(R[".cnn-grid-frame"]["border"])
# (what, line colour, what it is drawn against)
LINES = [
    ("window frame on the page", FRAME, "var(--cnn-bg)"),
    ("window frame on the window", FRAME, background(".cnn-grid-cell.win")),
    ("padding hatch", hatch_line(".cnn-grid-cell.pad"), background(".cnn-grid-cell.pad")),
    ("padding hatch on a tap", hatch_line(".cnn-grid-cell.pad.tap"),
     background(".cnn-grid-cell.pad.tap")),
    ("max winner outline", line_colour(R[".cnn-grid-cell.best"]["outline"]),
     background(".cnn-grid-cell.tap")),
    ("output cell ring", line_colour(R[".cnn-grid-cell.cur"]["box-shadow"]),
     background(".cnn-grid-cell.cur")),
    ("never-read outline", line_colour(R[".cnn-grid-cell.unread"]["outline"]), "var(--cnn-bg)"),
    ("focus ring", line_colour(R[".cnn-grid-cell:focus-visible"]["outline"]), "var(--cnn-bg)"),
    ("focus ring on the window", line_colour(R[".cnn-grid-cell:focus-visible"]["outline"]),
     background(".cnn-grid-cell.win")),
    ("button edge", line_colour(R[".cnn-grid-button"]["border"]), "var(--cnn-bg)"),
]


def table(theme: str) -> list[tuple[str, str, str, float, float]]:
    """(kind, what, fg hex, bg hex, ratio, needed) for every pair, in one theme."""
    env = env_for(theme)
    page = colour("var(--jp-layout-color0)", env)
    rows = []
    for kind, pairs, need in (("text", TEXT, 4.5), ("line", LINES, 3.0)):
        for what, fg, bg in pairs:
            b = over(colour(bg, env), page)
            f = over(colour(fg, env), b)
            hexes = ["#" + "".join(f"{round(v):02x}" for v in c[:3]) for c in (f, b)]
            rows.append((kind, what, *hexes, round(ratio(f, b), 2), need))
    return rows


def test_the_parser_reads_the_themes_and_the_formula_is_wcags():
    light, dark = env_for("light"), env_for("dark")
    assert colour("var(--jp-layout-color0)", light)[:3] == (255, 255, 255)
    assert colour("var(--jp-layout-color0)", dark)[:3] == (17, 17, 17)
    # WCAG's own end points and a well-known pair: #767676 on white is 4.54:1
    assert ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21)
    assert ratio((0x76,) * 3, (255,) * 3) == pytest.approx(4.54, abs=0.01)
    # half orange, half white, mixed by hand
    mixed = colour("color-mix(in srgb, #e69f00 50%, white)", light)
    assert mixed[:3] == pytest.approx(((230 + 255) / 2, (159 + 255) / 2, 255 / 2))
    assert len(TEXT) >= 14 and len(LINES) >= 10


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_grid_colours_reach_wcag_aa(theme):
    failing = [row for row in table(theme) if row[4] < row[5]]
    assert not failing, failing


def test_colour_is_never_the_only_cue():
    """Each state that colour marks has a second cue in the stylesheet."""
    assert R[".cnn-grid-cell.pad"]["background"].startswith("repeating-linear-gradient")
    assert "underline" in R[".cnn-grid-cell.tap"]["text-decoration"]
    assert R[".cnn-grid-cell.best"]["outline"].startswith("3px solid")
    assert R[".cnn-grid-cell.best::before"]["content"] == '"\\2605"'  # a star
    assert "inset" in R[".cnn-grid-cell.cur"]["box-shadow"]
    assert R[".cnn-grid-cell.todo"]["font-style"] == "italic"
    assert "dashed" in R[".cnn-grid-cell.unread"]["outline"]
    assert R[".cnn-grid-frame"]["border"].startswith("3px solid")


if __name__ == "__main__":
    for th in ("light", "dark"):
        for kind, what, f, b, r, need in table(th):
            print(f"{th:5} {kind:4} {what:28} {f} on {b}: {r:5.2f} (needs {need})")
