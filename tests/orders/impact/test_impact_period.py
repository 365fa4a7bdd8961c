"""The impact period: WIB days, both ends included, at most five years."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from orders.impact.period import PeriodError, parse_period, today_wib

pytestmark = pytest.mark.nodb


def test_a_period_runs_from_midnight_wib_to_the_next_midnight_after_its_last_day():
    period = parse_period("2025-03-01", "2025-03-31")
    assert period.start == datetime(2025, 2, 28, 17, tzinfo=UTC)
    assert period.end == datetime(2025, 3, 31, 17, tzinfo=UTC)


def test_without_dates_it_is_the_last_30_days():
    period = parse_period(None, None)
    assert (period.last, period.days) == (today_wib(), 30)


def test_without_from_it_is_the_30_days_that_end_on_to():
    period = parse_period("", "2024-01-31")
    assert (period.first, period.last) == (date(2024, 1, 2), date(2024, 1, 31))


def test_months_are_cut_to_the_period():
    months = parse_period("2025-01-15", "2025-03-10").months()
    assert [m.key for m in months] == ["2025-01", "2025-02", "2025-03"]
    assert months[0].start == datetime(2025, 1, 14, 17, tzinfo=UTC)
    assert months[1].start == datetime(2025, 1, 31, 17, tzinfo=UTC)
    assert months[-1].end == datetime(2025, 3, 10, 17, tzinfo=UTC)


@pytest.mark.parametrize(("first", "last", "code"), [
    ("2025-02-30", "2025-03-01", "invalid_date"),
    ("2025-3-1", "2025-03-01", "invalid_date"),
    ("20250301", None, "invalid_date"),
    ("2025-03-02", "2025-03-01", "reversed_range"),
    ("2020-02-29", "2025-03-01", "range_too_long"),
    ("9999-12-01", "9999-12-31", "date_out_of_range"),
    (None, "0001-01-02", "date_out_of_range"),
])
def test_bad_periods_are_refused_with_a_code(first, last, code):
    with pytest.raises(PeriodError) as caught:
        parse_period(first, last)
    assert (caught.value.code, caught.value.status) == (code, 400)


def test_five_years_to_the_day_is_the_longest_period():
    assert parse_period("2020-02-29", "2025-02-28").days == 1827
    assert parse_period("2021-01-01", "2025-12-31").days == 1826
    with pytest.raises(PeriodError):
        parse_period("2021-01-01", "2026-01-01")
