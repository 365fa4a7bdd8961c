"""Emails about problems after delivery and about pickups nobody collects (outbox handlers).

- ``problem.raised`` ``{"problem_id"}``: to every member of the sentra, with a link to answer.
- ``problem.answered`` / ``problem.settled`` ``{"problem_id"}``: to the buyer (the answer also on
  WhatsApp, as the buyer chose: :mod:`orders.notify`).
- ``pickup.reminder`` ``{"order_id", "deadline"}``: to the buyer, the order still waits at the sentra.
- ``pickup.cancelled`` ``{"order_id"}``: to the buyer, the uncollected order was cancelled.

Each message is plain text in its recipient's language. Idempotency as in :mod:`orders.notify`:
a job runs once unless the worker dies between sending and its commit.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from orders.core.models import Order
from orders.notify import WhatsApp, external_url, tell, whatsapp_template
from orders.shipping.models import OrderProblem, ProblemKind, ProblemStatus
from shop.accounts.models import User
from shop.extensions import db
from shop.i18n import wib
from shop.outbox.services import register
from shop.sentras.models import SentraMembership

log = logging.getLogger(__name__)


def kind_label(kind: str) -> str:
    return {
        ProblemKind.NOT_RECEIVED: _("Not received"),
        ProblemKind.DAMAGED: _("Damaged"),
        ProblemKind.WRONG_ITEM: _("Wrong item"),
        ProblemKind.DISPUTED_DELIVERY: _("Delivery disputed (it was not me)"),
    }.get(kind, kind)


def _send(user: User | None, subject: Callable[[], str], body: Callable[[], str],
          whatsapp: WhatsApp | None = None) -> None:
    if user is None or user.deleted_at is not None:
        return
    tell(user, subject, body, whatsapp)


def _greeting(user: User) -> str:
    return _("Hello %(name)s,", name=user.name)


def _problem(problem_id: int) -> OrderProblem | None:
    problem = db.session.scalar(
        select(OrderProblem).where(OrderProblem.id == problem_id)
        .options(joinedload(OrderProblem.order).joinedload(Order.buyer))
    )
    if problem is None:
        log.warning("problem %s is gone; no email sent", problem_id)
    return problem


def _order(order_id: int) -> Order | None:
    order = db.session.scalar(select(Order).where(Order.id == order_id).options(joinedload(Order.buyer)))
    if order is None:
        log.warning("order %s is gone; no email sent", order_id)
    return order


def _members(sentra_id: int) -> list[User]:
    return list(db.session.scalars(
        select(User).join(SentraMembership, SentraMembership.user_id == User.id)
        .where(SentraMembership.sentra_id == sentra_id, User.deleted_at.is_(None)).order_by(User.id)
    ))


def _order_link(order: Order) -> str:
    return external_url("orders.detail", number=order.number)


@register("problem.raised")
def problem_raised(payload: dict[str, Any]) -> None:
    """Every member of the sentra hears of it, with the link to answer."""
    problem = _problem(payload["problem_id"])
    if problem is None:
        return
    order = problem.order
    link = external_url("tracking.sentra_problem", sentra_slug=order.sentra.slug, number=order.number)
    for member in _members(order.sentra_id):
        _send(
            member,
            lambda: _("Problem reported with order %(number)s", number=order.number),
            lambda member=member: "\n\n".join([
                _greeting(member),
                _("The buyer of order %(number)s reported a problem: %(kind)s.",
                  number=order.number, kind=kind_label(problem.kind)),
                problem.description,
                _("The order stays open until the program office settles it. Answer the buyer here: %(link)s",
                  link=link),
            ]),
        )


@register("problem.answered")
def problem_answered(payload: dict[str, Any]) -> None:
    problem = _problem(payload["problem_id"])
    if problem is None:
        return
    order = problem.order
    _send(
        order.buyer,
        lambda: _("%(sentra)s answered your problem with order %(number)s", sentra=order.sentra.name,
                  number=order.number),
        lambda: "\n\n".join([
            _greeting(order.buyer),
            _("%(sentra)s answered the problem you reported with order %(number)s:", sentra=order.sentra.name,
              number=order.number),
            problem.sentra_reply or "",
            _("The program office will now settle it, and we will email you when it does."),
            _("Your order: %(link)s", link=_order_link(order)),
        ]),
        lambda buyer: whatsapp_template("masalah_dijawab", buyer.name, order.number, order.sentra.name,
                                        problem.sentra_reply or "", _order_link(order)),
    )


@register("problem.settled")
def problem_settled(payload: dict[str, Any]) -> None:
    problem = _problem(payload["problem_id"])
    if problem is None:
        return
    order = problem.order

    def body() -> str:
        parts = [_greeting(order.buyer)]
        if problem.status == ProblemStatus.REFUNDED:
            parts.append(_("The program office settled your problem with order %(number)s with a refund of "
                           "what you paid. We will email you when the money is on its way.", number=order.number))
        else:
            parts.append(_("The program office closed your problem with order %(number)s.", number=order.number))
        if problem.settlement_note:
            parts.append(_("Note: %(note)s", note=problem.settlement_note))
        parts.append(_("Your order: %(link)s", link=_order_link(order)))
        return "\n\n".join(parts)

    _send(order.buyer, lambda: _("Your problem with order %(number)s is settled", number=order.number), body)


@register("pickup.reminder")
def pickup_reminder(payload: dict[str, Any]) -> None:
    order = _order(payload["order_id"])
    if order is None or order.status != "ready_for_pickup":
        return
    deadline = datetime.fromisoformat(payload["deadline"])
    sentra = order.sentra
    _send(
        order.buyer,
        lambda: _("Your order %(number)s is waiting at %(sentra)s", number=order.number, sentra=sentra.name),
        lambda: "\n\n".join([
            _greeting(order.buyer),
            _("Your order %(number)s is ready and waiting for you at %(sentra)s, %(address)s.",
              number=order.number, sentra=sentra.name, address=sentra.address),
            *([_("Opening hours: %(hours)s", hours=sentra.opening_hours)] if sentra.opening_hours else []),
            _("Please collect it by %(deadline)s, or it will be cancelled.", deadline=wib(deadline)),
            _("Pickup code: %(code)s (show it at the sentra when you collect the order)", code=order.pickup_code),
            _("Your order: %(link)s", link=_order_link(order)),
        ]),
    )


@register("pickup.cancelled")
def pickup_cancelled(payload: dict[str, Any]) -> None:
    order = _order(payload["order_id"])
    if order is None:
        return
    _send(
        order.buyer,
        lambda: _("Order %(number)s cancelled: not collected", number=order.number),
        lambda: "\n\n".join([
            _greeting(order.buyer),
            _("Your order %(number)s was not collected at %(sentra)s in time, so it has been cancelled and "
              "the items went back on sale.", number=order.number, sentra=order.sentra.name),
            *([_("What you paid for this order is being refunded; we will email you when it is done.")]
              if order.paid_at is not None else []),
            _("Your order: %(link)s", link=_order_link(order)),
        ]),
    )
