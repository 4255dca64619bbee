"""Graded assignments: an nbgrader course made from the notebooks and the answer key.

    python -m tools.assignments                 # write build/course/ (what `make assignments` runs)
    python -m tools.assignments --only 04_pooling zh_04_pooling --out DIR
    python -m tools.assignments teach-env       # make the teachers' environment, .venv-teach
                                                # (--if-supported: only on Python 3.11+)
    python -m tools.assignments nbgrader ARGS   # run nbgrader ARGS in build/course/

The course holds ``nbgrader_config.py`` and ``source/<NN_slug>/<NN_slug>.ipynb`` for every
notebook with exercises, both editions (the Chinese one as ``source/zh_<NN_slug>/``). Each
exercise cell of a notebook (the learner's placeholder, then its ``checks.check_...`` call) is
split in two:

- a solution cell: the learner's own lines (the placeholder line, or the ``def`` line and any
  code given inside it) above ``### BEGIN SOLUTION``, the answer key's working below it, then
  ``### END SOLUTION`` (and, in a function, the learner's ``return None`` line). nbgrader keeps
  the learner's lines and puts its code stub, a comment here, where the working was;
- a locked test cell worth one point: ``assert checks.check_...(...)``, since a checker returns
  something truthy only when the answer is right.

Every other cell is a locked lesson cell (read-only); the navigation cells, whose links lead
outside the assignment, are left out. The Setup cell calls ``cnnlib.setup(..., classroom=True)``,
so checkers in a release give hints but never an answer, and never read the key. Grade ids come
from the exercise's number and checker (``ex3_pooled_size``, ``ex3_pooled_size_test``) and from
the lesson cell's id (``lesson_12``), so they are the same on every rebuild.

nbgrader (0.9.6 needs Python 3.11 or newer) lives in its own environment, ``.venv-teach``: it
brings JupyterLab and server extensions and Notebook 7, which must stay out of a learner's
``make lab``. That environment sees the learners' packages (``.venv``: numpy, TensorFlow,
cnnlib) through a ``.pth`` file, so ``autograde`` runs the notebooks with exactly what learners
run, without installing TensorFlow twice. nbgrader runs ``alembic`` from PATH, so ``nbgrader``
here runs with that environment's ``bin`` first on PATH.
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import re
import subprocess
import sys
import sysconfig
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
COURSE = ROOT / "build" / "course"
TEACH_VENV = ROOT / ".venv-teach"
REQUIREMENTS = ROOT / "requirements-teach.txt"
NBGRADER_PYTHON = (3, 11)  # nbgrader 0.9.6 needs Python 3.11 or newer

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
#: What nbgrader leaves where the key's working was. A comment: the learner's own placeholder
#: line stays above it (nbgrader has one stub per language, so it cannot write per-cell names).
CODE_STUB = "# ✏️"
POINTS = 1  # per exercise

CONFIG = f'''\
# nbgrader's settings for the cnn-notebooks course. Written by `make assignments`
# (python -m tools.assignments) together with source/: edit the notebooks or the answer key,
# not these files. Run nbgrader from this folder (python -m tools.assignments nbgrader ...).
c = get_config()  # noqa: F821 - nbgrader provides it

c.CourseDirectory.course_id = "cnn-notebooks"

# Each solution cell keeps the learner's placeholder line (answer = None, def my_conv2d(...):)
# above the solution region, so nbgrader's stub is only a comment.
c.ClearSolutions.code_stub = {{"python": {CODE_STUB!r}}}

# Notebooks 06-08 train networks: a cell may take minutes at full size (nbgrader's default: 30 s).
c.Execute.timeout = 900
'''


class AssignmentError(ValueError):
    """A notebook's exercise cells and the answer key do not fit together."""


# ---------------------------------------------------------------------------------------------
# The answer key's working, as source text
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Key:
    """The answer key's source, parsed: its module-level names and each exercise's solve."""

    lines: list[str]
    defs: dict[str, ast.AST]  # module-level assignments and functions, by name
    solves: dict[tuple[str, int], ast.AST]  # (notebook topic, number) -> the solve argument
    checkers: dict[tuple[str, int], str]


