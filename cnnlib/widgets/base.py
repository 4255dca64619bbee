"""The one pattern every explorer follows: controls -> compute -> draw -> PNG in an Image widget.

``Explorer`` wires it. A builder in a topic module makes the controls and a figure, and passes a
``render(**values)`` function that computes with ``cnnlib.ops``, draws with ``cnnlib.plots`` onto
the figure, and returns a short info text (HTML allowed, e.g. the output-size formula with its
numbers). A ``ValueError`` from ``render`` (bad settings) becomes a one-line message inside the
widget; the last good picture stays. Nothing is ever displayed from here: builders *return*.

Tests drive explorers without a browser: set ``explorer.controls["stride"].value = 2``, then read
``explorer.info.value``, ``explorer.message.value``, ``explorer.image.value`` (PNG bytes) or
``explorer.state`` (whatever render stored there, e.g. the computed arrays).
"""

from __future__ import annotations

import html
import time
import traceback

import ipywidgets as widgets

from cnnlib.plots.common import figure_to_png

__all__ = ["Explorer"]


class Explorer(widgets.VBox):
    def __init__(self, controls: dict, render, figure, *, title: str | None = None,
                 extra: list | None = None, width: int | None = None, height: int | None = None):
        self.controls = dict(controls)
        self.figure = figure
        self._render = render
        self.state: dict = {}
        self.last_error: Exception | None = None
        self.last_draw_ms: float | None = None
        self.draw_count = 0
        w_px = width or int(figure.get_figwidth() * figure.dpi)
        h_px = height or int(figure.get_figheight() * figure.dpi)
        # Fixed size, so the page never jumps while the picture is redrawn.
        self.image = widgets.Image(format="png", layout=widgets.Layout(
            width=f"{w_px}px", height=f"{h_px}px", object_fit="contain"))
        self.image.add_class("cnn-explorer-figure")
        self.info = widgets.HTML(layout=widgets.Layout(min_height="1.6em"))
        self.info.add_class("cnn-explorer-info")
        self.message = widgets.HTML(layout=widgets.Layout(min_height="1.6em"))
        self.message.add_class("cnn-explorer-message")
        control_box = widgets.Box(list(self.controls.values()), layout=widgets.Layout(
            display="flex", flex_flow="row wrap", align_items="center"))
        children = []
        if title:
            children.append(widgets.HTML(f"<b>{html.escape(title)}</b>"))
        children += [control_box, *(extra or []), self.info, self.message, self.image]
        super().__init__(children)
        self.add_class("cnn-explorer")
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.refresh()

    @property
    def values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def _on_change(self, _change) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Recompute and redraw from the current control values; never raises."""
        start = time.perf_counter()
        try:
            info = self._render(**self.values)
        except ValueError as err:  # bad settings: say so in one line, keep the last picture
            self.last_error = err
            self.message.value = (
                f'<span style="color:#b00020">&#9888; {html.escape(str(err))}</span>')
            return
        except Exception as err:  # noqa: BLE001 - a widget shows a message, never a traceback
            self.last_error = err
            traceback.print_exc()  # into the kernel log, for whoever debugs it
            self.message.value = (
                f'<span style="color:#b00020">&#9888; unexpected error: '
                f"{html.escape(type(err).__name__)}: {html.escape(str(err))}</span>")
            return
        self.last_error = None
        self.message.value = ""
        self.info.value = info or ""
        self.image.value = figure_to_png(self.figure)
        self.draw_count += 1
        self.last_draw_ms = (time.perf_counter() - start) * 1000
