"""``python -m sync.protocol verify FILE``: check an exported journal against the contract.

For auditors and HQ tools with Booth POS installed (the terminal or the server): the chain,
the hashes, gap-free seqs and the grand total (``journal.verify``), and every entry's body
against its type's rules (``entries.problem``), the same checks the terminal makes before
it writes and HQ makes when it receives. Standard library only. Exit 0 when the journal is
intact, 1 with the first problem, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator

from sync.protocol import archive, entries, journal


def body_problems(lines: list[str]) -> Iterator[tuple[int, str]]:
    """(seq, problem) for each entry whose body breaks its type's rules."""
    for _, entry in journal.parse_lines(lines):
        problem = entries.problem(entry)
        if problem is not None:
            yield entry.get("seq", 0), problem


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sync.protocol",
        description="Check an exported journal (JSON lines) against the journal contract.",
        epilog="example:\n  python -m sync.protocol verify journal.jsonl --terminal T1",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    verify = sub.add_parser("verify", help="chain, hashes, grand total and every entry body")
    verify.add_argument(
        "file",
        help="a journal exported with 'booth-pos journal export', or a month archived at HQ "
        "('booth-pos-server journal archive': .jsonl.gz, checked against its manifest)",
    )
    verify.add_argument("--terminal", help="the terminal id every entry must carry")
    args = parser.parse_args(argv)
    try:
        lines = archive.read_lines(args.file)
    except (OSError, ValueError) as exc:  # UnicodeDecodeError is a ValueError
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, OSError) else 1
    if archive.is_archive(lines):
        return verify_archive(args.file, lines)
    verdict = journal.verify(lines, args.terminal)
    if not verdict.ok:
        print(f"BROKEN at seq {verdict.bad_seq}: {verdict.reason}")
        return 1
    for seq, problem in body_problems(lines):
        print(f"BROKEN at seq {seq}: {problem}")
        return 1
    print(
        f"OK: {verdict.entries} entries, head {verdict.head_hash}, "
        f"grand total {verdict.grand_total_fen} fen"
    )
    return 0


def verify_archive(path: str, lines: list[str]) -> int:
    """A month archived at HQ: its manifest's SHA-256 when the manifest is beside it, then
    each terminal's piece as a continuation of the head before the month."""
    manifest = archive.manifest_path(path)
    try:
        with open(manifest, encoding="utf-8") as handle:
            expected = json.load(handle).get("sha256")
    except FileNotFoundError:
        expected = None
    except (OSError, ValueError) as exc:
        print(f"BROKEN: the manifest {manifest} cannot be read ({exc})")
        return 1
    if expected is not None and archive.sha256_of(path) != expected:
        print(f"BROKEN: the file's SHA-256 is not the one its manifest {manifest} states")
        return 1
    verdict = archive.verify(lines)
    if not verdict.ok:
        where = f"{verdict.terminal} seq {verdict.bad_seq}" if verdict.terminal else "the file"
        print(f"BROKEN at {where}: {verdict.reason}")
        return 1
    checked = "checked against its manifest" if expected else "no manifest beside it"
    print(f"OK: {verdict.pieces} terminals, {verdict.entries} entries ({checked})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
