"""Exercise checkers for the dense-and-softmax notebook.

Each compares the learner's answer with ``cnnlib.core.ops``, prints a verdict and returns a
:class:`~cnnlib.exercises.checks.common.CheckResult`.
"""

from __future__ import annotations

import math

import numpy as np

from cnnlib.core import ops
from cnnlib.text.i18n import N_, t

from .common import (
    CheckResult,
    fmt,
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
    solution = (t('{shown}: {e_z} for each logit, divided by their sum ({sum_terms}).', shown=shown, e_z=e_z, sum_terms=' + '.join(f'e^{v:g}' for v in z / temperature)))
    # Typical slips, each with what it gives; the hints are shown through t (N_ marks them).
    exp = np.exp(z / temperature)
    slips = [(exp, N_("divide each e^z by the sum of all of them, so they add up to 1.")),
             (z / z.sum() if z.sum() else None,
              N_("take e^z of each logit first, then divide by the sum.")),
             (expected[::-1], N_("keep the order: the biggest logit gets the biggest "
                                 "probability.")),
             (np.round(expected, decimals - 1) if decimals > 1 else None,
              N_("{decimals} decimals are needed.")),
             (np.floor(expected * 10 ** (decimals - 1)) / 10 ** (decimals - 1)
              if decimals > 1 else None, N_("{decimals} decimals are needed."))]
    if temperature != 1:
        slips.append((ops.softmax(z), N_('divide the logits by T = {temperature:g} before e^z.')))
        slips.append((ops.softmax(z * temperature), N_('divide by T = {temperature:g}, do not multiply.')))

    def grade(answer):
        got = read_array(answer)
        if got is None:
            return wrong(t('Not quite: give a list of {size} numbers, like {example}; got {show}.', size=z.size, example=[round(1 / z.size, 2)] * z.size, show=show(answer)))
        got = got.ravel()
        if got.size != z.size:
            return wrong(t('Not quite: give one probability per logit ({n_logits}), got {n_given}.', n_logits=z.size, n_given=got.size))
        if np.all(np.abs(got - expected) < tol):
            return right(t('Right: {probs} (they sum to 1).', probs=np.round(expected, 3).tolist()))
        for value, hint in slips:
            if value is not None and np.all(np.abs(got - value) < tol):
                return wrong(t('Not quite: {hint}', hint=t(hint, decimals=decimals,
                                                            temperature=temperature)))
        if np.any(got < 0) or np.any(got > 1):
            return wrong(t('Not quite: probabilities lie between 0 and 1. Use e^z / sum of e^z.'))
        if abs(got.sum() - 1) > z.size * tol:
            return wrong(t('Not quite: your numbers add up to {sum:.3g}; probabilities add up to 1.', sum=got.sum()))
        far = int(np.argmax(np.abs(got - expected)))
        return wrong(t('Not quite: look again at number {number} (logit {z:g}): e^{z_over_t:g} divided by the sum of all the e^z.', number=far + 1, z=z[far], z_over_t=z[far] / temperature))

    return judge("check_softmax", (tuple(z), temperature, decimals), answer, grade,
                 todo=(t('exp(z_i) / sum_j exp(z_j).') if temperature == 1 else
                       t('exp(z_i / T) / sum_j exp(z_j / T), with T = {temperature:g}.', temperature=temperature)),
                 solution=solution, show_answer=show_answer)


def check_softmax_function(fn, *, show_answer=False) -> CheckResult:
    """Your own softmax(z) on ordinary logits, a batch, and logits of 1000."""
    cases = [np.array([2.0, 1.0, 0.1]), np.array([0.0, 0.0, 0.0, 0.0]),
             np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 5.0]]), np.array([1000.0, 999.0, 998.0]),
             np.array([-1000.0, -1001.0])]

    def grade(fn):
        if not callable(fn):
            return wrong(t('Not quite: pass the function itself, check_softmax_function(my_softmax), without calling it; got {show}.', show=show(fn)))
        for z in cases:
            try:
                result = fn(z.copy())
            except NotImplementedError:
                return not_yet(t('Not written yet: replace the NotImplementedError with your code.'))
            except Exception as err:  # noqa: BLE001 - the learner's code may raise anything
                return wrong(t('Your function raised {name}: {err} for z = {z}.', name=type(err).__name__, err=err, z=z.tolist()))
            if result is None:
                return not_yet(t('Not written yet: your function returns None. Hint: exp(z) / sum.'))
            expected = ops.softmax(z)
            got = read_array(result)
            if got is not None and got.shape == expected.shape and np.allclose(got, expected,
                                                                                 atol=1e-6):
                continue
            if np.abs(z).max() >= 1000:
                hint = t('subtract z.max() before exp, or exp overflows')
            elif z.ndim == 2:
                hint = t('work along the last axis (axis=-1, keepdims=True) for a batch')
            else:
                hint = t('exp(z) / exp(z).sum()')
            got_text = show(result) if got is None else str(np.round(got, 4).tolist())
            return wrong(t('Wrong for z = {z}: got {got_text}, expected {expected}. Hint: {hint}.', z=z.tolist(), got_text=got_text, expected=np.round(expected, 4).tolist(), hint=hint))
        return right(t('Right, and stable for logits of ±1000 too.'))

    return judge("check_softmax_function", (), fn, grade,
                 todo=t('e = np.exp(z - z.max(axis=-1, keepdims=True)), then divide by its sum along the last axis.'),
                 solution=solution_code("my_softmax"), show_answer=show_answer,
                 placeholder=t('Write your function, then run the cell again.'))


