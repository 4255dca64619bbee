"""A static HTML copy of the series, executed, for reading without running anything.

    make html                          # full size (as a learner runs it) -> build/html/
    python -m tools.build_html --quick # quick mode (CNNLIB_QUICK=1): small data, few steps
    python -m tools.build_html 02 03   # only these notebooks
    python -m tools.build_html --jobs 1 # one notebook at a time (default: one per core, up to 4)

Each notebook is executed top to bottom in a fresh kernel, in ``notebooks/`` (so relative paths
work as in JupyterLab), and written as ``build/html/NN_slug.html``; ``index.html`` is the
contents notebook. Links between notebooks point to the HTML pages. Nothing is written into
``notebooks/``.

The pages load nothing from the network: the widget renderer (@jupyter-widgets/html-manager),
require.js and MathJax are vendored in ``tools/site_assets/`` (``make site-assets`` refreshes them
from npm) and copied into ``build/html/_static/``, with each third-party widget package's own AMD
module (anywidget, ipycanvas) taken from its installed package. Widgets render from the state
saved at execution:
- each matplotlib explorer becomes a static picture of its first draw, with its info line and its
  control values written out;
- other widgets stay live: an anywidget grid answers to pointing (its arrays are in the saved
  state), progress bars show as saved; controls, which need Python, are disabled, with a line
  saying to run the notebook to move them;
- a widget whose code cannot be bundled becomes a line saying to run the notebook.
The saved state of the widgets replaced is dropped from the page.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from cnnlib.plots.figure_alt import alt_text
from cnnlib.text.i18n import t
from cnnlib.text.locale import set_language
from cnnlib.widgets.names import CSS as NAMES_CSS

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
OUT = ROOT / "build" / "html"
#: Vendored JavaScript (``make site-assets`` refreshes it from npm) and the page template.
SITE_ASSETS = ROOT / "tools" / "site_assets"
SITE_TEMPLATES = ROOT / "tools" / "site_template"
STATIC = "_static"
#: Each kernel of the build runs this first: figures carry their titles as alt (see the file).
FIGURE_ALT = f"--IPKernelApp.exec_files={ROOT / 'tools' / 'figure_alt.py'}"
#: Widget modules the renderer (html-manager) carries itself; others come from their packages.
BUILTIN_WIDGET_MODULES = {"@jupyter-widgets/base", "@jupyter-widgets/controls",
                          "@jupyter-widgets/output"}


def _relink(html: str, zh: bool = False) -> str:
    """href="NN_slug.ipynb" (and #anchors) -> href="NN_slug.html". The Chinese edition's pages
    sit beside the English ones as zh_NN_slug.html: "zh/NN_slug.ipynb" (from the contents) ->
    "zh_NN_slug.html", "../NN_slug.ipynb" (from a Chinese page) -> "NN_slug.html", and on a
    Chinese page (``zh``) "NN_slug.ipynb", a Chinese neighbour or contents -> "zh_NN_slug.html"."""
    def page(m):
        chinese = m.group(1) == "zh/" or (zh and m.group(1) is None)
        return f'href="{"zh_" if chinese else ""}{m.group(2)}.html{m.group(3) or ""}"'

    return re.sub(r'href="(zh/|\.\./)?(\d\d_[^"/]+?)\.ipynb(#[^"]*)?"', page, html)


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _control_text(model: dict) -> str | None:
    """'stride = 2' for a control's saved state, or None for what is not a control."""
    st = model["state"]
    name, desc = model["model_name"], (st.get("description") or "").strip()
    if not desc:
        return None
    if name in ("DropdownModel", "ToggleButtonsModel", "RadioButtonsModel", "SelectModel"):
        labels, index = st.get("_options_labels", []), st.get("index")
        value = labels[index] if index is not None and index < len(labels) else ""
    elif name in ("IntSliderModel", "FloatSliderModel", "CheckboxModel", "FloatTextModel",
                  "IntTextModel", "BoundedIntTextModel", "BoundedFloatTextModel", "TextModel"):
        value = st.get("value")
        value = f"{value:g}" if isinstance(value, float) else value
    else:
        return None
    return f"{html.escape(desc)} = {html.escape(str(value))}"


def _static_explorer(model_id: str, state: dict) -> str | None:
    """The HTML of a static explorer (title, controls, info, picture), or None if ``model_id``
    is not an explorer."""
    root = state.get(model_id)
    if root is None or "cnn-explorer" not in (root["state"].get("_dom_classes") or []):
        return None
    title, controls, info, png, alt = "", [], "", None, ""

    def walk(mid: str) -> None:
        nonlocal title, info, png, alt
        model = state.get(mid)
        if model is None:
            return
        st, classes = model["state"], model["state"].get("_dom_classes") or []
        if "cnn-explorer-figure" in classes:
            png = next((b["data"] for b in model.get("buffers", []) if b["path"] == ["value"]),
                       None)
        elif NAMES_CSS in classes:  # the explorer's text alternative (cnnlib.widgets.names)
            alt = st.get("alt", "")
        elif "cnn-explorer-info" in classes:
            info = st.get("value", "")
        elif model["model_name"] == "HTMLModel" and not title and st.get("value", "").startswith(
                "<b>"):
            title = st["value"]
        elif (text := _control_text(model)) is not None:
            controls.append(text)
        for child in st.get("children", []):
            walk(child.removeprefix("IPY_MODEL_"))

    walk(model_id)
    if png is None:
        return None
    # The picture's text alternative: the explorer's own description of it (cnnlib.widgets.names);
    # failing that, what the explorer is, at which settings, and its info line. The info line,
    # which names the numbers the picture shows, is on the page above the picture either way.
    if not alt:
        alt = t("Explorer picture: {what}", what=" · ".join(
            p for p in (_plain(title), html.unescape(" · ".join(controls)), _plain(info)) if p))
    return (f'<div class="cnn-static-explorer">{title}'
            f'<div style="color:{NOTE_COLOUR}">{" · ".join(controls)}</div><div>{info}</div>'
            f'<img src="data:image/png;base64,{png}" alt="{html.escape(alt)}">'
            f'<div style="color:{NOTE_COLOUR};font-size:90%"><i>'
            f'{t("A picture of the explorer at its first draw: run the notebook to move the controls.")}'
            "</i></div></div>")


#: The site's own notes: #595959 on white is 7:1 (the old #777 was 4.48:1, under WCAG AA).
NOTE_COLOUR = "#595959"


def _plain(markup: str) -> str:
    """Text of a bit of HTML (a widget's title or info line), on one line."""
    return " ".join(html.unescape(re.sub(r"</?[A-Za-z][^>]*>", " ", markup or "")).split())


def _figure_alts(nb) -> int:
    """Give every picture output an ``alt`` in the page's language: the figure's titles, which
    the kernel put in the output's metadata (cnnlib.plots.figure_alt), or the sentence for a
    figure without them. (A figure's ``text/html`` form, which the page shows, carries the same
    alt already.) Returns how many had titles."""
    titled = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            for mime in ("image/png", "image/jpeg"):
                if mime not in out.get("data", {}):
                    continue
                md = out.setdefault("metadata", {}).setdefault(mime, {})
                titles = md.get("alt", "")
                titled += bool(titles)
                md["alt"] = alt_text(titles)
    return titled


def _subtree(model_id: str, state: dict) -> list[str]:
    """``model_id`` and every model its state refers to (children, layout, style, links)."""
    seen, todo = [], [model_id]
    while todo:
        mid = todo.pop()
        if mid in seen or mid not in state:
            continue
        seen.append(mid)
        values = [state[mid]["state"]]
        while values:
            v = values.pop()
            if isinstance(v, dict):
                values.extend(v.values())
            elif isinstance(v, list):
                values.extend(v)
            elif isinstance(v, str) and v.startswith("IPY_MODEL_"):
                todo.append(v.removeprefix("IPY_MODEL_"))
    return seen


def _modules(ids: list[str], state: dict) -> set[str]:
    """The widget modules of ``ids``; an explorer's hidden ``Names`` widget (an anywidget that
    only names controls) does not make it live."""
    ids = [i for i in ids if NAMES_CSS not in (state[i]["state"].get("_dom_classes") or [])]
    return {state[i].get(key) for i in ids for key in ("model_module", "view_module")} - {None}


def _note(text: str) -> dict:
    return {"output_type": "display_data", "metadata": {},
            "data": {"text/html": f'<div class="cnn-static-note" style="color:{NOTE_COLOUR};'
                                  'font-size:90%">'
                                  f"<i>{html.escape(text)}</i></div>"}}


def _prepare_widgets(nb, bundled: set[str]) -> dict[str, int]:
    """Make each widget output read well in a page with no kernel; return how many of each kind.

    - A matplotlib explorer becomes a static picture with its control values written out.
    - A widget whose code is not bundled (its package installs no AMD module) becomes its own
      picture, if its output carries one, and a line saying to run the notebook.
    - Any other widget stays live: an anywidget grid answers to pointing, since its arrays travel
      in the saved state. Controls (sliders, buttons, ...) are disabled, since moving them needs
      Python, and a line under the widget says so. Progress bars render as saved."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    counts = {"as pictures": 0, "as a line": 0, "live, controls disabled": 0}
    replaced, shown = set(), set()
    for cell in nb.cells:
        outputs = []
        for out in cell.get("outputs", []):
            outputs.append(out)
            view = out.get("data", {}).get(WIDGET_VIEW)
            if not view or view.get("model_id") not in state:
                continue
            ids = _subtree(view["model_id"], state)
            modules = _modules(ids, state)
            if "anywidget" not in modules and (static := _static_explorer(view["model_id"],
                                                                          state)):
                out["data"] = {"text/html": static}
                counts["as pictures"] += 1
                replaced.update(ids)
            elif modules - BUILTIN_WIDGET_MODULES - bundled:
                replaced.update(ids)
                picture = out["data"].get("image/png")
                alt = html.escape(t("Figure"))
                out["data"] = {"text/html": f'<img src="data:image/png;base64,{picture}" '
                                            f'alt="{alt}">'} \
                    if picture else {"text/plain": ""}
                outputs.append(_note(t("An interactive widget: run the notebook to use it.")))
                counts["as a line"] += 1
            elif controls := [m for m in ids if "disabled" in state[m]["state"]]:
                for mid in controls:
                    state[mid]["state"]["disabled"] = True
                outputs.append(_note(
                    t("Point at the grid to explore it; run the notebook to move the controls.")
                    if "anywidget" in modules else t("Run the notebook to use the controls.")))
                counts["live, controls disabled"] += 1
            if WIDGET_VIEW in out["data"]:
                shown.update(ids)
        if "outputs" in cell:
            cell["outputs"] = outputs
    # The replaced widgets' state (an explorer's PNG, again) is not needed by the page any more.
    for mid in replaced - shown:
        del state[mid]
    if not state and "widgets" in nb.metadata:
        del nb.metadata["widgets"]  # then the page loads no widget renderer at all
    return counts


def _widget_modules(nb) -> set[str]:
    """The third-party widget modules (e.g. anywidget, ipycanvas) the saved state needs."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    names = {m.get(key) for m in state.values() for key in ("model_module", "view_module")}
    return {n for n in names if n} - BUILTIN_WIDGET_MODULES


def _module_file(name: str) -> Path | None:
    """A widget package's AMD bundle, as it installs it for the classic notebook (the same
    version that wrote the saved state)."""
    from jupyter_core.paths import jupyter_path

    for base in jupyter_path("nbextensions"):
        candidate = Path(base) / name / "index.js"
        if candidate.is_file():
            return candidate
    return None


def copy_assets(out_dir: Path) -> None:
    """Copy the vendored scripts into ``out_dir/_static``, once for the whole site."""
    # axe-core is the tests' accessibility checker (tools/a11y.py), not for the pages.
    shutil.copytree(SITE_ASSETS, out_dir / STATIC, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("axe-core"))


def copy_static(out_dir: Path, modules: set[str]) -> dict[str, str]:
    """Copy a page's widget modules into ``out_dir/_static``; return the require.js paths of
    the modules found."""
    paths = {}
    for name in sorted(modules):
        source = _module_file(name)
        if source is None:
            print(f"  widget module {name!r} not installed", file=sys.stderr)
            continue
        target = out_dir / STATIC / "widgets" / name / "index.js"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        paths[name] = f"{STATIC}/widgets/{name}/index"
    return paths


def exporter(lang: str = "en"):
    """nbconvert's lab template, with every script from ``_static/`` (nothing from a CDN), for a
    page in ``lang`` (``<html lang>``, which screen readers speak by)."""
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="cnn_site", extra_template_basedirs=[str(SITE_TEMPLATES)],
                        language_code=lang,
                        require_js_url=f"{STATIC}/requirejs/require.js",
                        mathjax_url=f"{STATIC}/mathjax/tex-svg-full.js",
                        widget_renderer_url=f"{STATIC}/html-manager/embed-amd.js")


