"""The Z report on paper: printed through the queue on the simulated network printer, read
back from the bytes it received, and reprinted (marked 补打) but never redone."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import timedelta

import pytest

from hardware.escpos import decode_for_humans
from pos.cart import Cart, Payment
from pos.errors import NotFound, Refused
from pos.print_queue import PrintService
from pos.store import print_jobs
from sync.protocol.journal import parse_utc
from tests.support import CASHIER, CASHIER_PIN, MANAGER, MANAGER_PIN, OIL, RICE, pin_file

PRICES = {OIL: 8800, RICE: 6980}
SUPPLIERS = {OIL: "酉阳县花田农业开发有限公司", RICE: "秀山县土家贡米种植专业合作社"}
COUNTIES = {OIL: "酉阳土家族苗族自治县", RICE: "秀山土家族苗族自治县"}
DAY = [
    ([OIL], [("cash", 10000)]),  # change ￥12.00
    ([RICE, RICE], [("wechat", 13960)]),
    ([OIL, RICE], [("alipay", 5000), ("cash", 11000)]),  # split, change ￥12.20
    ([RICE], [("card", 6980)]),
]
COUNTS = {10000: 5, 5000: 1, 2000: 2}  # ￥590.00 in the drawer
WECHAT_SETTLED = 13900  # the provider's total: ￥0.60 less than rung up
AMOUNT = re.compile(r"-?￥\d+\.\d\d")


def yuan(fen: int) -> str:
    """Fen as the Z prints them, written out independently of pos.money."""
    return ("-" if fen < 0 else "") + f"￥{abs(fen) // 100}.{abs(fen) % 100:02d}"


@pytest.fixture
def terminal(new_terminal):
    """No shift open yet: each test opens its own, with the float it needs."""
    return new_terminal


@pytest.fixture
def manager(terminal):
    return terminal.authenticate(MANAGER, MANAGER_PIN)


def use_printer(terminal, url: str, paper: int = 80):
    terminal.settings = dataclasses.replace(
        terminal.settings,
        printer_url=url,
        printer_paper_mm=paper,
        printer_retry_s=1,
        printer_timeout_s=2,
        printer_status_poll_s=0,
    )
    return terminal.settings


def sell(terminal, items, payments) -> dict:
    cart = Cart()
    for code in items:
        terminal.add_to_cart(cart, code)
    cashier = terminal.authenticate(CASHIER, CASHIER_PIN)
    return terminal.checkout(cart, [Payment(m, a) for m, a in payments], cashier)


def a_day_of_sales(terminal, manager) -> None:
    """The shift is opened first: selling needs an open shift."""
    terminal.open_shift(manager, 50000, {10000: 3, 5000: 4})
    for items, payments in DAY:
        sell(terminal, items, payments)
    terminal.move_cash("cash_in", 20000, "change from the bank", manager)
    terminal.move_cash("cash_out", 30000, "banked at noon", manager)


def expected_figures() -> dict:
    """The Z's figures, computed here from the prices rather than by the report code."""
    totals = [sum(PRICES[c] for c in items) for items, _ in DAY]
    cash_kept = totals[0] + (totals[2] - 5000)  # cash tendered minus change given
    expected_cash = 50000 + cash_kept + 20000 - 30000
    counted_cash = sum(value * number for value, number in COUNTS.items())
    suppliers: dict[str, int] = {}
    counties: dict[str, int] = {}
    for items, _ in DAY:
        for code in items:
            suppliers[SUPPLIERS[code]] = suppliers.get(SUPPLIERS[code], 0) + PRICES[code]
            counties[COUNTIES[code]] = counties.get(COUNTIES[code], 0) + PRICES[code]
    return {
        "sales_count": len(DAY),
        "sales_fen": sum(totals),
        "tenders": {
            "现金": (expected_cash, counted_cash, counted_cash - expected_cash),
            "微信支付": (13960, WECHAT_SETTLED, WECHAT_SETTLED - 13960),
            "支付宝": (5000, 5000, 0),
            "银行卡": (6980, 6980, 0),
        },
        "suppliers": suppliers,
        "counties": counties,
        "grand_total_fen": sum(totals),  # a new terminal: every sale it ever made
    }


