"""Every control an explorer shows, made one way: labels through ``i18n.t``, one set of styles.

A builder names its controls in a dict (``{"stride": int_slider("stride", 1, 1, 3)}``); the
keys are the ``compute`` and ``draw`` functions' keyword arguments. ``continuous=False``
redraws only when the slider is released (for explorers whose redraw is not instant);
``compact_slider`` is such a slider for a row of several.
"""

from __future__ import annotations

import ipywidgets as widgets

from cnnlib.text.i18n import t

__all__ = ["WIDE", "label_width", "int_slider", "compact_slider", "float_slider", "selection_slider", "dropdown",
           "checkbox", "toggle_buttons", "number_box", "play_for", "upload_button"]

#: The description takes the room its text needs.
WIDE = {"description_width": "initial"}


def label_width(width: str) -> dict:
    """A style with a fixed description width, so the controls of an explorer line up."""
    return {"description_width": width}


def _common(style, width) -> dict:
    kwargs = {}
    if style is not None:
        kwargs["style"] = style
    if width is not None:
        kwargs["layout"] = widgets.Layout(width=width)
    return kwargs


def int_slider(description, value, lo, hi, *, step=1, continuous=True, style=None, width=None):
    return widgets.IntSlider(value=value, min=lo, max=hi, step=step, description=t(description),
                             continuous_update=continuous, **_common(style, width))


def compact_slider(description, value, lo, hi, *, label="70px", width="220px"):
    """An integer slider for a row of several: a fixed label width (so they line up), a fixed
    width, and a redraw only when it is released."""
    return int_slider(description, value, lo, hi, continuous=False, style=label_width(label),
                      width=width)


def float_slider(description, value, lo, hi, step, *, continuous=True, readout_format=".2f",
                 style=None, width=None):
    return widgets.FloatSlider(value=value, min=lo, max=hi, step=step,
                               description=t(description), continuous_update=continuous,
                               readout_format=readout_format, **_common(style, width))


def selection_slider(description, options, value, *, continuous=True, style=None, width=None):
    """A slider over a fixed list of values (e.g. learning rates), shown as they are."""
    return widgets.SelectionSlider(options=list(options), value=value,
                                   description=t(description), continuous_update=continuous,
                                   **_common(style, width))


def _options(options, translate: bool = True):
    """(label, value) pairs with every label translated (unless ``translate`` is False: layer
    and class names are names, not words); a plain option is its own label."""
    tr = t if translate else str
    return [(tr(o[0]), o[1]) if isinstance(o, tuple) else
            (tr(o), o) if isinstance(o, str) else (str(o), o) for o in options]


def dropdown(description, options, value, *, style=None, width=None, translate=True):
    return widgets.Dropdown(options=_options(options, translate), value=value,
                            description=t(description), **_common(style, width))


def toggle_buttons(description, options, value):
    return widgets.ToggleButtons(options=_options(options), value=value,
                                 description=t(description))


def checkbox(description, value, *, indent=True):
    return widgets.Checkbox(value=value, description=t(description), indent=indent)


def number_box(description, value, *, step=0.1, bounds=None, style=None, width=None):
    """A box to type a number in; ``bounds=(lo, hi)`` clips what is typed to that range."""
    if bounds is None:
        return widgets.FloatText(value=value, step=step, description=t(description),
                                 **_common(style, width))
    return widgets.BoundedFloatText(value=value, min=bounds[0], max=bounds[1], step=step,
                                    description=t(description), **_common(style, width))


def play_for(slider, interval=700):
    """A Play button that walks the slider one step at a time (and a link keeping them equal)."""
    play = widgets.Play(value=slider.value, min=slider.min, max=slider.max, step=1,
                        interval=interval, description=t("play the steps"))
    widgets.link((play, "value"), (slider, "value"))
    widgets.link((slider, "max"), (play, "max"))
    return play


def upload_button(description="upload PNG/JPEG"):
    """A button that opens the browser's file chooser for one PNG or JPEG photo."""
    return widgets.FileUpload(accept=".png,.jpg,.jpeg,image/png,image/jpeg", multiple=False,
                              description=t(description), layout=widgets.Layout(width="auto"))