def build_one(path: Path, out_dir: Path, timeout: int) -> tuple[float, int, dict[str, int]]:
    """Execute one notebook and write its HTML; return (seconds, number of error outputs, what
    became of its widgets)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    start = time.monotonic()
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            store_widget_state=True, extra_arguments=[FIGURE_ALT],
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    seconds = time.monotonic() - start
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    # The notes a page adds are in the page's language (the Chinese edition sits in zh/).
    set_language("zh" if path.parent.name == "zh" else "en")
    try:
        _figure_alts(nb)
        widgets = _prepare_widgets(nb, {m for m in _widget_modules(nb) if _module_file(m)})
    finally:
        set_language("en")
    paths = copy_static(out_dir, _widget_modules(nb))  # what the page still needs
    body, _ = exporter("zh" if path.parent.name == "zh" else "en").from_notebook_node(
        nb, resources={"metadata": {"name": path.stem}, "widget_module_paths": paths})
    prefix = "zh_" if path.parent.name == "zh" else ""  # the Chinese edition, beside the English
    target = out_dir / f"{prefix}{path.stem}.html"
    target.write_text(_relink(body, zh=bool(prefix)), encoding="utf-8")
    if path.name.startswith("00_") and not prefix:
        (out_dir / "index.html").write_text(_relink(body), encoding="utf-8")
    return seconds, len(errors), widgets


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("only", nargs="*", help="notebook numbers (e.g. 02 03); default: all")
    parser.add_argument("--quick", action="store_true",
                        help="quick mode (small data, few training steps), as the tests run")
    parser.add_argument("--out", type=Path, default=OUT, help="output folder")
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS, help="folder of notebooks")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per cell at most")
    parser.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1),
                        help="notebooks executed at once, each in its own kernel "
                             "(default: one per core, up to 4)")
    args = parser.parse_args(argv)
    quick = args.quick or os.environ.get("CNNLIB_QUICK", "0") not in ("", "0")
    # The kernels inherit this environment.
    os.environ["CNNLIB_QUICK"] = "1" if quick else "0"
    os.environ.pop("MPLBACKEND", None)  # the inline backend draws the figures
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow's start-up chatter
    paths = sorted(p for p in [*args.notebooks.glob("[0-9][0-9]_*.ipynb"),
                               *args.notebooks.glob("zh/[0-9][0-9]_*.ipynb")]
                   if not args.only or p.name[:2] in args.only)
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"Executing {len(paths)} notebook(s) in {'quick' if quick else 'full'} mode "
          f"into {args.out}", flush=True)
    if args.jobs < 1:
        parser.error(f"--jobs must be 1 or more, got {args.jobs}")
    failed, start = [], time.monotonic()
    copy_assets(args.out)
    # Each page is built in its own process (the catalogue's language is per process); the
    # kernels mostly wait on one core each, so two pages at once take little more than one.
    with ProcessPoolExecutor(max_workers=min(args.jobs, len(paths) or 1)) as pool:
        built = [pool.submit(build_one, path, args.out, args.timeout) for path in paths]
        results = [job.result() for job in built]
    for path, (seconds, errors, widgets) in zip(paths, results):
        note = "".join(f", {n} widget(s) {kind}" for kind, n in widgets.items() if n)
        note += f", {errors} error output(s)" if errors else ""
        print(f"{path.relative_to(args.notebooks).as_posix()}: {seconds:.0f} s{note}", flush=True)
        if errors:
            failed.append(path.name)
    if failed:
        print("errors in: " + ", ".join(failed), file=sys.stderr)
        return 1
    size = sum(f.stat().st_size for f in args.out.rglob("*") if f.is_file())
    static = sum(f.stat().st_size for f in (args.out / STATIC).rglob("*") if f.is_file())
    print(f"{size / 1e6:.1f} MB ({static / 1e6:.1f} MB of it scripts in {STATIC}/), "
          f"built in {time.monotonic() - start:.0f} s")
    print(f"open {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
