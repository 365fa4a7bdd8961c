"""The WhatsApp channel: the Cloud API request, retries through the outbox, the user's choice on the profile."""
from __future__ import annotations

import json
import logging
import re
import socket
from datetime import timedelta

import pytest
from sqlalchemy import update

from shop import whatsapp
from shop.accounts.models import User
from shop.db import utcnow
from shop.extensions import db
from shop.outbox.models import OutboxJob
from shop.outbox.services import drain
from shop.validation import InvalidPhoneError, normalize_phone
from tests.factories import make_user
from tests.shop.whatsapp_helpers import (
    MESSAGES_PATH,
    PHONE_NUMBER_ID,
    TOKEN,
    accept_all,
    make_due_again,
    sent_bodies,
    template_of,
    whatsapp_api_fixture,  # noqa: F401  (the whatsapp_api fixture)
    whatsapp_jobs,
)

PHONE = "+6281234567890"


def _queue_one(user=None, params=("Sari", "PS-2026-0001", "https://pasar.test/orders/PS-2026-0001")) -> User:
    user = user or make_user(phone=PHONE)
    assert whatsapp.queue(user, "pesanan_diantar", list(params))
    db.session.commit()
    return user


# --- phone numbers ----------------------------------------------------------------------------------


@pytest.mark.nodb
@pytest.mark.parametrize("typed", [
    "0812-3456-7890", "081234567890", "0812 3456 7890", "62 812 3456 7890", "6281234567890",
    "+62 812-3456-7890", "+6281234567890", " (0812) 3456-7890 ", "62-812-3456-7890",
])
def test_every_way_of_typing_a_number_becomes_plus_62(typed):
    assert normalize_phone(typed) == PHONE


@pytest.mark.nodb
@pytest.mark.parametrize("typed", ["", "12345", "+1 415 555 0100", "0812-ABCD-7890", "0000000000"])
def test_what_is_not_an_indonesian_number_is_refused(typed):
    with pytest.raises(InvalidPhoneError):
        normalize_phone(typed)


def test_the_api_gets_the_number_as_digits_after_62():
    user = make_user(phone="0812-3456-7890")  # an old row typed before normalisation
    assert whatsapp.whatsapp_number(user) == "6281234567890"
    assert whatsapp.whatsapp_number(make_user(phone="12")) is None


# --- the request ------------------------------------------------------------------------------------


def test_a_template_message_is_posted_with_the_bearer_token_to_the_phone_number_id(whatsapp_api):
    whatsapp_api.expect_oneshot_request(
        MESSAGES_PATH, method="POST", headers={"Authorization": f"Bearer {TOKEN}"},
    ).respond_with_json({"messages": [{"id": "wamid.1"}]})
    _queue_one()
    assert drain() == 1
    whatsapp_api.check_assertions()
    [(request, _response)] = whatsapp_api.log
    assert request.path == f"/v21.0/{PHONE_NUMBER_ID}/messages" and request.method == "POST"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.get_data()) == {
        "messaging_product": "whatsapp",
        "to": "6281234567890",
        "type": "template",
        "template": {
            "name": "pesanan_diantar",
            "language": {"code": "id"},
            "components": [{"type": "body", "parameters": [
                {"type": "text", "text": "Sari"},
                {"type": "text", "text": "PS-2026-0001"},
                {"type": "text", "text": "https://pasar.test/orders/PS-2026-0001"},
            ]}],
        },
    }
    [job] = whatsapp_jobs()
    assert job.done_at is not None and job.last_error is None


