"""The program office's impact figures for a period: per kelurahan (all 56), per kecamatan and the city.

Definitions (the README's "Impact figures" section says the same):

- *orders*: orders placed in the period (created in it, WIB days) that were not cancelled,
  expired or still waiting for an online payment; *gmv_idr* is their ``total_idr - refunded_idr``;
  *partner_orders* / *partner_gmv_idr* the part bought for a UMKM partner (``partner_id``).
- *buyers*: distinct buyers of those orders; *returning_buyers*: those with an order of the period
  that follows one of theirs in the same scope (from that kelurahan's sentra, that kecamatan's
  sentras, or the city's) from another checkout, before the period or in it: the orders of one
  checkout split between sentras are one purchase and never make each other a return (an accepted
  B2B quote is a checkout of its own); *bekasi_buyers*: those with at least one of those orders
  delivered or addressed to a Kota Bekasi kelurahan (the checkout address has a kelurahan code).
- *active_sentras*: sentras of the kelurahan with status active (today's status);
  *members*: people with a membership made before the period ended; *active_members*: members
  who worked in it (:mod:`orders.impact.activity`); *earning_members* / *earned_idr*: members
  with a positive share of a payout made in the period, and the sum of those shares;
  *payouts* / *paid_out_idr*: payouts made in the period.

People and buyers are counted once per row: a kecamatan or city figure counts a person who
appears in two kelurahan once, so it can be less than the sum of its rows. Everything else adds up.

Every figure comes from aggregate SQL grouped by sentra or by place: the number of queries is
fixed (see :func:`impact_report`) whatever the number of orders or sentras. Order and buyer
figures read :class:`~orders.impact.models.OrderFact` rows, which :mod:`orders.impact.facts`
brings up to date first.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, text

from orders.impact import activity, facts, jobs, mentoring, training
from orders.impact.models import OrderFact
from orders.impact.period import Period
from orders.ledger.models import Payout, PayoutShare
from shop.extensions import db
from shop.places.models import Kecamatan, Kelurahan
from shop.sentras.models import Sentra, SentraMembership, SentraStatus

CITY = "city"


@dataclass
class Figures:
    active_sentras: int = 0
    members: int = 0
    active_members: int = 0
    earning_members: int = 0
    earned_idr: int = 0
    orders: int = 0
    gmv_idr: int = 0
    buyers: int = 0
    returning_buyers: int = 0
    bekasi_buyers: int = 0
    partner_orders: int = 0
    partner_gmv_idr: int = 0
    payouts: int = 0
    paid_out_idr: int = 0
    classes_held: int = 0
    seats_booked: int = 0
    people_trained: int = 0
    genz_trained: int = 0
    certificates_issued: int = 0
    training_revenue_idr: int = 0
    facility_hours_members: float = 0.0
    facility_hours_others: float = 0.0
    openings: int = 0  # work for young people (orders.impact.jobs)
    applicants: int = 0
    applicants_gen_z: int = 0
    joined: int = 0
    members_gen_z: int = 0
    members_gen_z_earning: int = 0
    median_member_earnings_idr: int = 0
    mentoring_sessions: int = 0
    mentoring_hours: float = 0.0

    @property
    def bekasi_buyer_share(self) -> float:
        """The share (0 to 1) of buyers living in Kota Bekasi; 0 without buyers."""
        return round(self.bekasi_buyers / self.buyers, 4) if self.buyers else 0.0

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for name in ("facility_hours_members", "facility_hours_others", "mentoring_hours"):
            out[name] = round(out[name], 2)
        out["bekasi_buyer_share"] = self.bekasi_buyer_share
        return out


# The figure names in the order tables, CSV files and the API show them.
FIGURE_NAMES = [f.name for f in fields(Figures)] + ["bekasi_buyer_share"]
ADDITIVE = ("active_sentras", "earned_idr", "payouts", "paid_out_idr",  # summed from kelurahan rows
            *training.ADDITIVE, *jobs.ADDITIVE, *mentoring.ADDITIVE)


@dataclass
class KelurahanRow:
    code: str
    name: str
    kecamatan_code: str
    kecamatan_name: str
    lat: float
    lon: float
    figures: Figures = field(default_factory=Figures)


@dataclass
class KecamatanRow:
    code: str
    name: str
    figures: Figures = field(default_factory=Figures)


@dataclass
class MonthRow:
    month: str  # "2025-03" (WIB)
    orders: int = 0
    gmv_idr: int = 0
    active_members: int = 0
    paid_out_idr: int = 0


@dataclass
class ImpactReport:
    period: Period
    kelurahan: list[KelurahanRow]
    kecamatan: list[KecamatanRow]
    city: Figures
    monthly: list[MonthRow]


def impact_report(period: Period) -> ImpactReport:
    """Every figure of the office dashboard for ``period``; a fixed number of statements whatever the data.

    First brings stale order facts up to date (:func:`facts.refresh`: a few statements per 500 stale
    buyers, flushed; the caller commits). Reads only after that.
    """
    facts.refresh()
    if db.session.get_bind().dialect.name == "postgresql":
        # For this transaction only: no JIT (the planner would spend seconds compiling statements
        # that run in milliseconds) and room to group a year of orders in memory, not on disk.
        db.session.execute(text("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'"))
    kelurahan, kecamatan = _places()
    sentra_place = _sentra_places()
    rows = {row.code: row for row in kelurahan}
    kec_rows = {row.code: row for row in kecamatan}
    city = Figures()

    def kel_of(sentra_id: int) -> KelurahanRow | None:
        code = sentra_place.get(sentra_id, (None, None))[0]
        return rows.get(code) if code else None

    for code, status in sentra_place.values():
        if status == SentraStatus.ACTIVE and code in rows:
            rows[code].figures.active_sentras += 1

    months = period.months()
    active = activity.active_pairs_by_month(months)  # the months cover the period: their union is its answer
    active_in_period = set().union(*active.values())
    for name, pairs in (("members", _memberships(period)), ("active_members", active_in_period)):
        _count_people(name, pairs, kel_of, kec_rows, city)
    earnings = _earnings(period)
    _count_people("earning_members", set(earnings), kel_of, kec_rows, city)
    for (sentra_id, _user), amount in earnings.items():
        if (row := kel_of(sentra_id)) is not None:
            row.figures.earned_idr += amount
    for sentra_id, sums in (*training.sums_by_sentra(period), *jobs.sums_by_sentra(period),
                            *mentoring.sums_by_sentra(period)):
        if (row := kel_of(sentra_id)) is not None:
            for name, value in sums.items():
                setattr(row.figures, name, getattr(row.figures, name) + value)
    trained, genz = training.trained_pairs(period)
    _count_people("people_trained", trained, kel_of, kec_rows, city)
    _count_people("genz_trained", genz, kel_of, kec_rows, city)
    young = jobs.people(period, earnings)
    for name, pairs in young.items():
        _count_people(name, pairs, kel_of, kec_rows, city)
    jobs.set_median_earnings(young["members_gen_z_earning"], earnings, kel_of, kec_rows, city)
    for sentra_id, count, amount in _payouts(period):
        if (row := kel_of(sentra_id)) is not None:
            row.figures.payouts += count
            row.figures.paid_out_idr += amount
    monthly = {m.key: MonthRow(m.key, active_members=len({user for _sentra, user in active.get(m.key, ())}))
               for m in months}
    for month, amount in _payouts_by_month(period):
        if month in monthly:
            monthly[month].paid_out_idr = amount
    for row in kelurahan:
        kec_figures = kec_rows[row.kecamatan_code].figures
        for name in ADDITIVE:
            value = getattr(row.figures, name)
            setattr(kec_figures, name, getattr(kec_figures, name) + value)
            setattr(city, name, getattr(city, name) + value)
    # Orders and buyers: every sum below adds up across sentras and months (see _order_figures).
    for sentra_id, month, sums in _order_figures(period):
        if (row := kel_of(sentra_id)) is None:
            continue
        targets = {"kel": row.figures, "kec": kec_rows[row.kecamatan_code].figures, CITY: city}
        for figures in targets.values():
            figures.orders += sums["orders"]
            figures.gmv_idr += sums["gmv_idr"]
            figures.partner_orders += sums["partner_orders"]
            figures.partner_gmv_idr += sums["partner_gmv_idr"]
        for level, figures in targets.items():
            figures.buyers += sums[f"{level}_buyers"]
            figures.returning_buyers += sums[f"{level}_returning"]
            figures.bekasi_buyers += sums[f"{level}_bekasi"]
        if month in monthly:
            monthly[month].orders += sums["orders"]
            monthly[month].gmv_idr += sums["gmv_idr"]
    return ImpactReport(period, kelurahan, kecamatan, city, list(monthly.values()))


def _count_people(name: str, pairs, kel_of, kec_rows: dict[str, KecamatanRow], city: Figures) -> None:
    """Distinct users per kelurahan, per kecamatan and in the city from (sentra_id, user_id) pairs.

    The pairs are grouped by sentra first, so each sentra's place is looked up once and the
    kelurahan, kecamatan and city sets grow by whole sets (tens of thousands of pairs a year)."""
    by_sentra: dict[int, set[int]] = defaultdict(set)
    for sentra_id, user_id in pairs:
        by_sentra[sentra_id].add(user_id)
    per_kel: dict[str, set[int]] = defaultdict(set)
    per_kec: dict[str, set[int]] = defaultdict(set)
    everyone: set[int] = set()
    rows: dict[str, Any] = {}
    for sentra_id, users in by_sentra.items():
        row = kel_of(sentra_id)
        if row is None:
            continue
        rows[row.code] = row
        per_kel[row.code] |= users
        per_kec[row.kecamatan_code] |= users
        everyone |= users
    for code, users in per_kel.items():
        setattr(rows[code].figures, name, len(users))
    for code, users in per_kec.items():
        setattr(kec_rows[code].figures, name, len(users))
    setattr(city, name, len(everyone))


# --- the queries ------------------------------------------------------------------------------


def _places() -> tuple[list[KelurahanRow], list[KecamatanRow]]:
    result = db.session.execute(
        select(Kelurahan.code, Kelurahan.name, Kelurahan.kecamatan_code, Kecamatan.name, Kelurahan.lat, Kelurahan.lon)
        .join(Kecamatan, Kecamatan.code == Kelurahan.kecamatan_code)
        .order_by(Kelurahan.kecamatan_code, Kelurahan.code)
    ).all()
    kelurahan = [KelurahanRow(*row) for row in result]
    kecamatan: dict[str, KecamatanRow] = {}
    for row in kelurahan:
        kecamatan.setdefault(row.kecamatan_code, KecamatanRow(row.kecamatan_code, row.kecamatan_name))
    return kelurahan, list(kecamatan.values())


def _sentra_places() -> dict[int, tuple[str, str]]:
    """sentra id -> (kelurahan code, status) of every sentra that holds a kelurahan."""
    return {sentra_id: (code, status) for sentra_id, code, status in db.session.execute(
        select(Sentra.id, Sentra.kelurahan_code, Sentra.status)
        .where(Sentra.kelurahan_code.is_not(None)))}


def _memberships(period: Period) -> set[tuple[int, int]]:
    return set(db.session.execute(select(SentraMembership.sentra_id, SentraMembership.user_id)
                                  .where(SentraMembership.created_at < period.end)).tuples())


def _earnings(period: Period) -> dict[tuple[int, int], int]:
    """(sentra_id, user_id) -> the sum of the member's positive shares of payouts made in the period."""
    result = db.session.execute(
        select(Payout.sentra_id, PayoutShare.user_id, func.sum(PayoutShare.amount_idr))
        .join(Payout, Payout.id == PayoutShare.payout_id)
        .where(_inside(Payout.created_at, period), PayoutShare.amount_idr > 0)
        .group_by(Payout.sentra_id, PayoutShare.user_id)
    )
    return {(sentra_id, user_id): int(amount) for sentra_id, user_id, amount in result}


