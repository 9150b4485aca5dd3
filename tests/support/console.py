"""The HQ console in tests: its users, a browser-like session that signs in, and a booth's
real sales synced to the server the pages read."""

from __future__ import annotations

import contextlib
import re
from html.parser import HTMLParser

import requests

import sync.client
from pos.cart import Cart, Payment
from sync.server import registry
from sync.server.console import users
from sync.server.errors import ApiError
from tests.support import CASHIER, CASHIER_PIN, GIFT_BOX, OIL, RICE
from tests.support.live import LiveServer, date_enrolment, hold_demo_catalog

#: One user per role; each password meets the console's rules.
PEOPLE = {
    "wangfang": ("viewer", "wangfang-viewer-pw"),
    "zhaolei": ("supervisor", "zhaolei-supervisor-pw"),
    "liqiang": ("admin", "liqiang-admin-pw"),
}
BOOTH, BOOTH_NAME = "B1", "奉节县扶贫专柜"


def add_people(engine) -> None:
    with engine.begin() as conn:
        for name, (role, password) in PEOPLE.items():
            users.add_user(conn, name, role, password)


def csrf_of(html: str) -> str:
    """The CSRF token a page's form carries."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def browser(live: LiveServer, language: str | None = "en") -> requests.Session:
    """A requests session that keeps cookies like a browser (in English unless told)."""
    http = requests.Session()
    if language:
        http.cookies.set("booth_console_lang", language)
    return http


def sign_in(live: LiveServer, name: str, password: str | None = None, language: str | None = "en"):
    """A browser session signed in as ``name`` (one of PEOPLE unless a password is given)."""
    http = browser(live, language)
    form = http.get(f"{live.url}/console/sign-in", timeout=10)
    assert form.status_code == 200, form.text
    answer = http.post(
        f"{live.url}/console/sign-in",
        data={
            "csrf_token": csrf_of(form.text),
            "name": name,
            "password": password or PEOPLE[name][1],
            "next": "/console/",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 303, answer.text
    return http


def sell_and_sync(terminal, live: LiveServer, booth: str = BOOTH) -> list[dict]:
    """Enrol ``terminal`` (its shift open) with the server, ring up three sales now (cash
    and card) and sync them; return the sales."""
    with live.engine.begin() as conn:
        with contextlib.suppress(ApiError):
            registry.add_booth(conn, booth, BOOTH_NAME, "奉节县")
        code = registry.add_enrol_code(conn, booth, 1)
    sync.client.enroll(terminal, live.url, code)
    hold_demo_catalog(live.engine)
    date_enrolment(live.engine, terminal.terminal_id)
    cashier = terminal.authenticate(CASHIER, CASHIER_PIN)
    sales = []
    for items, method in (
        ([(OIL, 2)], "cash"),
        ([(RICE, 1), (OIL, 1)], "card"),
        ([(GIFT_BOX, 3)], "cash"),
    ):
        cart = Cart()
        for code_, qty in items:
            terminal.add_to_cart(cart, code_, qty)
        sales.append(terminal.checkout(cart, [Payment(method, cart.total_fen)], cashier))
    result = sync.client.SyncClient(terminal).round()
    assert result.online and result.unsynced == 0, result
    return sales


_VOID = {"br", "input", "meta", "link", "img", "hr", "col", "source", "wbr"}


class _Marked(HTMLParser):
    """Every table row and every element carrying a data- attribute, with the ids of the
    elements around it."""

    def __init__(self):
        super().__init__()
        self.open: list[str | None] = []
        self.found: list[tuple[tuple[str, ...], dict]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" or any(name.startswith("data-") for name in attrs):
            inside = tuple(i for i in [*self.open, attrs.get("id")] if i)
            self.found.append((inside, {"tag": tag, **attrs}))
        if tag not in _VOID:
            self.open.append(attrs.get("id"))

    def handle_endtag(self, tag):
        if tag not in _VOID and self.open:
            self.open.pop()


def marked(html: str, element_id: str) -> list[dict]:
    """The attributes of each table row and each element with a data- attribute inside (or
    being) the element with this id, in page order: how the tests read a page's figures."""
    parser = _Marked()
    parser.feed(html)
    return [attrs for inside, attrs in parser.found if element_id in inside]