def read_key() -> Key:
    """Parse ``cnnlib.exercises.solutions`` (read as text: the key's working is wanted, not its values)."""
    from cnnlib import solutions

    source = Path(solutions.__file__).read_text(encoding="utf-8")
    tree = ast.parse(source)
    defs: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            defs[node.name] = node
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Name):
            defs[node.targets[0].id] = node
    solves, checkers = {}, {}
    for call in ast.walk(defs["exercises"]):
        if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "Exercise":
            topic, number, checker = (ast.literal_eval(a) for a in call.args[:3])
            solves[topic, number] = call.args[-1]
            checkers[topic, number] = checker
    return Key(source.splitlines(), defs, solves, checkers)


def _comments_above(key: Key, node: ast.AST) -> list[str]:
    """The comment lines right above a definition in the key (its working, in words)."""
    out, i = [], node.lineno - 2
    while i >= 0 and key.lines[i].startswith("#") and not key.lines[i].startswith("# ---"):
        out.insert(0, key.lines[i])
        i -= 1
    return out


def _assignment_lines(key: Key, node: ast.Assign, target: str) -> list[str]:
    """``NAME = ...`` from the key (all its lines, comments kept), assigned to ``target``."""
    lines = key.lines[node.lineno - 1:node.end_lineno]
    name = node.targets[0].id
    first = target + lines[0][len(name):]
    shift = len(target) - len(name)  # continuation lines stay aligned under the first
    rest = [" " * shift + line if shift >= 0 else line[min(-shift, len(line) - len(line.lstrip(" "))):]
            for line in lines[1:]]
    return _comments_above(key, node) + [first] + rest


def _dependencies(key: Key, node: ast.AST, seen: set[str]) -> list[str]:
    """The key's own constants (and ``import math``) an expression needs, defined first."""
    out = []
    for name in sorted({n.id for n in ast.walk(node) if isinstance(n, ast.Name)}):
        if name == "math" and "math" not in seen:
            seen.add("math")
            out.append("import math")
        elif isinstance(key.defs.get(name), ast.Assign) and name not in seen:
            seen.add(name)
            dep = key.defs[name]
            out += _dependencies(key, dep.value, seen) + _assignment_lines(key, dep, name)
    return out


def _body_lines(key: Key, fn: ast.FunctionDef) -> list[str]:
    """A function's body from the key, without its docstring, as indented in the key."""
    body = fn.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return key.lines[body[0].lineno - 1:fn.end_lineno]


class _Rename(ast.NodeTransformer):
    def __init__(self, names: dict[str, ast.AST]):
        self.names = names

    def visit_Name(self, node):  # noqa: N802 - ast's naming
        return copy.deepcopy(self.names[node.id]) if node.id in self.names else node


