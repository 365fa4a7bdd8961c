"""The worker's shipping jobs: auto-complete delivered orders, remind and cancel uncollected pickups."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from catalog.products.models import Variant
from orders.core.models import Order
from orders.core.payments import Refund
from orders.shipping import problems
from orders.shipping.jobs import (
    complete_delivered_orders,
    handle_uncollected_pickups,
    run_complete_delivered_orders,
    run_handle_uncollected_pickups,
)
from shop.db import utcnow
from shop.extensions import db
from tests.orders.orders_helpers import drain_all
from tests.orders.tracking_helpers import (
    BUYER_EMAIL,
    age_shipment,
    delivered_by_courier,
    new_order,
    ready_pickup,
)


def _delivered(days_ago: float):
    setup = new_order(method="bank_transfer", delivery="courier", paid=True)
    delivered_by_courier(setup)
    age_shipment(setup.order, delivered_days=days_ago)
    return setup


def _order(order_id: int) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order_id)


def test_the_worker_runs_both_jobs_every_minute(app: Flask):
    assert run_complete_delivered_orders in app.extensions["worker_periodic"]
    assert run_handle_uncollected_pickups in app.extensions["worker_periodic"]


def test_a_delivered_order_completes_automatically_after_three_days(app):
    setup = _delivered(3.1)
    assert complete_delivered_orders(utcnow(), app.config) == 1
    order = _order(setup.order.id)
    assert order.status == "completed" and order.completed_at is not None
    assert order.events[-1].note == "completed automatically" and order.events[-1].actor_id is None


def test_a_delivered_order_waits_until_its_three_days_are_up(app):
    setup = _delivered(2.9)
    assert complete_delivered_orders(utcnow(), app.config) == 0
    assert _order(setup.order.id).status == "delivered"


def test_the_autocomplete_days_are_configurable(app):
    setup = _delivered(1.5)
    assert complete_delivered_orders(utcnow(), {**app.config, "ORDER_AUTOCOMPLETE_DAYS": 1}) == 1
    assert _order(setup.order.id).status == "completed"


def test_an_open_problem_keeps_the_order_from_completing(app):
    setup = _delivered(5)
    problems.raise_problem(setup.order, setup.buyer, "damaged", "Barangnya pecah waktu sampai.")
    db.session.commit()
    assert complete_delivered_orders(utcnow(), app.config) == 0
    assert _order(setup.order.id).status == "delivered"


def test_an_answered_problem_also_holds_the_order(app):
    setup = _delivered(5)
    problem = problems.raise_problem(setup.order, setup.buyer, "damaged", "Barangnya pecah waktu sampai.")
    problems.answer_problem(problem, setup.owner, "Kami ganti.")
    db.session.commit()
    assert complete_delivered_orders(utcnow(), app.config) == 0


def test_autocomplete_is_idempotent(app):
    _delivered(4)
    assert complete_delivered_orders(utcnow(), app.config) == 1
    assert complete_delivered_orders(utcnow(), app.config) == 0


def test_an_uncollected_pickup_gets_a_reminder_after_one_day_then_two(app, mail_outbox):
    setup = new_order()
    ready_pickup(setup)
    age_shipment(setup.order, ready_days=1.1)
    assert handle_uncollected_pickups(utcnow(), app.config) == (1, 0)
    assert handle_uncollected_pickups(utcnow(), app.config) == (0, 0)  # not twice
    age_shipment(setup.order, ready_days=1)
    assert handle_uncollected_pickups(utcnow(), app.config) == (1, 0)
    assert _order(setup.order.id).shipment.reminders_sent == 2
    mail_outbox.clear()
    drain_all()
    reminders = [m for m in mail_outbox if m["To"] == BUYER_EMAIL and "is waiting at" in m["Subject"]]
    assert len(reminders) == 2
    assert setup.order.pickup_code in reminders[0].get_content()


def test_an_uncollected_pickup_is_cancelled_after_three_days_and_its_stock_returned(app, mail_outbox):
    setup = new_order(quantity=2, stock=10)
    ready_pickup(setup)
    assert db.session.get(Variant, setup.variant_id).stock == 8
    age_shipment(setup.order, ready_days=3.01)
    assert handle_uncollected_pickups(utcnow(), app.config) == (0, 1)
    order = _order(setup.order.id)
    assert order.status == "cancelled" and "not collected" in order.cancel_reason
    assert db.session.get(Variant, setup.variant_id).stock == 10
    assert handle_uncollected_pickups(utcnow(), app.config) == (0, 0)
    drain_all()
    assert any(m["To"] == BUYER_EMAIL for m in mail_outbox)


def test_a_paid_uncollected_pickup_is_refunded_when_cancelled(app):
    setup = new_order(method="bank_transfer", paid=True)
    ready_pickup(setup)
    age_shipment(setup.order, ready_days=4)
    handle_uncollected_pickups(utcnow(), app.config)
    refund = db.session.scalar(select(Refund).where(Refund.order_id == setup.order.id))
    assert refund is not None and refund.amount_idr == setup.order.total_idr


def test_the_collect_days_are_configurable(app):
    setup = new_order()
    ready_pickup(setup)
    age_shipment(setup.order, ready_days=1.5)
    assert handle_uncollected_pickups(utcnow() + timedelta(minutes=1), {**app.config, "PICKUP_COLLECT_DAYS": 1}) \
        == (0, 1)
