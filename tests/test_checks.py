"""The exercise checkers against the answer key, typical wrong answers, and any input at all.

The key (``cnnlib.exercises.solutions``) works each answer by hand-written arithmetic; the checkers compute
theirs with ``cnnlib.core.ops``: a checker that disagrees with its key fails here.
"""

import ast
import inspect
import json
import math
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from cnnlib import checks, images, kernels, solutions
from cnnlib.exercises.checks import common
from tests.worked_examples import SOBEL_X

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = solutions.exercises()
FUNCTION_CHECKERS = {"check_conv2d", "check_output_size_function", "check_pool_function",
                     "check_softmax_function", "check_max_pool_grad"}


@pytest.fixture(autouse=True)
def _fresh_kernel():
    """Each test starts as a fresh kernel would: no misses counted yet."""
    common.forget_misses()
    yield
    common.forget_misses()


def _name(ex):
    return f"{ex.notebook}-{ex.number}"


def _solve(ex):
    wanted = inspect.signature(ex.solve).parameters
    return ex.solve(**{k: ex.params[k] for k in wanted})


def _check(ex, answer, **extra):
    return getattr(checks, ex.checker)(answer, **ex.params, **extra)


# ---------------------------------------------------------------------------------------------
# The answer key
# ---------------------------------------------------------------------------------------------
def test_the_key_has_every_exercise_of_the_series():
    assert len(EXERCISES) == 42
    assert len({_name(ex) for ex in EXERCISES}) == 42
    assert {ex.checker for ex in EXERCISES} <= set(checks.__all__)
    # Every checker the package offers is used by some exercise.
    assert {n for n in checks.__all__ if n.startswith("check_")} == {ex.checker for ex in EXERCISES}


@pytest.mark.parametrize("ex", EXERCISES, ids=_name)
def test_every_checker_passes_its_solution(ex, capsys):
    result = _check(ex, _solve(ex))
    out = capsys.readouterr().out
    assert result and result.state == "right", out
    assert out.startswith("✅") and "❌" not in out


def test_key_numbers_worked_by_hand():
    # Independent of both the key's arithmetic and cnnlib.core.ops: numbers stated in the notebooks
    # and the source articles.
    assert solutions.PIXEL_COUNT_FULL_HD == 6_220_800
    assert math.isclose(solutions.GRAY_200_100_50, 124.2)
    assert solutions.FLAT_INDEX_CAT == 907
    assert solutions.VALUE_COUNT_POOLED == 193_600
    assert solutions.SOFTMAX_1_2_3 == [0.09, 0.24, 0.67]
    assert solutions.SEED_PARAMS_50 == 271_280
    assert solutions.VGG_FIRST_DENSE == 102_764_544
    assert solutions.RECEPTIVE_FIELD_3_3_3 == 9
    assert solutions.CONV_MATRIX_SHAPE_7_3_2 == (9, 49)
    assert solutions.most_confused(solutions._sample_counts()) == (4, 9)
    # LeNet-5's C3 with the paper's table (the paper gives 1,516 trainable parameters for C3)
    assert solutions.LENET_C3_PARTIAL == 1_516
    assert solutions.RESIDUAL_BLOCK_32 == 18_560
    assert math.isclose(solutions.SHORTCUT_GRADIENT_5, 1.61051)
    # The key's copies of the article's arrays are the ones the notebooks use.
    assert np.array_equal(solutions.ARTICLE_5X5, images.article_5x5())
    assert np.array_equal(solutions.X_KERNEL, kernels.get("x (article)"))


def _notebook_calls(path):
    """Every ``checks.check_*(answer, key=value, ...)`` call in a notebook, in order."""
    calls = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        for node in ast.walk(ast.parse("".join(cell["source"]))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "checks"):
                calls.append(node)
    return calls


_ARITHMETIC = (ast.Expression, ast.Constant, ast.BinOp, ast.UnaryOp, ast.operator,
               ast.unaryop, ast.Tuple, ast.List, ast.Load)


def _literal(node):
    """The value of a literal setting (arithmetic such as 13 * 13 * 32 included); None for a
    notebook variable (the toy image, the confusion matrix)."""
    tree = ast.Expression(node)
    if not all(isinstance(n, _ARITHMETIC) for n in ast.walk(tree)):
        return None
    value = eval(compile(tree, "<setting>", "eval"), {"__builtins__": {}})  # constants only
    return json.loads(json.dumps(value))  # tuples and lists compare alike


NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT / "notebooks")))
def test_notebooks_call_the_checkers_the_key_lists(path):
    topic = path.stem.split("_", 1)[1] if path.stem[:2].isdigit() else path.stem
    key = [ex for ex in EXERCISES if ex.notebook == topic]
    calls = _notebook_calls(path)
    assert [c.func.attr for c in calls] == [ex.checker for ex in key], path.name
    for call, ex in zip(calls, key):
        where = f"{path.name}, exercise {ex.number}"
        assert len(call.args) == 1, f"{where}: pass the settings by keyword"
        answer = call.args[0]
        if ex.checker in FUNCTION_CHECKERS:
            assert isinstance(answer, ast.Name) and answer.id.startswith("my_"), where
        else:
            assert isinstance(answer, ast.Name), where  # a variable the learner fills in
        assert {kw.arg for kw in call.keywords} == set(ex.params), where
        for kw in call.keywords:
            value = _literal(kw.value)
            if value is not None:
                expected = ex.params[kw.arg]
                expected = expected.tolist() if isinstance(expected, np.ndarray) else expected
                assert value == json.loads(json.dumps(expected)), f"{where}: {kw.arg}"


# ---------------------------------------------------------------------------------------------
# Every correct form
# ---------------------------------------------------------------------------------------------
INT_EXERCISES = [ex for ex in EXERCISES
                 if isinstance(_solve(ex), int) and not isinstance(_solve(ex), bool)]


@pytest.mark.parametrize("ex", INT_EXERCISES, ids=_name)
def test_whole_numbers_in_every_form(ex, capsys):
    v = _solve(ex)
    forms = [v, float(v), np.int64(v), np.float32(v) if v < 2 ** 24 else np.float64(v),
             np.array(v), str(v), f" {v} ", f"{v:,}", f"{v}.0", Fraction(v), Decimal(v)]
    for form in forms:
        assert _check(ex, form), f"{form!r}: {capsys.readouterr().out}"
    # Arithmetic a learner would type: (7 - 3) / 2 + 1 is 3.0.
    assert _check(ex, v / 1.0 * 3 / 3)
    assert not _check(ex, v + 0.5)
    assert not _check(ex, True)  # a bool is not a count, even where the answer is 1


def test_stated_precision():
    # softmax([1, 2, 3]) = [0.0900, 0.2447, 0.6652]; "2 decimals are enough".
    for answer in ([0.09, 0.24, 0.66], [0.09, 0.24, 0.67], (0.09, 0.245, 0.665),
                   np.array([0.0900, 0.2447, 0.6652]), ["0.09", "0.24", "0.66"]):
        assert checks.check_softmax(answer, [1.0, 2.0, 3.0]), answer
    assert not checks.check_softmax([0.1, 0.2, 0.7], [1.0, 2.0, 3.0])
    # 3 decimals asked: cut off at 3 is fine, at 2 is not.
    assert checks.check_softmax([0.090, 0.244, 0.665], [1.0, 2.0, 3.0], decimals=3)
    assert not checks.check_softmax([0.09, 0.24, 0.66], [1.0, 2.0, 3.0], decimals=3)
    # -ln 0.7 = 0.3567: cut off or rounded at 2 decimals.
    for answer in (0.35, 0.36, 0.357, "0.36", np.float32(0.3567)):
        assert checks.check_cross_entropy(answer, [0.1, 0.7, 0.2], 1), answer
    assert not checks.check_cross_entropy(0.3, [0.1, 0.7, 0.2], 1)
    # Pooled averages by hand, 2 decimals.
    x = [[1, 2, 0, 0], [0, 0, 0, 0], [1, 1, 0, 0], [1, 0, 0, 0]]  # averages 0.75, 0, 0.75, 0
    assert checks.check_pooled([[0.75, 0], [0.75, 0]], x, mode="avg")
    assert checks.check_pooled([["0.75", "0"], ["0.75", "0.0"]], x, mode="avg")
    # Gray values within half a level; the other pair forms of a pair.
    assert checks.check_grayscale(124, (200, 100, 50))
    assert checks.check_grayscale("124.2", (200, 100, 50))
    for pair in ((1, 2), [1, 2], np.array([1, 2]), "(1, 2)", "1, 2", (1.0, np.int64(2))):
        assert checks.check_tf_same_pads(pair, n=7, kernel=4, stride=2), pair
    counts = solutions._sample_counts()
    for pair in ((4, 9), [4, 9], "49", "(4, 9)", np.array([4, 9]), (4.0, 9.0)):
        assert checks.check_most_confused(pair, counts), pair
    for choice in ("c", "C", " c) ", "c.", "flip left-right"):
        assert checks.check_augmentation(choice), choice
    assert checks.check_neighbour_kernel([[0, 0.25, 0], [0.25, 0, 0.25], [0, 0.25, 0]])
    assert checks.check_neighbour_kernel(np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]]) / 4)


