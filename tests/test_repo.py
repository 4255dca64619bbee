"""Repository hygiene: notebooks stored without outputs, navigation and contents up to date."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS and NOTEBOOKS[0].name == "00_index.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stripped(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert "widgets" not in nb["metadata"], "widget state is committed"
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"cell {i} has outputs"
            assert cell.get("execution_count") is None, f"cell {i} has an execution count"
    assert nb["metadata"].get("kernelspec", {}).get("name") == "python3"


def test_nbstripout_agrees():
    # An independent check with the tool the pre-commit hook uses.
    if not NOTEBOOKS:
        pytest.fail("no notebooks")
    result = subprocess.run([sys.executable, "-m", "nbstripout", "--verify", *map(str, NOTEBOOKS)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _nav_links(cell_source):
    return re.findall(r"\]\(([^)]+\.ipynb)\)", cell_source)


@pytest.mark.parametrize("i", range(len(NOTEBOOKS)), ids=[p.name for p in NOTEBOOKS])
def test_navigation_points_to_neighbours(i):
    nb = json.loads(NOTEBOOKS[i].read_text(encoding="utf-8"))
    sources = ["".join(c["source"]) for c in nb["cells"]]
    navs = [s for s in sources if s.startswith("<!--NAVIGATION-->")]
    assert len(navs) == 2, "navigation at top and bottom"
    assert sources[-1] == navs[0], "navigation is the last cell"
    expected = ([NOTEBOOKS[i - 1].name] if i > 0 else []) + ["00_index.ipynb"]
    expected += [NOTEBOOKS[i + 1].name] if i + 1 < len(NOTEBOOKS) else []
    assert _nav_links(navs[0]) == expected


def test_index_and_readme_list_every_notebook():
    index = json.loads(NOTEBOOKS[0].read_text(encoding="utf-8"))
    index_text = "".join("".join(c["source"]) for c in index["cells"])
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS[1:]:
        assert f"]({path.name})" in index_text, f"{path.name} missing from 00_index"
        assert f"](notebooks/{path.name})" in readme, f"{path.name} missing from README"


def test_ops_imports_no_tensorflow():
    code = "import cnnlib, cnnlib.core.ops, cnnlib.plots, cnnlib.widgets, sys; print('tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
