"""Run in each kernel of the site build (``--IPKernelApp.exec_files``): every matplotlib figure is
displayed with its text alternative, ``cnnlib.plots.figure_alt`` (an ``<img>`` with an ``alt``
made of the figure's titles as ``text/html``, the titles as the PNG's ``alt`` metadata).
``cnnlib.setup()`` installs the same in JupyterLab; this covers a notebook that never calls it.
``tools/build_html.py`` gives any other picture its alt.
"""

from cnnlib.plots.figure_alt import install as _cnn_install_figure_alt

_cnn_install_figure_alt()
del _cnn_install_figure_alt
