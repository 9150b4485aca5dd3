"""The API's map (/docs, /redoc, /openapi.json) is not handed to whoever asks: off unless
the server runs with BOOTH_POS_SERVER_API_DOCS=1."""

from __future__ import annotations

import pytest
import requests

from sync.server.settings import ServerSettings
from tests.support.live import openapi_schema, serve_in

PAGES = ("/openapi.json", "/docs", "/redoc", "/docs/oauth2-redirect")


@pytest.mark.parametrize("path", PAGES)
def test_the_api_docs_are_off_by_default(server, path):
    response = requests.get(server.url + path, timeout=10)
    assert response.status_code == 404
    assert "openapi" not in response.text.lower()
    assert requests.get(server.url + "/healthz", timeout=10).status_code == 200


def test_the_setting_turns_them_on(http_server, engine, db_url, monkeypatch):
    monkeypatch.setenv("BOOTH_POS_SERVER_API_DOCS", "1")
    settings = ServerSettings(db=db_url)
    assert settings.api_docs
    live = serve_in(http_server, engine, settings)
    try:
        schema = requests.get(live.url + "/openapi.json", timeout=10)
        assert schema.status_code == 200
        assert "/api/v1/journal" in schema.json()["paths"]
        assert schema.json() == openapi_schema(live)
        for page in ("/docs", "/redoc"):
            assert requests.get(live.url + page, timeout=10).status_code == 200
    finally:
        http_server[1].app = None
