"""cnnlib.config: environment switches that name a bad value, and where data and models live
(the checkout's data/, a per-user folder when installed, CNNLIB_DATA_DIR over both)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cnnlib import config, data
from cnnlib.tf import train

ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------------------------------------
# switches and numbers from the environment
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw, expected", [("1", True), ("true", True), (" Yes ", True),
                                           ("on", True), ("0", False), ("false", False),
                                           ("NO", False), ("off", False), ("", False)])
def test_env_flag_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("CNNLIB_OFFLINE", raw)
    assert config.env_flag("CNNLIB_OFFLINE") is expected


def test_env_flag_default_and_a_bad_value_named(monkeypatch):
    monkeypatch.delenv("CNNLIB_OFFLINE", raising=False)
    assert config.env_flag("CNNLIB_OFFLINE") is False
    assert config.env_flag("CNNLIB_OFFLINE", default=True) is True
    monkeypatch.setenv("CNNLIB_OFFLINE", "maybe")
    with pytest.raises(ValueError, match=r"CNNLIB_OFFLINE='maybe' is not a switch: use 1 .* 0"):
        config.env_flag("CNNLIB_OFFLINE")


@pytest.mark.parametrize("raw", ["abc", "0", "-5", "nan", "inf", "1e999"])
def test_env_float_refuses_what_is_not_a_positive_number(monkeypatch, raw):
    monkeypatch.setenv("CNNLIB_DOWNLOAD_TIMEOUT", raw)
    with pytest.raises(ValueError, match=rf"^CNNLIB_DOWNLOAD_TIMEOUT={raw} is not allowed: give "
                                         r"a number greater than 0, e\.g\. "
                                         r"CNNLIB_DOWNLOAD_TIMEOUT=120$"):
        config.env_float("CNNLIB_DOWNLOAD_TIMEOUT", 120)


def test_env_float_reads_a_number_or_falls_back(monkeypatch):
    monkeypatch.setenv("CNNLIB_DOWNLOAD_TIMEOUT", " 2.5 ")
    assert config.env_float("CNNLIB_DOWNLOAD_TIMEOUT", 120) == 2.5
    monkeypatch.setenv("CNNLIB_DOWNLOAD_TIMEOUT", "")
    assert config.env_float("CNNLIB_DOWNLOAD_TIMEOUT", 120) == 120.0
    monkeypatch.delenv("CNNLIB_DOWNLOAD_TIMEOUT")
    assert config.env_float("CNNLIB_DOWNLOAD_TIMEOUT", 120) == 120.0


def test_load_mnist_names_a_bad_download_timeout(monkeypatch):
    monkeypatch.setenv("CNNLIB_DOWNLOAD_TIMEOUT", "abc")
    monkeypatch.setattr(data, "_download", lambda *a, **k: pytest.fail("must not download"))
    with pytest.raises(ValueError, match="CNNLIB_DOWNLOAD_TIMEOUT=abc"):
        data.load_mnist(offline=False, paths=[], verbose=False)


def run(code: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items()
            if not k.startswith("CNNLIB_") and k != "XDG_DATA_HOME"}
    full.update(env)
    # `python -c` puts the working directory first on sys.path: cwd says which cnnlib is found.
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full,
                          cwd=cwd, timeout=120)


def test_quick_mode_is_read_once_and_reexported():
    code = "import cnnlib, cnnlib.config as c; print(cnnlib.QUICK, c.QUICK, cnnlib.quick(10, 1))"
    assert run(code, CNNLIB_QUICK="1").stdout.split() == ["True", "True", "1"]
    assert run(code, CNNLIB_QUICK="0").stdout.split() == ["False", "False", "10"]
    assert run(code).stdout.split() == ["False", "False", "10"]
    bad = run(code, CNNLIB_QUICK="fast")
    assert bad.returncode != 0
    assert "ValueError: CNNLIB_QUICK='fast' is not a switch" in bad.stderr


# ---------------------------------------------------------------------------------------------
# data and model paths
# ---------------------------------------------------------------------------------------------
def test_a_checkout_keeps_data_in_its_data_folder(monkeypatch):
    monkeypatch.delenv("CNNLIB_DATA_DIR", raising=False)
    assert config.checkout_root() == ROOT
    assert config.data_dir() == ROOT / "data"
    assert config.model_path() == ROOT / "data" / "mnist_cnn.keras"
    assert config.mnist_cache_path() == ROOT / "data" / "mnist.npz"
    assert train.parse_args([]).out == ROOT / "data" / "mnist_cnn.keras"


def test_cnnlib_data_dir_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("CNNLIB_DATA_DIR", str(tmp_path / "mine"))
    assert config.data_dir() == tmp_path / "mine" and not (tmp_path / "mine").exists()
    assert data.cache_paths()[0] == tmp_path / "mine" / "mnist.npz"
    assert train.parse_args([]).out == tmp_path / "mine" / "mnist_cnn.keras"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CNNLIB_DATA_DIR", "rel")
    assert config.data_dir() == tmp_path / "rel"  # absolute: a later chdir changes nothing
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("CNNLIB_DATA_DIR", "~/cnn")
    assert config.data_dir() == tmp_path / "cnn"
    (tmp_path / "a_file").write_text("x")
    monkeypatch.setenv("CNNLIB_DATA_DIR", str(tmp_path / "a_file"))
    with pytest.raises(ValueError, match=r"CNNLIB_DATA_DIR=.*a_file is a file, not a folder"):
        config.data_dir()


@pytest.mark.parametrize("where", ["venv/lib/python3.11/site-packages",
                                   "usr/lib/python3/dist-packages"])
def test_an_installed_cnnlib_keeps_data_in_the_user_folder(tmp_path, where):
    # An installed copy of the module, as `pip install .` (or --target) leaves it.
    site = tmp_path / where
    (site / "cnnlib").mkdir(parents=True)
    (site / "cnnlib" / "__init__.py").write_text("")
    shutil.copy(ROOT / "cnnlib" / "config.py", site / "cnnlib" / "config.py")
    (site / "pyproject.toml").write_text("")  # even beside a stray pyproject.toml
    (site / "notebooks").mkdir()
    home = tmp_path / "home"
    code = "import cnnlib.config as c; print(c.__file__); print(c.data_dir())"
    env = {"PYTHONPATH": str(site), "HOME": str(home), "cwd": tmp_path}
    out = run(code, **env)
    assert out.returncode == 0, out.stderr
    module, folder = out.stdout.splitlines()
    assert Path(module).parent == site / "cnnlib"  # really the installed copy
    assert Path(folder) == home / ".local" / "share" / "cnn-notebooks"
    xdg = run(code, **env, XDG_DATA_HOME=str(tmp_path / "xdg")).stdout.splitlines()[1]
    assert Path(xdg) == tmp_path / "xdg" / "cnn-notebooks"
    mine = run(code, **env, CNNLIB_DATA_DIR=str(tmp_path / "d")).stdout.splitlines()[1]
    assert Path(mine) == tmp_path / "d"


def test_a_pip_target_folder_without_a_checkout_uses_the_user_folder(tmp_path):
    site = tmp_path / "target"
    (site / "cnnlib").mkdir(parents=True)
    (site / "cnnlib" / "__init__.py").write_text("")
    shutil.copy(ROOT / "cnnlib" / "config.py", site / "cnnlib" / "config.py")
    out = run("import cnnlib.config as c; print(c.data_dir())", cwd=tmp_path,
              PYTHONPATH=str(site), HOME=str(tmp_path / "home"))
    assert Path(out.stdout.strip()) == tmp_path / "home" / ".local" / "share" / "cnn-notebooks"


@pytest.mark.parametrize("platform", ["win32", "darwin", "linux"])
def test_the_user_folder_is_the_platforms_usual_place(monkeypatch, tmp_path, platform):
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "AppData" / "Local"))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    expected = {"win32": tmp_path / "AppData" / "Local",
                "darwin": tmp_path / "Library" / "Application Support",
                "linux": tmp_path / ".local" / "share"}[platform]
    assert config.user_data_dir() == expected / "cnn-notebooks"


def test_a_notebook_progress_bar_wraps_instead_of_scrolling():
    """ipywidgets' boxes scroll (overflow: auto); a training bar's row wraps and never scrolls,
    so axe's scrollable-region-focusable has nothing to find (tests/browser checks the page)."""
    from tqdm import tqdm as text_tqdm
    from tqdm.notebook import tqdm as notebook_tqdm

    bar = notebook_tqdm(total=3, desc="steps")
    try:
        assert config.wrapping_bar(bar) is bar
        assert (bar.container.layout.flex_flow, bar.container.layout.overflow) == (
            "row wrap", "visible")
    finally:
        bar.close()
    plain = text_tqdm(total=3, disable=True)
    assert config.wrapping_bar(plain) is plain  # a text bar has no row to set
