"""The install: make's interpreter check and .venv repair, and one dependency list.

The Makefile and tools/ensure_venv.sh run for real, in a temporary copy of the project, against
stub interpreters: small shell scripts that answer like Python 3.14, or make a venv without pip,
as Debian does without python3-venv. PATH holds only the stubs and the few system tools make and
sh need, so no real Python is found and nothing is installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

try:
    import tomllib
except ImportError:  # Python 3.10
    from pip._vendor import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ["sh", "make", "rm", "mkdir", "cp", "touch", "cat", "ls", "id", "dirname", "uname",
         "printf", "echo", "test", "[", "env", "sed", "chmod"]
needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")

# A stub Python. @VER@ is the version it claims; @MODE@ how `-m venv` behaves: "ok" (a venv with
# pip), "debian" (bin/python without pip, the ensurepip message, exit 1: python3-venv missing).
# `-m pip` works only in a venv that has pip, logs its arguments, and fails when STUB_PIP_FAIL is
# set; it creates nothing else.
STUB = r"""#!/bin/sh
VER=@VER@
MODE=@MODE@
here=$(dirname "$0")
case "$1" in
  -c)
    if [ -f "$here/../has-pip" ]; then echo "$VER pip"; else echo "$VER nopip"; fi ;;
  -m)
    case "$2" in
      venv)
        mkdir -p "$3/bin"
        echo "version = $VER" > "$3/pyvenv.cfg"
        sed -e "s/^MODE=.*/MODE=ok/" "$0" > "$3/bin/python"
        chmod +x "$3/bin/python"
        if [ "$MODE" = debian ]; then
          echo "The virtual environment was not created successfully because ensurepip is not"
          echo "available.  On Debian/Ubuntu systems, you need to install the python3-venv"
          echo "package using the following command."
          echo ""
          echo "    apt install python$VER-venv"
          exit 1
        fi
        touch "$3/has-pip" ;;
      pip)
        if [ ! -f "$here/../has-pip" ]; then echo "$0: No module named pip" >&2; exit 1; fi
        echo "$VER $*" >> "$STUB_LOG"
        if [ -n "${STUB_PIP_FAIL:-}" ]; then echo "ERROR: pip failed (stub)" >&2; exit 1; fi ;;
    esac ;;
