"""Drive an explorer headless: every control through its values, and random combinations; read
its picture back as pixels. One helper for both kinds, a figure or a grid drawn in the browser.

Used by the explorer tests, the behaviour record and bench/explorers.py:

    from tests.explorer_checks import explorer_names, sweep
    report = sweep(widgets.pooling_explorer())
"""

from __future__ import annotations

import importlib
import itertools

import ipywidgets as widgets
import numpy as np


def explorer_names(kind: str = "all") -> list[str]:
    """The explorers ``cnnlib.widgets`` exports (names ending in ``_explorer``), discovered:
    "all", "numpy" (no TensorFlow), "keras", "figure" (numpy, drawn as a PNG) or "grid" (numpy,
    drawn in the browser, ``widgets.grid_explorers``)."""
    from cnnlib import widgets as cw

    names = [n for n in cw.__all__ if n.endswith("_explorer")]
    keras = [n for n in names if n in cw._TF_EXPLORERS]
    numpy = [n for n in names if n not in keras]
    grid = [n for n in numpy
            if importlib.import_module(getattr(cw, n).__module__) is cw.grid_explorers]
    return {"all": names, "keras": keras, "numpy": numpy, "grid": grid,
            "figure": [n for n in numpy if n not in grid]}[kind]


def control_values(control, max_values: int = 6) -> list:
    """Representative values of one control: all options, or an even spread incl. both ends."""
    if isinstance(control, (widgets.Dropdown, widgets.ToggleButtons, widgets.RadioButtons,
                            widgets.SelectionSlider, widgets.Select)):
        values = [v for _, v in control._options_labels_and_values] if hasattr(
            control, "_options_labels_and_values") else list(control.options)
        return [v[1] if isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], str) else v
                for v in values]
    if isinstance(control, widgets.Checkbox) or isinstance(control, widgets.ToggleButton):
        return [True, False]
    if isinstance(control, (widgets.IntSlider, widgets.BoundedIntText)):
        n = control.max - control.min + 1
        if n <= max_values:
            return list(range(control.min, control.max + 1))
        return sorted(set(np.linspace(control.min, control.max, max_values).round().astype(int)))
    if isinstance(control, (widgets.FloatSlider, widgets.BoundedFloatText, widgets.FloatLogSlider)):
        return list(np.linspace(control.min, control.max, max_values))
    return []  # free text and the like: the explorer's own test covers those


def value_for(control, v):
    """``v`` (from ``control_values``) in the type the control takes."""
    if isinstance(control, (widgets.Dropdown, widgets.ToggleButtons, widgets.RadioButtons,
                            widgets.SelectionSlider, widgets.Select)):
        return v
    if isinstance(control, (widgets.IntSlider, widgets.BoundedIntText)):
        return int(v)
    return v


def check_picture(explorer) -> None:
    """The picture matches the state: a PNG, or a grid whose arrays have the output's shape."""
    if explorer.image is not None:
        assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"
        return
    d, g = explorer.grid.data, explorer.state
    oh, ow = g["out_shape"]
    assert d["out_shape"] == [oh, ow] and len(d["tap_rows"]) == len(d["terms"]) == oh * ow
    for o in d["outputs"]:
        assert np.shape(o["values"]) == (oh, ow)
    assert 0 <= explorer.grid.step < max(1, oh * ow)


def check_state(explorer) -> str:
    """After a change: a picture and no message, or a one-line ValueError message. The pure
    step, called again without the widgets, gives the info line shown. Returns "ok" or
    "message"."""
    err = explorer.last_error
    if err is None:
        assert explorer.message.value == ""
        check_picture(explorer)
        state, info = explorer.compute(**explorer.values)
        assert info == explorer.info.value and state.keys() == explorer.state.keys()
        return "ok"
    assert isinstance(err, ValueError), f"{type(err).__name__}: {err} with {explorer.values}"
    text = explorer.message.value
    assert text and "Traceback" not in text and "\n" not in text
    return "message"


def sweep(explorer, max_values: int = 5, n_random: int = 25, seed: int = 0) -> dict:
    """Every control through its values (others at default), then random combinations.

    Returns counts of outcomes, e.g. {"ok": 40, "message": 3}.
    """
    counts = {"ok": 0, "message": 0}
    controls = explorer.controls
    defaults = {name: c.value for name, c in controls.items()}
    for name, control in controls.items():
        for v in control_values(control, max_values):
            control.value = value_for(control, v)
            counts[check_state(explorer)] += 1
        control.value = defaults[name]
    rng = np.random.default_rng(seed)
    options = {n: control_values(c, max_values) for n, c in controls.items()}
    options = {n: v for n, v in options.items() if v}
    for _ in range(n_random):
        for name, values in options.items():
            controls[name].value = value_for(controls[name], values[rng.integers(len(values))])
        counts[check_state(explorer)] += 1
    for name, value in defaults.items():
        controls[name].value = value
    assert check_state(explorer) == "ok", "defaults must draw"
    return counts


def all_combinations(explorer, max_values: int = 3):
    """Yield after setting every combination of a few values per control (small explorers)."""
    names = list(explorer.controls)
    grids = [control_values(explorer.controls[n], max_values) or [explorer.controls[n].value]
             for n in names]
    for combo in itertools.product(*grids):
        for name, v in zip(names, combo):
            explorer.controls[name].value = value_for(explorer.controls[name], v)
        yield dict(zip(names, combo))


def png_pixels(png: bytes) -> np.ndarray:
    """A PNG (an explorer's ``image.value``) as an (H, W, 3) int array, to compare pictures."""
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
