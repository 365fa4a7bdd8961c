"""The worker's periodic shipping jobs (run once a minute by ``flask --app shop worker``).

- :func:`complete_delivered_orders`: a delivered order completes by itself after
  ``ORDER_AUTOCOMPLETE_DAYS`` (default 3) unless its buyer has an open or answered problem.
- :func:`handle_uncollected_pickups`: an order ready for pickup gets a reminder to its buyer
  after one and after two days, and after ``PICKUP_COLLECT_DAYS`` (default 3) it is cancelled,
  its stock returned and, when paid, refunded.

Both are idempotent: each order is handled in its own short transaction, under the lock order
of :mod:`orders.core.locks` (payment, then the checkout's orders, then the shipment),
and checked again once locked, so a second worker, a late handover or a problem raised in the
meantime wins and the job leaves the order alone.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import exists, func, select

from orders.core import lifecycle
from orders.core.locks import lock_order
from orders.core.models import Order, OrderEvent, OrderStatus
from orders.shipping.models import OrderProblem, Shipment
from orders.shipping.problems import UNSETTLED
from shop.db import utcnow
from shop.extensions import db
from shop.outbox.services import enqueue

log = logging.getLogger(__name__)

S = OrderStatus
DEFAULT_AUTOCOMPLETE_DAYS = 3
DEFAULT_COLLECT_DAYS = 3


def _reached(status: str):
    """When the order last entered ``status`` (its order event), for shipments without the timestamp."""
    return (
        select(func.max(OrderEvent.created_at))
        .where(OrderEvent.order_id == Order.id, OrderEvent.to_status == status, OrderEvent.kind == "status")
        .correlate(Order).scalar_subquery()
    )


def _unsettled_problem():
    return exists().where(OrderProblem.order_id == Order.id, OrderProblem.status.in_(UNSETTLED))


# --- auto-complete -----------------------------------------------------------------------------------


def complete_delivered_orders(now: datetime, config: Mapping[str, Any]) -> int:
    """Complete delivered orders older than ``ORDER_AUTOCOMPLETE_DAYS`` without an unsettled problem.

    Returns how many completed. Commits each order on its own (``completed automatically``,
    actor None, ``completed_at`` set).
    """
    cutoff = now - timedelta(days=int(config.get("ORDER_AUTOCOMPLETE_DAYS", DEFAULT_AUTOCOMPLETE_DAYS)))
    delivered_at = func.coalesce(Shipment.delivered_at, _reached(S.DELIVERED))
    due = list(db.session.scalars(
        select(Order.id).outerjoin(Shipment, Shipment.order_id == Order.id)
        .where(Order.status == S.DELIVERED, delivered_at <= cutoff, ~_unsettled_problem())
        .order_by(Order.id)
    ))
    db.session.rollback()
    completed = 0
    for order_id in due:
        order = db.session.get(Order, order_id)
        if order is None:
            continue
        order = lock_order(order)
        if order.status != S.DELIVERED or db.session.scalar(
                select(_unsettled_problem()).select_from(Order).where(Order.id == order_id)):
            db.session.rollback()
            continue
        lifecycle.complete(order, None, "completed automatically", now)
        db.session.commit()
        completed += 1
    return completed


# --- pickups nobody collects -------------------------------------------------------------------------


def _lock_shipment(order_id: int) -> Shipment | None:
    return db.session.scalar(
        select(Shipment).where(Shipment.order_id == order_id).with_for_update(of=Shipment)
        .execution_options(populate_existing=True)
    )


def _cancel_uncollected(order: Order, days: int, config: Mapping[str, Any]) -> None:
    """Cancel a locked, uncollected pickup order (stock back, refund if paid, buyer told). Flushes."""
    reason = f"not collected within {days} days"
    lifecycle.cancel(order, None, f"cancelled automatically: {reason}", config, reason=reason, job="pickup.cancelled")


def handle_uncollected_pickups(now: datetime, config: Mapping[str, Any]) -> tuple[int, int]:
    """Remind the buyers of pickups waiting 1 and 2 days; cancel those waiting ``PICKUP_COLLECT_DAYS``.

    Returns (reminders sent, orders cancelled). The waiting time counts from
    ``Shipment.ready_at`` (or the order's ``ready_for_pickup`` event). ``reminders_sent`` keeps a
    reminder from going twice; a worker that was down sends one reminder, not the missed ones.
    Commits each order on its own.
    """
    days = int(config.get("PICKUP_COLLECT_DAYS", DEFAULT_COLLECT_DAYS))
    ready_at = func.coalesce(Shipment.ready_at, _reached(S.READY_FOR_PICKUP))
    rows = db.session.execute(
        select(Order.id, ready_at, Shipment.reminders_sent).join(Shipment, Shipment.order_id == Order.id)
        .where(Order.status == S.READY_FOR_PICKUP, ready_at <= now - timedelta(days=1))
        .order_by(Order.id)
    ).all()
    db.session.rollback()
    reminded = cancelled = 0
    for order_id, since, sent in rows:
        waited = now - since
        if waited >= timedelta(days=days):
            cancelled += _cancel_one(order_id, days, config)
        elif sent < min(waited.days, days - 1):
            reminded += _remind_one(order_id, min(waited.days, days - 1), since + timedelta(days=days))
    return reminded, cancelled


def _cancel_one(order_id: int, days: int, config: Mapping[str, Any]) -> int:
    order = db.session.get(Order, order_id)
    if order is None:
        return 0
    order = lock_order(order)
    if order.status != S.READY_FOR_PICKUP:
        db.session.rollback()  # collected (or cancelled) meanwhile
        return 0
    _lock_shipment(order_id)
    _cancel_uncollected(order, days, config)
    db.session.commit()
    return 1


def _remind_one(order_id: int, count: int, deadline: datetime) -> int:
    shipment = _lock_shipment(order_id)
    order = db.session.get(Order, order_id)
    if shipment is None or order is None or order.status != S.READY_FOR_PICKUP or shipment.reminders_sent >= count:
        db.session.rollback()
        return 0
    shipment.reminders_sent = count
    enqueue("pickup.reminder", {"order_id": order_id, "deadline": deadline.isoformat()})
    db.session.commit()
    return 1


# --- registered with the worker ----------------------------------------------------------------------


def run_complete_delivered_orders() -> int:
    """The worker's periodic task (no arguments): auto-complete what is due now."""
    return complete_delivered_orders(utcnow(), current_app.config)


def run_handle_uncollected_pickups() -> tuple[int, int]:
    """The worker's periodic task (no arguments): remind and cancel uncollected pickups now."""
    return handle_uncollected_pickups(utcnow(), current_app.config)


__all__ = ["complete_delivered_orders", "handle_uncollected_pickups", "run_complete_delivered_orders",
           "run_handle_uncollected_pickups"]
