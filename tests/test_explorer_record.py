"""The behaviour record (tests/explorer_record.py) is exact enough to catch a change, and the
same on every run: what a refactoring of the explorers is checked against."""

from __future__ import annotations

import numpy as np

from cnnlib import widgets
from tests.explorer_record import record_one, snapshot, summary


def test_the_record_is_the_same_on_every_run():
    for build in (widgets.conv_step_explorer, widgets.connections_explorer):
        assert record_one(build(), n_random=3) == record_one(build(), n_random=3)


def test_the_record_sees_the_info_the_arrays_and_the_picture():
    e = widgets.pool_step_explorer()
    first = snapshot(e)
    assert {"values", "info", "message", "state", "grid"} <= set(first)
    e.controls["stride"].value = 1
    second = snapshot(e)
    assert second["info"] != first["info"] and second["grid"] != first["grid"]
    assert second["state"]["avg"] != first["state"]["avg"]
    f = widgets.connections_explorer()
    png = snapshot(f)["png"]
    f.controls["filters"].value = 2
    assert snapshot(f)["png"] != png


def test_arrays_are_recorded_by_value_to_nine_digits():
    a = np.array([[0.1, 0.2], [0.3, -0.0]])
    assert summary(a) == summary(a + 1e-12) == summary(np.asfortranarray(a))
    assert summary(a) != summary(a + 1e-6) and summary(a) != summary(a.T)
    assert summary({"b": 1, "a": (2, "x")}) == {"a": [2, "x"], "b": 1}
