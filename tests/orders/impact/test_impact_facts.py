"""The impact report's order facts stay in step with the orders, whatever happens to them.

The buyer figures (distinct, returning, Bekasi buyers) are sums over :class:`OrderFact` rows;
these tests count the same figures straight from the orders, by brute force, after random
histories of checkouts (some split into orders from several sentras), cancelling, refunding and
moving sentras, with refreshes in between.
"""
from __future__ import annotations

import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from orders.b2b.invoices import today_wib
from orders.core.models import Order
from orders.core.status import NOT_SOLD
from orders.impact import facts
from orders.impact.models import OrderFact, StaleBuyer
from orders.impact.period import Period
from orders.impact.queries import impact_report
from shop.extensions import db
from shop.places.models import Kelurahan
from shop.sentras.models import Sentra
from tests.factories import make_sentra, make_user
from tests.orders.b2b.papers_helpers import accepted_order
from tests.orders.impact.test_impact import place_order, wib

KELS = ("32.75.08.1001", "32.75.08.1002", "32.75.01.1001")  # two in one kecamatan, one in another
ELSEWHERE = ("32.75.02.1001", "32.75.01.1002", "32.75.08.1003")  # where each may move: other kecamatan too
MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))
STATUSES = ("completed", "processing", "placed", "cancelled", "expired", "pending_payment")

# Two buyers, mostly counted orders, around March: dense enough that every case of the figures
# (a first order, a return within the period, a return from before it, one to Bekasi) comes up.
# A checkout buys from one sentra or several (same kelurahan's kecamatan, or another kecamatan),
# its orders made at the same instant or a second apart.
SENTRAS = st.one_of(st.integers(0, 2).map(lambda i: [i]), st.lists(st.integers(0, 2), min_size=2, max_size=3,
                                                                    unique=True))
PLACE = st.tuples(st.just("place"), st.integers(0, 1), SENTRAS, st.integers(18, 62),
                  st.sampled_from(STATUSES[:3] * 3 + STATUSES[3:]), st.booleans(), st.booleans())
STEPS = st.lists(st.one_of(
    PLACE, PLACE, PLACE,
    st.tuples(st.just("status"), st.integers(0, 30), st.sampled_from(STATUSES)),
    st.tuples(st.just("refund"), st.integers(0, 30), st.integers(1, 5_000)),
    st.tuples(st.just("report")),
    st.tuples(st.just("move"), st.integers(0, 2)),
), min_size=3, max_size=25)


def _sentras() -> list[Sentra]:
    """The three sentras, made on first use (hypothesis runs many examples on one database)."""
    out = []
    for code in KELS:
        sentra = db.session.scalar(select(Sentra).where(Sentra.applied_kelurahan_code == code))
        out.append(sentra or make_sentra(code))
    return out


def _brute_force(period: Period) -> dict[str, tuple[int, int, int, int, int]]:
    """place code or "city" -> (orders, GMV, buyers, returning buyers, Bekasi buyers), from the orders alone."""
    kecamatan_of = dict(db.session.execute(select(Kelurahan.code, Kelurahan.kecamatan_code)).all())
    history: dict[tuple[str, int], list[Order]] = defaultdict(list)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for order in db.session.scalars(select(Order)):
        kel = order.sentra.kelurahan_code
        if kel is None or order.status in NOT_SOLD or order.created_at >= period.end:
            continue
        for place in (kel, kecamatan_of[kel], "city"):
            history[(place, order.buyer_id)].append(order)
            if order.created_at >= period.start:
                totals[place][0] += 1
                totals[place][1] += order.total_idr - order.refunded_idr
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for place, figures in totals.items():
        out[place][:2] = figures
    for (place, _buyer), orders in history.items():
        orders.sort(key=lambda order: (order.created_at, order.id))
        inside = [i for i, order in enumerate(orders) if order.created_at >= period.start]
        if inside:
            out[place][2] += 1
            # Returning: an order of the period follows one of theirs there from another checkout.
            out[place][3] += any(orders[earlier].checkout_id != orders[i].checkout_id
                                 for i in inside for earlier in range(i))
            out[place][4] += any(orders[i].checkout.kelurahan_code is not None for i in inside)
    return {place: tuple(figures) for place, figures in out.items()}


