"""Accessible names for every control of an explorer, and a text alternative for its picture.

Why this mechanism: ipywidgets 8 shows a control's ``description`` as a ``<label>`` tied to no
element, so a screen reader announces "slider" and a number; ``ipywidgets.Image`` has no alt
trait, and no trait of ipywidgets (``description_allow_html``, ``tooltip``) reaches a slider's
handle or an ``<img>``'s ``alt``. A JupyterLab extension would have to be installed apart. So
``Names``, a tiny anywidget (its ES module, ``names.js``, ships in this package; anywidget is
already how the grids are drawn, so nothing new is installed or fetched), sits hidden inside
each explorer (``base.Explorer`` adds it, once) and, in the browser:

- sets ``aria-label`` on every slider handle and readout, dropdown ``<select>``, text box and
  icon-only button from the description shown beside it (or, for the ▶ control's icons, from
  ``words``), and names a row of toggle buttons as a group;
- sets ``alt`` on the explorer's picture (``img.cnn-explorer-figure``) from ``alt``, the
  explorer's description of its picture;
- does both again whenever ipywidgets redraws part of the explorer (a MutationObserver).

Every text comes from Python, through ``i18n.t``: the names are in the learner's language. The
static site keeps the same state: ``tools/build_html`` writes ``alt`` on an explorer's still
picture from it.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

from cnnlib.text.i18n import t

__all__ = ["Names", "CSS", "play_words"]

#: The class the static-site builder finds the widget by (it is no part of the picture).
CSS = "cnn-names"


def play_words() -> dict:
    """The names of the ▶ control's icon buttons (and of a slider's number), translated."""
    return {"play": t("play"), "pause": t("pause"), "stop": t("stop"),
            "repeat": t("repeat"), "value": t("value")}


class Names(anywidget.AnyWidget):
    """Hidden; names the controls of the explorer it is in. ``alt``: the picture's text
    alternative (already translated). ``words``: names for icon-only buttons."""

    _esm = Path(__file__).with_name("names.js")
    alt = traitlets.Unicode("").tag(sync=True)
    words = traitlets.Dict().tag(sync=True)

    def __init__(self, alt: str = "", **kwargs):
        super().__init__(alt=alt, words=play_words(), **kwargs)
        self.add_class(CSS)
