"""Webhook races and one-key checkout storms on PostgreSQL, with real parallel connections."""
from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from orders.checkout.services import AddressInput, CheckoutRequest, place_checkout
from orders.core.models import Checkout, Order, OrderEvent
from shop.accounts.models import User
from shop.extensions import db
from tests.factories import BEKASI_ADDRESS, fill_cart, make_product, make_sentra, make_user
from tests.orders.conftest import sign, stripe_event

pytestmark = pytest.mark.postgres_only


def _in_parallel(app, jobs: list[Callable[[], object]]) -> list[object]:
    """Run each job in its own thread, app context and connection, all released at once."""
    barrier = threading.Barrier(len(jobs))

    def run(job):
        with app.app_context():
            try:
                barrier.wait(timeout=60)
                return job()
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def _post(app, body: bytes) -> Callable[[], int]:
    def job() -> int:
        return app.test_client().post("/webhooks/stripe", data=body, content_type="application/json",
                                      headers={"Stripe-Signature": sign(body)}).status_code
    return job


def _intent(checkout, status: str, **fields) -> dict:
    return {"id": checkout.payment.provider_ref, "object": "payment_intent", "status": status,
            "metadata": {"checkout_id": str(checkout.id)}, **fields}


def _payment_events(checkout_id: int) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(OrderEvent.note).join(Order)
                                   .where(Order.checkout_id == checkout_id, OrderEvent.kind == "payment")))


@pytest.mark.usefixtures("offline_intents")
def test_one_event_delivered_ten_times_at_once_pays_the_order_once(app, make_card_checkout):
    checkout = make_card_checkout()
    body = stripe_event("payment_intent.succeeded", _intent(checkout, "succeeded"), event_id="evt_storm")

    statuses = _in_parallel(app, [_post(app, body)] * 10)

    assert statuses == [200] * 10
    assert len(_payment_events(checkout.id)) == 1
    assert db.session.scalar(select(func.count()).select_from(OrderEvent)
                             .where(OrderEvent.to_status == "placed", OrderEvent.from_status == "pending_payment")) == 1


@pytest.mark.usefixtures("offline_intents")
@pytest.mark.parametrize("order", ["success_first", "failure_first"])
def test_success_and_failure_delivered_together_end_paid(app, make_card_checkout, order):
    checkout = make_card_checkout()
    succeeded = stripe_event("payment_intent.succeeded", _intent(checkout, "succeeded"))
    failed = stripe_event("payment_intent.payment_failed", _intent(
        checkout, "requires_payment_method", last_payment_error={"message": "Your card was declined."}))
    bodies = [succeeded, failed] if order == "success_first" else [failed, succeeded]

    assert _in_parallel(app, [_post(app, body) for body in bodies * 5]) == [200] * 10

    db.session.expire_all()
    (paid,) = db.session.scalars(select(Order).where(Order.checkout_id == checkout.id))
    assert (paid.status, paid.payment_status) == ("placed", "paid")
    assert len(_payment_events(checkout.id)) == 1


def test_20_parallel_submits_with_one_key_make_one_checkout_and_one_payment_intent(app, localstripe):
    sentra = make_sentra()
    variant = make_product(sentra, variants=[{"price_idr": 30_000, "stock": 10}]).variants[0]
    buyer = make_user()
    fill_cart(buyer, [(variant, 2)])
    db.session.commit()
    buyer_id, slug = buyer.id, sentra.slug

    def submit():
        request = CheckoutRequest("one-key", "stripe_card", AddressInput(**BEKASI_ADDRESS), {slug: "pickup"})
        result = place_checkout(db.session.get(User, buyer_id), request, app.config)
        return result.created, result.checkout.payment.provider_ref

    outcomes = _in_parallel(app, [submit] * 20)

    assert sum(created for created, _ in outcomes) == 1
    refs = {ref for _, ref in outcomes}
    assert len(refs) == 1 and None not in refs  # every submit saw the same PaymentIntent
    assert db.session.scalar(select(func.count()).select_from(Checkout)) == 1
    (intent,) = localstripe.payment_intents()
    assert intent["id"] == outcomes[0][1] and intent["amount"] == 60_000 * 100
