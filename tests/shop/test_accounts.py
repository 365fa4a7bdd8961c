"""Registration, signing in and out, email verification and password reset."""
from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from shop.accounts import services
from shop.accounts.models import User
from shop.accounts.signals import email_verified
from shop.extensions import db
from tests.conftest import links_in
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "a long and quiet river"



def register(client, **overrides):
    data = {
        "name": "Dewi Lestari",
        "email": "Dewi@Example.test",
        "phone": "",
        "password": "kopi susu pagi hari",
        "password_confirm": "kopi susu pagi hari",
    }
    data.update(overrides)
    return client.post("/register", data=data)


def user_named(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def link_path(message) -> str:
    link = links_in(message.get_content())[0]
    return re.sub(r"^https?://[^/]+", "", link)


def session_user_id(client) -> str | None:
    with client.session_transaction() as sess:
        return sess.get("_user_id")


# -- registration ---------------------------------------------------------------------


def test_registering_creates_a_lower_cased_account_and_logs_in(client):
    response = register(client)
    assert response.status_code == 302
    user = user_named("dewi@example.test")
    assert user is not None and user.email_verified_at is None
    assert session_user_id(client) == f"{user.id}:{user.auth_version}"


def test_registering_stores_a_werkzeug_hash_not_the_password(client):
    register(client)
    user = user_named("dewi@example.test")
    assert user.password_hash != "kopi susu pagi hari"
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_registering_normalises_the_phone(client):
    register(client, phone="0812-3456-7890")
    assert user_named("dewi@example.test").phone == "+6281234567890"


def test_registering_with_an_invalid_phone_is_a_field_error_without_an_account(client):
    response = register(client, phone="12")
    assert response.status_code == 400
    assert 'id="phone-err"' in response.get_data(as_text=True)
    assert user_named("dewi@example.test") is None


def test_registering_sends_a_verification_email(client, mail_outbox):
    register(client)
    assert len(mail_outbox) == 1
    assert mail_outbox[0]["To"] == "dewi@example.test"
    assert "/verifikasi/" in link_path(mail_outbox[0])


def test_duplicate_email_is_a_field_error_that_keeps_what_was_typed(client):
    make_user("dewi@example.test")
    response = register(client, email="DEWI@example.test", name="Dewi Kedua")
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert 'id="email-err"' in body and 'value="Dewi Kedua"' in body
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 1


def test_losing_the_registration_race_for_an_email_is_a_field_error(client, monkeypatch):
    make_user("dewi@example.test")
    db.session.commit()
    monkeypatch.setattr(services, "user_by_email", lambda email: None)  # the check saw no one
    response = register(client)
    assert response.status_code == 409
    assert 'id="email-err"' in response.get_data(as_text=True)


def test_register_service_turns_a_unique_violation_into_email_taken(monkeypatch):
    make_user("dewi@example.test")
    monkeypatch.setattr(services, "user_by_email", lambda email: None)
    with pytest.raises(services.EmailTakenError):
        services.register_user(email="dewi@example.test", password=NEW_PASSWORD, name="Dewi")
    assert user_named("dewi@example.test").name == "Sari Warga"  # the session is still usable


def test_short_password_is_refused(client):
    response = register(client, password="pendek", password_confirm="pendek")
    assert response.status_code == 400
    assert user_named("dewi@example.test") is None


def test_common_password_is_refused(client):
    response = register(client, password="password123", password_confirm="password123")
    assert response.status_code == 400
    assert 'id="password-err"' in response.get_data(as_text=True)
    assert user_named("dewi@example.test") is None


def test_password_without_digits_or_capitals_is_accepted(client):
    assert register(client, password="semua huruf kecil saja", password_confirm="semua huruf kecil saja").status_code == 302


def test_mismatched_password_confirmation_is_refused(client):
    assert register(client, password_confirm="something else entirely").status_code == 400
    assert user_named("dewi@example.test") is None


def test_register_without_csrf_token_is_refused(client, csrf_enabled):
    assert register(client).status_code == 400
    assert user_named("dewi@example.test") is None


# -- login and logout -------------------------------------------------------------------


def test_login_with_correct_password_logs_in(client, auth):
    user = make_user("sari@example.test")
    db.session.commit()
    response = auth.login("SARI@example.test")
    assert response.status_code == 302
    assert session_user_id(client) == f"{user.id}:1"


def test_wrong_password_and_unknown_email_get_the_same_generic_message(client, auth):
    make_user("sari@example.test")
    db.session.commit()
    client.post("/bahasa", data={"lang": "en"})
    wrong_password = auth.login("sari@example.test", "not the password")
    unknown = auth.login("nobody@example.test")
    assert wrong_password.status_code == unknown.status_code == 401
    for response in (wrong_password, unknown):
        assert "The email or password is not correct." in response.get_data(as_text=True)
    assert session_user_id(client) is None


def test_login_redirects_to_a_safe_next(client):
    make_user("sari@example.test")
    db.session.commit()
    data = {"email": "sari@example.test", "password": PASSWORD, "next": "/akun"}
    assert client.post("/login", data=data).headers["Location"] == "/akun"


def test_login_never_redirects_off_site(client):
    make_user("sari@example.test")
    db.session.commit()
    data = {"email": "sari@example.test", "password": PASSWORD, "next": "https://evil.example/"}
    assert client.post("/login", data=data).headers["Location"] == "/"


def test_login_renews_the_session(client, auth):
    make_user("sari@example.test")
    db.session.commit()
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    auth.login("sari@example.test")
    with client.session_transaction() as sess:
        assert "planted" not in sess


def test_session_cookie_is_httponly_and_samesite_lax(client, auth):
    make_user("sari@example.test")
    db.session.commit()
    response = auth.login("sari@example.test")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_remember_me_sets_the_remember_cookie(client, auth):
    make_user("sari@example.test")
    db.session.commit()
    response = auth.login("sari@example.test", remember=True)
    assert any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))


