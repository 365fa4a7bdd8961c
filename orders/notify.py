"""Emails about orders, sent by outbox handlers (one registered function per job kind).

Some messages also have a WhatsApp version (a template, see :data:`WHATSAPP_TEMPLATES`): each
recipient gets email, WhatsApp or both as they chose (:func:`shop.whatsapp.notify`); the
WhatsApp message is its own outbox job, so its retries never send the email again.

Every job's payload is ``{"order_id": int}`` (``order.cancelled`` adds ``"by"``: ``buyer``
or ``sentra``). Each message is plain text in its recipient's language (``User.locale``,
else the site default) and links to the order with an absolute URL.

Idempotency: the outbox marks a job done in the same transaction as its handler, so a
job normally runs once. A message is sent again only when the worker dies between
sending and that commit, or when a later recipient of the same job fails (the job is
retried whole). No per-message marker is kept: a rare duplicate email is harmless,
and sending is the last thing a handler does, after everything that could fail on
our side.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from orders.core.models import Checkout, DeliveryMethod, Order
from shop.accounts.models import User
from shop.extensions import db
from shop.i18n import rupiah
from shop.outbox.services import register
from shop.sentras.models import SentraMembership
from shop.whatsapp import notify

# A recipient -> (template name, body parameters), or None when this message has no WhatsApp version.
WhatsApp = Callable[[User], tuple[str, list[Any]] | None]

log = logging.getLogger(__name__)


# --- helpers ---------------------------------------------------------------------------------------


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute URL, also outside a request (the worker).

    In a request (or with ``SERVER_NAME`` set) Flask builds it as usual; otherwise the
    host, scheme and path prefix come from ``BASE_URL``.
    """
    config = current_app.config
    if has_request_context() or config.get("SERVER_NAME"):
        return url_for(endpoint, _external=True, **values)
    base = urlsplit(config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)


@contextmanager
def _language_of(user: User | None) -> Iterator[None]:
    with force_locale((user.locale if user is not None else None) or current_app.config["BABEL_DEFAULT_LOCALE"]):
        yield


def _load(order_id: int) -> Order | None:
    order = db.session.scalar(
        select(Order).where(Order.id == order_id).options(
            selectinload(Order.lines), joinedload(Order.buyer),
            joinedload(Order.checkout).joinedload(Checkout.kelurahan),
        )
    )
    if order is None:
        log.warning("order %s is gone; no email sent", order_id)
    return order


def _members(order: Order) -> list[User]:
    return list(db.session.scalars(
        select(User).join(SentraMembership, SentraMembership.user_id == User.id)
        .where(SentraMembership.sentra_id == order.sentra_id, User.deleted_at.is_(None))
        .order_by(User.id)
    ))


def _delivery_label(method: str) -> str:
    return {
        DeliveryMethod.PICKUP: _("Pickup at the sentra"),
        DeliveryMethod.SENTRA_COURIER: _("Delivery by the sentra's courier"),
        DeliveryMethod.COURIER: _("Courier"),
    }.get(method, method)


def _summary(order: Order, *, with_pickup_code: bool) -> str:
    """Lines, money and delivery of an order, as the buyer's and the sentra's emails show them."""
    lines = [
        f"- {line.quantity} × {line.title}{' (' + line.variant_label + ')' if line.variant_label else ''}: "
        f"{rupiah(line.total_idr)}"
        for line in order.lines
    ]
    lines += [
        "",
        _("Subtotal: %(amount)s", amount=rupiah(order.subtotal_idr)),
        _("Delivery fee: %(amount)s", amount=rupiah(order.delivery_fee_idr)),
        _("Total: %(amount)s", amount=rupiah(order.total_idr)),
        _("Delivery: %(method)s", method=_delivery_label(order.delivery_method)),
    ]
    if order.delivery_method != DeliveryMethod.PICKUP:
        checkout = order.checkout
        lines.append(_("Address: %(street)s, %(place)s", street=checkout.street, place=checkout.place_label))
    elif with_pickup_code and order.pickup_code:
        lines.append(_("Pickup code: %(code)s (show it at the sentra when you collect the order)",
                       code=order.pickup_code))
    return "\n".join(lines)


def _order_link(order: Order) -> str:
    return external_url("orders.detail", number=order.number)


