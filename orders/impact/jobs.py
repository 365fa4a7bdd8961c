"""The figures on work for young people in the impact report (issue 20): openings, applicants, who joined,
and the Gen Z members who earn.

Definitions (the README's "Lowongan dan lamaran" section says the same):

- *openings*: openings the sentras posted in the period (closed ones too);
- *applicants*: distinct people who applied to an opening of the sentra in the period;
  *applicants_gen_z*: those of them aged 15 to 28 in the year they applied, by the birth year
  their application gave;
- *joined*: distinct applicants accepted in the period (each became a member then);
- *members_gen_z*: members with a membership made before the period ended who are aged 15 to 28 in
  the period's last year, by the birth year they gave (a member who gave none is not counted);
- *members_gen_z_earning*: those of them with a positive share of a payout made in the period (the
  members' earnings shares of :mod:`orders.ledger`, as *earning_members*);
  *median_member_earnings_idr*: the median of what each of them earned in the period (a person in
  two sentras of one kecamatan counts once there, with both shares); 0 when none earned.

People are counted once per row, as the other people figures are. Each query reads the small tables
of openings, applications and memberships: a fixed number of statements whatever the orders.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime
from statistics import median
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select

from orders.impact.period import Period
from orders.openings.models import ApplicationStatus, JobApplication, Opening
from shop.db import WIB
from shop.extensions import db
from shop.sentras.models import SentraMembership

GEN_Z_AGES = (15, 28)
ADDITIVE = ("openings",)
PEOPLE = ("applicants", "applicants_gen_z", "joined", "members_gen_z", "members_gen_z_earning")

Pair = tuple[int, int]  # (sentra id, user id)


def _inside(column, period: Period):
    return and_(column >= period.start, column < period.end)


def sums_by_sentra(period: Period) -> Iterator[tuple[int, dict[str, int]]]:
    """(sentra id, {openings}) for sentras that posted any in the period."""
    for sentra_id, count in db.session.execute(
            select(Opening.sentra_id, func.count()).where(_inside(Opening.created_at, period))
            .group_by(Opening.sentra_id)):
        yield sentra_id, {"openings": int(count)}


def _gen_z_when_applied(period: Period) -> ColumnElement[bool]:
    """True for an application whose birth year makes the applicant 15 to 28 in the WIB year it was made:
    one window per year of the period (at most six), so the database says it and no row's time is read."""
    low, high = GEN_Z_AGES
    return or_(*(and_(JobApplication.created_at >= datetime(year, 1, 1, tzinfo=WIB),
                      JobApplication.created_at < datetime(year + 1, 1, 1, tzinfo=WIB),
                      JobApplication.birth_year.between(year - high, year - low))
                 for year in range(period.first.year, period.last.year + 1)))


def people(period: Period, earnings: dict[Pair, int]) -> dict[str, set[Pair]]:
    """The (sentra, person) pairs behind each people figure of :data:`PEOPLE`. Each statement returns one
    row per pair, already grouped: the cost follows the people, not their applications."""
    out: dict[str, set[Pair]] = {name: set() for name in PEOPLE}
    for sentra_id, user_id, young in db.session.execute(
            select(JobApplication.sentra_id, JobApplication.applicant_id,
                   func.max(case((_gen_z_when_applied(period), 1), else_=0)))
            .where(_inside(JobApplication.created_at, period))
            .group_by(JobApplication.sentra_id, JobApplication.applicant_id)):
        out["applicants"].add((sentra_id, user_id))
        if young:
            out["applicants_gen_z"].add((sentra_id, user_id))
    out["joined"] = set(db.session.execute(
        select(JobApplication.sentra_id, JobApplication.applicant_id)
        .where(JobApplication.status == ApplicationStatus.ACCEPTED, _inside(JobApplication.decided_at, period))
    ).tuples())
    low, high = GEN_Z_AGES
    year = period.last.year
    out["members_gen_z"] = set(db.session.execute(
        select(SentraMembership.sentra_id, SentraMembership.user_id)
        .where(SentraMembership.created_at < period.end,
               SentraMembership.birth_year.between(year - high, year - low))).tuples())
    out["members_gen_z_earning"] = {pair for pair in out["members_gen_z"] if earnings.get(pair, 0) > 0}
    return out


def set_median_earnings(earning: set[Pair], earnings: dict[Pair, int], kel_of: Callable[[int], Any],
                        kec_rows: dict[str, Any], city: Any) -> None:
    """*median_member_earnings_idr* on every row: the median of each earning person's total in its scope."""
    per_kel: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    per_kec: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    everyone: dict[int, int] = defaultdict(int)
    rows: dict[str, Any] = {}
    for pair in earning:
        row = kel_of(pair[0])
        if row is None:
            continue
        rows[row.code] = row
        amount = earnings[pair]
        per_kel[row.code][pair[1]] += amount
        per_kec[row.kecamatan_code][pair[1]] += amount
        everyone[pair[1]] += amount
    for code, totals in per_kel.items():
        rows[code].figures.median_member_earnings_idr = round(median(totals.values()))
    for code, totals in per_kec.items():
        kec_rows[code].figures.median_member_earnings_idr = round(median(totals.values()))
    city.median_member_earnings_idr = round(median(everyone.values())) if everyone else 0
