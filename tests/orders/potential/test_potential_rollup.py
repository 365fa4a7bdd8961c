"""The potential map's rollup against a scenario counted by hand (March 2025, WIB days).

Searches (zero results unless said):
- "tenun ikat" in kelurahan A: s1 on 28 Feb (before the period), 3 Mar and twice on 10 Mar; s2..s5
  once on 5 Mar; s9 on 1 Apr (after). March: 7 searches by 5 people -> shown (threshold 5).
- "wayang kulit": s1 three times and s2..s4 once in A on 6 Mar, s6 once in B (same kecamatan) ->
  A: 4 people (hidden); kecamatan and city: 5 people (shown).
- "batik": found 3 products; s1..s6 in A -> demand only, never unmet.
- "sepatu": found nothing but with a filter; g1..g5 without a kelurahan -> never unmet.
- "lukisan kaca": guests g1..g5 who chose no kelurahan -> only the city: 5 people, shown.

Orders: r1 lives in A (chosen) and bought at A's sentra and at C's ("Tas Anyaman", kriya); r2 chose
nothing, their latest Kota Bekasi address is in B, and bought at A's; r3 lives nowhere known; a
cancelled order of r1 does not count.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from catalog.search.log import SearchLog
from orders.impact.period import Period
from orders.potential.models import SearcherDay, UnmetDay
from orders.potential.queries import bought_elsewhere, potential_report, unmet_terms
from orders.potential.rollup import prune, refresh_orders, roll_up_searches, run_potential_jobs
from shop.accounts.models import Address
from shop.extensions import db
from tests.factories import make_product, make_sentra, make_user
from tests.orders.potential.helpers import CITY, KEC_AB, KEL_A, KEL_B, KEL_C, log, place_order, wib

MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))


def d(day: int, month: int = 3) -> date:
    return date(2025, month, day)


@pytest.fixture
def searches(app):
    log(d(28, 2), "tenun ikat", "s1", KEL_A)
    log(d(3), "tenun ikat", "s1", KEL_A)
    log(d(10), "tenun ikat", "s1", KEL_A, times=2)
    for who in ("s2", "s3", "s4", "s5"):
        log(d(5), "tenun ikat", who, KEL_A)
    log(d(1, 4), "tenun ikat", "s9", KEL_A)
    log(d(6), "wayang kulit", "s1", KEL_A, times=3)
    for who in ("s2", "s3", "s4"):
        log(d(6), "wayang kulit", who, KEL_A)
    log(d(6), "wayang kulit", "s6", KEL_B)
    for who in ("s1", "s2", "s3", "s4", "s5", "s6"):
        log(d(7), "batik", who, KEL_A, results=3)
    for who in ("g1", "g2", "g3", "g4", "g5"):
        log(d(8), "sepatu", who, None, filtered=True)
        log(d(9), "lukisan kaca", who, None)
    db.session.commit()


@pytest.fixture
def orders(app):
    r1, r2, r3 = make_user("r1@potensi.test"), make_user("r2@potensi.test"), make_user("r3@potensi.test")
    r1.kelurahan_code = KEL_A
    db.session.add(Address(user_id=r2.id, recipient="R2", phone="0812", street="Jl. 1", kelurahan_code=KEL_C,
                           created_at=wib(2025, 1, 1)))
    db.session.add(Address(user_id=r2.id, recipient="R2", phone="0812", street="Jl. 2", kelurahan_code=KEL_B,
                           created_at=wib(2025, 2, 1)))
    db.session.add(Address(user_id=r2.id, recipient="R2", phone="0812", street="Jl. 3", city="Jakarta",
                           postal_code="13620", created_at=wib(2025, 2, 2)))
    a, c = make_sentra(KEL_A), make_sentra(KEL_C)
    bag = make_product(c, title="Tas Anyaman", subsector="kriya")
    cake = make_product(a, title="Kue Lapis", subsector="kuliner")
    place_order(a, r1, wib(2025, 3, 2, 9), [(cake, "Kue Lapis")])
    place_order(c, r1, wib(2025, 3, 31, 23, 30), [(bag, "Tas Anyaman")])
    place_order(c, r1, wib(2025, 3, 12), [(bag, "Tas Anyaman")], status="cancelled")
    place_order(a, r2, wib(2025, 3, 15), [(cake, "Kue Lapis")])
    place_order(a, r3, wib(2025, 3, 16), [(cake, "Kue Lapis")])
    place_order(c, r1, wib(2025, 4, 1, 0, 30), [(bag, "Tas Anyaman")])  # after the period
    db.session.commit()
    return {"r1": r1, "r2": r2, "a": a, "c": c}


def roll_up() -> None:
    """The worker's rollups without its pruning (the scenario's days are long past)."""
    while roll_up_searches():
        db.session.commit()
    while refresh_orders():
        db.session.commit()
    db.session.commit()


def row_of(report, code):
    return next(row for row in report.kelurahan if row.code == code)


def test_unmet_terms_count_each_person_once_in_the_period(searches):
    roll_up()
    report = potential_report(MARCH)
    a = row_of(report, KEL_A)
    assert [(t.term, t.searches, t.searchers) for t in a.unmet] == [("tenun ikat", 7, 5)]


def test_a_term_of_four_people_is_hidden_and_of_five_shown(searches):
    roll_up()
    found = unmet_terms(MARCH, [KEL_A, KEC_AB, CITY])
    assert "wayang kulit" not in [t.term for t in found[KEL_A]]  # 4 people in A
    assert ("wayang kulit", 7, 5) in [(t.term, t.searches, t.searchers) for t in found[KEC_AB]]
    assert ("wayang kulit", 7, 5) in [(t.term, t.searches, t.searchers) for t in found[CITY]]


def test_found_and_filtered_searches_are_never_unmet(searches):
    roll_up()
    terms = {t.term for place in unmet_terms(MARCH, None).values() for t in place}
    assert "batik" not in terms and "sepatu" not in terms


def test_guests_without_a_kelurahan_count_only_in_the_city(searches):
    roll_up()
    report = potential_report(MARCH)
    assert ("lukisan kaca", 5, 5) in [(t.term, t.searches, t.searchers) for t in report.city.unmet]
    assert all("lukisan kaca" not in [t.term for t in row.unmet] for row in report.kelurahan)


def test_search_demand_per_kelurahan_and_city(searches):
    roll_up()
    report = potential_report(MARCH)
    a, b = row_of(report, KEL_A), row_of(report, KEL_B)
    # A in March: tenun 3 + 4, wayang 3 + 3, batik 6 = 19 searches by s1..s6 (6 people).
    assert (a.demand.searches, a.demand.searchers) == (19, 6)
    assert (b.demand.searches, b.demand.searchers) == (1, 1)
    # The city adds the guests: 19 + 1 + 10 = 30 searches by s1..s6 and g1..g5.
    assert (report.city.demand.searches, report.city.demand.searchers) == (30, 11)


def test_a_searcher_is_one_person_over_days_and_new_again_in_a_later_period(searches):
    roll_up()
    from_the_tenth = Period(d(10), d(31))
    a = row_of(potential_report(from_the_tenth), KEL_A)
    assert (a.demand.searches, a.demand.searchers) == (2, 1)  # s1 on 10 March, seen on the 3rd before


def test_a_late_row_for_an_earlier_day_keeps_the_counts_exact(searches):
    roll_up()
    log(d(1), "tenun ikat", "s1", KEL_A)  # arrives after the days that follow it were rolled up
    db.session.commit()
    roll_up()
    assert [(t.term, t.searches, t.searchers) for t in row_of(potential_report(MARCH), KEL_A).unmet] == [
        ("tenun ikat", 8, 5)]
    rows = db.session.execute(select(UnmetDay.day, UnmetDay.prev_day).where(
        UnmetDay.place == KEL_A, UnmetDay.term == "tenun ikat", UnmetDay.day >= d(1), UnmetDay.day <= d(10),
        UnmetDay.searcher == select(SearchLog.searcher).where(SearchLog.day == d(1)).scalar_subquery())).all()
    assert sorted(rows) == [(d(1), d(28, 2)), (d(3), d(1)), (d(10), d(3))]


def test_each_log_row_is_counted_once_however_often_the_worker_runs(searches):
    roll_up()
    roll_up()
    assert roll_up_searches() == 0
    assert db.session.scalar(select(func.sum(SearcherDay.searches)).where(SearcherDay.place == CITY)) == 32


def test_orders_by_residents_and_elsewhere(orders):
    roll_up()
    report = potential_report(MARCH)
    a, b, c = row_of(report, KEL_A), row_of(report, KEL_B), row_of(report, KEL_C)
    assert (a.demand.orders_by_residents, a.demand.orders_by_residents_elsewhere) == (2, 1)
    assert (b.demand.orders_by_residents, b.demand.orders_by_residents_elsewhere) == (1, 1)  # by their address
    assert (c.demand.orders_by_residents, c.demand.orders_by_residents_elsewhere) == (0, 0)
    assert (report.city.demand.orders_by_residents, report.city.demand.orders_by_residents_elsewhere) == (3, 2)
    assert bought_elsewhere(MARCH, KEL_A).products == [("Tas Anyaman", 1)]
    assert bought_elsewhere(MARCH, KEL_A).subsectors == [("kriya", 1)]
    assert bought_elsewhere(MARCH, KEL_B).products == [("Kue Lapis", 1)]


def test_moving_home_moves_the_residents_orders_at_the_next_run(orders):
    roll_up()
    orders["r1"].kelurahan_code = KEL_C
    db.session.commit()
    roll_up()
    report = potential_report(MARCH)
    assert row_of(report, KEL_A).demand.orders_by_residents == 0
    c = row_of(report, KEL_C)
    assert (c.demand.orders_by_residents, c.demand.orders_by_residents_elsewhere) == (2, 1)  # now A's is elsewhere
    assert bought_elsewhere(MARCH, KEL_C).products == [("Kue Lapis", 1)]


def test_a_cancelled_order_leaves_the_figures_at_the_next_run(orders):
    roll_up()
    order = orders["r1"]
    from orders.core.models import Order
    first = db.session.scalar(select(Order).where(Order.buyer_id == order.id, Order.status == "completed")
                              .order_by(Order.created_at))
    first.status = "cancelled"
    db.session.commit()
    roll_up()
    assert row_of(potential_report(MARCH), KEL_A).demand.orders_by_residents == 1


def test_supply_counts_the_active_products_of_the_kelurahan(orders):
    make_product(orders["a"], title="Kue Habis", subsector="kuliner", variants=[{"stock": 0}])
    make_product(orders["a"], title="Draf", status="draft")
    db.session.commit()
    a = row_of(potential_report(MARCH), KEL_A)
    assert (a.supply.products, a.supply.products_in_stock, a.supply.subsectors) == (2, 1, ["kuliner"])


def test_the_log_and_its_rollup_are_pruned_after_search_log_days(app, searches):
    roll_up()
    app.config["SEARCH_LOG_DAYS"] = 30
    try:
        prune(today=d(5, 4))  # keeps 6 March onwards
    finally:
        app.config["SEARCH_LOG_DAYS"] = 400
    db.session.commit()
    assert db.session.scalar(select(func.min(SearchLog.day))) == d(6)
    assert db.session.scalar(select(func.min(SearcherDay.day))) == d(6)
    assert db.session.scalar(select(func.min(UnmetDay.day))) == d(6)


def test_the_default_retention_keeps_400_days(app, searches):
    roll_up()
    prune(today=d(28, 2) + timedelta(days=400))  # 28 Feb is the 400th day back: kept
    db.session.commit()
    assert db.session.scalar(select(func.min(SearchLog.day))) == d(28, 2)
    prune(today=d(28, 2) + timedelta(days=401))
    db.session.commit()
    assert db.session.scalar(select(func.min(SearchLog.day))) == d(3)


def test_the_worker_counts_new_searches_and_prunes_by_today(app):
    from orders.potential.stale import wib_day
    today = wib_day(None)
    log(today, "tenun ikat", "s1", KEL_A)
    log(today - timedelta(days=401), "tenun ikat", "s1", KEL_A)
    db.session.commit()
    run_potential_jobs()
    assert db.session.scalars(select(SearchLog.day)).all() == [today]
    assert db.session.scalars(select(SearcherDay.day).where(SearcherDay.place == KEL_A)).all() == [today]


def test_the_compact_twins_hold_exactly_the_detailed_rows_by_month_of_the_previous_day(searches):
    from orders.potential.models import DemandDay, UnmetTermDay, month_number

    roll_up()
    log(d(1), "tenun ikat", "s1", KEL_A)  # a late row: later rows move to other months of their previous day
    db.session.commit()
    roll_up()
    for detailed, twin, keys in ((SearcherDay, DemandDay, ("place",)), (UnmetDay, UnmetTermDay, ("place", "term"))):
        expected: dict = {}
        for row in db.session.scalars(select(detailed)):
            key = (*(getattr(row, k) for k in keys), row.day, month_number(row.prev_day))
            people, searches = expected.get(key, (0, 0))
            expected[key] = (people + 1, searches + row.searches)
        actual = {(*(getattr(row, k) for k in keys), row.day, row.prev_month): (row.searchers, row.searches)
                  for row in db.session.scalars(select(twin)) if row.searchers or row.searches}
        assert actual == expected


def test_answers_are_kept_until_the_worker_changes_the_rollup(searches):
    roll_up()
    assert row_of(potential_report(MARCH), KEL_B).demand.searches == 1
    db.session.add(SearcherDay(day=d(20), place=KEL_B, searcher="x" * 32, searches=3, prev_day=None))
    from orders.potential.models import DemandDay, DemandMonth
    db.session.add(DemandDay(day=d(20), place=KEL_B, prev_month=0, searchers=1, searches=3))
    db.session.execute(update(DemandMonth).where(DemandMonth.place == KEL_B, DemandMonth.month == 2025 * 12 + 3,
                                                 DemandMonth.prev_month == 0)
                       .values(searchers=DemandMonth.searchers + 1, searches=DemandMonth.searches + 3))
    db.session.commit()
    assert row_of(potential_report(MARCH), KEL_B).demand.searches == 1  # kept: the version did not move
    log(d(7), "batik", "s7", KEL_B, results=2)
    db.session.commit()
    roll_up()
    assert row_of(potential_report(MARCH), KEL_B).demand.searches == 5
