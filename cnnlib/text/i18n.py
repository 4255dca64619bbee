"""One function for every string a learner sees: ``t("step {i} of {n}", i=1, n=9)``.

Builders, plots, checkers and the data loader pass what they show through ``t`` (figure text
through ``ft``), so that one catalogue per language (``cnnlib/text/locale/``) translates it in one
place. ``cnnlib.setup(lang="zh")`` switches to Chinese; English is the default. A string missing
from the catalogue is recorded and warned about (tests fail on it), never passed off silently.
A string written in one place and shown in another (a table of hints) is marked ``N_("...")``
where it is written and shown through ``t(hint)``.
"""

from __future__ import annotations

from cnnlib.text.locale import translate

__all__ = ["t", "ft", "ft_default", "t_name", "ft_name", "t_list", "N_"]


def t(text: str, **values) -> str:
    """``text`` in the learner's language, with ``{name}`` fields filled from ``values``."""
    out = translate(text)
    return out.format(**values) if values else out


def N_(text: str) -> str:
    """``text`` unchanged: marks an English string that is shown later, through ``t(text)``
    (a checker's table of typical slips, say), so that the catalogue needs its Chinese too
    (gettext's ``N_``; tools.i18n_strings finds these)."""
    return text


def ft(text: str, **values) -> str:
    """Like ``t``, for text matplotlib draws: English when no installed font draws Chinese
    (cnnlib.text.fonts said so in one line), so a figure never shows empty boxes."""
    out = translate(text, in_figure=True)
    return out.format(**values) if values else out


def ft_default(value, default: str):
    """A figure-text parameter: its English ``default`` in the learner's language, anything a
    caller passed (their own words, or None for no text) as it is."""
    return ft(default) if value == default else value


def t_name(name: str) -> str:
    """A name cnnlib shows (a kernel's, a photo's): the catalogue's translation when it has one,
    else the name as given: a learner's own names (an uploaded photo's file) are theirs."""
    from cnnlib.text.locale import catalogue, language

    if language() == "en" or not isinstance(name, str):
        return name
    return catalogue(language()).get(name, name)


def ft_name(name: str) -> str:
    """``t_name`` for text matplotlib draws (English names when no font draws Chinese)."""
    from cnnlib.text.locale import catalogue, language

    if language() == "en" or not isinstance(name, str):
        return name
    return ft(name) if name in catalogue(language()) else name


def t_list(items) -> str:
    """``items`` written as a list in the learner's language: ``t_list([5, 7])`` is "5, 7" in
    English, "5、7" in Chinese (never a Python list's brackets inside a sentence)."""
    return t(", ").join(str(item) for item in items)
