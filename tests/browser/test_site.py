"""The static site (``make html``) in headless Chromium, with every request off this machine blocked.

The module builds a small site in quick mode (the test notebook in ``tests/site`` and the real
notebooks in ``SITE_NOTEBOOKS``), serves it on 127.0.0.1 and opens each page. A test fails if
a page asks for anything outside 127.0.0.1 (or a local file), if a local asset is missing, if a
grid page shows no grid, or if pointing at an output cell does not highlight its window.

``CNNLIB_SITE_DIR=build/html`` checks an existing build (say, the full ``make html``) instead.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest

from tests.browser.lab_helpers import ROOT, record

TEST_NOTEBOOKS = ROOT / "tests" / "site"
#: The page's saved widget state and the model ids of its displayed views.
_SAVED = """() => {
  const tag = document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]');
  const views = [...document.querySelectorAll(
      'script[type="application/vnd.jupyter.widget-view+json"]')];
  return [tag ? JSON.parse(tag.textContent).state : {},
          views.map(v => JSON.parse(v.textContent).model_id)];
}"""


def saved_grids(page) -> int:
    """How many grid models the page displays, at top level or inside boxes: anywidget models,
    less the explorers' name-giving one (``widgets.names``, the anywidget with an ``alt``)."""
    state, todo = page.evaluate(_SAVED)
    seen = set()
    while todo:
        mid = todo.pop()
        if mid in seen or mid not in state:
            continue
        seen.add(mid)
        refs = json.dumps(state[mid]["state"]).split('"IPY_MODEL_')[1:]
        todo.extend(r.split('"')[0] for r in refs)
    return sum(state[m]["model_module"] == "anywidget" and "alt" not in state[m]["state"]
               for m in seen)


@dataclass(frozen=True)
class GridPage:
    """A page with a hover-linked grid, and how to point at it."""

    page: str           # the built page, e.g. "02_kernels_and_stride.html"
    grid: str           # CSS selector of a grid widget's root element
    output_cell: str    # selector, inside the grid, of the output cells
    highlighted: str    # selector, inside the grid, of the input cells lit by pointing
    window: int         # how many input cells one output cell's window lights
    cells: tuple = (0, -1)  # two output cells to point at, by index (-1: the last)


#: The test notebook's tiny grid (tests/site/01_hover_grid.ipynb): a 5x5 input and a 3x3 window.
DEMO_GRID_PAGES = [GridPage("01_hover_grid.html", ".demo-grid", ".demo-output td",
                            ".demo-input td.demo-window", window=9, cells=(0, 4))]
#: The series' own grid pages (the anywidget grid of cnnlib/widgets/grid.js): each page's first
#: grid, with the default kernel or pool window. They switch on by themselves once the grid widget
#: is in the tree; their notebooks are then built too (SITE_NOTEBOOKS).
_CNN_GRID = dict(grid=".cnn-grid", output_cell=".cnn-grid-output .cnn-grid-cell",
                 highlighted=".cnn-grid-input .cnn-grid-cell.tap")
REAL_GRID_PAGES = [
    GridPage("02_kernels_and_stride.html", window=9, **_CNN_GRID),
    GridPage("03_padding.html", window=9, **_CNN_GRID),
    GridPage("04_pooling.html", window=4, **_CNN_GRID),
] if (ROOT / "cnnlib" / "widgets" / "grid.js").is_file() else []
GRID_PAGES = DEMO_GRID_PAGES + REAL_GRID_PAGES
#: Real notebooks built (quick mode) with the test page: the contents page, 07 (progress bars and
#: the ipycanvas digit canvas, drawn from saved state) and every real grid page. Each costs its
#: quick run time (07: about 25 s).
SITE_NOTEBOOKS = os.environ.get("CNNLIB_SITE_NOTEBOOKS", " ".join(
    sorted({"00", "07"} | {g.page[:2] for g in REAL_GRID_PAGES}))).split()


