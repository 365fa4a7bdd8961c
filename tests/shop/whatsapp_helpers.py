"""pytest-httpserver standing in for the WhatsApp Business Cloud API (shared by the shop and orders tests)."""
from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from flask import Flask
from pytest_httpserver import HTTPServer
from sqlalchemy import select, update

from shop.extensions import db
from shop.outbox.models import OutboxJob
from shop.whatsapp import JOB

TOKEN = "uji-token-rahasia"
PHONE_NUMBER_ID = "109876543210"
MESSAGES_PATH = f"/v21.0/{PHONE_NUMBER_ID}/messages"
ACCEPTED = {"messaging_product": "whatsapp", "contacts": [{"input": "6281234567890", "wa_id": "6281234567890"}],
            "messages": [{"id": "wamid.HBgLNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjBDRjg"}]}


@pytest.fixture(name="whatsapp_api")
def whatsapp_api_fixture(app: Flask, httpserver: HTTPServer, monkeypatch) -> Iterator[HTTPServer]:
    """The app configured for a stand-in API; by default every send is accepted (200)."""
    monkeypatch.setitem(app.config, "WHATSAPP_TOKEN", TOKEN)
    monkeypatch.setitem(app.config, "WHATSAPP_PHONE_NUMBER_ID", PHONE_NUMBER_ID)
    monkeypatch.setitem(app.config, "WHATSAPP_API_BASE", httpserver.url_for("/v21.0"))
    yield httpserver
    httpserver.clear()


def accept_all(httpserver: HTTPServer) -> None:
    httpserver.expect_request(MESSAGES_PATH, method="POST").respond_with_json(ACCEPTED)


def sent_bodies(httpserver: HTTPServer) -> list[dict]:
    """The JSON bodies the stand-in received, in order."""
    return [json.loads(request.get_data()) for request, _response in httpserver.log]


def template_of(body: dict) -> tuple[str, str, list[str]]:
    """(to, template name, body parameter texts) of a sent message."""
    template = body["template"]
    [component] = template["components"]
    assert component["type"] == "body" and template["language"] == {"code": "id"}
    return body["to"], template["name"], [p["text"] for p in component["parameters"] if p["type"] == "text"]


def whatsapp_jobs() -> list[OutboxJob]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxJob).where(OutboxJob.kind == JOB).order_by(OutboxJob.id)))


def make_due_again() -> None:
    """Skip the backoff wait of every undone job (as if its retry time had come)."""
    db.session.execute(update(OutboxJob).where(OutboxJob.done_at.is_(None)).values(run_after=OutboxJob.created_at))
    db.session.commit()
