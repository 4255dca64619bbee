"""Explorers for notebook 07: draw a digit with the mouse and watch a trained CNN read it.

The canvas is ipycanvas (works in JupyterLab 4 and Notebook 7). While the learner draws, every
stroke is painted twice: on the canvas, for the eye, and into a numpy array (``cnnlib.data.
draw_stroke``), which is what the model reads after ``cnnlib.data.prepare_drawing`` has
cropped, scaled and centred it as MNIST's digits were. The probabilities update while drawing
(at most every ``live_ms`` milliseconds) and when the pen is lifted.
"""

from __future__ import annotations

import time

import ipywidgets as widgets
import numpy as np

from cnnlib import data as mnist_data
from cnnlib.plots.common import new_figure
from cnnlib.plots.mnist import plot_drawing_steps

from .base import Explorer

__all__ = ["digit_canvas_explorer", "probs_html"]


def probs_html(probs=None) -> str:
    """Ten bars as HTML (cheap to redraw live); the winner highlighted. None: an invitation."""
    if probs is None:
        return ('<div class="cnn-digit-waiting" style="color:#555;padding:4px">'
                "Draw a digit in the box: the ten probabilities appear here.</div>")
    probs = np.asarray(probs, dtype=float).ravel()
    best = int(np.argmax(probs))
    rows = []
    for digit, p in enumerate(probs):
        color = "#ff7f0e" if digit == best else "#1f77b4"
        weight = "bold" if digit == best else "normal"
        rows.append(
            f'<div style="display:flex;align-items:center;gap:6px;height:18px;font-weight:{weight}">'
            f'<span style="width:12px;text-align:right">{digit}</span>'
            f'<span style="display:inline-block;width:{max(1, round(160 * p))}px;height:12px;'
            f'background:{color}"></span><span>{100 * p:.1f}%</span></div>')
    return (f'<div class="cnn-digit-prediction" data-digit="{best}" style="font-size:14px;'
            f'margin-bottom:4px">Prediction: <b>{best}</b> ({100 * probs[best]:.1f}%)</div>'
            + "".join(rows))


