"""The nbgrader course (`make assignments`, tools/assignments.py).

First, every exercise of both editions: the solution cell with the key's working passes its test
cell, and the learner's placeholder alone fails it. Then one round trip with the real nbgrader
(in the teachers' environment, .venv-teach): generate_assignment, autograde of three
submissions (the key, the untouched release, one typical wrong answer) with the answer key made
unimportable, and export.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import shutil
import sqlite3
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from cnnlib import checks, config, solutions
from cnnlib.exercises.checks.common import forget_misses
from tools import assignments as asg

ROOT = Path(__file__).resolve().parents[1]
TOPICS = {ex.notebook for ex in solutions.exercises()}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    out = tmp_path_factory.mktemp("course")
    names = asg.write_course(out)
    return out, names


def cells_of(nb, kind):
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get(kind)]


def test_every_notebook_with_exercises_becomes_an_assignment_in_both_editions(course):
    out, names = course
    with_exercises = sorted(p.stem for p in (ROOT / "notebooks").glob("0*.ipynb")
                            if p.stem.split("_", 1)[1] in TOPICS)
    assert len(with_exercises) == len(TOPICS)  # every notebook the key has exercises for
    assert sorted(names) == sorted(with_exercises + [f"zh_{n}" for n in with_exercises])
    for name in names:
        assert (out / "source" / name / f"{name}.ipynb").is_file()
    config_text = (out / "nbgrader_config.py").read_text(encoding="utf-8")
    assert 'c.ClearSolutions.code_stub = {"python": "# ✏️"}' in config_text.replace("'", '"')
    assert re.search(r"^c\.Execute\.timeout = \d{3,}$", config_text, re.M)


def test_cells_are_split_locked_and_graded_with_stable_unique_ids(course, tmp_path):
    out, names = course
    again = asg.write_course(tmp_path)  # a rebuild writes the same bytes
    assert again == names
    for name in names:
        path = f"source/{name}/{name}.ipynb"
        assert (tmp_path / path).read_bytes() == (out / path).read_bytes(), name
        nb = nbformat.read(out / path, as_version=4)
        topic = name.removeprefix("zh_").split("_", 1)[1]
        key = [ex for ex in solutions.exercises() if ex.notebook == topic]
        ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells]
        assert len(ids) == len(set(ids)) == len(nb.cells), name  # every cell has one
        answers, tests = cells_of(nb, "solution"), cells_of(nb, "grade")
        assert [c.metadata.nbgrader.grade_id for c in tests] == [
            f"ex{ex.number}_{ex.checker.removeprefix('check_')}_test" for ex in key]
        assert [c.metadata.nbgrader.grade_id + "_test" for c in answers] == [
            c.metadata.nbgrader.grade_id for c in tests]
        for answer, test in zip(answers, tests, strict=True):
            assert nb.cells.index(test) == nb.cells.index(answer) + 1
            assert not answer.metadata.nbgrader.locked
            assert test.metadata.nbgrader.locked and test.metadata.nbgrader.points == 1
            assert test.source.startswith("assert checks.check_")
            assert answer.source.count(asg.BEGIN) == answer.source.count(asg.END) == 1
        lessons = [c for c in nb.cells if c not in answers and c not in tests]
        assert all(c.metadata.nbgrader.locked and not c.metadata.nbgrader.grade
                   and not c.metadata.nbgrader.solution for c in lessons)
        assert not any(c.source.startswith("<!--NAVIGATION-->") for c in nb.cells)
        setup = [c for c in lessons if "cnnlib.setup(" in c.source]
        assert len(setup) == 1 and "classroom=True)" in setup[0].source


def released(source: str) -> str:
    """The solution region replaced by the stub, as nbgrader's ClearSolutions does (the round
    trip below checks this against nbgrader itself)."""
    return re.sub(r"^(\s*)### BEGIN SOLUTION\n.*?^\s*### END SOLUTION$",
                  lambda m: m.group(1) + asg.CODE_STUB, source, flags=re.M | re.S)


def notebook_names(test_source: str, params: dict) -> dict:
    """The notebook's own names in a check call (``img=toy``) bound to the key's settings."""
    call = test_source.removeprefix("assert ")
    return {m.group(2): params[m.group(1)]
            for m in re.finditer(r"(\w+)=([A-Za-z_]\w*)\b(?!\()", call) if m.group(1) in params}


@pytest.mark.parametrize("edition", ["en", "zh"])
def test_the_keys_working_passes_every_test_cell_and_the_placeholder_fails(course, edition,
                                                                          monkeypatch):
    out, names = course
    monkeypatch.setattr(config, "_CLASSROOM_ON", True)
    key = {(ex.notebook, ex.number): ex for ex in solutions.exercises()}
    count = 0
    for name in names:
        if name.startswith("zh_") != (edition == "zh"):
            continue
        topic = name.removeprefix("zh_").split("_", 1)[1]
        nb = nbformat.read(out / "source" / name / f"{name}.ipynb", as_version=4)
        for number, (answer, test) in enumerate(zip(cells_of(nb, "solution"),
                                                    cells_of(nb, "grade")), start=1):
            ex = key[topic, number]
            for source, passes in ((answer.source, True), (released(answer.source), False)):
                forget_misses()
                names_ = {"np": np, "checks": checks, **notebook_names(test.source, ex.params)}
                with contextlib.redirect_stdout(io.StringIO()) as said:
                    exec(source, names_)  # noqa: S102 - our own generated cell
                    try:
                        exec(test.source, names_)  # noqa: S102
                        passed = True
                    except AssertionError:
                        passed = False
                assert passed is passes, f"{name} exercise {number}:\n{source}\n{said.getvalue()}"
                assert ("✅" in said.getvalue()) is passes
            count += 1
    assert count == len(key)


def test_a_notebook_and_key_that_do_not_fit_are_named(tmp_path):
    src = ROOT / "notebooks" / "04_pooling.ipynb"
    nb = nbformat.read(src, as_version=4)
    cell = next(c for c in nb.cells if asg.is_exercise(c))
    cell.source = cell.source.replace("answer_1 = None", "answer_1 = 7")
    broken = tmp_path / "04_pooling.ipynb"
    nbformat.write(nb, broken)
    with pytest.raises(asg.AssignmentError, match=r"pooling exercise 1: the cell should end "
                                                  r"with `answer_1 = None`"):
        asg.assignment(broken)
    cell.source = "answer_1 = None\nchecks.check_pooled_size(answer_1, n=89, size=3)"
    nbformat.write(nb, broken)
    with pytest.raises(asg.AssignmentError, match=r"pooling exercise 1 calls check_pooled_size, "
                                                  r"but the answer key has check_pooled"):
        asg.assignment(broken)
    with pytest.raises(asg.AssignmentError, match=r"--only: no notebook with exercises is "
                                                  r"called 00_index"):
        asg.write_course(tmp_path / "course", only=["00_index"])


def test_too_old_a_python_is_told_which_to_use():
    with pytest.raises(SystemExit, match=r"nbgrader 0\.9\.6 needs Python 3\.11 or newer, and "
                                         r"this environment has 3\.10.*PYTHON=python3\.11"):
        asg.check_python((3, 10, 14))
    asg.check_python((3, 11, 0))


def test_nbgrader_stays_out_of_the_learners_environment():
    """`make lab` runs .venv's JupyterLab: nbgrader and its extensions are not there."""
    from importlib.util import find_spec

    from jupyter_core.paths import jupyter_config_path, jupyter_path

    assert find_spec("nbgrader") is None and find_spec("notebook") is None
    assert not [p for p in jupyter_path("labextensions") if Path(p, "@jupyter", "nbgrader").exists()]
    assert not [p for p in jupyter_config_path()
                if Path(p, "jupyter_server_config.d", "nbgrader.json").exists()]


