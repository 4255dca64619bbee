"""The Chinese edition (notebooks/zh/) stays in step with the English one.

Every Chinese notebook that exists is checked against its English original: the same cells,
types and tags; the same code once comments and strings are blanked; each Chinese markdown cell
records the hash of the English cell it translates, so an English edit makes it stale and a test
here names it (``make translations`` lists them all); Chinese text that keeps the English cell's
formulas, images and numbers. A planted stale cell proves the check fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cnnlib import glossary
from tools import nav, translations

ROOT = Path(__file__).resolve().parents[1]
PAIRS = translations.pairs()
IDS = [zh.name for _, zh in PAIRS]


def test_there_is_a_chinese_edition():
    assert PAIRS, "no notebook in notebooks/zh"
    for en, zh in PAIRS:
        assert en.exists(), f"zh/{zh.name} has no English original"


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_same_cells_types_and_tags(pair):
    en, zh = map(translations.load, pair)
    assert translations.structure_problems(en, zh) == []


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_same_code_ignoring_comments_and_strings(pair):
    en, zh = map(translations.load, pair)
    assert translations.code_problems(en, zh) == []


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_no_stale_translation(pair):
    en, zh = map(translations.load, pair)
    stale = translations.stale_cells(en, zh)
    assert not stale, (f"zh/{pair[1].name}: " + "; ".join(stale)
                       + " (update the Chinese, then: python -m tools.translations --stamp NN CELL)")


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_chinese_text_keeps_formulas_images_and_numbers(pair):
    en, zh = map(translations.load, pair)
    assert translations.text_problems(en, zh) == []


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_navigation_as_tools_nav_writes_it(pair):
    zh = translations.load(pair[1])
    assert translations.nav_problems(pair[1], zh) == []


def test_two_contents_pages_one_per_edition():
    index = translations.load(nav.NOTEBOOKS / "00_index.ipynb")
    text = "".join(translations.text(c) for c in index["cells"])
    zh_index = translations.load(nav.ZH / "00_index.ipynb")
    zh_text = "".join(translations.text(c) for c in zh_index["cells"])
    assert "](zh/00_index.ipynb)" in text  # the English page leads to the Chinese one
    for en, zh in PAIRS:
        if zh.name == "00_index.ipynb":
            continue
        # the English page links both editions; the Chinese page its own notebooks, by their
        # Chinese titles, and each English original
        assert f"]({en.name})" in text and f"](zh/{zh.name})" in text, zh.name
        assert f"[{nav.title(zh)}]({zh.name})" in zh_text and f"](../{en.name})" in zh_text
        assert translations.HAN.search(nav.title(zh)), zh.name
    for _, zh in PAIRS:  # each Chinese notebook leads to the Chinese contents and its original
        navs = [translations.text(c) for c in translations.load(zh)["cells"]
                if translations.is_nav(c)]
        assert "](00_index.ipynb)" in navs[0] and "](../00_index.ipynb)" not in navs[0] \
            or zh.name == "00_index.ipynb", zh.name
        assert f"](../{zh.name})" in navs[0]
        links = re.findall(r"\[([^\]]*)\]\(([^)]*)\)", navs[0])
        # every link reads in Chinese, but the one to the English original
        assert [label for label, target in links if not translations.HAN.search(label)] \
            == ["English"], (zh.name, links)


def _term_cells(path: Path):
    for cell in translations.load(path)["cells"]:
        if cell["cell_type"] == "markdown" and nav.TERMS_START in translations.text(cell):
            yield translations.text(cell)


@pytest.mark.parametrize("path", nav.notebooks() + nav.zh_notebooks(),
                         ids=lambda p: p.relative_to(nav.NOTEBOOKS).as_posix())
def test_term_tables_come_from_the_glossary(path):
    lang = "zh" if path.parent == nav.ZH else "en"
    number = path.name[:2]
    for source in _term_cells(path):
        want = nav.with_terms(source, lang, None if number == "00" else number)
        assert source == want, f"{path.name}: term table differs from cnnlib.text.glossary " \
                               f"(python -m tools.nav rewrites it)"


def test_glossary_uses_the_source_articles_terms():
    zh = {t.en: t.zh for t in glossary.TERMS}
    for en, term in [("kernel / filter", "卷积核"), ("stride", "步长"), ("padding", "填充"),
                     ("pooling (max, average)", "池化"), ("feature map", "特征图"),
                     ("fully connected layer", "全连接层"), ("receptive field", "感受野"),
                     ("activation function (ReLU)", "激活函数"), ("backpropagation", "反向传播"),
                     ("overfitting, augmentation", "过拟合")]:
        assert term in zh[en], en
    assert glossary.term("stride").also == "步幅"
    assert "汇聚" in glossary.term("pooling (max, average)").also
    table = glossary.table("zh")
    assert table.splitlines()[0] == "| 中文 | 又称 | English | 首次出现 |"
    assert "| 步长 | 步幅 | stride | 02 |" in table
    with pytest.raises(ValueError, match="lang"):
        glossary.table("fr")


def test_code_comparison_blanks_strings_comments_and_the_language_only():
    shape = translations.code_shape
    assert shape('print("stride", s)  # loop') == shape('print("步长", s)  # 循环')
    assert shape('x = f"{a:.1f} times"') == shape('x = f"是 {a:.1f} 倍"')
    assert shape("cnnlib.setup(seed=0)") == shape('cnnlib.setup(seed=0, lang="zh")')
    assert shape("ops.conv2d(x, k, stride=2)") != shape("ops.conv2d(x, k, stride=1)")
    assert shape('x = f"{a}"') != shape('x = f"{b}"')
    assert shape("cnnlib.setup(seed=0)") != shape("cnnlib.setup(seed=1)")


#: The pair the planted-change tests edit: the pilot, whose code has the lines they change.
PILOT = next(pair for pair in PAIRS if pair[0].name.startswith("02_"))


def _plant(tmp_path: Path, edit) -> Path:
    """A copy of the pilot pair in ``tmp_path``, with ``edit(english_notebook)`` applied."""
    en, zh = PILOT
    (tmp_path / "zh").mkdir()
    shutil.copy(zh, tmp_path / "zh" / zh.name)
    nb = translations.load(en)
    edit(nb)
    (tmp_path / en.name).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n",
                                    encoding="utf-8")
    return tmp_path


def _first_prose_cell(nb) -> int:
    return next(i for i, c in enumerate(nb["cells"])
                if c["cell_type"] == "markdown" and not translations.is_nav(c) and i > 2)


def test_a_planted_stale_cell_fails_the_sync_test_and_is_listed(tmp_path):
    cell = {}

    def edit(nb):
        cell["i"] = i = _first_prose_cell(nb)
        nb["cells"][i]["source"].append(" One more sentence in English.")

    folder = _plant(tmp_path, edit)
    env = {**os.environ, "CNNLIB_EDITIONS_NOTEBOOKS": str(folder), "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-m", "pytest", __file__, "-q", "-p", "no:randomly",
                          "-k", "no_stale_translation"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stdout[-2000:]
    assert f"cell {cell['i']} is stale" in run.stdout, run.stdout[-2000:]
    listed = subprocess.run([sys.executable, "-m", "tools.translations"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert listed.returncode == 1 and f"cell {cell['i']} is stale" in listed.stdout, listed.stdout


def test_a_planted_code_change_fails(tmp_path):
    def edit(nb):
        i = next(i for i, c in enumerate(nb["cells"]) if "stride=2" in translations.text(c))
        nb["cells"][i]["source"] = translations.text(nb["cells"][i]).replace(
            "stride=2", "stride=3").splitlines(keepends=True)

    folder = _plant(tmp_path, edit)
    en = translations.load(folder / PILOT[0].name)
    zh = translations.load(folder / "zh" / PILOT[1].name)
    problems = translations.code_problems(en, zh)
    assert len(problems) == 1 and "differs from the English" in problems[0]
    en["cells"].pop(5)
    assert translations.structure_problems(en, zh)


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_chinese_notebook_is_stripped(pair):
    zh = translations.load(pair[1])
    assert "widgets" not in zh["metadata"], "widget state is committed"
    for i, cell in enumerate(zh["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [] and cell.get("execution_count") is None, f"cell {i}"
    verify = subprocess.run([sys.executable, "-m", "nbstripout", "--verify", str(pair[1])],
                            capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_make_lab_opens_on_the_contents_page():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nlab:", 1)[1].split("\n\n", 1)[0]
    assert "--LabApp.default_url=/lab/tree/00_index.ipynb" in recipe
    assert "--ServerApp.root_dir=notebooks" in recipe
    assert (nav.NOTEBOOKS / "00_index.ipynb").exists()
    assert "\ntranslations: install\n\t$(PY) -m tools.translations" in makefile
