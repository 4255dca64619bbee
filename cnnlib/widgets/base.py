"""The one pattern every explorer follows: controls -> compute -> draw -> PNG in an Image widget.

``Explorer`` wires it. A builder in a topic module makes the controls (``widgets.controls``) and a
figure, and passes a ``render(state, **values)`` function that computes with ``cnnlib.core.ops`` (or
``cnnlib.core.experiments``), draws with ``cnnlib.plots`` onto the figure, keeps what it computed in
``state`` (the explorer's own dict), and returns a short info text made with ``i18n.t`` (HTML
allowed, e.g. the output-size formula with its numbers). A ``ValueError`` from ``render`` (bad settings) becomes a one-line message inside the
widget; the last good picture stays. Nothing is ever displayed from here: builders *return*.

Tests drive explorers without a browser: set ``explorer.controls["stride"].value = 2``, then read
``explorer.info.value``, ``explorer.message.value``, ``explorer.image.value`` (PNG bytes) or
``explorer.state`` (whatever render stored there, e.g. the computed arrays).

The figure's layout is settled once, here (``freeze_layout``): a layout engine would lay the
figure out again, one more pass over every text, on each redraw.
"""

from __future__ import annotations

import html
import time
import traceback

import ipywidgets as widgets

from cnnlib.plots.common import figure_to_png
from cnnlib.text.i18n import t

__all__ = ["Explorer"]


class Explorer(widgets.VBox):
    """controls + render + figure -> a widget that redraws when a control changes.

    on_change: ``on_change(change, controls)`` runs before the redraw a change causes (e.g. to
    set a slider's max to what the chosen image allows); the changes it makes cause no redraws
    of their own. layout: "freeze" (keep where the first draw's layout put the axes), a
    ``subplots_adjust`` dict (fixed positions from the start), or "live" (the builder freezes it
    later with ``freeze_layout``). arrange: widgets to show instead of one row of every control.
    view: for an explorer drawn in the browser (``grid_explorers.GridExplorer``), the widget that
    shows what ``render`` sent it, in place of a figure turned into a PNG (``figure=None``).
    css: the CSS class of the explorer; its info and message lines get ``css + "-info"`` and
    ``css + "-message"`` (the browser tests and the static site find them by these).
    """

    def __init__(self, controls: dict, render, figure, *, title: str | None = None,
                 extra: list | None = None, on_change=None, layout="freeze", arrange=None,
                 width: int | None = None, height: int | None = None, view=None,
                 css: str = "cnn-explorer"):
        self.controls = dict(controls)
        self.figure = figure
        self._render = render
        self._hook = on_change
        self._quiet = False
        self.state: dict = {}
        self.last_error: Exception | None = None
        self.last_draw_ms: float | None = None
        self.draw_count = 0
        if isinstance(layout, dict):
            self.freeze_layout(layout)
        self.image = None
        if figure is not None:
            w_px = width or int(figure.get_figwidth() * figure.dpi)
            h_px = height or int(figure.get_figheight() * figure.dpi)
            # Fixed size, so the page never jumps while the picture is redrawn.
            self.image = widgets.Image(format="png", layout=widgets.Layout(
                width=f"{w_px}px", height=f"{h_px}px", object_fit="contain"))
            self.image.add_class("cnn-explorer-figure")
            view = self.image
        self.info = widgets.HTML(layout=widgets.Layout(min_height="1.6em"))
        self.info.add_class(f"{css}-info")
        self.message = widgets.HTML(layout=widgets.Layout(min_height="1.6em"))
        self.message.add_class(f"{css}-message")
        control_box = widgets.Box(list(arrange or self.controls.values()),
                                  layout=widgets.Layout(display="flex", flex_flow="row wrap",
                                                        align_items="center"))
        children = []
        if title:
            children.append(widgets.HTML(f"<b>{html.escape(t(title))}</b>"))
        children += [control_box, *(extra or []), self.info, self.message, view]
        super().__init__(children)
        self.add_class(css)
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.refresh()
        if layout == "freeze":
            self.freeze_layout()

    def freeze_layout(self, adjust: dict | None = None) -> None:
        """Keep the axes where they are (or place them by ``adjust``) and drop the layout
        engine: savefig then skips its layout pass on every redraw."""
        if self.figure is None:  # drawn in the browser: nothing to lay out
            return
        self.figure.set_layout_engine(None)
        if adjust:
            self.figure.subplots_adjust(**adjust)

    def show_message(self, text: str) -> None:
        """One line in the explorer's message area (e.g. why an uploaded photo was refused);
        the picture stays as it was."""
        self.message.value = f'<span style="color:#b00020">&#9888; {html.escape(text)}</span>'

    @property
    def values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def _on_change(self, change) -> None:
        if self._quiet:
            return
        if self._hook is not None:
            self._quiet = True
            try:
                self._hook(change, self.controls)
            finally:
                self._quiet = False
        self.refresh()

    def refresh(self) -> None:
        """Recompute and redraw from the current control values; never raises."""
        start = time.perf_counter()
        try:
            info = self._render(self.state, **self.values)
        except ValueError as err:  # bad settings: say so in one line, keep the last picture
            self.last_error = err
            self.show_message(str(err))
            return
        except Exception as err:  # noqa: BLE001 - a widget shows a message, never a traceback
            self.last_error = err
            traceback.print_exc()  # into the kernel log, for whoever debugs it
            self.message.value = (
                f'<span style="color:#b00020">&#9888; {html.escape(t("unexpected error"))}: '
                f"{html.escape(type(err).__name__)}: {html.escape(str(err))}</span>")
            return
        self.last_error = None
        self.message.value = ""
        self.info.value = info or ""
        if self.image is not None:
            self.image.value = figure_to_png(self.figure)
        self.draw_count += 1
        self.last_draw_ms = (time.perf_counter() - start) * 1000
