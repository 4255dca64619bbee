"""Keep the Chinese edition (notebooks/zh/) in step with the English one.

    python -m tools.translations                # every stale or out-of-step cell, by notebook
    python -m tools.translations --stamp 02 5 7 # after re-translating cells 5 and 7 of zh/02

Each Chinese markdown cell records in its metadata (``translation.source``) a hash of the English
cell it translates. When the English cell changes, the hash no longer matches and the cell is
stale until someone updates the Chinese and stamps it again. tests/test_editions.py runs the same
checks: the same cells, types and tags; the same code once comments and strings are blanked
(the setup line may add ``lang="zh"``); Chinese text that keeps the English formulas and images.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: CNNLIB_EDITIONS_NOTEBOOKS points the checks at another folder (tests plant a stale cell there)
NOTEBOOKS = Path(os.environ.get("CNNLIB_EDITIONS_NOTEBOOKS") or ROOT / "notebooks")
NAV_MARK = "<!--NAVIGATION-->"
TERMS = re.compile(r"<!--TERMS-->.*?<!--/TERMS-->", re.S)
TOC = re.compile(r"<!--TOC-->.*?<!--/TOC-->", re.S)
HAN = re.compile(r"[\u4e00-\u9fff]")
MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$", re.S)
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)[^)]*\)|<img[^>]*\bsrc=[\"']([^\"']+)")
NUMBER = re.compile(r"(?<![A-Za-z0-9_.])\d+(?:,\d{3})*(?:\.\d+)?(?![A-Za-z0-9_])")


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def text(cell: dict) -> str:
    return "".join(cell["source"])


def is_nav(cell: dict) -> bool:
    return cell["cell_type"] == "markdown" and text(cell).startswith(NAV_MARK)


def source_hash(english: str) -> str:
    """The hash a Chinese cell records of its English cell: the text with its term table and its
    contents table (both written by tools.nav, in both editions) left out, trailing spaces
    ignored."""
    body = TOC.sub("<!--TOC-->", TERMS.sub("<!--TERMS-->", english))
    body = "\n".join(line.rstrip() for line in body.strip().splitlines())
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:12]


def recorded_hash(cell: dict) -> str | None:
    return cell.get("metadata", {}).get("translation", {}).get("source")


class _Blank(ast.NodeTransformer):
    """Strings become "" (they may be translated); ``setup(..., lang=...)`` loses ``lang``."""

    def visit_Constant(self, node):
        return ast.copy_location(ast.Constant(""), node) if isinstance(node.value, str) else node

    def visit_JoinedStr(self, node):  # f"..." keeps its {expressions}, not its words
        values = [self.visit(v) for v in node.values if isinstance(v, ast.FormattedValue)]
        return ast.copy_location(ast.JoinedStr(values=values), node)

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name == "setup":
            node.keywords = [k for k in node.keywords if k.arg != "lang"]
        return node


def code_shape(source: str) -> str:
    """The code's syntax tree with comments, strings and the language choice left out."""
    lines = [("pass  # " + line) if line.lstrip().startswith(("%", "!")) else line
             for line in source.splitlines()]  # IPython magics are not Python
    tree = _Blank().visit(ast.parse("\n".join(lines)))
    return ast.dump(tree, annotate_fields=False, include_attributes=False)


def pairs() -> list[tuple[Path, Path]]:
    """(English, Chinese) for every notebook the Chinese edition has so far."""
    zh_dir = NOTEBOOKS / "zh"
    return [(NOTEBOOKS / p.name, p) for p in sorted(zh_dir.glob("[0-9][0-9]_*.ipynb"))]


def structure_problems(en: dict, zh: dict) -> list[str]:
    out = []
    if len(en["cells"]) != len(zh["cells"]):
        out.append(f"{len(zh['cells'])} cells, the English has {len(en['cells'])}")
    for i, (a, b) in enumerate(zip(en["cells"], zh["cells"])):
        if a["cell_type"] != b["cell_type"]:
            out.append(f"cell {i} is {b['cell_type']}, the English cell is {a['cell_type']}")
        if a.get("metadata", {}).get("tags", []) != b.get("metadata", {}).get("tags", []):
            out.append(f"cell {i} has tags {b.get('metadata', {}).get('tags', [])}, the English "
                       f"{a.get('metadata', {}).get('tags', [])}")
    return out


