"""Every string a learner sees from cnnlib has a Chinese form, and none falls back silently.

Two nets catch a missing entry in cnnlib/text/locale/zh.py: a scan of the source for every string
passed to ``i18n.t``/``ft`` (and the control builders), and a run of every numpy explorer,
checker and the MNIST loader in Chinese with a hook (``locale.MISSING``) that records each
string asked for and not found: names that reach ``t`` at run time (kernel and photo names,
dropdown options) only show up there.
"""

from __future__ import annotations

import datetime
import html
import inspect
import io
import re
import tokenize
import warnings

import ipywidgets
import numpy as np
import pytest

import cnnlib
from cnnlib import checks, i18n, locale, solutions, widgets
from cnnlib.exercises.checks import common
from cnnlib.text.locale.zh import ZH
from tests import test_checks
from tests.english import KEPT, english_runs
from tests.explorer_checks import control_values, explorer_names
from tools.i18n_strings import fields, used_strings

HAN = re.compile(r"[\u4e00-\u9fff]")
USED, DYNAMIC = used_strings()
# Two English words in a row make a phrase that needs Chinese; a name, symbol or formula
# ("z0", "block1_pool", "Grad-CAM", "dLoss/dk = {dk}.") may stay as it is.
PHRASE = re.compile(r"[A-Za-z]{2,} [A-Za-z]{2,}")
ASCII_PUNCT = str.maketrans("。（），：；、", ".(),:;,")


@pytest.fixture
def chinese():
    """cnnlib in Chinese, every miss recorded afresh; English again afterwards."""
    cnnlib.setup(lang="zh")
    locale.MISSING.clear()
    yield
    locale.MISSING.clear()
    cnnlib.setup()


def test_every_string_in_the_source_has_chinese():
    missing = sorted(s for s in USED if s not in ZH)
    assert not missing, f"{len(missing)} strings lack Chinese in cnnlib/text/locale/zh.py: {missing[:10]}"


def test_translations_keep_the_fields_and_are_chinese():
    wrong_fields = [k for k, v in ZH.items() if fields(k) != fields(v)]
    assert not wrong_fields, wrong_fields
    not_chinese = [k for k, v in ZH.items() if not HAN.search(v)
                   and (v.translate(ASCII_PUNCT).replace(" ", "") != k.replace(" ", "") or PHRASE.search(re.sub(r"\{[^}]*\}", "", k)))]
    assert not not_chinese, f"entries that are not Chinese: {not_chinese}"


def test_a_missing_string_is_recorded_and_warned_about_never_silent(chinese):
    with pytest.warns(locale.MissingTranslation, match="no 中文"):
        shown = i18n.t("a sentence no catalogue has, {n}", n=3)
    assert shown == "a sentence no catalogue has, 3"  # the learner still reads something
    assert ("zh", "a sentence no catalogue has, {n}") in locale.MISSING
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert i18n.t("step {step} of {n}", step=2, n=9) == "第 2 步，共 9 步"
    assert i18n.t("stride") == "步长" and i18n.ft("stride") == "步长"
    locale.set_cjk_font(False)  # no font that draws Chinese: figures keep English
    assert i18n.ft("stride") == "stride" and i18n.t("stride") == "步长"


def test_english_is_the_default_and_untouched():
    assert locale.language() == "en"
    assert i18n.t("step {step} of {n}", step=2, n=9) == "step 2 of 9"
    with pytest.raises(ValueError, match="lang='klingon'"):
        locale.set_language("klingon")


def _shown_text(explorer) -> list[str]:
    """Every label, option and line of text the explorer's widgets show, and its picture's text
    alternative and the names of its icon buttons (what a screen reader says)."""
    out = [explorer.picture, *explorer.names.words.values()]
    stack = [explorer]
    while stack:
        w = stack.pop()
        if isinstance(w, ipywidgets.Box):
            stack.extend(w.children)
        if isinstance(w, ipywidgets.HTML) and w.value:
            out.append(w.value)
        desc = getattr(w, "description", "")
        if desc:
            out.append(desc)
        out.extend(getattr(w, "_options_labels", ()))
    return out


def _plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


@pytest.fixture(scope="module")
def tiny_model(keras):
    """A tiny untrained digit CNN (28x28 grey in, ten classes out), seeded: every Keras
    explorer's default model here, so they build in a moment."""
    from cnnlib.tf.interpret import _base
    from tests.test_interpret import _two_block_cnn

    model = _two_block_cnn(keras, seed=1, filters=(3, 4))
    before = _base._DEFAULT.get("model")
    _base._DEFAULT["model"] = model
    yield model
    _base._DEFAULT["model"] = before


