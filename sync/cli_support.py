"""What both command lines (booth-pos, booth-pos-server) share: one-line usage errors and
subcommands whose --help ends with an example."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from sync.protocol.journal import canonical


class OneLineParser(argparse.ArgumentParser):
    """Usage errors are one line and point at --help, not the whole usage text."""

    def error(self, message: str) -> None:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def add_command(
    sub, name: str, help_text: str, example: str, handler: Callable | None
) -> argparse.ArgumentParser:
    """A subcommand with a description and an 'example:' epilog, bound to its handler."""
    parser = sub.add_parser(
        name,
        help=help_text,
        description=help_text,
        epilog=f"example:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=handler)
    return parser


def add_group(sub, name: str, help_text: str, example: str, metavar: str = "ACTION"):
    """A subcommand that only groups actions (``booth add``, ``quarantine list``...): returns
    the subparsers its actions are added to; one of them is required."""
    group = add_command(sub, name, help_text, example, None)
    actions = group.add_subparsers(
        dest=f"{name}_command", metavar=metavar, parser_class=OneLineParser
    )
    actions.required = True
    return actions


def emit(args, data, text: str) -> None:
    """Print ``data`` as canonical JSON with --json, else the sentence for people."""
    print(canonical(data) if getattr(args, "json", False) else text)