def test_login_without_remember_me_sets_no_remember_cookie(client, auth):
    make_user("sari@example.test")
    db.session.commit()
    response = auth.login("sari@example.test")
    assert not any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))


def test_login_without_csrf_token_is_refused(client, csrf_enabled):
    make_user("sari@example.test")
    db.session.commit()
    response = client.post("/login", data={"email": "sari@example.test", "password": PASSWORD})
    assert response.status_code == 400
    assert session_user_id(client) is None


def test_logout_get_asks_for_confirmation_and_keeps_the_session(client, auth):
    make_user("sari@example.test")
    db.session.commit()
    auth.login("sari@example.test")
    response = client.get("/logout")
    assert response.status_code == 200 and 'method="post"' in response.get_data(as_text=True)
    assert session_user_id(client) is not None


def test_logout_post_logs_out_and_goes_home(client, auth):
    make_user("sari@example.test")
    db.session.commit()
    auth.login("sari@example.test")
    response = auth.logout()
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert session_user_id(client) is None
    assert client.get("/akun").status_code == 302


def test_logout_without_csrf_token_is_refused(client, auth, csrf_enabled):
    make_user("sari@example.test")
    db.session.commit()
    with client.session_transaction() as sess:
        sess["_user_id"] = "1:1"
    assert client.post("/logout").status_code == 400


# -- email verification -----------------------------------------------------------------------


def test_verification_link_marks_the_email_verified(client, mail_outbox):
    register(client)
    response = client.get(link_path(mail_outbox[0]))
    assert response.status_code == 302
    assert user_named("dewi@example.test").email_verified_at is not None


def test_verification_sends_the_email_verified_signal_once(client, mail_outbox):
    received = []

    def receiver(user, **extra):
        received.append(user.email)

    register(client)
    with email_verified.connected_to(receiver):
        client.get(link_path(mail_outbox[0]))
        client.get(link_path(mail_outbox[0]))
    assert received == ["dewi@example.test"]


def test_forged_verification_link_is_a_friendly_400(client):
    user = make_user("sari@example.test", verified=False)
    db.session.commit()
    token = services.make_verification_token(user)
    response = client.get(f"/verifikasi/{token[:-3]}xyz")
    assert response.status_code == 400
    assert user_named("sari@example.test").email_verified_at is None


