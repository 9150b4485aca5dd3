"""The HQ console's translations (gettext catalogs kept with Babel).

    python -m tools.console_messages extract   # print the messages the console shows
    python -m tools.console_messages update    # add new messages to both catalogs, drop gone ones
    python -m tools.console_messages check     # every message translated in both (tests run this)

Messages are English in the code: ``_("...")`` in the templates (sync/server/console/templates)
and ``N_("...")`` in its Python modules. The catalogs are
sync/server/console/locale/{zh_CN,en}/LC_MESSAGES/console.po. ``update`` fills a new English
entry with its message; Chinese entries are left empty for a translator, and ``check`` fails
until they are filled. Placeholders such as ``{seconds}`` must survive translation.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from sync.server.console import i18n

CONSOLE = Path(i18n.__file__).resolve().parent
#: What Babel reads: the templates with Jinja2's extractor, the modules with Python's.
METHOD_MAP = [("templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
OPTIONS = {"templates/**.html": {"trimmed": "false"}}
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def extracted() -> dict[str, list[tuple[str, int]]]:
    """Every message id the console can show, with where it is written."""
    found: dict[str, list[tuple[str, int]]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        CONSOLE, METHOD_MAP, OPTIONS
    ):
        if isinstance(message, str) and message:
            found.setdefault(message, []).append((filename, lineno))
    return found


def load(language: str) -> Catalog:
    with i18n.catalog_path(language).open("rb") as po:
        return read_po(po, locale=language)


def update() -> None:
    messages = extracted()
    template = Catalog(domain=i18n.DOMAIN, project="booth-pos", charset="utf-8")
    for message, locations in sorted(messages.items()):
        template.add(message, locations=locations)
    for language in i18n.LANGUAGES:
        path = i18n.catalog_path(language)
        if path.exists():
            catalog = load(language)
            catalog.update(template, no_fuzzy_matching=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=language, domain=i18n.DOMAIN, project="booth-pos")
            for message in template:
                if message.id:
                    catalog.add(message.id, locations=message.locations)
        if language == "en":
            for message in catalog:
                if message.id and not message.string:
                    message.string = message.id
        with path.open("wb") as po:
            write_po(po, catalog, ignore_obsolete=True, sort_output=True, width=100)


def problems() -> list[str]:
    """Messages missing from a catalog, untranslated, fuzzy, or losing a placeholder."""
    messages = extracted()
    found = []
    for language in i18n.LANGUAGES:
        catalog = load(language)
        for message in sorted(messages):
            entry = catalog.get(message)
            filename, lineno = messages[message][0]
            where = f"{filename}:{lineno}"
            if entry is None:
                found.append(f"{language}: {message!r} ({where}) is not in the catalog: run update")
            elif not entry.string or entry.fuzzy:
                found.append(f"{language}: {message!r} ({where}) is not translated")
            elif set(PLACEHOLDER.findall(message)) != set(PLACEHOLDER.findall(entry.string)):
                found.append(f"{language}: {message!r} loses or adds a {{placeholder}}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.console_messages", description=__doc__)
    parser.add_argument("action", choices=["extract", "update", "check"])
    args = parser.parse_args(argv)
    if args.action == "extract":
        for message in sorted(extracted()):
            print(message)
        return 0
    if args.action == "update":
        update()
        return 0
    found = problems()
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
