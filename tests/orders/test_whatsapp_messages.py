"""Each order, shipment, problem and RFQ update on WhatsApp: its template and parameters, to whom, as they chose.

The Cloud API is pytest-httpserver (tests.shop.whatsapp_helpers); emails are collected as usual.
"""
from __future__ import annotations

import re

from flask import current_app
from sqlalchemy import select

from orders.b2b.models import Rfq
from orders.notify import WHATSAPP_TEMPLATES
from orders.payments.services import mark_paid
from orders.services import accept_order, cancel_by_buyer
from orders.shipping import problems
from orders.shipping import services as shipping
from shop.extensions import db
from shop.outbox.models import OutboxJob
from shop.whatsapp import JOB
from tests.factories import make_sentra
from tests.orders.b2b.b2b_helpers import partner_team, send_rfq
from tests.orders.orders_helpers import drain_all
from tests.orders.tracking_helpers import (
    delivered_by_courier,
    new_order,
    ready_pickup,
    shipped_by_sentra_courier,
)
from tests.shop.whatsapp_helpers import (
    MESSAGES_PATH,
    accept_all,
    make_due_again,
    sent_bodies,
    template_of,
    whatsapp_api_fixture,  # noqa: F401  (the whatsapp_api fixture)
    whatsapp_jobs,
)

BUYER_PHONE, OWNER_PHONE = "0812-1111-2222", "+62 813 3333 4444"
BUYER_WA, OWNER_WA = "6281211112222", "6281333334444"


def _with_phones(setup, buyer_channel: str | None = None):
    setup.buyer.phone = BUYER_PHONE
    setup.buyer.notify_channel = buyer_channel
    setup.owner.phone = OWNER_PHONE
    db.session.commit()
    return setup


def _messages(api, to: str | None = None) -> list[tuple[str, list[str]]]:
    """(template, parameters) of every message sent so far, to ``to`` when given."""
    found = []
    for body in sent_bodies(api):
        number, name, params = template_of(body)
        if to is None or number == to:
            found.append((name, params))
    return found


def _new(api, to: str) -> list[tuple[str, list[str]]]:
    """Drain, then the messages to ``to`` since the last call."""
    drain_all()
    messages = _messages(api, to)
    api.clear_log()
    return messages


def _link(text: str, path: str) -> bool:
    return bool(re.fullmatch(rf"https?://[^/]+{re.escape(path)}", text))


def test_every_template_is_sent_with_its_declared_number_of_parameters(whatsapp_api):
    accept_all(whatsapp_api)
    setup = _with_phones(new_order(method="bank_transfer", delivery="sentra_courier", paid=True))
    shipped_by_sentra_courier(setup)
    drain_all()
    for name, params in _messages(whatsapp_api):
        assert len(params) == len(WHATSAPP_TEMPLATES[name]), name


def test_an_order_placed_goes_to_the_buyer_and_a_new_order_to_the_sentras_members(whatsapp_api, mail_outbox):
    accept_all(whatsapp_api)
    setup = _with_phones(new_order())
    drain_all()
    order = setup.order
    [(name, params)] = _messages(whatsapp_api, BUYER_WA)
    assert name == "pesanan_dibuat"
    assert params[:4] == ["Sari Pembeli", order.number, setup.sentra.name, "Rp50.000"]
    assert _link(params[4], f"/orders/{order.number}")
    [(name, params)] = _messages(whatsapp_api, OWNER_WA)
    assert name == "pesanan_baru_sentra"
    assert params[:5] == [setup.owner.name, order.number, setup.sentra.name, order.checkout.recipient, "Rp50.000"]
    assert _link(params[5], f"/kelola/{setup.sentra.slug}/pesanan/{order.number}")
    # until they choose, people with a phone get both: the emails went too
    assert {setup.buyer.email, setup.owner.email} <= {m["To"] for m in mail_outbox}


def test_a_confirmed_payment_tells_the_buyer_the_amount(whatsapp_api):
    accept_all(whatsapp_api)
    setup = new_order(method="bank_transfer", delivery="courier")
    _with_phones(setup)
    drain_all()
    whatsapp_api.clear_log()
    mark_paid(setup.order.checkout.payment, None, "transfer confirmed", current_app.config)
    db.session.commit()
    sent = dict(_new(whatsapp_api, BUYER_WA))
    # the buyer reads English emails, but the template is Indonesian and so are its amounts
    assert sent["pembayaran_diterima"][:3] == ["Sari Pembeli", setup.order.number, "Rp60.000"]


