"""What the static site build does with each kind of widget output, on hand-made saved state
(no kernel, no browser: tests/browser/test_site.py checks the pages themselves)."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from tools import build_html
from tools.build_html import WIDGET_STATE, WIDGET_VIEW

CONTROLS = {"model_module": "@jupyter-widgets/controls", "view_module": "@jupyter-widgets/controls"}


def _model(name: str, module: dict | None = None, **state) -> dict:
    return {**(module or CONTROLS), "model_name": name, "state": state}


def _notebook(state: dict, *roots: str, png: str | None = None):
    outputs = []
    for root in roots:
        data = {WIDGET_VIEW: {"model_id": root, "version_major": 2, "version_minor": 0},
                "text/plain": "widget"}
        if png:
            data["image/png"] = png
        outputs.append(new_output("display_data", data=data))
    nb = new_notebook(cells=[new_code_cell("x", outputs=outputs)])
    nb.metadata["widgets"] = {WIDGET_STATE: {"state": state, "version_major": 2,
                                             "version_minor": 0}}
    return nbformat.from_dict(nb)


ANYWIDGET = {"model_module": "anywidget", "view_module": "anywidget"}
GRID_EXPLORER = {
    "box": _model("VBoxModel", children=["IPY_MODEL_slider", "IPY_MODEL_grid"],
                  layout="IPY_MODEL_layout"),
    "slider": _model("IntSliderModel", description="kernel k", value=3, disabled=False),
    "grid": _model("AnyModel", ANYWIDGET, _esm="export default {render() {}}", data={}),
    "layout": _model("LayoutModel", {"model_module": "@jupyter-widgets/base",
                                     "view_module": "@jupyter-widgets/base"}),
}


def test_subtree_follows_children_and_layout():
    assert sorted(build_html._subtree("box", GRID_EXPLORER)) == ["box", "grid", "layout",
                                                                 "slider"]
    assert build_html._subtree("missing", GRID_EXPLORER) == []


def test_a_grid_explorer_stays_live_with_its_controls_disabled():
    nb = _notebook(GRID_EXPLORER, "box")
    counts = build_html._prepare_widgets(nb, bundled={"anywidget"})
    assert counts == {"as pictures": 0, "as a line": 0, "live, controls disabled": 1}
    state = nb.metadata["widgets"][WIDGET_STATE]["state"]
    assert state["slider"]["state"]["disabled"] is True
    view, note = nb.cells[0].outputs
    assert WIDGET_VIEW in view["data"]  # still drawn by the widget renderer
    assert "move the controls" in note["data"]["text/html"]


def test_a_chinese_page_gets_its_notes_in_chinese():
    from cnnlib.text.locale import set_language

    nb = _notebook(GRID_EXPLORER, "box")
    set_language("zh")
    try:
        build_html._prepare_widgets(nb, bundled={"anywidget"})
    finally:
        set_language("en")
    note = nb.cells[0].outputs[1]["data"]["text/html"]
    assert "运行笔记本" in note and "move the controls" not in note


def test_a_widget_whose_code_is_not_bundled_becomes_a_line():
    nb = _notebook(GRID_EXPLORER, "box", png="iVBORw0KGgo=")
    counts = build_html._prepare_widgets(nb, bundled=set())
    assert counts["as a line"] == 1 and counts["live, controls disabled"] == 0
    picture, note = nb.cells[0].outputs
    assert picture["data"] == {
        "text/html": '<img src="data:image/png;base64,iVBORw0KGgo=" alt="Figure">'}
    assert "run the notebook" in note["data"]["text/html"]
    assert "widgets" not in nb.metadata  # nothing left for the widget renderer


def test_a_matplotlib_explorer_becomes_its_picture():
    state = {
        "root": _model("VBoxModel", _dom_classes=["cnn-explorer"],
                       children=["IPY_MODEL_title", "IPY_MODEL_stride", "IPY_MODEL_fig"]),
        "title": _model("HTMLModel", value="<b>Stride</b>"),
        "stride": _model("IntSliderModel", description="stride", value=2, disabled=False),
        "fig": {**_model("ImageModel", _dom_classes=["cnn-explorer-figure"]),
                "buffers": [{"path": ["value"], "data": "QUJD", "encoding": "base64"}]},
    }
    nb = _notebook(state, "root")
    assert build_html._prepare_widgets(nb, bundled=set())["as pictures"] == 1
    (out,) = nb.cells[0].outputs
    html = out["data"]["text/html"]
    assert "<b>Stride</b>" in html and "stride = 2" in html and "base64,QUJD" in html
    # its saved state goes (the picture is in the page once), and with it the widget renderer
    assert "widgets" not in nb.metadata


def test_a_progress_bar_is_left_alone():
    state = {"bar": _model("FloatProgressModel", value=1.0, max=1.0)}
    nb = _notebook(state, "bar")
    assert sum(build_html._prepare_widgets(nb, bundled=set()).values()) == 0
    assert len(nb.cells[0].outputs) == 1
    assert list(nb.metadata["widgets"][WIDGET_STATE]["state"]) == ["bar"]


def test_links_between_notebooks_and_editions_point_to_pages():
    html = ('<a href="02_kernels_and_stride.ipynb#x">a</a> <a href="zh/02_kernels_and_stride.ipynb">'
            'b</a> <a href="../03_padding.ipynb">c</a> <a href="https://x.org/y.ipynb">d</a>')
    assert build_html._relink(html) == (
        '<a href="02_kernels_and_stride.html#x">a</a> <a href="zh_02_kernels_and_stride.html">'
        'b</a> <a href="03_padding.html">c</a> <a href="https://x.org/y.ipynb">d</a>')
    # on a Chinese page: its neighbours and its contents are Chinese pages, "../" the English ones
    zh_page = ('<a href="00_index.ipynb">目录</a> <a href="../02_kernels_and_stride.ipynb">English</a>'
               ' <a href="03_padding.ipynb#x">下一节</a>')
    assert build_html._relink(zh_page, zh=True) == (
        '<a href="zh_00_index.html">目录</a> <a href="02_kernels_and_stride.html">English</a>'
        ' <a href="zh_03_padding.html#x">下一节</a>')


def _figure(alt: str | None):
    out = new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"},
                     metadata={"image/png": {"alt": alt}} if alt is not None else {})
    return nbformat.from_dict(new_notebook(cells=[new_code_cell("x", outputs=[out])]))


def test_a_figure_is_named_by_its_titles_in_the_page_language():
    """The titles the kernel recorded (cnnlib.plots.figure_alt) become the image's alt, in the page's
    language, and nbconvert's English placeholder never appears."""
    import re

    from cnnlib.text.locale import set_language

    pages = {}
    for lang, alt in (("en", "Stride 2; 5×5 input"), ("zh", "步幅 2"), ("en", None)):
        nb = _figure(alt)
        set_language(lang)
        try:
            build_html._figure_alts(nb)
        finally:
            set_language("en")
        body, _ = build_html.exporter(lang).from_notebook_node(nb)
        pages[(lang, alt)] = body
        assert f'<html lang="{lang}">' in body
        assert "No description" not in body
    alts = {k: re.findall(r'<img [^>]*alt="([^"]*)"', v) for k, v in
            pages.items()}
    assert alts[("en", "Stride 2; 5×5 input")] == ["Figure: Stride 2; 5×5 input"]
    assert alts[("zh", "步幅 2")] == ["图：步幅 2"]
    assert alts[("en", None)] == ["A figure; the text beside it says what it shows."]


