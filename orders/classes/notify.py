"""Emails about class bookings, sent by outbox handlers (payload ``{"booking_id": int}``, and
``"by"``: ``buyer`` or ``sentra`` for a cancellation, ``"session_id"`` for a reminder). Plain text in the buyer's language."""
from __future__ import annotations

import logging
from typing import Any

from flask_babel import gettext as _

from orders.classes.models import BookingStatus, ClassBooking, WaitlistEntry, WaitStatus
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


@register("class.reminder")
def reminder(payload: dict[str, Any]) -> None:
    """A day before a session (``"session_id"``; older jobs: the first): when and where, and the code again."""
    booking = _load(payload["booking_id"])
    if booking is None or booking.status != BookingStatus.CONFIRMED:
        return
    klass = booking.training_class
    session = next((s for s in klass.sessions if s.id == payload.get("session_id")), None)
    if session is None and payload.get("session_id") is not None:
        return  # the session was removed by an edit since
    session = session or klass.sessions[0]
    number = klass.sessions.index(session) + 1

    def body() -> str:
        lines = [_("Tomorrow: %(title)s at %(sentra)s.", title=klass.title, sentra=klass.sentra.name)]
        if len(klass.sessions) > 1:
            lines.append(_("Session %(n)d of %(total)d: %(start)s – %(end)s", n=number, total=len(klass.sessions),
                           start=wib(session.starts_at), end=wib(session.ends_at)))
        return "\n".join([
            *lines, "",
            _("Attendance code: %(code)s (show it at the door)", code=booking.code),
            _("Place: %(place)s", place=klass.location), _("Sessions:"), _sessions(booking),
            *([_("What to bring: %(bring)s", bring=klass.bring)] if klass.bring else []),
            "", external_url("classes.booking", booking_id=booking.id)])

    tell(booking.buyer, lambda: _("Reminder: %(title)s starts soon", title=klass.title), body)


@register("class.certificate")
def certificate(payload: dict[str, Any]) -> None:
    """The attendee's certificate is ready, with its public check."""
    booking = _load(payload["booking_id"])
    if booking is None or booking.certificate is None:
        return
    issued = booking.certificate

    def body() -> str:
        return "\n".join([
            _("Thank you for attending %(title)s. Your certificate is ready:", title=issued.class_title),
            external_url("classes.certificate", code=issued.code), "",
            _("Verification code: %(code)s", code=issued.code)])

    tell(booking.buyer, lambda: _("Your certificate: %(title)s", title=issued.class_title), body)


@register("class.waitlist_offer")
def waitlist_offer(payload: dict[str, Any]) -> None:
    """A seat from the waiting list is held for the person until the offer lapses."""
    entry = db.session.get(WaitlistEntry, payload["entry_id"])
    if entry is None or entry.status != WaitStatus.OFFERED or entry.user is None or entry.user.deleted_at:
        return
    klass = entry.training_class

    def body() -> str:
        return "\n".join([
            _("A seat of %(title)s at %(sentra)s is free and held for you until %(when)s.", title=klass.title,
              sentra=klass.sentra.name, when=wib(entry.offered_until)),
            _("Book it before then, or it goes to the next person waiting."), "",
            external_url("classes.detail", class_id=klass.id)])

    tell(entry.user, lambda: _("A seat is free: %(title)s", title=klass.title), body)


@register("class.waitlist_cancelled")
def waitlist_cancelled(payload: dict[str, Any]) -> None:
    """The class someone was waiting for was cancelled by the sentra."""
    entry = db.session.get(WaitlistEntry, payload["entry_id"])
    if entry is None or entry.user is None or entry.user.deleted_at:
        return
    klass = entry.training_class

    def body() -> str:
        return "\n".join([_("%(sentra)s cancelled the class %(title)s.", sentra=klass.sentra.name, title=klass.title),
                           _("You were on its waiting list; nothing was booked or charged."), "",
                           external_url("classes.index")])

    tell(entry.user, lambda: _("Class booking cancelled: %(title)s", title=klass.title), body)
