"""POST /webhooks/midtrans: the signature, the status confirmation, and each effect exactly once
whatever the notifications' number, order or age; amount mismatches; expiry and the late payment."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from orders.core.models import Checkout, Order, OrderEvent
from orders.core.payments import Payment, ProviderEvent
from orders.payments.services import expire_due_payments
from shop.db import utcnow
from shop.extensions import db
from tests.orders.midtrans_fixtures import *  # noqa: F403  (fixtures)
from tests.orders.midtrans_standin import signature


def _payment(checkout) -> Payment:
    db.session.expire_all()
    return db.session.get(Checkout, checkout.id).payment


def _orders(checkout) -> list[Order]:
    db.session.expire_all()
    return list(db.session.scalars(select(Order).where(Order.checkout_id == checkout.id).order_by(Order.id)))


def _payment_events(checkout) -> int:
    return db.session.scalar(select(func.count()).select_from(OrderEvent).join(Order)
                             .where(Order.checkout_id == checkout.id, OrderEvent.kind == "payment"))


def _stock(checkout) -> list[int]:
    from catalog.products.models import Variant

    return [db.session.get(Variant, line.variant_id).stock for order in _orders(checkout) for line in order.lines]


def test_a_forged_signature_is_a_400_and_changes_nothing(client, make_midtrans_checkout, midtrans):
    checkout = make_midtrans_checkout("qris")
    order_id = checkout.payment.provider_ref
    midtrans.settle(order_id)
    answer = client.post("/webhooks/midtrans", json=midtrans.notification(order_id, server_key="SB-Mid-server-forged"))
    assert answer.status_code == 400
    assert _orders(checkout)[0].payment_status == "unpaid"
    assert ("GET", f"/v2/{order_id}/status") not in midtrans.requests  # not even asked


def test_a_notification_without_signature_is_a_400(client, make_midtrans_checkout, midtrans):
    checkout = make_midtrans_checkout("qris")
    body = midtrans.notification(checkout.payment.provider_ref)
    del body["signature_key"]
    assert client.post("/webhooks/midtrans", json=body).status_code == 400
    assert client.post("/webhooks/midtrans", data=b"not json", content_type="application/json").status_code == 400


def test_a_signature_of_other_fields_is_a_400(client, make_midtrans_checkout, midtrans):
    checkout = make_midtrans_checkout("qris")
    order_id = checkout.payment.provider_ref
    midtrans.settle(order_id)
    body = midtrans.notification(order_id)
    body["gross_amount"] = "1.00"  # changed after signing
    assert client.post("/webhooks/midtrans", json=body).status_code == 400
    assert _payment(checkout).state == "pending"


def test_a_notification_is_confirmed_by_asking_midtrans_for_the_status(client, make_midtrans_checkout, midtrans):
    checkout = make_midtrans_checkout("qris")
    order_id = checkout.payment.provider_ref
    # A correctly signed "settlement" for a transaction Midtrans still has as pending pays nothing.
    fake = midtrans.notification(order_id, transaction_status="settlement", status_code="200")
    fake["signature_key"] = signature(order_id, "200", fake["gross_amount"])
    answer = client.post("/webhooks/midtrans", json=fake)
    assert answer.status_code == 200 and answer.get_json()["outcome"] == "pending"
    assert ("GET", f"/v2/{order_id}/status") in midtrans.requests
    assert _orders(checkout)[0].payment_status == "unpaid"


def test_a_pending_notification_changes_nothing(client, make_midtrans_checkout, midtrans):
    checkout = make_midtrans_checkout("va_bca")
    answer = client.post("/webhooks/midtrans", json=midtrans.notification(checkout.payment.provider_ref))
    assert answer.get_json()["outcome"] == "pending"
    assert _orders(checkout)[0].status == "pending_payment"
    assert _payment(checkout).provider_status == "pending"


def test_a_duplicated_settlement_pays_once(client, make_midtrans_checkout, midtrans):
    checkout = make_midtrans_checkout("gopay", sentras=2)
    order_id = checkout.payment.provider_ref
    midtrans.settle(order_id)
    body = midtrans.notification(order_id)
    outcomes = [client.post("/webhooks/midtrans", json=body).get_json()["outcome"] for _ in range(3)]
    assert outcomes == ["processed", "duplicate", "duplicate"]
    assert [(o.status, o.payment_status) for o in _orders(checkout)] == [("placed", "paid")] * 2
    assert _payment_events(checkout) == 2  # one per order
    assert db.session.scalar(select(func.count()).select_from(ProviderEvent)) == 1


def test_a_stale_pending_notification_after_the_settlement_changes_nothing(client, make_midtrans_checkout, midtrans):
    checkout = make_midtrans_checkout("qris")
    order_id = checkout.payment.provider_ref
    stale = midtrans.notification(order_id)  # sent while pending, delivered late
    midtrans.settle(order_id)
    client.post("/webhooks/midtrans", json=midtrans.notification(order_id))
    answer = client.post("/webhooks/midtrans", json=stale)
    assert answer.status_code == 200
    assert (_orders(checkout)[0].payment_status, _payment(checkout).state) == ("paid", "succeeded")
    assert _payment_events(checkout) == 1


def test_reordered_notifications_settlement_first_then_pending_pay_once(client, make_midtrans_checkout, midtrans):
    checkout = make_midtrans_checkout("va_bni")
    order_id = checkout.payment.provider_ref
    pending = midtrans.notification(order_id)
    midtrans.settle(order_id)
    settled = midtrans.notification(order_id)
    for body in (settled, pending, settled, pending):
        assert client.post("/webhooks/midtrans", json=body).status_code == 200
    assert _orders(checkout)[0].payment_status == "paid"
    assert _payment_events(checkout) == 1


def test_a_stale_pending_notification_delivered_after_a_lost_settlement_pays(client, make_midtrans_checkout,
                                                                              midtrans):
    checkout = make_midtrans_checkout("shopeepay")
    order_id = checkout.payment.provider_ref
    stale = midtrans.notification(order_id)
    midtrans.settle(order_id)  # its own notification is lost
    assert client.post("/webhooks/midtrans", json=stale).get_json()["outcome"] == "processed"
    assert _orders(checkout)[0].payment_status == "paid"


def test_a_notification_for_an_unknown_order_id_is_acknowledged(client, midtrans):
    body = {"order_id": "PS-999-x", "status_code": "200", "gross_amount": "1000.00",
            "transaction_status": "settlement"}
    body["signature_key"] = signature(body["order_id"], "200", "1000.00")
    answer = client.post("/webhooks/midtrans", json=body)
    assert answer.status_code == 200 and answer.get_json()["outcome"] == "unknown"


def test_an_amount_mismatch_never_pays_and_is_flagged_for_the_office(client, make_midtrans_checkout, midtrans):
    checkout = make_midtrans_checkout("qris")
    order_id = checkout.payment.provider_ref
    midtrans.settle(order_id, paid_idr=5_000)
    answer = client.post("/webhooks/midtrans", json=midtrans.notification(order_id))
    assert answer.status_code == 200 and answer.get_json()["outcome"] == "mismatch"
    payment = _payment(checkout)
    assert payment.state == "pending" and payment.mismatch_idr == 5_000 and payment.mismatch_at is not None
    assert _orders(checkout)[0].payment_status == "unpaid"
    assert db.session.scalar(select(func.count()).select_from(ProviderEvent)) == 0


def test_a_notification_whose_own_amount_differs_from_the_status_is_flagged(client, make_midtrans_checkout, midtrans):
    checkout = make_midtrans_checkout("qris")
    order_id = checkout.payment.provider_ref
    midtrans.settle(order_id)
    body = midtrans.notification(order_id, gross_amount="49000.00")
    assert client.post("/webhooks/midtrans", json=body).get_json()["outcome"] == "mismatch"
    assert _orders(checkout)[0].payment_status == "unpaid"
    assert _payment(checkout).mismatch_idr == 49_000


def test_midtrans_not_answering_the_status_is_a_503_and_changes_nothing(client, make_midtrans_checkout, midtrans,
                                                                         app):
    checkout = make_midtrans_checkout("qris")
    order_id = checkout.payment.provider_ref
    midtrans.settle(order_id)
    body = midtrans.notification(order_id)
    app.config["MIDTRANS_API_BASE"] = "http://127.0.0.1:9"
    assert client.post("/webhooks/midtrans", json=body).status_code == 503
    assert _orders(checkout)[0].payment_status == "unpaid"


def test_an_expire_notification_ends_the_payment_and_returns_the_stock(client, make_midtrans_checkout, midtrans):
    checkout = make_midtrans_checkout("va_bri")
    assert _stock(checkout) == [3]
    midtrans.expire(checkout.payment.provider_ref)
    client.post("/webhooks/midtrans", json=midtrans.notification(checkout.payment.provider_ref))
    assert _payment(checkout).state == "expired"
    assert [o.status for o in _orders(checkout)] == ["expired"]
    assert _stock(checkout) == [5]


def test_a_deny_notification_cancels_and_returns_the_stock_once(client, make_midtrans_checkout, midtrans):
    checkout = make_midtrans_checkout("gopay")
    order_id = checkout.payment.provider_ref
    midtrans.deny(order_id)
    body = midtrans.notification(order_id)
    client.post("/webhooks/midtrans", json=body)
    client.post("/webhooks/midtrans", json=body)
    assert _payment(checkout).state == "failed"
    assert [o.status for o in _orders(checkout)] == ["cancelled"]
    assert _stock(checkout) == [5]


def test_an_expire_arriving_after_the_settlement_changes_nothing(client, make_midtrans_checkout, midtrans):
    checkout = make_midtrans_checkout("qris")
    order_id = checkout.payment.provider_ref
    midtrans.expire(order_id)
    expired = midtrans.notification(order_id)
    midtrans.settle(order_id)
    client.post("/webhooks/midtrans", json=midtrans.notification(order_id))
    client.post("/webhooks/midtrans", json=expired)  # Midtrans now says settlement: nothing ends
    assert (_orders(checkout)[0].status, _payment(checkout).state) == ("placed", "succeeded")


def test_checkouts_expire_on_time_and_a_late_settlement_takes_the_stock_again(client, make_midtrans_checkout,
                                                                             midtrans, app):
    checkout = make_midtrans_checkout("qris")
    order_id = checkout.payment.provider_ref
    assert expire_due_payments(utcnow() + timedelta(minutes=16), app.config) == 1
    assert [o.status for o in _orders(checkout)] == ["expired"]
    assert _stock(checkout) == [5]
    midtrans._set(order_id, "pending")  # our cancel reached Midtrans, yet the buyer had paid
    midtrans.settle(order_id)
    client.post("/webhooks/midtrans", json=midtrans.notification(order_id))
    order = _orders(checkout)[0]
    assert (order.status, order.payment_status) == ("placed", "paid")
    assert _stock(checkout) == [3]


def test_the_expiry_cancels_the_midtrans_transaction(make_midtrans_checkout, midtrans, app):
    make_midtrans_checkout("va_permata")
    expire_due_payments(utcnow() + timedelta(hours=25), app.config)
    assert midtrans.only()["transaction_status"] == "cancel"


def test_a_settlement_after_expiry_whose_stock_is_gone_is_refunded_through_midtrans(client, make_midtrans_checkout,
                                                                                    midtrans, app):
    from catalog.products.models import Variant
    from shop.outbox.services import drain

    checkout = make_midtrans_checkout("qris", stock=2)
    order_id = checkout.payment.provider_ref
    expire_due_payments(utcnow() + timedelta(minutes=16), app.config)
    variant = db.session.get(Variant, _orders(checkout)[0].lines[0].variant_id)
    variant.stock = 0  # sold to someone else meanwhile
    db.session.commit()
    midtrans._set(order_id, "pending")
    midtrans.settle(order_id)
    client.post("/webhooks/midtrans", json=midtrans.notification(order_id))
    drain()
    assert [r["amount"] for r in midtrans.only()["refunds"]] == [50_000]
    order = _orders(checkout)[0]
    assert (order.status, order.payment_status) == ("expired", "refunded")
