"""Listing a sentra's facilities and booking them by the hour.

Units are never overbooked: a booking first bumps the facility row (``UPDATE facility SET
lock_version = lock_version + 1``), which takes its write lock on PostgreSQL (the row) and SQLite
(the database) alike, then counts the units in use at every moment of the asked time, inserts, and
commits. A second booking of the same facility waits at that UPDATE until the first commits, then
counts it. Booking manages its own transactions, as a class booking does; a paid booking is an
order line of the sentra's order (:func:`orders.classes.bookings.place_line_order`).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update

from orders.checkout.services import book_once
from orders.classes.bookings import payment_methods_for_classes, place_line_order
from orders.core import lifecycle
from orders.core.errors import InvalidTransitionError
from orders.core.locks import lock_order
from orders.core.models import Order, OrderStatus
from orders.facilities.errors import (
    FacilityCancelClosedError,
    FacilityError,
    FacilityNotFoundError,
    FacilityValidationError,
    SlotTakenError,
)
from orders.facilities.models import (
    TAKING,
    Facility,
    FacilityBooking,
    FacilityBookingKind,
    FacilityBookingStatus,
    hours_text,
)
from shop.accounts.models import User
from shop.database import prebuilt_rows
from shop.db import WIB, utcnow
from shop.extensions import db
from shop.sentras.access import membership_for
from shop.sentras.models import Sentra, SentraStatus

DEFAULT_HOURS = (8 * 60, 20 * 60)
MAX_UNITS = 100
MAX_HOURLY_IDR = 10_000_000
MAX_KEY_LENGTH = 100
_HOURS = re.compile(r"(\d{1,2})[.:](\d{2})\s*[-–—]\s*(\d{1,2})[.:](\d{2})")


def parse_hours(text: str | None) -> tuple[int, int] | None:
    """``08:00-20:00`` (or ``08.00–20.00``, as sentras write their hours) as minutes after midnight."""
    match = _HOURS.search(text or "")
    if match is None:
        return None
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    opens, closes = h1 * 60 + m1, h2 * 60 + m2
    if not (0 <= opens < closes <= 24 * 60 and m1 < 60 and m2 < 60):
        return None
    return opens, closes


@dataclass(frozen=True)
class FacilityInput:
    name: Any
    description: Any = ""
    hourly_price_idr: Any = 0
    units: Any = 1
    opening_hours: str | None = None


def _whole(value: Any, name: str, fields: dict[str, str], low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        fields[name] = _("Enter a whole number from %(low)s to %(high)s.", low=low, high=high)
        return low
    return value


def create_facility(sentra: Sentra, data: FacilityInput) -> Facility:
    """Add a facility to ``sentra``; without opening hours the sentra's own apply, or 08:00-20:00. Flushes.

    :raise FacilityValidationError: a missing name, a price or number of units out of range, hours not HH:MM-HH:MM.
    """
    fields: dict[str, str] = {}
    name = (data.name or "").strip() if isinstance(data.name, str) else ""
    if not name or len(name) > 120:
        fields["name"] = _("Give a name of at most 120 characters.")
    description = (data.description or "").strip() if isinstance(data.description, str) else ""
    price = _whole(data.hourly_price_idr if data.hourly_price_idr is not None else 0, "hourly_price_idr", fields, 0,
                   MAX_HOURLY_IDR)
    units = _whole(data.units if data.units is not None else 1, "units", fields, 1, MAX_UNITS)
    if data.opening_hours:
        hours = parse_hours(data.opening_hours)
        if hours is None:
            fields["opening_hours"] = _("Write the hours as 08:00-20:00.")
    else:
        hours = parse_hours(sentra.opening_hours) or DEFAULT_HOURS
    if fields:
        raise FacilityValidationError(_("Check the fields marked."), fields)
    facility = Facility(sentra_id=sentra.id, name=name, description=description[:5000], hourly_price_idr=price,
                        units=units, opens_minute=hours[0], closes_minute=hours[1])
    db.session.add(facility)
    db.session.flush()
    return facility


def sentra_facilities(sentra_id: int) -> list[Facility]:
    return list(db.session.scalars(select(Facility).where(Facility.sentra_id == sentra_id, Facility.active)
                                   .order_by(Facility.name, Facility.id)))


@dataclass(frozen=True)
class StorefrontFacility:
    """What a storefront shows of a facility it lends."""

    id: int
    name: str
    hourly_price_idr: int
    opening_hours: str  # as Facility.opening_hours: 08:00-20:00


# Built once (shop.database.prebuilt_rows): a storefront is a public page that anyone opens, and building
# an ORM query (with the facility's eagerly joined sentra) cost more than running it.
_STOREFRONT = (select(Facility.id, Facility.name, Facility.hourly_price_idr, Facility.opens_minute,
                      Facility.closes_minute)
               .where(Facility.sentra_id == bindparam("sentra_id"), Facility.active)
               .order_by(Facility.name, Facility.id))


def storefront_facilities(sentra: Any) -> list[StorefrontFacility]:
    """The active facilities of a sentra for its storefront, by name, in one statement."""
    return [StorefrontFacility(row.id, row.name, row.hourly_price_idr, hours_text(row.opens_minute, row.closes_minute))
            for row in prebuilt_rows(_STOREFRONT, sentra_id=sentra.id)]


def public_facilities(sentra_slug: str | None) -> list[Facility]:
    query = (select(Facility).join(Sentra, Sentra.id == Facility.sentra_id)
             .where(Facility.active, Sentra.status == SentraStatus.ACTIVE).order_by(Sentra.name, Facility.name))
    if sentra_slug:
        query = query.where(Sentra.slug == sentra_slug)
    return list(db.session.scalars(query))


def load_public_facility(facility_id: int) -> Facility:
    facility = db.session.scalar(select(Facility).join(Sentra, Sentra.id == Facility.sentra_id)
                                 .where(Facility.id == facility_id, Facility.active,
                                        Sentra.status == SentraStatus.ACTIVE))
    if facility is None:
        raise FacilityNotFoundError(_("No such facility."))
    return facility


def load_sentra_facility(sentra_id: int, facility_id: int) -> Facility:
    facility = db.session.scalar(select(Facility).where(Facility.sentra_id == sentra_id, Facility.id == facility_id))
    if facility is None:
        raise FacilityNotFoundError(_("No such facility."))
    return facility


# --- booking ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotInput:
    idempotency_key: str
    starts_at: datetime | None
    ends_at: datetime | None
    payment_method: str | None = None
    note: str = ""


def _check_slot(facility: Facility, starts: datetime | None, ends: datetime | None, now: datetime) -> None:
    fields: dict[str, str] = {}
    if starts is None or ends is None:
        fields["starts_at"] = _("Give the start and the end.")
    elif ends <= starts:
        fields["ends_at"] = _("The end must come after the start.")
    elif ends - starts > timedelta(days=1):
        fields["ends_at"] = _("A booking lasts at most a day.")
    elif starts <= now:
        fields["starts_at"] = _("The start must be in the future.")
    else:
        local_start, local_end = starts.astimezone(WIB), ends.astimezone(WIB)
        start_minute = local_start.hour * 60 + local_start.minute
        end_minute = local_end.hour * 60 + local_end.minute or 24 * 60
        same_day = local_start.date() == (local_end - timedelta(microseconds=1)).date()
        if not same_day or start_minute < facility.opens_minute or end_minute > facility.closes_minute:
            fields["starts_at"] = _("Book inside the opening hours, %(hours)s WIB.", hours=facility.opening_hours)
    if fields:
        raise FacilityValidationError(_("Check the fields marked."), fields)


def _units_in_use(facility: Facility, starts: datetime, ends: datetime, exclude_id: int | None) -> int:
    """The most units in use at any moment of [starts, ends), by the bookings and blocks taking units."""
    rows = db.session.execute(
        select(FacilityBooking.starts_at, FacilityBooking.ends_at, FacilityBooking.units)
        .where(FacilityBooking.facility_id == facility.id, FacilityBooking.status.in_(TAKING),
               FacilityBooking.starts_at < ends, FacilityBooking.ends_at > starts,
               FacilityBooking.id != (exclude_id or 0))).all()
    events = sorted([(max(s, starts), units) for s, _e, units in rows] + [(min(e, ends), -units) for _s, e, units in rows],
                    key=lambda event: (event[0], event[1]))
    load = most = 0
    for _moment, delta in events:  # ends sort before starts at the same moment: back to back is no overlap
        load += delta
        most = max(most, load)
    return most


def _take_units(facility: Facility, booking: FacilityBooking) -> None:
    """Lock the facility (the UPDATE), then check the booking's units fit at every moment. Flushes.

    :raise SlotTakenError: they do not.
    """
    db.session.execute(update(Facility).where(Facility.id == facility.id)
                       .values(lock_version=Facility.lock_version + 1).execution_options(synchronize_session=False))
    if _units_in_use(facility, booking.starts_at, booking.ends_at, booking.id) + booking.units > facility.units:
        raise SlotTakenError(_("No unit is free for the whole of that time."), {"starts_at": "slot_taken"})


def price_for(facility: Facility, starts: datetime, ends: datetime, member: bool) -> int:
    """Members book free, and so does everyone when the hourly price is 0; others pay per started minute."""
    if member or facility.hourly_price_idr == 0:
        return 0
    minutes = int((ends - starts).total_seconds() // 60)
    return -(-facility.hourly_price_idr * minutes // 60)


def _find(user_id: int, key: str) -> FacilityBooking | None:
    return db.session.scalar(select(FacilityBooking).where(FacilityBooking.user_id == user_id,
                                                           FacilityBooking.idempotency_key == key))


@dataclass
class FacilityBookingResult:
    booking: FacilityBooking
    created: bool


def _step_one(user: User, facility_id: int, slot: SlotInput, key: str, config: Mapping[str, Any]) -> int:
    facility = load_public_facility(facility_id)
    _check_slot(facility, slot.starts_at, slot.ends_at, utcnow())
    member = membership_for(user.id, facility.sentra_id) is not None
    total = price_for(facility, slot.starts_at, slot.ends_at, member)
    method = None
    if total:
        allowed = payment_methods_for_classes(config)
        method = slot.payment_method or (allowed[0] if allowed else None)
        if method not in allowed:
            raise FacilityValidationError(_("Check the fields marked."),
                                          {"payment_method": _("Choose a payment method from the list.")})
    booking = FacilityBooking(facility_id=facility.id, sentra_id=facility.sentra_id, user_id=user.id,
                              idempotency_key=key, kind=FacilityBookingKind.BOOKING,
                              status=FacilityBookingStatus.CONFIRMED, starts_at=slot.starts_at, ends_at=slot.ends_at,
                              units=1, by_member=member, total_idr=total, note=(slot.note or "")[:255])
    db.session.add(booking)
    db.session.flush()  # claims (user, key)
    if total:
        when = slot.starts_at.astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB")
        order = place_line_order(user, facility.sentra, title=facility.name[:120], quantity=1, unit_price_idr=total,
                                 sku=f"FASILITAS-{facility.id}", label=when, key=f"facility-booking-{booking.id}",
                                 note=f"facility {facility.id} booking {booking.id}", method=method, config=config)
        booking.order_id = order.id
        if order.status == OrderStatus.PENDING_PAYMENT:
            booking.status = FacilityBookingStatus.PENDING_PAYMENT
    booking_id = booking.id
    _take_units(facility, booking)  # last: the facility row is locked only until this commit
    db.session.commit()
    return booking_id


def book_facility(user: User, facility_id: int, slot: SlotInput, config: Mapping[str, Any]) -> FacilityBookingResult:
    """Book one unit of a facility for a time inside its opening hours. Commits.

    Idempotent on ``slot.idempotency_key`` (a repeat returns the first booking, ``created=False``).

    :raise FacilityNotFoundError: no such facility of an active sentra.
    :raise FacilityValidationError: (422) an end before the start, longer than a day, in the past,
        outside the opening hours, an unknown payment method.
    :raise SlotTakenError: (409) no unit is free for the whole time; nothing was booked or charged.
    :raise PaymentError: the provider refused to start; the order is cancelled and the unit free again.
    """
    key = (slot.idempotency_key or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise FacilityValidationError(_("A booking needs an idempotency key of 1-100 characters."),
                                      {"idempotency_key": _("This field is required.")})
    booking, created = book_once(
        FacilityBooking, lambda: _find(user.id, key), lambda: _step_one(user, facility_id, slot, key, config),
        lambda: FacilityError(_("The booking could not be saved; please try again.")), config)
    return FacilityBookingResult(booking, created)


def block_time(sentra: Sentra, actor: User, facility_id: int, slot: SlotInput) -> FacilityBooking:
    """A manager blocks every unit of a facility for maintenance. Locks the facility; flushes.

    :raise FacilityNotFoundError: not this sentra's.  :raise FacilityValidationError: a bad time.
    :raise SlotTakenError: (409) it is booked at some moment of that time (cancel those bookings first).
    """
    facility = load_sentra_facility(sentra.id, facility_id)
    _check_slot(facility, slot.starts_at, slot.ends_at, utcnow())
    block = FacilityBooking(facility_id=facility.id, sentra_id=sentra.id, user_id=actor.id,
                            idempotency_key=(slot.idempotency_key or f"block-{utcnow().timestamp()}")[:100],
                            kind=FacilityBookingKind.MAINTENANCE, status=FacilityBookingStatus.CONFIRMED,
                            starts_at=slot.starts_at, ends_at=slot.ends_at, units=facility.units, by_member=True,
                            note=(slot.note or "")[:255])
    db.session.add(block)
    db.session.flush()
    _take_units(facility, block)
    return block


def schedule(facility: Facility, first_day, days: int) -> list[FacilityBooking]:
    """The bookings and blocks taking units on ``days`` days (WIB) from ``first_day``, by start."""
    start = datetime.combine(first_day, datetime.min.time(), tzinfo=WIB)
    end = start + timedelta(days=days)
    return list(db.session.scalars(
        select(FacilityBooking).where(FacilityBooking.facility_id == facility.id, FacilityBooking.status.in_(TAKING),
                                      FacilityBooking.starts_at < end, FacilityBooking.ends_at > start)
        .order_by(FacilityBooking.starts_at, FacilityBooking.id)))


# --- the booker's own bookings ---------------------------------------------------------------------


def user_bookings(user_id: int) -> list[FacilityBooking]:
    """The user's bookings (not a manager's maintenance blocks), the latest start first."""
    return list(db.session.scalars(
        select(FacilityBooking).where(FacilityBooking.user_id == user_id,
                                      FacilityBooking.kind == FacilityBookingKind.BOOKING)
        .order_by(FacilityBooking.starts_at.desc(), FacilityBooking.id.desc())))


def load_user_booking(user_id: int, booking_id: int) -> FacilityBooking:
    """One of the user's bookings. :raise FacilityNotFoundError: none, a block, or someone else's."""
    booking = db.session.scalar(select(FacilityBooking).where(
        FacilityBooking.id == booking_id, FacilityBooking.user_id == user_id,
        FacilityBooking.kind == FacilityBookingKind.BOOKING))
    if booking is None:
        raise FacilityNotFoundError(_("No such booking."))
    return booking


def can_cancel(booking: FacilityBooking, now: datetime | None = None) -> bool:
    """A booking that still takes its unit may be cancelled by its booker until it starts."""
    return booking.kind == FacilityBookingKind.BOOKING and booking.status in TAKING \
        and (now or utcnow()) < booking.starts_at


def cancel_booking(user: User, booking_id: int, config: Mapping[str, Any]) -> FacilityBooking:
    """The booker cancels before the booking starts: the unit is free again, a paid booking refunded
    through its order's cancellation (the order's email tells them). Locks the order (or the booking); flushes.

    :raise FacilityNotFoundError: not the user's booking.
    :raise FacilityCancelClosedError: it has started or has ended.
    :raise PaymentError: the refund was refused; the caller rolls back.
    """
    booking = load_user_booking(user.id, booking_id)
    if booking.order_id is not None:
        order = lock_order(db.session.get(Order, booking.order_id))
    db.session.scalar(select(FacilityBooking).where(FacilityBooking.id == booking.id)
                      .with_for_update(of=FacilityBooking).execution_options(populate_existing=True))
    if not can_cancel(booking):
        raise FacilityCancelClosedError(_("This booking can no longer be cancelled."))
    if booking.order_id is not None:
        note = _("cancelled by the buyer")
        # The order's cancellation refunds a paid booking and, through the signal, frees the unit;
        # an order the sentra already moved past cancelling is refunded as it stands.
        try:
            lifecycle.cancel(order, user, note, config, reason=note, by="buyer")
        except InvalidTransitionError:
            lifecycle.refund(order, user, note, config)
        db.session.refresh(booking)
    if booking.status in TAKING:
        booking.status = FacilityBookingStatus.CANCELLED
    db.session.flush()
    return booking

