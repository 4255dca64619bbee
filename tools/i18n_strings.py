"""Every string cnnlib passes through ``i18n.t``/``ft`` or marks with ``i18n.N_``, read from the source, and the catalogue's
gaps: ``python -m tools.i18n_strings`` prints the English strings the Chinese catalogue lacks
(as lines to paste into cnnlib/text/locale/zh.py) and entries nothing uses any more.
"""

from __future__ import annotations

import ast
import io
import string
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# function -> which argument is the English text (the control builders of cnnlib.widgets.controls
# translate their description themselves; N_ marks a text shown later through t)
FUNCS = {"t": 0, "ft": 0, "ft_default": 1, "N_": 0, "int_slider": 0, "float_slider": 0,
         "selection_slider": 0, "dropdown": 0, "toggle_buttons": 0, "checkbox": 0,
         "number_box": 0, "compact_slider": 0}
#: keyword arguments that ``base.Explorer`` translates (an explorer's picture description)
KEYWORDS = {"picture"}


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


#: the answer key, whose ``my_*`` functions a checker shows with their docstring and comments
#: translated (cnnlib.exercises.checks.common.solution_code)
KEY = Path("cnnlib/exercises/solutions.py")


def _key_texts(root: Path) -> dict[str, list[str]]:
    """The docstrings and comments of the answer key's ``my_*`` functions."""
    path = root / KEY
    source = path.read_text(encoding="utf-8")
    found: dict[str, list[str]] = {}
    spans = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("my_"):
            spans.append((node.lineno, node.end_lineno))
            doc = ast.get_docstring(node, clean=False)
            if doc:
                found.setdefault(doc, []).append(f"{KEY.as_posix()}:{node.lineno}")
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        text = tok.string.lstrip("#").strip()
        if tok.type == tokenize.COMMENT and text and any(a <= tok.start[0] <= b for a, b in spans):
            found.setdefault(text, []).append(f"{KEY.as_posix()}:{tok.start[0]}")
    return found


def used_strings(root: Path = ROOT) -> tuple[dict[str, list[str]], list[str]]:
    """(English text -> places using it, places that pass a non-literal text)."""
    found: dict[str, list[str]] = _key_texts(root) if (root / KEY).is_file() else {}
    dynamic: list[str] = []
    for path in sorted((root / "cnnlib").rglob("*.py")):
        if path.parent.name == "locale":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for kw in node.keywords:
                if kw.arg in KEYWORDS and isinstance(kw.value, ast.Constant) and isinstance(
                        kw.value.value, str) and kw.value.value:
                    where = f"{path.relative_to(root).as_posix()}:{node.lineno}"
                    found.setdefault(kw.value.value, []).append(where)
            if _name(node.func) not in FUNCS:
                continue
            i = FUNCS[_name(node.func)]
            if len(node.args) <= i:
                continue
            arg = node.args[i]
            where = f"{path.relative_to(root).as_posix()}:{node.lineno}"
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.setdefault(arg.value, []).append(where)
            else:
                dynamic.append(where)
    return found, dynamic


def fields(text: str) -> list[str]:
    """The ``{name}`` fields of a template, in order (format specs included)."""
    return sorted(f"{name}{'!' + conv if conv else ''}{':' + spec if spec else ''}"
                  for _, name, spec, conv in string.Formatter().parse(text) if name is not None)


def main() -> int:
    from cnnlib.text.locale.zh import ZH

    used, _ = used_strings()
    missing = [s for s in used if s not in ZH]
    unused = [s for s in ZH if s not in used]
    for s in missing:
        print(f"    {s!r}:\n        {s!r},")
    if unused:
        print(f"# {len(unused)} entries nothing passes through t/ft:", file=sys.stderr)
        for s in unused:
            print(f"#   {s!r}", file=sys.stderr)
    print(f"# {len(used)} strings used, {len(missing)} missing from zh", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
