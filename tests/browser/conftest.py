"""JupyterLab in headless Chromium: one server, one browser and one page for the whole session.

Without Chromium (or Playwright) the browser tests are skipped with a plain message; with
``CNNLIB_REQUIRE_BROWSER=1`` (set by ``.ci/run``) that is a failure instead. The Chromium used is
the system's (``/usr/bin/chromium`` on Debian, or ``CNNLIB_CHROMIUM``); Playwright's own browser
download is not needed.

Figures the lead reads (run times, slider latency, the suite's duration) are printed at the end of
the run and written to ``build/browser/report.json``.
"""

from __future__ import annotations

import json
import os
import time

import pytest

from tests.browser.lab_helpers import MISSING, NB_DIR, REPORT, REPORT_PATH, ROOT, required
from tools.labdriver import (
    LabServer,
    cell_report,
    chromium,
    explorers,
    find_chromium,
    open_notebook,
    run_all,
    shutdown_current,
    widget_problems,
)


def _why_no_browser() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -r requirements.txt)"
    if find_chromium() is None:
        return ("no Chromium on this machine (Debian/Ubuntu: sudo apt install chromium; "
                "or set CNNLIB_CHROMIUM to a Chrome/Chromium executable)")
    return None


@pytest.fixture(scope="session")
def browser():
    REPORT["_start"] = time.monotonic()
    reason = _why_no_browser()
    if reason:
        if required():
            pytest.fail(f"browser tests required (CNNLIB_REQUIRE_BROWSER=1) but {reason}")
        pytest.skip(f"browser tests skipped: {reason}")
    with chromium() as b:
        yield b


@pytest.fixture(scope="session")
def lab(browser):
    start = time.monotonic()
    with LabServer(NB_DIR) as server:
        REPORT["server_start_s"] = round(time.monotonic() - start, 1)
        yield server


@pytest.fixture(scope="session")
def page(lab, browser):
    start = time.monotonic()
    p = lab.open_lab(browser)
    REPORT["lab_load_s"] = round(time.monotonic() - start, 1)
    yield p
    p.context.close()


class NotebookRun:
    """A notebook opened in the page and run top to bottom once; tests read what it left."""

    def __init__(self, name: str, page, seconds: float):
        self.name, self.page, self.seconds = name, page, seconds
        self.cells = cell_report(page)
        self.widget_problems = widget_problems(page)

    def explorers(self) -> list[dict]:
        return explorers(self.page)


#: The notebook run the page shows now, and the notebook the next test asks for: a notebook that
#: several test modules use is opened and run once, and kept open from one module to the next.
_OPEN: dict = {"run": None, "next": None}


def _shown(page) -> str | None:
    return page.evaluate("""() => { const w = window.jupyterapp.shell.currentWidget;
        return w && w.context ? w.context.path : null; }""")


def _notebook_of(item) -> str | None:
    callspec = getattr(item, "callspec", None)
    nb = callspec.params.get("notebook") if callspec else None
    return nb if nb is not None and "tests/browser/" in item.nodeid else None


@pytest.fixture(scope="module")
def notebook(request, page):
    """Open the notebook named by the (indirect) parameter, run all cells, wait for the kernel.

    Module-scoped and parametrized, so pytest groups the tests by notebook; the groups of every
    module that uses the same notebook run one after another (see below), on one run of it."""
    name = request.param
    if name.startswith(MISSING):
        pytest.fail(f"browser tests required (CNNLIB_REQUIRE_BROWSER=1) but {name[len(MISSING):]}")
    run = _OPEN["run"]
    if run is None or run.name != name or _shown(page) != name:
        if run is not None and _shown(page) == run.name:
            shutdown_current(page)
        open_notebook(page, name)
        seconds = run_all(page)
        REPORT["notebooks"].setdefault(name, {})["run_all_s"] = round(seconds, 1)
        run = _OPEN["run"] = NotebookRun(name, page, seconds)
    yield run
    if _OPEN["next"] != name:
        _OPEN["run"] = None
        if _shown(page) == name:
            shutdown_current(page)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    """Before the fixtures' teardown: which notebook the next test needs (kept open if the same)."""
    _OPEN["next"] = _notebook_of(nextitem) if nextitem is not None else None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run each notebook's tests together, the modules' in turn (each notebook runs once), in
    notebook order, and within a module in the order they are written: "runs without errors"
    first."""
    first_of_module: dict = {}
    first_of_notebook: dict = {}
    for pos, item in enumerate(items):
        if _notebook_of(item) is not None:
            first_of_module.setdefault(item.path, pos)
    for item in items:  # a notebook's tests go where its first module's tests are
        nb = _notebook_of(item)
        if nb is not None:
            here = first_of_module[item.path]
            first_of_notebook[nb] = min(first_of_notebook.get(nb, here), here)

    def key(pair):
        pos, item = pair
        nb = _notebook_of(item)
        if nb is None:
            return (pos, "", 0, 0)
        return (first_of_notebook[nb], nb, first_of_module[item.path],
                item.function.__code__.co_firstlineno)

    items[:] = [item for _, item in sorted(enumerate(items), key=key)]


def pytest_terminal_summary(terminalreporter):
    start = REPORT.pop("_start", None)
    if not REPORT["notebooks"] and "server_start_s" not in REPORT:
        return
    if start is not None:
        REPORT["browser_suite_s"] = round(time.monotonic() - start, 1)
    REPORT["load_average"] = [round(x, 2) for x in os.getloadavg()]
    REPORT_PATH.parent.mkdir(parents=True, exist_ok=True)
    REPORT_PATH.write_text(json.dumps(REPORT, indent=2, ensure_ascii=False) + "\n",
                           encoding="utf-8")
    tr = terminalreporter
    tr.section("browser (JupyterLab in headless Chromium)")
    for name, figures in REPORT["notebooks"].items():
        tr.write_line(f"{name}: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
    lat = REPORT.get("latency")
    if lat:
        tr.write_line(f"slider key press -> new image: median {lat['median_ms']:.0f} ms, "
                      f"p90 {lat['p90_ms']:.0f} ms over {lat['n']} changes "
                      f"({lat['notebook']}, '{lat['slider']}'; goal median <= {lat['goal_ms']:.0f} ms"
                      f"{'' if lat['median_ms'] <= lat['goal_ms'] else ', OVER THE GOAL'}); "
                      f"the kernel's redraw: median {lat['kernel_draw_median_ms']} ms")
    for name, figures in REPORT.get("grid", {}).items():  # tests/browser/test_grid.py
        for what, f in figures.items():
            tr.write_line(f"{name} grid, {what}: median {f['dom']['median_ms']} ms to the DOM, "
                          f"{f['next_frame']['median_ms']} ms to the next frame "
                          f"(p90 {f['next_frame']['p90_ms']}; grid.js's own work {f['view_own_median_ms']} ms; "
                          f"goal median <= "
                          f"{f['goal_median_ms']:.0f} ms)")
    if "browser_suite_s" in REPORT:
        tr.write_line(f"browser suite: {REPORT['browser_suite_s']} s (JupyterLab start "
                      f"{REPORT.get('server_start_s')} s, page load {REPORT.get('lab_load_s')} s; "
                      f"load average {REPORT['load_average'][0]})")
    tr.write_line(f"figures written to {REPORT_PATH.relative_to(ROOT)}")