def _payouts(period: Period) -> list[tuple[int, int, int]]:
    return [(sentra_id, count, int(amount or 0)) for sentra_id, count, amount in db.session.execute(
        select(Payout.sentra_id, func.count(), func.sum(Payout.amount_idr))
        .where(_inside(Payout.created_at, period)).group_by(Payout.sentra_id))]


def _payouts_by_month(period: Period) -> list[tuple[str, int]]:
    month = wib_month(Payout.created_at)
    return [(key, int(amount or 0)) for key, amount in db.session.execute(
        select(month, func.sum(Payout.amount_idr)).where(_inside(Payout.created_at, period)).group_by(month))]


def _order_figures(period: Period) -> list[tuple[int, str, dict[str, int]]]:
    """(sentra id, WIB month, sums) of the period's counted orders: one range read of :class:`OrderFact`.

    Each order's fact row says when its buyer last ordered at the same place before it (per
    kelurahan, kecamatan and city), so distinct buyers become sums: a buyer is counted once, at
    their first order in the period (the one whose previous order there is before the period, or
    none); they return when they first ordered there in a second checkout before the period ends
    (then an order of the period follows one from another checkout); they live in Bekasi when they
    have an order to a Bekasi address in the period, counted at the first one (its previous Bekasi
    order is before the period, or none).
    """
    fact, start, end, months = OrderFact, period.start, period.end, period.months()

    def count(condition: ColumnElement[bool]):
        return func.count().filter(condition)  # FILTER: cheaper per row than SUM(CASE ...) on both databases

    def first(previous) -> ColumnElement[bool]:
        return or_(previous.is_(None), previous < start)

    sums = {"orders": func.count(), "gmv_idr": func.sum(fact.gmv_idr), "partner_orders": count(fact.partner),
            "partner_gmv_idr": func.sum(fact.gmv_idr).filter(fact.partner)}
    for level in ("kel", "kec", CITY):
        previous, returned = getattr(fact, f"{level}_prev_at"), getattr(fact, f"{level}_returned_at")
        sums[f"{level}_buyers"] = count(first(previous))
        sums[f"{level}_returning"] = count(and_(first(previous), returned < end))
        sums[f"{level}_bekasi"] = count(and_(fact.bekasi, first(getattr(fact, f"{level}_prev_bekasi_at"))))
    names = list(sums)
    result = db.session.execute(
        select(fact.sentra_id, fact.month, *sums.values())
        .where(fact.month.between(months[0].key, months[-1].key), _inside(fact.created_at, period))
        .group_by(fact.month, fact.sentra_id)  # the key's order: read in order, never sorted
    )
    return [(sentra_id, month, {name: int(value or 0) for name, value in zip(names, values, strict=True)})
            for sentra_id, month, *values in result]


def _inside(column, period: Period) -> ColumnElement[bool]:
    return and_(column >= period.start, column < period.end)


def wib_month(column) -> ColumnElement[str]:
    """``YYYY-MM`` of a UTC timestamp column in WIB (UTC+7 all year, no daylight saving)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Jakarta", column), "YYYY-MM")
    return func.strftime("%Y-%m", column, "+7 hours")  # SQLite keeps UTC as "YYYY-MM-DD HH:MM:SS..."
