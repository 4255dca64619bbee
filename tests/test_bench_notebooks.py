"""`python -m bench notebooks`: which notebooks it runs, and that its figures are the kernel's.

One real kernel runs a small notebook that holds 300 MB for a moment and then frees it: the peak
(VmHWM) must keep it, as the kernel's own getrusage says, and the kernel must run as a learner's
does (no quick mode, inline figures). A failing cell is reported, not hidden.
"""

from __future__ import annotations

import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from bench import notebooks as bench

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc (Linux)")


def test_every_numbered_notebook_of_the_chosen_edition_is_run(tmp_path, monkeypatch):
    for name in ["00_index", "01_a", "09_new", "zh/01_a", "zh/09_new", "scratch"]:
        (tmp_path / f"{name}.ipynb").parent.mkdir(exist_ok=True)
        (tmp_path / f"{name}.ipynb").write_text("{}")
    monkeypatch.setattr(bench, "NOTEBOOKS", tmp_path)
    names = lambda paths: [p.relative_to(tmp_path).as_posix() for p in paths]  # noqa: E731
    assert names(bench.find()) == ["00_index.ipynb", "01_a.ipynb", "09_new.ipynb"]
    assert names(bench.find("zh")) == ["zh/01_a.ipynb", "zh/09_new.ipynb"]
    assert len(bench.find("both")) == 5
    assert names(bench.find("both", ["09"])) == ["09_new.ipynb", "zh/09_new.ipynb"]
    with pytest.raises(ValueError, match="lang"):
        bench.find("fr")


def test_the_peak_is_the_kernels_and_a_failing_cell_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNLIB_QUICK", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = new_notebook(cells=[
        new_markdown_cell("A notebook that holds 300 MB for a moment."),
        new_code_cell("import os, resource\nimport matplotlib\nimport numpy as np\n"
                      "assert 'CNNLIB_QUICK' not in os.environ\n"
                      "assert 'inline' in matplotlib.get_backend()"),
        new_code_cell("x = np.ones(300_000_000 // 8)\ndel x"),
        # the kernel's own account of its peak, in kB (VmHWM: getrusage's ru_maxrss can carry
        # the peak of the process that forked the kernel, a large pytest worker, across exec)
        new_code_cell("open('rusage.txt', 'w').write(next(l.split()[1] for l in "
                      "open('/proc/self/status') if l.startswith('VmHWM')))"),
        new_code_cell("raise ValueError('planted')"),
        new_code_cell("open('never.txt', 'w')"),
    ])
    path = tmp_path / "01_memory.ipynb"
    nbformat.write(nb, path)
    result = bench.run_notebook(path, timeout=120)
    own = int((tmp_path / "rusage.txt").read_text()) * 1024 / 1e6
    assert result["peak"] >= 300 and abs(result["peak"] - own) < 10, (result, own)
    assert result["error"].startswith("cell 4: ValueError: planted"), result["error"]
    assert not (tmp_path / "never.txt").exists()  # the run stops at the failing cell
    assert 0 < result["cpu"] and 0 < result["wall"]
