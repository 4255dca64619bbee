"""axe-core, the standard accessibility engine, in a Playwright page: ``make a11y``.

    python -m tools.a11y [build/html] [--verbose]   # every page of a built site

``violations(page, selector)`` runs axe-core (vendored: ``tools/site_assets/axe-core``, pinned in
``tools/vendor_site_assets.py``) with the WCAG 2.1 A and AA rules on the page, or only inside
``selector`` (say, our output areas in JupyterLab), and returns the serious and critical
violations, minus the rules of ``ALLOWED``. The command opens each page of a built site in
headless Chromium and prints the count per page; it fails if a page has any.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import threading
from pathlib import Path

AXE = Path(__file__).resolve().parent / "site_assets" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
IMPACTS = ("serious", "critical")

#: Rule id -> (the elements it is allowed on: a piece of their axe target or their HTML; why).
#: Each line says why; the lead removes a line once the change it names is merged. Empty: the
#: explorers' names (grids too) and the grids' colours are in.
ALLOWED: dict[str, tuple[str, str]] = {}

_RUN = """async ([selector, tags]) => {
  const result = await axe.run(selector ? {include: [selector]} : document,
                               {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html, impact: n.impact,
                              summary: n.failureSummary}))}));
}"""


def violations(page, selector: str | None = None,
               allowed: dict[str, tuple[str, str]] | None = None,
               impacts: tuple[str, ...] = IMPACTS) -> list[dict]:
    """The serious and critical WCAG 2.1 A/AA violations on ``page`` (inside ``selector`` if
    given), each ``{id, impact, help, nodes: [{target, html, impact, summary}]}``; what ``allowed``
    (default ``ALLOWED``) allows is left out."""
    allowed = ALLOWED if allowed is None else allowed
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    if selector and not page.locator(selector).count():
        raise ValueError(f"selector {selector!r} matches nothing on {page.url}")
    found = []
    for v in page.evaluate(_RUN, [selector, TAGS]):
        where = allowed[v["id"]][0] if v["id"] in allowed else None
        nodes = [n for n in v["nodes"] if (n["impact"] or v["impact"]) in impacts
                 and (where is None or where not in n["target"] + n["html"])]
        if nodes:
            found.append({**v, "nodes": nodes})
    return found


def count(found: list[dict]) -> int:
    """How many elements break a rule, over all rules."""
    return sum(len(v["nodes"]) for v in found)


def summary(found: list[dict], per_rule: int = 3) -> str:
    """One line per rule with its count, and a few of the elements."""
    lines = []
    for v in found:
        lines.append(f"  {v['id']} ({v['impact']}, {len(v['nodes'])}): {v['help']}")
        lines += [f"      {n['target']}" for n in v["nodes"][:per_rule]]
    return "\n".join(lines)


def main(argv=None) -> int:
    from tools.labdriver import chromium

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", type=Path, default=Path("build/html"))
    parser.add_argument("--verbose", action="store_true", help="list the elements too")
    parser.add_argument("--all", action="store_true", help="ignore the allow-list")
    args = parser.parse_args(argv)
    pages = sorted(p.name for p in args.site.glob("*.html") if p.name != "index.html")
    if not pages:
        raise SystemExit(f"no pages in {args.site}: run make html first")
    handler = functools.partial(_Quiet, directory=str(args.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    bad = 0
    try:
        with chromium() as browser:
            for name in pages:
                context = browser.new_context()
                try:
                    page = context.new_page()
                    page.goto(url + name, wait_until="networkidle")
                    settle(page)
                    found = violations(page, allowed={} if args.all else None)
                finally:
                    context.close()
                bad += bool(found)
                rules = ", ".join(f"{v['id']} {len(v['nodes'])}" for v in found)
                print(f"{name}: {count(found)}" + (f" ({rules})" if rules else ""), flush=True)
                if args.verbose and found:
                    print(summary(found, per_rule=10))
    finally:
        server.shutdown()
        server.server_close()
    print(f"{len(pages) - bad} of {len(pages)} pages without serious or critical violations")
    return 1 if bad else 0


def settle(page, timeout_ms: int = 30000) -> None:
    """Wait until the page's widgets are drawn and MathJax has typeset (what axe should see)."""
    page.wait_for_function("""() => [...document.querySelectorAll(
        'script[type="application/vnd.jupyter.widget-view+json"]')].every(v =>
        v.parentElement.querySelector('.widget-subarea > *, .cnn-widget-failed'))""",
                           timeout=timeout_ms)
    page.evaluate("() => window.MathJax && MathJax.typesetPromise && MathJax.startup.promise")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


if __name__ == "__main__":
    sys.exit(main())
