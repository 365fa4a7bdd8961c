"""The training figures of the impact report (issue 19): what the sentras teach, per sentra.

Definitions (the README's "Impact per kelurahan" section says the same):

- *classes_held*: classes not cancelled with a session that started in the period (and has started);
- *seats_booked*: seats of confirmed bookings made in the period (cancelled, expired and still unpaid
  bookings are not counted);
- *people_trained*: distinct people checked in at a class in the period; *genz_trained*: those of them
  aged 15 to 28 in the year they attended, from the birth year their booking gave (a booking without
  one is not counted as Gen Z);
- *certificates_issued*: certificates of attendance issued in the period;
- *facility_hours_members* / *facility_hours_others*: hours of confirmed facility bookings (not
  maintenance blocks) that start in the period, booked by the sentra's members / by residents and
  partners;
- *training_revenue_idr*: the total of those confirmed bookings (paid seats; the orders they make also
  count in the marketplace's orders and GMV).

Each query is grouped by sentra: the number of statements is fixed whatever the data.
"""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import and_, func, select

from orders.classes.models import (
    BookingStatus,
    ClassBooking,
    ClassCertificate,
    ClassSession,
    ClassStatus,
    TrainingClass,
)
from orders.facilities.models import FacilityBooking, FacilityBookingKind, FacilityBookingStatus
from orders.impact.period import Period
from shop.db import WIB, utcnow
from shop.extensions import db

GEN_Z_AGES = (15, 28)
ADDITIVE = ("classes_held", "seats_booked", "certificates_issued", "training_revenue_idr", "facility_hours_members",
            "facility_hours_others")


def _inside(column, period: Period):
    return and_(column >= period.start, column < period.end)


def sums_by_sentra(period: Period) -> Iterator[tuple[int, dict[str, float]]]:
    """(sentra id, {classes_held, seats_booked, training_revenue_idr}) for sentras with any of them."""
    sums: dict[int, dict[str, float]] = {}

    def of(sentra_id: int) -> dict[str, float]:
        return sums.setdefault(sentra_id, dict.fromkeys(ADDITIVE, 0))

    held = db.session.execute(
        select(TrainingClass.sentra_id, func.count(func.distinct(TrainingClass.id)))
        .join(ClassSession, ClassSession.class_id == TrainingClass.id)
        .where(TrainingClass.status == ClassStatus.PUBLISHED, _inside(ClassSession.starts_at, period),
               ClassSession.starts_at <= utcnow())
        .group_by(TrainingClass.sentra_id))
    for sentra_id, count in held:
        of(sentra_id)["classes_held"] = int(count)
    booked = db.session.execute(
        select(ClassBooking.sentra_id, func.sum(ClassBooking.seats), func.sum(ClassBooking.total_idr))
        .where(ClassBooking.status == BookingStatus.CONFIRMED, _inside(ClassBooking.created_at, period))
        .group_by(ClassBooking.sentra_id))
    for sentra_id, seats, total in booked:
        of(sentra_id)["seats_booked"] = int(seats or 0)
        of(sentra_id)["training_revenue_idr"] = int(total or 0)
    issued = db.session.execute(
        select(ClassCertificate.sentra_id, func.count()).where(_inside(ClassCertificate.issued_at, period))
        .group_by(ClassCertificate.sentra_id))
    for sentra_id, count in issued:
        of(sentra_id)["certificates_issued"] = int(count)
    for sentra_id, by_member, starts_at, ends_at in db.session.execute(
        select(FacilityBooking.sentra_id, FacilityBooking.by_member, FacilityBooking.starts_at, FacilityBooking.ends_at)
        .where(FacilityBooking.kind == FacilityBookingKind.BOOKING,
               FacilityBooking.status == FacilityBookingStatus.CONFIRMED, _inside(FacilityBooking.starts_at, period))):
        name = "facility_hours_members" if by_member else "facility_hours_others"
        of(sentra_id)[name] += (ends_at - starts_at).total_seconds() / 3600
    yield from sums.items()


def trained_pairs(period: Period) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """(sentra id, person) pairs of people checked in during the period, and of those who are Gen Z."""
    low, high = GEN_Z_AGES
    trained: set[tuple[int, int]] = set()
    genz: set[tuple[int, int]] = set()
    for sentra_id, buyer_id, birth_year, attended_at in db.session.execute(
        select(ClassBooking.sentra_id, ClassBooking.buyer_id, ClassBooking.birth_year, ClassBooking.attended_at)
        .where(ClassBooking.attended_at.is_not(None), _inside(ClassBooking.attended_at, period))
    ):
        trained.add((sentra_id, buyer_id))
        if birth_year is not None and low <= attended_at.astimezone(WIB).year - birth_year <= high:
            genz.add((sentra_id, buyer_id))
    return trained, genz