def _reported(period: Period) -> dict[str, tuple[int, int, int, int, int]]:
    report = impact_report(period)
    rows = [(row.code, row.figures) for row in report.kelurahan + report.kecamatan] + [("city", report.city)]
    return {code: (f.orders, f.gmv_idr, f.buyers, f.returning_buyers, f.bekasi_buyers) for code, f in rows
            if (f.orders, f.buyers) != (0, 0)}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_the_buyer_figures_are_those_of_the_orders_after_any_history(app, steps):
    sentras = _sentras()
    buyers = [make_user() for _ in range(2)]
    orders: list[Order] = []
    for step in steps:
        if step[0] == "place":
            _, buyer, chosen, day, status, in_bekasi, same_instant = step
            when = wib(2025, 2, 1, 9) + timedelta(days=day, minutes=len(orders) % 2)  # same-minute ties too
            checkout = None
            for i, sentra in enumerate(chosen):
                order = place_order(sentras[sentra], buyers[buyer], when + timedelta(seconds=0 if same_instant else i),
                                    10_000 * (day + 1), status=status, in_bekasi=in_bekasi, checkout=checkout)
                checkout = order.checkout
                orders.append(order)
        elif step[0] == "status" and orders:
            order = orders[step[1] % len(orders)]
            if order.status != step[2]:  # loaded first, as transition() does
                order.status = step[2]
        elif step[0] == "refund" and orders:
            order = orders[step[1] % len(orders)]
            order.refunded_idr = min(order.total_idr, order.refunded_idr + step[2])
        elif step[0] == "report":
            impact_report(MARCH)
        elif step[0] == "move":
            # A sentra gives up its kelurahan (closed) or takes it back: its orders leave or rejoin.
            sentra = sentras[step[1]]
            sentra.kelurahan_code = {sentra.applied_kelurahan_code: None, None: ELSEWHERE[step[1]]}.get(
                sentra.kelurahan_code, sentra.applied_kelurahan_code)  # its own, none, another, its own again
        db.session.commit()
    assert _reported(MARCH) == _brute_force(MARCH)
    assert db.session.scalar(select(func.count()).select_from(StaleBuyer)) == 0


def _split_checkout(buyer, when) -> list[Order]:
    """One checkout of ``buyer`` from the two sentras of kecamatan 32.75.08: two orders."""
    first = place_order(_sentras()[0], buyer, when, 40_000)
    return [first, place_order(_sentras()[1], buyer, when, 60_000, checkout=first.checkout)]


def _kecamatan(report, code: str = "32.75.08"):
    return next(row.figures for row in report.kecamatan if row.code == code)


def test_a_new_buyers_checkout_split_between_two_sentras_makes_no_returning_buyer(app):
    _split_checkout(make_user(), wib(2025, 3, 10))
    db.session.commit()
    report = impact_report(MARCH)
    assert (report.city.orders, report.city.buyers, report.city.returning_buyers) == (2, 1, 0)
    assert (_kecamatan(report).buyers, _kecamatan(report).returning_buyers) == (1, 0)


def test_a_second_checkout_makes_the_buyer_returning(app):
    buyer = make_user()
    _split_checkout(buyer, wib(2025, 3, 10))
    place_order(_sentras()[0], buyer, wib(2025, 3, 20), 10_000)
    db.session.commit()
    report = impact_report(MARCH)
    assert (report.city.buyers, report.city.returning_buyers) == (1, 1)
    assert (_kecamatan(report).buyers, _kecamatan(report).returning_buyers) == (1, 1)
    second_kelurahan = next(row.figures for row in report.kelurahan if row.code == KELS[1])
    assert (second_kelurahan.buyers, second_kelurahan.returning_buyers) == (1, 0)  # one checkout there


def test_a_split_checkout_before_the_period_makes_a_later_order_a_return(app):
    buyer = make_user()
    _split_checkout(buyer, wib(2025, 2, 10))
    place_order(_sentras()[2], buyer, wib(2025, 3, 10), 10_000)  # another kecamatan
    db.session.commit()
    report = impact_report(MARCH)
    assert (report.city.buyers, report.city.returning_buyers) == (1, 1)
    assert (_kecamatan(report, "32.75.01").buyers, _kecamatan(report, "32.75.01").returning_buyers) == (1, 0)


