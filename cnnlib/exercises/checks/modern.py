"""Exercise checkers for the modern-CNNs notebook (LeNet-5, residual blocks, transfer learning).

Each computes its answer with ``cnnlib.core.ops``, prints a verdict and returns a
:class:`~cnnlib.exercises.checks.common.CheckResult`.
"""

from __future__ import annotations

from cnnlib.core import ops
from cnnlib.text.i18n import t

from .common import CheckResult, fmt, judge, not_int_hint, read_int, read_number, right, wrong

__all__ = ["check_lenet_c3_params", "check_residual_block_params", "check_shortcut_gradient"]

#: The paper's C3 table: 6 maps see 3 of S2's maps, 9 see 4, and 1 sees all 6.
LENET_C3_TABLE = ((6, 3), (9, 4), (1, 6))


def check_lenet_c3_params(answer, partial: bool = True, *, show_answer=False) -> CheckResult:
    """How many weights (biases included) has LeNet-5's C3: 16 maps of 5x5 kernels on S2's 6
    maps, with the paper's partial connection table (``partial``) or every map connected?"""
    full = ops.conv_param_count(5, 5, 6, 16)
    links = sum(n * inputs for n, inputs in LENET_C3_TABLE)
    table = links * ops.conv_param_count(5, 5, 1, 1, bias=False) + 16  # one 5x5 kernel a pair
    expected = table if partial else full
    solution = (t("{links} (map, input map) pairs × 5·5 weights + 16 biases = {expected:,}.",
                  links=links, expected=expected) if partial else
                t("16 maps × 5·5·6 weights + 16 biases = {expected:,}.", expected=expected))

    def grade(answer):
        value = read_int(answer)
        if value == expected:
            return right(t("Right: {expected:,} weights.", expected=expected))
        if value is None:
            return wrong(t("Not quite: {not_int_hint}",
                           not_int_hint=not_int_hint(answer, t("a count"))))
        if partial and value == full:
            return wrong(t("Not quite: that is C3 with every map connected to all 6 inputs. The "
                           "paper's table connects only {links} pairs.", links=links))
        if value == expected - 16:
            return wrong(t("Not quite: each of the 16 maps also has one bias."))
        if partial and value == links * 25 + links:
            return wrong(t("Not quite: one bias per output map (16), not per connection."))
        return wrong(t("Not quite: you said {value:,}. Count the (map, input map) pairs, times "
                       "25 weights each, plus one bias per map.", value=value))

    return judge("check_lenet_c3_params", (partial,), answer, grade,
                 todo=t("6 maps see 3 inputs, 9 see 4, 1 sees 6; each pair has a 5×5 kernel; "
                        "add one bias per map."),
                 solution=solution, show_answer=show_answer)


def check_residual_block_params(answer, channels: int = 32, *, show_answer=False) \
        -> CheckResult:
    """The learned numbers of one residual block with ``channels`` maps in and out: two 3x3
    convolutions without bias, each followed by batch norm (γ and β per channel; the running
    mean and variance are measured, not learned), an identity shortcut."""
    if isinstance(channels, bool) or not isinstance(channels, int) or channels < 1:
        raise ValueError(f"channels must be an integer >= 1, got {channels!r}")
    conv = ops.conv_param_count(3, 3, channels, channels, bias=False)
    expected = 2 * conv + 2 * 2 * channels
    solution = t("two convolutions 3·3·{c}·{c} = {conv:,} each, two batch norms 2·{c} each: "
                 "{expected:,}.", c=channels, conv=conv, expected=expected)

    def grade(answer):
        value = read_int(answer)
        if value == expected:
            return right(t("Right: {expected:,} learned numbers; the shortcut adds none.",
                           expected=expected))
        if value is None:
            return wrong(t("Not quite: {not_int_hint}",
                           not_int_hint=not_int_hint(answer, t("a count"))))
        if value == 2 * conv + 4 * 2 * channels:
            return wrong(t("Not quite: that counts the running mean and variance too; they are "
                           "measured, not learned."))
        if value == 2 * conv + 2 * channels + 4 * channels:
            return wrong(t("Not quite: the convolutions have no bias here (batch norm's β "
                           "shifts instead)."))
        if value == 2 * conv:
            return wrong(t("Not quite: each batch norm also learns γ and β per channel."))
        if value in (conv, conv + 2 * channels):
            return wrong(t("Not quite: the block has two convolutions."))
        return wrong(t("Not quite: you said {value:,}. 3·3·in·out per convolution, twice; "
                       "plus 2 per channel for each batch norm.", value=value))

    return judge("check_residual_block_params", (channels,), answer, grade,
                 todo=t("two 3×3 convolutions of {c} → {c} maps, no bias; batch norm learns γ "
                        "and β per channel; the Add has no weights.", c=channels),
                 solution=solution, show_answer=show_answer)


def check_shortcut_gradient(answer, slope: float = 0.1, blocks: int = 5, *,
                            show_answer=False) -> CheckResult:
    """A gradient goes back through ``blocks`` blocks, each of whose branch multiplies it by
    ``slope``. With a shortcut around each block (y = x + F(x)), by what factor does it arrive?
    (To 3 significant figures.)"""
    if not isinstance(blocks, int) or isinstance(blocks, bool) or blocks < 1:
        raise ValueError(f"blocks must be an integer >= 1, got {blocks!r}")
    expected = (1.0 + slope) ** blocks
    plain = slope ** blocks
    solution = t("each block passes 1 + {slope:g} (the shortcut's 1 plus the branch's "
                 "{slope:g}); over {blocks} blocks (1 + {slope:g})^{blocks} ≈ {value:.3g}, "
                 "against {slope:g}^{blocks} = {plain:.3g} without shortcuts.",
                 slope=slope, blocks=blocks, value=expected, plain=plain)

    def close(a, b):
        return abs(a - b) <= 0.005 * abs(b) + 1e-12

    def grade(answer):
        value = read_number(answer)
        if value is None:
            return wrong(t("Not quite: give one number, like 1.5; got {answer}.",
                           answer=repr(answer)))
        if close(value, expected):
            return right(t("Right: {value:.3g}. The shortcut's 1 keeps the gradient alive.",
                           value=expected))
        if close(value, plain):
            return wrong(t("Not quite: {value} is the plain stack, without shortcuts. With "
                           "y = x + F(x), dy/dx = 1 + dF/dx.", value=fmt(value)))
        if close(value, 1 + slope * blocks):
            return wrong(t("Not quite: the factors multiply (the chain rule), they do not add."))
        if close(value, 1 + plain):
            return wrong(t("Not quite: each block has its own shortcut, so each factor is "
                           "1 + {slope:g}.", slope=slope))
        return wrong(t("Not quite: you said {value}. One block multiplies the gradient by "
                       "dy/dx = 1 + dF/dx; chain {blocks} of them.", value=fmt(value),
                       blocks=blocks))

    return judge("check_shortcut_gradient", (slope, blocks), answer, grade,
                 todo=t("for y = x + F(x), dy/dx = 1 + dF/dx; the chain rule multiplies the "
                        "factors of the {blocks} blocks.", blocks=blocks),
                 solution=solution, show_answer=show_answer)