def _build(out: Path) -> float:
    """Build the test page and SITE_NOTEBOOKS into ``out`` in quick mode; return the seconds."""
    start = time.monotonic()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), os.environ.get("PYTHONPATH", "")]), "CNNLIB_QUICK": "1"}
    for args in (["--notebooks", str(TEST_NOTEBOOKS)], SITE_NOTEBOOKS):
        if not args:
            continue
        done = subprocess.run([sys.executable, "-m", "tools.build_html", "--quick",
                               "--out", str(out), *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=1800)
        assert done.returncode == 0, f"build_html {args} failed:\n{done.stdout}\n{done.stderr}"
    return time.monotonic() - start


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory):
    """The site's folder, served on 127.0.0.1; yields the base URL."""
    if os.environ.get("CNNLIB_SITE_DIR"):
        out = (ROOT / os.environ["CNNLIB_SITE_DIR"]).resolve()
    else:
        out = tmp_path_factory.mktemp("site")
        # printed with the browser figures and kept in build/browser/report.json
        record("static site", quick_build_s=round(_build(out), 1),
               notebooks=" ".join(SITE_NOTEBOOKS))
    handler = functools.partial(_QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(dir=out, url=f"http://127.0.0.1:{server.server_address[1]}/")
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Visit:
    """One page opened in a fresh browser context: what it asked for and what it showed."""

    def __init__(self, browser, url: str):
        self.url, self.left, self.failed, self.errors = url, [], [], []
        self.context = browser.new_context()
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.goto(url, wait_until="load")
        self.settle()

    def _route(self, route):
        u = urlparse(route.request.url)
        if u.scheme in ("file", "data", "blob") or u.hostname == "127.0.0.1":
            route.continue_()
        else:
            self.left.append(route.request.url)
            route.abort()

    def settle(self, timeout_s: float = 30) -> None:
        """Wait until every widget view on the page is drawn (or has given up) and MathJax has
        typeset; ``self.undrawn`` says when the widgets did not make it in time."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_function("""() => [...document.querySelectorAll(
                'script[type="application/vnd.jupyter.widget-view+json"]')].every(v =>
                v.parentElement.querySelector('.widget-subarea > *, .cnn-widget-failed'))""",
                                        timeout=timeout_s * 1000)
            self.undrawn = False
        except PlaywrightTimeout:
            self.undrawn = True
        # MathJax 3 once loaded (the config object alone has no typesetPromise).
        self.page.evaluate("""() => window.MathJax && MathJax.typesetPromise
                                    && MathJax.startup.promise""")
        self.page.wait_for_load_state("networkidle")

    def close(self) -> None:
        self.context.close()


def _pages(site) -> list[str]:
    return sorted(p.name for p in site.dir.glob("[0-9][0-9]_*.html"))


def test_site_has_pages(site):
    names = _pages(site)
    assert "01_hover_grid.html" in names or os.environ.get("CNNLIB_SITE_DIR"), names
    for number in SITE_NOTEBOOKS if not os.environ.get("CNNLIB_SITE_DIR") else ():
        assert any(n.startswith(number + "_") for n in names), f"no page for notebook {number}"


def test_every_page_stays_on_this_machine(site, browser):
    """No request leaves 127.0.0.1, none fails, no script error, every widget drawn."""
    problems = []
    for name in _pages(site) + [p.name for p in site.dir.glob("index.html")]:
        visit = Visit(browser, site.url + name)
        try:
            failed_widgets = visit.page.locator(".cnn-widget-failed").count()
            for what, found in (("requests leaving the machine", visit.left),
                                ("local requests failing",
                                 [u for u in visit.failed if u not in visit.left]),
                                ("script errors", visit.errors)):
                if found:
                    problems.append(f"{name}: {what}: {found[:5]}")
            if visit.undrawn:
                problems.append(f"{name}: widgets not drawn within 30 s")
            if failed_widgets:
                problems.append(f"{name}: {failed_widgets} widget(s) could not be drawn")
            if visit.page.locator("script[src^='http'], link[href^='http']").count():
                problems.append(f"{name}: a script or stylesheet from another host")
        finally:
            visit.close()
    assert not problems, "\n".join(problems)


def test_math_is_typeset_locally(site, browser):
    visit = Visit(browser, site.url + "01_hover_grid.html")
    try:
        assert visit.page.locator(".jp-RenderedMarkdown mjx-container").count() >= 1  # $3 \times 3$
        assert not visit.page.locator("main :text('$3')").count()
        # a widget label ("kernel $k$"), typeset by the renderer through MathJax 2's API
        assert visit.page.locator(".widget-label mjx-container").count() == 1
    finally:
        visit.close()


@pytest.fixture(params=GRID_PAGES, ids=lambda g: g.page)
def grid_page(request, site, browser):
    visit = Visit(browser, site.url + request.param.page)
    yield request.param, visit
    visit.close()


def test_grid_page_shows_its_grids(grid_page):
    spec, visit = grid_page
    saved = saved_grids(visit.page)
    assert saved, f"{spec.page} saved no anywidget grid"
    grids = visit.page.locator(spec.grid)
    assert grids.count() == saved, f"{spec.page}: {saved} grid(s) saved, {grids.count()} drawn"
    for i in range(grids.count()):
        box = grids.nth(i).bounding_box()
        assert box and box["width"] > 20 and box["height"] > 20, f"grid {i} drawn empty: {box}"
    assert visit.page.locator(".cnn-widget-failed").count() == 0


def _lit(grid) -> list[str]:
    """Where the lit input cells are, as 'x,y' of their centres (independent of the markup)."""
    return sorted(grid.evaluate_all("""(cells) => cells.map(c => {
        const r = c.getBoundingClientRect();
        return Math.round(r.x + r.width / 2) + ',' + Math.round(r.y + r.height / 2);
    })"""))


def test_pointing_highlights_the_window(grid_page):
    spec, visit = grid_page
    grid = visit.page.locator(spec.grid).first
    outputs = grid.locator(spec.output_cell)
    assert outputs.count() >= 2, f"{spec.page}: no output cells to point at"
    seen = []
    for index in spec.cells:
        outputs.nth(index if index >= 0 else outputs.count() - 1).hover()
        visit.page.wait_for_timeout(100)
        lit = _lit(grid.locator(spec.highlighted))
        assert len(lit) == spec.window, (
            f"{spec.page}: pointing at output cell {index} lit {len(lit)} input cells, "
            f"not its window of {spec.window}")
        seen.append(lit)
    assert seen[0] != seen[1], "two output cells lit the same window"
    assert not visit.left and not visit.errors, (visit.left, visit.errors)


def test_demo_window_is_the_right_one(site, browser):
    """On the test grid, output[i, j] (here 1, 2) lights rows i..i+2, columns j..j+2, and the
    line under it shows the window's sum, worked out here from the same input."""
    visit = Visit(browser, site.url + "01_hover_grid.html")
    try:
        grid = visit.page.locator(".demo-grid").first
        grid.locator(".demo-output tr").nth(1).locator("td").nth(2).hover()
        visit.page.wait_for_timeout(100)
        lit = grid.locator(".demo-input td.demo-window").evaluate_all(
            "cells => cells.map(c => [+c.dataset.row, +c.dataset.col])")
        assert sorted(map(tuple, lit)) == [(r, c) for r in (1, 2, 3) for c in (2, 3, 4)]
        x = [[(3 * i + 5 * j) % 7 for j in range(5)] for i in range(5)]
        total = sum(x[r][c] for r in (1, 2, 3) for c in (2, 3, 4))
        assert grid.locator(".demo-info").inner_text() == f"output[1, 2] = {total}"
    finally:
        visit.close()


def test_explorer_grid_controls_are_disabled(site, browser):
    """In the page, a grid explorer's controls cannot move (that needs the kernel), and a line
    says so; its grid still answers to pointing."""
    visit = Visit(browser, site.url + "01_hover_grid.html")
    try:
        state = json.loads(visit.page.locator(
            'script[type="application/vnd.jupyter.widget-state+json"]').text_content())["state"]
        sliders = [m for m in state.values() if m["model_name"] == "IntSliderModel"]
        assert sliders and all(m["state"]["disabled"] for m in sliders)
        assert visit.page.locator(".widget-slider .noUi-target[disabled]").count() == len(sliders)
        assert "move the controls" in visit.page.locator(".cnn-static-note").first.inner_text()
    finally:
        visit.close()


def test_file_url_needs_nothing_else(site, browser):
    """Opened straight from disk (file://), as a learner might, the grid still draws."""
    visit = Visit(browser, (site.dir / "01_hover_grid.html").as_uri())
    try:
        assert visit.page.locator(".demo-grid").count() == 2
        assert not visit.left and not visit.failed and not visit.errors
    finally:
        visit.close()


def _site_page_names(site) -> list[str]:
    """The pages built from the series (English and Chinese), not the test notebook's."""
    return [n for n in _pages(site) if n[:2] in SITE_NOTEBOOKS] + sorted(
        p.name for p in site.dir.glob("zh_[0-9][0-9]_*.html"))


def test_pages_pass_axe_and_name_their_figures(site, browser):
    """On the series' pages, in both editions: axe-core with the WCAG 2.1 A and AA rules finds no
    serious or critical violation (tools/a11y.py; its allow-list says why for each rule), and
    every picture says what it shows: no empty alt, no nbconvert placeholder, on the Chinese
    pages Chinese, in a page that declares its language. (One visit per page for both.)"""
    from tools import a11y

    names = _site_page_names(site)
    assert any(n.startswith("zh_") for n in names), names
    problems = []
    for name in names:
        visit = Visit(browser, site.url + name)
        try:
            found = a11y.violations(visit.page)
            alts = visit.page.locator("main img").evaluate_all("imgs => imgs.map(i => i.alt)")
            lang = visit.page.evaluate("() => document.documentElement.lang")
        finally:
            visit.close()
        if found:
            problems.append(f"{name}: {a11y.count(found)}\n{a11y.summary(found)}")
        zh = name.startswith("zh_")
        if lang != ("zh" if zh else "en"):
            problems.append(f"{name}: <html lang={lang!r}>")
        for alt in alts:
            if not alt.strip() or "No description" in alt or alt == "explorer picture" or (
                    zh and not any("\u4e00" <= c <= "\u9fff" for c in alt)):
                problems.append(f"{name}: alt {alt[:80]!r}")
        if name.startswith(("02_", "zh_02_")) and not any(
                a.startswith(("Figure: ", "图：")) for a in alts):
            problems.append(f"{name}: no figure named by its titles")
    assert not problems, "\n".join(problems)


def test_axe_finds_what_it_should(site, browser):
    """The checker is live: a low-contrast line and a nameless image planted in a page are found."""
    from tools import a11y

    visit = Visit(browser, site.url + "01_hover_grid.html")
    try:
        visit.page.evaluate("""() => document.querySelector('main').insertAdjacentHTML('beforeend',
            '<p id="planted" style="color:#aaa">grey on white</p><img id="noalt" src="data:,">')""")
        found = {v["id"]: v for v in a11y.violations(visit.page, allowed={})}
        assert any("#planted" in n["target"] for n in found["color-contrast"]["nodes"])
        assert any("#noalt" in n["target"] for n in found["image-alt"]["nodes"])
        assert a11y.violations(visit.page, "#planted", allowed={})[0]["id"] == "color-contrast"
    finally:
        visit.close()
