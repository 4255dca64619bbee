"""Pictures of each notebook's main explorer, taken in JupyterLab in headless Chromium.

    make screenshots                             # every notebook -> docs/img/NN_slug.png
    python -m tools.screenshots 02 03            # only these notebooks

Each notebook is run top to bottom in a real JupyterLab (as the browser tests do), then its main
explorer is photographed: the one with the most controls (the first of equals), or, in a notebook
with a draw-a-digit canvas, the canvas with a "7" drawn on it and the model's answer. Notebooks
without either are left out. Needs Chromium (Debian/Ubuntu: apt install chromium).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tools.labdriver import (
    NOTEBOOKS,
    ROOT,
    LabServer,
    chromium,
    draw_strokes,
    explorers,
    find_chromium,
    open_notebook,
    run_all,
    shutdown_current,
)

OUT = ROOT / "docs" / "img"
#: The explorer that stands for its notebook, by (part of) its title; elsewhere, or when the
#: title is not found, the one with the most controls.
MAIN = {
    "02": "one step at a time",
    "03": "conv arithmetic",
}
VISIBLE = ".jp-NotebookPanel:not(.lm-mod-hidden)"


def main_explorer(page, number: str):
    """A locator for the notebook's main explorer, or None."""
    key = MAIN.get(number)
    grids = page.locator(f"{VISIBLE} .cnn-grid-explorer")  # drawn in the browser (anywidget)
    for i in range(grids.count() if key else 0):
        if key in grids.nth(i).locator("b").first.inner_text().lower():
            return grids.nth(i)
    found = explorers(page)
    if not found:
        return None
    wanted = [e for e in found if key and key in e["title"].lower()]
    best = wanted[0] if wanted else max(found, key=lambda e: (e["controls"], -e["index"]))
    return page.locator(f"{VISIBLE} .cnn-explorer").nth(best["index"])


def digit_widget(page):
    """The draw-a-digit explorer, with a "7" drawn on it and the model's answer shown."""
    canvas = page.locator(f"{VISIBLE} .cnn-digit-canvas").first
    if canvas.count() == 0:
        return None
    draw_strokes(page, canvas)
    wait_until_still(page)
    explorer = canvas.locator(
        "xpath=ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' cnn-explorer ')][1]")
    return explorer if explorer.count() else canvas.locator(
        "xpath=ancestor::div[contains(@class, 'jp-OutputArea-output')][1]")


def wait_until_still(page, quiet_s: float = 2.0, timeout_s: float = 90) -> None:
    """Until the kernel is idle and the notebook's text has not changed for ``quiet_s`` (the
    kernel works through the queued mouse events, redrawing as it goes)."""
    deadline, last, since = time.monotonic() + timeout_s, None, time.monotonic()
    while time.monotonic() < deadline:
        now = page.evaluate(f"""() => {{
            const w = {_current()};
            return w.sessionContext.session.kernel.status + '|' + w.node.innerText.length + '|'
                + [...w.node.querySelectorAll('img')].map(i => i.src).join(' ');
        }}""")
        if now != last:
            last, since = now, time.monotonic()
        elif now.startswith("idle|") and time.monotonic() - since >= quiet_s:
            return
        page.wait_for_timeout(250)


def _current() -> str:
    return "window.jupyterapp.shell.currentWidget"


_CONTENT_BOX = """(root) => {
    // The box around what is drawn inside root (text, pictures, controls), not its full width.
    const rects = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.textContent.trim()) continue;
        const r = document.createRange();
        r.selectNodeContents(n);
        rects.push(...r.getClientRects());
    }
    const sel = 'img, canvas, svg, input, select, button, .noUi-target, .widget-readout';
    for (const el of root.querySelectorAll(sel)) rects.push(el.getBoundingClientRect());
    const seen = rects.filter(r => r.width > 0 && r.height > 0);
    const box = root.getBoundingClientRect();
    const x0 = Math.min(...seen.map(r => r.left)), y0 = Math.min(...seen.map(r => r.top));
    const x1 = Math.max(...seen.map(r => r.right)), y1 = Math.max(...seen.map(r => r.bottom));
    const pad = 10;
    return {x: Math.max(box.left, x0 - pad), y: Math.max(0, y0 - pad),
            width: Math.min(box.right, x1 + pad) - Math.max(box.left, x0 - pad),
            height: y1 - y0 + 2 * pad};
}"""


def shoot(page, name: str, out_dir: Path) -> Path | None:
    open_notebook(page, name)
    seconds = run_all(page)
    target = digit_widget(page) or main_explorer(page, name[:2])
    path = None
    if target is not None:
        target.evaluate("""el => {
            el.scrollIntoView({block: 'start'});
            let box = el.parentElement;  // leave a margin above, clear of the toolbar
            while (box && box.scrollHeight <= box.clientHeight) box = box.parentElement;
            if (box) box.scrollBy(0, -24);
        }""")
        page.wait_for_timeout(300)  # let the last picture decode
        path = out_dir / (Path(name).stem + ".png")
        clip = target.evaluate(_CONTENT_BOX)
        page.screenshot(path=str(path), clip=clip, animations="disabled")
    shutdown_current(page)
    shown = "no explorer, no picture" if path is None else (
        path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    print(f"{name}: ran in {seconds:.0f} s -> {shown}", flush=True)
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("only", nargs="*", help="notebook numbers (e.g. 02 03); default: all")
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the PNGs")
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS, help="folder of notebooks")
    args = parser.parse_args(argv)
    if find_chromium() is None:
        print("make screenshots needs Chromium (Debian/Ubuntu: sudo apt install chromium; or set "
              "CNNLIB_CHROMIUM)", file=sys.stderr)
        return 1
    names = sorted(p.name for p in args.notebooks.glob("[0-9][0-9]_*.ipynb")
                   if not args.only or p.name[:2] in args.only)
    args.out.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    with LabServer(args.notebooks) as lab, chromium() as browser:
        page = lab.open_lab(browser, viewport=(1280, 1600))
        shots = [shoot(page, name, args.out) for name in names]
    print(f"{sum(p is not None for p in shots)} pictures in {time.monotonic() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
