"""Why a bundled window cannot start, said at once: a window whose Qt platform plugin cannot
load aborts before it shows, and a test waiting for its READY=1 would otherwise only time out
a minute later without saying why.

Before starting the window, ``platform_problem`` runs ``ldd`` on the bundle's program, Qt
Widgets and the platform's plugins, and names each library this machine lacks with the
Debian package that has it ("libwayland-cursor.so.0 not found (install libwayland-cursor0)").
While waiting, ``fatal_lines`` picks out of the window's output the lines that mean it will
never show ("Could not load the Qt platform plugin", "... cannot open shared object file").
"""

from __future__ import annotations

from pathlib import Path

from tests.packaging.deb_build import libs

#: The files each Qt platform loads on top of Qt Widgets (paths under Qt's plugins folder).
PLATFORM_PLUGINS = {
    "wayland": ("platforms/libqwayland*.so", "wayland-shell-integration/libxdg-shell.so"),
    "xcb": ("platforms/libqxcb.so",),
}
#: Qt's and the loader's words for a window that will never show.
FATAL = (
    "error while loading shared libraries",  # the loader, for the program itself
    "Could not load the Qt platform plugin",
    "Could not find the Qt platform plugin",
    "no Qt platform plugin could be initialized",
)
#: Quoted along with them: which library was missing. (Alone not fatal: Mesa says it too
#: when it looks for a driver it can do without.)
CONTEXT = ("cannot open shared object file",)


def window_files(bundle: Path, platform: str) -> list[Path]:
    """The program, Qt Widgets' Python module and the platform's plugins in ``bundle``."""
    files = [bundle / "booth-pos", *sorted(bundle.rglob("PySide6/QtWidgets*.so"))]
    for plugins in sorted(bundle.rglob("Qt/plugins")):
        for pattern in PLATFORM_PLUGINS[platform]:
            files.extend(sorted(plugins.glob(pattern)))
    return [path for path in files if path.is_file()]


def describe(missing: dict[str, list[Path]], bundle: Path) -> str:
    """'libfoo.so.1 not found (install libfoo1), needed by ...; ...' or ''."""
    parts = []
    for soname, needers in sorted(missing.items()):
        names = ", ".join(str(_relative(path, bundle)) for path in needers)
        package = libs.conventional_package(soname)
        parts.append(f"{soname} not found (install {package}), needed by {names}")
    return "; ".join(parts)


def platform_problem(bundle: Path, platform: str) -> str:
    """Why the bundled window cannot load Qt's ``platform`` here ('' when it can)."""
    files = window_files(bundle, platform)
    plugins = [path for path in files if "plugins" in path.parts]
    if not plugins:
        return f"the bundle has no Qt {platform} platform plugin ({PLATFORM_PLUGINS[platform]})"
    found = describe(libs.unresolved(bundle, files), bundle)
    return f"the bundled window cannot load Qt's {platform} platform here: {found}" if found else ""


def fatal_lines(text: str) -> list[str]:
    """The lines of a window's output that say it will never show, with the loader's lines
    that say which library was missing; [] when there is none of the first kind."""
    lines = [line.strip() for line in text.splitlines()]
    if not any(word in line for line in lines for word in FATAL):
        return []
    return list(dict.fromkeys(line for line in lines if any(w in line for w in FATAL + CONTEXT)))


def _relative(path: Path, folder: Path) -> Path:
    try:
        return path.relative_to(folder)
    except ValueError:
        return path