def check_cross_entropy(answer, probs, label, tol=0.01, *, show_answer=False) -> CheckResult:
    """-ln p[label] computed by hand, within ``tol`` (2 decimals are enough)."""
    p = np.asarray(probs, dtype=float)
    expected = ops.cross_entropy(p, label)
    solution = t('−ln({p:g}) = {expected:.3f}.', p=p[label], expected=expected)
    slips = [(-math.log10(p[label]), N_("Use the natural log (np.log), not log10.")),
             (-math.log2(p[label]), N_("Use the natural log (np.log), not log2.")),
             (-expected, N_("The loss has a minus sign: −ln p, a positive number.")),
             (1 - p[label], N_("The loss is −ln p[{label}], not 1 − p."))]
    slips += [(-math.log(q), N_("Use the probability of the true label {label}: "
                                "p[{label}] = {p:g}.")) for i, q in enumerate(p)
              if i != label and q > 0]

    def grade(answer):
        value = read_number(answer)
        if value is None:
            return wrong(t('Not quite: give one number, not {show}.', show=show(answer)))
        if abs(value - expected) <= tol:
            return right(t('Right: −ln({p:g}) = {expected:.3f}.', p=p[label], expected=expected))
        for size, hint in slips:
            if abs(size - expected) > tol and abs(value - size) <= tol:
                return wrong(t('Not quite: you said {value}. {hint}', value=fmt(value),
                               hint=t(hint, label=label, p=p[label])))
        return wrong(t('Not quite: you said {value:g}. Take the natural log of p[{label}] = {p:g}, with a minus.', value=value, label=label, p=p[label]))

    return judge("check_cross_entropy", (tuple(p), label, tol), answer, grade,
                 todo=t('the loss is −ln of the probability given to the true label.'),
                 solution=solution, show_answer=show_answer)


def check_dense_params(answer, n_in, n_out, bias=True, *, show_answer=False) -> CheckResult:
    """The parameter count of a dense layer with n_in inputs and n_out neurons."""
    expected = ops.dense_param_count(n_in, n_out, bias)
    solution = f"{n_in:,} × {n_out:,}" + (f" + {n_out:,}" if bias else "") + f" = {expected:,}."

    def grade(answer):
        value = read_int(answer)
        if value == expected:
            return right(t('Right: {solution}', solution=solution))
        if value is None:
            return wrong(t('Not quite: {not_int_hint}', not_int_hint=not_int_hint(answer, t('a count'))))
        if bias and value == expected - n_out:
            return wrong(t('Not quite: add one bias per output neuron.'))
        if bias and value == n_in * n_out + n_in:
            return wrong(t('Not quite: one bias per output neuron, not per input.'))
        if value in (n_in + n_out, n_in + 2 * n_out):
            return wrong(t('Not quite: every input connects to every output, so multiply.'))
        return wrong(t('Not quite: you said {value:,}. Count n_in × n_out weights', value=value)
                     + (t(', then add one bias per output.') if bias else "."))

    return judge("check_dense_params", (n_in, n_out, bias), answer, grade,
                 todo=t('one weight per (input, output) pair, plus one bias per output.'),
                 solution=solution, show_answer=show_answer)