def plain_lines(decoded: str) -> list[str]:
    return re.sub(r"<[^>]*>", "", decoded).splitlines()


def amount_after(lines: list[str], label: str) -> str:
    """The amount on the line that starts with ``label`` (two columns: label … amount)."""
    line = next(line for line in lines if line.strip().startswith(label))
    return AMOUNT.findall(line)[-1]


def tender_amounts(lines: list[str], name: str) -> list[str]:
    """应收, 实点 and 差额 of one tender: on its row (80 mm) or the three lines under it (58 mm)."""
    at = next(i for i, line in enumerate(lines) if line.split()[:1] == [name])
    on_row = AMOUNT.findall(lines[at])
    if on_row:
        return on_row
    below = lines[at + 1 : at + 4]
    assert [line.split()[0] for line in below] == ["应收", "实点", "差额"]
    return [AMOUNT.findall(line)[0] for line in below]


def print_queue(terminal, settings, printer, jobs: int) -> list[str]:
    """Let the print worker print what is queued; the decoded jobs the printer received."""
    svc = PrintService(terminal.home, terminal.terminal_id, terminal.booth_name, settings)
    svc.start()
    try:
        received = printer.wait_for_jobs(jobs, timeout=10)
    finally:
        svc.stop()
    assert len(received) == jobs
    return [decode_for_humans(job) for job in received]


def journal(terminal) -> list[dict]:
    return [json.loads(line) for line in terminal.export_journal()]


@pytest.mark.parametrize("paper", [58, 80])
def test_the_z_prints_on_the_simulated_printer_and_reads_correctly(terminal, manager, printer, paper):  # fmt: skip
    settings = use_printer(terminal, printer.url, paper)
    a_day_of_sales(terminal, manager)
    z = terminal.close_shift(manager, COUNTS, {"wechat": WECHAT_SETTLED}, print_report=True)
    [decoded] = print_queue(terminal, settings, printer, 1)
    lines = plain_lines(decoded)
    want = expected_figures()

    assert decoded.startswith("<INIT>") and "<DRAWER" not in decoded  # a Z opens no drawer
    assert decoded.rstrip().endswith("<CUT>")
    assert lines[0].strip() == "奉节县扶贫产品专柜" and lines[1].strip() == "日结报表 (Z)"
    assert "补打" not in decoded
    assert f"报表号: T1-{z['seq']:06d}" in lines
    assert f"开班流水号: T1-{z['body']['opened_seq']:06d}" in lines
    assert f"结班人: {MANAGER}" in lines
    local = parse_utc(z["at"]) + timedelta(hours=8)
    assert f"结班时间: {local:%Y-%m-%d %H:%M:%S}" in lines  # Asia/Shanghai: UTC+8 all year
    assert amount_after(lines, "销售额") == yuan(want["sales_fen"])
    assert next(line for line in lines if line.startswith("销售笔数")).split()[-1] == "4"
    assert amount_after(lines, "备用金") == yuan(50000)
    assert amount_after(lines, "现金存入") == yuan(20000)
    assert amount_after(lines, "现金取出") == yuan(30000)
    for name, figures in want["tenders"].items():
        assert tender_amounts(lines, name) == [yuan(fen) for fen in figures], name
    assert amount_after(lines, "￥100 × 5") == yuan(50000)
    assert amount_after(lines, "￥50 × 1") == yuan(5000)
    assert amount_after(lines, "￥20 × 2") == yuan(4000)
    assert amount_after(lines, "点钞合计") == yuan(59000)
    text = "\n".join(lines)
    for name, fen in [*want["suppliers"].items(), *want["counties"].items()]:
        # a long supplier name has its amount on the next line on 58 mm paper
        assert re.search(rf"{name}\s+{re.escape(yuan(fen))}\n", text), name
    assert amount_after(lines, "累计总额") == yuan(want["grand_total_fen"])
    assert lines[-1].startswith("店长签字: ___")
    width = {58: 32, 80: 48}[paper]
    assert max(len(line.encode("gbk")) for line in lines) <= width  # GBK bytes = columns
    jobs = terminal.store.conn.execute("SELECT kind, seq, state FROM print_jobs").fetchall()
    assert jobs == [("receipt", z["seq"], "printed")]