def test_ready_for_pickup_carries_the_pickup_code_and_the_address(whatsapp_api):
    accept_all(whatsapp_api)
    setup = _with_phones(new_order())
    drain_all()
    whatsapp_api.clear_log()
    ready_pickup(setup)
    [(name, params)] = _new(whatsapp_api, BUYER_WA)
    order = setup.order
    assert name == "pesanan_siap_diambil"
    assert params[:5] == ["Sari Pembeli", order.number, setup.sentra.name, order.pickup_code, setup.sentra.address]
    assert _messages(whatsapp_api, OWNER_WA) == []  # the code never goes to the sentra


def test_the_sentras_courier_brings_it_and_the_buyer_gets_the_pin_then_delivered(whatsapp_api):
    accept_all(whatsapp_api)
    setup = _with_phones(new_order(method="bank_transfer", delivery="sentra_courier", paid=True))
    drain_all()
    whatsapp_api.clear_log()
    order = shipped_by_sentra_courier(setup)
    pin = order.shipment.delivery_pin
    [(name, params)] = _new(whatsapp_api, BUYER_WA)
    assert (name, params[:3]) == ("pesanan_diantar_pin", ["Sari Pembeli", order.number, pin])
    courier = db.session.get(type(setup.owner), order.shipment.courier_user_id)
    shipping.record_tracking_event(order, "out_for_delivery", courier)
    db.session.commit()
    [(name, params)] = _new(whatsapp_api, BUYER_WA)
    assert (name, params[2]) == ("pesanan_diantar_pin", pin)
    shipping.handover(order, pin, courier)
    db.session.commit()
    [(name, params)] = _new(whatsapp_api, BUYER_WA)
    assert (name, params[:3]) == ("pesanan_sampai", ["Sari Pembeli", order.number, setup.sentra.name])


def test_an_external_courier_parcel_is_announced_when_out_for_delivery_without_a_pin(whatsapp_api):
    accept_all(whatsapp_api)
    setup = _with_phones(new_order(method="bank_transfer", delivery="courier", paid=True))
    drain_all()
    whatsapp_api.clear_log()
    order = setup.order
    accept_order(order, setup.owner)
    shipping.record_tracking_event(order, "handed_to_courier", setup.owner, courier="jne", waybill="JP12345678")
    db.session.commit()
    assert _new(whatsapp_api, BUYER_WA) == []  # by email only: the waybill and the courier's link
    shipping.record_tracking_event(order, "out_for_delivery", setup.owner)
    db.session.commit()
    [(name, params)] = _new(whatsapp_api, BUYER_WA)
    assert (name, params[:2]) == ("pesanan_diantar", ["Sari Pembeli", order.number])
    assert _link(params[2], f"/orders/{order.number}")


def test_a_collected_pickup_is_delivered(whatsapp_api):
    accept_all(whatsapp_api)
    setup = _with_phones(new_order())
    ready_pickup(setup)
    drain_all()
    whatsapp_api.clear_log()
    order = setup.order
    shipping.handover(order, order.pickup_code, setup.owner, paid_with="cash")
    db.session.commit()
    sent = dict(_new(whatsapp_api, BUYER_WA))
    assert sent["pesanan_sampai"][:3] == ["Sari Pembeli", order.number, setup.sentra.name]
    assert "pesanan_diantar_pin" not in sent


def test_the_sentras_answer_to_a_problem_reaches_the_buyer(whatsapp_api):
    accept_all(whatsapp_api)
    setup = _with_phones(new_order(method="bank_transfer", delivery="courier", paid=True))
    delivered_by_courier(setup)
    problem = problems.raise_problem(setup.order, setup.buyer, "damaged", "Toplesnya retak waktu sampai.")
    db.session.commit()
    drain_all()
    whatsapp_api.clear_log()
    problems.answer_problem(problem, setup.owner, "Maaf,\nkami kirim gantinya besok pagi.")
    db.session.commit()
    [(name, params)] = _new(whatsapp_api, BUYER_WA)
    assert name == "masalah_dijawab"
    assert params[:4] == ["Sari Pembeli", setup.order.number, setup.sentra.name,
                          "Maaf, kami kirim gantinya besok pagi."]


