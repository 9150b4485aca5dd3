"""The campaign office's catalog pages under /console/: search and filters, a product (its
history, where it sells, the edit form, withdrawing it), the CSV import with its preview,
the export; suppliers and counties; and the audit log. A viewer reads; a supervisor or an
admin changes the catalog; the audit log is for supervisors and admins."""

from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import io
import re
from datetime import date, datetime
from email.parser import BytesParser
from email.policy import HTTP

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sync.protocol.catalog import COLUMNS
from sync.server import audit, catalog, catalog_schedule, clock
from sync.server.console import catalog_views, guard, views
from sync.server.console.guard import Form, Supervisor, Viewer
from sync.server.console.i18n import N_
from sync.server.console.render import render
from sync.server.db import reading
from sync.server.errors import ApiError
from sync.server.routes import audit as audit_routes

router = APIRouter(prefix="/console", include_in_schema=False)
#: A catalog sheet the import page reads at most (6,300 products are about 1 MB).
MAX_SHEET_BYTES = 8 * 1024 * 1024
#: The fields the product form edits; the rest of the product stays as it is.
EDITABLE = ("name", "name_en", "price", "certificate_no", "certificate_expires")
PRICE = re.compile(r"^\d{1,6}(\.\d{1,2})?$")
#: Words the pages show from data, for the catalogs.
SHOWN_WORDS = (
    N_("expired"), N_("expiring"), N_("valid"), N_("none"), N_("piece"), N_("kg"),
    N_("booth_added"), N_("booth_edited"), N_("enrol_code_issued"), N_("terminal_enrolled"),
    N_("terminal_replaced"), N_("terminal_revoked"), N_("admin_added"), N_("admin_revoked"),
    N_("user_added"), N_("user_disabled"), N_("password_changed"), N_("signed_in"),
    N_("signed_out"), N_("catalog_imported"), N_("product_imported"), N_("product_saved"),
    N_("product_withdrawn"), N_("delivery_added"), N_("quarantine_released"),
    N_("payments_booth_set"), N_("payments_settled"), N_("figures_rebuilt"),
    N_("product_change_scheduled"), N_("product_change_cancelled"),
    N_("product_change_applied"), N_("product_change_failed"),
)  # fmt: skip


def _engine(request: Request):
    return request.app.state.engine


def _today(request: Request) -> date:
    return views.business_day(clock.now(), request.app.state.settings.zone)


def _actor(signed: guard.Signed) -> str:
    return f"user:{signed.user.name}"


def _page(text: str) -> int:
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) <= 6 else 1


def _clean(text: str, limit: int = 64) -> str:
    return "".join(ch for ch in text if ch.isprintable())[:limit].strip()


# --- the catalog -------------------------------------------------------------------------


@router.get("/catalog")
def catalog_page(
    request: Request,
    signed: Viewer,
    q: str = "",
    cert: str = "all",
    county: str = "",
    supplier: str = "",
    category: str = "",
    withdrawn: str = "",
    page: str = "1",
):
    cert = cert if cert in catalog_views.CERT_STATES else "all"
    q, county, supplier, category = (_clean(v) for v in (q, county, supplier, category))
    with reading(_engine(request)) as conn:
        found = catalog_views.search(
            conn, _today(request), q, cert, county, supplier, category, withdrawn == "1",
            _page(page),
        )  # fmt: skip
    filters = {"q": q, "cert": cert, "county": county, "supplier": supplier,
               "category": category, "withdrawn": "1" if withdrawn == "1" else ""}  # fmt: skip
    context = {
        **found,
        "filters": filters,
        "cert_states": catalog_views.CERT_STATES,
        "query": _query(filters),
        "target": "#catalog",
    }
    template = "_catalog_rows.html" if request.headers.get("HX-Request") else "catalog.html"
    return render(request, template, context, signed=signed)


def _query(params: dict) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in params.items() if v not in ("", None, "all")})


