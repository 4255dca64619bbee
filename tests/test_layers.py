"""The layers hold: import-linter's contracts (.importlinter) and the two AST rules of
tools/layer_rules.py pass on cnnlib, and each of them fails on a violation planted in a copy."""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tools import layer_rules

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = {
    "layers": "a package imports only the packages below it",
    "core": "the numpy core imports no matplotlib, widgets or TensorFlow",
    "plots": "plots import no widgets, TensorFlow or Keras",
    "numpy-explorers": "numpy explorers import nothing of the TensorFlow side",
    "keras-explorers": "only widgets.tf imports the Keras explorers",
    "answer-key": "the answer key imports nothing of the numpy core",
    "checkers": "the checkers import nothing of the TensorFlow side",
}


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """import-linter over the cnnlib found in ``root`` (first on the path), with its contracts."""
    try:
        import importlinter  # noqa: F401
    except ImportError:
        pytest.fail("import-linter is not installed: pip install -r requirements.txt")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(root), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]))
    code = "from importlinter.cli import lint_imports_command; lint_imports_command()"
    return subprocess.run([sys.executable, "-c", code, str(root / ".importlinter"),
                           "--no-cache", "--no-logo"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=300)


def test_import_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in CONTRACTS.values():
        assert f"{name} KEPT" in result.stdout


@pytest.mark.parametrize("broken, file, line", [
    # A core module reaching up: the old lazy import of tinycnn. It breaks the explorer of 05,
    # which uses tinycnn, too.
    ({"layers", "numpy-explorers"}, "core/tinycnn.py", "from cnnlib.tf import data"),
    ({"layers"}, "text/i18n.py", "from cnnlib.core import ops"),
    ({"layers"}, "tf/data.py", "from cnnlib.plots import common"),  # siblings are independent
    ({"core"}, "core/ops/conv.py", "import matplotlib.pyplot"),
    ({"plots"}, "plots/common.py", "import ipywidgets"),
    ({"layers", "plots"}, "plots/pooling.py", "from cnnlib.widgets import base"),
    ({"numpy-explorers"}, "widgets/conv.py", "from cnnlib.tf import models"),
    ({"numpy-explorers"}, "widgets/dense.py", "import tensorflow"),
    # Through widgets.tf, whose own arrows to the TensorFlow side are allowed: the protected
    # contract closes that door.
    ({"keras-explorers"}, "widgets/conv.py", "from cnnlib.widgets.tf import mnist"),
    ({"answer-key"}, "exercises/solutions.py", "from cnnlib.core import images"),
    ({"layers", "checkers"}, "exercises/checks/conv.py", "from cnnlib.tf import models"),
    ({"checkers"}, "exercises/checks/dense.py", "import keras"),
])
def test_each_contract_fails_on_a_planted_violation(tmp_path, broken, file, line):
    shutil.copytree(ROOT / "cnnlib", tmp_path / "cnnlib",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    target = tmp_path / "cnnlib" / file
    # Inside a function, as the TensorFlow imports are: lazy imports count too.
    target.write_text(target.read_text(encoding="utf-8")
                      + f"\n\ndef _planted():\n    {line}\n", encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    for key, name in CONTRACTS.items():
        assert f"{name} {'BROKEN' if key in broken else 'KEPT'}" in result.stdout, key


def test_a_new_module_is_covered_by_where_it_sits(tmp_path):
    # No list to extend: a module nobody named is held by its package's contracts.
    shutil.copytree(ROOT / "cnnlib", tmp_path / "cnnlib",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    (tmp_path / "cnnlib" / "core" / "brand_new.py").write_text(
        "def f():\n    import matplotlib.pyplot\n", encoding="utf-8")
    result = lint_imports(tmp_path)
    assert result.returncode == 1
    assert f"{CONTRACTS['core']} BROKEN" in result.stdout


def test_a_numpy_notebook_loads_nothing_of_the_tensorflow_side():
    # Import-linter reads the source; this is what a numpy notebook really loads.
    code = ("import sys; import cnnlib; cnnlib.setup(seed=0); from cnnlib import widgets; "
            "e = widgets.pooling_explorer(); e.controls['size'].value = 3; "
            "assert e.message.value == '', e.message.value; "
            "print(sorted(m for m in sys.modules if m.startswith(('cnnlib.tf', "
            "'cnnlib.widgets.tf', 'tensorflow', 'keras'))))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=300, env=dict(os.environ, MPLBACKEND="Agg"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
    # ...and a Keras explorer's name still reaches widgets.tf, on first use.
    code = "from cnnlib import widgets; widgets.grad_cam_explorer; import sys; " \
           "print('cnnlib.widgets.tf.interpret' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr


def test_no_module_takes_another_modules_private_names():
    assert layer_rules.private_imports() == []


def test_explorers_never_call_a_model():
    assert layer_rules.model_calls() == []


def _package(tmp_path, files: dict) -> Path:
    for name, text in files.items():
        path = tmp_path / "cnnlib" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def test_private_name_rule_fails_on_planted_violations(tmp_path):
    root = _package(tmp_path, {
        "__init__.py": "__version__ = '0'\n",
        "ops.py": "def _as_int(v):\n    return int(v)\n\n\ndef as_int(v):\n    return _as_int(v)\n",
        "plots/__init__.py": "",
        "plots/pixels.py": "def _outline(ax):\n    pass\n",
        "plots/conv.py": """\
            from cnnlib.plots.pixels import _outline
            from .pixels import _outline as outline2
            from cnnlib import ops, __version__
            from cnnlib.core.ops import as_int

            ops._as_int(3)
            ops.as_int(3)
            """,
    })
    found = layer_rules.private_imports(root)
    assert len(found) == 3, found
    assert [f.split(":")[1] for f in found] == ["1", "2", "6"]
    assert all(f.startswith(str(Path("cnnlib/plots/conv.py"))) for f in found)


def test_model_call_rule_fails_on_planted_violations(tmp_path):
    root = _package(tmp_path, {"widgets/bad.py": """\
        from cnnlib import interpret, models

        def render(model, x, explorer):
            model = interpret.default_model() if model is None else model
            ok = models.predict_probs(model, x)
            a = model(x, training=False)
            b = explorer.model.predict(x)
            c = keras_model(x)
            return ok, a, b, c
        """})
    found = layer_rules.model_calls(root)
    assert [f.split(":")[1] for f in found] == ["6", "7", "8"], found


def test_every_module_holds_one_concern():
    # About 500 lines at most: a longer module is doing several things. The catalogues are data.
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "cnnlib").rglob("*.py")
            if p.parent.name != "locale"
            and (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert long == {}


def test_the_top_level_keeps_only_setup_config_and_entry_points():
    assert sorted(p.name for p in (ROOT / "cnnlib").glob("*.py")) == [
        "__init__.py", "config.py", "train.py"]
    assert len((ROOT / "cnnlib" / "train.py").read_text(encoding="utf-8").splitlines()) <= 10