def test_each_accepted_quote_is_a_checkout_of_its_own(app):
    first = accepted_order(sentra=_sentras()[0], payment="terms", terms_days=30, credit_limit=100_000_000)
    today = Period(today_wib(), today_wib())
    assert (impact_report(today).city.buyers, impact_report(today).city.returning_buyers) == (1, 0)
    accepted_order(sentra=_sentras()[1], payment="terms", team=(first.partner, first.owner, first.staff))
    assert (impact_report(today).city.buyers, impact_report(today).city.returning_buyers) == (1, 1)


def test_a_cancelled_order_leaves_the_figures_and_the_next_one_becomes_the_buyers_first(app):
    sentra = make_sentra(KELS[0])
    buyer = make_user()
    before = place_order(sentra, buyer, wib(2025, 2, 10), 40_000)
    place_order(sentra, buyer, wib(2025, 3, 10), 60_000)
    db.session.commit()
    city = impact_report(MARCH).city
    assert (city.orders, city.buyers, city.returning_buyers) == (1, 1, 1)  # February makes March's a return
    db.session.commit()

    before.status = "cancelled"
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(StaleBuyer)) >= 1
    city = impact_report(MARCH).city
    assert (city.orders, city.gmv_idr, city.buyers, city.returning_buyers) == (1, 60_000, 1, 0)
    fact = db.session.scalar(select(OrderFact))
    assert (fact.city_returned_at, fact.city_prev_at) == (None, None)


def test_a_refund_changes_the_gmv_through_the_facts(app):
    sentra = make_sentra(KELS[0])
    order = place_order(sentra, make_user(), wib(2025, 3, 10), 60_000)
    db.session.commit()
    assert impact_report(MARCH).city.gmv_idr == 60_000
    order.refunded_idr = 25_000
    db.session.commit()
    assert impact_report(MARCH).city.gmv_idr == 35_000


def test_a_mark_added_while_a_refresh_runs_is_kept_for_the_next(app, monkeypatch):
    sentra = make_sentra(KELS[0])
    buyer = make_user()
    place_order(sentra, buyer, wib(2025, 3, 10), 60_000)
    db.session.commit()
    late: list[int] = []
    rebuild = facts.rebuild_buyers

    def rebuild_then_marked_meanwhile(buyers):
        rebuild(buyers)
        mark = StaleBuyer(buyer_id=buyer.id)  # as if another transaction marked the buyer after the read
        db.session.add(mark)
        db.session.flush()
        late.append(mark.id)

    monkeypatch.setattr(facts, "rebuild_buyers", rebuild_then_marked_meanwhile)
    assert facts.refresh_batch() == 1
    assert db.session.scalars(select(StaleBuyer.id)).all() == late


def test_refresh_all_rebuilds_facts_lost_or_wrong(app, runner):
    sentra = make_sentra(KELS[0])
    buyer = make_user()
    place_order(sentra, buyer, wib(2025, 3, 10), 60_000)
    db.session.commit()
    facts.refresh()
    db.session.execute(db.update(OrderFact).values(gmv_idr=1, city_returned_at=wib(2025, 1, 1)))  # as if written by an older version
    db.session.commit()
    result = runner.invoke(args=["impact", "refresh", "--all"])
    assert result.exit_code == 0, result.output
    assert "facts of 1 buyers refreshed" in result.output
    db.session.expire_all()
    fact = db.session.scalar(select(OrderFact))
    assert (fact.gmv_idr, fact.city_returned_at) == (60_000, None)


def test_the_worker_task_refreshes_and_commits(app):
    sentra = make_sentra(KELS[0])
    place_order(sentra, make_user(), wib(2025, 3, 10), 60_000)
    db.session.commit()
    assert facts.run_refresh_impact_facts in app.extensions["worker_periodic"]
    facts.run_refresh_impact_facts()
    db.session.rollback()  # what was done is committed
    assert db.session.scalar(select(func.count()).select_from(OrderFact)) == 1
    assert db.session.scalar(select(func.count()).select_from(StaleBuyer)) == 0


def _refresh_in_thread(app, barrier: threading.Barrier) -> str:
    with app.app_context():
        try:
            db.session.execute(select(StaleBuyer.id).limit(1)).all()  # the connection is open before the race
            barrier.wait(timeout=60)
            facts.refresh()
            db.session.commit()
            return "ok"
        finally:
            db.session.remove()