@router.get("/catalog.csv")
def catalog_export(request: Request, signed: Viewer):
    """The whole catalog (withdrawn products left out) as a sheet the import reads back."""
    with reading(_engine(request)) as conn:
        products = [p for p in catalog.all_products(conn) if not p["deleted"]]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for product in products:
        cells = {**product, "barcode": "|".join(product["barcodes"]), "plu": product["plu"] or ""}
        writer.writerow([cells[column] for column in COLUMNS])
    name = f"catalog-{_today(request).isoformat()}.csv"
    return Response(
        ("\ufeff" + out.getvalue()).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


def _product(request: Request, conn, product_id: str) -> dict:
    try:
        return catalog_views.product_page(conn, product_id, _today(request))
    except ApiError:
        raise guard.ConsoleRefusal(
            404, N_("There is no product {product}."), product=product_id[:64]
        ) from None


@router.get("/catalog/products/{product_id}")
def product_page(request: Request, signed: Viewer, product_id: str):
    with reading(_engine(request)) as conn:
        context = _product(request, conn, product_id)
    return render(request, "product.html", _form_context(context, {}, {}), signed=signed)


def _form_context(context: dict, values: dict, problems: dict, done: str = "") -> dict:
    product = context["product"]
    shown = {
        "name": product["name"],
        "name_en": product["name_en"],
        "price": f"{product['price_fen'] // 100}.{product['price_fen'] % 100:02d}",
        "certificate_no": product["certificate_no"],
        "certificate_expires": product["certificate_expires"],
        "effective_at": "",
    }
    return {**context, "values": {**shown, **values}, "problems": problems, "done": done}


@router.post("/catalog/products/{product_id}")
def edit_product(request: Request, signed: Supervisor, product_id: str, form: Form):
    """Save the edited fields now, or schedule them for a later time ("takes effect at");
    every problem is shown beside its field and nothing changes."""
    guard.check_csrf(request, form, signed.csrf)
    values = {key: form.get(key, "").strip() for key in (*EDITABLE, "effective_at")}
    problems: dict[str, tuple] = {}
    if not PRICE.fullmatch(values["price"]):
        problems["price"] = (N_("A price is yuan with at most two decimals, like 12.80."), {})
    moment, problem = _effective_at(values["effective_at"], request.app.state.settings.zone)
    if problem:
        problems["effective_at"] = (problem, {})
    done = ""
    with _engine(request).begin() as conn:
        context = _product(request, conn, product_id)
        current = context["product"]
        if current["deleted"]:
            raise guard.ConsoleRefusal(
                409, N_("Product {product} is withdrawn: import it again to sell it."),
                product=product_id[:64],
            )  # fmt: skip
        if not problems:
            yuan, _, cents = values["price"].partition(".")
            changes = {
                "name": values["name"],
                "name_en": values["name_en"],
                "price_fen": int(yuan) * 100 + int(cents.ljust(2, "0") or 0),
                "certificate_no": values["certificate_no"],
                "certificate_expires": values["certificate_expires"],
            }
            edited = {
                **{k: current[k] for k in catalog.FIELDS},
                "barcodes": current["barcodes"],
                "id": product_id,
                **changes,
            }
            try:
                if moment is None:
                    catalog.upsert_product(conn, edited, by=_actor(signed))
                    done = "saved"
                else:
                    catalog_schedule.schedule(conn, product_id, changes, moment, _actor(signed))
                    done = "scheduled"
            except ApiError as exc:
                problems = _field_problems(exc)
        if not problems:
            context = _product(request, conn, product_id)
    status = 422 if problems else 200
    page = _form_context(context, values if problems else {}, problems, done=done)
    return render(request, "product.html", page, status, signed)


#: How the form's "takes effect at" may be written (local time; a browser sends the first).
WHEN_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S")


def _effective_at(text: str, zone) -> tuple[datetime | None, str | None]:
    """(when a change takes effect, or None for now; a problem with the time, or None)."""
    if not text:
        return None, None
    for pattern in WHEN_FORMATS:
        try:
            moment = datetime.strptime(text, pattern).replace(tzinfo=zone)
            break
        except ValueError:
            continue
    else:
        return None, N_("A time is written YYYY-MM-DD HH:MM, local time, like 2026-12-10 08:00.")
    now = clock.now()
    why = catalog_schedule.check_when(moment, now)
    if why == "past":
        return None, N_("This time has passed: leave it empty to change now, or give a later time.")
    if why == "too_far":
        return None, N_("A change can be scheduled at most a year ahead.")
    return (moment if moment > now else None), None


@router.post("/catalog/products/{product_id}/scheduled/{schedule_id}/cancel")
def cancel_scheduled(
    request: Request, signed: Supervisor, product_id: str, schedule_id: str, form: Form
):
    """Cancel a change scheduled for later: nothing of it reaches terminals."""
    guard.check_csrf(request, form, signed.csrf)
    with _engine(request).begin() as conn:
        _product(request, conn, product_id)
        try:
            number = int(schedule_id) if schedule_id.isascii() and schedule_id.isdigit() else 0
            catalog_schedule.cancel(conn, product_id, number, _actor(signed))
        except ApiError:
            raise guard.ConsoleRefusal(
                409, N_("This scheduled change was already applied or cancelled: nothing changed.")
            ) from None
        context = _product(request, conn, product_id)
    page = _form_context(context, {}, {}, done="cancelled")
    return render(request, "product.html", page, signed=signed)


#: Catalog columns as the form names its fields.
FIELD_OF = {"price_fen": "price", "certificate_expires": "certificate_expires",
            "certificate_no": "certificate_no", "name": "name", "name_en": "name_en"}  # fmt: skip


def _field_problems(exc: ApiError) -> dict[str, tuple]:
    """The catalog's own reasons ('column: reason'), each beside its field, in the reader's
    language (reasons.py); a reason about no field of the form goes above the form."""
    problems: dict[str, tuple] = {}
    for problem in exc.extra.get("errors") or [exc.detail]:
        column, _, reason = problem.partition(": ")
        column = column.removeprefix("column ").strip()
        if column in COLUMNS and reason:
            field = FIELD_OF.get(column, "form")
        else:
            field, reason = "form", problem
        problems.setdefault(field, ("{catalog_reason}", {"catalog_reason": reason}))
    return problems


@router.post("/catalog/products/{product_id}/withdraw")
def withdraw_product(request: Request, signed: Supervisor, product_id: str, form: Form):
    """Withdraw a product: terminals get a tombstone through the catalog feed."""
    guard.check_csrf(request, form, signed.csrf)
    with _engine(request).begin() as conn:
        _product(request, conn, product_id)
        catalog.delete_product(conn, product_id, by=_actor(signed))
        context = _product(request, conn, product_id)
    return render(request, "product.html", _form_context(context, {}, {}), signed=signed)


# --- the import --------------------------------------------------------------------------


@router.get("/catalog/import")
def import_page(request: Request, signed: Supervisor):
    return render(request, "catalog_import.html", _import_context(), signed=signed)


def _import_context(**extra) -> dict:
    return {"preview": None, "problem": None, "sheet": "", "digest": "", "result": None, **extra}


async def _upload(request: Request) -> dict[str, bytes]:
    """A multipart form's fields as bytes (the sheet and the CSRF token)."""
    kind = request.headers.get("content-type", "")
    if not kind.lower().startswith("multipart/form-data"):
        return {}
    body = await request.body()
    if len(body) > MAX_SHEET_BYTES:
        raise guard.ConsoleRefusal(
            413, N_("The form is too large to be read: nothing was changed.")
        )
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + kind.encode("latin-1") + b"\r\n\r\n" + body
    )
    fields = {}
    for part in message.iter_parts() if message.is_multipart() else ():
        name = part.get_param("name", header="content-disposition")
        if name:
            fields[name] = part.get_payload(decode=True) or b""
    return fields


