"""Order emails: sent by outbox handlers, to the buyer and the sentra's members, in their language."""
from __future__ import annotations

from flask import current_app

from orders import services
from orders.payments.services import expire_due_payments
from shop.db import utcnow
from shop.extensions import db
from tests.conftest import links_in
from tests.factories import make_checkout
from tests.orders.orders_helpers import (
    a_sentra,
    add_member,
    drain_all,
    make_user,
    paid_transfer_order,
    placed_order,
)


def _to(messages, email):
    return [m for m in messages if m["To"] == email]


def test_placed_order_emails_the_buyer_and_every_sentra_member(mail_outbox):
    sentra, owner, variant = a_sentra()
    member = make_user()
    add_member(sentra, member)
    buyer = make_user()
    db.session.commit()
    order = placed_order(buyer, variant, 2)
    drain_all()
    [to_buyer] = _to(mail_outbox, buyer.email)
    body = to_buyer.get_content()
    assert order.number in to_buyer["Subject"]
    assert order.pickup_code in body and variant.product.title in body
    assert any(link.endswith(f"/orders/{order.number}") for link in links_in(body))
    for user in (owner, member):
        [to_member] = _to(mail_outbox, user.email)
        member_body = to_member.get_content()
        assert order.number in to_member["Subject"]
        assert f"/kelola/{sentra.slug}/pesanan/{order.number}" in member_body
        assert order.pickup_code not in member_body


def test_email_is_in_the_buyers_language(mail_outbox):
    _, _, variant = a_sentra()
    buyer = make_user()
    buyer.locale = "en"
    db.session.commit()
    placed_order(buyer, variant)
    drain_all()
    [to_buyer] = _to(mail_outbox, buyer.email)
    assert "placed" in to_buyer["Subject"]


def test_links_in_emails_sent_by_the_worker_use_base_url(mail_outbox, app, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://pasar.example.id")
    _, _, variant = a_sentra()
    buyer = make_user()
    order = placed_order(buyer, variant)
    drain_all()
    [to_buyer] = _to(mail_outbox, buyer.email)
    assert f"https://pasar.example.id/orders/{order.number}" in links_in(to_buyer.get_content())


def test_buyer_cancel_tells_the_buyer_and_the_sentra(mail_outbox):
    _, owner, variant = a_sentra()
    buyer = make_user()
    order = placed_order(buyer, variant)
    drain_all()
    mail_outbox.clear()
    services.cancel_by_buyer(order, buyer, "salah pesan", current_app.config)
    db.session.commit()
    drain_all()
    assert len(_to(mail_outbox, buyer.email)) == 1
    [to_owner] = _to(mail_outbox, owner.email)
    assert "salah pesan" in to_owner.get_content()


def test_sentra_cancel_tells_the_buyer_why_and_not_the_sentra(mail_outbox):
    _, owner, variant = a_sentra()
    buyer = make_user()
    order = placed_order(buyer, variant)
    drain_all()
    mail_outbox.clear()
    services.cancel_by_sentra(order, owner, "Bahan baku habis", current_app.config)
    db.session.commit()
    drain_all()
    [to_buyer] = _to(mail_outbox, buyer.email)
    assert "Bahan baku habis" in to_buyer.get_content()
    assert _to(mail_outbox, owner.email) == []


def test_paid_order_emails_the_buyer_that_payment_arrived(mail_outbox):
    _, _, variant = a_sentra()
    buyer = make_user()
    order = paid_transfer_order(buyer, variant)
    drain_all()
    subjects = [m["Subject"] for m in _to(mail_outbox, buyer.email)]
    assert any(order.number in s for s in subjects)
    assert len(subjects) == 2  # paid, and placed


def test_expired_order_emails_the_buyer(mail_outbox):
    _, _, variant = a_sentra()
    buyer = make_user()
    checkout = make_checkout(buyer, [(variant, 1)], method="bank_transfer")
    checkout.expires_at = utcnow()
    db.session.commit()
    assert expire_due_payments(utcnow(), current_app.config) == 1
    drain_all()
    [to_buyer] = _to(mail_outbox, buyer.email)
    assert checkout.orders[0].number in to_buyer["Subject"]


def test_handler_for_an_order_that_is_gone_sends_nothing(mail_outbox):
    from orders.notify import order_paid

    order_paid({"order_id": 999_999})
    assert mail_outbox == []


def test_request_that_enqueued_work_drains_the_outbox_after_the_response(app, client, auth, mail_outbox,
                                                                        monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_DRAIN_AFTER_REQUEST", True)
    _, owner, variant = a_sentra()
    buyer = make_user()
    order = placed_order(buyer, variant)
    drain_all()
    mail_outbox.clear()
    auth.login(buyer.email)
    response = client.post(f"/orders/{order.number}/cancel", data={})
    response.close()
    assert response.status_code == 302
    assert len(_to(mail_outbox, buyer.email)) == 1 and len(_to(mail_outbox, owner.email)) == 1
