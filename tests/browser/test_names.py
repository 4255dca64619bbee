"""Accessible names in a real JupyterLab (issue 30): one numpy notebook per edition, run top to
bottom; in Playwright's accessibility tree of each explorer every slider, dropdown, text box and
button has a non-empty name, and every explorer picture a non-empty alt, in the edition's
language. The names come from ``cnnlib/widgets/names.py`` (``Names``, in every explorer); the
Python side is tests/test_names.py."""

from __future__ import annotations

import re

import pytest

from tests.browser.lab_helpers import NB_DIR, notebook_names, record
from tools.labdriver import settle

pytestmark = pytest.mark.browser

#: the kernels notebook: sliders, dropdowns, text boxes, the ▶ control, an upload button
NOTEBOOK = (notebook_names("02") or ["02_kernels_and_stride.ipynb"])[0]
EDITIONS = [pytest.param(NOTEBOOK, id="en"),
            pytest.param(f"zh/{NOTEBOOK}", id="zh",
                         marks=[] if (NB_DIR / "zh" / NOTEBOOK).exists() else
                         pytest.mark.skip(reason=f"no zh/{NOTEBOOK}"))]
HAN = re.compile(r"[\u4e00-\u9fff]")
#: the roles a learner operates, as the accessibility tree names them
OPERATED = ("slider", "combobox", "listbox", "textbox", "spinbutton", "button", "checkbox")
#: one node of an aria snapshot: "- role "name"" (the name is optional)
NODE = re.compile(r'^\s*- (\w+)(?: "((?:[^"\\]|\\.)*)")?')


def nodes(snapshot: str) -> list[tuple[str, str]]:
    """(role, name) of every node of a Playwright aria snapshot (YAML lines)."""
    return [(m.group(1), m.group(2) or "") for line in snapshot.splitlines()
            if (m := NODE.match(line))]


@pytest.mark.parametrize("notebook", EDITIONS, indirect=True)
def test_every_control_and_picture_has_a_name(notebook):
    page = notebook.page
    settle(page)
    boxes = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output "
                         ".cnn-explorer")
    n = boxes.count()
    assert n >= 2, f"{notebook.name}: only {n} explorers rendered"
    # Names applies itself once the explorer is in the page: wait for every figure's alt
    page.wait_for_function("""() => [...document.querySelectorAll(
            '.jp-NotebookPanel:not(.lm-mod-hidden) img.cnn-explorer-figure')]
        .every(img => (img.getAttribute('alt') || '').trim())""", timeout=15000)
    zh = notebook.name.startswith("zh/")
    seen: dict[str, int] = {}
    unnamed, english = [], []
    for i in range(n):
        for role, name in nodes(boxes.nth(i).aria_snapshot()):
            if role not in OPERATED and role != "img":
                continue
            seen[role] = seen.get(role, 0) + 1
            if not name.strip():
                unnamed.append(f"explorer {i}: a {role} with no name")
            elif zh and role in ("slider", "combobox", "img") and not HAN.search(name) and \
                    re.search("[A-Za-z]{3}", name):
                english.append(f"explorer {i}: {role} {name!r}")
    record(notebook.name, a11y_roles=seen)
    assert not unnamed, "\n".join(unnamed)
    assert not english, "names not in Chinese:\n" + "\n".join(english)
    # the ones the issue found unnamed are there, and named
    assert seen.get("slider", 0) >= 3 and seen.get("img", 0) >= 2, seen
    assert seen.get("button", 0) >= 3 and seen.get("combobox", 0) >= 1, seen
