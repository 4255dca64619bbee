"""One term per idea: the Chinese edition, the catalogue and the checkers use the glossary's
term for each idea, never one of the variants its entry rejects (cnnlib.text.glossary). The
exceptions (a rejected word inside a longer term, such as 滤波器 in 滤波器可视化) are written in
the entry itself, so this test has none of its own. A planted variant proves it fails."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cnnlib.text import glossary
from cnnlib.text.locale.zh import ZH

ROOT = Path(__file__).resolve().parents[1]
ZH_NOTEBOOKS = sorted((ROOT / "notebooks" / "zh").glob("[0-9][0-9]_*.ipynb"))
EN_NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))  # their Chinese glosses
CHECKERS = sorted((ROOT / "cnnlib" / "exercises" / "checks").glob("*.py"))
HELD = [t for t in glossary.TERMS if t.rejected]


def _texts() -> dict[str, str]:
    """Where a learner reads Chinese: each cell of the Chinese notebooks (markdown; code, whose
    Chinese is all in strings and comments) and of the English ones (the Chinese names beside
    the English), each catalogue value, each checker's source."""
    texts = {}
    for path in ZH_NOTEBOOKS + EN_NOTEBOOKS:
        where = ("zh/" if path.parent.name == "zh" else "") + path.name
        for i, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
            texts[f"{where}[{i}]"] = "".join(cell["source"])
    for key, value in ZH.items():
        texts[f"locale/zh.py {key[:40]!r}"] = value
    for path in CHECKERS:
        texts[f"checks/{path.name}"] = path.read_text(encoding="utf-8")
    return texts


def _uses(texts: dict[str, str]) -> list[str]:
    return [f"{where}: {variant!r} for {term!r} in …{around}…"
            for where, text in texts.items()
            for term, variant, around in glossary.rejected_uses(text)]


def test_the_sources_are_there():
    assert len(ZH_NOTEBOOKS) >= 8 and len(EN_NOTEBOOKS) >= 9 and len(CHECKERS) >= 8 and len(ZH) > 500


def test_no_rejected_variant_in_chinese():
    uses = _uses(_texts())
    assert not uses, f"{len(uses)} rejected variants:\n" + "\n".join(uses)


@pytest.mark.parametrize("entry", HELD, ids=lambda t: t.en)
def test_the_chosen_term_is_used(entry):
    whole = "\n".join(_texts().values())
    assert entry.zh in whole, f"{entry.zh!r} ({entry.en}) is used nowhere"


def test_an_entry_is_consistent():
    for t in glossary.TERMS:  # no term, and no accepted other name, is itself rejected
        assert glossary.rejected_uses(t.zh) == [] and glossary.rejected_uses(t.also) == [], t.en
    for t in HELD:
        for longer in t.within:  # an exception holds a rejected word, or it excuses nothing
            assert any(v in longer for v in t.rejected), (t.en, longer)


def test_a_planted_variant_is_found():
    texts = {"zh/08[9]": "第一个卷积层的每个滤波器都是一个小小的权重网格。",
             "zh/08[2]": "用梯度上升做滤波器可视化。",  # allowed: inside the longer term
             "locale": "不太对：这是原始模型的结果。",
             "zh/04": "胡椒噪声（黑点）与椒噪声"}
    uses = _uses(texts)
    assert len(uses) == 3, uses
    assert any("zh/08[9]" in u and "'滤波器'" in u for u in uses)
    assert not any("zh/08[2]" in u for u in uses)
    assert any("'原始模型'" in u for u in uses)
    assert sum("'椒噪声'" in u for u in uses) == 1  # the one outside 胡椒噪声


def test_a_variant_planted_in_a_real_notebook_fails(tmp_path, monkeypatch):
    path = ZH_NOTEBOOKS[0]
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"][0]["source"].append("\n每个滤波器看一个窗口。")
    (tmp_path / "zh").mkdir()
    planted = tmp_path / "zh" / path.name
    planted.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setitem(globals(), "ZH_NOTEBOOKS", [planted])
    with pytest.raises(AssertionError, match=re.escape(f"zh/{path.name}[0]: '滤波器'")):
        test_no_rejected_variant_in_chinese()


def test_exercise_headings_are_one_heading():
    for path in ZH_NOTEBOOKS:
        if path.name == "00_index.ipynb":  # the contents page has no exercises
            continue
        heads = [line for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
                 if cell["cell_type"] == "markdown"
                 for line in "".join(cell["source"]).splitlines()
                 if re.match(r"## .*(练习|Exercises)", line)]
        assert heads == ["## 练习"], f"zh/{path.name}: {heads}"
