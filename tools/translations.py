"""Keeping translations complete: `python -m tools.translations update|release|check`.

update  runs pyside6-lupdate over the UI sources into assets/i18n/*.ts (Qt Linguist files)
release compiles them to .qm with pyside6-lrelease (the app loads the .qm files)
check   exits 1 naming every source string without a finished translation
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from pos.ui.i18n import I18N, LANGUAGES

UI = Path(__file__).resolve().parent.parent / "pos" / "ui"
SOURCES = sorted(str(p) for p in UI.glob("*.py") if p.name != "__init__.py")


def ts_path(language: str) -> Path:
    return I18N / f"booth_pos_{language}.ts"


def _tool(name: str) -> str:
    candidate = Path(sys.executable).with_name(f"pyside6-{name}")
    return str(candidate) if candidate.exists() else f"pyside6-{name}"


def lupdate(targets: list[Path]) -> None:
    command = [
        _tool("lupdate"),
        "-no-obsolete",
        "-locations",
        "none",
        *SOURCES,
        "-ts",
        *map(str, targets),
    ]
    subprocess.run(command, check=True, capture_output=True)


def release() -> None:
    for language in LANGUAGES:
        path = ts_path(language)
        subprocess.run(
            [_tool("lrelease"), str(path), "-qm", str(path.with_suffix(".qm"))],
            check=True,
            capture_output=True,
        )


def messages(path: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """(context, source) -> (translation, type) for every message of a .ts file."""
    found = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            found[(name, message.findtext("source") or "")] = (
                (translation.text or "") if translation is not None else "",
                translation.get("type", "") if translation is not None else "unfinished",
            )
    return found


def problems() -> list[str]:
    """Every source string in the code that some language lacks a finished translation for."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "fresh.ts"
        lupdate([fresh])
        wanted = set(messages(fresh))
    found = []
    for language in LANGUAGES:
        have = messages(ts_path(language))
        for key in sorted(wanted):
            translation, kind = have.get(key, ("", "missing"))
            if not translation or kind in ("unfinished", "missing", "vanished", "obsolete"):
                found.append(f"{language}: [{key[0]}] {key[1]!r} has no translation")
    return found


def main(argv: list[str]) -> int:
    action = argv[0] if argv else "check"
    if action == "update":
        lupdate([ts_path(language) for language in LANGUAGES])
    elif action == "release":
        release()
    elif action == "check":
        missing = problems()
        for line in missing:
            print(line)
        return 1 if missing else 0
    else:
        print("usage: python -m tools.translations update|release|check", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
