"""The one contract every explorer follows: controls -> compute -> draw, redrawn on each change.

A builder in a topic module makes the controls (``widgets.controls``) and hands ``Explorer`` two
functions:

- ``compute(**values) -> (state, info)``: the pure step. The control values in (by the
  controls' names); out the ``state`` dict (the arrays computed with ``cnnlib.core.ops`` or
  ``cnnlib.core.experiments``, and whatever the picture needs) and the info line (HTML, made
  with ``i18n.t``). It touches no widget and no figure, so tests sweep it without widgets:
  ``state, info = explorer.compute(**explorer.values)``. A ``ValueError`` (bad settings)
  becomes a one-line message inside the widget; the last good picture stays.
- ``draw(state, **values)``: the picture of that state, with ``cnnlib.plots`` onto the
  explorer's matplotlib figure (then shown as a PNG), or into a view that draws itself in the
  browser (``grid_explorers.GridExplorer``'s grid).

Nothing is ever displayed from here: builders *return*. Tests drive explorers without a browser:
set ``explorer.controls["stride"].value = 2``, then read ``explorer.info.value``,
``explorer.message.value``, ``explorer.image.value`` (PNG bytes) or ``explorer.state`` (what
the last good ``compute`` returned).

The figure's layout is settled once, here (``freeze_layout``): a layout engine would lay the
figure out again, one more pass over every text, on each redraw.
"""

from __future__ import annotations

import collections
import html
import time
import traceback

import ipywidgets as widgets

from cnnlib.plots.common import figure_to_png
from cnnlib.text.i18n import t

from .controls import play_for
from .names import Names

__all__ = ["Explorer"]


class Explorer(widgets.VBox):
    """controls + compute + draw -> a widget that recomputes and redraws when a control changes.

    figure: the matplotlib figure ``draw`` draws on (shown as a PNG in ``image``), or a widget
    that draws itself in the browser (then ``image`` is None). title: the bold line on top.
    photos: the explorer's photos and their upload button (``photos.PhotoChoice``, or anything
    with an ``upload`` button and ``connect(explorer)``): the button goes beside the photo
    dropdown (``photos.dropdown``) or after the controls, and ``connect`` makes it work.
    picture: what the picture shows, in a sentence (English; shown through ``t``): its text
    alternative, set as the ``<img>``'s ``alt`` by ``names.Names``, which also names every
    control from its description. The info line gives the numbers the picture shows.
    play: the name of the control a ▶ Play button walks one step at a time.
    extra: more widgets, shown below the controls. arrange: widgets to show in place of one row
    of every control (then the builder places the upload button itself).
    on_change: ``on_change(change, controls)`` runs before the redraw a change causes (e.g. to
    set a slider's max to what the chosen image allows); the changes it makes cause no redraws
    of their own. layout: "freeze" (keep where the first draw's layout put the axes), a
    ``subplots_adjust`` dict (fixed positions from the start), or "live" (the builder freezes it
    later with ``freeze_layout``).

    Attributes, all set here: ``controls``, ``compute``, ``draw``, ``figure``, ``image`` (the
    PNG, or None), ``view`` (what shows the picture), ``photos`` and ``play`` (or None),
    ``info`` and ``message`` (HTML lines), ``picture`` (the text alternative, translated) and
    ``names`` (the ``Names`` widget that applies it), ``state``, ``last_error``, ``draw_count``,
    ``last_draw_ms`` and ``draw_ms`` (the kernel's share of recent redraws).
    """

    #: The explorer's CSS class; its info and message lines get ``CSS + "-info"`` and
    #: ``CSS + "-message"`` (the browser tests and the static site find them by these).
    CSS = "cnn-explorer"

    def __init__(self, controls: dict, compute, draw, figure=None, *, title: str | None = None,
                 picture: str = "", photos=None, play: str | None = None, extra: list | None = None,
                 arrange: list | None = None, on_change=None, layout="freeze"):
        self.controls = dict(controls)
        self.compute, self.draw = compute, draw
        self._hook = on_change
        self._quiet = False
        self.state: dict = {}
        self.last_error: Exception | None = None
        self.last_draw_ms: float | None = None
        self.draw_ms = collections.deque(maxlen=100)
        self.draw_count = 0
        self.photos = photos
        self.picture = t(picture) if picture else ""
        self.names = Names(alt=self.picture)
        self.play = play_for(self.controls[play]) if play else None
        if isinstance(figure, widgets.DOMWidget):  # drawn in the browser
            self.figure, self.image, self.view = None, None, figure
        else:
            self.figure = figure
            if isinstance(layout, dict):
                self.freeze_layout(layout)
            w_px, h_px = (int(figure.get_figwidth() * figure.dpi),
                          int(figure.get_figheight() * figure.dpi))
            # Fixed size, so the page never jumps while the picture is redrawn.
            self.image = self.view = widgets.Image(format="png", layout=widgets.Layout(
                width=f"{w_px}px", height=f"{h_px}px", object_fit="contain"))
            self.image.add_class("cnn-explorer-figure")
        self.info = widgets.HTML(layout=widgets.Layout(min_height="1.6em"))
        self.info.add_class(f"{self.CSS}-info")
        self.message = widgets.HTML(layout=widgets.Layout(min_height="1.6em"))
        self.message.add_class(f"{self.CSS}-message")
        control_box = widgets.Box(arrange or self._arranged(),
                                  layout=widgets.Layout(display="flex", flex_flow="row wrap",
                                                        align_items="center"))
        children = []
        if title:
            children.append(widgets.HTML(f"<b>{html.escape(t(title))}</b>"))
        children += [control_box, *([self.play] if self.play else []), *(extra or []),
                     self.info, self.message, self.view, self.names]
        super().__init__(children)
        self.add_class(self.CSS)
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.refresh()
        if layout == "freeze":
            self.freeze_layout()
        if photos is not None:  # after the first draw: a refused ``image`` argument's message stays
            photos.connect(self)

    def _arranged(self) -> list:
        """One row of every control, the upload button right after the photo dropdown."""
        items = list(self.controls.values())
        if self.photos is not None:
            dropdown = getattr(self.photos, "dropdown", None)
            at = next((i + 1 for i, c in enumerate(items) if c is dropdown), len(items))
            items.insert(at, self.photos.upload)
        return items

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
        """Compute and draw from the current control values; never raises."""
        start = time.perf_counter()
        values = self.values
        try:
            state, info = self.compute(**values)
            self.draw(state, **values)  # before the info line: the picture is what one waits for
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
        self.state = state
        self.last_error = None
        self.message.value = ""
        self.info.value = info or ""
        if self.image is not None:
            self.image.value = figure_to_png(self.figure)
        self.draw_count += 1
        self.last_draw_ms = (time.perf_counter() - start) * 1000
        self.draw_ms.append(self.last_draw_ms)
