"""What the console ships: the vendored JavaScript as published (with its licences), no
page that loads anything from the internet, and every message in both languages."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sync.server.console import pages
from tools import console_messages, vendor_console_js

CONSOLE = Path(pages.__file__).resolve().parent


def test_the_vendored_javascript_matches_its_manifest_and_keeps_its_licences():
    assert vendor_console_js.problems() == []
    manifest = json.loads(vendor_console_js.MANIFEST.read_text(encoding="utf-8"))
    assert set(manifest["packages"]) == {"htmx.org", "echarts"}
    assert manifest["packages"]["htmx.org"]["version"].startswith("2.")
    assert manifest["packages"]["echarts"]["version"].startswith("5.")
    for name in ("htmx.LICENSE", "echarts.LICENSE", "echarts.NOTICE"):
        assert (vendor_console_js.VENDOR / name).stat().st_size > 100


def test_a_changed_vendored_file_is_caught(tmp_path, monkeypatch):
    copy = tmp_path / "vendor"
    copy.mkdir()
    for path in vendor_console_js.VENDOR.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    (copy / "htmx.min.js").write_bytes(b"alert(1)")
    (copy / "extra.js").write_bytes(b"")
    monkeypatch.setattr(vendor_console_js, "VENDOR", copy)
    monkeypatch.setattr(vendor_console_js, "MANIFEST", copy / "manifest.json")
    found = vendor_console_js.problems()
    assert any("htmx.min.js differs" in line for line in found)
    assert any("extra.js is not in the manifest" in line for line in found)


def test_no_template_loads_a_script_or_style_from_the_internet():
    remote = re.compile(r"""<(script|link|img|iframe)[^>]+(src|href)=["']?(https?:)?//""", re.I)
    for template in (CONSOLE / "templates").glob("*.html"):
        assert not remote.search(template.read_text(encoding="utf-8")), template.name
    css = (CONSOLE / "static" / "console.css").read_text(encoding="utf-8")
    assert "@import" not in css and "url(http" not in css


def test_every_message_is_translated_in_chinese_and_english():
    assert console_messages.problems() == []
    assert len(console_messages.extracted()) > 100


def test_a_message_missing_from_a_catalog_is_caught(monkeypatch):
    real = console_messages.extracted()
    monkeypatch.setattr(
        console_messages, "extracted", lambda: {**real, "A brand new sentence.": [("x.html", 1)]}
    )
    found = console_messages.problems()
    assert any("zh_CN: 'A brand new sentence.'" in line for line in found)
    assert any("en: 'A brand new sentence.'" in line for line in found)


def test_the_package_data_ships_the_console_files():
    import tomllib

    root = CONSOLE.parents[2]
    globs = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["sync"]
    base = root / "sync"
    shipped = {p for pattern in globs for p in base.glob(pattern) if p.is_file()}
    for path in CONSOLE.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".py":
            assert path in shipped, f"{path.relative_to(root)} is not in the package data"
