"""A behaviour record of every explorer: its info lines, messages and computed arrays over a sweep
of its settings, written as JSON, so a refactoring can be checked to change nothing a learner sees.

    python -m tests.explorer_record OUT.json            # every explorer (Keras ones included)
    python -m tests.explorer_record OUT.json --numpy    # the numpy explorers only
    diff <(python -m json.tool BEFORE.json) <(python -m json.tool AFTER.json)

Explorers are discovered (``cnnlib.widgets.__all__``, names ending in ``_explorer``). The Keras
ones run on a small untrained, seeded model (the shape of the series' digit model). Arrays are
recorded as a hash of their values rounded to 9 digits, pictures as a hash of the PNG.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys

os.environ.setdefault("CNNLIB_QUICK", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402

from tests.explorer_checks import control_values, explorer_names, value_for  # noqa: E402

#: Slider tops lowered for the record (the slow gradient ascents), the same before and after.
CAPS = {"filter_visualization_explorer": {"steps": 40},
        "class_visualization_explorer": {"steps": 100}}


def _digest(a: np.ndarray) -> str:
    a = np.asarray(a)
    if a.dtype.kind == "f":
        a = np.round(a.astype(np.float64), 9) + 0.0  # + 0.0: -0.0 and 0.0 alike
    return f"{a.dtype.kind}{list(a.shape)}:" + hashlib.sha1(
        np.ascontiguousarray(a).tobytes()).hexdigest()[:16]


def summary(value):
    """A JSON-able summary of what an explorer keeps: arrays hashed, containers walked."""
    if isinstance(value, dict):
        return {str(k): summary(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, (int, float, np.number)) for v in value):
            return _digest(np.asarray(value, dtype=float))
        return [summary(v) for v in value]
    if isinstance(value, np.ndarray):
        return _digest(value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if np.isnan(value) else round(float(value), 9)
    if value is None or isinstance(value, str):
        return value
    return type(value).__name__


def snapshot(explorer) -> dict:
    out = {"values": summary(explorer.values), "info": explorer.info.value,
           "message": explorer.message.value, "state": summary(explorer.state)}
    if getattr(explorer, "grid", None) is not None:
        out["grid"] = summary(explorer.grid.data)
    if getattr(explorer, "image", None) is not None and explorer.image.value:
        out["png"] = hashlib.sha1(explorer.image.value).hexdigest()[:16]
    return out


def record_one(explorer, max_values: int = 4, n_random: int = 8, seed: int = 0) -> list[dict]:
    """The explorer at its defaults, then every control through its values (the others at their
    defaults), then random combinations: one snapshot after each change."""
    shots = [snapshot(explorer)]
    controls = explorer.controls
    defaults = {name: c.value for name, c in controls.items()}
    for name, control in controls.items():
        for v in control_values(control, max_values):
            control.value = value_for(control, v)
            shots.append(snapshot(explorer))
        control.value = defaults[name]
    rng = np.random.default_rng(seed)
    options = {n: control_values(c, max_values) for n, c in controls.items()}
    for _ in range(n_random):
        for name, values in options.items():
            if values:
                controls[name].value = value_for(controls[name], values[rng.integers(len(values))])
        shots.append(snapshot(explorer))
    return shots


def _keras_model():
    """The tests' two-block CNN, untrained and seeded, as every Keras explorer's default."""
    from cnnlib.tf.backend import import_tf

    import_tf()
    import keras

    from cnnlib.tf.interpret import _base
    from tests.test_interpret import _two_block_cnn

    model = _two_block_cnn(keras, seed=3)
    _base._DEFAULT["model"] = model
    return model


def build(name: str, model=None):
    from cnnlib import widgets

    fn = getattr(widgets, name)
    if name == "digit_canvas_explorer":
        return fn(model=model)
    return fn()


def record(names: list[str]) -> dict:
    import matplotlib.pyplot as plt

    model = _keras_model() if set(explorer_names("keras")) & set(names) else None
    out = {}
    for name in names:
        explorer = build(name, model)
        for control, top in CAPS.get(name, {}).items():
            explorer.controls[control].max = top
        shots = record_one(explorer)
        if name == "digit_canvas_explorer":  # the canvas with a digit on it, then cleared
            explorer.pad.show(np.kron(np.eye(28)[::-1] * 255, 1)[:28, :28])
            shots += [snapshot(explorer)] + record_one(explorer)
            explorer.pad.clear()
            shots.append(snapshot(explorer))
        out[name] = shots
        plt.close("all")
        print(f"{name}: {len(shots)} settings", file=sys.stderr)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--numpy", action="store_true", help="the numpy explorers only")
    parser.add_argument("--only", nargs="*", help="these explorers only")
    args = parser.parse_args(argv)
    names = args.only or explorer_names("numpy" if args.numpy else "all")
    data = record(names)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, ensure_ascii=False, sort_keys=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
