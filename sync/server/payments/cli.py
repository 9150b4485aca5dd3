"""``booth-pos-server payments ...``: a booth's ids at the gateways, settling open attempts,
and the gateway simulator."""

from __future__ import annotations

from pathlib import Path

from sync.cli_support import add_command, add_group


class PaymentsRefusal(Exception):
    pass


def cmd_booth(args, engine_of, actor: str, show) -> int:
    from sync.server.payments import booths

    token = None
    if args.alipay_app_auth_token_file:
        path = Path(args.alipay_app_auth_token_file)
        try:
            token = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise PaymentsRefusal(f"Cannot read {path}: {exc.strerror}.") from None
        if not token:
            raise PaymentsRefusal(f"{path} is empty: it should hold the booth's app auth token.")
    if args.wechat_sub_mchid is not None and args.wechat_sub_mchid and not args.wechat_sub_mchid.isdigit():  # fmt: skip
        raise PaymentsRefusal("--wechat-sub-mchid is the booth's WeChat Pay sub-merchant number (digits).")  # fmt: skip
    with engine_of(args).begin() as conn:
        if args.wechat_sub_mchid is None and token is None:
            data = booths.describe(conn, args.booth)
        else:
            data = booths.set_booth(conn, args.booth, actor, args.wechat_sub_mchid, token)
    show(
        args,
        data,
        f"Booth {data['booth']}: WeChat sub-merchant {data['wechat_sub_mchid'] or 'not set'}, "
        f"Alipay app auth token {data['alipay_app_auth_token']}",
    )
    return 0


def _payments_of(settings):
    from sync.server.payments.config import PaymentsConfigError
    from sync.server.payments.service import Payments

    try:
        payments = Payments.from_settings(settings)
    except PaymentsConfigError as exc:
        raise PaymentsRefusal(str(exc)) from None
    if payments is None:
        raise PaymentsRefusal("BOOTH_POS_SERVER_PAYMENTS_CONFIG is not set: HQ takes no mobile payments.")  # fmt: skip
    return payments


def cmd_settle(args, engine_of, settings_of, show, actor: str = "unknown") -> int:
    from sync.server.payments.refunds import carry_out_pending
    from sync.server.payments.service import settle_all

    payments = _payments_of(settings_of(args))
    engine = engine_of(args)
    results = settle_all(engine, payments)
    refunds = carry_out_pending(engine, payments)
    _audit_settle(engine, actor, results, refunds)
    still = [r for r in results if r["state"] in ("waiting", "unknown")]
    lines = [f"{r['out_trade_no']}  {r['state']}  {r['amount_fen']} fen" for r in results]
    lines.append(f"{len(results)} open payment(s) asked about; {len(still)} still open.")
    lines += [f"refund {r['out_refund_no']}  {r['state']}  {r['amount_fen']} fen" for r in refunds]
    pending = sum(1 for r in refunds if r["state"] == "pending")
    lines.append(f"{len(refunds)} pending refund(s) asked about; {pending} still pending.")
    show(
        args,
        {
            "settled": results,
            "still_open": len(still),
            "refunds": refunds,
            "refunds_pending": pending,
        },
        "\n".join(lines),
    )
    return 0


def cmd_reconcile(args, engine_of, settings_of, show, actor: str) -> int:
    from datetime import date

    from sync.server.payments.reconcile import ReconcileError, reconcile

    try:
        day = date.fromisoformat(args.date)
    except ValueError:
        raise PaymentsRefusal(f"--date is a day like 2026-11-28, not {args.date!r}.") from None
    settings = settings_of(args)
    payments = _payments_of(settings)
    try:
        result = reconcile(engine_of(args), payments, day, settings.zone, actor)
    except ReconcileError as exc:
        raise PaymentsRefusal(f"Nothing was reconciled: {exc}") from None
    counts = result["counts"]
    lines = [f"{kind}: {counts.get(kind, 0)}" for kind in counts]
    lines += [
        f"{i['kind']}  {i['booth_id'] or '?'}  {i['provider']}  {i['out_refund_no'] or i['out_trade_no']}"
        for i in result["mismatches"]
    ]
    show(args, result, "\n".join(lines))
    return 0