def test_the_kernel_records_a_figures_titles(monkeypatch):
    """tools/figure_alt.py, run in a real kernel as the build runs it, puts the suptitle and the
    axes' titles (mathtext unwrapped) into the PNG output's metadata, and an <img> with them as
    its alt into its text/html form; untitled axes give their labels."""
    import re

    from nbclient import NotebookClient

    code = ["import matplotlib.pyplot as plt\n"
            "fig, (a, b) = plt.subplots(1, 2)\nfig.suptitle('Pooling')\n"
            "a.set_title('input $x$'); b.set_title('max pool 2×2')",
            "fig, ax = plt.subplots()\nax.set_xlabel('epoch'); ax.set_ylabel('loss')"]
    nb = new_notebook(cells=[new_code_cell(c) for c in code])
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the inline backend, as the build has it
    NotebookClient(nb, timeout=60, kernel_name="python3",
                   extra_arguments=[build_html.FIGURE_ALT]).execute()
    figures = [o for c in nb.cells for o in c.outputs if "image/png" in o.get("data", {})]
    alts = [o["metadata"]["image/png"]["alt"] for o in figures]
    assert alts == ["Pooling; input x; max pool 2×2", "epoch; loss"]
    # the page shows the figure's text/html form: the same picture, with its alt
    html_alts = [re.findall(r'^<img src="data:image/png;base64,[^"]+" alt="([^"]*)">$',
                            o["data"]["text/html"]) for o in figures]
    assert html_alts == [["Figure: Pooling; input x; max pool 2×2"], ["Figure: epoch; loss"]]
