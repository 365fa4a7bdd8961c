"""The search figures read whole months from the monthly twins and partial months from the daily ones:
for any period they must equal what the raw log says, counted by brute force.

Random searches over five months (searchers coming back across days and months, some in no kelurahan,
some that found something or were filtered), rolled up by several worker runs, with rows that arrive
late for days already counted; then many periods (single days, partial months at either edge, whole
months, all of it) compared with a count straight from the log, before and after pruning.
"""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from catalog.search.log import SearchLog
from orders.impact.period import Period
from orders.potential.models import (
    CITY,
    DemandDay,
    DemandMonth,
    UnmetTermDay,
    UnmetTermMonth,
    month_number,
)
from orders.potential.queries import _search_demand, _segments, _unmet_terms
from orders.potential.rollup import prune, roll_up_searches
from shop.extensions import db
from tests.orders.potential.helpers import KEC_AB, KEC_C, KEL_A, KEL_B, KEL_C, log

FIRST, LAST = date(2024, 11, 1), date(2025, 3, 31)
KECAMATAN = {KEL_A: KEC_AB, KEL_B: KEC_AB, KEL_C: KEC_C}
TERMS = ("tenun ikat", "wayang kulit", "batik", "kopi luwak", "sepatu")
LEAST = 3


def _roll_up(size: int) -> None:
    while roll_up_searches(size=size):
        db.session.commit()


def _searches(rng: random.Random) -> list[tuple]:
    """(day, term, searcher, kelurahan, results, filtered) rows: 40 people, each with a home (or none)."""
    homes = {f"p{n}": rng.choice((KEL_A, KEL_A, KEL_B, KEL_C, None)) for n in range(40)}
    rows = []
    for _ in range(1500):
        who = f"p{int(40 * rng.random() ** 2)}"
        day = FIRST + timedelta(days=rng.randrange((LAST - FIRST).days + 1))
        term = rng.choice(TERMS)
        results = 0 if term != "batik" and rng.random() < 0.8 else rng.randint(1, 5)
        rows.append((day, term, who, homes[who], results, rng.random() < 0.1))
    return rows


def _brute(rows: list[tuple], period: Period) -> tuple[dict, dict]:
    """Per place: (searches, searchers), and the unmet terms above the threshold, from the raw rows."""
    searches: dict[str, int] = defaultdict(int)
    people: dict[str, set] = defaultdict(set)
    unmet_searches: dict[tuple, int] = defaultdict(int)
    unmet_people: dict[tuple, set] = defaultdict(set)
    for day, term, who, kelurahan, results, filtered in rows:
        if not period.first <= day <= period.last:
            continue
        for place in (kelurahan, CITY):
            if place:
                searches[place] += 1
                people[place].add(who)
        if results == 0 and not filtered:
            for place in (kelurahan, KECAMATAN.get(kelurahan), CITY):
                if place:
                    unmet_searches[(place, term)] += 1
                    unmet_people[(place, term)].add(who)
    demand = {place: (searches[place], len(people[place])) for place in searches}
    unmet: dict[str, list] = defaultdict(list)
    for (place, term), who in unmet_people.items():
        if len(who) >= LEAST:
            unmet[place].append((term, unmet_searches[(place, term)], len(who)))
    return demand, {place: sorted(terms, key=lambda t: (-t[2], -t[1], t[0])) for place, terms in unmet.items()}


def _rollup(period: Period) -> tuple[dict, dict]:
    unmet = _unmet_terms(period, None, limit=100)
    return _search_demand(period), {place: [(t.term, t.searches, t.searchers) for t in terms]
                                    for place, terms in unmet.items()}


def _periods(rng: random.Random, first: date, last: date) -> list[Period]:
    span = (last - first).days
    periods = [Period(first, last), Period(date(2024, 12, 1), date(2025, 1, 31)), Period(date(2025, 2, 1),
               date(2025, 2, 28)), Period(date(2024, 12, 15), date(2025, 2, 10)), Period(date(2025, 1, 1), last)]
    periods = [p for p in periods if p.first >= first]
    for _ in range(40):
        a = first + timedelta(days=rng.randrange(span + 1))
        kind = rng.random()
        if kind < 0.2:
            b = a  # a single day
        elif kind < 0.35:
            a = a.replace(day=1)  # from a month's first day
            b = min(last, a + timedelta(days=rng.randrange(10, 120)))
        else:
            b = min(last, a + timedelta(days=rng.randrange(60 if kind < 0.7 else 150)))
        periods.append(Period(max(a, first), b))
    return periods