def test_parameters_are_one_line_and_never_empty(whatsapp_api):
    accept_all(whatsapp_api)
    _queue_one(params=("Sari\n\tWarga", "  ", "Baris satu\n\nbaris     dua " + "x" * 600))
    drain()
    _to, _name, params = template_of(sent_bodies(whatsapp_api)[0])
    assert params[0] == "Sari Warga" and params[1] == "-"
    assert params[2].startswith("Baris satu baris dua x") and len(params[2]) == whatsapp.PARAM_CHARS
    assert all("\n" not in p and "\t" not in p and "     " not in p for p in params)


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_a_server_error_or_rate_limit_is_retried_with_backoff_until_it_goes_through(whatsapp_api, status):
    whatsapp_api.expect_ordered_request(MESSAGES_PATH, method="POST").respond_with_json(
        {"error": {"message": "Service temporarily unavailable", "code": 2}}, status=status)
    whatsapp_api.expect_ordered_request(MESSAGES_PATH, method="POST").respond_with_json({"messages": [{"id": "w"}]})
    _queue_one()
    before = utcnow()
    drain()
    [job] = whatsapp_jobs()
    assert job.done_at is None and job.attempts == 1
    assert f"HTTP {status}" in job.last_error
    assert job.run_after.replace(tzinfo=None) >= (before + timedelta(seconds=29)).replace(tzinfo=None)
    assert drain() == 0  # waits for its backoff
    make_due_again()
    assert drain() == 1
    [job] = whatsapp_jobs()
    assert job.done_at is not None and job.attempts == 2 and job.last_error is None
    assert len(whatsapp_api.log) == 2
    whatsapp_api.check_assertions()


def test_no_answer_at_all_is_retried(app, monkeypatch):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setitem(app.config, "WHATSAPP_TOKEN", TOKEN)
    monkeypatch.setitem(app.config, "WHATSAPP_PHONE_NUMBER_ID", PHONE_NUMBER_ID)
    monkeypatch.setitem(app.config, "WHATSAPP_API_BASE", f"http://127.0.0.1:{port}/v21.0")
    _queue_one()
    drain()
    [job] = whatsapp_jobs()
    assert job.done_at is None and "WhatsAppUnavailableError" in job.last_error


@pytest.mark.parametrize("status, code", [(400, 132001), (401, 190), (404, 100)])
def test_a_refused_request_is_closed_as_failed_and_never_sent_again(whatsapp_api, caplog, status, code):
    whatsapp_api.expect_request(MESSAGES_PATH, method="POST").respond_with_json(
        {"error": {"message": "(#132001) Template name does not exist in the translation", "code": code}},
        status=status)
    _queue_one()
    with caplog.at_level(logging.ERROR, logger="shop.outbox.services"):
        drain()
    [job] = whatsapp_jobs()
    assert job.done_at is not None and job.attempts == 1
    assert f"HTTP {status}: {code}" in job.last_error and "PermanentJobError" in job.last_error
    assert any("failed for good" in record.getMessage() for record in caplog.records)
    make_due_again()
    db.session.execute(update(OutboxJob).values(run_after=utcnow() - timedelta(days=1)))
    db.session.commit()
    assert drain() == 0
    assert len(whatsapp_api.log) == 1


def test_a_message_that_could_not_go_out_for_a_day_is_dropped_not_sent_late(whatsapp_api):
    accept_all(whatsapp_api)
    _queue_one()
    [job] = whatsapp_jobs()
    job.payload = {**job.payload, "queued_at": (utcnow() - timedelta(hours=25)).isoformat()}
    db.session.commit()
    drain()
    [job] = whatsapp_jobs()
    assert job.done_at is not None and "dropped" in job.last_error
    assert whatsapp_api.log == []


def test_without_the_configuration_the_message_goes_to_the_log(app, caplog, monkeypatch):
    monkeypatch.setitem(app.config, "WHATSAPP_TOKEN", None)
    _queue_one()
    with caplog.at_level(logging.INFO, logger="shop.whatsapp"):
        assert drain() == 1
    [record] = [r for r in caplog.records if r.name == "shop.whatsapp"]
    text = record.getMessage()
    assert "no WHATSAPP_TOKEN" in text and "+6281234567890" in text and "pesanan_diantar" in text
    assert "PS-2026-0001" in text
    [job] = whatsapp_jobs()
    assert job.done_at is not None and job.last_error is None


def test_the_default_api_base_is_the_graph_api(app):
    assert app.config["WHATSAPP_API_BASE"] == "https://graph.facebook.com/v21.0"


# --- the user's choice ------------------------------------------------------------------------------