# ---------------------------------------------------------------------------------------------
# Typical wrong answers: ❌ and a hint that fits the mistake
# ---------------------------------------------------------------------------------------------
FEATURE_4X4 = [[1, 3, 2, 1], [4, 6, 5, 0], [3, 1, 1, 2], [2, 0, 7, 4]]
BOX_BLUR = np.full((3, 3), 1 / 9)
COUNTS = solutions._sample_counts()


def _flipped_conv2d(x, kernel, stride=1):
    return solutions.my_conv2d(x, kernel[::-1, ::-1], stride)


def _stride_ignored(x, kernel, stride=1):
    return solutions.my_conv2d(x, kernel, 1)


def _forgot_dilation(n, k, s, p, d):
    return (n + 2 * p - k) // s + 1


def _true_division(n, k, s, p, d):
    return (n + 2 * p - d * (k - 1) - 1) / s + 1


def _keeps_leftovers(x, size):
    return np.array([[x[r:r + size, c:c + size].max() for c in range(0, x.shape[1], size)]
                     for r in range(0, x.shape[0], size)])


def _mean_pool(x, size):
    return solutions.my_avg_pool(x, size)


def _naive_softmax(z):
    return np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)


def _flat_softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max())
    return e / e.sum()


WRONG = [
    # checker, settings, a typical wrong answer, words of the hint it must get
    ("check_pixel_count", dict(height=1080, width=1920, channels=3), 1920 * 1080,
     "one number per channel"),
    ("check_pixel_count", dict(height=1080, width=1920, channels=3), 6_220_800.5,
     "whole number"),
    ("check_grayscale", dict(rgb=(200, 100, 50)), 350 / 3, "plain average"),
    ("check_grayscale", dict(rgb=(200, 100, 50)), 0.114 * 200 + 0.587 * 100 + 0.299 * 50,
     "swapped"),
    ("check_grayscale", dict(rgb=(200, 100, 50)), 124.2 / 255, "0-1 scale"),
    ("check_normalized", dict(img=images.toy_rgb()), images.toy_rgb() // 255,
     "integer division"),
    ("check_normalized", dict(img=images.toy_rgb()), images.toy_rgb() / 256, "not 256"),
    ("check_normalized", dict(img=images.toy_rgb()), images.toy_rgb()[0] / 255, "shape"),
    ("check_normalized", dict(img=images.toy_rgb()), images.toy_rgb(), "still 0-255"),
    ("check_mlp_weights", dict(height=28, width=28, channels=1), 785, "bias"),
    ("check_mlp_weights", dict(height=28, width=28, channels=1), 28 * 28 * 3, "one channel"),
    ("check_flat_index", dict(row=2, col=5, width=451), 5 * 451 + 2, "swapped"),
    ("check_flat_index", dict(row=2, col=5, width=451), 908, "count from 0"),
    ("check_flat_index", dict(row=2, col=5, width=13, channel=1, channels=4), 31,
     "multiply by 4"),
    ("check_flat_index", dict(row=2, col=5, width=13, channel=1, channels=4), 124,
     "Add the channel"),
    ("check_output_size", dict(n=7, kernel=3, stride=2), 5, "divide by the stride"),
    ("check_output_size", dict(n=7, kernel=3, stride=2), 2, "add 1"),
    ("check_output_size", dict(n=32, kernel=4, stride=3), (32 - 4) / 3 + 1, "round down"),
    ("check_output_size", dict(n=32, kernel=4, stride=3), 10.5, "whole number"),
    ("check_output_size", dict(n=28, kernel=3, stride=2, padding="same"), 28,
     "divide by the stride"),
    ("check_output_size", dict(n=7, kernel=3, stride=2, padding="same"), 3, "rounds up"),
    ("check_output_size", dict(n=9, kernel=3, dilation=2), 7, "dilation"),
    ("check_output_size", dict(n=9, kernel=3, padding=1), 7, "padding"),
    ("check_conv_value", dict(x=images.article_5x5(), kernel=kernels.get("x (article)"), row=1,
                              col=2), 4, "x[1, 2]"),
    ("check_conv_value", dict(x=images.article_5x5(), kernel=SOBEL_X, row=1,
                              col=0), -4, "flipped"),
    ("check_conv_value", dict(x=images.article_5x5(), kernel=kernels.get("x (article)"), row=0,
                              col=1), 2, "output[1, 0]"),
    ("check_conv2d", {}, _flipped_conv2d, "flipped"),
    ("check_conv2d", {}, _stride_ignored, "stride"),
    ("check_conv2d", {}, lambda x, k, s=1: 1 / 0, "ZeroDivisionError"),
    ("check_conv2d", {}, lambda x, k: x, "TypeError"),
    ("check_conv2d", {}, solutions.my_conv2d(np.ones((3, 3)), np.ones((2, 2))),
     "the function itself"),
    ("check_conv_params", dict(kh=5, kw=5, c_in=3, c_out=64), 5 * 5 * 3 * 64, "biases"),
    ("check_conv_params", dict(kh=5, kw=5, c_in=3, c_out=64), 5 * 5 * 64 + 64,
     "all 3 input channels"),
    ("check_conv_params", dict(kh=5, kw=5, c_in=3, c_out=64), 5 * 5 * 3 + 1, "one filter"),
    ("check_neighbour_kernel", {}, BOX_BLUR, "centre"),
    ("check_neighbour_kernel", {}, [[0, 1, 0], [1, 0, 1], [0, 1, 0]], "divides their sum by 4"),
    ("check_neighbour_kernel", {}, np.full((3, 3), 0.125) - np.eye(3)[1] * [0, 0.125, 0],
     "diagonal"),
    ("check_neighbour_kernel", {}, np.ones((2, 2)), "3x3"),
    # C of a 7x7 input, 3x3 kernel, stride 2 is (9, 49), worked by hand
    ("check_conv_matrix_shape", dict(n=7, kernel=3, stride=2), (49, 9), "swapped"),
    ("check_conv_matrix_shape", dict(n=7, kernel=3, stride=2), (3, 7), "square them"),
    ("check_conv_matrix_shape", dict(n=7, kernel=3, stride=2), (25, 49), "stride-1"),
    ("check_conv_matrix_shape", dict(n=7, kernel=3, stride=2), (9, 9), "im2col"),
    ("check_conv_matrix_shape", dict(n=7, kernel=3, stride=2), 441, "two numbers"),
    ("check_conv_matrix_shape", dict(n=7, kernel=3, stride=2), "nine", "pair"),
    ("check_same_padding", dict(kernel=5), 4, "both sides"),
    ("check_same_padding", dict(kernel=5), 2.5, "whole number"),
    ("check_tf_same_pads", dict(n=7, kernel=4, stride=2), (2, 1), "after"),
    ("check_tf_same_pads", dict(n=7, kernel=4, stride=2), 3, "the total"),
    ("check_tf_same_pads", dict(n=7, kernel=4, stride=2), (0, 3), "total is right"),
    ("check_tf_same_pads", dict(n=7, kernel=4, stride=2), (1, 2, 3), "pair"),
    ("check_skipped", dict(n=10, kernel=3, stride=4), 6, "read"),
    ("check_skipped", dict(n=10, kernel=3, stride=4), 3, "gaps"),
    ("check_receptive_field", dict(layers=[(3, 1), (3, 2), (3, 1)]), 7, "strides"),
    ("check_receptive_field", dict(layers=[(3, 1), (3, 2), (3, 1)]), 81, "per side"),
    ("check_output_size_function", {}, _forgot_dilation, "d=2"),
    ("check_output_size_function", {}, _true_division, "//"),
    ("check_output_size_function", {}, 3, "the function itself"),
    ("check_pooled", dict(x=FEATURE_4X4, size=2, mode="max"), [[6, 5], [3, 4]],
     "row 1, column 1"),
    ("check_pooled", dict(x=FEATURE_4X4, size=2, mode="max"), [[3.5, 2], [1.5, 3.5]],
     "average pooling"),
    ("check_pooled", dict(x=FEATURE_4X4, size=2, mode="max"), [[6, 3], [5, 7]], "swapped"),
    ("check_pooled", dict(x=FEATURE_4X4, size=2, mode="max"), [[6, 5, 3, 7]], "shape"),
    ("check_pooled", dict(x=FEATURE_4X4, size=2, mode="max"), [[6, 5], [3]], "list of rows"),
    ("check_pooled_size", dict(n=89, size=3), 30, "round down"),
    ("check_pooled_size", dict(n=89, size=3), 87, "divide"),
    ("check_pooled_size", dict(n=89, size=2), 44.5, "round down"),
    ("check_value_count", dict(image=96, kernel=8, features=400, pool=4), 3_168_400,
     "Pool first"),
    ("check_value_count", dict(image=96, kernel=8, features=400, pool=4), 22 * 22,
     "multiply by 400"),
    ("check_value_count", dict(image=96, kernel=8, features=400, pool=4), 24 * 24 * 400,
     "Convolve first"),
    ("check_value_count", dict(image=96, kernel=8, features=400, pool=4), 23 * 23 * 400,
     "Round down"),
    ("check_pool_function", {}, _keeps_leftovers, "drop the rows"),
    ("check_pool_function", {}, _mean_pool, "max"),
    ("check_pool_function", {}, lambda x, size: "grid", "not a grid"),
    ("check_softmax", dict(logits=[1.0, 2.0, 3.0]), [0.17, 0.33, 0.5], "e^z"),
    ("check_softmax", dict(logits=[1.0, 2.0, 3.0]), [2.72, 7.39, 20.09], "divide"),
    ("check_softmax", dict(logits=[1.0, 2.0, 3.0]), [0.67, 0.24, 0.09], "order"),
    ("check_softmax", dict(logits=[1.0, 2.0, 3.0]), [0.1, 0.2, 0.7], "2 decimals"),
    ("check_softmax", dict(logits=[1.0, 2.0, 3.0]), [0.1, 0.2], "one probability per logit"),
    ("check_softmax", dict(logits=[1.0, 2.0, 3.0]), [0.2, 0.3, 0.4], "add up to 1"),
    ("check_softmax", dict(logits=[1.0, 2.0, 3.0]), [0.09, 0.30, 0.61], "number 2"),
    ("check_softmax", dict(logits=[1.0, 2.0, 3.0], temperature=2.0),
     [0.09, 0.24, 0.67], "T = 2"),
    ("check_softmax_function", {}, _naive_softmax, "subtract"),
    ("check_softmax_function", {}, _flat_softmax, "last axis"),
    ("check_softmax_function", {}, lambda z: z, "exp(z)"),
    ("check_cross_entropy", dict(probs=[0.1, 0.7, 0.2], label=1), -math.log10(0.7), "log10"),
    ("check_cross_entropy", dict(probs=[0.1, 0.7, 0.2], label=1), math.log(0.7), "minus"),
    ("check_cross_entropy", dict(probs=[0.1, 0.7, 0.2], label=1), -math.log(0.1),
     "true label"),
    ("check_dense_params", dict(n_in=5408, n_out=100), 540_800, "bias"),
    ("check_dense_params", dict(n_in=5408, n_out=100), 5408 * 100 + 5408, "not per input"),
    ("check_dense_params", dict(n_in=5408, n_out=100), 5508, "multiply"),
    ("check_same_padding_flatten", {}, 5408, "valid padding"),
    ("check_same_padding_flatten", {}, 28 * 28 * 32, "halves"),
    ("check_same_padding_flatten", {}, 14 * 14, "one per filter"),
    ("check_seed_params", dict(dense_units=50), 542_230, "Dense(100)"),
    ("check_seed_params", dict(dense_units=50), 288 + 5408 * 50 + 500, "bias"),
    ("check_most_confused", dict(counts=COUNTS), (9, 4), "row is the true digit"),
    ("check_most_confused", dict(counts=COUNTS), (4, 4), "diagonal"),
    ("check_most_confused", dict(counts=COUNTS), (7, 2), "5 times"),
    ("check_most_confused", dict(counts=COUNTS), (10, 4), "0 to 9"),
    ("check_most_confused", dict(counts=COUNTS), (4,), "pair"),
    ("check_augmentation", {}, "a", "keeps a digit readable"),
    ("check_lenet_c3_params", dict(partial=True), 2416, "every map connected"),
    ("check_lenet_c3_params", dict(partial=True), 1500, "one bias"),
    ("check_lenet_c3_params", dict(partial=True), 1560, "not per connection"),
    ("check_lenet_c3_params", dict(partial=False), 2400, "one bias"),
    ("check_residual_block_params", dict(channels=32), 18_688, "running mean"),
    ("check_residual_block_params", dict(channels=32), 18_624, "no bias"),
    ("check_residual_block_params", dict(channels=32), 18_432, "γ and β"),
    ("check_residual_block_params", dict(channels=32), 9_280, "two convolutions"),
    ("check_shortcut_gradient", dict(slope=0.1, blocks=5), 0.00001, "plain stack"),
    ("check_shortcut_gradient", dict(slope=0.1, blocks=5), 1.5, "multiply"),
    ("check_shortcut_gradient", dict(slope=0.1, blocks=5), 1.00001, "its own shortcut"),
    ("check_augmentation", {}, "z", "one letter"),
    # worked by hand: G flipped is [[-1, 0], [0, 1]], so dk[a][b] = x[a+1][b+1] - x[a][b]
    ("check_kernel_grad", dict(x=[[1, 0, 2, 1], [0, 1, 1, 0], [2, 1, 0, 1], [1, 0, 1, 2]],
                               grad_out=[[1, 0], [0, -1]]),
     [[0, 1, -2], [1, -1, 0], [-2, 0, 2]], "flipped grad_out"),
    # the kernel placed upside down: [[4, 3], [2, 1]] over windows (0, 0) and (1, 1)
    ("check_input_grad", dict(kernel=[[1, 2], [3, 4]], grad_out=[[1, 0], [0, 1]]),
     [[4, 3, 0], [2, 5, 3], [0, 2, 1]], "upside down"),
]


