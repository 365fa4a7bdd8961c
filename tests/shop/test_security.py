"""Cross-cutting security: CSRF on every form route, documented API, headers."""
from __future__ import annotations

import re

import pytest

API_PREFIX = "/api/v1/"


def _fill(rule) -> str:
    """A concrete URL for a rule, with harmless values for its variables."""
    def value(match: re.Match) -> str:
        converter = match.group(1) or ""
        return "1" if converter.startswith("int") else "x"

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>", value, rule.rule)


def _form_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API_PREFIX) or rule.rule.startswith("/webhooks/"):
            continue
        for method in {"POST", "PUT", "PATCH", "DELETE"} & set(rule.methods or ()):
            yield method, rule


def test_every_form_route_refuses_a_post_without_csrf_token(app, client, csrf_enabled):
    rules = list(_form_rules(app))
    assert rules, "no form routes found"
    for method, rule in rules:
        response = client.open(_fill(rule), method=method, data={"anything": "1"})
        assert response.status_code == 400, f"{method} {rule.rule} answered {response.status_code}"


def test_a_forged_csrf_token_is_refused(client, csrf_enabled):
    response = client.post("/bahasa", data={"lang": "en", "csrf_token": "forged"})
    assert response.status_code == 400


def test_api_routes_need_no_csrf_token(client, csrf_enabled):
    response = client.post("/api/v1/auth/token", json={"email": "nobody@example.test", "password": "x" * 10})
    assert response.status_code == 401


@pytest.mark.nodb
def test_every_api_route_is_in_the_openapi_document(app):
    from shop.api.document import build_document

    SPEC = build_document(app)  # from the views' declarations: an undeclared route is left out

    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API_PREFIX):
            continue
        path = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        assert path in SPEC["paths"], f"{rule.rule} is not documented"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in SPEC["paths"][path], f"{method} {rule.rule} is not documented"


def test_openapi_document_is_served(client):
    body = client.get("/api/v1/openapi.json").get_json()
    assert body["openapi"].startswith("3.")
    assert "/sentras" in body["paths"]
