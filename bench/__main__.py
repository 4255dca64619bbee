"""Run the benchmark sections and print their tables: ``python -m bench [section ...]``.

Options after one section go to it: ``python -m bench notebooks --lang zh``.
"""

from __future__ import annotations

import importlib
import os
import platform
import sys

from bench.timing import print_table

# Sections in the order they print; each is bench/<name>.py with TITLE and run().
SECTIONS = ["ops", "explorers", "models", "interpret", "modern"]
# Run only when named: every notebook at full size takes several minutes.
ON_REQUEST = ["notebooks"]


def main(argv: list[str]) -> int:
    os.environ.setdefault("MPLBACKEND", "Agg")
    options = next((i for i, a in enumerate(argv) if a.startswith("-")), len(argv))
    chosen, options = argv[:options] or SECTIONS, argv[options:]
    if options and len(chosen) != 1:
        print(f"options ({' '.join(options)}) go to one section: python -m bench SECTION "
              f"{' '.join(options)}", file=sys.stderr)
        return 2
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
        print_table(module.TITLE, module.run(options) if options else module.run())
    if not argv:
        print(f"(not run unless named, since they take minutes: "
              f"{', '.join(f'python -m bench {n}' for n in ON_REQUEST)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
