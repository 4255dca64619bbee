"""Write the navigation cells, the index notebook's table and the term tables (the README's list
is by hand).

    python -m tools.nav        # after adding or renaming a notebook, or editing cnnlib.text.glossary

Each notebook's title is its first markdown heading. Navigation cells start with
NAV_MARK (top and bottom of every notebook, as in the Python Data Science Handbook).
The Chinese edition (notebooks/zh/) gets the same cells, with Chinese link texts, its own contents
page (zh/00_index.ipynb, whose table lists the Chinese notebooks) and a link to each English
original; where a notebook has no Chinese version yet, its links point to the English one. The
English contents page links both editions. Term tables, between TERMS_START and TERMS_END, come
from cnnlib.text.glossary in both editions.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
ZH = NOTEBOOKS / "zh"
NAV_MARK = "<!--NAVIGATION-->"
TOC_START, TOC_END = "<!--TOC-->", "<!--/TOC-->"
TERMS_START, TERMS_END = "<!--TERMS-->", "<!--/TERMS-->"


def notebooks() -> list[Path]:
    return sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def zh_notebooks() -> list[Path]:
    """The Chinese edition's notebooks that exist now (each has an English original)."""
    return sorted(p for p in ZH.glob("[0-9][0-9]_*.ipynb"))


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


def zh_nav_line(en_paths: list[Path], name: str) -> str:
    """Navigation of zh/``name``: Chinese neighbours where they exist, else the English ones."""
    names = [p.name for p in en_paths]
    i = names.index(name)

    def link(n: str) -> tuple[str, str]:
        zh = ZH / n
        return (title(zh), n) if zh.exists() else (title(NOTEBOOKS / n), f"../{n}")

    parts = []
    if i > 0:
        parts.append("< [{}]({})".format(*link(names[i - 1])))
    if (ZH / "00_index.ipynb").exists():
        parts.append("[目录](00_index.ipynb)")
    else:
        parts.append("[目录 Contents](../00_index.ipynb)")
    parts.append(f"[English](../{name})")
    if i + 1 < len(names):
        parts.append("[{}]({}) >".format(*link(names[i + 1])))
    return NAV_MARK + "\n" + " | ".join(parts)


def toc(paths: list[Path]) -> str:
    lines = []
    for p in paths[1:]:
        line = f"{p.name[:2]}. [{title(p)}]({p.name})"
        if (ZH / p.name).exists():
            line += f" · [中文版](zh/{p.name})"
        lines.append(line)
    if (ZH / "00_index.ipynb").exists():
        lines += ["", "[中文目录 Chinese contents](zh/00_index.ipynb)"]
    return "\n".join(lines)


def zh_toc(paths: list[Path]) -> str:
    """zh/00_index's table: each Chinese notebook by its Chinese title, with its English original."""
    lines = []
    for p in paths[1:]:
        if (ZH / p.name).exists():
            lines.append(f"{p.name[:2]}. [{title(ZH / p.name)}]({p.name}) · [English](../{p.name})")
        else:
            lines.append(f"{p.name[:2]}. [{title(p)}](../{p.name})（暂无中文版）")
    return "\n".join(lines)


def with_terms(source: str, lang: str, notebook: str | None) -> str:
    """``source`` with its term table (between the TERMS markers) rewritten from the glossary."""
    from cnnlib.text.glossary import table

    if TERMS_START not in source:
        return source
    return re.sub(re.escape(TERMS_START) + ".*?" + re.escape(TERMS_END),
                  lambda _: TERMS_START + "\n" + table(lang, notebook) + "\n" + TERMS_END,
                  source, flags=re.S)


def expected_nav(path: Path) -> str:
    """The navigation line tools.nav writes into ``path`` (either edition)."""
    paths = notebooks()
    if path.parent == ZH:
        return zh_nav_line(paths, path.name)
    return nav_line(paths, [p.name for p in paths].index(path.name))


def _rewrite(path: Path, lang: str, line: str, toc_text: str | None) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    is_nav = [c["cell_type"] == "markdown" and "".join(c["source"]).startswith(NAV_MARK)
              for c in nb["cells"]]
    ids = [c.get("id") for c, nav in zip(nb["cells"], is_nav) if nav] + ["nav-top", "nav-bottom"]
    cells = [c for c, nav in zip(nb["cells"], is_nav) if not nav]
    # top: after the title cell; bottom: last (keeping the cells' ids, so git sees no churn)
    cells.insert(1, _md(line, ids[0]))
    cells.append(_md(line, ids[1] if ids[1] != ids[0] else "nav-bottom"))
    number = path.name[:2]
    for c in cells:
        if c["cell_type"] != "markdown":
            continue
        src = "".join(c["source"])
        new = with_terms(src, lang, None if number == "00" else number)
        if toc_text is not None and TOC_START in new:
            new = re.sub(re.escape(TOC_START) + ".*?" + re.escape(TOC_END),
                         lambda _: TOC_START + "\n" + toc_text + "\n" + TOC_END, new, flags=re.S)
        if new != src:
            c["source"] = new.splitlines(keepends=True)
    nb["cells"] = cells
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def write_nav() -> None:
    paths = notebooks()
    for i, path in enumerate(paths):
        _rewrite(path, "en", nav_line(paths, i), toc(paths) if i == 0 else None)
    for path in zh_notebooks():
        _rewrite(path, "zh", zh_nav_line(paths, path.name),
                 zh_toc(paths) if path.name == "00_index.ipynb" else None)


def strip_all() -> None:
    """Store notebooks in nbstripout's canonical form (no outputs, sequential cell ids)."""
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "nbstripout", *map(str, notebooks() + zh_notebooks())],
                   check=True)


if __name__ == "__main__":
    write_nav()
    strip_all()
    print(f"navigation written for {len(notebooks())} notebooks")
