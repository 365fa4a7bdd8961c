"""Edge cases found in review: a parcel already on its way, money sent before a cancel, cheap lists."""
from __future__ import annotations

import pytest
from flask import current_app
from sqlalchemy import select

from orders.core.errors import InvalidTransitionError
from orders.core.payments import Refund
from orders.services import cancel_by_buyer, cancel_by_sentra, sentra_may_cancel
from orders.shipping import services as shipping
from shop.accounts.tokens import issue_token
from shop.extensions import db
from tests.factories import make_checkout, make_user
from tests.orders.orders_helpers import a_sentra, drain_all
from tests.orders.shipping_helpers import WAYBILL, accepted_order
from tests.queries import count_queries


def test_a_sentra_cannot_cancel_a_parcel_that_is_already_with_the_courier(app):
    order, owner, _courier, variant = accepted_order("courier")
    shipping.record_tracking_event(order, "handed_to_courier", owner, courier="jne", waybill=WAYBILL)
    db.session.commit()
    stock_before = variant.stock
    assert not sentra_may_cancel(order)
    with pytest.raises(InvalidTransitionError):
        cancel_by_sentra(order, owner, "pembeli minta batal", current_app.config)
    db.session.rollback()
    db.session.refresh(variant)
    assert (order.status, variant.stock) == ("shipped", stock_before)


def test_a_sentra_can_still_cancel_before_the_parcel_leaves(app):
    order, owner, _courier, _variant = accepted_order("courier")
    cancel_by_sentra(order, owner, "bahan baku habis", current_app.config)
    db.session.commit()
    assert order.status == "cancelled"


def test_a_transfer_sent_before_the_buyer_cancelled_is_confirmed_and_refunded(app, client):
    from orders.payments.services import mark_paid

    _sentra, _owner, variant = a_sentra()
    buyer = make_user()
    checkout = make_checkout(buyer, [(variant, 1)], method="bank_transfer", delivery="pickup")
    checkout.payment.state = "processing"  # the buyer uploaded a proof: the money is on its way
    db.session.commit()
    cancel_by_buyer(checkout.orders[0], buyer, None, current_app.config)
    db.session.commit()
    assert checkout.payment.state == "processing"  # still in the office's waiting list
    mark_paid(checkout.payment, None, "transfer found on the statement", current_app.config)
    db.session.commit()
    drain_all()
    refund = db.session.scalar(select(Refund))
    assert (refund.order_id, refund.amount_idr, refund.state) == (checkout.orders[0].id, checkout.total_idr, "pending")


def test_the_buyers_order_list_api_costs_the_same_for_one_order_or_five(app, client):
    _sentra, _owner, variant = a_sentra(stock=50)
    buyer = make_user()
    token, _ = issue_token(buyer, "test", 30)
    make_checkout(buyer, [(variant, 1)])
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    client.get("/api/v1/orders", headers=headers)  # the token's first use records itself
    db.session.expire_all()  # both counts start from the same cold identity map
    with count_queries() as one:
        assert client.get("/api/v1/orders", headers=headers).status_code == 200
    for _ in range(4):
        make_checkout(buyer, [(variant, 1)])
    db.session.commit()
    db.session.expire_all()
    with count_queries() as five:
        assert len(client.get("/api/v1/orders", headers=headers).get_json()["items"]) == 5
    assert len(five) == len(one)


def test_a_card_confirmation_body_that_is_not_an_object_is_a_400(app, client, auth):
    _sentra, _owner, variant = a_sentra()
    buyer = make_user()
    checkout = make_checkout(buyer, [(variant, 1)], method="bank_transfer", delivery="pickup")
    auth.login(buyer.email)
    response = client.post(f"/checkout/{checkout.id}/kartu", json=["tok_visa"])
    assert response.status_code in (400, 404)  # 404: not a card checkout; never a 500
