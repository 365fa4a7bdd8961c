"""The buyer's shipment emails: ready for pickup, handed to a courier, out for delivery, delivered, failed."""
from __future__ import annotations

from orders.shipping import services
from shop.extensions import db
from tests.factories import png_bytes
from tests.orders.orders_helpers import drain_all
from tests.orders.shipping_helpers import accepted_order, advance


def _english(order) -> None:
    """Emails go out in the buyer's language; these tests read the English texts."""
    order.buyer.locale = "en"
    db.session.commit()


def _mails_to(outbox, email):
    return [m for m in outbox if m["To"] == email]


def _only_new(outbox, steps, order, actor):
    drain_all()
    outbox.clear()
    advance(order, actor, steps)
    drain_all()
    return list(outbox)


def test_ready_for_pickup_email_carries_the_pickup_code_only_to_the_buyer(mail_outbox):
    order, owner, _, _ = accepted_order("pickup")
    _english(order)
    sent = _only_new(mail_outbox, ["ready_for_pickup"], order, owner)
    [mail] = sent
    assert mail["To"] == order.buyer.email and "ready for pickup" in mail["Subject"]
    body = mail.get_content()
    assert order.pickup_code in body and order.sentra.address in body


def test_handed_to_sentra_courier_email_carries_the_delivery_pin(mail_outbox):
    order, owner, courier, _ = accepted_order("sentra_courier")
    _english(order)
    [mail] = _only_new(mail_outbox, ["handed_to_courier"], order, courier)
    assert mail["To"] == order.buyer.email and "on its way" in mail["Subject"]
    assert order.shipment.delivery_pin in mail.get_content()


def test_handed_to_external_courier_email_links_to_the_courier_tracking(mail_outbox):
    order, owner, _, _ = accepted_order("courier")
    _english(order)
    [mail] = _only_new(mail_outbox, ["handed_to_courier"], order, owner)
    body = mail.get_content()
    assert order.shipment.waybill in body
    assert f"https://www.jne.co.id/tracking-package?resi={order.shipment.waybill}" in body


def test_out_for_delivery_failed_and_delivered_emails(mail_outbox):
    order, owner, courier, _ = accepted_order("sentra_courier")
    _english(order)
    advance(order, courier, ["handed_to_courier"])
    [out] = _only_new(mail_outbox, ["out_for_delivery"], order, courier)
    assert "out for delivery" in out["Subject"]
    drain_all()
    mail_outbox.clear()
    services.record_tracking_event(order, "delivery_failed", courier, "rumah kosong")
    db.session.commit()
    drain_all()
    [failed] = _mails_to(mail_outbox, order.buyer.email)
    assert "failed" in failed["Subject"] and "rumah kosong" in failed.get_content()
    advance(order, courier, ["out_for_delivery"])
    drain_all()
    mail_outbox.clear()
    advance(order, courier, ["delivered"])
    drain_all()
    [delivered] = _mails_to(mail_outbox, order.buyer.email)
    assert "delivered" in delivered["Subject"]


def test_delivered_without_pin_email_invites_a_dispute(mail_outbox):
    order, owner, courier, _ = accepted_order("sentra_courier")
    _english(order)
    advance(order, courier, ["handed_to_courier"])
    drain_all()
    mail_outbox.clear()
    services.deliver_without_pin(order, courier, "Pak Joko", png_bytes())
    db.session.commit()
    drain_all()
    [mail] = _mails_to(mail_outbox, order.buyer.email)
    body = mail.get_content()
    assert "Pak Joko" in body and "without your delivery PIN" in body


def test_no_code_ever_goes_to_the_sentra(mail_outbox):
    order, owner, _, _ = accepted_order("pickup")
    advance(order, owner, ["ready_for_pickup", "delivered"])
    drain_all()
    assert all(m["To"] == order.buyer.email for m in mail_outbox if order.pickup_code in m.get_content())
