"""cnnlib: the helpers behind the cnn-notebooks series.

Layers, each importing only those before it:
``ops`` (pure numpy) <- ``plots`` (matplotlib) <- ``widgets`` (ipywidgets) <- notebooks.
TensorFlow is imported only by ``models``, ``interpret``, ``pretrained`` and ``data`` when they
need it, so the numpy notebooks start fast.
"""

from __future__ import annotations

import random

import numpy as np

# Quick mode and the data paths live in cnnlib.config; QUICK and quick() stay here for notebooks.
from cnnlib.config import QUICK, quick  # noqa: F401 - re-exported: cnnlib.quick(10, 1)

__version__ = "0.1.0"


def setup(seed: int = 0, quiet_tf: bool = True, lang: str = "en") -> None:
    """One call at the top of every notebook: seeds, figure style, quiet TensorFlow, language.

    Seeds Python's and numpy's global generators (and TensorFlow's, if it is already imported),
    so a notebook gives the same numbers on every run. ``lang="zh"`` shows every label, message
    and figure text of cnnlib in Chinese (the Chinese edition, notebooks/zh/, passes it), with a
    font that draws Chinese; English is the default.
    """
    from cnnlib.i18n import t
    from cnnlib.locale import set_language

    lang = set_language(lang)  # first: a bad lang is a ValueError before anything changes
    if quiet_tf:
        from cnnlib.backend import quiet_tensorflow_env

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
        from cnnlib.fonts import use_cjk_font

        use_cjk_font()
    if QUICK:
        print(t("Quick mode (CNNLIB_QUICK=1): small data and few steps, for tests."))