def key_working(key: Key, topic: str, number: int, target: str,
                call_args: dict[str, str]) -> list[str]:
    """The key's working for one exercise, as lines that give ``target`` its value.

    ``call_args`` maps the checker's keyword arguments to the notebook's expressions (``img`` ->
    ``toy``), for an answer the key computes from the notebook's data.
    """
    solve = key.solves.get((topic, number))
    if solve is None:
        raise AssignmentError(f"the answer key has no exercise {number} for {topic}")
    if isinstance(solve, ast.Call) and getattr(solve.func, "id", None) == "value":
        name = solve.args[0].id
        node = key.defs[name]
        if isinstance(node, ast.FunctionDef):  # write-a-function: the key's body
            return _body_lines(key, node)
        return _dependencies(key, node.value, set()) + _assignment_lines(key, node, target)
    if isinstance(solve, ast.Lambda) and isinstance(solve.body, ast.Call):
        fn = key.defs[solve.body.func.id]
        lambda_params = [a.arg for a in solve.args.args]
        missing = [p for p in lambda_params if p not in call_args]
        if missing:
            raise AssignmentError(f"{topic} exercise {number}: the notebook's check call does "
                                  f"not pass {', '.join(missing)}")
        # the key's function parameter -> the notebook's expression for it
        given = {param.arg: ast.parse(call_args[arg.id], mode="eval").body
                 for param, arg in zip(fn.args.args, solve.body.args)}
        body = _body_lines(key, fn)
        returns = [n for n in fn.body if not (isinstance(n, ast.Expr)
                                              and isinstance(n.value, ast.Constant))]
        if len(returns) == 1 and isinstance(returns[0], ast.Return):  # one expression: inline
            expr = _Rename(given).visit(copy.deepcopy(returns[0].value))
            comment = textwrap.dedent(ast.get_docstring(fn) or "").splitlines()[:1]
            return [f"# {c}" for c in comment] + [f"{target} = {ast.unparse(expr)}"]
        header = key.lines[fn.lineno - 1:fn.body[0].lineno - 1]
        args = ", ".join(ast.unparse(given[p.arg]) for p in fn.args.args)
        return header + body + [f"{target} = {fn.name}({args})"]
    raise AssignmentError(f"{topic} exercise {number}: the key's solve is neither value(...) "
                          f"nor a lambda calling one of its functions")


# ---------------------------------------------------------------------------------------------
# Splitting an exercise cell
# ---------------------------------------------------------------------------------------------
CHECK_CALL = re.compile(r"^checks\.(check_\w+)\(", re.M)
PLACEHOLDER = re.compile(r"(return None|raise NotImplementedError)\b")


def is_exercise(cell) -> bool:
    return cell.cell_type == "code" and CHECK_CALL.search(cell.source) is not None


def _meta(grade_id: str, *, solution=False, grade=False, locked=False, points=None) -> dict:
    meta = dict(grade=grade, grade_id=grade_id, locked=locked, schema_version=3,
                solution=solution, task=False)
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def split_exercise(cell, key: Key, topic: str, number: int) -> tuple:
    """One exercise cell -> (solution cell, test cell)."""
    import nbformat  # imported here, so that `teach-env` (in every make test) starts fast

    source = cell.source.rstrip()
    found = CHECK_CALL.search(source)
    learner = source[:found.start()].rstrip().splitlines()
    call_src = source[found.start():]
    call = ast.parse(call_src).body[0].value
    checker = found.group(1)
    if key.checkers.get((topic, number)) != checker:
        raise AssignmentError(f"{topic} exercise {number} calls {checker}, but the answer key "
                              f"has {key.checkers.get((topic, number))} there")
    if not call.args or not isinstance(call.args[0], ast.Name):
        raise AssignmentError(f"{topic} exercise {number}: {checker} is not passed a name")
    target = call.args[0].id
    call_args = {kw.arg: ast.get_source_segment(call_src, kw.value) for kw in call.keywords}
    tree = ast.parse("\n".join(learner))
    fns = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == target]
    if fns:  # def my_f(...): given lines, then the placeholder return/raise
        fn = fns[0]
        body = learner[fn.lineno:fn.end_lineno]
        stubs = [i for i, line in enumerate(body) if PLACEHOLDER.search(line)]
        if len(stubs) != 1 or fn.end_lineno != len(learner):
            raise AssignmentError(f"{topic} exercise {number}: {target} needs exactly one "
                                  f"`return None` or `raise NotImplementedError` line, last")
        given, stub = body[:stubs[0]], body[stubs[0]:]
        working = key_working(key, topic, number, target, call_args)
        given_code = {line.strip() for line in given if not line.strip().startswith("#")}
        while working and working[0].strip() in given_code:  # the key repeats the given lines
            working = working[1:]
        indent = re.match(r"\s*", stub[0]).group(0)
        lines = (learner[:fn.lineno] + given + [indent + BEGIN] + working + [indent + END]
                 + stub)
    else:
        last = tree.body[-1] if tree.body else None
        if not (isinstance(last, ast.Assign) and [getattr(t, "id", None) for t in last.targets]
                == [target] and isinstance(last.value, ast.Constant) and last.value.value is None
                and last.end_lineno == len(learner)):
            raise AssignmentError(f"{topic} exercise {number}: the cell should end with "
                                  f"`{target} = None` before the check")
        lines = learner + [BEGIN] + key_working(key, topic, number, target, call_args) + [END]
    grade_id = f"ex{number}_{checker.removeprefix('check_')}"
    solution = nbformat.v4.new_code_cell("\n".join(lines), id=cell.id,
                                         metadata=_meta(grade_id, solution=True))
    test = nbformat.v4.new_code_cell("assert " + call_src, id=f"{cell.id}-test"[:64],
                                     metadata=_meta(f"{grade_id}_test", grade=True, locked=True,
                                                    points=POINTS))
    return solution, test


