"""Orders after checkout: loading them for their buyer or their sentra, and what either may do.

Orders are always loaded by their owner and number (the buyer's ``buyer_id``, the
sentra's ``sentra_id``), so someone else's order is simply not found.

Changes lock the checkout's payment row and then its orders in id order (the lock
order of :mod:`orders.core.locks`), so a cancel racing with a payment, the
expiry job or another cancel waits and then sees the other's result. Every status
change goes through :func:`orders.core.status.transition` (which writes the order event).
Services flush, never commit.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from orders.core import lifecycle
from orders.core.errors import (
    InvalidTransitionError,
    NotAllowedError,
    OrderError,
    OrderNotFoundError,
)
from orders.core.locks import lock_order
from orders.core.models import Checkout, Order, OrderStatus
from orders.core.promises import may_cancel_late
from orders.core.status import BUYER_CANCELLABLE, can_transition, transition
from orders.shipping.models import OrderProblem
from orders.shipping.problems import UNSETTLED
from shop.accounts.models import User
from shop.db import utcnow
from shop.extensions import db
from shop.sentras.models import Sentra

S = OrderStatus

REASON_MIN = 3
REASON_MAX = 500

# What a sentra may set by hand (the API's status endpoint). Payment moves orders to
# placed, the expiry job to expired; ready_for_pickup, shipped and delivered follow only
# from tracking events and handovers (orders.shipping.services), never from this endpoint.
SENTRA_SETTABLE = frozenset({S.PROCESSING, S.CANCELLED})
FROM_TRACKING = frozenset({S.READY_FOR_PICKUP, S.SHIPPED, S.DELIVERED})

# The inbox tabs, in the order the sentra sees them: new orders first.
INBOX_STATUSES: tuple[str, ...] = (
    S.PLACED, S.PROCESSING, S.READY_FOR_PICKUP, S.SHIPPED, S.DELIVERED, S.COMPLETED,
    S.PENDING_PAYMENT, S.CANCELLED, S.EXPIRED,
)

class InvalidReasonError(OrderError):
    """A cancel reason that is missing, too short or too long (the API's 422)."""

    code = "invalid_reason"
    status = 422

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.fields = {"reason": message}


class InvalidStatusFilterError(OrderError, ValueError):
    """An inbox filter that is not an order status (the API's 400)."""

    code = "invalid_filter"
    status = 400


# --- loading -------------------------------------------------------------------------------------


def _detail_options():
    return (
        selectinload(Order.lines),
        selectinload(Order.events),
        joinedload(Order.checkout).joinedload(Checkout.payment),
        joinedload(Order.checkout).joinedload(Checkout.kelurahan),
        joinedload(Order.buyer),
    )


def load_buyer_order(buyer: User, number: str) -> Order:
    """``buyer``'s order ``number`` with lines, events, checkout and payment. Reads only.

    :raise OrderNotFoundError: no such order of this buyer (another buyer's is not found).
    """
    order = db.session.scalar(
        select(Order).where(Order.buyer_id == buyer.id, Order.number == number).options(*_detail_options())
    )
    if order is None:
        raise OrderNotFoundError(number)
    return order


def load_sentra_order(sentra: Sentra, number: str) -> Order:
    """``sentra``'s order ``number`` with lines, events, buyer, checkout and payment. Reads only.

    :raise OrderNotFoundError: no such order of this sentra (another sentra's is not found).
    """
    order = db.session.scalar(
        select(Order).where(Order.sentra_id == sentra.id, Order.number == number).options(*_detail_options())
    )
    if order is None:
        raise OrderNotFoundError(number)
    return order


def list_buyer_orders(buyer: User, page: int, per_page: int) -> Pagination:
    """A page of ``buyer``'s orders, newest first, with sentra and lines (three queries). Reads only."""
    query = (
        select(Order).where(Order.buyer_id == buyer.id)
        .options(selectinload(Order.lines), joinedload(Order.checkout))
        .order_by(Order.created_at.desc(), Order.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def check_status_filter(status: str | None) -> str | None:
    """:raise InvalidStatusFilterError: ``status`` is given and is not an order status."""
    if status is None or status == "":
        return None
    if status not in INBOX_STATUSES:
        raise InvalidStatusFilterError(f"unknown status {status!r}; one of: {', '.join(INBOX_STATUSES)}")
    return status


def list_sentra_orders(sentra: Sentra, status: str | None, page: int, per_page: int) -> Pagination:
    """A page of ``sentra``'s orders (of one status, or all), oldest new order first for ``placed``.

    New orders are worked through in the order they came; other tabs show the newest first.
    Loads buyer and lines with them. Reads only.

    :raise InvalidStatusFilterError: ``status`` is not an order status.
    """
    status = check_status_filter(status)
    query = select(Order).where(Order.sentra_id == sentra.id).options(
        selectinload(Order.lines), joinedload(Order.buyer), joinedload(Order.checkout)
    )
    if status is not None:
        query = query.where(Order.status == status)
    if status == S.PLACED:
        query = query.order_by(Order.created_at, Order.id)
    else:
        query = query.order_by(Order.created_at.desc(), Order.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def status_counts(sentra: Sentra) -> dict[str, int]:
    """How many of ``sentra``'s orders are in each status (every inbox status, 0 when none). One query."""
    rows = db.session.execute(
        select(Order.status, func.count(Order.id)).where(Order.sentra_id == sentra.id).group_by(Order.status)
    )
    counts = dict.fromkeys(INBOX_STATUSES, 0)
    counts.update({status: count for status, count in rows})
    return counts


# --- what the buyer and the sentra may do --------------------------------------------------------


def buyer_may_cancel(order: Order, now: datetime | None = None) -> bool:
    """Before the sentra starts; or later while the order is past its promise and not yet shipped."""
    return order.status in BUYER_CANCELLABLE or may_cancel_late(order.promised_at, now or utcnow(), order.status)


# A sentra cancels only before the parcel has left; a shipped parcel ends by a tracking event
# (delivered, or returned, which cancels it with the stock back).
SENTRA_CANCELLABLE = frozenset({S.PENDING_PAYMENT, S.PLACED, S.PROCESSING, S.READY_FOR_PICKUP})


def sentra_may_cancel(order: Order) -> bool:
    return order.status in SENTRA_CANCELLABLE


def sentra_may_accept(order: Order) -> bool:
    return order.status == S.PLACED


def _clean_reason(reason: str | None, *, required: bool) -> str | None:
    reason = " ".join((reason or "").split())
    if not reason:
        if required:
            raise InvalidReasonError(f"a reason of {REASON_MIN}-{REASON_MAX} characters is required")
        return None
    if len(reason) < REASON_MIN or len(reason) > REASON_MAX:
        raise InvalidReasonError(f"the reason must be {REASON_MIN}-{REASON_MAX} characters long")
    return reason


def cancel_by_buyer(order: Order, buyer: User, reason: str | None, config: Mapping[str, Any]) -> Order:
    """The buyer cancels ``order`` before the sentra has started on it. Locks; flushes.

    The stock goes back (stock movements with reason ``cancel``); a paid order is refunded
    (:func:`orders.core.lifecycle.refund`: at once by card, pending for the office
    by bank transfer); ``order.cancelled`` is enqueued.

    A late order (past its promised date, :mod:`orders.core.promises`) that is not yet
    shipped or ready for pickup may be cancelled even while the sentra is processing it.

    :raise NotAllowedError: the order is someone else's, or already processing (or later) and not late.
    :raise InvalidReasonError: the reason given is longer than 500 characters (or under 3).
    :raise PaymentError: the refund was refused; nothing changed.
    """
    if order.buyer_id != buyer.id:
        raise NotAllowedError("this is not your order")
    reason = _clean_reason(reason, required=False)
    order = lock_order(order)
    late = order.status not in BUYER_CANCELLABLE and may_cancel_late(order.promised_at, utcnow(), order.status)
    if order.status not in BUYER_CANCELLABLE and not late:
        if order.status == S.CANCELLED:
            raise NotAllowedError("this order is already cancelled")
        raise NotAllowedError("the sentra has already started on this order; contact the sentra to cancel it")
    note = "cancelled by the buyer" + (" (late)" if late else "") + (f": {reason}" if reason else "")
    lifecycle.cancel(order, buyer, note, config, reason=reason, by="buyer")
    return order


def buyer_may_confirm_received(order: Order) -> bool:
    """Delivered, and no problem about it waits to be settled (a problem holds the order open)."""
    return order.status == S.DELIVERED and not _has_unsettled_problem(order)


def _has_unsettled_problem(order: Order) -> bool:
    return db.session.scalar(
        select(func.count(OrderProblem.id)).where(OrderProblem.order_id == order.id,
                                                  OrderProblem.status.in_(UNSETTLED))
    ) > 0


def confirm_received_by_buyer(order: Order, buyer: User, now: datetime | None = None) -> Order:
    """The buyer says the order arrived well: ``delivered`` -> ``completed`` now, instead of after
    the days left to raise a problem (:func:`orders.core.lifecycle.complete`; the ledger then
    credits the sentra). Locks; flushes.

    :raise NotAllowedError: someone else's order, or a problem about it waits to be settled.
    :raise InvalidTransitionError: the order is not delivered (not yet, or completed already).
    """
    if order.buyer_id != buyer.id:
        raise NotAllowedError("this is not your order")
    order = lock_order(order)
    if order.status != S.DELIVERED:
        raise InvalidTransitionError(order.status, S.COMPLETED)
    if _has_unsettled_problem(order):
        raise NotAllowedError("a problem about this order waits to be settled by the program office")
    lifecycle.complete(order, buyer, "confirmed received by the buyer", now or utcnow())
    return order


def cancel_by_sentra(order: Order, actor: User, reason: str | None, config: Mapping[str, Any]) -> Order:
    """The sentra cancels ``order``, giving the buyer a reason (3-500 characters). Locks; flushes.

    Allowed wherever the transition table allows ``cancelled``. Stock, refund and
    notification as for :func:`cancel_by_buyer`.

    :raise InvalidReasonError: no reason, or one too short or too long.
    :raise InvalidTransitionError: the order can no longer be cancelled (shipped, delivered, ...).
    :raise PaymentError: the refund was refused; nothing changed.
    """
    reason = _clean_reason(reason, required=True)
    order = lock_order(order)
    if not sentra_may_cancel(order):
        raise InvalidTransitionError(order.status, S.CANCELLED)
    lifecycle.cancel(order, actor, f"cancelled by the sentra: {reason}", config, reason=reason, by="sentra")
    return order


def accept_order(order: Order, actor: User) -> Order:
    """The sentra takes a new order on: ``placed`` -> ``processing``. Locks; flushes.

    :raise InvalidTransitionError: the order is not ``placed`` (e.g. accepted already, or cancelled).
    """
    order = lock_order(order)
    if order.status != S.PLACED:
        raise InvalidTransitionError(order.status, S.PROCESSING)
    transition(order, S.PROCESSING, actor, "accepted by the sentra")
    return order


def change_status(order: Order, to: str, actor: User, note: str | None, config: Mapping[str, Any]) -> Order:
    """Move ``order`` to ``to`` as its sentra (the API). Locks; flushes.

    ``cancelled`` needs a note (the reason) and goes through :func:`cancel_by_sentra`.
    ``ready_for_pickup``, ``shipped`` and ``delivered`` are refused: they follow only from
    tracking events (:func:`orders.shipping.services.record_tracking_event`, ``handover``).

    :raise InvalidTransitionError: ``to`` is not a status, or the table does not allow the change.
    :raise NotAllowedError: a sentra does not set this status by hand (409).
    :raise InvalidReasonError: cancelling without a note.
    """
    try:
        target = OrderStatus(to)
    except ValueError:
        raise InvalidTransitionError(order.status, str(to)) from None
    if target == S.CANCELLED:
        return cancel_by_sentra(order, actor, note, config)
    if target in FROM_TRACKING:
        raise NotAllowedError(f"{target} follows from the order's tracking events; record them instead")
    if target not in SENTRA_SETTABLE:
        raise NotAllowedError(f"a sentra does not set {target} by hand")
    order = lock_order(order)
    if not can_transition(order.status, target):
        raise InvalidTransitionError(order.status, target)
    transition(order, target, actor, note)
    return order
