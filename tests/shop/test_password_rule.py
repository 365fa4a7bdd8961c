"""The password rule: one policy for registration, password change and reset."""
from __future__ import annotations

import pytest

from shop.accounts import services
from shop.extensions import db
from shop.validation import MAX_PASSWORD_LENGTH, password_problem
from tests.factories import PASSWORD, make_user

EMAIL = "sari.warga@example.test"
NAME = "Sari Warga"


def register(client, password, email=EMAIL, name=NAME):
    return client.post(
        "/register",
        data={"name": name, "email": email, "password": password, "password_confirm": password},
    )


def api_register(client, password, email=EMAIL, name=NAME):
    return client.post("/api/v1/auth/register", json={"email": email, "password": password, "name": name})


@pytest.mark.nodb
@pytest.mark.parametrize(
    "password", ["correct-horse-battery", "a long and quiet river", "sambal matah pedas sekali", "Budi12345!x"]
)
def test_passphrases_and_strong_passwords_are_accepted(password):
    assert password_problem(password, (EMAIL, NAME)) is None


@pytest.mark.nodb
def test_a_repeated_letter_is_too_predictable():
    assert password_problem("aaaaaaaaaaaa") == "too_predictable"


@pytest.mark.nodb
@pytest.mark.parametrize("password", ["pasar-sentra-demo", "Pasar Sentra Demo", "pasarsentrademo"])
def test_the_published_demo_password_is_refused(password):
    assert password_problem(password) == "too_common"


@pytest.mark.nodb
def test_a_password_from_the_common_list_is_refused():
    assert password_problem("password123") == "too_common"


@pytest.mark.nodb
@pytest.mark.parametrize("password", [EMAIL, "sari.warga@example.test!", "SariWarga", "sariwarga1"])
def test_the_users_own_email_or_name_is_refused(password):
    assert password_problem(password, (EMAIL, NAME)) == "too_personal"


@pytest.mark.nodb
def test_a_password_over_the_cap_is_too_long():
    assert password_problem("x" * (MAX_PASSWORD_LENGTH + 1)) == "too_long"
    assert password_problem("kopi susu " * 10_000) == "too_long"


@pytest.mark.nodb
def test_a_strong_password_at_the_cap_is_accepted():
    assert password_problem(("correct horse battery staple " * 5)[:MAX_PASSWORD_LENGTH]) is None


@pytest.mark.nodb
def test_a_short_password_is_too_short():
    assert password_problem("Xk9#q") == "too_short"


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("aaaaaaaaaaaa", "Kata sandi ini mudah ditebak"),
        ("pasar-sentra-demo", "Kata sandi ini terlalu umum"),
        (EMAIL, "Jangan menyusun kata sandi dari nama, alamat email"),
        ("kopi susu " * 10_000, "Paling banyak 128 karakter"),
    ],
    ids=["repeated-letter", "demo-password", "own-email", "hundred-thousand-characters"],
)
def test_registering_with_a_weak_password_explains_why_in_indonesian_and_makes_no_account(client, password, reason):
    response = register(client, password)
    assert response.status_code == 400
    assert reason in response.get_data(as_text=True)
    assert services.user_by_email(EMAIL) is None


def test_api_registration_with_a_weak_password_is_a_422_naming_the_problem(client):
    response = api_register(client, "aaaaaaaaaaaa")
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"password": "too_predictable"}


def test_api_registration_with_ones_own_email_is_refused(client):
    response = api_register(client, EMAIL)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"password": "too_personal"}


def test_api_registration_with_a_huge_password_is_refused(client):
    response = api_register(client, "kopi susu " * 10_000)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"password": "too_long"}


def test_changing_to_ones_own_email_is_refused(client, auth):
    make_user(EMAIL, name=NAME)
    db.session.commit()
    auth.login(EMAIL)
    response = client.post(
        "/akun/sandi", data={"current_password": PASSWORD, "password": EMAIL, "password_confirm": EMAIL}
    )
    assert response.status_code == 400
    assert services.authenticate(EMAIL, PASSWORD) is not None


def test_resetting_to_a_repeated_letter_is_refused(client):
    user = make_user(EMAIL, name=NAME)
    db.session.commit()
    token = services.make_reset_token(user)
    response = client.post(f"/reset-sandi/{token}", data={"password": "aaaaaaaaaaaa", "password_confirm": "aaaaaaaaaaaa"})
    assert response.status_code == 400
    assert services.authenticate(EMAIL, PASSWORD) is not None


def test_the_factory_password_passes_the_rule():
    assert password_problem(PASSWORD, (EMAIL, NAME)) is None