SETUP_CALL = re.compile(r"^cnnlib\.setup\((?P<args>.*)\)\s*$", re.M)


def assignment(path: Path, key: Key | None = None):
    """The course notebook for ``notebooks/NN_topic.ipynb`` (either edition), or None when the
    notebook has no exercises."""
    import nbformat

    key = key or read_key()
    nb = nbformat.read(path, as_version=4)
    topic = path.stem.split("_", 1)[1]
    if not any(is_exercise(c) for c in nb.cells):
        return None
    cells, number, setup = [], 0, False
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("<!--NAVIGATION-->"):
            continue
        if is_exercise(cell):
            number += 1
            cells += split_exercise(cell, key, topic, number)
            continue
        cell = copy.deepcopy(cell)
        if cell.cell_type == "code" and SETUP_CALL.search(cell.source):
            args = SETUP_CALL.search(cell.source).group("args").strip()
            cell.source = SETUP_CALL.sub(
                f"cnnlib.setup({args + ', ' if args else ''}classroom=True)", cell.source)
            setup = True
        cell.metadata.update(_meta(f"lesson_{cell.id}", locked=True))
        cells.append(cell)
    expected = sum(1 for t, _ in key.solves if t == topic)
    if number != expected:
        raise AssignmentError(f"{path.name} has {number} exercise cells, the answer key "
                              f"{expected}")
    if not setup:
        raise AssignmentError(f"{path.name} has no `cnnlib.setup(...)` line for the classroom "
                              f"setting")
    nb.cells = cells
    nbformat.validate(nb)
    return nb


def assignment_name(path: Path) -> str:
    """``04_pooling`` for the English notebook, ``zh_04_pooling`` for the Chinese one."""
    return ("zh_" if path.parent.name == "zh" else "") + path.stem


def notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")) + sorted(
        (NOTEBOOKS / "zh").glob("[0-9][0-9]_*.ipynb"))


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_course(out: Path = COURSE, only: list[str] | None = None) -> list[str]:
    """Write the course to ``out``; returns the assignment names written."""
    import nbformat

    key = read_key()
    names = []
    for path in notebooks():
        name = assignment_name(path)
        if only and name not in only:
            continue
        nb = assignment(path, key)
        if nb is None:
            continue
        _write_atomic(out / "source" / name / f"{name}.ipynb", nbformat.writes(nb) + "\n")
        names.append(name)
    unknown = set(only or ()) - set(names)
    if unknown:
        raise AssignmentError(f"--only: no notebook with exercises is called "
                              f"{', '.join(sorted(unknown))}")
    _write_atomic(out / "nbgrader_config.py", CONFIG)
    return names


# ---------------------------------------------------------------------------------------------
# The teachers' environment, and nbgrader run in it
# ---------------------------------------------------------------------------------------------
def teach_bin(venv: Path = TEACH_VENV) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin")