@pytest.mark.parametrize("checker, params, answer, hint", WRONG,
                         ids=[f"{w[0]}-{i}" for i, w in enumerate(WRONG)])
def test_typical_wrong_answers_fail_with_a_fitting_hint(checker, params, answer, hint, capsys):
    result = getattr(checks, checker)(answer, **params)
    out = capsys.readouterr().out
    assert not result and result.state == "wrong"
    assert out.startswith("❌") and hint in out, out
    assert "💡 Answer" not in out  # a first miss gets a hint, not the answer


# ---------------------------------------------------------------------------------------------
# Never an exception
# ---------------------------------------------------------------------------------------------
class _Weird:
    def __repr__(self):
        raise RuntimeError("no repr")

    def __float__(self):
        raise RuntimeError("no float")


ODD_ANSWERS = ["abc", "", "  ", "1/3", float("nan"), float("inf"), -math.inf, -1, 0, 10 ** 100,
               10 ** 400, 1e300, 2.5, True, [1, 3], (1, 3, 5), [], [[1, 2], [3]], ["a", "b"],
               np.array([1, 3]), np.zeros((3, 3)), np.array([np.nan]), np.array([]),
               np.array(["x"]), {}, {1: 2}, {1, 2}, object(), _Weird(), 1j, b"7",
               Ellipsis, range(3), print]


