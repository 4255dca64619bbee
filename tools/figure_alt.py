"""Run in each kernel of the site build (``--IPKernelApp.exec_files``): every matplotlib figure's
PNG output carries an ``alt`` in its metadata, made of the figure's own titles (its suptitle and
each axes' titles, or its axis labels when no title is set), which the notebooks already write in
the learner's language. ``tools/build_html.py`` writes it as the image's ``alt``.

The inline backend registers its PNG formatter when pyplot is first imported (and again when the
backend is re-selected), so the formatter is wrapped before and after each cell, whenever it is
not ours; the figures are displayed after the cell, by the backend's own post_execute callback,
which runs after this one.
"""


def _cnn_install_figure_alt():
    import re

    from IPython import get_ipython

    shell = get_ipython()
    png = shell.display_formatter.formatters["image/png"]

    def text(s):
        # mathtext "$k$" reads as "k"; a title over two lines as one
        return " ".join(re.sub(r"\$|\\mathrm|\\", "", s or "").split())

    def titles(fig):
        parts = [text(fig.get_suptitle())]
        for ax in fig.axes:
            parts += [text(ax.get_title(loc)) for loc in ("left", "center", "right")]
        if not any(parts):
            for ax in fig.axes:
                parts += [text(ax.get_xlabel()), text(ax.get_ylabel())]
        seen = []
        for p in parts:
            if p and p not in seen:
                seen.append(p)
        return "; ".join(seen)

    def wrap(*_):
        from matplotlib.figure import Figure

        try:
            inner = png.lookup_by_type(Figure)
        except KeyError:
            return
        if getattr(inner, "_cnn_alt", False):
            return

        def with_alt(fig):
            data = inner(fig)
            alt = titles(fig)
            return (data, {"alt": alt}) if data is not None and alt else data

        with_alt._cnn_alt = True
        png.for_type(Figure, with_alt)

    def wrap_if_loaded(*_):
        import sys

        if "matplotlib.figure" in sys.modules:
            wrap()

    shell.events.register("pre_execute", wrap_if_loaded)
    shell.events.register("post_execute", wrap_if_loaded)


_cnn_install_figure_alt()
del _cnn_install_figure_alt
