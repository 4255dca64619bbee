"""Exercise checkers for the dense-and-softmax notebook.

Each compares the learner's answer with ``cnnlib.ops``, prints a verdict and returns a
:class:`~cnnlib.checks.common.CheckResult`.
"""

from __future__ import annotations

import math

import numpy as np

from cnnlib import ops

from .common import (
    CheckResult,
    judge,
    not_int_hint,
    not_yet,
    read_array,
    read_int,
    read_number,
    right,
    show,
    solution_code,
    wrong,
)

__all__ = ["check_softmax", "check_softmax_function", "check_cross_entropy",
           "check_dense_params"]


def check_softmax(answer, logits, temperature=1.0, decimals=2, *,
                  show_answer=False) -> CheckResult:
    """Probabilities computed by hand, one per logit. ``decimals`` decimals are enough: each
    number may be rounded or cut off there (within 10**-decimals)."""
    z = np.asarray(logits, dtype=float)
    if z.ndim != 1 or z.size < 2:
        raise ValueError(f"logits must be a list of at least 2 numbers, got {logits!r}")
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature!r}")
    expected = ops.softmax(z / temperature)
    tol = 10.0 ** -decimals
    shown = [round(float(p), decimals + 1) for p in expected]
    e_z = f"e^(z/{temperature:g})" if temperature != 1 else "e^z"
    solution = (f"{shown}: {e_z} for each logit, divided by their sum "
                f"({' + '.join(f'e^{v:g}' for v in z / temperature)}).")
    # Typical slips, each with what it gives.
    exp = np.exp(z / temperature)
    slips = [(exp, "divide each e^z by the sum of all of them, so they add up to 1."),
             (z / z.sum() if z.sum() else None, "take e^z of each logit first, then divide by "
                                                "the sum."),
             (expected[::-1], "keep the order: the biggest logit gets the biggest "
                              "probability."),
             (np.round(expected, decimals - 1) if decimals > 1 else None,
              f"{decimals} decimals are needed."),
             (np.floor(expected * 10 ** (decimals - 1)) / 10 ** (decimals - 1)
              if decimals > 1 else None, f"{decimals} decimals are needed.")]
    if temperature != 1:
        slips.append((ops.softmax(z), f"divide the logits by T = {temperature:g} before e^z."))
        slips.append((ops.softmax(z * temperature), f"divide by T = {temperature:g}, do not "
                                                    "multiply."))

    def grade(answer):
        got = read_array(answer)
        if got is None:
            return wrong(f"Not quite: give a list of {z.size} numbers, like "
                         f"{[round(1 / z.size, 2)] * z.size}; got {show(answer)}.")
        got = got.ravel()
        if got.size != z.size:
            return wrong(f"Not quite: give one probability per logit ({z.size}), got "
                         f"{got.size}.")
        if np.all(np.abs(got - expected) < tol):
            return right(f"Right: {np.round(expected, 3).tolist()} (they sum to 1).")
        for value, hint in slips:
            if value is not None and np.all(np.abs(got - value) < tol):
                return wrong(f"Not quite: {hint}")
        if np.any(got < 0) or np.any(got > 1):
            return wrong("Not quite: probabilities lie between 0 and 1. Use e^z / sum of e^z.")
        if abs(got.sum() - 1) > z.size * tol:
            return wrong(f"Not quite: your numbers add up to {got.sum():.3g}; probabilities add "
                         "up to 1.")
        far = int(np.argmax(np.abs(got - expected)))
        return wrong(f"Not quite: look again at number {far + 1} (logit {z[far]:g}): "
                     f"e^{z[far] / temperature:g} divided by the sum of all the e^z.")

    return judge("check_softmax", (tuple(z), temperature, decimals), answer, grade,
                 todo=("exp(z_i) / sum_j exp(z_j)." if temperature == 1 else
                       f"exp(z_i / T) / sum_j exp(z_j / T), with T = {temperature:g}."),
                 solution=solution, show_answer=show_answer)


