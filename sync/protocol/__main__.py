"""``python -m sync.protocol verify FILE``: check an exported journal against the contract.

For auditors and HQ tools with Booth POS installed (the terminal or the server): the chain,
the hashes, gap-free seqs and the grand total (``journal.verify``), and every entry's body
against its type's rules (``entries.problem``), the same checks the terminal makes before
it writes and HQ makes when it receives. Standard library only. Exit 0 when the journal is
intact, 1 with the first problem, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator

from sync.protocol import entries, journal


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
    verify.add_argument("file", help="a journal exported with 'booth-pos journal export'")
    verify.add_argument("--terminal", help="the terminal id every entry must carry")
    args = parser.parse_args(argv)
    try:
        with open(args.file, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
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


if __name__ == "__main__":
    sys.exit(main())
