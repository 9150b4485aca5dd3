"""The HQ console's JavaScript, vendored from the npm registry with its licences.

    python -m tools.vendor_console_js refresh   # npm pack each package, copy its file and licences
    python -m tools.vendor_console_js check     # the files match the manifest (tests run this)

The console never fetches anything from the internet at run time (an HQ intranet may have
no way out), so htmx and ECharts ship inside the package, in sync/server/console/static/vendor/.
``refresh`` takes the newest release of each package within its major version (``npm pack``,
so the files come from the registry's tarball, exactly as published) and records the
version and the SHA-256 of every file it copied in ``manifest.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "sync" / "server" / "console" / "static" / "vendor"
MANIFEST = VENDOR / "manifest.json"
#: npm package spec -> (file in the tarball -> name in vendor/). Licence files sit beside them.
PACKAGES = {
    "htmx.org@2": {
        "package/dist/htmx.min.js": "htmx.min.js",
        "package/LICENSE": "htmx.LICENSE",
    },
    "echarts@5": {
        "package/dist/echarts.min.js": "echarts.min.js",
        "package/LICENSE": "echarts.LICENSE",
        "package/NOTICE": "echarts.NOTICE",
        "package/licenses/LICENSE-d3": "echarts.LICENSE-d3",
    },
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refresh() -> dict:
    VENDOR.mkdir(parents=True, exist_ok=True)
    manifest: dict = {"packages": {}, "files": {}}
    with tempfile.TemporaryDirectory() as scratch:
        for spec, files in PACKAGES.items():
            packed = subprocess.run(
                ["npm", "pack", spec, "--json", "--pack-destination", scratch],
                check=True,
                capture_output=True,
                text=True,
            )
            info = json.loads(packed.stdout)[0]
            manifest["packages"][info["name"]] = {
                "version": info["version"],
                "integrity": info["integrity"],
            }
            with tarfile.open(Path(scratch) / info["filename"]) as tar:
                for member, name in files.items():
                    data = tar.extractfile(member).read()
                    (VENDOR / name).write_bytes(data)
                    manifest["files"][name] = {
                        "package": info["name"],
                        "version": info["version"],
                        "from": member,
                        "sha256": hashlib.sha256(data).hexdigest(),
                    }
    MANIFEST.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def problems() -> list[str]:
    """What differs between vendor/ and its manifest (an empty list when they agree)."""
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    found = []
    for name, entry in manifest["files"].items():
        path = VENDOR / name
        if not path.is_file():
            found.append(f"{name} is listed in the manifest but missing")
        elif sha256(path) != entry["sha256"]:
            found.append(f"{name} differs from {entry['package']} {entry['version']}")
    listed = set(manifest["files"]) | {MANIFEST.name}
    found += [f"{p.name} is not in the manifest" for p in VENDOR.iterdir() if p.name not in listed]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.vendor_console_js", description=__doc__)
    parser.add_argument("action", choices=["refresh", "check"])
    args = parser.parse_args(argv)
    if args.action == "refresh":
        manifest = refresh()
        for name, package in manifest["packages"].items():
            print(f"{name} {package['version']}")
        return 0
    found = problems()
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
