"""WCAG checks on our output areas in a live JupyterLab (issue 30), shared by test_notebooks.py
(every English notebook) and test_zh_cn.py (a Chinese notebook in Chinese JupyterLab), each on
a run that is already there: axe-core inside the outputs, and an accessible name for every
control and picture in Playwright's accessibility tree."""

from __future__ import annotations

import re

from tests.english import english_runs
from tools import a11y
from tools.labdriver import settle

#: our output areas in the notebook on show (JupyterLab's own chrome is not ours to fix)
OUTPUTS = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output"
#: Rules JupyterLab itself breaks inside an output area, with the elements and the reason, as in
#: tools/a11y.py's ALLOWED. Empty: inside our outputs axe finds nothing of JupyterLab's.
LAB_ALLOWED: dict[str, tuple[str, str]] = {}
#: the roles a learner operates, as the accessibility tree names them, and pictures
NAMED = ("slider", "combobox", "listbox", "textbox", "spinbutton", "button", "checkbox", "img")
#: one node of an aria snapshot: "- role "name"" (the name is optional); a line whose name
#: holds ": " is a YAML single-quoted string, "- 'img "Figure: loss"'"
LINE = re.compile(r"^\s*- (?:'((?:[^']|'')*)'|(.*))")
NODE = re.compile(r'^(\w+)(?: "((?:[^"\\]|\\.)*)")?')
HAN = re.compile(r"[\u4e00-\u9fff]")


def axe_outputs(page) -> list[dict]:
    """Serious and critical WCAG 2.1 A/AA violations inside our output areas ([] if none)."""
    settle(page)
    if not page.locator(OUTPUTS).count():
        return []
    return a11y.violations(page, OUTPUTS, allowed=LAB_ALLOWED)


def per_rule(found: list[dict]) -> dict[str, int]:
    return {v["id"]: len(v["nodes"]) for v in found}


def nodes(snapshot: str) -> list[tuple[str, str]]:
    """(role, name) of every node of a Playwright aria snapshot (YAML lines)."""
    found = []
    for line in snapshot.splitlines():
        if not (m := LINE.match(line)):
            continue
        quoted, plain = m.groups()
        if node := NODE.match(quoted.replace("''", "'") if quoted is not None else plain):
            found.append((node.group(1), node.group(2) or ""))
    return found


def name_problems(page, zh: bool = False) -> tuple[dict[str, int], list[str]]:
    """How many of each operated role and picture our outputs hold, and what is wrong: a node
    with no name; in the Chinese edition (``zh``) a name in English."""
    settle(page)
    # the explorers' Names widget applies itself once in the page: wait for every figure's alt
    page.wait_for_function(f"""() => [...document.querySelectorAll(
            '{OUTPUTS} img.cnn-explorer-figure')]
        .every(img => (img.getAttribute('alt') || '').trim())""", timeout=15000)
    seen: dict[str, int] = {}
    problems = []
    outputs = page.locator(OUTPUTS)
    for i in range(outputs.count()):
        for role, name in nodes(outputs.nth(i).aria_snapshot()):
            if role not in NAMED:
                continue
            seen[role] = seen.get(role, 0) + 1
            if not name.strip():
                problems.append(f"output {i}: a {role} with no name")
            elif zh and (english_runs(name) or (
                    role in ("slider", "combobox", "img") and not HAN.search(name)
                    and re.search("[A-Za-z]{3}", name))):
                problems.append(f"output {i}: {role} {name!r} is not in Chinese")
    return seen, problems
