"""Build dist/booth-pos_VERSION_ARCH.deb from the PyInstaller bundle with dpkg-deb (make deb).

    python packaging/build_deb.py [--bundle dist/bundle/booth-pos] [--out dist]

The package installs the bundle in /opt/booth-pos, the command /usr/bin/booth-pos, the
settings /etc/booth-pos/booth.toml (a conffile: upgrades never overwrite it), the kiosk's
systemd units, its PAM service and the udev rules for printers, scanners and scales. Its
maintainer scripts create the booth-pos user and /var/lib/booth-pos (packaging/debian/).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
sys.path.insert(0, str(PACKAGING))

from libs import uncovered  # noqa: E402 - packaging/ is not a package

PACKAGE = "booth-pos"
#: (source under packaging/ or the repository, path in the package, mode)
FILES = [
    ("files/booth-pos", "usr/bin/booth-pos", 0o755),
    ("files/booth.toml", "etc/booth-pos/booth.toml", 0o644),
    ("files/pam-booth-pos-kiosk", "etc/pam.d/booth-pos-kiosk", 0o644),
    ("files/x11-session", "usr/lib/booth-pos/x11-session", 0o755),
    ("files/x11-server", "usr/lib/booth-pos/x11-server", 0o755),
    ("systemd/booth-pos-kiosk.service", "usr/lib/systemd/system/booth-pos-kiosk.service", 0o644),
    (
        "systemd/booth-pos-kiosk-x11.service",
        "usr/lib/systemd/system/booth-pos-kiosk-x11.service",
        0o644,
    ),  # fmt: skip
    ("udev/60-booth-pos.rules", "usr/lib/udev/rules.d/60-booth-pos.rules", 0o644),
    ("files/copyright", "usr/share/doc/booth-pos/copyright", 0o644),
    ("../docs/deployment.md", "usr/share/doc/booth-pos/deployment.md", 0o644),
]
SCRIPTS = ("postinst", "prerm", "postrm")


def version() -> str:
    """The package version is the product's: ``__version__`` in sync/__init__.py."""
    text = (ROOT / "sync" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'^__version__ = "([^"]+)"', text, flags=re.M).group(1)


def architecture() -> str:
    return subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()


def deb_name(out: Path) -> Path:
    return out / f"{PACKAGE}_{version()}_{architecture()}.deb"


def _size_kib(tree: Path) -> int:
    total = sum(p.lstat().st_size for p in tree.rglob("*") if not p.is_dir())
    return (total + 1023) // 1024


def stage(bundle: Path, staging: Path) -> Path:
    """The package's file tree, with DEBIAN/ filled in."""
    if staging.exists():
        shutil.rmtree(staging)
    shutil.copytree(bundle, staging / "opt" / PACKAGE, symlinks=True)
    for source, target, mode in FILES:
        path = staging / target
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PACKAGING / source, path)
        path.chmod(mode)
    for folder in [staging, *(p for p in staging.rglob("*") if p.is_dir())]:
        folder.chmod(0o755)
    control_dir = staging / "DEBIAN"
    control_dir.mkdir()
    control = (PACKAGING / "debian" / "control.in").read_text(encoding="utf-8")
    control = (
        control.replace("@VERSION@", version())
        .replace("@ARCH@", architecture())
        .replace("@INSTALLED_SIZE@", str(_size_kib(staging)))
    )
    (control_dir / "control").write_text(control, encoding="utf-8")
    shutil.copyfile(PACKAGING / "debian" / "conffiles", control_dir / "conffiles")
    for script in SCRIPTS:
        shutil.copyfile(PACKAGING / "debian" / script, control_dir / script)
        (control_dir / script).chmod(0o755)
    return staging


def depends(staging: Path) -> str:
    text = (staging / "DEBIAN" / "control").read_text(encoding="utf-8")
    return re.search(r"^Depends: (.*)$", text, flags=re.M).group(1)


def build(bundle: Path, out: Path) -> Path:
    if not (bundle / PACKAGE).is_file():
        raise SystemExit(f"build_deb: no bundle in {bundle}: run 'make bundle' first.")
    staging = stage(bundle, ROOT / "build" / "deb" / f"{PACKAGE}_{version()}_{architecture()}")
    missing = uncovered(staging / "opt" / PACKAGE, depends(staging))
    if missing:
        lines = "\n".join(
            f"  {soname} ({path or 'not found'}): {pkg}" for soname, path, pkg in missing
        )
        raise SystemExit(
            f"build_deb: the bundle needs libraries that Depends does not bring in; add their "
            f"packages to packaging/debian/control.in:\n{lines}"
        )
    out.mkdir(parents=True, exist_ok=True)
    target = deb_name(out)
    subprocess.run(
        [
            "dpkg-deb",
            "--root-owner-group",
            "-Zxz",
            f"--threads-max={os.cpu_count() or 1}",
            "--build",
            str(staging),
            str(target),
        ],  # fmt: skip
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", default=str(ROOT / "dist" / "bundle" / PACKAGE))
    parser.add_argument("--out", default=str(ROOT / "dist"))
    args = parser.parse_args(argv)
    target = build(Path(args.bundle), Path(args.out))
    print(f"{target} ({target.stat().st_size / 1024 / 1024:.1f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