esac
"""


class Project:
    """A temporary copy of what make install reads, with stub interpreters on a bare PATH."""

    def __init__(self, tmp_path: Path):
        self.dir = tmp_path / "proj"
        self.bin = tmp_path / "bin"
        self.log = tmp_path / "pip.log"
        (self.dir / "tools").mkdir(parents=True)
        self.bin.mkdir()
        for name in ["Makefile", "requirements.txt", "requirements-runtime.txt", "pyproject.toml",
                     "tools/ensure_venv.sh", "tools/overrides.json"]:
            shutil.copy(ROOT / name, self.dir / name)
        for tool in TOOLS:
            found = shutil.which(tool)
            if found:
                (self.bin / tool).symlink_to(found)
        self.log.touch()

    @property
    def venv(self) -> Path:
        return self.dir / ".venv"

    def python(self, name: str, version: str, mode: str = "ok") -> Path:
        path = self.bin / name
        path.write_text(STUB.replace("@VER@", version).replace("@MODE@", mode))
        path.chmod(0o755)
        return path

    def broken(self, name: str, message: str) -> None:
        """A command that exists but does not run, as a pyenv shim for an inactive version."""
        path = self.bin / name
        path.write_text(f"#!/bin/sh\necho '{message}' >&2\nexit 127\n")
        path.chmod(0o755)

    def make(self, *args: str, **env: str) -> subprocess.CompletedProcess:
        full_env = {"PATH": str(self.bin), "HOME": str(self.dir), "STUB_LOG": str(self.log),
                    "LC_ALL": "C", **env}
        return subprocess.run(["make", "--no-print-directory", *args], cwd=self.dir,
                              env=full_env, capture_output=True, text=True, timeout=60)

    def pip_calls(self) -> list[str]:
        return self.log.read_text().splitlines()

    def venv_version(self) -> str:
        out = subprocess.run([str(self.venv / "bin" / "python"), "-c", "probe"],
                             capture_output=True, text=True, env={"PATH": str(self.bin)})
        return out.stdout.split()[0]


def messages(result: subprocess.CompletedProcess) -> list[str]:
    """The lines ensure_venv.sh wrote (make's own, e.g. 'make: *** ... Error 1', left out)."""
    return [line for line in result.stderr.splitlines()
            if line.startswith("make: ") and not line.startswith("make: ***")]


@pytest.fixture
def proj(tmp_path):
    return Project(tmp_path)


# ---------------------------------------------------------------------------------------------
# the interpreter is checked before anything is created
# ---------------------------------------------------------------------------------------------
@needs_make
def test_a_fresh_install_creates_the_venv_and_installs_once(proj):
    proj.python("python3", "3.12")
    first = proj.make("install")
    assert first.returncode == 0, first.stderr
    assert messages(first) == ["make: creating .venv with python3 (Python 3.12)"]
    calls = proj.pip_calls()
    assert calls == ["3.12 -m pip install --quiet --upgrade pip",
                     "3.12 -m pip install --quiet -r requirements.txt",
                     "3.12 -m pip install --quiet --no-deps -e ."]
    assert (proj.venv / ".installed").is_file()
    assert (proj.venv / "share/jupyter/lab/settings/overrides.json").is_file()
    again = proj.make("install")
    assert again.returncode == 0 and proj.pip_calls() == calls
    assert again.stdout + again.stderr == ""  # all well: not a word
    # A changed dependency file reinstalls into the same venv; nothing is rebuilt.
    os.utime(proj.venv / ".installed", (1, 1))  # older than requirements-runtime.txt
    third = proj.make("install")
    assert third.returncode == 0 and messages(third) == []
    assert len(proj.pip_calls()) == 6


@needs_make
def test_python_3_14_is_refused_and_a_usable_python_is_named(proj):
    proj.python("python3", "3.14")
    proj.python("python3.12", "3.12")
    result = proj.make("lab")
    assert result.returncode != 0
    assert messages(result) == [
        "make: python3 is Python 3.14, but cnn-notebooks needs Python 3.10-3.13 "
        "(TensorFlow 2.21 has wheels for no other).",
        "make: use python3.12 (Python 3.12), found on your PATH:  make PYTHON=python3.12 lab"]
    assert not proj.venv.exists() and proj.pip_calls() == []
    # ... and the command it names works.
    fixed = proj.make("PYTHON=python3.12", "install")
    assert fixed.returncode == 0, fixed.stderr
    assert proj.venv_version() == "3.12"


@needs_make
def test_no_usable_python_says_what_to_install(proj):
    proj.python("python3", "3.9")
    proj.broken("python3.12", "pyenv: python3.12: command not found")  # a shim that does not run
    result = proj.make("test")
    assert result.returncode != 0
    msgs = messages(result)
    assert msgs[0].startswith("make: python3 is Python 3.9, but cnn-notebooks needs Python 3.10-3.13")
    assert "no Python 3.10-3.13 found on your PATH" in msgs[1]
    assert "make PYTHON=python3.12 test" in msgs[1] and "conda" in msgs[1]
    assert not proj.venv.exists()


@needs_make
def test_a_missing_or_broken_interpreter_is_named(proj):
    proj.python("python3.11", "3.11")
    result = proj.make("PYTHON=python3.10", "install")
    assert result.returncode != 0
    assert messages(result)[0].startswith("make: python3.10 was not found, but cnn-notebooks")
    assert "make PYTHON=python3.11 install" in messages(result)[1]
    proj.broken("python3.13", "pyenv: python3.13: command not found")
    result = proj.make("PYTHON=python3.13", "install")
    assert messages(result)[0].startswith("make: python3.13 does not run, but cnn-notebooks")
    assert not proj.venv.exists()


@needs_make
@pytest.mark.parametrize("minor", range(6, 16))
def test_the_accepted_versions_are_those_of_requires_python(tmp_path, minor):
    proj = Project(tmp_path)
    proj.python("python3", f"3.{minor}")
    result = proj.make("install")
    spec = SpecifierSet(tomllib.loads((ROOT / "pyproject.toml").read_text())
                        ["project"]["requires-python"])
    assert (result.returncode == 0) == (f"3.{minor}.0" in spec), result.stderr


# ---------------------------------------------------------------------------------------------
# a broken or stale .venv is rebuilt, with one line saying why
# ---------------------------------------------------------------------------------------------
def rebuilt_because(result) -> str:
    lines = [m for m in messages(result) if m.startswith("make: rebuilding .venv: ")]
    assert len(lines) == 1, result.stderr
    return lines[0]


@needs_make
def test_a_venv_made_by_python_3_14_is_rebuilt_with_the_python_asked_for(proj):
    # The trap: a first `make` with Python 3.14 made .venv, and pip then failed inside it.
    proj.python("python3", "3.14")
    subprocess.run([str(proj.bin / "python3"), "-m", "venv", str(proj.venv)], check=True)
    proj.python("python3.12", "3.12")
    result = proj.make("PYTHON=python3.12", "install")
    assert result.returncode == 0, result.stderr
    assert rebuilt_because(result) == ("make: rebuilding .venv: it was made by Python 3.14, and "
                                       "cnn-notebooks needs Python 3.10-3.13.")
    assert proj.venv_version() == "3.12" and (proj.venv / ".installed").is_file()


@needs_make
def test_a_finished_venv_of_another_version_is_rebuilt_only_when_asked(proj):
    proj.python("python3.11", "3.11")
    proj.python("python3.12", "3.12")
    assert proj.make("PYTHON=python3.11", "install").returncode == 0
    # Later runs without PYTHON keep it, even if `python3` is now a Python we cannot use.
    proj.python("python3", "3.14")
    plain = proj.make("install")
    assert plain.returncode == 0 and messages(plain) == [] and proj.venv_version() == "3.11"
    asked = proj.make("PYTHON=python3.12", "install")
    assert asked.returncode == 0
    assert rebuilt_because(asked) == ("make: rebuilding .venv: it was made by Python 3.11, and "
                                      "you asked for python3.12 (Python 3.12).")
    assert proj.venv_version() == "3.12"


@needs_make
def test_a_venv_without_pip_is_rebuilt(proj):
    proj.python("python3", "3.12")
    assert proj.make("install").returncode == 0
    (proj.venv / "has-pip").unlink()  # what Debian leaves without python3-venv
    result = proj.make("install")
    assert result.returncode == 0, result.stderr
    assert rebuilt_because(result) == ("make: rebuilding .venv: it has no pip (Debian and Ubuntu "
                                       "make such a venv when python3-venv is missing).")
    assert (proj.venv / "has-pip").exists() and (proj.venv / ".installed").exists()


@needs_make
def test_without_python3_venv_make_says_which_package_and_leaves_no_half_venv(proj):
    proj.python("python3", "3.12", mode="debian")
    result = proj.make("lab")
    assert result.returncode != 0
    assert "ensurepip is not" in result.stdout  # Python's own words come first
    assert messages(result) == [
        "make: creating .venv with python3 (Python 3.12)",
        "make: could not make a venv with pip in it from python3 (Python 3.12).",
        "make: on Debian/Ubuntu, install Python's venv module, then run make again: "
        " sudo apt install python3.12-venv"]
    assert not proj.venv.exists() and proj.pip_calls() == []


@needs_make
def test_a_venv_whose_python_is_gone_or_broken_is_rebuilt(proj):
    proj.python("python3", "3.12")
    assert proj.make("install").returncode == 0
    (proj.venv / "bin" / "python").unlink()
    result = proj.make("install")
    assert rebuilt_because(result) == ("make: rebuilding .venv: it has no python "
                                       "(.venv/bin/python is missing).")
    # A venv whose base Python was removed: bin/python is a dangling link.
    (proj.venv / "bin" / "python").unlink()
    (proj.venv / "bin" / "python").symlink_to(proj.dir / "gone" / "python3.12")
    result = proj.make("install")
    assert result.returncode == 0, result.stderr
    assert rebuilt_because(result) == ("make: rebuilding .venv: its python does not run (the "
                                       "Python that made it was moved or removed).")
    proj.broken("python-broken", "error while loading shared libraries")
    (proj.venv / "bin" / "python").unlink()
    shutil.copy(proj.bin / "python-broken", proj.venv / "bin" / "python")
    result = proj.make("install")
    assert result.returncode == 0, result.stderr
    assert rebuilt_because(result) == ("make: rebuilding .venv: its python does not run (the "
                                       "Python that made it was moved or removed).")


@needs_make
def test_a_half_finished_install_is_rebuilt(proj):
    proj.python("python3", "3.12")
    failed = proj.make("install", STUB_PIP_FAIL="1")  # the network dropped, or ^C during pip
    assert failed.returncode != 0 and not (proj.venv / ".installed").exists()
    result = proj.make("install")
    assert result.returncode == 0, result.stderr
    assert rebuilt_because(result) == ("make: rebuilding .venv: its last install did not "
                                       "finish.")
    assert (proj.venv / ".installed").is_file()


@needs_make
def test_a_folder_that_is_not_a_venv_is_never_deleted(proj):
    proj.python("python3", "3.12")
    proj.venv.mkdir()
    (proj.venv / "notes.txt").write_text("mine")
    result = proj.make("install")
    assert result.returncode != 0
    assert messages(result) == [
        "make: .venv is in the way but is not a Python venv (no .venv/pyvenv.cfg), so it was "
        "left alone.",
        "make: move it away, or use another folder:  make VENV=.venv-cnn install"]
    assert (proj.venv / "notes.txt").read_text() == "mine"


@needs_make
def test_an_intel_mac_is_told_what_runs_without_tensorflow(proj):
    proj.python("python3", "3.12")
    uname = proj.bin / "uname"
    uname.unlink()
    uname.write_text('#!/bin/sh\ncase "$1" in -s) echo Darwin;; -m) echo x86_64;; esac\n')
    uname.chmod(0o755)
    result = proj.make("install")
    assert result.returncode == 0
    assert any("Intel Mac" in m and "TensorFlow" in m for m in messages(result))


@needs_make
def test_test_and_lab_still_run_what_they_ran(proj):
    proj.python("python3", "3.12")
    assert proj.make("install").returncode == 0
    test = proj.make("-n", "test", "PYTEST_ARGS=-k conv")
    assert ("CNNLIB_QUICK=1 .venv/bin/python -m pytest -n 2 --dist loadfile tests notebooks "
            "tools/notebook_template.ipynb --ignore=tests/browser -k conv") in test.stdout
    assert "CNNLIB_QUICK=1 .venv/bin/python -m pytest tests/browser -k conv" in test.stdout
    lab = proj.make("-n", "lab")
    assert ".venv/bin/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=8888" in lab.stdout


# ---------------------------------------------------------------------------------------------
# one dependency list
# ---------------------------------------------------------------------------------------------
def requirement_lines(path: Path) -> list[str]:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def test_pyproject_reads_the_runtime_list_that_requirements_txt_includes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["dynamic"] == ["dependencies"]
    assert "dependencies" not in project["project"]
    files = project["tool"]["setuptools"]["dynamic"]["dependencies"]["file"]
    assert files == ["requirements-runtime.txt"]
    top = requirement_lines(ROOT / "requirements.txt")
    assert "-r requirements-runtime.txt" in top
    # setuptools reads the runtime list line by line: every line must be a bare requirement.
    runtime = [Requirement(line) for line in requirement_lines(ROOT / "requirements-runtime.txt")]
    assert runtime
    # No package is pinned twice (the two lists could then disagree).
    rest = [Requirement(re.split(r"\s+#", line)[0]) for line in top if not line.startswith("-")]
    assert not {r.name for r in runtime} & {r.name for r in rest}
    assert all(r.specifier for r in runtime + rest), "every package is pinned"


def test_the_runtime_list_covers_everything_cnnlib_imports():
    import ast
    from importlib.metadata import packages_distributions, requires

    imported = set()
    for path in (ROOT / "cnnlib").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = sorted(imported - set(sys.stdlib_module_names) - {"cnnlib", "__future__"})
    declared = {Requirement(line).name.lower()
                for line in requirement_lines(ROOT / "requirements-runtime.txt")}
    # Installed by a declared package that pins the version it needs (checked just below).
    via = {"keras": "tensorflow", "ipython": "ipywidgets", "traitlets": "ipywidgets"}
    dists = packages_distributions()
    for module in third_party:
        assert module in dists, f"cnnlib imports {module}, which is not installed"
        dist = dists[module][0].lower()
        if dist in via:
            assert any(Requirement(r).name.lower() == dist for r in requires(via[dist]) or [])
            assert via[dist] in declared
        else:
            assert dist in declared, f"cnnlib imports {module}: add {dist} to requirements-runtime.txt"


def test_pip_finds_the_included_list_beside_requirements_txt(tmp_path):
    # As conda (environment.yml) and Binder call it: from another folder, with no index.
    (tmp_path / "elsewhere").mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--isolated", "--dry-run", "--no-index",
         "--ignore-installed", "-r", str(ROOT / "requirements.txt")],
        cwd=tmp_path / "elsewhere", capture_output=True, text=True, timeout=120)
    assert result.returncode != 0  # no index: nothing can be found ...
    assert "Could not open requirements file" not in result.stderr
    # ... but the include was read: pip looked for the first line of the runtime list, which
    # requirements.txt itself does not name.
    first = requirement_lines(ROOT / "requirements-runtime.txt")[0]
    assert first not in (ROOT / "requirements.txt").read_text()
    assert f"satisfies the requirement {first} " in result.stderr, result.stderr


