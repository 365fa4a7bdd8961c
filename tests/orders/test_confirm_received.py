"""The buyer confirms a delivered order arrived ("Pesanan diterima"): it completes at once."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from orders import services
from orders.core import lifecycle
from orders.core.errors import InvalidTransitionError, NotAllowedError
from orders.core.models import Order, OrderEvent
from orders.shipping import problems
from orders.shipping import services as shipping
from shop.db import utcnow
from shop.extensions import db
from tests.factories import make_user
from tests.orders.tracking_helpers import BUYER_EMAIL, delivered_pickup, new_order, ready_pickup


def _reload(order_id: int) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order_id)


def test_the_buyer_completes_a_delivered_order_by_confirming_it_arrived():
    setup = new_order()
    order = delivered_pickup(setup)
    services.confirm_received_by_buyer(order, setup.buyer)
    db.session.commit()
    order = _reload(order.id)
    assert order.status == "completed"
    assert order.completed_at is not None
    event = db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id)
                               .order_by(OrderEvent.id.desc())).first()
    assert (event.from_status, event.to_status, event.actor_id) == ("delivered", "completed", setup.buyer.id)
    assert event.note == "confirmed received by the buyer"


def test_an_order_not_yet_delivered_cannot_be_confirmed_received():
    setup = new_order()
    order = ready_pickup(setup)
    with pytest.raises(InvalidTransitionError):
        services.confirm_received_by_buyer(order, setup.buyer)
    db.session.rollback()
    assert _reload(order.id).status == "ready_for_pickup"


def test_a_completed_order_cannot_be_confirmed_twice():
    setup = new_order()
    order = delivered_pickup(setup)
    services.confirm_received_by_buyer(order, setup.buyer)
    db.session.commit()
    with pytest.raises(InvalidTransitionError):
        services.confirm_received_by_buyer(_reload(order.id), setup.buyer)


def test_another_buyer_cannot_confirm_the_order():
    setup = new_order()
    order = delivered_pickup(setup)
    stranger = make_user("orang.lain@example.test")
    db.session.commit()
    with pytest.raises(NotAllowedError):
        services.confirm_received_by_buyer(order, stranger)
    db.session.rollback()
    assert _reload(order.id).status == "delivered"


def test_an_open_problem_keeps_the_order_from_being_confirmed_received():
    setup = new_order()
    order = delivered_pickup(setup)
    problems.raise_problem(order, setup.buyer, "damaged", "Toplesnya retak waktu sampai di rumah.")
    db.session.commit()
    order = _reload(order.id)
    assert not services.buyer_may_confirm_received(order)
    with pytest.raises(NotAllowedError):
        services.confirm_received_by_buyer(order, setup.buyer)
    db.session.rollback()
    assert _reload(order.id).status == "delivered"


def test_the_order_page_offers_the_button_only_once_delivered(client, auth):
    setup = new_order()
    order = ready_pickup(setup)
    auth.login(BUYER_EMAIL)
    action = f'action="/orders/{order.number}/diterima"'
    assert action not in client.get(f"/orders/{order.number}").get_data(as_text=True)
    order = _reload(order.id)
    shipping.handover(order, order.pickup_code, setup.owner, paid_with="cash")
    db.session.commit()
    assert action in client.get(f"/orders/{order.number}").get_data(as_text=True)


def test_posting_the_button_completes_the_order_and_returns_to_the_payment_page(client, auth):
    setup = new_order()
    order = delivered_pickup(setup)
    auth.login(BUYER_EMAIL)
    back = f"/checkout/{order.checkout_id}/bayar"
    response = client.post(f"/orders/{order.number}/diterima", data={"next": back})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(back)
    assert _reload(order.id).status == "completed"


def test_the_button_never_redirects_to_another_site(client, auth):
    setup = new_order()
    order = delivered_pickup(setup)
    auth.login(BUYER_EMAIL)
    response = client.post(f"/orders/{order.number}/diterima", data={"next": "//evil.example/"})
    assert response.headers["Location"].endswith(f"/orders/{order.number}")


def test_another_buyers_order_number_is_not_found(client, auth):
    setup = new_order()
    order = delivered_pickup(setup)
    make_user("orang.lain@example.test")
    db.session.commit()
    auth.login("orang.lain@example.test")
    assert client.post(f"/orders/{order.number}/diterima").status_code == 404
    assert _reload(order.id).status == "delivered"


def test_the_button_needs_the_csrf_token(client, auth, csrf_enabled):
    setup = new_order()
    order = delivered_pickup(setup)
    auth.login(BUYER_EMAIL)
    assert client.post(f"/orders/{order.number}/diterima").status_code == 400
    assert _reload(order.id).status == "delivered"


def test_completing_twice_changes_nothing_the_second_time():
    setup = new_order()
    order = delivered_pickup(setup)
    now = utcnow()
    assert lifecycle.complete(order, setup.buyer, "confirmed received by the buyer", now) is True
    events = len(order.events)
    assert lifecycle.complete(order, setup.buyer, "confirmed received by the buyer", now) is False
    db.session.flush()
    db.session.refresh(order)
    assert len(order.events) == events