def test_until_chosen_a_user_with_a_phone_gets_both_and_one_without_gets_email():
    with_phone, without = make_user(phone=PHONE), make_user()
    assert whatsapp.channel_of(with_phone) == "both"
    assert (whatsapp.by_email(with_phone), whatsapp.by_whatsapp(with_phone)) == (True, True)
    assert whatsapp.channel_of(without) == "email"
    assert (whatsapp.by_email(without), whatsapp.by_whatsapp(without)) == (True, False)


@pytest.mark.parametrize("channel, email, wa", [("email", True, False), ("whatsapp", False, True),
                                                ("both", True, True)])
def test_the_choice_decides_the_channels(channel, email, wa):
    user = make_user(phone=PHONE)
    user.notify_channel = channel
    assert (whatsapp.by_email(user), whatsapp.by_whatsapp(user)) == (email, wa)


def test_whatsapp_chosen_but_the_number_gone_falls_back_to_email():
    user = make_user()
    user.notify_channel = "whatsapp"
    assert (whatsapp.by_email(user), whatsapp.by_whatsapp(user)) == (True, False)
    assert not whatsapp.queue(user, "pesanan_sampai", ["a", "b", "c", "d"])


def test_notify_sends_a_message_without_a_whatsapp_version_by_email_whatever_the_choice(mail_outbox):
    user = make_user(phone=PHONE)
    user.notify_channel = "whatsapp"
    db.session.flush()
    whatsapp.notify(user, lambda: "Subjek", lambda: "Isi")
    assert [m["To"] for m in mail_outbox] == [user.email] and whatsapp_jobs() == []
    whatsapp.notify(user, lambda: "Subjek", lambda: "Isi", lambda: ("pesanan_sampai", ["a", "b", "c", "d"]))
    assert len(mail_outbox) == 1 and len(whatsapp_jobs()) == 1


# --- the profile setting ----------------------------------------------------------------------------


def _login(auth, user):
    assert auth.login(user.email).status_code in (302, 303)


def test_the_profile_shows_the_default_choice(client, auth):
    user = make_user(phone=PHONE)
    db.session.commit()
    _login(auth, user)
    page = client.get("/akun").get_data(as_text=True)
    assert "Kirim kabar pesanan lewat" in page
    assert _checked(page) == "both"


def _checked(page: str) -> str | None:
    for tag in re.findall(r"<input[^>]*name=\"notify_channel\"[^>]*>", page):
        if "checked" in tag:
            return re.search(r'value="([^"]+)"', tag).group(1)
    return None


def test_the_profile_saves_whatsapp_only_with_the_number_normalised(client, auth):
    user = make_user()
    db.session.commit()
    _login(auth, user)
    assert _checked(client.get("/akun").get_data(as_text=True)) == "email"
    response = client.post("/akun", data={"name": "Sari Warga", "phone": "0812 3456-7890",
                                          "notify_channel": "whatsapp"})
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert (user.phone, user.notify_channel) == (PHONE, "whatsapp")
    assert _checked(client.get("/akun").get_data(as_text=True)) == "whatsapp"


def test_whatsapp_without_a_number_is_refused_in_indonesian(client, auth):
    user = make_user()
    db.session.commit()
    _login(auth, user)
    response = client.post("/akun", data={"name": "Sari Warga", "phone": "", "notify_channel": "both"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Isi nomor WhatsApp Anda di atas untuk menerima kabar lewat WhatsApp." in page
    db.session.expire_all()
    assert db.session.get(User, user.id).notify_channel is None


def test_an_unknown_channel_is_refused_without_a_500(client, auth):
    user = make_user(phone=PHONE)
    db.session.commit()
    _login(auth, user)
    response = client.post("/akun", data={"name": "Sari Warga", "phone": PHONE, "notify_channel": "sms"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, user.id).notify_channel is None


def test_the_profile_form_needs_its_csrf_token(client, auth, csrf_enabled):
    user = make_user(phone=PHONE)
    db.session.commit()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": user.email, "password": "correct-horse-battery", "csrf_token": token})
    response = client.post("/akun", data={"name": "Sari Warga", "phone": PHONE, "notify_channel": "email"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, user.id).notify_channel is None
    page = client.get("/akun").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/akun", data={"name": "Sari Warga", "phone": PHONE, "notify_channel": "email",
                                          "csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).notify_channel == "email"
