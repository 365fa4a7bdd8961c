"""/healthz reports the search backend's state."""
from __future__ import annotations

import socket

import pytest


@pytest.fixture
def meili_config(app):
    saved = {k: app.config.get(k) for k in ("SEARCH_BACKEND", "MEILI_URL")}
    yield app.config
    app.config.update(saved)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_is_degraded_when_meilisearch_is_unreachable(client, meili_config):
    meili_config.update(SEARCH_BACKEND="meilisearch", MEILI_URL=f"http://127.0.0.1:{_closed_port()}")
    body = client.get("/healthz").get_json()
    assert body == {"status": "degraded", "db": "ok", "search": "degraded"}


def test_healthz_is_ok_when_meilisearch_answers_available(client, meili_config, httpserver):
    httpserver.expect_request("/health").respond_with_json({"status": "available"})
    meili_config.update(SEARCH_BACKEND="meilisearch", MEILI_URL=httpserver.url_for("").rstrip("/"))
    assert client.get("/healthz").get_json()["status"] == "ok"
