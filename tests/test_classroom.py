"""The classroom setting (``CNNLIB_CLASSROOM=1``, ``cnnlib.setup(classroom=True)``): every checker
keeps its hints, shows no answer, and runs with the answer key absent.

The key-less run is a separate Python whose import system refuses ``cnnlib.exercises.solutions``
(and any module named ``solutions`` under cnnlib); the answers it must not print are the ones the same checkers print here, in self-study mode, with the key.
"""

import contextlib
import importlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import cnnlib
from cnnlib import checks, config, solutions
from cnnlib.exercises.checks.common import forget_misses

ROOT = Path(__file__).resolve().parents[1]
ANSWER = "💡"

# Runs in a fresh Python: the key cannot be imported, the classroom setting is on.
KEYLESS = r'''
import contextlib, importlib.abc, io, json, sys

tried = []  # every attempt to import the key

class NoKey(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.startswith("cnnlib") and name.rsplit(".", 1)[-1] == "solutions":
            tried.append(name)
            raise ImportError(f"{name}: the answer key is not installed here")
        return None

sys.meta_path.insert(0, NoKey())
import numpy as np
from cnnlib import checks

def decode(obj):
    if isinstance(obj, dict) and "array" in obj:
        return np.array(obj["array"], dtype=obj["dtype"])
    if isinstance(obj, dict) and obj.get("function"):
        return lambda *args, **kwargs: np.zeros((2, 2))  # a wrong function
    if isinstance(obj, dict):
        return {k: decode(v) for k, v in obj.items()}
    return obj

outputs = []
for case in json.load(sys.stdin):
    check = getattr(checks, case["checker"])
    params, wrong = decode(case["params"]), decode(case["wrong"])
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        results = [check(None, **params), check(wrong, **params), check(wrong, **params),
                   check(wrong, **params, show_answer=True), check(None, **params, show_answer=True)]
    outputs.append({"text": text.getvalue(), "ok": [bool(r) for r in results]})
keys = sorted(m for m in sys.modules if m.rsplit(".", 1)[-1] == "solutions")
print(json.dumps({"outputs": outputs, "key_modules": keys, "tried": tried}))
'''