def _field(fields: dict[str, bytes], name: str) -> str:
    return fields.get(name, b"").decode("utf-8", "replace")


@router.post("/catalog/import")
async def import_sheet(request: Request, signed: Supervisor):
    """Step 1 (a file): check it and show what would change, writing nothing. Step 2 (the
    confirmed sheet, carried back by the preview's form): import it, all rows or none."""
    fields = await _upload(request)
    guard.check_csrf(request, {guard.CSRF_FIELD: _field(fields, guard.CSRF_FIELD)}, signed.csrf)
    engine = _engine(request)
    if "confirmed" in fields:
        try:
            data = base64.b64decode(fields["confirmed"], validate=True)
        except (binascii.Error, ValueError):
            data = b""
        if hashlib.sha256(data).hexdigest() != _field(fields, "digest"):
            problem = (N_("The sheet changed after its preview: choose the file again."), {})
            return render(request, "catalog_import.html", _import_context(problem=problem), 422, signed)  # fmt: skip
        from fastapi.concurrency import run_in_threadpool

        try:
            result = await run_in_threadpool(catalog.import_csv, engine, data, _actor(signed))
        except ApiError as exc:  # the catalog changed since the preview: show why
            preview = {"errors": exc.extra.get("errors", [exc.detail]), "changes": []}
            return render(request, "catalog_import.html", _import_context(preview=preview), 422, signed)  # fmt: skip
        return render(request, "catalog_import.html", _import_context(result=result), 200, signed)
    data = fields.get("sheet", b"")
    if not data:
        problem = (N_("Choose a catalog CSV file (UTF-8 or GBK) to import."), {})
        return render(request, "catalog_import.html", _import_context(problem=problem), 422, signed)
    from fastapi.concurrency import run_in_threadpool

    preview = await run_in_threadpool(catalog.preview_csv, engine, data)
    context = _import_context(
        preview=preview,
        sheet=base64.b64encode(data).decode("ascii") if not preview["errors"] else "",
        digest=hashlib.sha256(data).hexdigest(),
    )
    return render(
        request, "catalog_import.html", context, 422 if preview["errors"] else 200, signed
    )


