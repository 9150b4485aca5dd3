"""A terminal process for the sync crash tests, killed with SIGKILL at random moments.

It runs as a small fork server so that a hundred kills fit in seconds: the parent imports
everything once, then forks one child per command. Each child is a real, separate process
that opens the terminal database itself (after the fork; the parent never opens it), does
terminal work and is killed by the test with SIGKILL. Every line on stdout starts with the
pid it is about.

Commands on stdin, one per line:

``sell-sync HOME SEED``
    the child opens the terminal, then forever: rings up 0-3 sales, printing
    ``PID sale SALE_ID SEQ`` after each checkout returned, and runs one sync round between
    ``PID round-start`` and ``PID round-end ONLINE ACKED UNSYNCED``.
``pull HOME SEED PAGE [KILL_BEFORE_PAGE]``
    the child pulls the catalog ``PAGE`` changes at a time until it is complete, printing
    ``PID page N`` as each page request goes out and ``PID pulled COUNT`` at the end. With
    ``KILL_BEFORE_PAGE`` k it SIGKILLs itself just before requesting page k, that is right
    after page k-1 and its cursor committed, before anything else happens.
``wait PID``
    the parent reaps the child and prints ``PID exited STATUS`` (a negative signal number
    when it was killed).
``quit``
"""

from __future__ import annotations

import os
import random
import signal
import sys
import traceback
from pathlib import Path

import requests

from pos.cart import Cart, Payment
from pos.pinyin import initials
from pos.terminal import Terminal
from sync.client import SyncClient

CASHIER, PIN = "李娜", "2468"
CODES = [
    "6970006000011",  # 酉阳茶油500ml
    "6970005000012",  # 秀山土家米5kg装
    "6970001000016",
    "2110001012341",  # weighed label, PLU 10001
    "2010003015909",  # priced label
]


def say(*words: object) -> None:
    os.write(1, (" ".join(str(w) for w in (os.getpid(), *words)) + "\n").encode())


def ring_up(terminal: Terminal, cashier, rng: random.Random) -> dict:
    cart = Cart()
    for _ in range(rng.randint(1, 3)):
        code = rng.choice(CODES)
        qty = 1 if code.startswith("2") else rng.randint(1, 3)
        terminal.add_to_cart(cart, code, qty)
    paid = cart.total_fen + rng.choice([0, 0, 50, 1000])
    return terminal.checkout(cart, [Payment("cash", paid)], cashier)


def sell_sync(home: Path, seed: int) -> None:
    rng = random.Random(seed)
    terminal = Terminal.open(home)
    cashier = terminal.authenticate(CASHIER, PIN)
    client = SyncClient(terminal, batch=rng.choice([2, 5, 50, 500]), page=7)
    say("ready")
    while True:
        for _ in range(rng.randint(0, 3)):
            entry = ring_up(terminal, cashier, rng)
            say("sale", entry["body"]["sale_id"], entry["seq"])
        say("round-start")
        result = client.round()
        say("round-end", int(result.online), result.acked_through, result.unsynced)


class _Pages(requests.Session):
    """A session that reports each catalog page request, and can die just before one."""

    def __init__(self, kill_before: int):
        super().__init__()
        self.kill_before = kill_before
        self.pages = 0

    def request(self, method, url, *args, **kwargs):
        if "/catalog/changes" in url:
            self.pages += 1
            if self.pages == self.kill_before:
                say("self-kill", self.pages)
                os.kill(os.getpid(), signal.SIGKILL)
            say("page", self.pages)
        return super().request(method, url, *args, **kwargs)


def pull(home: Path, seed: int, page: int, kill_before: int = 0) -> None:
    terminal = Terminal.open(home)
    client = SyncClient(terminal, session=_Pages(kill_before), page=page)
    say("ready")
    count = client.pull()
    say("pulled", count)


def child(command: list[str]) -> None:
    try:
        if command[0] == "sell-sync":
            sell_sync(Path(command[1]), int(command[2]))
        elif command[0] == "pull":
            pull(Path(command[1]), int(command[2]), int(command[3]), *map(int, command[4:]))
        else:
            raise ValueError(f"unknown command {command!r}")
    except BaseException:  # noqa: BLE001 - report anything, then die
        for line in traceback.format_exc().splitlines():
            say("error", line)
        os._exit(1)
    os._exit(0)


def main() -> None:
    initials("奉节脐橙")  # load pypinyin's tables once, not in every child (0.2 s)
    for line in sys.stdin:
        command = line.split()
        if not command:
            continue
        if command[0] == "quit":
            break
        if command[0] == "wait":
            pid = int(command[1])
            _, status = os.waitpid(pid, 0)
            code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
            os.write(1, f"{pid} exited {code}\n".encode())
            continue
        pid = os.fork()
        if pid == 0:
            child(command)
        os.write(1, f"{pid} forked\n".encode())


if __name__ == "__main__":
    main()
