"""Refresh the JavaScript the static site ships, from npm: ``make site-assets``.

The pages of ``make html`` load nothing from the network, so the widget renderer, require.js and
the math renderer are committed under ``tools/site_assets/`` and copied into each build. This
script fetches the pinned versions below with ``npm pack``, checks each tarball against its
recorded sha512, copies only the files the pages use, and rewrites ``tools/site_assets/README.md``.
To upgrade: change a version, set its integrity to "" (the script prints the new one), run again.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ASSETS = Path(__file__).resolve().parent / "site_assets"

#: npm package -> version, tarball integrity, license, and which files to keep (glob -> folder).
PACKAGES = {
    "@jupyter-widgets/html-manager": {
        "version": "1.0.15",
        "integrity": "sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA==",
        "license": "BSD-3-Clause (bundles MIT-licensed jQuery, Lumino, ...: see embed.js.LICENSE.txt)",
        "files": {"dist/embed-amd.js": "html-manager", "dist/*.woff2": "html-manager",
                  "dist/embed.js.LICENSE.txt": "html-manager"},
    },
    "requirejs": {
        "version": "2.3.8",
        "integrity": "sha512-7/cTSLOdYkNBNJcDMWf+luFvMriVm7eYxp4BcFCsAX0wF421Vyce5SXP17c+Jd5otXKGNehIonFlyQXSowL6Mw==",
        "license": "MIT",
        "files": {"require.js": "requirejs"},
    },
    "mathjax": {
        "version": "3.2.2",
        "integrity": "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==",
        "license": "Apache-2.0",
        "files": {"es5/tex-svg-full.js": "mathjax", "LICENSE": "mathjax"},
    },
    # For the accessibility checks only (tools/a11y.py); never copied into the pages.
    "axe-core": {
        "version": "4.14.1",
        "integrity": "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
        "license": "MPL-2.0 (the tests' checker; not copied into the pages)",
        "files": {"axe.min.js": "axe-core", "LICENSE": "axe-core",
                  "LICENSE-3RD-PARTY.txt": "axe-core"},
    },
}


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def _fetch(name: str, spec: dict, tmp: Path) -> Path:
    """``npm pack`` one package into ``tmp``, check it, unpack it; return its ``package/``."""
    out = subprocess.run(["npm", "pack", f"{name}@{spec['version']}", "--json", "--silent"],
                         cwd=tmp, check=True, capture_output=True, text=True).stdout
    tarball = tmp / json.loads(out)[0]["filename"]
    got = _integrity(tarball.read_bytes())
    if got != spec["integrity"]:
        raise SystemExit(f"{name}@{spec['version']}: integrity {got}, expected "
                         f"{spec['integrity'] or '(none recorded)'}; record it if this is an upgrade")
    unpacked = tmp / tarball.stem
    with tarfile.open(tarball) as tar:
        tar.extractall(unpacked, filter="data")
    return unpacked / "package"


def main() -> int:
    if shutil.which("npm") is None:
        raise SystemExit("npm is needed to refresh the site assets (Debian: apt install npm)")
    shutil.rmtree(ASSETS, ignore_errors=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, spec in PACKAGES.items():
            pkg = _fetch(name, spec, Path(tmp))
            files = sorted(p.relative_to(pkg).as_posix() for p in pkg.rglob("*") if p.is_file())
            for pattern, folder in spec["files"].items():
                matched = [f for f in files if fnmatch.fnmatch(f, pattern)]
                if not matched:
                    raise SystemExit(f"{name}: no file matches {pattern}")
                for f in matched:
                    (ASSETS / folder).mkdir(parents=True, exist_ok=True)
                    shutil.copy2(pkg / f, ASSETS / folder / Path(f).name)
            rows.append(f"| {name} | {spec['version']} | {spec['license']} | "
                        f"{', '.join(f'`{p}`' for p in spec['files'])} |")
            print(f"{name}@{spec['version']}: ok", flush=True)
    size = sum(p.stat().st_size for p in ASSETS.rglob("*") if p.is_file())
    (ASSETS / "README.md").write_text(
        "# Vendored JavaScript for the static site\n\n"
        "Copied from npm by `make site-assets` (`python -m tools.vendor_site_assets`), which checks\n"
        "each tarball's sha512 before copying; do not edit these files by hand. `make html` copies\n"
        "them into `build/html/_static/`, so the pages load nothing from the network; `axe-core/`\n"
        "is the accessibility checker the tests run (`tools/a11y.py`) and is not copied.\n\n"
        "| npm package | version | license | files kept |\n|---|---|---|---|\n"
        + "\n".join(rows) + f"\n\nTotal: {size / 1e6:.1f} MB.\n", encoding="utf-8")
    print(f"{ASSETS}: {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
