"""A grid of numbers drawn in the browser (anywidget): input, kernel and output, linked by pointing.

Python computes every number (``cnnlib.core.gridstate`` on top of ``cnnlib.core.ops``) and sends plain
arrays in one ``data`` message; ``grid.js`` only draws them and handles pointing and stepping:
pointing at an output cell highlights the window it came from, the products and their sum;
▶ walks the window a few steps a second, pointing pauses it, the arrow keys step it. Nothing
that pointing does goes back to the kernel; a step does (``step``), so Python can read it.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import numpy as np
import traitlets

from cnnlib.text.i18n import t

__all__ = ["GridWidget", "grid_payload"]

_HERE = Path(__file__).parent


class GridWidget(anywidget.AnyWidget):
    """The drawing; ``data`` is what ``grid_payload`` returns. ``step`` is the output cell the
    window sits on (row by row), ``playing`` whether ▶ is on, ``interval_ms`` the time per step."""

    _esm = _HERE / "grid.js"
    _css = _HERE / "grid.css"
    data = traitlets.Dict().tag(sync=True)
    step = traitlets.Int(0).tag(sync=True)
    playing = traitlets.Bool(False).tag(sync=True)
    interval_ms = traitlets.Int(400).tag(sync=True)

    @property
    def n_steps(self) -> int:
        oh, ow = self.data.get("out_shape", (0, 0))
        return oh * ow

    def show(self, data: dict) -> None:
        """New arrays in one message; the step stays where it was if it still exists."""
        with self.hold_sync():
            self.data = data
            oh, ow = data["out_shape"]
            if self.step >= oh * ow:
                self.step = 0


def _rows(a, digits: int) -> list:
    """A numpy array as nested lists of rounded floats (JSON; no 0.30000000000000004)."""
    return np.round(np.asarray(a, dtype=float), digits).tolist()


def grid_words() -> dict:
    """The words grid.js writes (legend, step line, button titles, grid name, live region), in
    the learner's language;
    ``{step}``-style fields are filled in by grid.js."""
    return {
        "output": t("output"), "max": t("max"), "average": t("average"),
        "window": t("window"), "taps": t("taps (dilated)"), "padding": t("padding (zeros)"),
        "unread": t("never read"), "kept": t("kept by max"), "cell": t("output cell"),
        "none": t("no output cells"), "step": t("step {step} of {n}"),
        "pointing": t(" · pointing at output[{i}, {j}]"),
        "prev": t("previous step (←)"),
        "play": t("play (Space or Enter); pointing at the output pauses"),
        "next": t("next step (→)"),
        "grid": t("number grid: Tab to the output cells, the arrow keys move the window, "
                  "Space or Enter plays"),
        # the live region, read aloud when the window moves: what the output cell is made of
        "live": t("{name}[{i}, {j}] = {value}: window rows {r0}-{r1}, columns {c0}-{c1}, {what}"),
        "live_sum": t("sum of {n} products"), "live_max": t("the largest of {n} values"),
        "live_avg": t("the mean of {n} values"),
    }


def grid_payload(grid: dict, *, titles: dict, digits: int = 2, outputs: list | None = None,
                 reveal: bool = False, show_coverage: bool = False) -> dict:
    """What the browser draws, from a ``cnnlib.core.gridstate`` dict.

    titles: {"input", "kernel", "output"} panel titles. outputs: [(name, op, array)], op one of
    "sum", "max", "avg" (default: the grid's own output). reveal: fade the output cells the
    window has not reached yet. show_coverage: write in each input cell how many taps read it.
    """
    oh, ow = grid["out_shape"]
    kh, kw = grid["rows"].shape[2:]
    mode = grid["mode"]
    if outputs is None:
        outputs = [("output", "sum" if mode == "conv" else mode, grid["output"])]
    (top, _), (left, _) = grid["pads"]
    unread = np.zeros(grid["input"].shape, dtype=bool)
    h, w = grid["visited"].shape
    unread[top:top + h, left:left + w] = ~grid["visited"]
    data = {
        "mode": mode,
        "digits": digits,
        "titles": titles,
        "input": _rows(grid["input"], digits),
        "pad": grid["pad_mask"].astype(int).tolist(),
        "unread": unread.astype(int).tolist(),
        "coverage": grid["coverage"].tolist() if show_coverage else None,
        "kernel": _rows(grid["kernel"], digits) if "kernel" in grid else None,
        "window": [int(kh), int(kw)],
        "dilation": int(grid.get("dilation", 1)),
        "out_shape": [int(oh), int(ow)],
        # per output cell (row by row), per tap (row by row): padded-grid row and column
        "tap_rows": grid["rows"].reshape(oh * ow, kh * kw).tolist(),
        "tap_cols": grid["cols"].reshape(oh * ow, kh * kw).tolist(),
        # conv: tap × kernel; pooling: the tap's value
        "terms": _rows(grid["products"] if "products" in grid else grid["taps"], digits)
        if oh * ow else [],
        "winner": grid["winner"].ravel().tolist() if "winner" in grid else None,
        "outputs": [{"name": name, "op": op, "values": _rows(values, digits)}
                    for name, op, values in outputs],
        "reveal": bool(reveal),
        "words": grid_words(),
    }
    data["terms"] = np.asarray(data["terms"]).reshape(oh * ow, kh * kw).tolist()
    return data
