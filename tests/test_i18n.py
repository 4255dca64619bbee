"""Every string an explorer shows (title, control labels, info line, messages) passes through
``cnnlib.text.i18n.t``, so a catalogue can translate it in one place."""

import importlib
import pkgutil

import ipywidgets
import pytest

from cnnlib import i18n, widgets
from tests.explorer_checks import explorer_names

#: The numpy side's widget modules that translate with ``t`` (the Keras ones in widgets.tf).
MODULES = [m.name for m in pkgutil.iter_modules(widgets.__path__)
           if not m.ispkg and hasattr(importlib.import_module(f"cnnlib.widgets.{m.name}"), "t")]


def test_t_fills_values_in():
    assert i18n.t("step {i} of {n}", i=2, n=9) == "step 2 of 9"
    assert i18n.t("no {fields} without values") == "no {fields} without values"


def test_a_list_inside_a_sentence_is_written_in_the_learners_language():
    import cnnlib

    assert i18n.t_list([5, 7]) == "5, 7" and i18n.t_list([3]) == "3"
    cnnlib.setup(lang="zh")
    try:
        assert i18n.t_list([5, 7, 9]) == "5、7、9" and i18n.t_list([]) == ""
        assert i18n.t("{expected}: rows {skipped} are never read.", expected=2,
                      skipped=i18n.t_list([5, 7])) == "2：第 5、7 行从来没被读到。"
    finally:
        cnnlib.setup()


def _is_number(label: str) -> bool:
    """A number needs no translation ("3", "-1", "0.05")."""
    try:
        float(label)
    except ValueError:
        return False
    return True


@pytest.fixture
def marked(monkeypatch):
    """``t`` swapped for one that brackets what it returns, in every module that uses it."""
    def fake(text, **values):
        return "«" + (text.format(**values) if values else text) + "»"

    for name in MODULES:
        monkeypatch.setattr(importlib.import_module(f"cnnlib.widgets.{name}"), "t", fake)


def test_the_modules_are_found():
    assert {"base", "controls", "photos", "conv", "grid_explorers", "sizes"} <= set(MODULES)


@pytest.mark.parametrize("name", explorer_names("numpy"))
def test_every_shown_string_goes_through_t(marked, name):
    explorer = getattr(widgets, name)()
    title = explorer.children[0]
    assert "«" in title.value, title.value
    assert explorer.info.value.startswith("«"), explorer.info.value
    for key, control in explorer.controls.items():
        assert control.description.startswith("«"), key
        labels = getattr(control, "_options_labels", ())
        assert all(label.startswith("«") or _is_number(label) for label in labels), (key, labels)
    play = [c for c in explorer.children if isinstance(c, ipywidgets.Play)]
    assert all(p.description.startswith("«") for p in play)
