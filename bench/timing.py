"""Shared timing helpers for the benchmark sections."""

from __future__ import annotations

import time

import numpy as np


def median_time(fn, repeat: int = 15, warmup: int = 2) -> float:
    """Median wall time of ``fn()`` in seconds over ``repeat`` runs, after ``warmup`` runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def percentile_ms(samples_ms, q) -> float:
    return float(np.percentile(np.asarray(samples_ms, dtype=float), q))


def print_table(title: str, rows: list[dict]) -> None:
    """A Markdown table, so it can be pasted into the README as it is."""
    if not rows:
        return
    cols = list(rows[0])
    print(f"\n### {title}\n")
    print("| " + " | ".join(cols) + " |")
    print("|" + "|".join("---" for _ in cols) + "|")
    for row in rows:
        print("| " + " | ".join(str(row[c]) for c in cols) + " |")
    print(flush=True)
