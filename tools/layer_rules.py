"""Two layer rules import-linter cannot express, checked on the source with ``ast``:

1. no module imports another module's private (underscore) names, neither
   ``from cnnlib.x import _y`` nor ``x._y`` on an imported cnnlib module;
2. explorers never call a model directly (``model(x)``, ``model.predict(x)``): they reach it
   through public functions such as ``models.predict_probs`` and ``interpret.*``.

``python -m tools.layer_rules`` prints every violation and exits 1 if there is one (``make lint``).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "cnnlib"
#: A name that holds a model, called directly: model(...), self.model(...), keras_model(...).
MODEL_NAME = re.compile(r"(^|_)model$")
#: Keras' own ways to run a model.
MODEL_METHODS = {"predict", "predict_on_batch", "predict_step", "__call__", "call"}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module an ``from ... import`` reads from."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def private_imports(root: Path = ROOT, package: str = PACKAGE) -> list[str]:
    """'file:line: message' for every private name one module takes from another."""
    found = []
    for path in sorted((root / package).rglob("*.py")):
        module = _module_name(path, root)
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        aliases: dict[str, str] = {}  # local name -> the cnnlib module it is bound to
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.startswith(package):
                        aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else \
                            a.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom):
                source = _resolve(node, module, path.name == "__init__.py")
                if not source.startswith(package):
                    continue
                for a in node.names:
                    if _private(a.name) and source != module:
                        found.append(f"{path.relative_to(root)}:{node.lineno}: imports "
                                     f"{source}.{a.name}, a private name of another module")
                    elif not _private(a.name):
                        aliases[a.asname or a.name] = f"{source}.{a.name}"
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and _private(node.attr)
                    and isinstance(node.value, ast.Name) and node.value.id in aliases
                    and aliases[node.value.id] != module):
                found.append(f"{path.relative_to(root)}:{node.lineno}: uses "
                             f"{aliases[node.value.id]}.{node.attr}, a private name of another "
                             "module")
    return found


def _called_name(func) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _is_model(expr, imported: set) -> bool:
    """Does ``expr`` name a model (not an imported function or module)?"""
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) \
            and expr.value.id in imported:
        return False
    name = _called_name(expr)
    return name is not None and name not in imported and bool(MODEL_NAME.search(name))


def model_calls(root: Path = ROOT, folder: str = f"{PACKAGE}/widgets") -> list[str]:
    """'file:line: message' for every direct call of a model in the explorers."""
    found = []
    for path in sorted((root / folder).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        # Imported names are functions and modules (interpret.default_model), not models.
        imported = {a.asname or a.name.split(".")[0] for node in ast.walk(tree)
                    if isinstance(node, (ast.Import, ast.ImportFrom)) for a in node.names}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            direct = _is_model(func, imported)
            method = (isinstance(func, ast.Attribute) and func.attr in MODEL_METHODS
                      and _is_model(func.value, imported))
            if direct or method:
                found.append(f"{path.relative_to(root)}:{node.lineno}: calls a model directly "
                             f"({ast.unparse(func)}(...)); use models.predict_probs or "
                             "interpret.*")
    return found


def main() -> int:
    problems = private_imports() + model_calls()
    for line in problems:
        print(line)
    print(f"layer rules: {len(problems)} violation(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