# ---------------------------------------------------------------------------------------------
# The round trip with the real nbgrader
# ---------------------------------------------------------------------------------------------
NAME = "04_pooling"
WRONG = ("ex3_pooled_size", "answer_3 = (89 - 3) // 3 + 1", "answer_3 = (89 - 3) // 3")
# The autograding kernels start with this on their path: the answer key cannot be imported.
NO_KEY = '''import importlib.abc, os, sys

with open(os.path.join(os.path.dirname(__file__), "loaded.txt"), "a") as fh:
    fh.write(" ".join(sys.orig_argv) + "\\n")  # who started with the key blocked

class NoKey(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.startswith("cnnlib") and name.rsplit(".", 1)[-1] == "solutions":
            raise ImportError(name + ": the answer key is not installed here")

sys.meta_path.insert(0, NoKey())
'''


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    if sys.version_info[:2] < asg.NBGRADER_PYTHON:
        pytest.skip("nbgrader 0.9.6 needs Python 3.11 or newer")
    venv = asg.make_teach_env()  # `make test` made it already; this only checks its stamp
    root = tmp_path_factory.mktemp("graded")
    course = root / "course"
    asg.write_course(course, only=[NAME])
    no_key = root / "no_key"
    no_key.mkdir()
    (no_key / "sitecustomize.py").write_text(NO_KEY, encoding="utf-8")
    env = dict(os.environ, CNNLIB_QUICK="1", CNNLIB_CLASSROOM="1",
               PYTHONPATH=os.pathsep.join([str(no_key), str(ROOT)]))

    def nbgrader(*args):
        run = asg.nbgrader(list(args), course=course, venv=venv, env=env, capture_output=True,
                           text=True, timeout=600, check=False)
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
        return run

    nbgrader("generate_assignment", NAME)
    source = course / "source" / NAME / f"{NAME}.ipynb"
    release = course / "release" / NAME / f"{NAME}.ipynb"
    wrong = nbformat.read(source, as_version=4)
    cell = next(c for c in wrong.cells if c.metadata.nbgrader.grade_id == WRONG[0])
    assert WRONG[1] in cell.source
    cell.source = cell.source.replace(WRONG[1], WRONG[2])  # forgot the + 1
    for student, write in (("key", lambda p: shutil.copy(source, p)),
                           ("blank", lambda p: shutil.copy(release, p)),
                           ("wrong", lambda p: nbformat.write(wrong, p))):
        folder = course / "submitted" / student / NAME
        folder.mkdir(parents=True)
        write(folder / f"{NAME}.ipynb")
    nbgrader("autograde", NAME)
    nbgrader("export", "--to", str(root / "grades.csv"))
    with open(root / "grades.csv", newline="", encoding="utf-8") as fh:
        grades = {row["student_id"]: row for row in csv.DictReader(fh)}
    kernels = [line for line in (no_key / "loaded.txt").read_text().splitlines()
               if "ipykernel_launcher" in line]
    assert len(kernels) == 3  # every autograding kernel ran with the key unimportable
    return course, grades


