"""Explorers for notebook 07: draw a digit with the mouse and watch a trained CNN read it.

``DigitCanvas`` is the drawing surface (ipycanvas; works in JupyterLab 4 and Notebook 7): every
stroke is painted twice, on the canvas for the eye and into a numpy array (``cnnlib.core.drawing.
draw_stroke``), which is what the model reads after ``cnnlib.core.drawing.prepare_drawing`` has cropped,
scaled and centred it as MNIST's digits were. ``digit_canvas_explorer`` wires it to the model:
the probabilities update while drawing (at most every ``live_ms`` milliseconds) and when the
pen is lifted.
"""

from __future__ import annotations

import time

import ipywidgets as widgets
import numpy as np

from cnnlib.core import digits, drawing
from cnnlib.plots.common import new_figure
from cnnlib.plots.mnist import plot_drawing_steps, probs_html
from cnnlib.text.i18n import t
from cnnlib.tf import models

from ..base import Explorer
from ..controls import WIDE, int_slider

__all__ = ["DigitCanvas", "DigitCanvasExplorer", "digit_canvas_explorer"]

INK_THRESHOLD = 0.05  # ink below this counts as paper (as in prepare_drawing)


class DigitCanvas:
    """A square canvas the learner draws on, and the ink it holds as a numpy array.

    The pen: pressed -> each move strokes from the last point (``pen_width()`` pixels wide) ->
    lifted. ``on_ink(final)`` is called while drawing (at most every ``live_ms`` milliseconds,
    final=False), when the pen is lifted (final=True), and after ``clear`` or ``show``.
    """

    def __init__(self, size: int, pen_width, on_ink, live_ms: float = 250.0):
        from ipycanvas import Canvas

        if not 56 <= size <= 1000:
            raise ValueError(t("size must be in [56, 1000] pixels, got {size}", size=size))
        self.size, self.live_ms = size, live_ms
        self._pen_width, self._on_ink = pen_width, on_ink
        self.ink = np.zeros((size, size), dtype=np.float64)
        self.down, self.last, self.last_draw = False, None, 0.0
        self.next_example = 0
        self.canvas = Canvas(width=size, height=size, layout=widgets.Layout(
            width=f"{size}px", height=f"{size}px", border="2px solid #888", flex="0 0 auto"))
        self.canvas.add_class("cnn-digit-canvas")
        c = self.canvas
        c.on_mouse_down(self.press)
        c.on_mouse_move(self.move)
        c.on_mouse_up(self.lift)
        c.on_mouse_out(self.lift)
        c.on_touch_start(self._touch(self.press))
        c.on_touch_move(self._touch(self.move))
        c.on_touch_end(lambda touches: self.lift(0, 0))
        c.on_client_ready(self.paint_background)
        self.paint_background()

    @staticmethod
    def _touch(handler):
        return lambda touches: handler(*touches[0]) if touches else None

    def paint_background(self):
        from ipycanvas import hold_canvas

        with hold_canvas():
            self.canvas.fill_style = "white"
            self.canvas.fill_rect(0, 0, self.size, self.size)
            self.canvas.stroke_style = "black"
            self.canvas.line_cap = "round"
            self.canvas.line_join = "round"

    def stroke_to(self, x, y):
        width = self._pen_width()
        last = self.last or (x, y)
        drawing.draw_stroke(self.ink, [last, (x, y)], width=width)
        self.canvas.line_width = width
        self.canvas.stroke_line(last[0], last[1], x, y)
        self.last = (x, y)

    def press(self, x, y):
        self.down, self.last = True, None
        self.stroke_to(x, y)

    def move(self, x, y):
        if not self.down:
            return
        self.stroke_to(x, y)
        now = time.perf_counter()
        if (now - self.last_draw) * 1000 >= self.live_ms:
            self.last_draw = now
            self._on_ink(False)

    def lift(self, x, y):
        if not self.down:
            return
        self.down, self.last = False, None
        self.last_draw = time.perf_counter()
        self._on_ink(True)

    def clear(self, _=None):
        self.ink[:] = 0
        self.down, self.last = False, None
        self.paint_background()
        self._on_ink(True)

    def show(self, digit):
        """Paint a 28x28 digit (0-255), enlarged, as if it had been drawn."""
        scale = self.size // 28
        big = np.kron(digit / 255.0, np.ones((scale, scale)))
        self.ink[:] = 0
        self.ink[: big.shape[0], : big.shape[1]] = big
        rgba = np.zeros((self.size, self.size, 4), dtype=np.uint8)
        rgba[..., :3] = (255 * (1 - self.ink[..., None])).astype(np.uint8)
        rgba[..., 3] = 255
        self.canvas.put_image_data(rgba, 0, 0)
        self._on_ink(True)

    def show_example(self) -> int:
        """Show the next digit of the offline MNIST subset; returns its label."""
        x, y = digits.offline_subset()
        i = self.next_example % len(x)
        self.next_example += 97  # a different digit each click, all classes soon
        label = int(y[i])
        self.show(x[i])
        return label

    def blank_steps(self) -> dict:
        """What ``prepare_drawing`` would show for an empty canvas (its steps, all blank)."""
        return {"ink": np.zeros((self.size, self.size)), "crop": np.zeros((2, 2)),
                "scaled": np.zeros((2, 2)), "digit": np.zeros((28, 28)), "box": (0, 0, 0, 0),
                "shift": (0, 0), "com_final": (np.nan, np.nan)}

    def is_blank(self) -> bool:
        return self.ink.max() <= INK_THRESHOLD


