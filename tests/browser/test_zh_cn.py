"""Chinese-first learners: JupyterLab with the zh_CN language pack still runs the series."""

from __future__ import annotations

import pytest

from tests.browser.lab_helpers import REPORT, notebook_names, record
from tools.labdriver import cell_report, explorers, open_notebook, run_all, shutdown_current

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