def test_a_reprint_is_journaled_once_marked_补打_and_leaves_a_single_z(terminal, manager, printer):  # fmt: skip
    settings = use_printer(terminal, printer.url, 58)
    a_day_of_sales(terminal, manager)
    z = terminal.close_shift(manager, COUNTS, {"wechat": WECHAT_SETTLED}, print_report=True)
    before = journal(terminal)
    copy = terminal.record_z_copy(z["seq"], MANAGER)
    after = journal(terminal)
    assert after[:-1] == before and after[-1] == copy
    assert copy["type"] == "z_copy" and copy["body"] == {"z_seq": z["seq"], "by": MANAGER}
    assert [e["seq"] for e in after if e["type"] == "z_close"] == [z["seq"]]
    original, reprint = print_queue(terminal, settings, printer, 2)
    assert "补打" not in original and "*** 补打日结报表 ***" in reprint
    # The same Z, word for word, apart from the mark.
    assert [line for line in plain_lines(reprint) if "补打" not in line] == plain_lines(original)
    assert terminal.verify_journal().ok


def test_only_a_z_can_be_reprinted_and_a_refusal_writes_nothing(terminal, manager):
    terminal.open_shift(manager, 10000)
    sale = sell(terminal, [OIL], [("cash", 8800)])
    before = journal(terminal)
    with pytest.raises(Refused, match=rf"entry {sale['seq']} is a sale entry, not a Z report"):
        terminal.record_z_copy(sale["seq"], MANAGER)
    with pytest.raises(NotFound, match="no journal entry 99"):
        terminal.record_z_copy(99, MANAGER)
    with pytest.raises(NotFound, match="No shift has been closed"):
        terminal.z_entry()
    assert journal(terminal) == before
    assert terminal.store.conn.execute("SELECT count(*) FROM print_jobs").fetchone()[0] == 0


def test_a_waiting_z_does_not_expire_like_a_receipt(terminal, manager):
    terminal.open_shift(manager, 10000)
    cart = Cart()
    terminal.add_to_cart(cart, OIL)
    cashier = terminal.authenticate(CASHIER, CASHIER_PIN)
    sale = terminal.checkout(cart, [Payment("cash", 8800)], cashier, print_receipt=True)
    z = terminal.close_shift(manager, {5000: 3, 2000: 1, 500: 1, 100: 3}, print_report=True)
    with terminal.store.write() as conn:
        print_jobs.expire_before(conn, "9999-12-31T00:00:00.000Z")
    states = dict(terminal.store.conn.execute("SELECT seq, state FROM print_jobs").fetchall())
    assert states == {sale["seq"]: "expired", z["seq"]: "waiting"}


def test_the_preview_printer_writes_the_z(terminal, manager):
    use_printer(terminal, "preview")
    terminal.open_shift(manager, 1000)
    z = terminal.close_shift(manager, {1000: 1}, print_report=True)
    svc = PrintService(terminal.home, terminal.terminal_id, terminal.booth_name, terminal.settings)
    assert svc.print_waiting().last_printed_seq == z["seq"]
    stem = terminal.home / "receipts" / f"z-T1-{z['seq']:06d}"
    assert "日结报表 (Z)" in stem.with_suffix(".txt").read_text(encoding="utf-8")
    assert stem.with_suffix(".png").stat().st_size > 0


# --- the command line ----------------------------------------------------------------------

APPROVE = ("--manager", MANAGER, *pin_file(MANAGER_PIN))


def cli_shift(cli) -> None:
    assert cli("shift", "open", "--float", "10000", *APPROVE).code == 0
    sold = cli("sale", "--cashier", CASHIER, *pin_file(CASHIER_PIN), "--item", OIL, "--pay", "cash:8800")  # fmt: skip
    assert sold.code == 0, sold.err


