"""What every checker shares: reading an answer, judging it, and what the learner sees.

A checker computes the expected answer itself (bad exercise settings raise ``ValueError`` there,
before any answer is read), then hands a ``grade`` function to :func:`judge`. ``judge`` decides
the state (not answered yet, right, wrong), prints the feedback, counts misses, and returns a
:class:`CheckResult`. Nothing a learner passes in can make it raise. A new checker::

    def check_pixel_count(answer, height, width, channels=3, *, show_answer=False):
        expected = height * width * channels

        def grade(answer):
            value = read_int(answer)  # 12, 12.0, np.int64(12), "12" alike; None if not
            if value == expected:
                return right(f"Right: {expected:,}.")
            if value == height * width:
                return wrong("Not quite: every pixel holds one number per channel.")
            return wrong("Not quite: multiply height, width and channels.")

        return judge("check_pixel_count", (height, width, channels), answer, grade,
                     todo="multiply height, width and channels.",
                     solution=f"{height} × {width} × {channels} = {expected:,}.",
                     show_answer=show_answer)
"""

from __future__ import annotations

import decimal
import inspect
import io
import math
import numbers
import re
import tokenize
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from cnnlib import config
from cnnlib.text.i18n import N_, t

__all__ = ["CheckResult", "judge", "right", "wrong", "not_yet", "forget_misses", "show",
           "read_number", "read_int", "read_array", "read_pair", "not_int_hint", "fmt",
           "solution_code",
           "REPLACE_NONE"]

REPLACE_NONE = N_("Replace None with your answer, then run the cell again.")

# Misses per exercise, within this kernel: (checker name, exercise parameters) -> count.
_MISSES: dict[tuple, int] = {}


@dataclass(frozen=True)
class CheckResult:
    """A checker's verdict: truthy when right. The feedback is printed when the checker runs,
    so a notebook shows nothing more for the result itself (no ``False`` echoed)."""

    ok: bool
    state: str  # "right", "wrong" or "pending" (not answered yet)
    message: str  # the feedback, as printed

    def __bool__(self) -> bool:
        return self.ok

    def _ipython_display_(self) -> None:
        """IPython calls this instead of showing a repr: the feedback is already on screen."""


class Verdict(NamedTuple):
    state: str
    message: str


def right(message: str) -> Verdict:
    return Verdict("right", message)


def wrong(message: str) -> Verdict:
    return Verdict("wrong", message)


def not_yet(message: str) -> Verdict:
    """The answer is still the placeholder (a function returning None, say): no verdict."""
    return Verdict("pending", message)


def forget_misses() -> None:
    """Start counting misses afresh (as a new kernel would)."""
    _MISSES.clear()


def judge(checker: str, params: tuple, answer, grade: Callable[[object], Verdict], *,
          todo: str, solution: str, show_answer: bool = False,
          placeholder: str | None = None) -> CheckResult:
    """Grade ``answer``, print the feedback and return a :class:`CheckResult`.

    ``todo`` is the hint while the answer is None; ``solution`` the answer, shown after the
    second miss on this exercise (``checker`` with these ``params``) or at once with
    ``show_answer=True``, but never in the classroom setting (``cnnlib.config.classroom()``),
    where the hints stay. Any exception raised while grading becomes a ❌ with a hint.
    """
    in_class = config.classroom()
    placeholder = t(REPLACE_NONE) if placeholder is None else placeholder
    if answer is None:
        verdict = not_yet(t('Not answered yet. {placeholder} Hint: {todo}', placeholder=placeholder, todo=todo))
    else:
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                verdict = grade(answer)
        except Exception as err:  # noqa: BLE001 - whatever the answer, a hint, never a traceback
            verdict = wrong(t('Not quite: the checker could not read {show} ({name}). Hint: {todo}', show=show(answer), name=type(err).__name__, todo=todo))
    lines = []
    if verdict.state == "right":
        lines.append("✅ " + verdict.message)
    elif verdict.state == "pending":
        lines.append("✏️ " + verdict.message)
    else:
        key = (checker, _freeze(params))
        _MISSES[key] = _MISSES.get(key, 0) + 1
        lines.append("❌ " + verdict.message)
        if in_class and (show_answer or _MISSES[key] == 1):
            lines.append("   " + t('Try again: in class the checker gives hints, not answers.'))
        elif not in_class and not show_answer and _MISSES[key] == 1:
            lines.append("   " + t('Try again: a second miss shows the answer (or pass show_answer=True).'))
    missed_twice = verdict.state == "wrong" and _MISSES[key] >= 2
    if not in_class and (missed_twice or (show_answer and verdict.state != "right")):
        lines.append(t('💡 Answer: ') + solution)
    text = "\n".join(lines)
    print(text)
    return CheckResult(verdict.state == "right", verdict.state, text)


def solution_code(name: str) -> str:
    """The answer key's code for a write-a-function exercise (``cnnlib.exercises.solutions.<name>``);
    empty in the classroom setting, where answers are never shown and the key may be absent."""
    if config.classroom():
        return ""
    try:  # the key is only read when a checker runs, never at import
        from cnnlib.exercises import solutions
    except ImportError:  # a class copy without the key, but the classroom setting left off
        return t('the answer key is not installed here.')
    function = getattr(solutions, name)
    try:
        source = inspect.getsource(function).rstrip()
    except OSError:  # installed without its source files
        return t('see cnnlib.exercises.solutions.{name}.', name=name)
    return t('one solution:\n') + _key_in_language(source, function.__doc__)