def _audit_settle(engine, actor: str, results: list[dict], refunds: list[dict]) -> None:
    """One audit row for the whole settle. Each attempt's and refund's answer was recorded
    with it, in its own short transaction (payment_events), since a gateway call never sits
    inside one."""
    from sync.server import audit

    settled = [
        {key: r.get(key) for key in ("out_trade_no", "state", "amount_fen")} for r in results
    ]
    returned = [
        {key: r.get(key) for key in ("out_refund_no", "state", "amount_fen")} for r in refunds
    ]
    with engine.begin() as conn:
        audit.record(
            conn, actor, "payments_settled", "payments", "", None,
            {"settled": settled, "refunds": returned},
        )  # fmt: skip


def cmd_simulate(args) -> int:
    from sync.server.payments.simulator import Simulator

    sim = Simulator(
        Path(args.keys),
        port=args.port,
        wechat_limit_s=args.wechat_limit_s,
        alipay_limit_s=args.alipay_limit_s,
    )
    print(f"Gateway simulator on {sim.url}", flush=True)
    print(f"HQ's settings for it: BOOTH_POS_SERVER_PAYMENTS_CONFIG={sim.config}", flush=True)
    try:
        sim.server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        sim.server.server_close()
    return 0


def add_commands(sub, handlers: dict) -> None:
    group = add_group(
        sub,
        "payments",
        "Mobile payments: a booth's gateway ids, settling open payments, the gateway simulator.",
        "booth-pos-server payments booth CQ-FJ-001 --wechat-sub-mchid 1900000109",
    )
    p = add_command(
        group,
        "booth",
        "Set (or show) a booth's WeChat Pay sub-merchant id and Alipay app auth token.",
        "booth-pos-server payments booth CQ-FJ-001 --wechat-sub-mchid 1900000109 "
        "--alipay-app-auth-token-file /etc/booth-pos/CQ-FJ-001.alipay-token",
        handlers["booth"],
    )
    p.add_argument("booth", metavar="BOOTH")
    p.add_argument(
        "--wechat-sub-mchid", metavar="ID", help="the booth's WeChat Pay sub-merchant number ('' clears it)"
    )  # fmt: skip
    p.add_argument(
        "--alipay-app-auth-token-file",
        metavar="FILE",
        help="a file holding the app auth token the booth granted HQ's Alipay app (kept off "
        "the command line and out of shell history)",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(
        group,
        "settle",
        "Ask the gateways about every waiting or unknown payment; revoke those past the limit.",
        "booth-pos-server payments settle --json",
        handlers["settle"],
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(
        group,
        "reconcile",
        "Match one day's WeChat Pay and Alipay bills against the journals; mismatches raise alerts.",
        "booth-pos-server payments reconcile --date 2026-11-28 --json",
        handlers["reconcile"],
    )
    p.add_argument("--date", required=True, metavar="DAY", help="the business day, e.g. 2026-11-28")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add_command(
        group,
        "simulate",
        "Run the WeChat Pay / Alipay gateway simulator on 127.0.0.1 (tests, demo, benchmark).",
        "booth-pos-server payments simulate --port 8766 --keys demo-home/payment-keys",
        handlers["simulate"],
    )
    p.add_argument("--port", type=int, default=8766)
    p.add_argument(
        "--keys",
        metavar="DIR",
        default="payment-keys",
        help="where the demo keys and HQ's payments.toml for the simulator are kept (made if missing)",
    )
    p.add_argument(
        "--wechat-limit-s", type=float, default=45, metavar="S",
        help="seconds before an unconfirmed WeChat order closes (default 45)",
    )  # fmt: skip
    p.add_argument(
        "--alipay-limit-s", type=float, default=180, metavar="S",
        help="seconds before an unconfirmed Alipay order closes (default 180)",
    )  # fmt: skip
