"""cnnlib: the helpers behind the cnn-notebooks series.

A package per layer, each importing only those below it (CONTRIBUTING.md has the tree)::

    widgets/            explorers (numpy ones; the Keras ones in widgets/tf, loaded when used)
    plots/ | tf/ | exercises/   matplotlib | TensorFlow and Keras | checkers and the answer key
    core/               numpy: ops, kernels, images, digits, architectures, tinycnn, ...
    text/               i18n, the catalogues, the glossary, fonts
    config              quick mode, environment variables, data paths

The short names the notebooks use (``from cnnlib import ops, plots, widgets, checks``) are
served lazily from those packages, so the numpy notebooks never import TensorFlow.
"""

from __future__ import annotations

import random

import numpy as np

# Quick mode and the data paths live in cnnlib.config; QUICK and quick() stay here for notebooks.
from cnnlib.config import QUICK, quick  # noqa: F401 - re-exported: cnnlib.quick(10, 1)

__version__ = "0.1.0"

#: The short face: ``from cnnlib import ops`` is ``cnnlib.core.ops``, and so on; each is imported
#: on first use only.
_FACE = {
    **{name: f"cnnlib.core.{name}" for name in (
        "ops", "kernels", "images", "digits", "drawing", "metrics", "architectures", "tinycnn",
        "learning", "experiments", "gridstate")},
    **{name: f"cnnlib.text.{name}" for name in ("i18n", "locale", "glossary", "fonts")},
    **{name: f"cnnlib.tf.{name}" for name in (
        "backend", "data", "models", "interpret", "pretrained", "modern")},
    "recipe": "cnnlib.tf.recipe",
    "augment": "cnnlib.tf.models.augment",
    "checks": "cnnlib.exercises.checks",
    "solutions": "cnnlib.exercises.solutions",
    "plots": "cnnlib.plots",
    "widgets": "cnnlib.widgets",
}


def __getattr__(name):
    if name in _FACE:
        import importlib

        module = importlib.import_module(_FACE[name])
        globals()[name] = module  # later lookups skip this function
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_FACE))


def setup(seed: int = 0, quiet_tf: bool = True, lang: str = "en",
          classroom: bool = False) -> None:
    """One call at the top of every notebook: seeds, figure style, quiet TensorFlow, language.

    Seeds Python's and numpy's global generators (and TensorFlow's, if it is already imported),
    so a notebook gives the same numbers on every run. ``lang="zh"`` shows every label, message
    and figure text of cnnlib in Chinese (the Chinese edition, notebooks/zh/, passes it), with a
    font that draws Chinese; English is the default. ``classroom=True`` (a course release's
    Setup cell passes it) turns the classroom setting on: checkers keep their hints but never
    show an answer (``CNNLIB_CLASSROOM=1`` does the same).
    """
    from cnnlib.text.i18n import t
    from cnnlib.text.locale import set_language

    lang = set_language(lang)  # first: a bad lang is a ValueError before anything changes
    if classroom:
        from cnnlib.config import set_classroom

        set_classroom(True)
    if quiet_tf:
        from cnnlib.config import quiet_tensorflow_env

        quiet_tensorflow_env()
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - seeds legacy global calls in learner code too
    import sys

    if "tensorflow" in sys.modules:
        sys.modules["tensorflow"].random.set_seed(seed)
        sys.modules["keras"].utils.set_random_seed(seed)
    from cnnlib.plots.common import apply_style

    apply_style()
    if lang == "zh":
        from cnnlib.text.fonts import use_cjk_font

        use_cjk_font()
    from cnnlib.plots import figure_alt

    if figure_alt.inline_backend():  # JupyterLab: every figure's <img> gets its titles as alt
        figure_alt.install()
    if QUICK:
        print(t("Quick mode (CNNLIB_QUICK=1): small data and few steps, for tests."))
