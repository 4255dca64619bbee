"""Every matplotlib figure shown inline says what it shows (WCAG 1.1.1, issue 30).

JupyterLab draws an ``image/png`` output as ``<img src="data:...">`` with no ``alt`` (its image
renderer ignores the output's metadata), so each figure would be a nameless picture to a screen
reader. ``install()`` (called by ``cnnlib.setup()`` in IPython with the inline backend) gives each
figure's display a ``text/html`` form too, ``<img src="data:image/png;base64,..." alt="...">``,
which JupyterLab prefers to the PNG; the PNG stays, for other front-ends, with the figure's
titles as its ``alt`` metadata (the static site's build reads it: tools/build_html.py).

The text alternative is made of the figure's own titles (its suptitle and each axes' titles, or
its axis labels when no title is set), which the notebooks write in the learner's language; a
figure with none gets a short sentence that says the text beside it explains it.
"""

from __future__ import annotations

import base64
import html
import re
import sys

from cnnlib.text.i18n import t


def _text(s: str | None) -> str:
    # mathtext "$k$" reads as "k"; a title over two lines as one
    return " ".join(re.sub(r"\$|\\mathrm|\\", "", s or "").split())


def figure_titles(fig) -> str:
    """The figure's suptitle and its axes' titles, or (none set) its axis labels, "; "-joined,
    each once, in drawing order; "" when it has none."""
    parts = [_text(fig.get_suptitle())]
    for ax in fig.axes:
        parts += [_text(ax.get_title(loc)) for loc in ("left", "center", "right")]
    if not any(parts):
        for ax in fig.axes:
            parts += [_text(ax.get_xlabel()), _text(ax.get_ylabel())]
    seen: list[str] = []
    for p in parts:
        if p and p not in seen:
            seen.append(p)
    return t("; ").join(seen)


def alt_text(titles: str) -> str:
    """The text alternative for a picture with these ``titles`` ("" for none), in the learner's
    language: "Figure: <titles>", or a sentence saying the text beside it explains it."""
    if titles:
        return t("Figure: {titles}", titles=titles)
    return t("A figure; the text beside it says what it shows.")


def img_html(png, alt: str, width=None, height=None) -> str:
    """``<img>`` of a PNG (bytes, or its base64 text) with ``alt`` escaped for an attribute."""
    if isinstance(png, bytes | bytearray):
        png = base64.b64encode(png).decode("ascii")
    size = "".join(f' {k}="{int(v)}"' for k, v in (("width", width), ("height", height)) if v)
    return f'<img src="data:image/png;base64,{png}" alt="{html.escape(alt, quote=True)}"{size}>'


def inline_backend() -> bool:
    """Whether matplotlib draws with IPython's inline backend (without choosing a backend)."""
    import matplotlib

    backend = matplotlib.rcParams._get_backend_or_none() or ""
    return "inline" in backend.lower()


def install(shell=None) -> bool:
    """Give every figure the IPython ``shell`` (default: the running one) displays an ``<img>``
    with its text alternative as ``text/html``, beside its PNG. Returns whether it is installed
    (False outside IPython). Safe to call again.

    The inline backend registers its PNG formatter when pyplot is imported and again whenever the
    backend is selected (dropping every other formatter for figures), so both are (re)wrapped
    before and after each cell. The figure is drawn once: the HTML formatter, which runs first,
    hands its PNG to the PNG formatter."""
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
        if shell is None:
            return False
    formatters = shell.display_formatter.formatters
    png, as_html_formatter = formatters["image/png"], formatters["text/html"]
    drawn: dict[int, object] = {}  # id(figure) -> the PNG its HTML form just drew

    def wrap(*_):
        if "matplotlib.figure" not in sys.modules:
            return
        from matplotlib.figure import Figure

        try:
            inner = png.lookup_by_type(Figure)
        except KeyError:
            return
        if getattr(inner, "_cnn_alt", False):
            inner = inner._cnn_inner
            if getattr(as_html_formatter.type_printers.get(Figure), "_cnn_alt", False):
                return

        def as_png(fig):
            data = drawn.pop(id(fig), None)
            data = inner(fig) if data is None else data
            titles = figure_titles(fig)
            if data is None or not titles:
                return data
            data, md = data if isinstance(data, tuple) else (data, {})
            return data, {**(md or {}), "alt": titles}

        def as_html(fig):
            data = inner(fig)
            drawn.clear()
            if data is None:
                return None
            drawn[id(fig)] = data
            picture, md = data if isinstance(data, tuple) else (data, {})
            md = md or {}
            return img_html(picture, alt_text(figure_titles(fig)), md.get("width"),
                            md.get("height"))

        for f in (as_png, as_html):
            f._cnn_alt, f._cnn_inner = True, inner
        png.for_type(Figure, as_png)
        as_html_formatter.for_type(Figure, as_html)

    if not getattr(shell, "_cnn_figure_alt", False):
        shell.events.register("pre_execute", wrap)
        shell.events.register("post_execute", wrap)
        shell._cnn_figure_alt = True
    wrap()
    return True