def test_generate_assignment_gives_a_release_without_the_answers(graded):
    course, _ = graded
    source = nbformat.read(course / "source" / NAME / f"{NAME}.ipynb", as_version=4)
    release = nbformat.read(course / "release" / NAME / f"{NAME}.ipynb", as_version=4)
    assert len(release.cells) == len(source.cells)
    text = json.dumps(release)
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    lesson = "\n".join(c.source for c in source.cells if not c.metadata.nbgrader.solution)
    for before, after in zip(source.cells, release.cells, strict=True):
        if before.metadata.nbgrader.solution:
            assert after.source == released(before.source)  # nbgrader's own ClearSolutions
            region = before.source.split(asg.BEGIN)[1].split(asg.END)[0]
            for line in filter(None, (s.strip() for s in region.splitlines())):
                assert text.count(json.dumps(line)[1:-1]) <= lesson.count(line), line
        else:
            assert after.source == before.source
            assert after.metadata.editable is False and after.metadata.deletable is False


def test_autograde_gives_the_key_full_marks_the_blank_zero_and_a_wrong_answer_one_miss(graded):
    course, grades = graded
    source = nbformat.read(course / "source" / NAME / f"{NAME}.ipynb", as_version=4)
    points = {c.metadata.nbgrader.grade_id: c.metadata.nbgrader.points
              for c in cells_of(source, "grade")}
    total = sum(points.values())
    assert total == 5
    assert {s: (float(g["score"]), float(g["max_score"])) for s, g in grades.items()} == {
        "key": (total, total), "blank": (0.0, total),
        "wrong": (total - points[WRONG[0] + "_test"], total)}
    with sqlite3.connect(course / "gradebook.db") as db:  # which cell lost the points
        lost = db.execute("""
            SELECT b.name FROM grade g
            JOIN base_cell b ON g.cell_id = b.id JOIN grade_cells c ON c.id = b.id
            JOIN submitted_notebook n ON g.notebook_id = n.id
            JOIN submitted_assignment a ON n.assignment_id = a.id
            WHERE a.student_id = 'wrong' AND g.auto_score < c.max_score""").fetchall()
    assert lost == [(WRONG[0] + "_test",)]


def test_autograded_feedback_gives_the_hint_and_no_answer(graded):
    course, _ = graded
    nb = nbformat.read(course / "autograded" / "wrong" / NAME / f"{NAME}.ipynb", as_version=4)
    test = next(c for c in nb.cells if c.metadata.nbgrader.grade_id == WRONG[0] + "_test")
    said = "".join(o.get("text", "") for o in test.outputs)
    assert "❌" in said and "you said 28" in said and "💡" not in said
    assert [o.ename for o in test.outputs if o.output_type == "error"] == ["AssertionError"]
    errors = [o.ename for c in nb.cells for o in c.get("outputs", [])
              if o.output_type == "error" and c is not test]
    assert errors == []  # the lessons ran with the key absent