@pytest.mark.postgres_only
def test_parallel_refreshes_of_the_same_buyers_agree_and_never_fail(app):
    sentras = _sentras()
    buyers = [make_user() for _ in range(8)]
    for i in range(40):
        place_order(sentras[i % 3], buyers[i % 8], wib(2025, 2, 1) + timedelta(days=i), 10_000 + i,
                    in_bekasi=i % 2 == 0)
    db.session.commit()
    parallel = 6
    barrier = threading.Barrier(parallel)
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        outcomes = list(pool.map(lambda _: _refresh_in_thread(app, barrier), range(parallel)))
    assert outcomes == ["ok"] * parallel
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(OrderFact)) == 40
    assert _reported(MARCH) == _brute_force(MARCH)


def _marks() -> list[int]:
    return db.session.scalars(select(StaleBuyer.buyer_id)).all()


def test_only_changes_the_figures_can_see_mark_the_buyer(app):
    sentra = make_sentra(KELS[0])
    buyer = make_user()
    order = place_order(sentra, buyer, wib(2025, 3, 10), 60_000, status="pending_payment")
    db.session.commit()
    assert _marks() == []  # awaiting a card payment: not counted yet
    order.status = "placed"
    db.session.commit()
    assert _marks() == [buyer.id]  # paid: it counts now
    facts.refresh()
    assert order.status == "placed"  # loaded, as transition() does: the flush knows what it was
    order.status = "processing"
    order.payment_status = "paid"
    db.session.commit()
    assert _marks() == []  # still counted, same amount: nothing to rebuild
    order.refunded_idr = 1_000
    db.session.commit()
    assert _marks() == [buyer.id]


def test_the_month_of_a_fact_is_the_wib_month_whatever_zone_the_time_comes_in():
    from datetime import timezone

    moment = wib(2025, 3, 31, 20)  # 20:00 WIB on 31 March (13:00 UTC): March
    assert facts.wib_month(moment) == "2025-03"
    assert facts.wib_month(moment.astimezone(timezone(timedelta(hours=7)))) == "2025-03"
    late = wib(2025, 4, 1, 1)  # 01:00 WIB on 1 April (18:00 UTC on 31 March): April
    assert facts.wib_month(late) == facts.wib_month(late.astimezone(timezone(timedelta(hours=-5)))) == "2025-04"


def _stale_refresh_in_thread(app, monkeypatch, read: threading.Event, go_on: threading.Event) -> str:
    """A refresh that reads a buyer's orders, then waits before writing its rows (a slow worker)."""
    me = threading.current_thread()
    upsert = facts._upsert

    def slow_upsert(rows):
        if threading.current_thread() is me:
            read.set()
            assert go_on.wait(timeout=60)
        upsert(rows)

    monkeypatch.setattr(facts, "_upsert", slow_upsert)
    with app.app_context():
        try:
            facts.refresh_batch()
            db.session.commit()
            return "ok"
        finally:
            db.session.remove()


@pytest.mark.postgres_only
def test_a_change_committed_while_another_refresh_runs_is_never_overwritten(app, monkeypatch):
    sentra = make_sentra(KELS[0])
    buyer = make_user()
    first = place_order(sentra, buyer, wib(2025, 2, 10), 40_000)
    second = place_order(sentra, buyer, wib(2025, 3, 10), 60_000)
    db.session.commit()
    first_id, second_id = first.id, second.id
    read, go_on = threading.Event(), threading.Event()
    with ThreadPoolExecutor(max_workers=2) as pool:
        slow = pool.submit(_stale_refresh_in_thread, app, monkeypatch, read, go_on)
        assert read.wait(timeout=60)  # it read the orders with the first one still counted
        cancelled = db.session.get(Order, first_id)
        assert cancelled.status == "completed"
        cancelled.status = "cancelled"  # committed before the slow refresh writes
        db.session.commit()
        report = pool.submit(_refresh_in_thread, app, threading.Barrier(1))
        wait([report], timeout=3)  # without the refresh lock it would finish here, before the slow one writes
        go_on.set()
        assert slow.result(timeout=120) == "ok" and report.result(timeout=120) == "ok"
    db.session.expire_all()
    assert db.session.scalars(select(OrderFact.order_id)).all() == [second_id]
    assert db.session.scalar(select(func.count()).select_from(StaleBuyer)) == 0
    assert _reported(MARCH) == _brute_force(MARCH)
