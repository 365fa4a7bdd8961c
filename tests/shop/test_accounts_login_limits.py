"""Failed sign-ins are limited per account and per address; successful ones hardly at all."""
from __future__ import annotations

from werkzeug.security import generate_password_hash

from shop.accounts import services
from shop.extensions import db
from tests import factories
from tests.factories import PASSWORD

# Limits do not depend on the hash's cost; a cheap one keeps 60 logins fast.
CHEAP_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")


def make_user(email):
    user = factories.make_user(email)
    user.password_hash = CHEAP_HASH
    return user


def login(client, email, password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def api_token(client, email, password=PASSWORD):
    return client.post("/api/v1/auth/token", json={"email": email, "password": password})


def test_five_wrong_passwords_block_even_the_right_one_for_that_account(client):
    make_user("sari@example.test")
    db.session.commit()
    for _ in range(5):
        assert login(client, "sari@example.test", "wrong password here").status_code == 401
    assert login(client, "sari@example.test").status_code == 429


def test_blocked_account_is_counted_case_insensitively(client):
    make_user("sari@example.test")
    db.session.commit()
    for _ in range(5):
        login(client, "Sari@Example.test", "wrong password here")
    assert login(client, "sari@example.test").status_code == 429


def test_another_account_from_the_same_address_still_logs_in(client):
    make_user("sari@example.test")
    make_user("budi@example.test")
    db.session.commit()
    for _ in range(5):
        login(client, "sari@example.test", "wrong password here")
    assert login(client, "budi@example.test").status_code == 302


def test_sixty_successful_logins_in_a_row_from_one_address_all_succeed(client):
    make_user("sari@example.test")
    db.session.commit()
    statuses = {login(client, "sari@example.test").status_code for _ in range(60)}
    assert statuses == {302}


def test_failures_per_address_are_limited_across_accounts(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_FAILURES_PER_ADDRESS", "3 per 15 minutes")
    make_user("sari@example.test")
    db.session.commit()
    for n in range(3):
        login(client, f"nobody{n}@example.test", "wrong password here")
    assert login(client, "sari@example.test").status_code == 429


def test_limits_are_read_from_the_config_at_request_time(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_FAILURES_PER_ACCOUNT", "2 per 15 minutes")
    make_user("sari@example.test")
    db.session.commit()
    login(client, "sari@example.test", "wrong password here")
    login(client, "sari@example.test", "wrong password here")
    assert login(client, "sari@example.test").status_code == 429


def test_overall_attempts_per_address_are_capped(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ATTEMPTS_PER_ADDRESS", "3 per minute")
    make_user("sari@example.test")
    db.session.commit()
    for _ in range(3):
        assert login(client, "sari@example.test").status_code == 302
    assert login(client, "sari@example.test").status_code == 429


def test_showing_the_login_page_is_not_limited(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ATTEMPTS_PER_ADDRESS", "1 per minute")
    assert {client.get("/login").status_code for _ in range(3)} == {200}


def test_rate_limited_login_renders_the_error_page(client):
    make_user("sari@example.test")
    db.session.commit()
    client.post("/bahasa", data={"lang": "en"})
    for _ in range(5):
        login(client, "sari@example.test", "wrong password here")
    response = login(client, "sari@example.test")
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_api_token_failures_count_towards_the_same_account_limit(client):
    make_user("sari@example.test")
    db.session.commit()
    for _ in range(3):
        assert api_token(client, "sari@example.test", "wrong password here").status_code == 401
    for _ in range(2):
        login(client, "sari@example.test", "wrong password here")
    response = api_token(client, "sari@example.test")
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"


def test_api_token_is_limited_after_five_failures(client):
    make_user("sari@example.test")
    db.session.commit()
    for _ in range(5):
        api_token(client, "sari@example.test", "wrong password here")
    assert api_token(client, "sari@example.test").status_code == 429


# -- the owner still gets in: failures count per account *and* address ------------------------------

ATTACKER = "203.0.113.7"
OWNER = "198.51.100.20"


def login_from(client, address, email, password=PASSWORD):
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def api_token_from(client, address, email, password=PASSWORD):
    return client.post(
        "/api/v1/auth/token", json={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def guess_from(client, address, email, times):
    return [login_from(client, address, email, "wrong password here").status_code for _ in range(times)]


def test_wrong_passwords_from_one_address_do_not_lock_the_admin_out_from_another(client):
    admin = make_user("admin@example.test")
    admin.is_admin = True
    db.session.commit()
    guess_from(client, ATTACKER, "admin@example.test", 8)
    assert login_from(client, OWNER, "admin@example.test").status_code == 302


def test_the_owner_gets_an_api_token_while_another_address_guesses(client):
    make_user("sari@example.test")
    db.session.commit()
    guess_from(client, ATTACKER, "sari@example.test", 8)
    assert api_token_from(client, OWNER, "sari@example.test").status_code == 201


def test_the_guessing_address_stays_throttled_even_with_the_right_password(client):
    make_user("sari@example.test")
    db.session.commit()
    assert guess_from(client, ATTACKER, "sari@example.test", 6)[-1] == 429
    login_from(client, OWNER, "sari@example.test")
    assert login_from(client, ATTACKER, "sari@example.test").status_code == 429
    assert api_token_from(client, ATTACKER, "sari@example.test").status_code == 429


def test_once_an_account_is_over_its_limit_each_further_address_gets_one_guess(client):
    make_user("sari@example.test")
    db.session.commit()
    guess_from(client, ATTACKER, "sari@example.test", 5)
    for n in range(3):
        assert guess_from(client, f"192.0.2.{n + 1}", "sari@example.test", 2) == [401, 429]


def test_guesses_spread_over_addresses_add_up_for_the_account(client):
    make_user("sari@example.test")
    db.session.commit()
    guess_from(client, "192.0.2.1", "sari@example.test", 3)
    guess_from(client, "192.0.2.2", "sari@example.test", 2)
    assert login_from(client, "192.0.2.1", "sari@example.test").status_code == 429
    assert login_from(client, "192.0.2.2", "sari@example.test").status_code == 429
    assert login_from(client, OWNER, "sari@example.test").status_code == 302


def test_a_password_reset_lets_the_owner_in_from_an_address_that_failed(client):
    user = make_user("sari@example.test")
    db.session.commit()
    guess_from(client, OWNER, "sari@example.test", 5)
    token = services.make_reset_token(user)
    new = "a long and quiet river"
    client.post(
        f"/reset-sandi/{token}", data={"password": new, "password_confirm": new}, environ_base={"REMOTE_ADDR": OWNER}
    )
    assert login_from(client, OWNER, "sari@example.test", new).status_code == 302