def _assert_months_are_sums_of_days() -> None:
    for day_twin, month_twin, keys in ((DemandDay, DemandMonth, ("place",)),
                                       (UnmetTermDay, UnmetTermMonth, ("place", "term"))):
        expected: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
        for row in db.session.scalars(select(day_twin)):
            total = expected[(*(getattr(row, k) for k in keys), month_number(row.day), row.prev_month)]
            total[0] += row.searchers
            total[1] += row.searches
        expected = {key: tuple(value) for key, value in expected.items() if value != [0, 0]}
        actual = {(*(getattr(row, k) for k in keys), row.month, row.prev_month): (row.searchers, row.searches)
                  for row in db.session.scalars(select(month_twin))}
        assert {key: value for key, value in actual.items() if value != (0, 0)} == expected


def test_the_segments_of_a_period():
    assert _segments(Period(date(2025, 1, 1), date(2025, 3, 31))) == ([], (2025 * 12 + 1, 2025 * 12 + 3))
    assert _segments(Period(date(2025, 1, 2), date(2025, 1, 31))) == ([(date(2025, 1, 2), date(2025, 1, 31))], None)
    assert _segments(Period(date(2024, 12, 8), date(2025, 12, 7))) == (
        [(date(2024, 12, 8), date(2024, 12, 31)), (date(2025, 12, 1), date(2025, 12, 7))],
        (2025 * 12 + 1, 2025 * 12 + 11))
    assert _segments(Period(date(2025, 2, 1), date(2025, 2, 28))) == ([], (2025 * 12 + 2, 2025 * 12 + 2))
    assert _segments(Period(date(2025, 2, 5), date(2025, 2, 5))) == ([(date(2025, 2, 5), date(2025, 2, 5))], None)


@pytest.mark.parametrize("seed", [1, 2])
def test_figures_of_any_period_equal_a_count_of_the_raw_log(app, monkeypatch, seed):
    monkeypatch.setitem(app.config, "POTENTIAL_MIN_SEARCHERS", LEAST)
    rng = random.Random(seed)
    rows = _searches(rng)
    ordered = sorted(rows, key=lambda row: row[0])
    late = set(rng.sample(range(len(ordered)), len(ordered) // 5))  # arrive after later days were counted
    on_time = [row for n, row in enumerate(ordered) if n not in late]
    waves = [on_time[:400], on_time[400:800], on_time[800:]]
    latecomers = [ordered[n] for n in sorted(late)]
    rng.shuffle(latecomers)
    waves[1] += latecomers[:100]
    waves[2] += latecomers[100:200]
    waves.append(latecomers[200:])
    for wave in waves:
        for day, term, who, kelurahan, results, filtered in wave:
            log(day, term, who, kelurahan, results=results, filtered=filtered)
        db.session.commit()
        _roll_up(size=rng.randrange(50, 300))
    _assert_months_are_sums_of_days()
    shown = set()
    for period in _periods(rng, FIRST, LAST):
        expected = _brute(rows, period)
        assert _rollup(period) == expected, period
        shown.update(expected[1])
        top = {place: [(t.term, t.searches, t.searchers) for t in terms]
               for place, terms in _unmet_terms(period, None, limit=2).items()}
        assert top == {place: terms[:2] for place, terms in expected[1].items()}, period  # ties cut by term
    assert {KEL_A, KEC_AB, CITY} <= shown  # the threshold let terms through at every level

    monkeypatch.setitem(app.config, "SEARCH_LOG_DAYS", 30)
    prune(today=date(2025, 2, 14) + timedelta(days=30))  # keeps 14 February onwards
    db.session.commit()
    kept = [row for row in rows if row[0] >= date(2025, 2, 14)]
    assert sorted(db.session.scalars(select(SearchLog.day))) == sorted(row[0] for row in kept)
    _assert_months_are_sums_of_days()
    assert db.session.scalar(select(DemandMonth.month).order_by(DemandMonth.month).limit(1)) == 2025 * 12 + 2
    for period in _periods(rng, date(2025, 2, 14), LAST):
        assert _rollup(period) == _brute(kept, period), period
