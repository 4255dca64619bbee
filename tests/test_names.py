"""Accessible names, the Python side (issue 30): every explorer describes its picture in both
languages, every control it shows has a description to be named by, and ``names.Names`` (the one
mechanism, ``cnnlib/widgets/names.py``) sits in every explorer with that description as the
picture's ``alt``. The browser side, that the names reach the page, is
in tests/browser/test_notebooks.py (every notebook) and test_zh_cn.py (Chinese)."""

from __future__ import annotations

import ast
import re
import warnings
from pathlib import Path

import ipywidgets
import pytest

import cnnlib
from cnnlib import widgets
from cnnlib.widgets.names import CSS, Names
from tests.explorer_checks import explorer_names

ROOT = Path(__file__).resolve().parents[1]
HAN = re.compile(r"[\u4e00-\u9fff]")
#: what a learner operates: each must carry a description (or, a button, its text)
OPERATED = (ipywidgets.widgets.widget_int._Int, ipywidgets.widgets.widget_float._Float,
            ipywidgets.widgets.widget_selection._Selection, ipywidgets.Checkbox,
            ipywidgets.ToggleButton, ipywidgets.Button, ipywidgets.FileUpload, ipywidgets.Text,
            ipywidgets.Textarea)


def _descendants(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _descendants(child)


@pytest.fixture(params=["en", "zh"])
def lang(request):
    cnnlib.setup(lang=request.param)
    yield request.param
    cnnlib.setup(lang="en")


def _build(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(widgets, name)()


@pytest.mark.parametrize("name", explorer_names("numpy"))
def test_every_explorer_describes_its_picture_and_names_its_controls(lang, name):
    explorer = _build(name)
    assert explorer.picture.strip(), f"{name}: no description of its picture"
    # in the learner's language: Chinese in the Chinese edition, no Chinese in the English one
    assert bool(HAN.search(explorer.picture)) == (lang == "zh"), (name, lang, explorer.picture)
    names = [w for w in _descendants(explorer) if isinstance(w, Names)]
    assert len(names) == 1 and names[0] is explorer.names, f"{name}: one Names widget, not {names}"
    assert names[0].alt == explorer.picture and CSS in names[0]._dom_classes
    assert {"play", "pause", "stop", "repeat"} <= names[0].words.keys()
    assert all(v.strip() for v in names[0].words.values())
    operated = [w for w in _descendants(explorer) if isinstance(w, OPERATED)]
    assert operated, f"{name}: no controls found"
    for w in operated:
        said = (w.description or "").strip() or (getattr(w, "tooltip", None) or "").strip()
        assert said, f"{name}: a {type(w).__name__} with no description (value {w.value!r})"
        if lang == "zh" and not isinstance(w, ipywidgets.Play):
            # a label of three or more Latin letters in a row must be Chinese ("k" or "w₁" may stay)
            assert HAN.search(said) or not re.search("[A-Za-z]{3}", said), (name, said)


EXPLORER_CALLS = {"Explorer", "GridExplorer"}


def test_every_explorer_in_the_source_passes_a_picture_description():
    """The Keras explorers too (they need a model to build, so they are read, not run): every
    ``Explorer(...)``/``GridExplorer(...)`` call and every subclass's ``super().__init__`` gives a
    literal ``picture=``."""
    calls = []
    for path in sorted((ROOT / "cnnlib" / "widgets").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        subclasses = {n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and any(
            getattr(b, "id", None) in EXPLORER_CALLS for b in n.bases)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            named = isinstance(f, ast.Name) and f.id in EXPLORER_CALLS
            sup = (isinstance(f, ast.Attribute) and f.attr == "__init__" and isinstance(
                f.value, ast.Call) and getattr(f.value.func, "id", None) == "super")
            if not (named or (sup and subclasses)):
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            kw = {k.arg: k.value for k in node.keywords}
            if sup and path.name == "grid_explorers.py":  # passes its own ``picture`` argument on
                assert isinstance(kw.get("picture"), ast.Name), where
                continue
            calls.append(where)
            pic = kw.get("picture")
            assert isinstance(pic, ast.Constant) and str(pic.value).strip(), \
                f"{where}: no picture= description"
    assert len(calls) >= len(explorer_names("all")) - 1, calls  # digit_canvas: one subclass call


def test_the_static_site_writes_the_pictures_description_as_alt():
    """tools/build_html turns a saved figure explorer into a still picture: its alt is the
    explorer's description (escaped), and the hidden Names widget does not make it live."""
    from ipywidgets.embed import dependency_state

    from tools import build_html

    cnnlib.setup(lang="zh")
    try:
        explorer = _build("pooling_explorer")
    finally:
        cnnlib.setup(lang="en")
    state = dependency_state(explorer)
    ids = build_html._subtree(explorer.model_id, state)
    assert explorer.names.model_id in ids
    assert "anywidget" not in build_html._modules(ids, state)
    page = build_html._static_explorer(explorer.model_id, state)
    alt = re.search(r'<img [^>]*alt="([^"]*)"', page).group(1)
    assert alt == explorer.picture and HAN.search(alt), alt
