"""Promised dates: shown, late flags for the sentra and the office, and the buyer's late cancel."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import current_app

from orders.core.errors import NotAllowedError
from orders.core.models import Order
from orders.core.promises import is_late, may_cancel_late
from orders.services import accept_order, buyer_may_cancel, cancel_by_buyer
from shop.extensions import db
from tests.factories import make_user
from tests.orders.tracking_helpers import BUYER_EMAIL, new_order, ready_pickup

PROMISE = datetime(2026, 3, 2, 16, 59, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _english_pages(client):
    client.post("/bahasa", data={"lang": "en"})


@pytest.mark.nodb
@pytest.mark.parametrize(("status", "late"), [
    ("placed", True), ("processing", True), ("shipped", True), ("ready_for_pickup", False), ("delivered", False),
    ("completed", False), ("cancelled", False), ("expired", False),
])
def test_an_order_past_its_promise_is_late_until_delivered_or_ready(status, late):
    assert is_late(PROMISE, PROMISE + timedelta(minutes=1), status) is late


@pytest.mark.nodb
def test_an_order_before_its_promise_or_without_one_is_not_late():
    assert not is_late(PROMISE, PROMISE - timedelta(minutes=1), "processing")
    assert not is_late(None, PROMISE, "processing")


@pytest.mark.nodb
def test_only_a_late_order_not_yet_shipped_may_be_cancelled_late():
    later = PROMISE + timedelta(days=1)
    assert may_cancel_late(PROMISE, later, "processing")
    assert not may_cancel_late(PROMISE, later, "shipped")
    assert not may_cancel_late(PROMISE, PROMISE - timedelta(days=1), "processing")


def _make_late(order: Order) -> None:
    order.promised_at = datetime.now(UTC) - timedelta(hours=1)
    db.session.commit()


def test_buyer_may_cancel_a_late_processing_order_and_the_stock_goes_back(app):
    setup = new_order()
    accept_order(setup.order, setup.owner)
    db.session.commit()
    assert not buyer_may_cancel(setup.order)
    _make_late(setup.order)
    assert buyer_may_cancel(setup.order)
    cancel_by_buyer(setup.order, setup.buyer, "Terlalu lama", current_app.config)
    db.session.commit()
    order = db.session.get(Order, setup.order.id)
    assert order.status == "cancelled"
    assert "(late)" in order.events[-1].note


def test_buyer_may_not_cancel_a_processing_order_that_is_on_time(app):
    setup = new_order()
    accept_order(setup.order, setup.owner)
    db.session.commit()
    with pytest.raises(NotAllowedError):
        cancel_by_buyer(setup.order, setup.buyer, None, current_app.config)


def test_buyer_may_not_cancel_a_late_order_that_is_already_shipped(app):
    from tests.orders.tracking_helpers import shipped_by_sentra_courier

    setup = new_order(method="bank_transfer", delivery="sentra_courier", paid=True)
    shipped_by_sentra_courier(setup)
    _make_late(setup.order)
    with pytest.raises(NotAllowedError):
        cancel_by_buyer(setup.order, setup.buyer, None, current_app.config)


def test_buyer_page_offers_the_cancel_of_a_late_order(client, auth):
    setup = new_order()
    accept_order(setup.order, setup.owner)
    _make_late(setup.order)
    auth.login(BUYER_EMAIL)
    html = client.get(f"/orders/{setup.order.number}").get_data(as_text=True)
    assert "Late" in html and "Cancel this order" in html
    response = client.post(f"/orders/{setup.order.number}/cancel", data={"reason": "Terlalu lama"})
    assert response.status_code == 302
    assert db.session.get(Order, setup.order.id).status == "cancelled"


def test_sentra_inbox_flags_late_orders_and_counts_them(client, auth):
    setup = new_order()
    _make_late(setup.order)
    auth.login(setup.owner.email)
    html = client.get(f"/kelola/{setup.sentra.slug}/pesanan").get_data(as_text=True)
    assert "1 order is past its estimated date." in html
    assert '<span class="badge badge-rejected">Late</span>' in html


def test_a_pickup_ready_in_time_is_not_flagged(client, auth):
    setup = new_order()
    ready_pickup(setup)
    _make_late(setup.order)
    auth.login(setup.owner.email)
    html = client.get(f"/kelola/{setup.sentra.slug}/pesanan?status=ready_for_pickup").get_data(as_text=True)
    assert "past its estimated date" not in html


def test_office_late_tab_lists_late_orders_across_sentras(client, auth):
    first = new_order()
    second = new_order(kelurahan_code="32.75.01.1001", buyer_email="kedua@example.test")
    on_time = new_order(kelurahan_code="32.75.02.1001", buyer_email="ketiga@example.test")
    _make_late(first.order)
    _make_late(second.order)
    make_user("admin@example.test", admin=True)
    db.session.commit()
    auth.login("admin@example.test")
    html = client.get("/admin/masalah?tab=late").get_data(as_text=True)
    assert first.order.number in html and second.order.number in html
    assert on_time.order.number not in html