def check_python(version=sys.version_info) -> None:
    if tuple(version[:2]) < NBGRADER_PYTHON:
        need = ".".join(map(str, NBGRADER_PYTHON))
        raise SystemExit(f"make assignments: nbgrader 0.9.6 needs Python {need} or newer, and "
                         f"this environment has {version[0]}.{version[1]}. Rebuild it with "
                         f"a newer Python, e.g. `rm -rf .venv && make PYTHON=python{need} "
                         f"assignments`.")


def make_teach_env(venv: Path = TEACH_VENV, quiet: bool = True) -> Path:
    """Create the teachers' environment (once; again when requirements-teach.txt changes):
    a venv of this Python that sees this environment's packages after its own, with nbgrader."""
    check_python()
    stamp = venv / ".installed"
    learners = sysconfig.get_paths()["purelib"]
    made_for = f"{sys.version.split()[0]} {learners}\n"  # a rebuilt .venv needs a new one
    if (stamp.is_file() and stamp.stat().st_mtime >= REQUIREMENTS.stat().st_mtime
            and stamp.read_text(encoding="utf-8") == made_for):
        return venv
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    py = teach_bin(venv) / "python"
    purelib = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()"
                              "['purelib'])"], check=True, capture_output=True,
                             text=True).stdout.strip()
    # addsitedir also reads the learners' .pth files (the editable cnnlib); after our own.
    Path(purelib, "zz_learners_env.pth").write_text(
        f"import site; site.addsitedir({learners!r})\n", encoding="utf-8")
    quiet_flag = ["--quiet"] if quiet else []
    subprocess.run([str(py), "-m", "pip", "install", *quiet_flag, "--disable-pip-version-check",
                    "-r", str(REQUIREMENTS)], check=True)
    stamp.write_text(made_for, encoding="utf-8")
    return venv


def nbgrader_env(venv: Path = TEACH_VENV, env: dict | None = None) -> dict:
    """The environment nbgrader runs in: the teachers' bin first on PATH (for alembic)."""
    env = dict(os.environ if env is None else env)
    env["PATH"] = str(teach_bin(venv)) + os.pathsep + env.get("PATH", "")
    return env


def nbgrader(args: list[str], course: Path = COURSE, venv: Path = TEACH_VENV,
             env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` in the course folder with the teachers' environment."""
    return subprocess.run([str(teach_bin(venv) / "nbgrader"), *args], cwd=course,
                          env=nbgrader_env(venv, env), **kwargs)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["teach-env"]:
        if "--if-supported" in argv and sys.version_info[:2] < NBGRADER_PYTHON:
            print("No teachers' environment: nbgrader needs Python 3.11 or newer "
                  "(tests/test_assignments.py is skipped).")
            return 0
        make_teach_env()
        return 0
    if argv[:1] == ["nbgrader"]:
        if not (COURSE / "nbgrader_config.py").is_file():
            print("No course yet: `make assignments` writes it to build/course.",
                  file=sys.stderr)
            return 1
        if not (teach_bin() / "nbgrader").exists():
            make_teach_env()
        return nbgrader(argv[1:]).returncode
    parser = argparse.ArgumentParser(prog="python -m tools.assignments",
                                     description="Write the nbgrader course (build/course).")
    parser.add_argument("--out", type=Path, default=COURSE, help="the course folder")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="assignments to write, e.g. 04_pooling zh_04_pooling")
    parser.add_argument("--release", action="store_true",
                        help="also run nbgrader generate_assignment for each (needs .venv-teach)")
    args = parser.parse_args(argv)
    try:
        names = write_course(args.out, args.only)
    except AssignmentError as err:
        print(f"make assignments: {err}", file=sys.stderr)
        return 1
    print(f"Wrote {len(names)} assignments to {args.out}/source: {' '.join(names)}")
    if args.release:
        for name in names:
            nbgrader(["generate_assignment", name, "--force", "--log-level=WARN"],
                     course=args.out, check=True)
        print(f"Released them (without the answers) to {args.out}/release")
    return 0


if __name__ == "__main__":
    sys.exit(main())