def code_problems(en: dict, zh: dict) -> list[str]:
    out = []
    for i, (a, b) in enumerate(zip(en["cells"], zh["cells"])):
        if a["cell_type"] == b["cell_type"] == "code":
            try:
                same = code_shape(text(a)) == code_shape(text(b))
            except SyntaxError as e:
                out.append(f"cell {i} does not parse: {e}")
                continue
            if not same:
                out.append(f"cell {i}: the code differs from the English beyond comments and "
                           f"strings: {first_line(a)!r}")
    if not any(re.search(r"\bsetup\([^)]*lang\s*=\s*[\"']zh[\"']", text(c))
               for c in zh["cells"] if c["cell_type"] == "code"):
        out.append('no code cell calls cnnlib.setup(..., lang="zh")')
    return out


def first_line(cell: dict) -> str:
    return next((line for line in text(cell).splitlines() if line.strip()), "")[:70]


def stale_cells(en: dict, zh: dict) -> list[str]:
    """Chinese markdown cells whose English cell has changed since they were translated."""
    out = []
    for i, (a, b) in enumerate(zip(en["cells"], zh["cells"])):
        if a["cell_type"] != "markdown" or b["cell_type"] != "markdown" or is_nav(a):
            continue
        recorded = recorded_hash(b)
        if recorded is None:
            out.append(f"cell {i} records no hash of its English cell ({first_line(a)!r})")
        elif recorded != source_hash(text(a)):
            out.append(f"cell {i} is stale: its English cell changed since it was translated "
                       f"({first_line(a)!r})")
    return out


def text_problems(en: dict, zh: dict) -> list[str]:
    """Chinese cells without Chinese, or that lost a formula, an image or a number."""
    out = []
    for i, (a, b) in enumerate(zip(en["cells"], zh["cells"])):
        if a["cell_type"] != "markdown" or b["cell_type"] != "markdown" or is_nav(a):
            continue
        ta, tb = TERMS.sub("", text(a)), TERMS.sub("", text(b))
        if not HAN.search(tb):
            out.append(f"cell {i} has no Chinese: {first_line(b)!r}")
        for what, found in (("formula", MATH.findall(ta)),
                            ("image", ["".join(m) for m in IMAGE.findall(ta)])):
            lost = [f for f in found if f not in tb]
            if lost:
                out.append(f"cell {i} lost the English cell's {what}(s): {lost}")
        plain = re.sub(r"\]\([^)]*\)", "]", ta)  # numbers inside link targets do not count
        lost = sorted({n for n in NUMBER.findall(plain) if len(n) > 1} - set(NUMBER.findall(tb)))
        if lost:
            out.append(f"cell {i} lost numbers of the English cell: {lost}")
    return out


def nav_problems(zh_path: Path, zh: dict) -> list[str]:
    from tools.nav import expected_nav

    want = expected_nav(zh_path)
    got = [text(c) for c in zh["cells"] if is_nav(c)]
    if got != [want, want]:
        return ["navigation cells differ from what python -m tools.nav writes"]
    return []


def report(pairs_: list[tuple[Path, Path]] | None = None) -> dict[str, list[str]]:
    """Every problem of every Chinese notebook, by its path relative to the repository."""
    found = {}
    for en_path, zh_path in pairs_ if pairs_ is not None else pairs():
        name = zh_path.relative_to(zh_path.parents[1]).as_posix()
        if not en_path.exists():
            found[name] = [f"has no English original {en_path.name}"]
            continue
        en, zh = load(en_path), load(zh_path)
        problems = (structure_problems(en, zh) + code_problems(en, zh) + stale_cells(en, zh)
                    + text_problems(en, zh))
        if problems:
            found[name] = problems
    return found


def stamp(number: str, cells: list[int]) -> None:
    """Record the current English hash in cells ``cells`` of zh/``number``_*.ipynb."""
    (zh_path,) = (NOTEBOOKS / "zh").glob(f"{number}_*.ipynb")
    en, zh = load(NOTEBOOKS / zh_path.name), load(zh_path)
    for i in cells:
        if zh["cells"][i]["cell_type"] != "markdown":
            raise ValueError(f"cell {i} of {zh_path.name} is not markdown")
        zh["cells"][i]["metadata"]["translation"] = {"source": source_hash(text(en["cells"][i]))}
    zh_path.write_text(json.dumps(zh, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stamp", nargs="+", metavar=("NN", "CELL"),
                        help="record the English hash in these cells of zh/NN_*.ipynb")
    args = parser.parse_args(argv)
    if args.stamp:
        stamp(args.stamp[0], [int(c) for c in args.stamp[1:]])
    found = report()
    n = len(pairs())
    if not found:
        print(f"the Chinese edition is in step: {n} notebook(s), no stale cell")
        return 0
    for name, problems in found.items():
        print(f"notebooks/{name}:")
        for p in problems:
            print(f"  {p}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