def test_environment_yml_and_postbuild_install_the_same_list():
    env = (ROOT / "environment.yml").read_text()
    assert re.search(r"^\s+- -r requirements\.txt$", env, re.M)
    python = re.search(r"^\s+- python=(3\.\d+)$", env, re.M).group(1)
    spec = SpecifierSet(tomllib.loads((ROOT / "pyproject.toml").read_text())
                        ["project"]["requires-python"])
    assert f"{python}.0" in spec
    # environment.yml installs cnnlib itself; postBuild (tests/test_binder.py) installs nothing.
    assert re.search(r"^\s+- -e \.$", env, re.M)


def test_tensorflow_is_left_out_on_intel_macs_only():
    # TensorFlow 2.21 has no wheel for macOS x86-64; everything else still installs there.
    tf = next(Requirement(line) for line in requirement_lines(ROOT / "requirements-runtime.txt")
              if line.startswith("tensorflow"))
    machines = {("darwin", "x86_64"): False, ("darwin", "arm64"): True,
                ("linux", "x86_64"): True, ("linux", "aarch64"): True, ("win32", "AMD64"): True}
    for (platform, machine), wanted in machines.items():
        env = {"sys_platform": platform, "platform_machine": machine}
        assert tf.marker.evaluate(env) is wanted, env


@pytest.mark.parametrize("name", ["01_pixels_and_channels", "04_pooling"])
def test_the_notebooks_said_to_run_without_tensorflow_never_reach_it(name):
    # README (Troubleshooting, Intel Macs) says these run in full without TensorFlow.
    import json

    nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    for word in ("tensorflow", "keras", "import_tf", "models", "interpret", "load_mnist"):
        assert word not in code, f"{name} uses {word}"