def _build(name, request):
    """The explorer ``name``; the Keras ones on ``tiny_model``, their ascents kept short."""
    if name not in explorer_names("keras"):
        return getattr(widgets, name)()
    model = request.getfixturevalue("tiny_model")
    if name == "digit_canvas_explorer":
        return widgets.digit_canvas_explorer(model=model, size=56)
    if name == "top_k_explorer":
        return widgets.top_k_explorer(model, [str(d) for d in range(10)], k=3)
    if name == "filter_visualization_explorer":
        explorer = widgets.filter_visualization_explorer(steps=0)
    elif name == "class_visualization_explorer":
        explorer = widgets.class_visualization_explorer(steps=0)
    else:
        return getattr(widgets, name)()
    explorer.controls["steps"].max = explorer.controls["steps"].step  # 0 and one step
    return explorer


def _upload_bad_photo(explorer) -> None:
    """A damaged file through the upload button: the message saying why."""
    upload = explorer.photos.upload
    upload.value = ({"name": "bad.png", "type": "image/png", "size": 9,
                     "content": memoryview(b"not a png"),
                     "last_modified": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)},)


def _english_word(text: str) -> bool:
    """An English word (three letters or more, not a kept name, not part of a code name such
    as conv1 or block1_pool): a short label ("1. drawing 280x280") left in English."""
    text = re.sub(r"\$[^$]*\$", " ", text)  # mathtext: symbols, not words
    for name in KEPT:
        text = re.sub(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", " ", text)
    words = re.findall(r"(?<![\w.])[A-Za-z]{3,}(?![\w(])", text)
    # numpy's values, and the name the catalogue keeps in Chinese (zh.py: 'logit': 'logit')
    return any(w not in ("nan", "inf", "logit", "logits") for w in words)


def _english_shown(explorer) -> list[str]:
    """Of what the explorer shows now (widgets, message, info, alt, figure text), the lines with
    an English phrase (tests/english.py), or with two English words in a row and no Chinese."""
    texts = [_plain(s) for s in _shown_text(explorer)]
    if explorer.figure is not None:
        texts += [o.get_text() for o in explorer.figure.findobj(lambda o: hasattr(o, "get_text"))]
    return [s for s in texts if english_runs(s) or (_english_word(s) and not HAN.search(s))]


@pytest.mark.parametrize("name", explorer_names("all"))
def test_every_explorer_speaks_chinese_through_its_values(chinese, name, request):
    """Every explorer, numpy, grid and Keras, through each control's values (and a damaged
    upload where it takes photos): title, control labels, dropdown options, info line,
    messages, the picture's text alternative and the figure's text are Chinese, with no
    English phrase (three English words in a row, tests/english.py) left."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        explorer = _build(name, request)
        english = _english_shown(explorer)
        for control in explorer.controls.values():  # each control through its values
            for value in control_values(control, max_values=3):
                control.value = value
                english += _english_shown(explorer)
                assert explorer.last_error is None or isinstance(explorer.last_error, ValueError)
        if name == "digit_canvas_explorer":  # a digit on the canvas, then cleared
            explorer.pad.show_example()
            english += _english_shown(explorer)
            explorer.pad.clear()
        if explorer.photos is not None:
            _upload_bad_photo(explorer)
            assert explorer.message.value, "a damaged photo shows why"
        english += _english_shown(explorer)
    assert not locale.MISSING, f"{name}: no Chinese for {list(locale.MISSING)}"
    labels = [control.description for control in explorer.controls.values()]
    assert all(HAN.search(label) or not re.search("[A-Za-z]{3}", label) for label in labels), labels
    title = explorer.children[0].value
    assert HAN.search(title), f"title not Chinese: {title}"
    assert HAN.search(explorer.picture), f"picture's text alternative not Chinese: {explorer.picture}"
    english = sorted(set(english))
    assert not english, f"{name}: {len(english)} lines in English: {english}"


def _solve(ex):
    wanted = inspect.signature(ex.solve).parameters
    return ex.solve(**{k: ex.params[k] for k in wanted})


@pytest.mark.parametrize("ex", solutions.exercises(), ids=lambda e: f"{e.notebook}-{e.number}")
def test_every_checker_speaks_chinese(chinese, ex, capsys):
    """Not answered, right, wrong twice (hint, then the answer): each line in Chinese."""
    from tests import test_checks

    check = getattr(checks, ex.checker)
    common.forget_misses()
    wrong = test_checks._typical_wrong(ex)
    check(None, **ex.params)
    check(_solve(ex), **ex.params)
    check(wrong, **ex.params)
    check(wrong, **ex.params)
    out = capsys.readouterr().out
    assert not locale.MISSING, f"{ex.checker}: no Chinese for {list(locale.MISSING)}"
    lines = [line for line in out.splitlines() if line[:1] in ("✅", "❌", "✏", "💡")]
    assert len(lines) >= 4 and all(HAN.search(line) for line in lines), out


def test_every_typical_wrong_answer_gets_a_chinese_hint(chinese, capsys):
    from tests import test_checks

    for checker, params, answer, _hint in test_checks.WRONG:
        common.forget_misses()
        getattr(checks, checker)(answer, **params)
    out = capsys.readouterr().out
    assert not locale.MISSING, f"no Chinese for {list(locale.MISSING)}"
    assert out.count("❌") == len(test_checks.WRONG) and "Not quite" not in out


def _english_runs_shown(out: str, key_code: str = "") -> list[str]:
    """The English runs (tests/english.py) in a checker's printed feedback. Two things are not
    cnnlib's to translate and are taken out first: Python's own message about an error in the
    learner's code (``ZeroDivisionError：division by zero``), and the answer key's code."""
    out = out.replace(key_code, " · ") if key_code else out
    out = re.sub(r"\b[A-Z]\w*(?:Error|Exception)：[ -~]*", " · ", out)
    return [run for line in out.splitlines() for run in english_runs(line)]


def _prose_of(code: str) -> list[str]:
    """The docstrings and comments of some Python code: the parts a learner reads as text."""
    return [tok.string for tok in tokenize.generate_tokens(io.StringIO(code).readline)
            if tok.type == tokenize.COMMENT
            or (tok.type == tokenize.STRING and tok.string.startswith(('"""', "'''")))]


@pytest.mark.parametrize("checker, params, answer, _hint", test_checks.WRONG,
                         ids=[f"{w[0]}-{i}" for i, w in enumerate(test_checks.WRONG)])
def test_a_typical_wrong_answer_gets_its_hint_in_chinese(chinese, capsys, checker, params,
                                                         answer, _hint):
    """Issue 31: no run of three English words in what a checker prints for a typical slip."""
    common.forget_misses()
    getattr(checks, checker)(answer, **params)
    out = capsys.readouterr().out
    assert out.startswith("❌") and HAN.search(out), out
    assert not _english_runs_shown(out), out


@pytest.mark.parametrize("ex", solutions.exercises(), ids=lambda e: f"{e.notebook}-{e.number}")
def test_every_path_through_a_checker_is_chinese(chinese, ex, capsys):
    """Not answered, right, a typical miss twice (hint, then the answer) and answers of the
    wrong kind: no English run anywhere."""
    check = getattr(checks, ex.checker)
    solution = _solve(ex)
    common.forget_misses()
    wrong = test_checks._typical_wrong(ex)
    for answer in (None, solution, wrong, wrong, "abc", 2.5, [[1, 2], [3]], (1, 2, 3)):
        check(answer, **ex.params)
    out = capsys.readouterr().out
    key = common.solution_code(solution.__name__) if callable(solution) else ""
    assert not _english_runs_shown(out, key), out
    # the key's code stays code; its docstring and comments are for reading, in Chinese
    prose = _prose_of(key.split("\n", 1)[-1])
    assert bool(key) == bool(prose) and all(HAN.search(text) for text in prose), prose
    assert not [run for text in prose for run in english_runs(text)], prose


def test_the_augmentation_options_are_the_chinese_notebooks(chinese, capsys):
    """The options the checker lists are those the Chinese exercise states, and a learner may
    answer with an option's text in either language."""
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "notebooks" / "zh" / "07_mnist_cnn.ipynb"
    cells = ["".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]]
    question = next(c for c in cells if "哪一种数据增强" in c)
    options = dict(re.findall(r"([a-d])\) ([^，。]+)", question))
    assert sorted(options) == ["a", "b", "c", "d"], question
    checks.check_augmentation(None)
    todo = capsys.readouterr().out
    assert all(f"{k}) {v}" in todo for k, v in options.items()), todo
    assert checks.check_augmentation(options["c"]) and checks.check_augmentation("flip left-right")
    assert not checks.check_augmentation(options["a"])
    assert f"“{options['a']}”" in capsys.readouterr().out


def test_the_mnist_loader_speaks_chinese(chinese, capsys, tmp_path, monkeypatch):
    from cnnlib.tf.data import load_mnist

    monkeypatch.setenv("CNNLIB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    data = load_mnist(offline=True, verbose=True)
    out = capsys.readouterr().out
    assert not locale.MISSING, list(locale.MISSING)
    assert "MNIST 来自离线子集" in out and "为什么不是完整的 MNIST" in out, out
    assert data.n_train > 0 and np.isfinite(data.x_train).all()


@pytest.mark.parametrize("name", explorer_names("figure"))
def test_every_explorer_figure_draws_chinese(chinese, name):
    """No English phrase (two words in a row) left among the figure's titles, labels, legends
    and annotations: a string drawn without passing through ft would show here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        explorer = getattr(widgets, name)()
    texts = {o.get_text() for o in explorer.figure.findobj(lambda o: hasattr(o, "get_text"))}
    english = sorted(s for s in texts if re.search(r"[A-Za-z]{3,} [A-Za-z]{3,}", s)
                     and not HAN.search(s) and not s.startswith("$"))
    assert not english, f"{name} draws English: {english}"
    assert any(HAN.search(s) for s in texts), f"{name} draws no Chinese at all"
