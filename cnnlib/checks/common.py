"""Checkers shared by several notebooks."""

from __future__ import annotations

from cnnlib import ops

__all__ = ["report", "output_size_answer"]


def report(ok: bool, right: str, wrong: str) -> bool:
    """Print ✅ or ❌ with a hint and return ``ok``."""
    print(("✅ " + right) if ok else ("❌ " + wrong))
    return bool(ok)


def output_size_answer(answer, n, kernel, stride=1, padding="valid", dilation=1) -> bool:
    """Check a predicted output size for one axis."""
    expected = ops.output_size(n, kernel, stride, padding, dilation)
    if answer is None:
        print("Hint: put your number in `answer`, then run this cell again. "
              "The formula is floor((n + 2p - d(k-1) - 1)/s) + 1.")
        return False
    return report(answer == expected,
                  f"Right: {expected}.",
                  f"Not quite: you said {answer!r}. Try floor((n + 2p - d(k-1) - 1)/s) + 1.")
