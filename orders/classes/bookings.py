"""Booking seats of a class, cancelling a booking, cancelling a whole class, and attendance.

Booking manages its own transactions, as checkout does: (1) in one transaction, insert the
booking (its unique ``(buyer_id, idempotency_key)`` makes a parallel repeat wait, then find the
first booking), for a paid class also the checkout, the sentra's order with the seat line
and the payment record (:mod:`orders.core.placement`), and last take the seats by a
conditional UPDATE of the class row, held only until the commit right after; (2) outside it,
start the provider's payment (a card). :func:`orders.checkout.services.book_once` runs both, with the
retries and the repeat's lookup that a facility booking shares; the provider refusing cancels the order. The order's later life (paid, expired,
cancelled) reaches the booking through :mod:`orders.classes.signals`.
"""
from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from catalog.storefront.freshness import SEARCH, sentra_scope
from orders.checkout.services import book_once
from orders.classes import limits, seats, waitlist
from orders.classes.errors import (
    CancelClosedError,
    ClassClosedError,
    ClassError,
    ClassNotFoundError,
    ClassValidationError,
    WrongCodeError,
)
from orders.classes.models import (
    HOLDING,
    Audience,
    BookingStatus,
    ClassAttendance,
    ClassBooking,
    ClassSession,
    ClassStatus,
    TrainingClass,
    WaitlistEntry,
    WaitStatus,
)
from orders.classes.services import load_public_class, load_sentra_class
from orders.core import lifecycle, placement
from orders.core.codes import ALPHABET
from orders.core.errors import InvalidTransitionError
from orders.core.locks import lock_order
from orders.core.models import Checkout, Order, OrderStatus
from orders.core.providers import available_methods, get_provider
from shop.accounts.models import User
from shop.db import WIB, utcnow
from shop.extensions import db
from shop.outbox.services import enqueue
from shop.pagecache.versions import note_scopes
from shop.places.models import Kelurahan
from shop.sentras.models import Sentra

log = logging.getLogger(__name__)

MAX_KEY_LENGTH = 100
CODE_LENGTH = 6
CLASS_METHODS = ("stripe_card", "bank_transfer", "pay_on_pickup")  # paid at the sentra or online; no B2B terms
BOOKED_JOB = "class.booked"
BOOKING_CANCELLED_JOB = "class.booking_cancelled"
WAITLIST_CANCELLED_JOB = "class.waitlist_cancelled"


def attendance_code() -> str:
    """Six characters of Crockford's alphabet (no I, L, O, U): about a billion codes."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def payment_methods_for_classes(config: Mapping[str, Any]) -> list[str]:
    """The payment methods a paid class may use, in the order buyers see them (as a pickup order)."""
    return [name for name in available_methods(config, ["pickup"]) if name in CLASS_METHODS]


@dataclass(frozen=True)
class BookingInput:
    idempotency_key: str
    seats: Any
    birth_year: Any = None
    kelurahan_code: str | None = None
    payment_method: str | None = None


@dataclass
class BookingResult:
    booking: ClassBooking
    created: bool


def _find(buyer_id: int, key: str) -> ClassBooking | None:
    return db.session.scalar(
        select(ClassBooking).where(ClassBooking.buyer_id == buyer_id, ClassBooking.idempotency_key == key))


def _check(klass: TrainingClass, data: BookingInput, config: Mapping[str, Any]) -> dict[str, Any]:
    """The booking's values, or a :class:`ClassError` naming what is wrong. Reads only."""
    now = utcnow()
    if klass.status != ClassStatus.PUBLISHED:
        raise ClassClosedError(_("This class is cancelled."))
    if klass.starts_at <= now:
        raise ClassClosedError(_("This class has started; it takes no more bookings."))
    fields: dict[str, str] = {}
    count = data.seats
    if isinstance(count, bool) or not isinstance(count, int):
        fields["seats"] = _("Enter a whole number.")
    elif not 1 <= count <= klass.max_seats_per_booking:
        fields["seats"] = _("Book from 1 to %(n)d seats.", n=klass.max_seats_per_booking)
    year = data.birth_year
    this_year = now.astimezone(WIB).year
    if year is not None and year != "":
        if isinstance(year, bool) or not isinstance(year, int):
            fields["birth_year"] = _("Enter a year, such as 2004.")
        elif year > this_year:
            fields["birth_year"] = _("A birth year cannot be in the future.")
        elif year < this_year - 120:
            fields["birth_year"] = _("Enter a real birth year.")
    else:
        year = None
    code = (data.kelurahan_code or "").strip() or None
    if code is not None and db.session.get(Kelurahan, code) is None:
        fields["kelurahan_code"] = _("Choose a kelurahan of Kota Bekasi.")
    if klass.audience == Audience.YOUTH:
        if year is None and "birth_year" not in fields:
            fields["birth_year"] = _("Youth training asks for your birth year.")
        if code is None and "kelurahan_code" not in fields:
            fields["kelurahan_code"] = _("Youth training is for residents of Kota Bekasi: choose your kelurahan.")
    method = None
    if klass.price_idr > 0:
        allowed = payment_methods_for_classes(config)
        method = data.payment_method or (allowed[0] if allowed else None)
        if method not in allowed:
            fields["payment_method"] = _("Choose a payment method from the list.")
    if fields:
        raise ClassValidationError(_("Check the fields marked."), fields)
    return {"seats": count, "birth_year": year, "kelurahan_code": code, "payment_method": method}


