"""Every lesson notebook (and the template a new one starts from) follows the skeleton of
DESIGN.md: title -> navigation -> what you'll learn -> Setup -> numbered sections -> Summary ->
Exercises -> navigation, with every import in Setup (its code cells, before the next heading).

One exception to "imports in Setup": a late cell that calls ``import_tf()`` (TensorFlow takes
seconds to load, so the numpy notebooks start fast and load it only where it is needed). That cell
opens with a comment saying why, and imports nothing but ``tensorflow`` or ``keras``.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))[1:]  # 00 is the index
TEMPLATE = ROOT / "tools" / "notebook_template.ipynb"
NAV_MARK = "<!--NAVIGATION-->"
LATE_IMPORTS = {"tensorflow", "keras"}


def _code(source: str) -> ast.Module:
    """A code cell parsed, IPython's %magic and !shell lines left out."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    return ast.parse("\n".join(lines))


def _imports(tree: ast.Module) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name.split(".")[0] for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append((node.module or "").split(".")[0])
    return names


def _calls_import_tf(tree: ast.Module) -> bool:
    return any(isinstance(n, ast.Call) and (getattr(n.func, "id", None) == "import_tf"
                                            or getattr(n.func, "attr", None) == "import_tf")
               for n in ast.walk(tree))


def skeleton_problems(nb: dict, number: str | None = None) -> list[str]:
    """What in a notebook breaks the skeleton, one line each (empty: it follows it)."""
    cells = nb["cells"]
    src = ["".join(c["source"]) for c in cells]
    kind = [c["cell_type"] for c in cells]
    heads = {i: s.splitlines()[0] for i, s in enumerate(src)
             if kind[i] == "markdown" and s.startswith("#")}
    problems = []

    def find(pattern: str) -> int | None:
        return next((i for i, h in heads.items() if re.match(pattern, h)), None)

    title = f"# {number} · " if number else "# "
    if not (kind[0] == "markdown" and src[0].startswith(title)):
        problems.append(f"cell 0 must be the title, '{title}...'")
    if len(src) < 2 or not src[1].startswith(NAV_MARK) or not src[-1].startswith(NAV_MARK):
        problems.append("navigation must be cell 1 and the last cell (make nav writes it)")
    learn, setup = find(r"## What you'll learn"), find(r"## Setup\b")
    summary, exercises = find(r"## Summary\b"), find(r"## Exercises\b")
    order = [("What you'll learn", learn), ("Setup", setup), ("Summary", summary),
             ("Exercises", exercises)]
    for name, at in order:
        if at is None:
            problems.append(f"no '## {name}' heading")
    if problems:
        return problems
    if not 2 <= learn < setup < summary < exercises:
        problems.append("headings out of order: title, navigation, What you'll learn, Setup, "
                        "sections, Summary, Exercises")
    sections = [(i, h) for i, h in heads.items() if re.match(r"## \d+\. ", h)]
    numbers = [int(re.match(r"## (\d+)\.", h).group(1)) for _, h in sections]
    if numbers != list(range(1, len(numbers) + 1)) or not numbers:
        problems.append(f"sections must be numbered 1, 2, 3, ... in order, got {numbers}")
    if any(not setup < i < summary for i, _ in sections):
        problems.append("numbered sections belong between Setup and Summary")
    # Setup: the code cells right after its heading, up to the next markdown cell.
    end = next((i for i in range(setup + 1, len(src)) if kind[i] != "code"), len(src))
    setup_cells = set(range(setup + 1, end))
    if not setup_cells or "cnnlib.setup(seed=" not in src[setup + 1]:
        problems.append("the cell after '## Setup' must hold the imports and "
                        "cnnlib.setup(seed=...)")
    for i in range(len(src)):
        if kind[i] != "code" or i in setup_cells:
            continue
        try:
            tree = _code(src[i])
        except SyntaxError as err:
            problems.append(f"cell {i} is not valid Python: {err}")
            continue
        imported = _imports(tree)
        if not imported:
            continue
        late_ok = (_calls_import_tf(tree) and src[i].lstrip().startswith("#")
                   and set(imported) <= LATE_IMPORTS)
        if not late_ok:
            problems.append(f"cell {i} imports {', '.join(imported)}: imports belong in Setup "
                            "(a late import_tf() cell opens with a comment saying why, and "
                            "imports only tensorflow or keras)")
    return problems


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_follows_the_skeleton(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert skeleton_problems(nb, path.name[:2]) == []


def test_template_follows_the_skeleton():
    nb = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    assert skeleton_problems(nb) == []
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("change, complaint", [
    (lambda c: c.pop(2), "no '## What you'll learn'"),
    (lambda c: c.insert(9, _cell("code", "import os\nos.getcwd()")), "cell 9 imports os"),
    (lambda c: c.insert(9, _cell("code", "tf = import_tf()\nimport keras")), "cell 9 imports keras"),
    (lambda c: c.insert(9, _cell("markdown", "## 5. A section out of order")),
     "numbered 1, 2, 3"),
    (lambda c: c.pop(1), "navigation must be cell 1"),
    (lambda c: c.__setitem__(4, _cell("code", "import numpy as np")), "cnnlib.setup(seed=...)"),
])
def test_the_skeleton_check_finds_each_break(change, complaint):
    nb = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    change(nb["cells"])
    problems = skeleton_problems(nb)
    assert any(complaint in p for p in problems), problems


def test_a_marked_late_import_tf_cell_is_allowed():
    nb = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    nb["cells"].insert(9, _cell("code", "# TensorFlow loads here, not in Setup: it takes "
                                        "seconds.\ntf = import_tf()\nimport keras"))
    assert skeleton_problems(nb) == []


def _cell(kind: str, source: str) -> dict:
    cell = {"cell_type": kind, "metadata": {}, "source": source.splitlines(keepends=True)}
    if kind == "code":
        cell.update(outputs=[], execution_count=None)
    return cell