def _key_in_language(source: str, doc: str | None) -> str:
    """The key's code as it is, its docstring and comments in the learner's language (their
    English is in the catalogue: tools.i18n_strings reads the key's ``my_*`` functions)."""
    if doc:
        source = source.replace(doc, t(doc), 1)
    lines = source.split("\n")
    try:
        comments = [tok for tok in tokenize.generate_tokens(io.StringIO(source).readline)
                    if tok.type == tokenize.COMMENT]
    except (tokenize.TokenError, SyntaxError):  # not expected of the key: keep it as it is
        return source
    for tok in reversed(comments):
        row, col = tok.start
        text = tok.string.lstrip("#").strip()
        if text:
            line, mark = lines[row - 1], tok.string[:tok.string.index(text)]
            lines[row - 1] = line[:col] + mark + t(text) + line[tok.end[1]:]
    return "\n".join(lines)


def _freeze(obj):
    """A hashable stand-in for exercise parameters (arrays and lists included)."""
    if isinstance(obj, np.ndarray):
        return ("array", obj.shape, obj.dtype.str, obj.tobytes())
    if isinstance(obj, (list, tuple)):
        return tuple(_freeze(o) for o in obj)
    if isinstance(obj, dict):
        return tuple(sorted((str(k), _freeze(v)) for k, v in obj.items()))
    try:
        hash(obj)
    except TypeError:
        return repr(obj)
    return obj


def show(answer, limit: int = 60) -> str:
    """The learner's answer, short enough for one line of feedback."""
    if isinstance(answer, np.ndarray):
        text = np.array2string(answer, precision=4, separator=", ", threshold=20)
        text = t('an array of shape {shape}: {values}', shape=answer.shape, values=' '.join(text.split()))
    else:
        try:
            text = repr(answer)
        except Exception:  # noqa: BLE001 - a learner's object with a broken __repr__
            text = f"a {type(answer).__name__}"
    return text if len(text) <= limit else text[:limit - 1] + "…"


def fmt(value: float) -> str:
    """A number as a learner wrote it: 193,600 for a whole number, 0.357 otherwise."""
    return f"{round(value):,}" if float(value).is_integer() else f"{value:g}"


# ---------------------------------------------------------------------------------------------
# Reading answers: each returns None for anything it cannot read, and never raises.
# ---------------------------------------------------------------------------------------------
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


def read_number(answer) -> float | None:
    """One finite number: an int, float, numpy scalar, 0-d array or a string such as
    "0.25" or "6,220,800". Booleans, lists, NaN and infinity are not numbers here."""
    if isinstance(answer, (bool, np.bool_)):
        return None
    if isinstance(answer, str):
        text = answer.strip().replace("_", "").replace(" ", "")
        if _THOUSANDS.fullmatch(text):
            text = text.replace(",", "")
        try:
            value = float(text)
        except ValueError:
            return None
    elif isinstance(answer, (numbers.Real, decimal.Decimal)) or (
            isinstance(answer, np.ndarray) and answer.ndim == 0 and answer.dtype.kind in "iuf"):
        try:
            value = float(answer)
        except (TypeError, ValueError, OverflowError, ArithmeticError):
            return None
    else:
        return None
    return value if math.isfinite(value) else None


def read_int(answer) -> int | None:
    """A whole number: what :func:`read_number` reads, if it is whole (``(7-3)/2+1`` is 3.0,
    so 3.0, ``np.float64(3)`` and "3" all read as 3)."""
    if isinstance(answer, numbers.Integral) and not isinstance(answer, (bool, np.bool_)):
        return int(answer)
    if isinstance(answer, str) and re.fullmatch(r"[+-]?\d+", answer.strip().replace("_", "")):
        return int(answer.strip().replace("_", ""))
    value = read_number(answer)
    if value is None or abs(value - round(value)) > 1e-9 * max(1.0, abs(value)):
        return None
    return int(round(value))


def not_int_hint(answer, what: str | None = None) -> str:
    """Why ``answer`` is not read as a whole number (``what``: "a count", "an index", ...,
    already in the learner's language; default "the answer")."""
    what = t("the answer") if what is None else what
    value = read_number(answer)
    if value is not None:
        return t('{what} is a whole number, and {value:g} is not.', what=what, value=value)
    return t('give one whole number, like 12, not {show}.', show=show(answer))


def read_array(answer) -> np.ndarray | None:
    """A float array from nested lists, tuples or an array; None for ragged lists, strings,
    non-numbers, or NaN/infinite entries."""
    if answer is None or isinstance(answer, (str, bytes, dict, set)):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # complex numbers would silently lose a part
            arr = np.asarray(answer, dtype=float)
    except (TypeError, ValueError, OverflowError, Warning):
        return None
    return arr if np.all(np.isfinite(arr)) else None


def read_pair(answer, digits: bool = False) -> tuple[int, int] | None:
    """Two whole numbers from a tuple, list or array of two, or a string like "(0, 1)".
    With ``digits``, "49" reads as (4, 9)."""
    if isinstance(answer, str):
        found = re.findall(r"-?\d+", answer)
        if digits and len(found) == 1 and len(found[0]) == 2:
            found = list(found[0])
        return (int(found[0]), int(found[1])) if len(found) == 2 else None
    if isinstance(answer, np.ndarray):
        answer = answer.tolist() if answer.ndim == 1 else None
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return None
    pair = (read_int(answer[0]), read_int(answer[1]))
    return None if None in pair else pair
