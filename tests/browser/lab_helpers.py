"""Shared state of the browser tests: which notebooks, and the figures reported at the end."""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import pytest

from tools.labdriver import NOTEBOOKS, ROOT

#: Which notebooks to drive; CNNLIB_BROWSER_NOTEBOOKS points the tests at another folder.
NB_DIR = Path(os.environ.get("CNNLIB_BROWSER_NOTEBOOKS") or NOTEBOOKS)
REPORT_PATH = ROOT / "build" / "browser" / "report.json"
#: Figures the lead reads: printed at the end of the run and written to REPORT_PATH.
REPORT: dict = {"notebooks": {}}


def notebook_names(*prefixes: str) -> list[str]:
    """The notebooks that exist now (NN_slug.ipynb), optionally only those numbered ``prefixes``."""
    names = sorted(p.name for p in NB_DIR.glob("[0-9][0-9]_*.ipynb"))
    return [n for n in names if not prefixes or n[:2] in prefixes]


def record(name: str, **figures) -> None:
    REPORT["notebooks"].setdefault(name, {}).update(figures)


def required() -> bool:
    """CNNLIB_REQUIRE_BROWSER=1 (CI): what would be a skip here is a failure."""
    return os.environ.get("CNNLIB_REQUIRE_BROWSER", "").strip().lower() not in ("", "0", "false")


#: The parameter of a notebook that should be there and is not (the fixture fails on it).
MISSING = "missing: "


def notebook_params(what: str, *prefixes: str, first: bool = False) -> list:
    """Parameters for an (indirect) ``notebook`` parametrization: the notebooks numbered
    ``prefixes`` (with ``first``, only the first of them that exists). One that is missing or
    renamed is a plain skip, or, under CNNLIB_REQUIRE_BROWSER=1, a test that fails."""
    names = notebook_names(*prefixes)
    if first:
        names = names[:1]
        missing = [] if names else ["/".join(prefixes)]
    else:
        missing = [p for p in prefixes if not any(n[:2] == p for n in names)]
    params: list = list(names)
    for prefix in missing:
        reason = f"no notebook {prefix} in {NB_DIR.name}/ ({what})"
        if required():
            params.append(pytest.param(MISSING + reason, id=f"missing-{prefix}"))
        else:
            params.append(pytest.param(None, id=f"missing-{prefix}",
                                       marks=pytest.mark.skip(reason=reason)))
    return params


# -- the output-size formula, written here independently of cnnlib.core.ops -------------------------

def expected_output_size(n: int, k: int, s: int = 1, p: int | str = 0, d: int = 1) -> int:
    """floor((n + 2p - d(k-1) - 1) / s) + 1; "same" is ceil(n / s) and "valid" is p = 0."""
    if p == "same":
        return -(-n // s)
    if p == "valid":
        p = 0
    return math.floor((n + 2 * int(p) - d * (k - 1) - 1) / s) + 1


# Slider descriptions -> the formula's parameters (English or Chinese labels).
PARAMS = {
    "stride": r"stride|步长",
    "padding": r"padd|填充",
    "dilation": r"dilat|空洞|膨胀",
    "kernel": r"kernel|filter|卷积核",
    "n": r"input|image|^n\b|^size|输入",
}


def param_of(description: str) -> str | None:
    for param, pattern in PARAMS.items():
        if re.search(pattern, description.strip(), re.IGNORECASE):
            return param
    return None


def conv_params(explorer: dict) -> dict:
    """The formula's parameters read from the explorer's controls as the browser shows them."""
    found = {}
    for s in explorer["sliders"]:
        param = param_of(s["description"])
        if param and param not in found:
            found[param] = int(float(s["value"]))
    for d in explorer["dropdowns"]:
        if param_of(d["description"]) == "padding":
            shown = (d["label"] or d["value"]).strip().lower()  # "valid", "same", "1 px", ...
            digits = re.findall(r"\d+", shown)
            found["padding"] = shown if shown in ("same", "valid") else int(digits[0])
    return found


SIZE = r"(\d+)\s*[×x]\s*(\d+)"


def shown_output_size(info: str) -> tuple[int, int] | None:
    """The output size the info text gives: the first "H × W" after the word "output" (not
    "output[i, j]", a cell), else the number after its last "=" (a square output)."""
    m = re.search(r"(?:output|输出)(?!\s*\[)(.*)", info, re.IGNORECASE | re.DOTALL)
    if not m:
        return None
    pair = re.search(SIZE, m.group(1))
    if pair:
        return int(pair.group(1)), int(pair.group(2))
    last = re.findall(r"=\s*(\d+)\b", m.group(1))
    return (int(last[-1]), int(last[-1])) if last else None


def check_output_size(explorer: dict) -> str | None:
    """Compare the output size the info text shows with the formula applied to the controls'
    values; return what was checked, or None where the explorer shows no output size.

    Input size and kernel size come from the controls where they are controls; otherwise (a
    photo, a fixed kernel) from the formula's first numbers in the text, "floor((H − k)...": the
    stride and padding always come from the controls."""
    info = explorer["info"] or ""
    params = conv_params(explorer)
    if not params or not re.search(r"output|输出", info, re.IGNORECASE):
        return None
    shown = shown_output_size(info)
    assert shown, f"no output size 'H × W' in the info text: {info!r}"
    axes_n = [int(v) for v in re.findall(r"floor\(\((\d+)", info)]
    axes_k = [int(v) for v in re.findall(r"floor\(\(\d+\s*[−-]\s*(\d+)", info)]
    if "n" in params:
        h = w = params["n"]
    else:
        assert axes_n, f"input size neither a control nor in the text: {info!r}"
        h, w = axes_n[0], axes_n[-1]
    if "kernel" in params:
        kh = kw = params["kernel"]
    else:
        kh, kw = (axes_k[0], axes_k[-1]) if axes_k else (3, 3)
    s, p, d = params.get("stride", 1), params.get("padding", 0), params.get("dilation", 1)
    want = (expected_output_size(h, kh, s, p, d), expected_output_size(w, kw, s, p, d))
    assert shown == want, (
        f"the info text shows output {shown[0]} × {shown[1]}, the formula gives {want[0]} × "
        f"{want[1]} for input {h}×{w}, kernel {kh}×{kw}, stride {s}, padding {p}, dilation {d}:"
        f" {info!r}")
    return f"{h}x{w} k={kh}x{kw} s={s} p={p} d={d} -> {want[0]}x{want[1]}"