def _inbox_link(order: Order) -> str:
    return external_url("orders_kelola.detail", sentra_slug=order.sentra.slug, number=order.number)


def tell(user: User, subject: Callable[[], str], body: Callable[[], str], whatsapp: WhatsApp | None = None) -> None:
    """Email and/or WhatsApp ``user`` in their language, as they chose (email only without ``whatsapp``)."""
    with _language_of(user):
        notify(user, subject, body, (lambda: whatsapp(user)) if whatsapp is not None else None)


def _mail_buyer(order: Order, subject: Callable[[], str], body: Callable[[], str],
                whatsapp: WhatsApp | None = None) -> None:
    buyer = order.buyer
    if buyer is None or buyer.deleted_at is not None:
        return
    tell(buyer, subject, body, whatsapp)


def _mail_members(order: Order, subject: Callable[[], str], body: Callable[[], str],
                  whatsapp: WhatsApp | None = None) -> None:
    for member in _members(order):
        tell(member, subject, body, whatsapp)


# --- WhatsApp templates ------------------------------------------------------------------------------
# Each must be registered (category "utility", language "id") in the WhatsApp Business account under
# this name, with these body parameters {{1}}, {{2}}... in this order (README, "WhatsApp").

WHATSAPP_TEMPLATES: dict[str, tuple[str, ...]] = {
    "pesanan_dibuat": ("name", "order number", "sentra", "total", "order link"),
    "pembayaran_diterima": ("name", "order number", "amount", "order link"),
    "pesanan_siap_diambil": ("name", "order number", "sentra", "pickup code", "sentra address", "order link"),
    "pesanan_diantar_pin": ("name", "order number", "delivery PIN", "order link"),
    "pesanan_diantar": ("name", "order number", "order link"),
    "pesanan_sampai": ("name", "order number", "sentra", "order link"),
    "masalah_dijawab": ("name", "order number", "sentra", "the sentra's answer", "order link"),
    "pesanan_baru_sentra": ("name", "order number", "sentra", "buyer", "total", "inbox link"),
    "permintaan_penawaran_baru": ("name", "partner", "sentra", "needed by", "request link"),
    "pendampingan_dipesan": ("name", "sentra", "when", "topic", "session link"),
    "pendampingan_pengingat": ("name", "sentra", "mentor", "when", "session link"),
    "pendampingan_dibatalkan": ("name", "who cancelled", "when", "mentoring link"),
    "lamaran_diperbarui": ("name", "sentra", "opening", "news", "applications link"),
}


def whatsapp_template(name: str, *params: Any) -> tuple[str, list[Any]]:
    """``(name, params)``, checked against :data:`WHATSAPP_TEMPLATES` (a template's parameter count is fixed)."""
    expected = WHATSAPP_TEMPLATES[name]
    if len(params) != len(expected):
        raise ValueError(f"template {name} takes {len(expected)} parameters, not {len(params)}")
    return name, list(params)


def _greeting(user: User | None) -> str:
    return _("Hello %(name)s,", name=user.name if user is not None else "")


# --- handlers ----------------------------------------------------------------------------------------


@register("order.placed")
def order_placed(payload: dict[str, Any]) -> None:
    """The buyer's confirmation and, to every member of the sentra, a new order to act on."""
    order = _load(payload["order_id"])
    if order is None:
        return
    _mail_buyer(
        order,
        lambda: _("Order %(number)s placed", number=order.number),
        lambda: "\n\n".join([
            _greeting(order.buyer),
            _("Your order %(number)s at %(sentra)s has been placed. The sentra will prepare it.",
              number=order.number, sentra=order.sentra.name),
            _summary(order, with_pickup_code=True),
            _("Your order: %(link)s", link=_order_link(order)),
        ]),
        lambda buyer: whatsapp_template("pesanan_dibuat", buyer.name, order.number, order.sentra.name,
                                        rupiah(order.total_idr), _order_link(order)),
    )
    _mail_members(
        order,
        lambda: _("New order %(number)s", number=order.number),
        lambda: "\n\n".join([
            _("A new order %(number)s arrived for %(sentra)s from %(buyer)s.",
              number=order.number, sentra=order.sentra.name, buyer=order.checkout.recipient),
            _summary(order, with_pickup_code=False),
            _("Accept it in the order inbox: %(link)s", link=_inbox_link(order)),
        ]),
        lambda member: whatsapp_template("pesanan_baru_sentra", member.name, order.number, order.sentra.name,
                                         order.checkout.recipient, rupiah(order.total_idr), _inbox_link(order)),
    )