@pytest.mark.parametrize("ex", EXERCISES, ids=_name)
def test_no_input_raises(ex, capsys):
    odd = list(ODD_ANSWERS)
    if ex.checker in FUNCTION_CHECKERS:
        # print returns None: "not written yet", rightly.
        odd = [answer for answer in odd if answer is not print]
        odd += [lambda *a: "x", lambda *a: np.nan, lambda *a: [[1]], lambda *a: 1 / 0,
                lambda: 0, lambda *a: (i for i in range(3)), lambda *a: np.full((9, 9), np.nan),
                lambda *a: [[1, 2], [3]], lambda *a: {}, lambda *a: 1j, _Weird]
    for answer in odd:
        result = _check(ex, answer)
        out = capsys.readouterr().out
        assert not result and result.state == "wrong", (answer, out)
        assert out.startswith("❌ Not quite") or out.startswith("❌ Trial") or (
            out.startswith("❌ Wrong for") or out.startswith("❌ Your function") or (
                out.startswith("❌ On a") or out.startswith("❌ For"))), out
        assert len(out.split("\n")[0]) > 30  # a hint, not a bare ❌


def test_exercise_settings_still_raise_valueerror():
    # Bad settings are the notebook author's mistake: a clear ValueError naming the parameter.
    with pytest.raises(ValueError, match="kernel"):
        checks.check_same_padding(2, kernel=4)
    with pytest.raises(ValueError, match="row, col"):
        checks.check_conv_value(1, images.article_5x5(), kernels.get("x (article)"), row=3, col=0)
    with pytest.raises(ValueError, match="counts"):
        checks.check_most_confused((4, 9), counts=[1, 2, 3])
    with pytest.raises(ValueError, match="col"):
        checks.check_flat_index(3, row=0, col=5, width=4)
    with pytest.raises(ValueError, match="kernel"):
        checks.check_output_size(3, n=2, kernel=5)


