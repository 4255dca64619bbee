"""One function for every string a learner sees in an explorer: ``t("step {i} of {n}", i=1, n=9)``.

Builders pass titles, control labels and info lines through ``t``, so that a catalogue per
language can translate them in one place. Today there is one language, English: ``t`` fills the
values in and returns the text.
"""

from __future__ import annotations

__all__ = ["t"]


def t(text: str, **values) -> str:
    """``text`` in the learner's language, with ``{name}`` fields filled from ``values``."""
    return text.format(**values) if values else text