class DigitCanvasExplorer(Explorer):
    """The digit canvas wired to a model (see ``digit_canvas_explorer``). Its ``compute`` reads
    the canvas's ink besides the pen width: the ink is the input here.

    Parts, all set here: ``model``, ``pad`` (the ``DigitCanvas``), ``canvas`` (its ipycanvas),
    ``ink`` (the array it paints into), ``probs_box`` (the ten probabilities), ``clear_button``
    and ``example_button``.
    """

    def __init__(self, model, size: int = 280, live_ms: float = 250.0):
        self.model = model
        brush = int_slider("pen width", 22, 8, 40, step=2, style=WIDE)
        self.pad = DigitCanvas(size, lambda: brush.value, lambda final: self.refresh(), live_ms)
        self.canvas, self.ink = self.pad.canvas, self.pad.ink
        self.probs_box = widgets.HTML(probs_html(None), layout=widgets.Layout(
            width="260px", margin="0 0 0 16px"))
        self.probs_box.add_class("cnn-digit-probs")
        self.clear_button = widgets.Button(description=t("Clear"), icon="eraser")
        # wide enough for its label: the default 148 px cuts it off
        self.example_button = widgets.Button(description=t("Show an MNIST digit"), icon="image",
                                             layout=widgets.Layout(width="auto"))
        self._axes = new_figure(1, 4, figsize=(8, 2.3), dpi=80)[1]
        self._drawn = False  # a drawn picture has settled the layout
        board = widgets.HBox([self.canvas, self.probs_box],
                             layout=widgets.Layout(align_items="flex-start"))
        super().__init__({"brush": brush}, self._compute, self._draw, self._axes[0].figure,
                         title="Draw a digit 手写一个数字",
              picture="Your drawing in four steps: with its ink box, cropped, scaled, and "
                      "centred in 28×28 as the model sees it.", layout="live",
                         extra=[board, widgets.HBox([self.clear_button, self.example_button])])
        self.clear_button.on_click(self.pad.clear)
        self.example_button.on_click(self._show_example)
        self.add_class("cnn-digit-explorer")

    def _compute(self, brush):
        if self.pad.is_blank():
            return (dict(steps=None, probs=None, prediction=None),
                    t("Draw a digit in the box with the mouse (press, move, release)."))
        steps = drawing.prepare_drawing(self.pad.ink)
        probs = models.predict_probs(self.model, steps["digit"][None, :, :, None])[0]
        best = int(np.argmax(probs))
        top, bottom, left, right = steps["box"]
        h, w = steps["scaled"].shape
        return dict(drawn=True, steps=steps, probs=probs, prediction=best), t(
            "Prediction <b>{best}</b> ({p:.1f}%). Ink box {w0}&times;{h0} px &rarr; scaled "
            "to {w}&times;{h} &rarr; centred in 28&times;28, shifted by {dr:+d} rows, "
            "{dc:+d} columns.", best=best, p=100 * probs[best], w0=right - left,
            h0=bottom - top, w=w, h=h, dr=steps["shift"][0], dc=steps["shift"][1])

    def _draw(self, state, brush):
        axes = self._axes
        if state["steps"] is None:
            plot_drawing_steps(self.pad.blank_steps(), axes)
            axes[0].set_title(t("1. your drawing"), fontsize=9)
            axes[3].set_title(t("4. what the model sees"), fontsize=9)
        else:
            if self._drawn:
                self.freeze_layout()  # settled by the first drawn picture
            self._drawn = True
            plot_drawing_steps(state["steps"], axes)
        self.probs_box.value = probs_html(state["probs"])

    def _show_example(self, _=None):
        label = self.pad.show_example()  # redraws
        self.state["example_label"] = label


def digit_canvas_explorer(model=None, size: int = 280, live_ms: float = 250.0):
    """Draw a digit with the mouse; see its MNIST-style preparation and the model's ten
    probabilities.

    model: a trained Keras model taking (N, 28, 28, 1) floats in [0, 1]; None loads the saved
    one (``python -m cnnlib.train``) or trains one quickly (``models.load_or_train``).
    size: the canvas's side in pixels (10x MNIST's 28 by default).
    """
    return DigitCanvasExplorer(models.load_or_train() if model is None else model, size,
                               live_ms)