def test_shift_close_print_prints_the_z_on_the_configured_printer(cli, terminal, home, printer):  # fmt: skip
    terminal.close()
    with (home / "booth.toml").open("a", encoding="utf-8") as config:
        config.write(f'\n[printer]\nurl = "{printer.url}"\npaper_mm = 58\n')
    cli_shift(cli)
    closed = cli("shift", "close", "--counts", "10000=1,5000=1,2000=1,1000=1,500=1,100=3", "--print", "--json", *APPROVE)  # fmt: skip
    assert closed.code == 0, closed.err
    z = json.loads(closed.out)
    assert z["printed"] is True and z["sales_fen"] == 8800
    lines = plain_lines(printer.decoded(0))
    assert lines[1].strip() == "日结报表 (Z)" and f"报表号: T1-{z['seq']:06d}" in lines
    assert tender_amounts(lines, "现金") == [yuan(18800), yuan(18800), yuan(0)]
    assert max(len(line.encode("gbk")) for line in lines) <= 32


def test_shift_close_print_when_the_printer_is_out_of_paper_closes_and_says_so(cli, terminal, home, printer):  # fmt: skip
    terminal.close()
    printer.paper_out = True
    with (home / "booth.toml").open("a", encoding="utf-8") as config:
        config.write(f'\n[printer]\nurl = "{printer.url}"\ntimeout_s = 2\n')
    cli_shift(cli)
    closed = cli("shift", "close", "--counts", "10000=1,5000=1,2000=1,1000=1,500=1,100=3", "--print", *APPROVE)  # fmt: skip
    assert closed.code == 0, closed.err  # the shift is closed whatever the printer says
    assert "not printed yet" in closed.out and "out of paper" in closed.out
    assert "waits in the print queue" in closed.out
    assert cli("report", "x").code == 1  # no shift is open any more


def test_report_z_shows_the_last_z_as_text_and_json(cli, terminal):
    terminal.close()
    assert cli("report", "z").code == 1  # nothing closed yet
    cli_shift(cli)
    closed = json.loads(cli("shift", "close", "--counts", "10000=1,5000=1,2000=1,1000=1,500=1,100=3", "--json", *APPROVE).out)  # fmt: skip
    shown = cli("report", "z", "--json")
    assert shown.code == 0, shown.err
    data = json.loads(shown.out)
    assert data["seq"] == closed["seq"] and data["tenders"] == closed["tenders"]
    assert data["grand_total_fen"] == 8800
    text = cli("report", "z", str(closed["seq"]), "--width", "58")
    assert text.code == 0 and "日结报表 (Z)" in text.out and "累计总额" in text.out
    assert max(len(line.encode("gbk")) for line in text.out.splitlines()) <= 32
    refused = cli("report", "z", "2")
    assert refused.code == 1 and "not a Z report" in refused.err


def test_report_z_print_sends_a_journaled_copy(cli, terminal, printer):
    terminal.close()
    cli_shift(cli)
    closed = json.loads(cli("shift", "close", "--counts", "10000=1,5000=1,2000=1,1000=1,500=1,100=3", "--json", *APPROVE).out)  # fmt: skip
    printed = cli("report", "z", "--print", "--printer", printer.url, "--width", "80", "--json")
    assert printed.code == 0, printed.err
    report = json.loads(printed.out)
    assert report["z_seq"] == closed["seq"] and report["status"] == "ok"
    assert report["paper_mm"] == 80
    text = printer.decoded(0)
    assert "*** 补打日结报表 ***" in text and "日结报表 (Z)" in text
    entries = [json.loads(line) for line in cli("journal", "export").out.splitlines()]
    assert entries[-1]["type"] == "z_copy" and entries[-1]["seq"] == report["journal_seq"]
    assert entries[-1]["body"]["z_seq"] == closed["seq"]
    assert [e["seq"] for e in entries if e["type"] == "z_close"] == [closed["seq"]]


def test_report_z_print_on_a_printer_out_of_paper_journals_nothing(cli, terminal, printer):
    terminal.close()
    cli_shift(cli)
    assert cli("shift", "close", "--counts", "10000=1,5000=1,2000=1,1000=1,500=1,100=3", *APPROVE).code == 0  # fmt: skip
    printer.paper_out = True
    before = cli("journal", "export").out
    failed = cli("report", "z", "--print", "--printer", printer.url)
    assert failed.code == 1 and "was not printed" in failed.err and "out of paper" in failed.err
    assert cli("journal", "export").out == before
