"""The card flow against localstripe: PaymentIntent, card tokens, 3-D Secure, declines, refunds, webhooks."""
from __future__ import annotations

from sqlalchemy import select

from orders.core import lifecycle
from orders.core.models import Order
from orders.core.payments import Payment
from shop.extensions import db
from tests.factories import make_user
from tests.orders.conftest import wait_until

DECLINED = "4000000000000341"
THREE_D_SECURE = "4000002500003155"


def _pay(client, checkout, token):
    return client.post(f"/checkout/{checkout.id}/kartu", json={"token": token})


def _orders(checkout) -> list[Order]:
    db.session.expire_all()
    return list(db.session.scalars(select(Order).where(Order.checkout_id == checkout.id).order_by(Order.id)))


def _logged_in_buyer(auth):
    buyer = make_user()
    db.session.commit()
    auth.login(buyer.email)
    return buyer


def test_checkout_creates_a_payment_intent_in_idr_hundredths(localstripe, make_card_checkout):
    checkout = make_card_checkout(sentras=2, config=localstripe.config)
    payment = checkout.payment
    assert checkout.total_idr == 2 * 25_000 + 40_000
    (intent,) = localstripe.payment_intents()
    assert intent["id"] == payment.provider_ref and payment.client_secret == intent["client_secret"]
    assert (intent["amount"], intent["currency"]) == (checkout.total_idr * 100, "idr")
    assert intent["metadata"] == {"checkout_id": str(checkout.id)}


def test_card_4242_pays_the_checkout(localstripe, make_card_checkout, client, auth):
    checkout = make_card_checkout(buyer=_logged_in_buyer(auth))
    response = _pay(client, checkout, localstripe.token())
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "succeeded" and body["next_url"] == f"/checkout/{checkout.id}/kartu/kembali"
    assert [(o.status, o.payment_status) for o in _orders(checkout)] == [("placed", "paid")]
    assert localstripe.get(f"/v1/payment_intents/{checkout.payment.provider_ref}")["status"] == "succeeded"


def test_3d_secure_card_requires_action_then_authentication_completes_the_payment(
        localstripe, make_card_checkout, client, auth):
    checkout = make_card_checkout(buyer=_logged_in_buyer(auth))
    body = _pay(client, checkout, localstripe.token(THREE_D_SECURE)).get_json()
    assert body["status"] == "requires_action"
    assert _orders(checkout)[0].payment_status == "unpaid"
    intent = localstripe.authenticate(checkout.payment.provider_ref, body["client_secret"])
    assert intent["status"] == "succeeded"
    # The buyer comes back before (or without) the webhook: the return page asks Stripe.
    response = client.get(body["next_url"])
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/checkout/{checkout.id}/selesai")
    assert _orders(checkout)[0].payment_status == "paid"


def test_failed_3d_secure_sends_the_buyer_back_to_try_again(localstripe, make_card_checkout, client, auth):
    checkout = make_card_checkout(buyer=_logged_in_buyer(auth))
    body = _pay(client, checkout, localstripe.token(THREE_D_SECURE)).get_json()
    localstripe.authenticate(checkout.payment.provider_ref, body["client_secret"], success=False)
    response = client.get(body["next_url"])
    assert response.headers["Location"].endswith(f"/checkout/{checkout.id}/bayar")
    assert _pay(client, checkout, localstripe.token()).get_json()["status"] == "succeeded"


def test_declined_card_gets_a_message_and_another_card_may_be_tried(localstripe, make_card_checkout, client, auth):
    checkout = make_card_checkout(buyer=_logged_in_buyer(auth))
    declined = _pay(client, checkout, localstripe.token(DECLINED))
    assert declined.status_code == 200
    body = declined.get_json()
    assert body["status"] == "requires_payment_method" and "declined" in body["message"]
    assert db.session.get(Payment, checkout.payment.id).failure_message == "Your card was declined."
    assert _orders(checkout)[0].status == "pending_payment"

    second = _pay(client, checkout, localstripe.token()).get_json()
    assert second["status"] == "succeeded"
    assert _orders(checkout)[0].payment_status == "paid"


def test_a_card_declined_when_attached_gets_a_message(localstripe, make_card_checkout, client, auth):
    checkout = make_card_checkout(buyer=_logged_in_buyer(auth))
    body = _pay(client, checkout, localstripe.token("4000000000000002")).get_json()
    assert body["status"] == "requires_payment_method" and "declined" in body["message"]


def test_another_buyers_checkout_is_not_found(localstripe, make_card_checkout, client, auth):
    checkout = make_card_checkout()
    _logged_in_buyer(auth)
    assert _pay(client, checkout, localstripe.token()).status_code == 404
    assert client.get(f"/checkout/{checkout.id}/kartu/kembali").status_code == 404


def test_a_request_without_token_is_refused(localstripe, make_card_checkout, client, auth):
    checkout = make_card_checkout(buyer=_logged_in_buyer(auth))
    assert client.post(f"/checkout/{checkout.id}/kartu", json={"token": "4242"}).status_code == 400


def test_refund_of_one_order_of_a_two_sentra_checkout_is_partial(localstripe, make_card_checkout, client, auth, app):
    checkout = make_card_checkout(buyer=_logged_in_buyer(auth), sentras=2)
    _pay(client, checkout, localstripe.token())
    first, second = _orders(checkout)

    refund = lifecycle.refund(first, None, "sentra cannot make it", app.config)
    db.session.commit()

    assert refund.state == "succeeded" and refund.reference.startswith("re_")
    at_stripe = localstripe.get(f"/v1/refunds/{refund.reference}")
    assert at_stripe["amount"] == first.total_idr * 100
    db.session.expire_all()
    payment = db.session.get(Payment, checkout.payment.id)
    assert (payment.state, payment.refunded_idr) == ("partially_refunded", first.total_idr)
    first, second = _orders(checkout)
    assert (first.payment_status, second.payment_status) == ("refunded", "paid")


def test_signed_webhook_from_localstripe_marks_the_order_paid(localstripe, make_card_checkout, live_app_url, app):
    from orders.payments.stripe import stripe_client

    localstripe.send_webhooks_to(f"{live_app_url}/webhooks/stripe")
    checkout = make_card_checkout()
    # Paid outside the app (as if the buyer's browser finished and never came back).
    stripe = stripe_client(app.config)
    customer = stripe.v1.customers.create(params={"source": localstripe.token()})
    intent_id = checkout.payment.provider_ref
    stripe.v1.payment_intents.update(intent_id, params={"customer": customer.id,
                                                        "payment_method": customer.default_source})
    stripe.v1.payment_intents.confirm(intent_id)

    wait_until(lambda: _orders(checkout)[0].payment_status == "paid", message="the webhook to mark the order paid")
    assert _orders(checkout)[0].status == "placed"
