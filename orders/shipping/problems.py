"""Problems after delivery ("Ajukan masalah"): the buyer raises, the sentra answers, the office settles.

An open or answered problem holds its order at ``delivered`` (the auto-complete job skips it).
The buyer may have one such problem per order at a time; the sentra answers once; the program
office settles with a refund (``lifecycle.refund``; the problem becomes ``refunded``) or a close
(``closed``), and either way the order becomes ``completed``. Every change appends an order
event (``record_event`` / ``transition``) and enqueues an email (:mod:`orders.shipping.problem_notify`).

Changes lock the checkout's payment and its orders (the lock order of
:mod:`orders.core.locks`) before reading the problem again. Services flush, never commit.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from orders.core import lifecycle
from orders.core.errors import NotAllowedError, OrderError
from orders.core.locks import lock_order
from orders.core.models import Order, OrderStatus
from orders.core.status import record_event
from orders.shipping.models import (
    OrderProblem,
    ProblemKind,
    ProblemStatus,
    Shipment,
    TrackingStatus,
)
from shop.db import utcnow
from shop.extensions import db
from shop.outbox.services import enqueue

K = ProblemKind
P = ProblemStatus

DESCRIPTION_MIN = 10
DESCRIPTION_MAX = 2000
REPLY_MIN = 3
REPLY_MAX = 2000
NOTE_MAX = 2000

# Kinds the buyer picks in the form; a disputed delivery has its own button (delivered without the PIN).
BUYER_KINDS = (K.NOT_RECEIVED, K.DAMAGED, K.WRONG_ITEM)
UNSETTLED = (P.OPEN, P.ANSWERED)
SETTLED = (P.REFUNDED, P.CLOSED)
OUTCOMES = ("refund", "close")
ADMIN_TABS = ("open", "answered", "settled")


class InvalidProblemError(OrderError):
    """A kind, description, reply or settlement that breaks the rules (the forms' 422)."""

    code = "invalid_problem"
    status = 422

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.fields = {field: message}


class ProblemNotFoundError(OrderError, LookupError):
    code = "not_found"
    status = 404


# --- reading -----------------------------------------------------------------------------------------


def unsettled_problem(order_id: int) -> OrderProblem | None:
    """The order's open or answered problem, if any (one query)."""
    return db.session.scalar(
        select(OrderProblem).where(OrderProblem.order_id == order_id, OrderProblem.status.in_(UNSETTLED))
        .order_by(OrderProblem.id.desc()).limit(1)
    )


def problems_of(order_id: int) -> list[OrderProblem]:
    """Every problem of an order, newest first (one query)."""
    return list(db.session.scalars(
        select(OrderProblem).where(OrderProblem.order_id == order_id).order_by(OrderProblem.id.desc())
    ))


def load_sentra_problem(sentra_id: int, order_id: int, problem_id: int) -> OrderProblem:
    """The problem ``problem_id`` of the sentra's order. :raise ProblemNotFoundError: another's or none."""
    problem = db.session.scalar(
        select(OrderProblem).where(OrderProblem.id == problem_id, OrderProblem.order_id == order_id,
                                   OrderProblem.sentra_id == sentra_id)
    )
    if problem is None:
        raise ProblemNotFoundError(str(problem_id))
    return problem


def may_raise(order: Order, now_problem: OrderProblem | None) -> bool:
    return order.status == OrderStatus.DELIVERED and now_problem is None


def may_dispute_delivery(order: Order) -> bool:
    """Delivered by the sentra's courier without the PIN (a photo and a name): the buyer may say no."""
    shipment: Shipment | None = order.shipment
    return (order.status == OrderStatus.DELIVERED and shipment is not None
            and shipment.status == TrackingStatus.DELIVERED and bool(shipment.proof_key or shipment.recipient_name))


def problem_page(tab: str, page: int, per_page: int = 20) -> Pagination:
    """Problems of one office tab (``open``, ``answered`` or ``settled``) across sentras.

    Open and answered ones oldest first (the longest waiting on top), settled ones latest first.
    Loads each problem's order and sentra with it.
    """
    query = select(OrderProblem).options(joinedload(OrderProblem.order))
    if tab == "settled":
        query = query.where(OrderProblem.status.in_(SETTLED)).order_by(OrderProblem.settled_at.desc(),
                                                                        OrderProblem.id.desc())
    else:
        query = query.where(OrderProblem.status == (P.ANSWERED if tab == "answered" else P.OPEN)).order_by(
            OrderProblem.created_at, OrderProblem.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def problem_counts() -> dict[str, int]:
    """How many problems each office tab holds (one query)."""
    rows = dict(db.session.execute(select(OrderProblem.status, func.count()).group_by(OrderProblem.status)).all())
    return {"open": rows.get(P.OPEN, 0), "answered": rows.get(P.ANSWERED, 0),
            "settled": rows.get(P.REFUNDED, 0) + rows.get(P.CLOSED, 0)}


# --- changing ----------------------------------------------------------------------------------------


def _clean(text: str | None, low: int, high: int, field: str, what: str) -> str:
    text = (text or "").strip()
    if not low <= len(text) <= high:
        raise InvalidProblemError(f"{what} must be {low}-{high} characters long", field)
    return text


def raise_problem(order: Order, buyer: Any, kind: str, description: str | None) -> OrderProblem:
    """The buyer reports a problem with a delivered order. Locks the order; flushes.

    ``disputed_delivery`` is only for an order the sentra's courier delivered without the PIN.
    Enqueues ``problem.raised`` (an email to the sentra's members).

    :raise NotAllowedError: not the buyer's order, not delivered, or a problem is already open.
    :raise InvalidProblemError: an unknown kind, or a description outside 10-2000 characters.
    """
    if order.buyer_id != getattr(buyer, "id", None):
        raise NotAllowedError("this is not your order")
    if kind not in (*BUYER_KINDS, K.DISPUTED_DELIVERY):
        raise InvalidProblemError("choose what went wrong", "kind")
    description = _clean(description, DESCRIPTION_MIN, DESCRIPTION_MAX, "description", "the description")
    order = lock_order(order)
    if order.status != OrderStatus.DELIVERED:
        raise NotAllowedError("a problem can be raised only on a delivered order")
    if kind == K.DISPUTED_DELIVERY and not may_dispute_delivery(order):
        raise NotAllowedError("only a delivery made without your PIN can be disputed")
    if unsettled_problem(order.id) is not None:
        raise NotAllowedError("a problem with this order is already open")
    problem = OrderProblem(order_id=order.id, sentra_id=order.sentra_id, kind=kind, description=description,
                           status=P.OPEN)
    db.session.add(problem)
    record_event(order, "problem", buyer, f"problem raised by the buyer ({kind}): {description}")
    db.session.flush()
    enqueue("problem.raised", {"problem_id": problem.id})
    return problem


def answer_problem(problem: OrderProblem, actor: Any, reply: str | None) -> OrderProblem:
    """The sentra answers an open problem, once. Locks the order; flushes.

    Enqueues ``problem.answered`` (an email to the buyer).

    :raise NotAllowedError: the problem was answered or settled already.
    :raise InvalidProblemError: a reply outside 3-2000 characters.
    """
    reply = _clean(reply, REPLY_MIN, REPLY_MAX, "reply", "the answer")
    order = lock_order(problem.order)
    db.session.refresh(problem)
    if problem.status != P.OPEN:
        raise NotAllowedError("this problem has been answered already")
    problem.status = P.ANSWERED
    problem.sentra_reply = reply
    problem.replied_at = utcnow()
    problem.replied_by_id = getattr(actor, "id", None)
    record_event(order, "problem", actor, f"the sentra answered the problem: {reply}")
    db.session.flush()
    enqueue("problem.answered", {"problem_id": problem.id})
    return problem


def settle_problem(problem: OrderProblem, actor: Any, outcome: str, note: str | None,
                   config: Mapping[str, Any]) -> OrderProblem:
    """The program office settles a problem: ``refund`` or ``close``; the order completes. Locks; flushes.

    ``refund`` gives back what is left of the order's payment (:func:`orders.core.lifecycle.refund`: at once by
    card, pending for the office by bank transfer); the problem becomes ``refunded``. ``close``
    makes it ``closed``. Both move the order ``delivered`` -> ``completed`` and enqueue
    ``problem.settled`` (an email to the buyer).

    :raise NotAllowedError: settled already, or a refund of an order paid at the sentra (cash/QRIS).
    :raise InvalidProblemError: an unknown outcome or a note over 2000 characters.
    :raise PaymentError: the provider refused the refund; nothing changed.
    """
    if outcome not in OUTCOMES:
        raise InvalidProblemError("choose refund or close", "outcome")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise InvalidProblemError(f"the note must be at most {NOTE_MAX} characters long", "note")
    order = lock_order(problem.order)
    db.session.refresh(problem)
    if problem.status not in UNSETTLED:
        raise NotAllowedError("this problem has been settled already")
    if outcome == "refund":
        if order.payment_method == "pay_on_pickup":
            raise NotAllowedError("this order was paid at the sentra; the sentra refunds it there, then close")
        lifecycle.refund(order, actor, note or f"problem {problem.kind} settled with a refund", config)
        problem.status = P.REFUNDED
    else:
        problem.status = P.CLOSED
    problem.settlement_note = note or None
    problem.settled_at = utcnow()
    problem.settled_by_id = getattr(actor, "id", None)
    summary = f"problem settled by the program office: {outcome}" + (f" ({note})" if note else "")
    lifecycle.complete(order, actor, summary, problem.settled_at)
    db.session.flush()
    enqueue("problem.settled", {"problem_id": problem.id})
    return problem
