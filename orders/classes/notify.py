"""Emails about class bookings, sent by outbox handlers (payload ``{"booking_id": int}``, and
``"by"``: ``buyer`` or ``sentra`` for a cancellation). Plain text in the buyer's language."""
from __future__ import annotations

import logging
from typing import Any

from flask_babel import gettext as _

from orders.classes.models import BookingStatus, ClassBooking
from orders.notify import external_url, tell
from shop.extensions import db
from shop.i18n import rupiah, wib
from shop.outbox.services import register

log = logging.getLogger(__name__)


def _load(booking_id: int) -> ClassBooking | None:
    booking = db.session.get(ClassBooking, booking_id)
    if booking is None or booking.buyer is None or booking.buyer.deleted_at is not None:
        log.warning("booking %s or its buyer is gone; no email sent", booking_id)
        return None
    return booking


def _sessions(booking: ClassBooking) -> str:
    return "\n".join(f"- {wib(s.starts_at)} – {wib(s.ends_at)}" for s in booking.training_class.sessions)


@register("class.booked")
def booked(payload: dict[str, Any]) -> None:
    """The booking's confirmation, with the attendance code."""
    booking = _load(payload["booking_id"])
    if booking is None:
        return
    klass = booking.training_class
    link = external_url("classes.booking", booking_id=booking.id)

    def body() -> str:
        lines = [_("Your booking of %(title)s at %(sentra)s:", title=klass.title, sentra=klass.sentra.name), "",
                 _("Attendance code: %(code)s (show it at the door)", code=booking.code),
                 _("Seats: %(n)d", n=booking.seats), _("Place: %(place)s", place=klass.location), _("Sessions:"),
                 _sessions(booking)]
        if booking.total_idr:
            lines.append(_("Total: %(amount)s", amount=rupiah(booking.total_idr)))
        if booking.status == BookingStatus.PENDING_PAYMENT:
            lines.append(_("The seats are yours once the payment arrives."))
        lines += ["", link]
        return "\n".join(lines)

    tell(booking.buyer, lambda: _("Your seat at %(title)s", title=klass.title), body)


@register("class.booking_cancelled")
def booking_cancelled(payload: dict[str, Any]) -> None:
    """The buyer's booking ended: they cancelled it, or the sentra cancelled the class."""
    booking = _load(payload["booking_id"])
    if booking is None:
        return
    klass = booking.training_class
    by_sentra = payload.get("by") == "sentra"

    def body() -> str:
        lines = [_("%(sentra)s cancelled the class %(title)s.", sentra=klass.sentra.name, title=klass.title)
                 if by_sentra else _("Your booking of %(title)s is cancelled.", title=klass.title)]
        if booking.total_idr:
            lines.append(_("What you paid (%(amount)s) is refunded.", amount=rupiah(booking.total_idr)))
        lines += ["", external_url("classes.index")]
        return "\n".join(lines)

    tell(booking.buyer, lambda: _("Class booking cancelled: %(title)s", title=klass.title), body)
