"""Checkers shared by several notebooks."""

from __future__ import annotations

import numpy as np

from cnnlib import ops

__all__ = ["report", "unanswered", "output_size_answer"]


def report(ok: bool, right: str, wrong: str) -> bool:
    """Print ✅ or ❌ with a hint and return ``ok``."""
    print(("✅ " + right) if ok else ("❌ " + wrong))
    return bool(ok)


def as_number(answer):
    """The answer as a float, or None if it is not a single number."""
    try:
        value = float(np.asarray(answer, dtype=float).reshape(()))
    except (TypeError, ValueError):
        return None
    return value


def unanswered(answer, hint: str = "") -> bool:
    """True, after printing how to answer, while the learner's answer is still None."""
    if answer is None:
        print("✏️ Not answered yet. Replace None with your answer, then run the cell again."
              + (" " + hint if hint else ""))
        return True
    return False


def output_size_answer(answer, n, kernel, stride=1, padding="valid", dilation=1) -> bool:
    """Check a predicted output size for one axis."""
    expected = ops.output_size(n, kernel, stride, padding, dilation)
    if unanswered(answer, "The formula is floor((n + 2p - d(k-1) - 1)/s) + 1."):
        return False
    return report(answer == expected,
                  f"Right: {expected}.",
                  f"Not quite: you said {answer!r}. Try floor((n + 2p - d(k-1) - 1)/s) + 1.")
