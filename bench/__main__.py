"""Run the benchmark sections and print their tables: ``python -m bench [section ...]``."""

from __future__ import annotations

import importlib
import os
import platform
import sys

from bench.timing import print_table

# Sections in the order they print; each is bench/<name>.py with TITLE and run().
SECTIONS = ["ops", "explorers", "models", "interpret", "modern"]


def main(argv: list[str]) -> int:
    os.environ.setdefault("MPLBACKEND", "Agg")
    chosen = argv or SECTIONS
    print(f"cnn-notebooks bench: Python {platform.python_version()}, {os.cpu_count()} cores, "
          f"{platform.machine()}")
    for name in chosen:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as err:
            if err.name == f"bench.{name}":
                print(f"\n(section {name}: not written yet)")
                continue
            raise
        print_table(module.TITLE, module.run())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