@register("order.paid")
def order_paid(payload: dict[str, Any]) -> None:
    order = _load(payload["order_id"])
    if order is None:
        return
    _mail_buyer(
        order,
        lambda: _("Payment received for order %(number)s", number=order.number),
        lambda: "\n\n".join([
            _greeting(order.buyer),
            _("We received your payment of %(amount)s for order %(number)s at %(sentra)s.",
              amount=rupiah(order.total_idr), number=order.number, sentra=order.sentra.name),
            _("Your order: %(link)s", link=_order_link(order)),
        ]),
        lambda buyer: whatsapp_template("pembayaran_diterima", buyer.name, order.number, rupiah(order.total_idr),
                                        _order_link(order)),
    )


@register("order.cancelled")
def order_cancelled(payload: dict[str, Any]) -> None:
    """The buyer always hears of it; the sentra's members when the buyer cancelled."""
    order = _load(payload["order_id"])
    if order is None:
        return
    by_buyer = payload.get("by") == "buyer"

    def buyer_body() -> str:
        parts = [_greeting(order.buyer)]
        if by_buyer:
            parts.append(_("You cancelled order %(number)s at %(sentra)s.",
                           number=order.number, sentra=order.sentra.name))
        else:
            parts.append(_("%(sentra)s cancelled your order %(number)s.",
                           number=order.number, sentra=order.sentra.name))
            if order.cancel_reason:
                parts.append(_("Reason: %(reason)s", reason=order.cancel_reason))
        if order.paid_at is not None:
            parts.append(_("What you paid for this order is being refunded; we will email you when it is done."))
        parts.append(_("Your order: %(link)s", link=_order_link(order)))
        return "\n\n".join(parts)

    _mail_buyer(order, lambda: _("Order %(number)s cancelled", number=order.number), buyer_body)
    if by_buyer:
        _mail_members(
            order,
            lambda: _("Order %(number)s cancelled by the buyer", number=order.number),
            lambda: "\n\n".join(
                [_("The buyer cancelled order %(number)s. Its stock is back on sale.", number=order.number)]
                + ([_("Reason: %(reason)s", reason=order.cancel_reason)] if order.cancel_reason else [])
                + [_("Order: %(link)s", link=_inbox_link(order))]
            ),
        )


@register("order.refunded")
def order_refunded(payload: dict[str, Any]) -> None:
    order = _load(payload["order_id"])
    if order is None:
        return
    _mail_buyer(
        order,
        lambda: _("Refund for order %(number)s", number=order.number),
        lambda: "\n\n".join([
            _greeting(order.buyer),
            _("%(amount)s has been refunded for order %(number)s. Depending on your bank it can take "
              "a few days to show on your statement.", amount=rupiah(order.refunded_idr), number=order.number),
            _("Your order: %(link)s", link=_order_link(order)),
        ]),
    )


@register("order.expired")
def order_expired(payload: dict[str, Any]) -> None:
    order = _load(payload["order_id"])
    if order is None:
        return
    _mail_buyer(
        order,
        lambda: _("Order %(number)s expired", number=order.number),
        lambda: "\n\n".join([
            _greeting(order.buyer),
            _("We did not receive the payment for order %(number)s in time, so the order has expired "
              "and the items were released. Nothing was charged.", number=order.number),
            _("Your order: %(link)s", link=_order_link(order)),
        ]),
    )


@register("order.late_payment_refunded")
def order_late_payment_refunded(payload: dict[str, Any]) -> None:
    order = _load(payload["order_id"])
    if order is None:
        return
    _mail_buyer(
        order,
        lambda: _("Your late payment for order %(number)s is refunded", number=order.number),
        lambda: "\n\n".join([
            _greeting(order.buyer),
            _("Your payment for order %(number)s arrived after the order had expired, and the items "
              "are no longer available. The payment is refunded automatically.", number=order.number),
            _("Your order: %(link)s", link=_order_link(order)),
        ]),
    )


HANDLED_KINDS = ("order.placed", "order.paid", "order.cancelled", "order.refunded", "order.expired",
                 "order.late_payment_refunded")
