"""The CI files a teacher's fork runs: `.github/workflows/test.yml` and `.gitlab-ci.yml`.

check-jsonschema validates each against the schema its platform's users publish (vendored in its
wheel: `vendor.github-workflows`, `vendor.gitlab-ci`, so nothing is downloaded). Copies with one
planted mistake each must fail with the message that names the mistake: a pass then means the
schema was really applied, not only that the YAML parsed. The jobs themselves are read too:
Debian with a supported Python, Chromium and the CJK font, the pip cache, then `make test`.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from ruamel.yaml import YAML

try:
    import tomllib
except ImportError:  # Python 3.10
    from pip._vendor import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
GITHUB = ROOT / ".github" / "workflows" / "test.yml"
GITLAB = ROOT / ".gitlab-ci.yml"

# name: (built-in schema, file, planted mistakes as (text, replaced by, part of the error message))
CASES = {
    "github": ("vendor.github-workflows", GITHUB, [
        ("timeout-minutes: 45", "timeout-minutes: soon", "'soon' is not of type 'number'"),
        ("    runs-on: ubuntu-latest\n", "", "'runs-on' is a required property"),
    ]),
    "gitlab": ("vendor.gitlab-ci", GITLAB, [
        ("  script:\n", "  scripts:\n", "('scripts' was unexpected)"),
        ("    when: always\n", "    when: sometimes\n",
         "'sometimes' is not one of ['on_success', 'on_failure', 'always']"),
    ]),
}


def check_jsonschema(schema: str, files: list[Path]) -> tuple[int, dict]:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--output-format", "json",
         "--builtin-schema", schema, *map(str, files)],
        capture_output=True, text=True, timeout=120)
    return result.returncode, json.loads(result.stdout)


def messages(error: dict) -> list[str]:
    """The error's own message and its best matches (a failed `oneOf` hides the real cause)."""
    return [error["message"]] + [error[k]["message"] for k in ("best_match", "best_deep_match")
                                 if k in error]


@pytest.mark.parametrize("name", CASES)
def test_the_ci_file_passes_its_schema_and_planted_mistakes_fail(name, tmp_path):
    schema, path, plants = CASES[name]
    text = path.read_text(encoding="utf-8")
    broken = []
    for i, (old, new, _) in enumerate(plants):
        assert text.count(old) == 1, f"{path.name} no longer holds {old!r} once"
        copy = tmp_path / f"planted_{i}_{path.name.lstrip('.')}"
        copy.write_text(text.replace(old, new), encoding="utf-8")
        broken.append(copy)
    # One run for the real file and its broken copies; the report names each file's errors.
    code, report = check_jsonschema(schema, [path, *broken])
    assert report["parse_errors"] == []
    errors: dict[str, list[str]] = {}
    for error in report["errors"]:
        errors.setdefault(error["filename"], []).extend(messages(error))
    assert str(path) not in errors, f"{path.name} fails {schema}: {errors[str(path)]}"
    for copy, (_, _, expected) in zip(broken, plants):
        found = errors.get(str(copy), [])
        assert any(expected in m for m in found), f"{copy.name}: wanted {expected!r}, got {found}"
    assert code == 1 and report["status"] == "fail"


def load(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def debian_python(image: str) -> str:
    """The Python of an official Debian-based python image; it must be one the series supports."""
    match = re.fullmatch(r"python:(3\.\d+)(?:\.\d+)?-(?:slim-)?(bookworm|trixie)", image)
    assert match, f"{image}: use an official Debian python image (Debian's chromium is a real one)"
    spec = SpecifierSet(tomllib.loads((ROOT / "pyproject.toml").read_text())
                        ["project"]["requires-python"])
    assert f"{match.group(1)}.0" in spec, f"{image}: Python {match.group(1)} is not in {spec}"
    return match.group(1)


def installs(commands: str) -> set[str]:
    """The packages of the `apt-get install` line (with its continuation lines)."""
    line = re.search(r"apt-get install.*", commands.replace("\\\n", " ")).group(0)
    return set(line.split())


def test_the_github_workflow_runs_make_test_in_debian_with_chromium_and_the_font():
    workflow = load(GITHUB)
    assert {"push", "pull_request"} <= set(workflow["on"])
    (job,) = workflow["jobs"].values()
    debian_python(job["container"])
    assert job["env"]["CNNLIB_REQUIRE_BROWSER"] == "1"
    steps = job["steps"]
    runs = [step.get("run", "").strip() for step in steps]
    assert {"make", "chromium", "fonts-noto-cjk"} <= installs("\n".join(runs))
    (cache,) = [s for s in steps if s.get("uses", "").startswith("actions/cache@")]
    assert cache["with"]["path"] == job["env"]["PIP_CACHE_DIR"]
    assert "hashFiles('requirements.txt', 'requirements-runtime.txt'" in cache["with"]["key"]
    test = runs.index("make test")
    assert steps.index(cache) < test and any("apt-get install" in r for r in runs[:test])


def test_the_gitlab_job_runs_make_test_in_the_same_image():
    ci = load(GITLAB)
    assert ci["image"] == load(GITHUB)["jobs"]["test"]["container"]  # one environment for both
    debian_python(ci["image"])
    assert ci["variables"]["CNNLIB_REQUIRE_BROWSER"] == "1"
    job = ci["test"]
    assert {"make", "chromium", "fonts-noto-cjk"} <= installs("\n".join(job["before_script"]))
    assert job["script"] == ["make test"]
    # GitLab caches only folders inside the project: the pip cache must be the one cached.
    assert ci["variables"]["PIP_CACHE_DIR"] == "$CI_PROJECT_DIR/.cache/pip"
    assert job["cache"]["paths"] == [".cache/pip"]
    assert set(job["cache"]["key"]["files"]) == {"requirements.txt", "requirements-runtime.txt"}


def test_ci_requires_the_browser_as_ci_run_does():
    # `make test` is the README's command, and .ci/run makes a missing browser a failure.
    assert "make test" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "export CNNLIB_REQUIRE_BROWSER=1" in (ROOT / ".ci" / "run").read_text()