def test_a_new_request_for_quote_reaches_every_member_of_the_sentra(whatsapp_api):
    accept_all(whatsapp_api)
    partner, owner, staff = partner_team(threshold=None)
    sentra = make_sentra()
    seller = sentra.memberships[0].user
    seller.phone = "0857-1234-5678"
    staff.phone = "0811-000-0000"  # the partner's side does not hear of its own request
    db.session.commit()
    send_rfq(partner, staff, sentra)
    db.session.commit()
    drain_all()
    rfq = db.session.scalar(select(Rfq))
    [(name, params)] = _messages(whatsapp_api, "6285712345678")
    assert name == "permintaan_penawaran_baru"
    assert params[:3] == [seller.name, partner.name, sentra.name]
    assert re.fullmatch(r"\d{1,2} \w{3} \d{4}", params[3])  # the one date format
    assert f"/kelola/{sentra.slug}/" in params[4] and str(rfq.id) in params[4]
    assert _messages(whatsapp_api, "628110000000") == []


# --- the user's choice ------------------------------------------------------------------------------


def _jobs_to(number: str) -> list[OutboxJob]:
    return [job for job in whatsapp_jobs() if job.payload["to"] == number]


def test_whatsapp_only_gets_no_email_for_what_has_a_whatsapp_version_but_still_for_the_rest(whatsapp_api, mail_outbox):
    accept_all(whatsapp_api)
    setup = _with_phones(new_order(), buyer_channel="whatsapp")
    drain_all()
    assert [name for name, _ in _messages(whatsapp_api, BUYER_WA)] == ["pesanan_dibuat"]
    assert setup.buyer.email not in {m["To"] for m in mail_outbox}
    cancel_by_buyer(setup.order, setup.buyer, "Salah pilih", current_app.config)
    db.session.commit()
    drain_all()
    [cancelled] = [m for m in mail_outbox if m["To"] == setup.buyer.email]
    assert setup.order.number in cancelled["Subject"]


def test_email_only_gets_no_whatsapp(whatsapp_api, mail_outbox):
    accept_all(whatsapp_api)
    setup = _with_phones(new_order(), buyer_channel="email")
    drain_all()
    assert _messages(whatsapp_api, BUYER_WA) == [] and _jobs_to(BUYER_WA) == []
    assert setup.buyer.email in {m["To"] for m in mail_outbox}
    assert [name for name, _ in _messages(whatsapp_api, OWNER_WA)] == ["pesanan_baru_sentra"]


def test_no_phone_means_email_only_whatever_the_choice(whatsapp_api, mail_outbox):
    accept_all(whatsapp_api)
    setup = new_order()
    setup.buyer.notify_channel = "whatsapp"
    db.session.commit()
    drain_all()
    assert whatsapp_jobs() == []
    assert setup.buyer.email in {m["To"] for m in mail_outbox}


# --- failures never hold the email back ------------------------------------------------------------


def test_the_api_down_leaves_the_email_sent_once_and_the_whatsapp_message_retried(whatsapp_api, mail_outbox):
    whatsapp_api.expect_ordered_request(MESSAGES_PATH, method="POST").respond_with_data("Bad Gateway", status=502)
    whatsapp_api.expect_ordered_request(MESSAGES_PATH, method="POST").respond_with_data("Bad Gateway", status=502)
    whatsapp_api.expect_request(MESSAGES_PATH, method="POST").respond_with_json({"messages": [{"id": "w"}]})
    setup = _with_phones(new_order())
    drain_all()
    placed = db.session.scalar(select(OutboxJob).where(OutboxJob.kind == "order.placed"))
    assert placed.done_at is not None  # the email job finished; WhatsApp waits on its own
    assert [job.done_at for job in whatsapp_jobs()] == [None, None]
    emails = len(mail_outbox)
    make_due_again()
    drain_all()
    assert all(job.done_at is not None for job in whatsapp_jobs())
    assert len(mail_outbox) == emails  # the retry sent no second email
    assert {to for to, _name, _params in map(template_of, sent_bodies(whatsapp_api))} == {BUYER_WA, OWNER_WA}
    assert setup.order.number in _messages(whatsapp_api, BUYER_WA)[-1][1]


def test_a_refused_message_fails_alone_and_later_messages_still_go(whatsapp_api):
    whatsapp_api.expect_ordered_request(MESSAGES_PATH, method="POST").respond_with_json(
        {"error": {"message": "(#131026) Message undeliverable", "code": 131026}}, status=400)
    whatsapp_api.expect_request(MESSAGES_PATH, method="POST").respond_with_json({"messages": [{"id": "w"}]})
    setup = new_order()
    setup.buyer.phone = BUYER_PHONE
    db.session.commit()
    drain_all()
    [failed] = whatsapp_jobs()
    assert failed.done_at is not None and "131026" in failed.last_error
    ready_pickup(setup)
    drain_all()
    assert [job.last_error for job in whatsapp_jobs()][1:] == [None]
    assert len(whatsapp_api.log) == 2
    assert all(job.kind == JOB for job in whatsapp_jobs())
