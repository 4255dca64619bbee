"""Every string an explorer shows (title, control labels, info line, messages) passes through
``cnnlib.text.i18n.t``, so a catalogue can translate it in one place."""

import importlib

import ipywidgets
import pytest

from cnnlib import i18n, widgets

NUMPY_EXPLORERS = ["pixel_explorer", "conv_step_explorer", "kernel_gallery_explorer",
                   "kernel_editor_explorer", "rgb_conv_explorer", "conv_arithmetic_explorer",
                   "receptive_field_explorer", "pooling_explorer", "pool_shift_explorer",
                   "pool_noise_explorer", "softmax_explorer", "connections_explorer",
                   "forward_pass_explorer", "pool_step_explorer", "loss_landscape_explorer",
                   "kernel_learning_explorer"]
MODULES = ["base", "controls", "photos", "pixels", "conv", "padding", "pooling", "dense",
           "grid_explorers", "learning"]


def test_t_fills_values_in():
    assert i18n.t("step {i} of {n}", i=2, n=9) == "step 2 of 9"
    assert i18n.t("no {fields} without values") == "no {fields} without values"


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


@pytest.mark.parametrize("name", NUMPY_EXPLORERS)
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