def test_expired_verification_link_is_a_400(client, app, monkeypatch):
    user = make_user("sari@example.test", verified=False)
    db.session.commit()
    token = services.make_verification_token(user)
    monkeypatch.setitem(app.config, "EMAIL_VERIFY_MAX_AGE", -1)
    assert client.get(f"/verifikasi/{token}").status_code == 400
    assert user_named("sari@example.test").email_verified_at is None


def test_resend_verification_sends_a_new_link(client, auth, mail_outbox):
    make_user("sari@example.test", verified=False)
    db.session.commit()
    auth.login("sari@example.test")
    assert client.post("/akun/verifikasi").status_code == 302
    assert len(mail_outbox) == 1 and "/verifikasi/" in link_path(mail_outbox[0])


# -- password reset -----------------------------------------------------------------------------


def request_reset(client, email="sari@example.test"):
    return client.post("/lupa-sandi", data={"email": email})


def test_reset_request_answers_the_same_for_unknown_and_known_addresses(client, mail_outbox):
    make_user("sari@example.test")
    db.session.commit()
    client.post("/bahasa", data={"lang": "en"})
    known = request_reset(client)
    flash_known = client.get("/login").get_data(as_text=True)
    unknown = request_reset(client, "nobody@example.test")
    flash_unknown = client.get("/login").get_data(as_text=True)
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert "If an account uses that address" in flash_known and "If an account uses that address" in flash_unknown
    assert [m["To"] for m in mail_outbox] == ["sari@example.test"]


def test_reset_link_sets_a_new_password(client, auth, mail_outbox):
    make_user("sari@example.test")
    db.session.commit()
    request_reset(client)
    path = link_path(mail_outbox[0])
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert services.authenticate("sari@example.test", NEW_PASSWORD) is not None
    assert services.authenticate("sari@example.test", PASSWORD) is None


def test_reset_link_works_only_once(client, mail_outbox):
    make_user("sari@example.test")
    db.session.commit()
    request_reset(client)
    path = link_path(mail_outbox[0])
    client.post(path, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    again = client.post(path, data={"password": "yet another long phrase", "password_confirm": "yet another long phrase"})
    assert again.status_code == 400
    assert client.get(path).status_code == 400
    assert services.authenticate("sari@example.test", NEW_PASSWORD) is not None


def test_expired_reset_link_is_refused_without_change(client, app, monkeypatch):
    user = make_user("sari@example.test")
    db.session.commit()
    token = services.make_reset_token(user)
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE", -1)
    response = client.post(f"/reset-sandi/{token}", data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert services.authenticate("sari@example.test", PASSWORD) is not None


def test_reset_token_signed_two_hours_ago_is_refused(client):
    user = make_user("sari@example.test")
    db.session.commit()
    serializer = services._serializer(services.RESET_SALT)
    signer = serializer.make_signer(serializer.salt)
    payload = serializer.dump_payload({"uid": user.id, "pw": services._password_fingerprint(user)})
    signer.get_timestamp = lambda: int(time.time()) - 2 * 3600
    token = signer.sign(payload).decode()
    assert client.get(f"/reset-sandi/{token}").status_code == 400


def test_reset_with_a_common_password_is_a_field_error(client, mail_outbox):
    make_user("sari@example.test")
    db.session.commit()
    request_reset(client)
    response = client.post(link_path(mail_outbox[0]), data={"password": "password123", "password_confirm": "password123"})
    assert response.status_code == 400
    assert services.authenticate("sari@example.test", PASSWORD) is not None


def test_reset_logs_out_other_sessions(app, client, auth, mail_outbox):
    make_user("sari@example.test")
    db.session.commit()
    auth.login("sari@example.test")
    other = app.test_client()
    request_reset(other)
    other.post(link_path(mail_outbox[0]), data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert client.get("/akun").status_code == 302


def test_deleted_account_gets_no_reset_email(client, mail_outbox):
    user = make_user("sari@example.test")
    db.session.commit()
    services.delete_account(user, PASSWORD)
    db.session.commit()
    request_reset(client, "sari@example.test")
    assert mail_outbox == []
