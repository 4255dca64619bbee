"""Redraw latency of every explorer: build it, change each control, time the redraw.

The time is ``Explorer.refresh``: compute with cnnlib.core.ops, draw, and render the PNG that the
browser shows; what the browser adds is measured by tests/browser.
"""

from __future__ import annotations

import numpy as np

from bench.timing import percentile_ms
from cnnlib import widgets
from tests.explorer_checks import control_values, explorer_names, value_for

TITLE = "Explorer redraw latency (compute + draw + PNG; goal: median <= 150 ms, p90 <= 300 ms)"

SKIP = {"digit_canvas_explorer"}  # drawn with the mouse; timed in the browser test


def builders():
    for name in explorer_names():
        if name not in SKIP:
            yield name, getattr(widgets, name)


def run() -> list[dict]:
    rows = []
    all_samples = []
    for name, build in builders():
        explorer = build()
        samples = []
        for control in explorer.controls.values():
            default = control.value
            for v in control_values(control, 5) * 2:
                before = explorer.draw_count
                control.value = value_for(control, v)
                if explorer.draw_count > before:  # a real redraw (same value: no event)
                    samples.append(explorer.last_draw_ms)
            control.value = default
        if not samples:
            continue
        all_samples += samples
        rows.append({"explorer": name, "redraws": len(samples),
                     "median ms": f"{np.median(samples):.0f}",
                     "p90 ms": f"{percentile_ms(samples, 90):.0f}"})
    if all_samples:
        rows.append({"explorer": "all", "redraws": len(all_samples),
                     "median ms": f"{np.median(all_samples):.0f}",
                     "p90 ms": f"{percentile_ms(all_samples, 90):.0f}"})
    return rows