# --- suppliers and counties ----------------------------------------------------------------


@router.get("/suppliers")
def suppliers_page(request: Request, signed: Viewer):
    with reading(_engine(request)) as conn:
        groups = catalog_views.suppliers(conn, _today(request))
    context = {"groups": groups, "kind": "supplier", "days": catalog_views.SALES_DAYS}
    return render(request, "suppliers.html", context, signed=signed)


@router.get("/counties")
def counties_page(request: Request, signed: Viewer):
    with reading(_engine(request)) as conn:
        groups = catalog_views.counties(conn, _today(request))
    context = {"groups": groups, "kind": "county", "days": catalog_views.SALES_DAYS}
    return render(request, "suppliers.html", context, signed=signed)


# --- the audit log -------------------------------------------------------------------------


def _audit_filters(request: Request) -> tuple[dict, dict, tuple | None]:
    params = request.query_params
    shown = {key: _clean(params.get(key, "")) for key in ("who", "action", "target_kind", "target_id", "from", "to")}  # fmt: skip
    problem = None
    try:
        where = audit_routes.filters(
            request.app.state.settings.zone, shown["who"], shown["action"],
            shown["target_kind"], shown["target_id"], shown["from"], shown["to"],
        )  # fmt: skip
    except ApiError:
        where = {}
        problem = (N_("A date is written YYYY-MM-DD, and the first day is not after the last."), {})  # fmt: skip
    return shown, where, problem


@router.get("/audit")
def audit_page(request: Request, signed: Supervisor, page: str = "1"):
    shown, where, problem = _audit_filters(request)
    entries, place = None, None
    with reading(_engine(request)) as conn:
        actions, kinds = audit.actions(conn), audit.target_kinds(conn)
        if problem is None:
            first = audit.entries(conn, **where, limit=1)
            place = views.paged(first["row_count"], _page(page))
            entries = audit.entries(conn, **where, limit=views.PAGE_SIZE, offset=place["offset"])
    query = _query(shown)
    context = {
        "filters": shown,
        "entries": entries,
        "where": place,
        "problem": problem,
        "actions": actions,
        "kinds": kinds,
        "query": query,
        "downloads": [(kind, f"/console/audit.{kind}?{query}") for kind in ("csv", "xlsx")],
    }
    return render(request, "audit.html", context, 422 if problem else 200, signed)


@router.get("/audit.{kind}")
def audit_export(request: Request, signed: Supervisor, kind: str):
    if kind not in ("csv", "xlsx"):
        raise guard.ConsoleRefusal(404, N_("There is no such file."))
    _, where, problem = _audit_filters(request)
    if problem is not None:
        raise guard.ConsoleRefusal(422, problem[0])
    return audit_routes.audit_file(_engine(request), where, kind)
