"""POST /api/v1/auth/register, POST /api/v1/auth/token and GET /api/v1/me."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from shop.accounts.models import ApiToken, User
from shop.db import utcnow
from shop.extensions import db
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "a long and quiet river"


def api_register(client, **overrides):
    payload = {"email": "Dewi@Example.test", "password": NEW_PASSWORD, "name": "Dewi Lestari"}
    payload.update(overrides)
    return client.post("/api/v1/auth/register", json=payload)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def get_token(client, email="sari@example.test", password=PASSWORD):
    return client.post("/api/v1/auth/token", json={"email": email, "password": password})


# -- register --------------------------------------------------------------------------


def test_register_returns_201_with_the_user(client, mail_outbox):
    response = api_register(client, phone="0812-3456-7890")
    assert response.status_code == 201
    body = response.get_json()
    assert body["email"] == "dewi@example.test" and body["email_verified"] is False
    assert body["phone"] == "+6281234567890" and isinstance(body["id"], int)
    assert [m["To"] for m in mail_outbox] == ["dewi@example.test"]


def test_register_with_malformed_json_is_400(client):
    response = client.post("/api/v1/auth/register", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_register_with_a_json_list_is_400(client):
    assert client.post("/api/v1/auth/register", json=["email"]).status_code == 400


def test_register_with_a_short_password_is_422_with_fields(client):
    response = api_register(client, password="pendek")
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"password": "too_short"}


def test_register_with_a_common_password_is_422(client):
    response = api_register(client, password="password123")
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["password"] == "too_common"


def test_register_with_an_invalid_phone_is_422(client):
    response = api_register(client, phone="12")
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"phone": "invalid"}


def test_register_reports_every_missing_field(client):
    response = client.post("/api/v1/auth/register", json={})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"email", "password", "name"}


def test_register_with_a_non_string_field_is_422(client):
    assert api_register(client, name=42).status_code == 422


def test_register_with_a_taken_email_is_409(client):
    make_user("dewi@example.test")
    db.session.commit()
    response = api_register(client)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "email_taken"
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 1


def test_register_needs_no_csrf_token(client, csrf_enabled):
    assert api_register(client).status_code == 201


# -- token -----------------------------------------------------------------------------------


def test_token_is_issued_for_correct_credentials(client, app):
    make_user("sari@example.test")
    db.session.commit()
    response = get_token(client, email="SARI@example.test")
    assert response.status_code == 201
    body = response.get_json()
    assert body["token"].startswith("ps_")
    expires_at = datetime.fromisoformat(body["expires_at"])
    assert expires_at.utcoffset() == timedelta(0)
    expected = utcnow() + timedelta(days=app.config["API_TOKEN_DAYS"])
    assert abs(expires_at - expected) < timedelta(minutes=1)


def test_token_is_stored_hashed(client):
    make_user("sari@example.test")
    db.session.commit()
    plain = get_token(client).get_json()["token"]
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash != plain and plain not in stored.token_hash


def test_wrong_credentials_are_401_in_the_error_shape(client):
    make_user("sari@example.test")
    db.session.commit()
    response = get_token(client, password="not the password")
    assert response.status_code == 401
    assert set(response.get_json()["error"]) == {"code", "message", "fields"}


def test_unknown_email_is_the_same_401(client):
    response = get_token(client, email="nobody@example.test")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_credentials"


def test_token_request_without_password_is_400(client):
    assert client.post("/api/v1/auth/token", json={"email": "sari@example.test"}).status_code == 400


def test_deleted_account_gets_no_token(client):
    user = make_user("sari@example.test")
    user.deleted_at = utcnow()
    db.session.commit()
    assert get_token(client).status_code == 401


# -- me ---------------------------------------------------------------------------------------


def test_me_returns_the_user_behind_the_token(client):
    make_user("sari@example.test")
    db.session.commit()
    token = get_token(client).get_json()["token"]
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 200
    assert response.get_json()["email"] == "sari@example.test"


def test_me_without_a_token_is_401(client):
    assert client.get("/api/v1/me").status_code == 401


def test_me_ignores_the_session_cookie(client, auth):
    make_user("sari@example.test")
    db.session.commit()
    auth.login("sari@example.test")
    assert client.get("/api/v1/me").status_code == 401


def test_me_with_a_revoked_token_is_401(client):
    make_user("sari@example.test")
    db.session.commit()
    token = get_token(client).get_json()["token"]
    db.session.scalar(select(ApiToken)).revoked_at = utcnow()
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
