"""Plain matplotlib figures carry a text alternative in JupyterLab (issue 30): in a real kernel
with the inline backend, ``cnnlib.setup()`` gives every figure a ``text/html`` ``<img>`` whose
alt is the figure's own titles, in the learner's language, beside its PNG. The browser side
(axe finds no image without alt in our outputs) is tests/browser/test_notebooks.py."""

from __future__ import annotations

import base64
import html
import re

import pytest
from nbformat.v4 import new_code_cell, new_notebook

IMG = re.compile(r'^<img src="data:image/png;base64,([A-Za-z0-9+/=\n]+)" alt="([^"]*)">$')


@pytest.fixture(scope="module")
def outputs():
    """Each cell's figure outputs, from one kernel run of six figures (the inline backend)."""
    import os

    from nbclient import NotebookClient

    code = [
        "import cnnlib, matplotlib.pyplot as plt\ncnnlib.setup()\n"
        "fig, (a, b) = plt.subplots(1, 2)\nfig.suptitle('Pooling')\n"
        "a.set_title('input $x$'); b.set_title('max pool 2×2')",
        "fig, ax = plt.subplots()\nax.set_title('the \"edge\" <kernel> & more')",
        "fig, ax = plt.subplots()\nax.imshow([[0, 1], [1, 0]]); ax.axis('off')",
        "fig, ax = plt.subplots()\nax.set_xlabel('epoch'); ax.set_ylabel('loss')",
        "cnnlib.setup(lang='zh')\nfig, ax = plt.subplots()\nax.set_title('卷积核与步长')",
        "fig, ax = plt.subplots()\nax.plot([0, 1])",
    ]
    nb = new_notebook(cells=[new_code_cell(c) for c in code])
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # the inline backend
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="python3")
    km.start_kernel(env=env)
    try:
        NotebookClient(nb, km=km, timeout=120).execute()
    finally:
        km.shutdown_kernel(now=True)
    return [[o for o in c.outputs if "image/png" in o.get("data", {})] for c in nb.cells]


def _alt(out) -> str:
    m = IMG.match(out["data"]["text/html"])
    assert m, out["data"]["text/html"][:120]
    # the HTML's picture is the PNG output's picture: one drawing, two forms
    assert m.group(1) == out["data"]["image/png"].strip()
    assert base64.b64decode(m.group(1))[:8] == b"\x89PNG\r\n\x1a\n"
    return html.unescape(m.group(2))


def test_every_figure_has_an_html_picture_with_alt(outputs):
    assert [len(figs) for figs in outputs] == [1] * 6, "one figure output per cell"
    for (out,) in outputs:
        assert {"text/html", "image/png", "text/plain"} <= set(out["data"])


def test_titles_make_the_alt(outputs):
    # suptitle then the axes' titles, mathtext unwrapped
    assert _alt(outputs[0][0]) == "Figure: Pooling; input x; max pool 2×2"
    assert outputs[0][0]["metadata"]["image/png"]["alt"] == "Pooling; input x; max pool 2×2"
    # untitled axes: their labels
    assert _alt(outputs[3][0]) == "Figure: epoch; loss"


def test_quotes_and_angle_brackets_are_escaped(outputs):
    raw = outputs[1][0]["data"]["text/html"]
    assert 'alt="Figure: the &quot;edge&quot; &lt;kernel&gt; &amp; more"' in raw
    assert _alt(outputs[1][0]) == 'Figure: the "edge" <kernel> & more'


def test_no_title_gives_a_sentence_in_the_learners_language(outputs):
    assert _alt(outputs[2][0]) == "A figure; the text beside it says what it shows."
    assert "alt" not in outputs[2][0]["metadata"].get("image/png", {})
    assert _alt(outputs[5][0]) == "一张图，旁边的文字说明了它画的是什么。"


def test_chinese_titles_give_a_chinese_alt(outputs):
    assert _alt(outputs[4][0]) == "图：卷积核与步长"


def test_outside_ipython_nothing_is_installed():
    from cnnlib.plots import figure_alt

    assert figure_alt.install() is False
    assert not figure_alt.inline_backend()  # the unit tests draw with Agg