def digit_canvas_explorer(model=None, size: int = 280, live_ms: float = 250.0):
    """Draw a digit with the mouse; see its MNIST-style preparation and the model's ten
    probabilities.

    model: a trained Keras model taking (N, 28, 28, 1) floats in [0, 1]; None loads the saved
    one (``python -m cnnlib.train``) or trains one quickly (``models.load_or_train``).
    size: the canvas's side in pixels (10x MNIST's 28 by default).
    """
    from ipycanvas import Canvas, hold_canvas

    if model is None:
        from cnnlib import models

        model = models.load_or_train()
    if not 56 <= size <= 1000:
        raise ValueError(f"size must be in [56, 1000] pixels, got {size}")

    ink = np.zeros((size, size), dtype=np.float64)
    canvas = Canvas(width=size, height=size, layout=widgets.Layout(
        width=f"{size}px", height=f"{size}px", border="2px solid #888",
        flex="0 0 auto"))
    canvas.add_class("cnn-digit-canvas")
    probs_box = widgets.HTML(probs_html(None), layout=widgets.Layout(width="260px",
                                                                    margin="0 0 0 16px"))
    probs_box.add_class("cnn-digit-probs")
    brush = widgets.IntSlider(value=22, min=8, max=40, step=2, description="pen width",
                              style={"description_width": "initial"})
    clear = widgets.Button(description="Clear", icon="eraser")
    # wide enough for its label: the default 148 px cuts it off
    example = widgets.Button(description="Show an MNIST digit", icon="image",
                             layout=widgets.Layout(width="auto"))
    fig, axes = new_figure(1, 4, figsize=(8, 2.3), dpi=80)
    pen = {"down": False, "last": None, "last_draw": 0.0, "example": 0}
    threshold = 0.05  # ink below this counts as paper (as in prepare_drawing)
    blank = {"ink": np.zeros((size, size)), "crop": np.zeros((2, 2)), "scaled": np.zeros((2, 2)),
             "digit": np.zeros((28, 28)), "box": (0, 0, 0, 0), "shift": (0, 0),
             "com_final": (np.nan, np.nan)}
    explorer_state: dict = {}  # Explorer.state once the explorer exists

    def paint_background():
        with hold_canvas():
            canvas.fill_style = "white"
            canvas.fill_rect(0, 0, size, size)
            canvas.stroke_style = "black"
            canvas.line_cap = "round"
            canvas.line_join = "round"

    def render(brush):
        state = explorer_state
        if ink.max() <= threshold:
            plot_drawing_steps(blank, axes)
            axes[0].set_title("1. your drawing", fontsize=9)
            axes[3].set_title("4. what the model sees", fontsize=9)
            probs_box.value = probs_html(None)
            state.update(steps=None, probs=None, prediction=None)
            return "Draw a digit in the box with the mouse (press, move, release)."
        if explorer_state.get("drawn") and fig.get_layout_engine() is not None:
            # The layout is settled after the first picture: skip recomputing it every redraw.
            fig.set_layout_engine("none")
        steps = mnist_data.prepare_drawing(ink)
        x = steps["digit"][None, :, :, None]
        probs = np.asarray(model(x, training=False))[0]
        plot_drawing_steps(steps, axes)
        state["drawn"] = True
        probs_box.value = probs_html(probs)
        best = int(np.argmax(probs))
        state.update(steps=steps, probs=probs, prediction=best)
        top, bottom, left, right = steps["box"]
        h, w = steps["scaled"].shape
        return (f"Prediction <b>{best}</b> ({100 * probs[best]:.1f}%). "
                f"Ink box {right - left}&times;{bottom - top} px &rarr; scaled to "
                f"{w}&times;{h} &rarr; centred in 28&times;28, shifted by "
                f"{steps['shift'][0]:+d} rows, {steps['shift'][1]:+d} columns.")

    def stroke_to(x, y):
        width = brush.value
        last = pen["last"] or (x, y)
        mnist_data.draw_stroke(ink, [last, (x, y)], width=width)
        canvas.line_width = width
        canvas.stroke_line(last[0], last[1], x, y)
        pen["last"] = (x, y)

    def on_down(x, y):
        pen["down"] = True
        pen["last"] = None
        stroke_to(x, y)

    def on_move(x, y):
        if not pen["down"]:
            return
        stroke_to(x, y)
        now = time.perf_counter()
        if (now - pen["last_draw"]) * 1000 >= live_ms:
            pen["last_draw"] = now
            explorer.refresh()

    def on_up(x, y):
        if not pen["down"]:
            return
        pen["down"] = False
        pen["last"] = None
        pen["last_draw"] = time.perf_counter()
        explorer.refresh()

    def touch(handler):
        return lambda touches: handler(*touches[0]) if touches else None

    def on_clear(_=None):
        ink[:] = 0
        pen.update(down=False, last=None)
        paint_background()
        explorer.refresh()

    def on_example(_=None):
        digits, labels = mnist_data.offline_subset()
        i = pen["example"] % len(digits)
        pen["example"] += 97  # a different digit each click, all classes soon
        scale = size // 28
        big = np.kron(digits[i] / 255.0, np.ones((scale, scale)))
        ink[:] = 0
        ink[: big.shape[0], : big.shape[1]] = big
        rgba = np.zeros((size, size, 4), dtype=np.uint8)
        rgba[..., :3] = (255 * (1 - ink[..., None])).astype(np.uint8)
        rgba[..., 3] = 255
        canvas.put_image_data(rgba, 0, 0)
        explorer.state["example_label"] = int(labels[i])
        explorer.refresh()

    canvas.on_mouse_down(on_down)
    canvas.on_mouse_move(on_move)
    canvas.on_mouse_up(on_up)
    canvas.on_mouse_out(on_up)
    canvas.on_touch_start(touch(on_down))
    canvas.on_touch_move(touch(on_move))
    canvas.on_touch_end(lambda touches: on_up(0, 0))
    canvas.on_client_ready(paint_background)
    clear.on_click(on_clear)
    example.on_click(on_example)
    paint_background()

    board = widgets.HBox([canvas, probs_box], layout=widgets.Layout(align_items="flex-start"))
    buttons = widgets.HBox([clear, example])
    explorer = Explorer({"brush": brush}, render, fig, title="Draw a digit 手写一个数字",
                        extra=[board, buttons])
    explorer_state = explorer.state
    explorer.add_class("cnn-digit-explorer")
    explorer.canvas, explorer.ink, explorer.probs_box = canvas, ink, probs_box
    explorer.clear_button, explorer.example_button = clear, example
    explorer.model = model
    # Explorer rendered once in __init__ with an empty state dict; render again into the real one.
    explorer.refresh()
    return explorer