# ---------------------------------------------------------------------------------------------
# No answer yet: no verdict
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("ex", EXERCISES, ids=_name)
def test_none_is_not_answered_yet(ex, capsys):
    result = _check(ex, None)
    out = capsys.readouterr().out
    assert not result and result.state == "pending"
    assert out.startswith("✏️ Not answered yet") and "Hint:" in out
    assert "❌" not in out and "💡" not in out
    result = _check(ex, None)  # still no miss counted: a first real miss gets no answer
    assert result.state == "pending" and not common._MISSES


def test_function_templates_are_not_answered_yet(capsys):
    def template(*args):
        return None  # your code here

    def not_written(*args):
        raise NotImplementedError

    for checker in sorted(FUNCTION_CHECKERS):
        for fn in (template, not_written):
            result = getattr(checks, checker)(fn)
            out = capsys.readouterr().out
            assert result.state == "pending" and "✏️ Not written yet" in out and "❌" not in out


# ---------------------------------------------------------------------------------------------
# The result object
# ---------------------------------------------------------------------------------------------
def test_result_is_truthy_when_right_and_shows_nothing():
    from IPython.core.formatters import DisplayFormatter

    right = checks.check_pixel_count(12, height=2, width=2, channels=3)
    wrong = checks.check_pixel_count(4, height=2, width=2, channels=3)
    pending = checks.check_pixel_count(None, height=2, width=2, channels=3)
    assert bool(right) is True and bool(wrong) is False and bool(pending) is False
    assert isinstance(right, checks.CheckResult)
    assert (right.state, wrong.state, pending.state) == ("right", "wrong", "pending")
    assert right.message.startswith("✅") and wrong.message.startswith("❌")
    for result in (right, wrong, pending):
        assert DisplayFormatter().format(result) == ({}, {})


