"""Each booth's ids at the gateways (booth_payments): WeChat's sub-merchant id and the
Alipay app auth token. The token is a secret: it is stored, used, never shown."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from sync.server import audit, clock
from sync.server.errors import ApiError
from sync.server.tables import booth_payments, booths


def set_booth(
    conn: Connection,
    booth_id: str,
    by: str,
    wechat_sub_mchid: str | None = None,
    alipay_app_auth_token: str | None = None,
) -> dict:
    """Set what is given (None leaves a value as it is, "" clears it); who and when are kept."""
    if conn.execute(select(booths.c.id).where(booths.c.id == booth_id)).first() is None:
        raise ApiError(404, f"There is no booth {booth_id!r}: add it with 'booth add' first.")
    before = describe(conn, booth_id)
    values = {"updated_at": clock.stamp(), "updated_by": by}
    if wechat_sub_mchid is not None:
        values["wechat_sub_mchid"] = wechat_sub_mchid or None
    if alipay_app_auth_token is not None:
        values["alipay_app_auth_token"] = alipay_app_auth_token or None
    found = conn.execute(
        select(booth_payments.c.booth_id).where(booth_payments.c.booth_id == booth_id)
    ).first()
    if found:
        conn.execute(
            update(booth_payments).where(booth_payments.c.booth_id == booth_id).values(**values)
        )
    else:
        conn.execute(insert(booth_payments).values(booth_id=booth_id, **values))
    after = describe(conn, booth_id)  # says whether a token is set, never the token
    audit.record(conn, by, "payments_booth_set", "booth", booth_id, before, after)
    return after


def key_of(conn: Connection, booth_id: str, method: str) -> str | None:
    """The booth's id at the gateway of ``method``, or None when it has none."""
    column = (
        booth_payments.c.wechat_sub_mchid
        if method == "wechat"
        else booth_payments.c.alipay_app_auth_token
    )
    return conn.execute(select(column).where(booth_payments.c.booth_id == booth_id)).scalar()


def describe(conn: Connection, booth_id: str) -> dict:
    """What a person may see: the sub-merchant id, whether a token is set (never the token)."""
    row = conn.execute(select(booth_payments).where(booth_payments.c.booth_id == booth_id)).first()
    if row is None:
        return {"booth": booth_id, "wechat_sub_mchid": None, "alipay_app_auth_token": "not set"}
    return {
        "booth": booth_id,
        "wechat_sub_mchid": row.wechat_sub_mchid,
        "alipay_app_auth_token": "set" if row.alipay_app_auth_token else "not set",
        "updated_at": row.updated_at,
        "updated_by": row.updated_by,
    }
