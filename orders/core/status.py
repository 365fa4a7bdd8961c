"""An order's fulfilment status changes here and nowhere else.

The transition table is the whole state machine; every change appends an
:class:`~orders.core.models.OrderEvent` (who, when, from, to, note), as django-oscar's
``set_status`` and its status-change rows do, and sends
:data:`~orders.core.signals.order_status_changed` for the layers built on orders.
"""
from __future__ import annotations

from typing import Any

from orders.core.errors import InvalidTransitionError
from orders.core.models import Order, OrderEvent, OrderStatus
from orders.core.signals import order_status_changed
from shop.extensions import db

S = OrderStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING_PAYMENT: frozenset({S.PLACED, S.CANCELLED, S.EXPIRED}),
    # A booking's order (class seats, facility hours) has nothing to hand over: once its time has
    # passed it completes from placed or processing (orders.core.lifecycle.complete, ``service_ended``).
    S.PLACED: frozenset({S.PROCESSING, S.CANCELLED, S.COMPLETED}),
    S.PROCESSING: frozenset({S.READY_FOR_PICKUP, S.SHIPPED, S.CANCELLED, S.COMPLETED}),
    S.READY_FOR_PICKUP: frozenset({S.DELIVERED, S.CANCELLED}),
    # A parcel that came back (tracking event "returned") ends the order.
    S.SHIPPED: frozenset({S.DELIVERED, S.CANCELLED}),
    S.DELIVERED: frozenset({S.COMPLETED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
    # A card payment that arrives after its checkout expired revives the order when the
    # stock can still be taken (orders.payments.services.record_late_payment).
    S.EXPIRED: frozenset({S.PLACED}),
}

# Before the sentra has started work: the buyer may still cancel, and the stock goes back.
BUYER_CANCELLABLE = frozenset({S.PENDING_PAYMENT, S.PLACED})
# States that still hold reserved stock and can end without a sale.
OPEN = frozenset({S.PENDING_PAYMENT, S.PLACED, S.PROCESSING, S.READY_FOR_PICKUP})
# Not (or not yet) a sale: waiting for an online payment, cancelled or expired. Every other order
# counts as sold, in the sentra's dashboard and in the program's impact figures alike.
NOT_SOLD = (S.PENDING_PAYMENT, S.CANCELLED, S.EXPIRED)


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def transition(order: Order, to: str, actor: Any | None, note: str | None = None) -> OrderEvent:
    """Move ``order`` to ``to`` and record who did it and why. Flushes.

    ``actor`` is a user, or None for the system (a webhook, the expiry job).
    Callers that race on one order lock it first (``lock_order``).

    :raise InvalidTransitionError: the table does not allow the change.
    """
    to = OrderStatus(to)
    if not can_transition(order.status, to):
        raise InvalidTransitionError(order.status, to)
    from_status = order.status
    event = OrderEvent(
        order=order, kind="status", from_status=from_status, to_status=to,
        actor_id=getattr(actor, "id", None), note=(note or None) and note.strip()[:2000],
    )
    order.status = to
    db.session.add(event)
    db.session.flush()
    # B2B voids the invoice of an order that ended; the ledger credits a completed one.
    order_status_changed.send(order, from_status=from_status, to_status=to, actor=actor)
    return event


def record_event(order: Order, kind: str, actor: Any | None, note: str) -> OrderEvent:
    """Append a non-status event (a payment received, a refund) to the order's history. Flushes."""
    event = OrderEvent(order=order, kind=kind, from_status=order.status, to_status=order.status,
                       actor_id=getattr(actor, "id", None), note=note[:2000])
    db.session.add(event)
    db.session.flush()
    return event
