"""The system libraries the bundle's native code needs, and the Debian packages that have them.

The bundle (dist/bundle/booth-pos) carries Python, Qt and the Python packages' own libraries;
libraries of the system (X11, Wayland, EGL, fontconfig, OpenSSL, SQLite...) are left out on
purpose (packaging/booth-pos.spec) and must come from the .deb's Depends. ``ldd`` on every
ELF file of the bundle says which are needed; ``dpkg -S`` says which package has each one.
A library that is not installed on the build machine is named by Debian's convention for
library packages (``libwayland-cursor.so.0`` is in ``libwayland-cursor0``).

    python packaging/libs.py dist/bundle/booth-pos    # soname, path, package
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ELF_MAGIC = b"\x7fELF"
_LDD_LINE = re.compile(r"^\s*(\S+)\s+=>\s+(.*?)(?:\s+\(0x[0-9a-f]+\))?$")


def _elf_files(bundle: Path) -> list[Path]:
    files = []
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == ELF_MAGIC:
                    files.append(path)
    return sorted(files)


def needed(bundle: Path) -> dict[str, str | None]:
    """Every library the bundle loads from outside itself: soname -> path (None: not found)."""
    elves = _elf_files(bundle)
    carried = {path.name for path in bundle.rglob("*.so*")}
    search = sorted({str(path.parent) for path in elves})
    env = {**os.environ, "LD_LIBRARY_PATH": ":".join(search)}
    found: dict[str, str | None] = {}
    for elf in elves:
        result = subprocess.run(["ldd", str(elf)], capture_output=True, text=True, env=env)
        for line in result.stdout.splitlines():
            match = _LDD_LINE.match(line)
            if not match:
                continue
            soname, target = match.groups()
            if soname in carried or target.startswith(str(bundle)):
                continue
            path = None if target == "not found" else target
            if found.get(soname) is None:
                found[soname] = path
    return found


def unresolved(bundle: Path, files: list[Path]) -> dict[str, list[Path]]:
    """The libraries ``files`` (in ``bundle``) need that this machine's loader cannot find:
    soname -> the files that need it (directly or through another library). ``ldd`` follows
    every dependency, so a Qt plugin's own libraries are checked too."""
    search = sorted({str(path.parent) for path in _elf_files(bundle)})
    env = {**os.environ, "LD_LIBRARY_PATH": ":".join(search)}
    missing: dict[str, list[Path]] = {}
    for elf in files:
        result = subprocess.run(["ldd", str(elf)], capture_output=True, text=True, env=env)
        for line in result.stdout.splitlines():
            match = _LDD_LINE.match(line)
            if match and match.group(2) == "not found":
                needers = missing.setdefault(match.group(1), [])
                if elf not in needers:
                    needers.append(elf)
    return missing


def package_of(path: str) -> str | None:
    """The installed package that has the file ``path`` (following links), or None."""
    for candidate in dict.fromkeys((path, os.path.realpath(path))):
        result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if result.returncode == 0 and result.stdout:
            return result.stdout.split(":", 1)[0].split(",")[0].strip()
    return None


def conventional_package(soname: str) -> str:
    """Debian's name for the package of a library: libfoo.so.1 -> libfoo1, libfoo2.so.0 -> libfoo2-0."""
    match = re.fullmatch(r"(lib[\w.+-]+?)\.so\.(\d+)(?:\..*)?", soname)
    if not match:
        return soname
    name, major = match.groups()
    name = name.lower().replace("_", "-")
    return f"{name}-{major}" if name[-1].isdigit() else f"{name}{major}"


def depends_of(control_depends: str) -> set[str]:
    """The package names in a Depends field (every alternative, no versions)."""
    names = set()
    for part in re.split(r"[,|]", control_depends):
        name = part.strip().split(" ", 1)[0].split(":", 1)[0]
        if name:
            names.add(name)
    return names


def closure(packages: set[str]) -> set[str]:
    """``packages`` and, for those installed here, everything they depend on."""
    seen: set[str] = set()
    todo = list(packages)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Depends}, ${Pre-Depends}", name],
            capture_output=True,
            text=True,
        )
        if result.returncode == 0:
            todo.extend(depends_of(result.stdout) - seen)
    return seen


def uncovered(bundle: Path, control_depends: str) -> list[tuple[str, str | None, str]]:
    """(soname, path, package) for each needed library that Depends does not bring in."""
    provided = closure(depends_of(control_depends))
    missing = []
    for soname, path in sorted(needed(bundle).items()):
        package = (package_of(path) if path else None) or conventional_package(soname)
        if package not in provided:
            missing.append((soname, path, package))
    return missing


def main(argv: list[str]) -> int:
    bundle = Path(argv[0] if argv else "dist/bundle/booth-pos")
    for soname, path in sorted(needed(bundle).items()):
        package = (package_of(path) if path else None) or conventional_package(soname) + " (?)"
        print(f"{soname}\t{path or 'not found'}\t{package}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
