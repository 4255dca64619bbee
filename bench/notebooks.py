"""Every notebook at full size, each in a fresh kernel, one at a time: what a class costs.

``python -m bench notebooks`` runs the English notebooks (``--lang zh`` the Chinese edition,
``--lang both`` both; ``--only 07 08`` some of them): every notebook in notebooks/, so a new one
is included as soon as it exists. Quick mode is switched off and the kernel draws its figures
inline, as a learner's does. For each notebook it prints

- Run All s: wall time from the first cell to the last (kernel start left out);
- kernel CPU s: the kernel's user + system CPU time (grows less with other load than wall time);
- peak MB: the kernel's VmHWM (the most resident memory it ever held, 1 MB = 10^6 bytes, as
  Kubernetes' "M"), read from /proc/<pid>/status after the last cell, before the kernel stops.

The last row is the series: the sum of the times and the largest peak. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
GOAL_MB = 1500  # every notebook <= 1.5 GB at peak (Binder stops a kernel at 2 GB)

TITLE = (f"Each notebook at full size in a fresh kernel: Run All time and the kernel's peak "
         f"memory (VmHWM; goal: <= {GOAL_MB:,} MB)")


def find(lang: str = "en", only: list[str] | None = None) -> list[Path]:
    """The notebooks of one edition ("en", "zh") or of both, optionally only numbers ``only``."""
    if lang not in ("en", "zh", "both"):
        raise ValueError(f"lang must be 'en', 'zh' or 'both', got {lang!r}")
    folders = {"en": [NOTEBOOKS], "zh": [NOTEBOOKS / "zh"], "both": [NOTEBOOKS, NOTEBOOKS / "zh"]}
    paths = [p for folder in folders[lang] for p in sorted(folder.glob("[0-9][0-9]_*.ipynb"))]
    if only:
        paths = [p for p in paths if p.name[:2] in only]
    return paths


def proc_status(pid: int) -> dict[str, str]:
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        return dict(line.split(":", 1) for line in f if ":" in line)


def peak_mb(pid: int) -> float:
    """VmHWM of process ``pid`` in MB (10^6 bytes); /proc gives kB (1024 bytes)."""
    kb = int(proc_status(pid)["VmHWM"].split()[0])
    return kb * 1024 / 1e6


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (fields 14 and 15 of /proc/<pid>/stat)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def kernel_env() -> dict[str, str]:
    """The learner's environment: full size, inline figures, this checkout's cnnlib."""
    env = {k: v for k, v in os.environ.items() if k not in ("CNNLIB_QUICK", "MPLBACKEND")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def run_notebook(path: Path, timeout: float = 3600) -> dict:
    """Run ``path`` top to bottom in a fresh kernel; its time, CPU time and peak memory."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    error = ""
    with client.setup_kernel(env=kernel_env()):
        pid = client.km.provisioner.pid
        start = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as err:
                error = f"cell {index}: {err.ename}: {err.evalue}"[:100]
                break
        wall = time.perf_counter() - start
        # Read while the kernel still runs: its /proc entry goes when it stops.
        peak, cpu = peak_mb(pid), cpu_seconds(pid)
    return {"wall": wall, "cpu": cpu, "peak": peak, "error": error}


def row(name: str, wall: float, cpu: float, peak: float, note: str = "") -> dict:
    return {"notebook": name, "Run All s": f"{wall:.1f}", "kernel CPU s": f"{cpu:.1f}",
            "peak MB": f"{peak:,.0f}",
            "<= 1.5 GB": note or ("yes" if peak <= GOAL_MB else "**no**"),
            "load (1 min)": f"{os.getloadavg()[0]:.1f}"}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench notebooks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", choices=["en", "zh", "both"], default="en",
                        help="which edition: English (default), Chinese, or both")
    parser.add_argument("--only", nargs="+", metavar="NN", help="only these notebooks, e.g. 07")
    return parser.parse_args(argv)


def run(argv: list[str] | None = None) -> list[dict]:
    if not os.path.exists("/proc/self/status"):
        print("python -m bench notebooks reads the kernel's memory from /proc: Linux only.")
        return []
    args = parse(argv or [])
    paths = find(args.lang, args.only)
    print(f"{len(paths)} notebooks at full size, one fresh kernel each; load average at the "
          f"start {os.getloadavg()[0]:.1f}", flush=True)
    rows, total_wall, total_cpu, top = [], 0.0, 0.0, 0.0
    for path in paths:
        name = path.relative_to(NOTEBOOKS).with_suffix("").as_posix()
        r = run_notebook(path)
        rows.append(row(name, r["wall"], r["cpu"], r["peak"], r["error"] and f"error in {r['error']}"))
        total_wall, total_cpu, top = total_wall + r["wall"], total_cpu + r["cpu"], max(top, r["peak"])
        print(f"  {name}: {r['wall']:.1f} s, peak {r['peak']:,.0f} MB {r['error']}",
              file=sys.stderr, flush=True)
    if len(rows) > 1:
        rows.append(row(f"all {len(rows)} (sum; largest peak)", total_wall, total_cpu, top))
    return rows
