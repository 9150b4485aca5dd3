"""The catalog's reasons in Chinese on the console: every reason the protocol's CSV checks
and HQ's catalog can write has a template in the console's table (read from their source,
so a new reason without one fails here), and the import's errors page and the product form
show them translated, with the sheet's own values kept as they were."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from sync.protocol import catalog as protocol_catalog
from sync.server import catalog as server_catalog
from sync.server import catalog_schedule
from sync.server.console import i18n, reasons
from tests.support import DEMO_CATALOG
from tests.support.console import add_people, csrf_of, sign_in
from tests.support.live import hold_demo_catalog

HOLE = "\x00"  # where a reason's variable part goes, in source and table alike
PREFIX = re.compile(rf"^(line {HOLE}, )?column ({HOLE}|[a-z_-]+): ")


def _skeleton(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value if isinstance(part, ast.Constant) else HOLE for part in node.values
        )
    return None


def _source_reasons(module) -> set[str]:
    """Every reason a module writes: bad(column, REASON), texts starting 'line ' or
    'column ', and the messages it raises that reach a person as a reason."""
    tree = ast.parse(Path(module.__file__).read_text("utf-8"))
    inside_fstrings = {
        id(part)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for part in node.values
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in inside_fstrings:
            continue
        texts = []
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "bad":
            texts.append(_skeleton(node.args[1]))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("ValueError",):
            texts.append(_skeleton(node.args[0]))
        elif isinstance(node, ast.JoinedStr | ast.Constant):
            text = _skeleton(node)
            if text and PREFIX.match(text):
                texts.append(text)
        for text in texts:
            if text:
                found.add(PREFIX.sub("", text))
    return found


def _table_skeletons() -> set[str]:
    return {re.sub(r"\{[a-z_]+\}", HOLE, template) for template in reasons.REASONS}


@pytest.mark.parametrize("module", [protocol_catalog, server_catalog], ids=lambda m: m.__name__)
def test_every_reason_the_catalog_can_write_has_a_template_in_the_table(module):
    written = _source_reasons(module) - {HOLE}  # '{exc}': Python's csv errors, passed on
    assert len(written) >= 5, written
    missing = sorted(written - _table_skeletons())
    assert missing == [], f"add these to sync/server/console/reasons.py: {missing}"


def test_the_table_holds_the_errors_the_product_form_can_get():
    for text in ("The change sets nothing new: change a field first.",
                 "A barcode cannot contain '|': give each barcode as its own list item."):  # fmt: skip
        assert reasons.template_of(text) is not None, text
    assert "The change sets nothing new" in Path(catalog_schedule.__file__).read_text("utf-8")


def test_every_template_is_translated_into_chinese_with_its_placeholders():
    chinese = i18n.translations("zh_CN")
    for template in (*reasons.REASONS, reasons.LINE):
        translated = chinese.gettext(template)
        assert translated != template, template
        assert sorted(re.findall(r"\{[a-z_]+\}", translated)) == sorted(
            re.findall(r"\{[a-z_]+\}", template)
        ), template


def test_a_reason_is_rendered_with_the_sheets_values_kept():
    zh = i18n.translations("zh_CN").gettext
    text = "line 7, column barcode: 6970006000012 has a wrong check digit (expected 1): correct it in the sheet"
    assert reasons.problem(text, zh) == (
        "第 7 行，barcode 列：6970006000012 的校验位不对（应为 1）：请在表格中更正"
    )
    plu = "line 4, column plu: PLU 123 is also on line 3"
    assert reasons.problem(plu, zh) == "第 4 行，plu 列：PLU 123 在第 3 行也出现了"
    unknown = "line 2, column -: something Python's csv module said"
    assert reasons.problem(unknown, zh).endswith("something Python's csv module said")


@pytest.fixture
def office(server):
    hold_demo_catalog(server.engine)
    add_people(server.engine)
    return server


BAD_SHEET_ROWS = (
    "6970006000012,,坏条码,,piece,1280,,S1,供货商,奉节县,,",
    "6970006000029,,,,piece,12.80,,S1,供货商,奉节县,,",
    "6970006000036,,单位不对,,box,1280,,S1,供货商,奉节县,CQ-1,2027-13-40",
)


def _upload(http, office, data: bytes):
    page = http.get(f"{office.url}/console/catalog/import", timeout=10)
    return http.post(
        f"{office.url}/console/catalog/import",
        data={"csrf_token": csrf_of(page.text)},
        files={"sheet": ("bad.csv", data, "text/csv")},
        timeout=30,
    )


def _problems(html: str) -> list[str]:
    section = html[html.index('id="errors"') :]
    return re.findall(r'<li class="field-problem">([^<]*)</li>', section)


def test_the_import_shows_each_bad_row_in_chinese_and_in_english(office):
    header = DEMO_CATALOG.read_text("utf-8").splitlines()[0]
    data = "\n".join([header, *BAD_SHEET_ROWS]).encode("utf-8")
    chinese = _problems(_upload(sign_in(office, "zhaolei", language="zh_CN"), office, data).text)
    english = _problems(_upload(sign_in(office, "zhaolei"), office, data).text)
    assert len(chinese) == len(english) >= 5
    assert any("6970006000012 has a wrong check digit" in p for p in english)
    assert "第 2 行，barcode 列：6970006000012 的校验位不对" in chinese[0]
    assert all(p.startswith("第 ") for p in chinese), chinese
    for problem in chinese:  # nothing left in English but the sheet's own values
        assert not re.search(r"\b(is|the|not|a|use|line|column)\b", problem), problem
    assert "&#39;12.80&#39;" in " ".join(english) or "'12.80'" in " ".join(english)
    assert any("12.80" in p for p in chinese)


def test_the_product_form_shows_the_catalogs_reason_in_chinese_beside_the_field(office):
    http = sign_in(office, "zhaolei", language="zh_CN")
    url = f"{office.url}/console/catalog/products/06970006000011"
    page = http.get(url, timeout=10)
    form = {"csrf_token": csrf_of(page.text)}
    for field in ("name", "name_en", "price", "certificate_no", "certificate_expires"):
        form[field] = re.search(rf'name="{field}" value="([^"]*)"', page.text).group(1)
    form.update(name="", certificate_expires="2027-02-30")
    answer = http.post(url, data=form, timeout=10)
    assert answer.status_code == 422
    name = re.search(r'id="problem-name">([^<]*)<', answer.text).group(1)
    expires = re.search(r'id="problem-certificate_expires">([^<]*)<', answer.text).group(1)
    assert name == "为空"
    assert expires == "“2027-02-30”不是日期，请写成 2027-06-30 这样"
