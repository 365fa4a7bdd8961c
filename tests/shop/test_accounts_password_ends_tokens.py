"""A new password ends every API token issued before it, whichever way it was set."""
from __future__ import annotations

import threading

import pytest

from shop.accounts import services
from shop.extensions import db
from tests.factories import PASSWORD, add_member, make_sentra, make_user

NEW_PASSWORD = "a long and quiet river"


@pytest.fixture
def user():
    user = make_user("sari@example.test")
    db.session.commit()
    return user


@pytest.fixture
def old_token(user) -> str:
    plain, _token = services.create_api_token(user, "Kasir")
    db.session.commit()
    return plain


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def change_password_on_the_profile(client, auth):
    auth.login("sari@example.test")
    return client.post(
        "/akun/sandi", data={"current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    )


def reset_password_by_email(client, user):
    token = services.make_reset_token(user)
    return client.post(f"/reset-sandi/{token}", data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})


def test_token_issued_before_a_password_change_is_refused(client, auth, old_token):
    assert client.get("/api/v1/me", headers=bearer(old_token)).status_code == 200
    assert change_password_on_the_profile(client, auth).status_code == 302
    response = client.get("/api/v1/me", headers=bearer(old_token))
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_token_issued_before_a_password_reset_is_refused(client, user, old_token):
    assert reset_password_by_email(client, user).status_code == 302
    assert client.get("/api/v1/me", headers=bearer(old_token)).status_code == 401


def test_token_issued_before_a_password_change_is_refused_on_sentra_routes(client, auth, user, old_token):
    sentra = make_sentra(owner=user)
    db.session.commit()
    assert client.get(f"/api/v1/kelola/{sentra.slug}/orders", headers=bearer(old_token)).status_code == 200
    change_password_on_the_profile(client, auth)
    assert client.get(f"/api/v1/kelola/{sentra.slug}/orders", headers=bearer(old_token)).status_code == 401


def test_token_issued_after_the_password_change_works(client, auth, old_token):
    change_password_on_the_profile(client, auth)
    response = client.post("/api/v1/auth/token", json={"email": "sari@example.test", "password": NEW_PASSWORD})
    assert client.get("/api/v1/me", headers=bearer(response.get_json()["token"])).status_code == 200


def test_the_profile_says_the_tokens_were_revoked(client, auth, old_token):
    client.post("/bahasa", data={"lang": "en"})
    response = change_password_on_the_profile(client, auth)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 API token has been revoked" in page
    assert "Revoked" in page


def test_a_failed_password_change_keeps_the_tokens(client, auth, old_token):
    auth.login("sari@example.test")
    client.post("/akun/sandi", data={"current_password": "not my password", "password": NEW_PASSWORD,
                                     "password_confirm": NEW_PASSWORD})
    assert client.get("/api/v1/me", headers=bearer(old_token)).status_code == 200


def test_a_password_change_leaves_other_users_tokens_alone(client, auth, old_token):
    other = make_user("budi@example.test")
    add_member(make_sentra(), other)
    plain, _token = services.create_api_token(other, "Gudang")
    db.session.commit()
    change_password_on_the_profile(client, auth)
    assert client.get("/api/v1/me", headers=bearer(plain)).status_code == 200


def test_token_whose_issue_checked_the_old_password_while_it_changed_is_refused(app, client, auth, user):
    """A token request checks the old password; the change commits; only then is the token stored.

    The issuer runs on its own connection (its own app context, so its own session),
    as a second request would, and the steps are ordered with events, not sleeps.
    """
    password_checked, password_changed = threading.Event(), threading.Event()
    issued: dict[str, str] = {}

    def issue_with_the_old_password() -> None:
        with app.app_context():
            checked = services.authenticate("sari@example.test", PASSWORD)
            assert checked is not None
            password_checked.set()
            assert password_changed.wait(timeout=30)
            issued["token"], _ = services.create_api_token(checked, "in flight")
            db.session.commit()

    issuer = threading.Thread(target=issue_with_the_old_password)
    issuer.start()
    assert password_checked.wait(timeout=30)
    assert change_password_on_the_profile(client, auth).status_code == 302
    password_changed.set()
    issuer.join(timeout=30)

    assert issued["token"]
    assert client.get("/api/v1/me", headers=bearer(issued["token"])).status_code == 401
