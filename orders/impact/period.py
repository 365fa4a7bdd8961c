"""The period an impact figure covers: whole days in WIB, both ends included."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from shop.db import WIB

MAX_YEARS = 5
DEFAULT_DAYS = 30
# Far around the programme's years, and far from the calendar's ends, where a day's arithmetic
# (the default 30 days back, the midnight after the last day) would overflow.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


class PeriodError(ValueError):
    """A period the office cannot ask for: ``code`` and ``fields`` for the API, ``status`` 400."""

    status = 400

    def __init__(self, code: str, message: str, fields: dict[str, str]) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields


@dataclass(frozen=True)
class Month:
    """One calendar month (WIB) of a period, cut to the period where it starts or ends inside it."""

    key: str  # "2025-03"
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def start(self) -> datetime:
        """The first instant (UTC) of the first day in WIB."""
        return _wib_midnight(self.first)

    @property
    def end(self) -> datetime:
        """The instant (UTC) the day after the last one begins in WIB: the exclusive end."""
        return _wib_midnight(self.last + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def months(self) -> list[Month]:
        """Every calendar month the period touches, in order, each cut to the period."""
        out: list[Month] = []
        cursor = self.first.replace(day=1)
        while cursor <= self.last:
            following = (cursor + timedelta(days=32)).replace(day=1)
            first, last = max(cursor, self.first), min(following - timedelta(days=1), self.last)
            out.append(Month(cursor.strftime("%Y-%m"), _wib_midnight(first), _wib_midnight(last + timedelta(days=1))))
            cursor = following
        return out


def _wib_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=WIB).astimezone(UTC)


def _years_after(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February becomes 1 March)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def today_wib() -> date:
    return datetime.now(WIB).date()


def default_period() -> Period:
    """The last 30 days, today (WIB) included."""
    last = today_wib()
    return Period(last - timedelta(days=DEFAULT_DAYS - 1), last)


def parse_period(first: str | None, last: str | None) -> Period:
    """A period from two ``YYYY-MM-DD`` strings. Without ``last``: today (WIB); without ``first``:
    the 30 days that end on ``last``.

    :raise PeriodError: ``invalid_date`` (not a calendar day), ``date_out_of_range`` (before 2000 or
        after 2100), ``reversed_range`` (ends before it starts) or ``range_too_long`` (more than five years).
    """
    days: dict[str, date | None] = {}
    errors: dict[str, str] = {}
    for name, value in (("from", first), ("to", last)):
        days[name] = None
        if value:
            try:
                if len(value) != 10:
                    raise ValueError(value)
                days[name] = date.fromisoformat(value)
            except ValueError:
                errors[name] = "Use a date written as YYYY-MM-DD."
    if errors:
        raise PeriodError("invalid_date", "A date is not a valid YYYY-MM-DD day.", errors)
    outside = {name: f"Use a day from {FIRST_DAY} to {LAST_DAY}." for name, day in days.items()
               if day is not None and not FIRST_DAY <= day <= LAST_DAY}
    if outside:
        raise PeriodError("date_out_of_range", "A date is outside the years the figures can cover.", outside)
    end = days["to"] or today_wib()
    period = Period(days["from"] or end - timedelta(days=DEFAULT_DAYS - 1), end)
    if period.last < period.first:
        raise PeriodError("reversed_range", "The period ends before it starts.", {"to": "Must not be before from."})
    if period.last >= _years_after(period.first, MAX_YEARS):
        raise PeriodError("range_too_long", "The period is longer than five years.",
                          {"to": "At most five years after from."})
    return period
