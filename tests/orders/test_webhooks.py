"""POST /webhooks/stripe with self-signed payloads: signatures, once per event, order, effects."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from orders.core.models import Order, OrderEvent
from orders.core.payments import Payment, ProviderEvent, Refund
from shop.extensions import db
from tests.orders.conftest import sign, stripe_event

pytestmark = pytest.mark.usefixtures("offline_intents")


def _intent(checkout, status: str = "succeeded", **fields) -> dict:
    payment = checkout.payment
    return {"id": payment.provider_ref, "object": "payment_intent", "status": status,
            "amount": payment.amount_idr * 100, "currency": "idr",
            "metadata": {"checkout_id": str(checkout.id)}, **fields}


def _declined(checkout) -> dict:
    return _intent(checkout, "requires_payment_method",
                   last_payment_error={"code": "card_declined", "message": "Your card was declined."})


def _orders(checkout) -> list[Order]:
    db.session.expire_all()
    return list(db.session.scalars(select(Order).where(Order.checkout_id == checkout.id).order_by(Order.id)))


def _payment_events(checkout) -> int:
    return db.session.scalar(select(func.count()).select_from(OrderEvent).join(Order)
                             .where(Order.checkout_id == checkout.id, OrderEvent.kind == "payment"))


def test_succeeded_event_marks_the_orders_paid(make_card_checkout, deliver):
    checkout = make_card_checkout(sentras=2)
    response = deliver(stripe_event("payment_intent.succeeded", _intent(checkout)))
    assert response.status_code == 200
    assert [(o.status, o.payment_status) for o in _orders(checkout)] == [("placed", "paid")] * 2
    assert db.session.get(Payment, checkout.payment.id).state == "succeeded"


def test_a_forged_signature_is_refused_with_400(make_card_checkout, deliver):
    checkout = make_card_checkout()
    response = deliver(stripe_event("payment_intent.succeeded", _intent(checkout)), secret="whsec_forged")
    assert response.status_code == 400
    assert _orders(checkout)[0].payment_status == "unpaid"


def test_a_stale_signature_is_refused_with_400(make_card_checkout, deliver):
    checkout = make_card_checkout()
    body = stripe_event("payment_intent.succeeded", _intent(checkout))
    response = deliver(body, timestamp=int(time.time()) - 301)
    assert response.status_code == 400
    assert _orders(checkout)[0].payment_status == "unpaid"


def test_a_signature_of_another_body_is_refused_with_400(make_card_checkout, deliver):
    checkout = make_card_checkout()
    body = stripe_event("payment_intent.succeeded", _intent(checkout))
    response = deliver(body, signature=sign(body.replace(b"succeeded", b"Succeeded")))
    assert response.status_code == 400


def test_a_request_without_signature_is_refused_with_400(client):
    response = client.post("/webhooks/stripe", data=b"{}", content_type="application/json")
    assert response.status_code == 400


def test_a_signed_body_that_is_not_an_event_is_refused_with_400(deliver, stripe_keys):
    assert deliver(b'{"hello": "world"}').status_code == 400


def test_an_event_delivered_twice_is_processed_once(make_card_checkout, deliver):
    checkout = make_card_checkout()
    body = stripe_event("payment_intent.succeeded", _intent(checkout), event_id="evt_twice")
    assert deliver(body).get_json()["outcome"] == "processed"
    second = deliver(body)
    assert second.status_code == 200 and second.get_json()["outcome"] == "duplicate"
    assert _payment_events(checkout) == 1
    assert db.session.scalar(select(func.count()).select_from(ProviderEvent)) == 1


def test_a_second_success_event_with_another_id_changes_nothing(make_card_checkout, deliver):
    checkout = make_card_checkout()
    deliver(stripe_event("payment_intent.succeeded", _intent(checkout)))
    deliver(stripe_event("payment_intent.succeeded", _intent(checkout)))
    assert _payment_events(checkout) == 1


def test_failed_event_records_the_reason_and_leaves_the_order_payable(make_card_checkout, deliver):
    checkout = make_card_checkout()
    assert deliver(stripe_event("payment_intent.payment_failed", _declined(checkout))).status_code == 200
    payment = db.session.get(Payment, checkout.payment.id)
    assert payment.state == "pending" and payment.failure_message == "Your card was declined."
    assert _orders(checkout)[0].status == "pending_payment"


def test_failed_event_arriving_after_success_changes_nothing(make_card_checkout, deliver):
    checkout = make_card_checkout()
    deliver(stripe_event("payment_intent.succeeded", _intent(checkout)))
    deliver(stripe_event("payment_intent.payment_failed", _declined(checkout)))
    order = _orders(checkout)[0]
    assert (order.status, order.payment_status) == ("placed", "paid")
    assert db.session.get(Payment, checkout.payment.id).failure_message is None


def test_success_arriving_after_a_failure_marks_paid(make_card_checkout, deliver):
    checkout = make_card_checkout()
    deliver(stripe_event("payment_intent.payment_failed", _declined(checkout)))
    deliver(stripe_event("payment_intent.succeeded", _intent(checkout)))
    assert _orders(checkout)[0].payment_status == "paid"


def test_unknown_event_types_are_acknowledged(deliver, stripe_keys):
    response = deliver(stripe_event("customer.created", {"id": "cus_1", "object": "customer"}))
    assert response.status_code == 200 and response.get_json()["outcome"] == "ignored"


def test_an_unknown_payment_intent_is_acknowledged_and_not_recorded(deliver, stripe_keys):
    response = deliver(stripe_event("payment_intent.succeeded",
                                    {"id": "pi_unknown", "object": "payment_intent", "metadata": {}}))
    assert response.status_code == 200 and response.get_json()["outcome"] == "unknown"
    assert db.session.scalar(select(func.count()).select_from(ProviderEvent)) == 0


def test_a_payment_intent_is_found_by_its_checkout_when_its_id_was_not_recorded(make_card_checkout, deliver):
    checkout = make_card_checkout()
    deliver(stripe_event("payment_intent.succeeded", {**_intent(checkout), "id": "pi_replacement"}))
    assert _orders(checkout)[0].payment_status == "paid"


def test_dispute_flags_every_order_of_the_checkout(make_card_checkout, deliver):
    checkout = make_card_checkout(sentras=2)
    deliver(stripe_event("payment_intent.succeeded", _intent(checkout)))
    dispute = {"id": "dp_1", "object": "dispute", "charge": "ch_1", "payment_intent": checkout.payment.provider_ref,
               "reason": "fraudulent", "status": "needs_response", "amount": checkout.total_idr * 100}
    assert deliver(stripe_event("charge.dispute.created", dispute)).status_code == 200
    orders = _orders(checkout)
    assert all(order.disputed_at is not None for order in orders)
    notes = db.session.scalars(select(OrderEvent.note).where(OrderEvent.kind == "dispute")).all()
    assert len(notes) == 2 and all("fraudulent" in note for note in notes)


def test_a_lost_dispute_takes_the_credit_back_from_each_completed_order_once(make_card_checkout, deliver):
    from orders.core.status import transition
    from orders.ledger.models import LedgerEntry
    from orders.ledger.services import balance_idr
    from orders.services import accept_order
    from orders.shipping import services as shipping

    checkout = make_card_checkout(sentras=2)
    deliver(stripe_event("payment_intent.succeeded", _intent(checkout)))
    for order in _orders(checkout):
        owner = order.sentra.memberships[0].user
        accept_order(order, owner)
        shipping.record_tracking_event(order, "ready_for_pickup", owner)
        shipping.handover(order, order.pickup_code, owner)
        transition(order, "completed", None, "done")
    db.session.commit()
    assert all(balance_idr(order.sentra_id) > 0 for order in _orders(checkout))
    won = {"id": "dp_2", "object": "dispute", "payment_intent": checkout.payment.provider_ref, "status": "won"}
    deliver(stripe_event("charge.dispute.closed", won))
    assert all(order.dispute_lost_at is None for order in _orders(checkout))
    lost = {**won, "id": "dp_3", "status": "lost"}
    for _ in range(2):  # Stripe may send it again
        assert deliver(stripe_event("charge.dispute.closed", lost)).status_code == 200
    db.session.expire_all()
    assert all(balance_idr(order.sentra_id) == 0 for order in _orders(checkout))
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == "dispute")) == 2


def _paid_with_pending_refund(checkout, deliver) -> Refund:
    deliver(stripe_event("payment_intent.succeeded", _intent(checkout)))
    order = _orders(checkout)[0]
    refund = Refund(payment_id=checkout.payment.id, order_id=order.id, amount_idr=order.total_idr,
                    state="pending", reference="re_pending_1")
    db.session.add(refund)
    db.session.commit()
    return refund


def _stripe_refund(refund: Refund, status: str) -> dict:
    return {"id": refund.reference, "object": "refund", "amount": refund.amount_idr * 100, "currency": "idr",
            "status": status, "payment_intent": "pi_x", "charge": "ch_x"}


def test_refund_updated_to_succeeded_books_the_pending_refund_once(make_card_checkout, deliver):
    checkout = make_card_checkout(sentras=2)
    refund = _paid_with_pending_refund(checkout, deliver)
    deliver(stripe_event("refund.updated", _stripe_refund(refund, "succeeded")))
    deliver(stripe_event("refund.updated", _stripe_refund(refund, "succeeded")))  # another event, same news
    db.session.expire_all()
    assert db.session.get(Refund, refund.id).state == "succeeded"
    first, second = _orders(checkout)
    assert (first.payment_status, first.refunded_idr) == ("refunded", first.total_idr)
    assert second.payment_status == "paid"
    payment = db.session.get(Payment, checkout.payment.id)
    assert (payment.state, payment.refunded_idr) == ("partially_refunded", first.total_idr)


def test_charge_refunded_books_the_refunds_it_lists(make_card_checkout, deliver):
    checkout = make_card_checkout()
    refund = _paid_with_pending_refund(checkout, deliver)
    charge = {"id": "ch_x", "object": "charge", "payment_intent": checkout.payment.provider_ref, "refunded": True,
              "refunds": {"object": "list", "data": [_stripe_refund(refund, "succeeded")]}}
    deliver(stripe_event("charge.refunded", charge))
    db.session.expire_all()
    assert db.session.get(Payment, checkout.payment.id).state == "refunded"


def test_a_failed_refund_is_marked_failed_and_not_booked(make_card_checkout, deliver):
    checkout = make_card_checkout()
    refund = _paid_with_pending_refund(checkout, deliver)
    deliver(stripe_event("refund.updated", _stripe_refund(refund, "failed")))
    db.session.expire_all()
    assert db.session.get(Refund, refund.id).state == "failed"
    assert _orders(checkout)[0].payment_status == "paid"