def encode(obj):
    if isinstance(obj, np.ndarray):
        return {"array": obj.tolist(), "dtype": obj.dtype.str}
    if isinstance(obj, dict):
        return {k: encode(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [encode(v) for v in obj]
    return obj


def decode(obj):
    """The child's decoding of a wrong answer, for this process's self-study run."""
    if isinstance(obj, dict) and "array" in obj:
        return np.array(obj["array"], dtype=obj["dtype"])
    if isinstance(obj, dict) and obj.get("function"):
        return lambda *args, **kwargs: np.zeros((2, 2))
    return obj


def wrong_answer(right):
    """A plausible wrong answer of the same kind as the key's."""
    if callable(right):
        return {"function": True}
    if isinstance(right, str):
        return "a" if right != "a" else "b"
    if isinstance(right, tuple):
        return list(right[::-1]) if right[::-1] != right else [v + 1 for v in right]
    if isinstance(right, (list, np.ndarray)):
        return encode(np.asarray(right, dtype=float) + 1)
    return right + 1


def self_study_answer(check, params, wrong):
    """What the checker shows as the answer today (self-study, key present)."""
    forget_misses()
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        check(decode(wrong), **params, show_answer=True)
    shown = text.getvalue()
    assert ANSWER in shown, shown
    return shown.split(ANSWER, 1)[1].split(":", 1)[1].strip()


def hide_the_key(monkeypatch):
    """From now on, `from cnnlib import solutions` raises ImportError."""
    monkeypatch.setitem(sys.modules, "cnnlib.exercises.solutions", None)
    monkeypatch.delattr(cnnlib, "solutions", raising=False)
    # `from cnnlib.exercises import solutions` reads the package's attribute first
    monkeypatch.delattr(importlib.import_module("cnnlib.exercises"), "solutions", raising=False)


@pytest.fixture
def self_study(monkeypatch):
    monkeypatch.delenv("CNNLIB_CLASSROOM", raising=False)
    monkeypatch.setattr(config, "_CLASSROOM_ON", False)
    yield
    forget_misses()


def test_checkers_run_without_the_key_and_never_show_an_answer(self_study):
    exercises = solutions.exercises()
    cases, answers = [], []
    for ex in exercises:
        right = ex.solve(**{k: v for k, v in ex.params.items()
                            if k in ex.solve.__code__.co_varnames})
        wrong = wrong_answer(right)
        cases.append({"checker": ex.checker, "params": encode(ex.params), "wrong": wrong})
        answers.append(self_study_answer(getattr(checks, ex.checker), ex.params, wrong))
    env = dict(os.environ, CNNLIB_CLASSROOM="1", PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-c", KEYLESS], input=json.dumps(cases), env=env,
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.splitlines()[-1])
    assert result["key_modules"] == [] and result["tried"] == []  # nothing even tried
    for ex, answer, out in zip(exercises, answers, result["outputs"], strict=True):
        where = f"{ex.notebook} exercise {ex.number} ({ex.checker})"
        assert out["ok"] == [False] * 5, where
        text = out["text"]
        assert ANSWER not in text, f"{where} shows an answer:\n{text}"
        assert answer not in text, f"{where} prints the answer {answer!r}:\n{text}"
        # the hints stay: not answered yet (✏️ with a hint), then ❌ with a hint each time
        assert text.count("✏️") == 2 and text.count("❌") == 3, f"{where}:\n{text}"
        assert "Hint:" in text, where
        assert text.count("in class the checker gives hints, not answers") == 2, where


def test_hints_in_class_are_those_of_self_study(self_study, monkeypatch, capsys):
    for _ in range(2):
        checks.check_output_size(6, n=7, kernel=3, stride=2)
    study = capsys.readouterr().out.splitlines()
    assert study[-1].startswith(ANSWER)  # self-study: the second miss shows the answer
    forget_misses()
    monkeypatch.setenv("CNNLIB_CLASSROOM", "1")
    for _ in range(2):
        checks.check_output_size(6, n=7, kernel=3, stride=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == study[0] and lines[0].startswith("❌")  # the same hint
    assert lines[1] == "   Try again: in class the checker gives hints, not answers."
    assert lines[2:] == [study[0]]  # the second miss: the hint again, and no answer


def test_setup_classroom_turns_it_on_and_the_variable_is_read_on_every_call(self_study,
                                                                             monkeypatch):
    assert config.classroom() is False
    monkeypatch.setenv("CNNLIB_CLASSROOM", "yes")
    assert config.classroom() is True
    monkeypatch.delenv("CNNLIB_CLASSROOM")
    cnnlib.setup(seed=0, classroom=True)
    assert config.classroom() is True
    config.set_classroom(False)
    assert config.classroom() is False
    monkeypatch.setenv("CNNLIB_CLASSROOM", "sometimes")
    with pytest.raises(ValueError, match=r"CNNLIB_CLASSROOM='sometimes' is not a switch"):
        config.classroom()


def test_in_class_a_function_exercise_never_reads_the_key(self_study, monkeypatch, capsys):
    monkeypatch.setenv("CNNLIB_CLASSROOM", "1")
    hide_the_key(monkeypatch)
    assert not checks.check_conv2d(lambda x, kernel, stride=1: x, show_answer=True)
    out = capsys.readouterr().out
    assert "❌" in out and ANSWER not in out and "def my_conv2d" not in out


def test_without_the_key_and_out_of_class_a_checker_still_does_not_crash(self_study,
                                                                        monkeypatch, capsys):
    hide_the_key(monkeypatch)
    assert not checks.check_conv2d(lambda x, kernel, stride=1: x, show_answer=True)
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "💡 Answer: the answer key is not installed here."