def place_line_order(buyer: User, sentra: Sentra, *, title: str, quantity: int, unit_price_idr: int, sku: str,
                     label: str, key: str, note: str, method: str, config: Mapping[str, Any]) -> Order:
    """A checkout and the sentra's order of one line (seats, facility hours) collected at the sentra. Flushes.

    The one way a booking becomes an order: :mod:`orders.core.placement` builds it, so payment methods,
    expiry, refunds and the ledger are the orders'. ``key`` is the checkout's idempotency key.

    :raise PaymentError: the provider refuses the amount (a card payment below its minimum).
    """
    total = unit_price_idr * quantity
    provider = get_provider(method)
    provider.check_amount(total, config)
    address = {"recipient": (buyer.name or buyer.email)[:120], "phone": buyer.phone or sentra.whatsapp,
               "street": sentra.address[:255], "kelurahan_code": sentra.kelurahan_code, "city": None,
               "postal_code": None}
    checkout = placement.open_checkout(buyer_id=buyer.id, idempotency_key=key, payment_method=provider.name,
                                       total_idr=total, address=address, now=utcnow(), config=config)
    line = placement.LineSpec(title=title, quantity=quantity, unit_price_idr=unit_price_idr, made_to_order=True,
                              sku=sku, variant_label=label)
    order = placement.place_order(checkout, placement.OrderSpec(
        buyer_id=buyer.id, sentra_id=sentra.id, lines=(line,), delivery_method="pickup", delivery_fee_idr=0,
        in_city=True, handling_days=0, actor_id=buyer.id, note=note))
    placement.record_payment(checkout, config)
    return order


def _place_seat_order(buyer: User, klass: TrainingClass, booking: ClassBooking, method: str,
                      config: Mapping[str, Any]) -> Order:
    """The sentra's order whose one line is the seats."""
    return place_line_order(
        buyer, klass.sentra, title=klass.title[:120], quantity=booking.seats, unit_price_idr=klass.price_idr,
        sku=f"KELAS-{klass.id}", label=klass.starts_at.astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB"),
        key=f"class-booking-{booking.id}", note=f"class {klass.id} booking {booking.id}", method=method,
        config=config)


def _step_one(buyer: User, klass_id: int, data: BookingInput, key: str, config: Mapping[str, Any]) -> int:
    """Insert the booking (and its order), then take the seats, and commit. Returns the booking's id."""
    klass = load_public_class(klass_id)
    values = _check(klass, data, config)
    booking = ClassBooking(
        class_id=klass.id, sentra_id=klass.sentra_id, buyer_id=buyer.id, idempotency_key=key,
        seats=values["seats"], total_idr=klass.price_idr * values["seats"], code=attendance_code(),
        birth_year=values["birth_year"], kelurahan_code=values["kelurahan_code"], status=BookingStatus.CONFIRMED,
    )
    db.session.add(booking)
    db.session.flush()  # claims (buyer, key): a parallel repeat waits here
    if klass.price_idr > 0:
        order = _place_seat_order(buyer, klass, booking, values["payment_method"], config)
        booking.order_id = order.id
        if order.status == OrderStatus.PENDING_PAYMENT:
            booking.status = BookingStatus.PENDING_PAYMENT
    enqueue(BOOKED_JOB, {"booking_id": booking.id})
    booking_id = booking.id
    offer = waitlist.live_offer(buyer.id, klass.id)
    if offer is not None:  # seats held for this buyer from the waiting list: they become this booking's
        waitlist.use_offer(offer, klass.id)
    seats.take(klass.id, booking.seats)  # last: the class row is locked only until this commit
    db.session.commit()
    return booking_id