def test_a_notebook_cell_shows_only_the_feedback():
    # A real kernel: the last expression of a cell is a CheckResult, and no Out[] (no False)
    # appears under it, only the printed feedback.
    import nbclient  # with JupyterLab (nbconvert), always installed
    import nbformat
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in (
        "from cnnlib import checks\nanswer = None\n"
        "checks.check_pixel_count(answer, height=2, width=2, channels=3)",
        "checks.check_pixel_count(5, height=2, width=2, channels=3)",
        "checks.check_pixel_count(12.0, height=2, width=2, channels=3)",
    )]
    nbclient.NotebookClient(nb, timeout=120, km=_current_env_kernel()).execute()
    texts = []
    for cell in nb.cells:
        assert [o["output_type"] for o in cell.outputs] == ["stream"], cell.outputs
        texts.append(cell.outputs[0]["text"])
    assert texts[0].startswith("✏️") and texts[1].startswith("❌") and texts[2].startswith("✅")


def _current_env_kernel():
    """A kernel manager for this very Python (as nbval's --nbval-current-env)."""
    import ipykernel.kernelspec
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager

    class CurrentEnv(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            return self.kernel_spec_class(resource_dir=ipykernel.kernelspec.RESOURCES,
                                          **ipykernel.kernelspec.get_kernel_dict())

    return KernelManager(kernel_name="current", kernel_spec_manager=CurrentEnv())


# ---------------------------------------------------------------------------------------------
# Hints before answers
# ---------------------------------------------------------------------------------------------
def test_the_answer_comes_after_the_second_miss(capsys):
    checks.check_output_size(4, n=7, kernel=3, stride=2)
    first = capsys.readouterr().out
    assert "💡" not in first and "second miss shows the answer" in first
    checks.check_output_size(5, n=7, kernel=3, stride=2)
    second = capsys.readouterr().out
    assert "💡 Answer: floor((7 + 2·0 − 1·(3−1) − 1)/2) + 1 = 3" in second
    # Counted per exercise: the same checker with other settings starts afresh.
    checks.check_output_size(4, n=32, kernel=5)
    assert "💡" not in capsys.readouterr().out
    # A right answer or "not answered yet" is no miss.
    checks.check_output_size(None, n=9, kernel=3)
    checks.check_output_size(7, n=9, kernel=3)
    checks.check_output_size(8, n=9, kernel=3)
    assert "💡" not in capsys.readouterr().out


def test_show_answer_at_once(capsys):
    checks.check_receptive_field(None, [(3, 1), (3, 2), (3, 1)], show_answer=True)
    out = capsys.readouterr().out
    assert out.startswith("✏️") and "💡 Answer: 1 + (3−1)·1 + (3−1)·1 + (3−1)·2 = 9" in out
    checks.check_receptive_field(7, [(3, 1), (3, 2), (3, 1)], show_answer=True)
    assert "💡 Answer" in capsys.readouterr().out
    assert checks.check_receptive_field(9, [(3, 1), (3, 2), (3, 1)], show_answer=True)
    assert "💡" not in capsys.readouterr().out
    # A write-a-function exercise shows the key's code.
    checks.check_conv2d(None, show_answer=True)
    out = capsys.readouterr().out
    assert "def my_conv2d(x, kernel, stride=1):" in out and "np.sum(window * kernel)" in out


@pytest.mark.parametrize("ex", EXERCISES, ids=_name)
def test_every_exercise_hints_first_and_answers_second(ex, capsys):
    wrong = _typical_wrong(ex)
    first = _check(ex, wrong)
    out1 = capsys.readouterr().out
    second = _check(ex, wrong)
    out2 = capsys.readouterr().out
    assert not first and not second
    assert "💡" not in out1 and "💡 Answer" in out2


def _typical_wrong(ex):
    if ex.checker in FUNCTION_CHECKERS:
        return lambda *args: "nonsense"
    for checker, params, answer, _ in WRONG:
        if checker == ex.checker and _same(params, ex.params):
            return answer
    return "nonsense"


def _same(a, b):
    return a.keys() == b.keys() and all(np.array_equal(np.asarray(a[k], dtype=object),
                                                       np.asarray(b[k], dtype=object))
                                        for k in a)


def test_first_miss_does_not_give_the_answer_away(capsys):
    # These two revealed the answer on the first miss before.
    checks.check_neighbour_kernel(BOX_BLUR)
    out = capsys.readouterr().out
    assert "0.25" not in out and "💡" not in out
    checks.check_most_confused((7, 2), COUNTS)
    out = capsys.readouterr().out
    assert "(4, 9)" not in out and "7 times" not in out and "💡" not in out
    checks.check_most_confused((7, 2), COUNTS)
    assert "💡 Answer: (4, 9): 7 times" in capsys.readouterr().out


# ---------------------------------------------------------------------------------------------
# Earlier checks, kept
# ---------------------------------------------------------------------------------------------
def test_checks_from_each_notebook(capsys):
    assert checks.check_mlp_weights(678_600, 377, 600, 3)  # the cat photo, one neuron
    assert checks.check_flat_index(14, row=1, col=0, width=4, channel=2, channels=3)
    assert checks.check_conv_value(4, images.article_5x5(), kernels.get("x (article)"), row=1,
                                   col=1, stride=2)
    assert checks.check_conv_params(32, 2, 2, 4, 2, bias=False)
    assert not checks.check_conv_params(16, 2, 2, 4, 2, bias=False)
    assert checks.check_output_size(14, 28, 3, 2, "same")
    assert checks.check_output_size(28, 32, 5) and not checks.check_output_size(27, 32, 5)
    assert checks.check_same_padding(2, 5) and not checks.check_same_padding(1, 5)
    assert checks.check_tf_same_pads((0, 1), 6, 3, 2)
    assert not checks.check_tf_same_pads((1, 0), 6, 3, 2)
    assert checks.check_skipped(1, 6, 3, 2) and not checks.check_skipped(0, 6, 3, 2)
    assert checks.check_receptive_field(7, [(3, 1)] * 3)
    assert not checks.check_receptive_field(9, [(3, 1)] * 3)
    # pixel (1, 2), channel 3 of 13x13x4: (1*13 + 2)*4 + 3 = 63; not channel-first 3*169 + 15
    assert checks.check_flat_index(63, row=1, col=2, width=13, channel=3, channels=4)
    assert not checks.check_flat_index(3 * 169 + 15, row=1, col=2, width=13, channel=3,
                                       channels=4)
    assert checks.check_softmax([0.66, 0.24, 0.10], [2.0, 1.0, 0.1])
    assert not checks.check_softmax([0.5, 0.3, 0.2], [2.0, 1.0, 0.1])
    assert checks.check_cross_entropy(0.357, [0.7, 0.2, 0.1], 0)
    assert not checks.check_cross_entropy(0.7, [0.7, 0.2, 0.1], 0)
    assert checks.check_pooled([[3.5, 2], [1.5, 3.5]], FEATURE_4X4, mode="avg")
    assert checks.check_value_count(3_168_400) and checks.check_value_count(774_400, pool=2)
    assert checks.check_pooled_size(44, 89, 2) and not checks.check_pooled_size(45, 89, 2)
    assert checks.check_seed_params(542_230)  # the default Dense(100), by hand
    diag = np.diag([50] * 10)
    assert checks.check_most_confused("anything", diag)  # no mistakes: any answer will do
    out = capsys.readouterr().out
    assert "❌" in out and "✅" in out


def test_the_keys_toy_image_is_the_notebooks():
    # The key makes its own copy (it imports nothing of the core); the two must not drift.
    np.testing.assert_array_equal(solutions.toy_rgb(), images.toy_rgb())
