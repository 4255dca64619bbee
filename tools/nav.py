"""Write the navigation cells and the index notebook's table (the README's list is by hand).

    python -m tools.nav        # after adding or renaming a notebook

Each notebook's title is its first markdown heading. Navigation cells start with
NAV_MARK (top and bottom of every notebook, as in the Python Data Science Handbook).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
NAV_MARK = "<!--NAVIGATION-->"
TOC_START, TOC_END = "<!--TOC-->", "<!--/TOC-->"


def notebooks() -> list[Path]:
    return sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def title(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem


def nav_line(paths: list[Path], i: int) -> str:
    parts = []
    if i > 0:
        parts.append(f"< [{title(paths[i - 1])}]({paths[i - 1].name})")
    parts.append(f"[Contents 目录]({paths[0].name})")
    if i + 1 < len(paths):
        parts.append(f"[{title(paths[i + 1])}]({paths[i + 1].name}) >")
    return NAV_MARK + "\n" + " | ".join(parts)


def _md(source: str, cell_id: str) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {},
            "source": source.splitlines(keepends=True)}


def toc(paths: list[Path]) -> str:
    lines = []
    for p in paths[1:]:
        lines.append(f"{p.name[:2]}. [{title(p)}]({p.name})")
    return "\n".join(lines)


def write_nav() -> None:
    paths = notebooks()
    for i, path in enumerate(paths):
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = [c for c in nb["cells"]
                 if not (c["cell_type"] == "markdown" and "".join(c["source"]).startswith(NAV_MARK))]
        # top: after the title cell; bottom: last
        line = nav_line(paths, i)
        cells.insert(1, _md(line, "nav-top"))
        cells.append(_md(line, "nav-bottom"))
        if i == 0:
            for c in cells:
                src = "".join(c["source"])
                if TOC_START in src:
                    new = re.sub(re.escape(TOC_START) + ".*?" + re.escape(TOC_END),
                                 TOC_START + "\n" + toc(paths) + "\n" + TOC_END, src, flags=re.S)
                    c["source"] = new.splitlines(keepends=True)
        nb["cells"] = cells
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def strip_all() -> None:
    """Store notebooks in nbstripout's canonical form (no outputs, sequential cell ids)."""
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "nbstripout", *map(str, notebooks())], check=True)


if __name__ == "__main__":
    write_nav()
    strip_all()
    print(f"navigation written for {len(notebooks())} notebooks")