def book_class(buyer: User, class_id: int, data: BookingInput, config: Mapping[str, Any]) -> BookingResult:
    """Book seats of a class for ``buyer``; a paid class's payment is started. Commits.

    Idempotent on ``data.idempotency_key``: a repeat (also a parallel one) returns the first
    booking with ``created=False``.

    :raise ClassNotFoundError: no such class of an active sentra.
    :raise ClassClosedError: (409) cancelled or started.
    :raise ClassFullError: (409) fewer seats are left; nothing was taken or charged.
    :raise ClassValidationError: (422) seats outside 1..the class's limit per buyer, a birth year in
        the future, an unknown kelurahan, a youth class without them, an unknown payment method.
    :raise PaymentError: the provider refused to start; the order is cancelled and the seats are back.
    """
    key = (data.idempotency_key or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ClassValidationError(_("A booking needs an idempotency key of 1-100 characters."),
                                   {"idempotency_key": _("This field is required.")})
    booking, created = book_once(
        ClassBooking, lambda: _find(buyer.id, key), lambda: _step_one(buyer, class_id, data, key, config),
        lambda: ClassError(_("The booking could not be saved; please try again.")), config)
    return BookingResult(booking, created)


def load_buyer_booking(buyer_id: int, booking_id: int) -> ClassBooking:
    """One of the buyer's bookings. :raise ClassNotFoundError: none, or someone else's."""
    booking = db.session.scalar(
        select(ClassBooking).where(ClassBooking.id == booking_id, ClassBooking.buyer_id == buyer_id))
    if booking is None:
        raise ClassNotFoundError(_("No such booking."))
    return booking


def buyer_bookings(buyer_id: int) -> list[ClassBooking]:
    return list(db.session.scalars(
        select(ClassBooking).join(TrainingClass, TrainingClass.id == ClassBooking.class_id)
        .where(ClassBooking.buyer_id == buyer_id).order_by(TrainingClass.starts_at.desc(), ClassBooking.id.desc())))


def checkout_of(booking: ClassBooking) -> Checkout | None:
    return booking.order.checkout if booking.order is not None else None


def cancel_deadline(klass: TrainingClass):
    return klass.starts_at - timedelta(hours=klass.cancel_hours)


def can_cancel(booking: ClassBooking, now=None) -> bool:
    now = now or utcnow()
    return booking.status in HOLDING and now < cancel_deadline(booking.training_class)


def _end(booking: ClassBooking, status: BookingStatus) -> bool:
    """End a booking that holds seats and give the seats back. Flushes; False if it ended already."""
    if booking.status not in HOLDING:
        return False
    booking.status = status
    booking.cancelled_at = utcnow()
    seats.give_back(booking.class_id, booking.seats)
    return True


def cancel_booking(buyer: User, booking_id: int, config: Mapping[str, Any]) -> ClassBooking:
    """The buyer cancels before the class's deadline: seats back, a paid seat refunded. Flushes.

    :raise ClassNotFoundError: not the buyer's booking.
    :raise CancelClosedError: the deadline passed or the booking has ended.
    :raise PaymentError: the refund was refused; the caller rolls back.
    """
    booking = load_buyer_booking(buyer.id, booking_id)
    if not can_cancel(booking):
        raise CancelClosedError(_("This booking can no longer be cancelled."))
    _end_with_order(booking, buyer, _("cancelled by the buyer"), config, by="buyer")
    enqueue(BOOKING_CANCELLED_JOB, {"booking_id": booking.id, "by": "buyer"})
    return booking


def _end_with_order(booking: ClassBooking, actor: User, note: str, config: Mapping[str, Any], by: str) -> None:
    if booking.order_id is not None:
        order = lock_order(db.session.get(Order, booking.order_id))
        # The order's cancellation refunds a paid seat and, through the signal, ends the booking;
        # an order the sentra already moved past cancelling is refunded as it stands.
        try:
            lifecycle.cancel(order, actor, note, config, reason=note, by=by, job=None)
        except InvalidTransitionError:
            lifecycle.refund(order, actor, note, config)
        db.session.refresh(booking)
    _end(booking, BookingStatus.CANCELLED)


def cancel_class(sentra: Sentra, actor: User, class_id: int, reason: str, config: Mapping[str, Any]) -> TrainingClass:
    """The sentra cancels a whole class: every booking ends, paid seats are refunded, bookers are told. Flushes.

    Idempotent: a cancelled class stays as it is.

    :raise ClassNotFoundError: not a class of ``sentra``.
    :raise PaymentError: a refund was refused; the caller rolls back.
    """
    klass = load_sentra_class(sentra.id, class_id, lock=True)
    if klass.status == ClassStatus.CANCELLED:
        return klass
    note = reason.strip()[:500] or _("The sentra cancelled the class.")
    bookings = list(db.session.scalars(
        select(ClassBooking).where(ClassBooking.class_id == klass.id, ClassBooking.status.in_(HOLDING))
        .order_by(ClassBooking.id)))
    for booking in bookings:
        _end_with_order(booking, actor, note, config, by="sentra")
        enqueue(BOOKING_CANCELLED_JOB, {"booking_id": booking.id, "by": "sentra"})
    for entry in db.session.scalars(select(WaitlistEntry).where(
            WaitlistEntry.class_id == klass.id, WaitlistEntry.status.in_((WaitStatus.WAITING, WaitStatus.OFFERED)))):
        entry.status = WaitStatus.EXPIRED  # nothing to wait for; they are told with the bookers
        enqueue(WAITLIST_CANCELLED_JOB, {"entry_id": entry.id})
    db.session.refresh(klass)
    klass.status = ClassStatus.CANCELLED
    klass.cancelled_at = utcnow()
    db.session.flush()
    note_scopes(db.session, sentra_scope(sentra.id), SEARCH)
    return klass


# --- attendance -------------------------------------------------------------------------------------


@dataclass
class CheckIn:
    booking: ClassBooking
    changed: bool


def current_session(klass: TrainingClass, now: datetime) -> ClassSession:
    """The session a check-in counts for: today's (WIB), else the latest that has started, else the first."""
    sessions = sorted(klass.sessions, key=lambda s: s.starts_at)
    today = now.astimezone(WIB).date()
    for session in sessions:
        if session.starts_at.astimezone(WIB).date() == today:
            return session
    started = [s for s in sessions if s.starts_at <= now]
    return started[-1] if started else sessions[0]


def _check_in(booking: ClassBooking, actor: User) -> CheckIn:
    """Record the booking at the current session; once per session (a parallel repeat finds the first)."""
    now = utcnow()
    session = current_session(booking.training_class, now)
    if any(a.session_id == session.id for a in booking.attendances):
        return CheckIn(booking, changed=False)
    try:
        with db.session.begin_nested():
            db.session.add(ClassAttendance(booking_id=booking.id, session_id=session.id, checked_in_at=now,
                                           checked_in_by_id=actor.id))
            db.session.flush()
    except IntegrityError:
        return CheckIn(booking, changed=False)
    if booking.attended_at is None:
        booking.attended_at = now
        booking.checked_in_by_id = actor.id
    db.session.flush()
    db.session.refresh(booking, ["attendances"])
    return CheckIn(booking, changed=True)


def check_in_by_code(sentra: Sentra, class_id: int, code: str, actor: User) -> CheckIn:
    """Mark the booking with ``code`` as attended; a second check-in changes nothing. Locks the booking; flushes.

    A wrong code counts towards ``actor``'s limit at this class (:mod:`orders.classes.limits`).

    :raise ClassNotFoundError: not a class of ``sentra``.
    :raise TooManyWrongCodesError: (429) ``actor`` typed too many wrong codes here lately; nothing is checked.
    :raise WrongCodeError: no confirmed booking of this class has that code (who booked is never said).
    """
    klass = load_sentra_class(sentra.id, class_id)
    limits.refuse_when_throttled(actor.id, klass.id)
    wanted = "".join((code or "").split()).upper()
    booking = None
    if len(wanted) == CODE_LENGTH:
        booking = db.session.scalar(
            select(ClassBooking).where(ClassBooking.class_id == klass.id, ClassBooking.code == wanted,
                                       ClassBooking.status == BookingStatus.CONFIRMED)
            .with_for_update(of=ClassBooking).execution_options(populate_existing=True))
    if booking is None:
        limits.count_wrong_code(actor.id, klass.id)
        raise WrongCodeError(_("This code is not valid for this class."), {"code": _("Wrong code.")})
    return _check_in(booking, actor)


def check_in_booking(sentra: Sentra, class_id: int, booking_id: int, actor: User) -> CheckIn:
    """Mark one confirmed booking of the list as attended. :raise ClassNotFoundError: not this class's."""
    klass = load_sentra_class(sentra.id, class_id)
    booking = db.session.scalar(
        select(ClassBooking).where(ClassBooking.class_id == klass.id, ClassBooking.id == booking_id,
                                   ClassBooking.status == BookingStatus.CONFIRMED)
        .with_for_update(of=ClassBooking).execution_options(populate_existing=True))
    if booking is None:
        raise ClassNotFoundError(_("No such booking."))
    return _check_in(booking, actor)


def class_bookings(klass: TrainingClass) -> list[ClassBooking]:
    """The bookings holding seats of a class, for the door list: by name."""
    return list(db.session.scalars(
        select(ClassBooking).join(User, User.id == ClassBooking.buyer_id)
        .where(ClassBooking.class_id == klass.id, ClassBooking.status.in_(HOLDING))
        .order_by(User.name, ClassBooking.id)))
