"""What Binder builds: the Dockerfile repo2docker writes for this repository.

`repo2docker --no-build --debug` prints the Dockerfile without building it (no Docker needed).
It must install apt.txt's packages (the CJK font the Chinese figures need), update the
environment from environment.yml (which installs cnnlib), and run postBuild, in that order;
a copy of the repository without apt.txt must lose the font, so the check can fail.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What repo2docker reads from the repository, and what environment.yml and postBuild use.
BINDER_FILES = ["environment.yml", "postBuild", "apt.txt", "requirements.txt",
                "requirements-runtime.txt", "pyproject.toml", "tools/overrides.json"]


def dockerfile(repo: Path) -> tuple[str, str]:
    result = subprocess.run([sys.executable, "-m", "repo2docker", "--no-build", "--debug", str(repo)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout, result.stderr


def apt_packages() -> list[str]:
    lines = (ROOT / "apt.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def copy_of_repo(tmp_path: Path, leave_out: str = "") -> Path:
    repo = tmp_path / "repo"
    for name in BINDER_FILES:
        if name != leave_out:
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, repo / name)
    return repo


@pytest.fixture(scope="module")
def built():
    return dockerfile(ROOT)


def test_binder_installs_the_cjk_font_then_the_environment_then_runs_postbuild(built):
    text, log = built
    assert "fonts-noto-cjk" in apt_packages()
    runs = [" ".join(r.split()) for r in re.findall(r"^RUN (.*?)(?<!\\)$", text, re.M | re.S)]
    apt = [i for i, r in enumerate(runs) if "apt-get install" in r
           and all(p in r.split() for p in apt_packages())]
    env = [i for i, r in enumerate(runs) if re.search(r'env update -p \$\{NB_PYTHON_PREFIX\} '
                                                       r'--file "environment\.yml"', r)]
    post = [i for i, r in enumerate(runs) if r == "./postBuild"]
    assert len(apt) == 1 and len(env) == 1 and len(post) == 1, runs
    assert apt[0] < env[0] < post[0]
    # The conda environment's Python is environment.yml's.
    python = re.search(r"^\s+- python=(3\.\d+)$", (ROOT / "environment.yml").read_text(), re.M)
    assert f"Building conda environment for python={python.group(1)}" in log


def test_without_apt_txt_binder_has_no_cjk_font(tmp_path):
    text, _ = dockerfile(copy_of_repo(tmp_path, leave_out="apt.txt"))
    assert "fonts-noto-cjk" not in text
    assert 'env update -p ${NB_PYTHON_PREFIX} --file "environment.yml"' in text  # still conda


def test_cnnlib_is_installed_once_and_postbuild_only_writes_the_lab_settings(tmp_path):
    env = (ROOT / "environment.yml").read_text()
    assert re.search(r"^\s+- -e \.$", env, re.M), "environment.yml installs cnnlib"
    assert "pip" not in (ROOT / "postBuild").read_text().split("set -e", 1)[1]
    # Run postBuild as Binder does (bash, in the repository, NB_PYTHON_PREFIX set).
    repo, prefix = copy_of_repo(tmp_path), tmp_path / "prefix"
    subprocess.run(["bash", "postBuild"], cwd=repo, check=True, timeout=30,
                   env={**os.environ, "NB_PYTHON_PREFIX": str(prefix)})
    written = prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert written.read_bytes() == (ROOT / "tools" / "overrides.json").read_bytes()
    assert os.access(ROOT / "postBuild", os.X_OK)