def check_softmax_function(fn, *, show_answer=False) -> CheckResult:
    """Your own softmax(z) on ordinary logits, a batch, and logits of 1000."""
    cases = [np.array([2.0, 1.0, 0.1]), np.array([0.0, 0.0, 0.0, 0.0]),
             np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 5.0]]), np.array([1000.0, 999.0, 998.0]),
             np.array([-1000.0, -1001.0])]

    def grade(fn):
        if not callable(fn):
            return wrong("Not quite: pass the function itself, check_softmax_function("
                         f"my_softmax), without calling it; got {show(fn)}.")
        for z in cases:
            try:
                result = fn(z.copy())
            except NotImplementedError:
                return not_yet("Not written yet: replace the NotImplementedError with your code.")
            except Exception as err:  # noqa: BLE001 - the learner's code may raise anything
                return wrong(f"Your function raised {type(err).__name__}: {err} for "
                             f"z = {z.tolist()}.")
            if result is None:
                return not_yet("Not written yet: your function returns None. Hint: "
                               "exp(z) / sum.")
            expected = ops.softmax(z)
            got = read_array(result)
            if got is not None and got.shape == expected.shape and np.allclose(got, expected,
                                                                                 atol=1e-6):
                continue
            if np.abs(z).max() >= 1000:
                hint = "subtract z.max() before exp, or exp overflows"
            elif z.ndim == 2:
                hint = "work along the last axis (axis=-1, keepdims=True) for a batch"
            else:
                hint = "exp(z) / exp(z).sum()"
            got_text = show(result) if got is None else str(np.round(got, 4).tolist())
            return wrong(f"Wrong for z = {z.tolist()}: got {got_text}, expected "
                         f"{np.round(expected, 4).tolist()}. Hint: {hint}.")
        return right("Right, and stable for logits of ±1000 too.")

    return judge("check_softmax_function", (), fn, grade,
                 todo="e = np.exp(z - z.max(axis=-1, keepdims=True)), then divide by its sum "
                      "along the last axis.",
                 solution=solution_code("my_softmax"), show_answer=show_answer,
                 placeholder="Write your function, then run the cell again.")


def check_cross_entropy(answer, probs, label, tol=0.01, *, show_answer=False) -> CheckResult:
    """-ln p[label] computed by hand, within ``tol`` (2 decimals are enough)."""
    p = np.asarray(probs, dtype=float)
    expected = ops.cross_entropy(p, label)
    solution = f"−ln({p[label]:g}) = {expected:.3f}."
    slips = [(-math.log10(p[label]), "use the natural log (np.log), not log10."),
             (-math.log2(p[label]), "use the natural log (np.log), not log2."),
             (-expected, "the loss has a minus sign: −ln p, a positive number."),
             (1 - p[label], f"the loss is −ln p[{label}], not 1 − p.")]
    slips += [(-math.log(q), f"use the probability of the true label {label}: p[{label}] = "
                             f"{p[label]:g}.") for i, q in enumerate(p) if i != label and q > 0]

    def grade(answer):
        value = read_number(answer)
        if value is None:
            return wrong(f"Not quite: give one number, not {show(answer)}.")
        if abs(value - expected) <= tol:
            return right(f"Right: −ln({p[label]:g}) = {expected:.3f}.")
        for size, hint in slips:
            if abs(size - expected) > tol and abs(value - size) <= tol:
                return wrong(f"Not quite: you said {value:g}. {hint[0].upper()}{hint[1:]}")
        return wrong(f"Not quite: you said {value:g}. Take the natural log of p[{label}] = "
                     f"{p[label]:g}, with a minus.")

    return judge("check_cross_entropy", (tuple(p), label, tol), answer, grade,
                 todo="the loss is −ln of the probability given to the true label.",
                 solution=solution, show_answer=show_answer)


def check_dense_params(answer, n_in, n_out, bias=True, *, show_answer=False) -> CheckResult:
    """The parameter count of a dense layer with n_in inputs and n_out neurons."""
    expected = ops.dense_param_count(n_in, n_out, bias)
    solution = f"{n_in:,} × {n_out:,}" + (f" + {n_out:,}" if bias else "") + f" = {expected:,}."

    def grade(answer):
        value = read_int(answer)
        if value == expected:
            return right(f"Right: {solution}")
        if value is None:
            return wrong(f"Not quite: {not_int_hint(answer, 'a count')}")
        if bias and value == expected - n_out:
            return wrong("Not quite: add one bias per output neuron.")
        if bias and value == n_in * n_out + n_in:
            return wrong("Not quite: one bias per output neuron, not per input.")
        if value in (n_in + n_out, n_in + 2 * n_out):
            return wrong("Not quite: every input connects to every output, so multiply.")
        return wrong(f"Not quite: you said {value:,}. Count n_in × n_out weights"
                     + (", then add one bias per output." if bias else "."))

    return judge("check_dense_params", (n_in, n_out, bias), answer, grade,
                 todo="one weight per (input, output) pair, plus one bias per output.",
                 solution=solution, show_answer=show_answer)
