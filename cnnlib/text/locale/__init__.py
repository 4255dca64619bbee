"""The learner's language and one catalogue per language for every string cnnlib shows.

``cnnlib.setup(lang="zh")`` picks Chinese; English is the default. A catalogue maps each English
text, exactly as the code writes it (``{name}`` fields included), to its translation:
``cnnlib/text/locale/zh.py`` holds the Chinese one. English needs no catalogue.

A string with no entry is never passed off quietly: ``translate`` warns with
``MissingTranslation`` (once per string), records it in ``MISSING`` (tests fail on any), and
shows the English so the learner still sees something readable.
"""

from __future__ import annotations

import warnings

__all__ = ["LANGUAGES", "MissingTranslation", "MISSING", "set_language", "language",
           "set_cjk_font", "catalogue", "translate"]

#: language code -> its name, in that language
LANGUAGES = {"en": "English", "zh": "中文"}

# cjk_font: whether figures can draw Chinese; cnnlib.text.fonts.use_cjk_font() decides (None: not yet)
_state: dict = {"lang": "en", "cjk_font": None}

#: (language, English text) pairs asked for and not found, in the order first met
MISSING: dict[tuple[str, str], None] = {}


class MissingTranslation(UserWarning):
    """A string cnnlib shows has no entry in the learner's catalogue."""


def set_language(lang: str) -> str:
    """Make ``lang`` ("en" or "zh") the language of everything cnnlib shows from now on."""
    code = str(lang).strip().lower().replace("_", "-")
    code = {"zh-cn": "zh", "zh-hans": "zh", "cn": "zh", "en-us": "en", "en-gb": "en"}.get(code, code)
    if code not in LANGUAGES:
        raise ValueError(f"lang={lang!r} is not a language cnnlib speaks: use one of "
                         f"{', '.join(repr(c) for c in LANGUAGES)}")
    _state["lang"] = code
    return code


def set_cjk_font(available: bool) -> None:
    """Record whether figures can draw Chinese (called by cnnlib.text.fonts.use_cjk_font)."""
    _state["cjk_font"] = bool(available)


def language() -> str:
    """The current language code, "en" unless ``cnnlib.setup(lang=...)`` chose another."""
    return _state["lang"]


def catalogue(lang: str) -> dict[str, str]:
    """The catalogue of ``lang``: English text -> translation (empty for English)."""
    if lang == "en":
        return {}
    if lang == "zh":
        from cnnlib.text.locale.zh import ZH

        return ZH
    raise ValueError(f"lang={lang!r} has no catalogue: use one of {', '.join(LANGUAGES)}")


def translate(text: str, lang: str | None = None, *, in_figure: bool = False) -> str:
    """``text`` in ``lang`` (default: the current language), fields like ``{n}`` left in place.

    ``in_figure``: the text is drawn by matplotlib. Unless cnnlib.text.fonts found a font that draws
    Chinese it stays English (and cnnlib.text.fonts said so), so a figure shows words, not boxes."""
    lang = lang or _state["lang"]
    if lang == "en" or not text:
        return text
    if in_figure and lang == "zh" and not _state["cjk_font"]:
        return text
    found = catalogue(lang).get(text)
    if found is not None:
        return found
    if (lang, text) not in MISSING:
        MISSING[(lang, text)] = None
        warnings.warn(f"no {LANGUAGES[lang]} ({lang}) translation for {text!r}: add it to "
                      f"cnnlib/text/locale/{lang}.py", MissingTranslation, stacklevel=2)
    return text
