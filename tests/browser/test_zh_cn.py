"""Chinese-first learners: JupyterLab with the zh_CN language pack runs the series, and the
Chinese edition (notebooks/zh) shows Chinese labels."""

from __future__ import annotations

import re

import pytest

from tests.browser.lab_helpers import NB_DIR, REPORT, notebook_names, record
from tests.browser.live_a11y import axe_outputs, name_problems, per_rule
from tools import a11y
from tools.labdriver import (
    cell_report,
    explorers,
    open_notebook,
    press_and_time,
    run_all,
    shutdown_current,
)

pytestmark = pytest.mark.browser

LOCALE_PLUGIN = "@jupyterlab/translation-extension:plugin"


def light_notebook() -> str:
    """The quickest notebook with an explorer, from this session's runs (test_notebooks runs
    first); without those figures, 01; without 01, the first one."""
    ran = {name: f for name, f in REPORT["notebooks"].items()
           if "run_all_s" in f and f.get("explorers")}
    if ran:
        return min(ran, key=lambda name: ran[name]["run_all_s"])
    return (notebook_names("01") or notebook_names())[0]


def test_chinese_menus_and_a_notebook_runs(lab, browser):
    name = light_notebook()
    lab.set_setting(LOCALE_PLUGIN, {"locale": "zh_CN"})
    page = None
    try:
        page = lab.open_lab(browser)
        menus = page.locator("#jp-menu-panel .lm-MenuBar-itemLabel").all_inner_texts()
        assert {"文件", "编辑", "运行", "内核"} <= set(menus), f"menus not in Chinese: {menus}"
        assert "File" not in menus
        open_notebook(page, name)
        seconds = run_all(page)
        record(name, zh_CN_run_all_s=round(seconds, 1))
        cells = cell_report(page)
        errors = [f"cell {c['index']}: {e}" for c in cells for e in c["errors"]]
        assert not errors, errors
        assert all(c["executionCount"] is not None for c in cells), "some cells never ran"
        for e in explorers(page):
            assert e["naturalWidth"] > 0 and e["message"] == "", e
        shutdown_current(page)
    finally:
        lab.set_setting(LOCALE_PLUGIN, {})  # back to the default for whatever runs next
        if page is not None:
            page.context.close()


HAN = re.compile(r"[\u4e00-\u9fff]")


def test_the_chinese_edition_in_chinese_jupyterlab(lab, browser):
    """The Chinese pilot notebook, in JupyterLab set to 中文: every cell runs, the explorers'
    titles and control labels are Chinese, axe finds no serious or critical violation in the
    outputs, every control and picture there has a Chinese name, and moving a slider redraws
    with Chinese labels."""
    names = sorted(p.name for p in (NB_DIR / "zh").glob("[0-9][0-9]_*.ipynb"))
    assert names, "no notebook in notebooks/zh"
    # the pilot: sliders, a matplotlib explorer and a grid drawn by grid.js
    name = "zh/" + ("02_kernels_and_stride.ipynb" if "02_kernels_and_stride.ipynb" in names
                    else names[0])
    lab.set_setting(LOCALE_PLUGIN, {"locale": "zh_CN"})
    page = None
    try:
        page = lab.open_lab(browser)
        open_notebook(page, name)
        seconds = run_all(page)
        record(name, zh_CN_run_all_s=round(seconds, 1))
        cells = cell_report(page)
        errors = [f"cell {c['index']}: {e}" for c in cells for e in c["errors"]]
        assert not errors, errors
        found = explorers(page)
        assert found, "no explorer drawn"
        for e in found:
            assert HAN.search(e["title"]), e["title"]
            labels = [s["description"] for s in e["sliders"] + e["dropdowns"]]
            assert all(HAN.search(label) for label in labels if label), labels
            assert e["naturalWidth"] > 0 and e["message"] == "", e
        # WCAG on our outputs, on this run: axe, and Chinese names for every control and picture
        found_axe = axe_outputs(page)
        seen, unnamed = name_problems(page, zh=True)
        record(name, axe_serious_critical=a11y.count(found_axe), axe_rules=per_rule(found_axe),
               a11y_roles=seen)
        assert not found_axe, f"{a11y.count(found_axe)} serious/critical:\n" \
                              f"{a11y.summary(found_axe)}"
        assert not unnamed, "\n".join(unnamed)
        assert seen.get("slider", 0) >= 3 and seen.get("img", 0) >= len(found), seen
        assert seen.get("button", 0) >= 3 and seen.get("combobox", 0) >= 1, seen
        i = next(i for i, e in enumerate(found) if e["sliders"])
        before = found[i]
        moved = press_and_time(page, i, 0)
        assert moved.get("changed"), f"the slider '{before['sliders'][0]['description']}' " \
                                     f"did not redraw the picture"
        after = explorers(page)[i]
        assert after["sliders"][0]["value"] != before["sliders"][0]["value"]
        assert HAN.search(after["sliders"][0]["description"]) and HAN.search(after["info"] or "")
        record(name, zh_slider=after["sliders"][0]["description"],
               zh_redraw_ms=round(moved["decoded_ms"]))
        grids = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .cnn-grid-legend")
        if grids.count():  # grid.js writes Chinese too
            assert HAN.search(grids.first.inner_text()), grids.first.inner_text()
        shutdown_current(page)
    finally:
        lab.set_setting(LOCALE_PLUGIN, {})
        if page is not None:
            page.context.close()
