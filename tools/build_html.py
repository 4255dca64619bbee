"""A static HTML copy of the series, executed, for reading without running anything.

    make html                          # full size (as a learner runs it) -> build/html/
    python -m tools.build_html --quick # quick mode (CNNLIB_QUICK=1): small data, few steps
    python -m tools.build_html 02 03   # only these notebooks

Each notebook is executed top to bottom in a fresh kernel, in ``notebooks/`` (so relative paths
work as in JupyterLab), and written as ``build/html/NN_slug.html``; ``index.html`` is the
contents notebook. Links between notebooks point to the HTML pages. Each explorer becomes a
static picture of its first draw (a grid explorer: tables of its numbers at the first step),
with its info line and its control values written out, so the pages read fine offline; other widgets (progress bars, the digit canvas) keep their saved state,
which the page draws with the widget renderer from a CDN when online. Nothing is written into
``notebooks/``.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
OUT = ROOT / "build" / "html"


def _relink(html: str) -> str:
    """href="NN_slug.ipynb" (and #anchors) -> href="NN_slug.html"."""
    return re.sub(r'href="(\d\d_[^"/]+?)\.ipynb(#[^"]*)?"',
                  lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', html)


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
    title, controls, info, png = "", [], "", None

    def walk(mid: str) -> None:
        nonlocal title, info, png
        model = state.get(mid)
        if model is None:
            return
        st, classes = model["state"], model["state"].get("_dom_classes") or []
        if "cnn-explorer-figure" in classes:
            png = next((b["data"] for b in model.get("buffers", []) if b["path"] == ["value"]),
                       None)
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
    return (f'<div class="cnn-static-explorer">{title}'
            f'<div style="color:#555">{" · ".join(controls)}</div><div>{info}</div>'
            f'<img src="data:image/png;base64,{png}" alt="explorer picture">'
            '<div style="color:#777;font-size:90%"><i>A picture of the explorer at its first '
            "draw: run the notebook to move the controls.</i></div></div>")


def _num(v, digits: int) -> str:
    """As grid.js writes a number: no trailing zeros, a real minus sign."""
    text = f"{v:.{digits}f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))
    return "0" if text == "-0" else text.replace("-", "\u2212")


def _grid_table(values, digits, style_of) -> str:
    cells = "".join(
        "<tr>" + "".join(f'<td style="border:1px solid #bbb;padding:2px 6px;text-align:center;'
                         f'min-width:1.6em;{style_of(r, c)}">{_num(v, digits)}</td>'
                         for c, v in enumerate(row)) + "</tr>"
        for r, row in enumerate(values))
    return f'<table style="border-collapse:collapse;font-family:monospace">{cells}</table>'


def _static_grid(model_id: str, state: dict) -> str | None:
    """The HTML of a grid explorer (``cnn-grid-explorer``, drawn in the browser by grid.js) at
    its first step: input with the window shaded, kernel, output, and the sum written out."""
    root = state.get(model_id)
    if root is None or "cnn-grid-explorer" not in (root["state"].get("_dom_classes") or []):
        return None
    title, controls, info, data = "", [], "", None

    def walk(mid: str) -> None:
        nonlocal title, info, data
        model = state.get(mid)
        if model is None:
            return
        st, classes = model["state"], model["state"].get("_dom_classes") or []
        if isinstance(st.get("data"), dict) and "input" in st["data"]:
            data = st["data"]
        elif "cnn-grid-info" in classes:
            info = st.get("value", "")
        elif model["model_name"] == "HTMLModel" and not title and st.get("value", "").startswith(
                "<b>"):
            title = st["value"]
        elif (text := _control_text(model)) is not None:
            controls.append(text)
        for child in st.get("children", []):
            walk(child.removeprefix("IPY_MODEL_"))

    walk(model_id)
    if data is None or not data["tap_rows"]:
        return None
    k, digits = 0, data["digits"]  # the first step, as the grid first shows it
    taps = set(zip(data["tap_rows"][k], data["tap_cols"][k]))
    pad = data["pad"]

    def input_style(r, c):
        if (r, c) in taps:
            return "background:#a3d3ee;font-weight:bold"
        return "background:#e4e4e4;color:#666" if pad[r][c] else ""

    panels = [("input", _grid_table(data["input"], digits, input_style))]
    if data["kernel"]:
        panels.append(("kernel", _grid_table(data["kernel"], digits,
                                             lambda r, c: "background:#f8e3b3")))
    lines = []
    for out in data["outputs"]:
        panels.append((out["name"], _grid_table(out["values"], digits, lambda r, c: (
            "background:#f0c75e;font-weight:bold" if (r, c) == (0, 0) else ""))))
        terms = [_num(v, digits) for v in data["terms"][k]]
        value = _num(out["values"][0][0], digits)
        op = {"max": f"max({', '.join(terms)})", "avg": f"({' + '.join(terms)}) / {len(terms)}"}
        short = {"sum": "output", "max": "max", "avg": "average"}.get(out["op"], out["name"])
        lines.append(f"{html.escape(short)}[0, 0] = "
                     f"{html.escape(op.get(out['op'], ' + '.join(terms)))} = {value}")
    figure = "".join(f'<div style="display:inline-block;vertical-align:top;margin:0 18px 8px 0">'
                     f"<div>{html.escape(name)}</div>{table}</div>" for name, table in panels)
    return (f'<div class="cnn-static-explorer">{title}'
            f'<div style="color:#555">{" · ".join(controls)}</div><div>{info}</div>'
            f'<div>{figure}</div><div style="font-family:monospace">{"<br>".join(lines)}</div>'
            '<div style="color:#777;font-size:90%"><i>The grid at its first step: run the '
            "notebook to point at cells and step the window.</i></div></div>")


def _freeze_explorers(nb) -> int:
    """Replace each explorer's widget output by its static HTML; return how many."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    count = 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get(WIDGET_VIEW)
            static = view and (_static_explorer(view["model_id"], state)
                               or _static_grid(view["model_id"], state))
            if static:
                out["data"] = {"text/html": static}
                count += 1
    return count


def build_one(path: Path, out_dir: Path, timeout: int) -> tuple[float, int]:
    """Execute one notebook and write its HTML; return (seconds, number of error outputs)."""
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    nb = nbformat.read(path, as_version=4)
    start = time.monotonic()
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            store_widget_state=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    seconds = time.monotonic() - start
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    _freeze_explorers(nb)
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(
        nb, resources={"metadata": {"name": path.stem}})
    target = out_dir / f"{path.stem}.html"
    target.write_text(_relink(body), encoding="utf-8")
    if path.name.startswith("00_"):
        (out_dir / "index.html").write_text(_relink(body), encoding="utf-8")
    return seconds, len(errors)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("only", nargs="*", help="notebook numbers (e.g. 02 03); default: all")
    parser.add_argument("--quick", action="store_true",
                        help="quick mode (small data, few training steps), as the tests run")
    parser.add_argument("--out", type=Path, default=OUT, help="output folder")
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS, help="folder of notebooks")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per cell at most")
    args = parser.parse_args(argv)
    quick = args.quick or os.environ.get("CNNLIB_QUICK", "0") not in ("", "0")
    # The kernels inherit this environment.
    os.environ["CNNLIB_QUICK"] = "1" if quick else "0"
    os.environ.pop("MPLBACKEND", None)  # the inline backend draws the figures
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow's start-up chatter
    paths = sorted(p for p in args.notebooks.glob("[0-9][0-9]_*.ipynb")
                   if not args.only or p.name[:2] in args.only)
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"Executing {len(paths)} notebook(s) in {'quick' if quick else 'full'} mode "
          f"into {args.out}", flush=True)
    failed = []
    for path in paths:
        seconds, errors = build_one(path, args.out, args.timeout)
        note = f", {errors} error output(s)" if errors else ""
        print(f"{path.name}: {seconds:.0f} s{note}", flush=True)
        if errors:
            failed.append(path.name)
    if failed:
        print("errors in: " + ", ".join(failed), file=sys.stderr)
        return 1
    print(f"open {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
