"""The potential map's daily rollup, kept by the worker (:mod:`orders.potential.rollup`, :mod:`.stale`).

Search demand (from :class:`catalog.search.log.SearchLog`), one row per place, day and searcher:

- :class:`SearcherDay`: how often a searcher searched (anything) on a day, in a kelurahan and in the
  city (place ``32.75``);
- :class:`UnmetDay`: the same per term, for searches that found nothing in the whole marketplace
  (no filters, no results), in the kelurahan, its kecamatan and the city.

Distinct searchers do not add up across days (someone who searched on Monday and Tuesday is one
searcher of the week), so each row also carries ``prev_day``: the searcher's previous day in the
same place (and term). A searcher counts once in a period, on their first day in it: the rows of the
period whose ``prev_day`` is empty or before the period. That is a sum over the period's rows, no
``COUNT(DISTINCT)`` and no raw log at request time. The searcher is only the log's keyed hash.

Reading a year of those rows at request time would be too slow, so each also has a compact twin
(:class:`DemandDay`, :class:`UnmetTermDay`) keyed by place (and term), day and the *month* of
``prev_day`` (``prev_month``: year * 12 + month, 0 when there is none), holding how many searcher rows
and searches fall there. A row counts in a period from F when its ``prev_day`` is before F: every
row of an earlier month does, no row of a later month does, and only the rows whose ``prev_day`` is in
F's own month need a look at the detailed table (an index on ``prev_day`` finds them). The twins are
kept by the same merge, by differences, in the same transaction.

A year is still some hundred thousand twin rows, too many to add up within a second on the first read
after each worker run, so the twins have monthly twins in turn (:class:`DemandMonth`,
:class:`UnmetTermMonth`), keyed by the row's month (the same numbering as ``prev_month``) instead of its
day: each is the sum of its month's day rows, kept by the same differences in the same transaction (and
by pruning, which takes a pruned day's rows off its month). A period reads its whole months from them
and only its partial first and last months from the day twins; the ``prev_month`` rule is the same.

Orders (from the orders themselves), by the buyer's kelurahan ("resident", as
:mod:`shop.accounts.home` defines it):

- :class:`OrderDay`: counted orders per day, resident kelurahan and the sentra's kelurahan;
- :class:`ElsewhereItemDay`: per day, resident kelurahan, subsector and product title as bought, the
  orders that residents placed for it at another kelurahan's sentra.

Places are Kemendagri codes: a kelurahan (``32.75.12.1003``), a kecamatan (``32.75.12``) or the city.
"""
from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import utcnow
from shop.extensions import db

CITY = "32.75"  # Kemendagri code of Kota Bekasi: the city as a place


class SearcherDay(db.Model):
    __tablename__ = "potential_searcher_day"
    # Keyed by day first: a period is one contiguous range (SQLite stores the rows in key order).
    __table_args__ = (
        PrimaryKeyConstraint("day", "place", "searcher"),
        Index("ix_potential_searcher_day_searcher", "searcher", "place"),
        Index("ix_potential_searcher_day_prev", "prev_day", "day", "place"),
        {"sqlite_with_rowid": False},
    )

    day: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(13))
    searcher: Mapped[str] = mapped_column(String(32))
    searches: Mapped[int] = mapped_column(Integer)
    prev_day: Mapped[date | None] = mapped_column(Date)


class UnmetDay(db.Model):
    __tablename__ = "potential_unmet_day"
    __table_args__ = (
        PrimaryKeyConstraint("day", "place", "term", "searcher"),
        Index("ix_potential_unmet_day_searcher", "searcher", "place", "term"),
        Index("ix_potential_unmet_day_prev", "prev_day", "day", "place", "term"),
        {"sqlite_with_rowid": False},
    )

    day: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(13))
    term: Mapped[str] = mapped_column(String(100))
    searcher: Mapped[str] = mapped_column(String(32))
    searches: Mapped[int] = mapped_column(Integer)
    prev_day: Mapped[date | None] = mapped_column(Date)


class DemandDay(db.Model):
    __tablename__ = "potential_demand_day"
    __table_args__ = (
        PrimaryKeyConstraint("day", "place", "prev_month"),
        {"sqlite_with_rowid": False},
    )

    day: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(13))
    prev_month: Mapped[int] = mapped_column(Integer)
    searchers: Mapped[int] = mapped_column(Integer)  # searcher rows
    searches: Mapped[int] = mapped_column(Integer)


class UnmetTermDay(db.Model):
    __tablename__ = "potential_unmet_term_day"
    __table_args__ = (
        PrimaryKeyConstraint("day", "place", "term", "prev_month"),
        {"sqlite_with_rowid": False},
    )

    day: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(13))
    term: Mapped[str] = mapped_column(String(100))
    prev_month: Mapped[int] = mapped_column(Integer)
    searchers: Mapped[int] = mapped_column(Integer)
    searches: Mapped[int] = mapped_column(Integer)


class DemandMonth(db.Model):
    """:class:`DemandDay` summed by month (``month``: year * 12 + month)."""

    __tablename__ = "potential_demand_month"
    __table_args__ = (
        PrimaryKeyConstraint("month", "place", "prev_month"),
        {"sqlite_with_rowid": False},
    )

    month: Mapped[int] = mapped_column(Integer)
    place: Mapped[str] = mapped_column(String(13))
    prev_month: Mapped[int] = mapped_column(Integer)
    searchers: Mapped[int] = mapped_column(Integer)
    searches: Mapped[int] = mapped_column(Integer)


class UnmetTermMonth(db.Model):
    """:class:`UnmetTermDay` summed by month. Keyed by place and term first: a year is nearly all of the
    table (the log is kept 400 days), read in key order, each place's term added up without a sort."""

    __tablename__ = "potential_unmet_term_month"
    __table_args__ = (
        PrimaryKeyConstraint("place", "term", "month", "prev_month"),
        {"sqlite_with_rowid": False},
    )

    month: Mapped[int] = mapped_column(Integer)
    place: Mapped[str] = mapped_column(String(13))
    term: Mapped[str] = mapped_column(String(100))
    prev_month: Mapped[int] = mapped_column(Integer)
    searchers: Mapped[int] = mapped_column(Integer)
    searches: Mapped[int] = mapped_column(Integer)


class RollupVersion(db.Model):
    """One row: a number the rollups move whenever they change the figures (readers keep answers by it)."""

    __tablename__ = "potential_rollup_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


def rollup_version() -> int | None:
    return db.session.scalar(select(RollupVersion.version).where(RollupVersion.id == 1))


def bump_rollup_version() -> None:
    """Move the version (inside a rollup's lock, so never two at once). Flushes."""
    moved = db.session.execute(update(RollupVersion).where(RollupVersion.id == 1)
                               .values(version=RollupVersion.version + 1)).rowcount
    if not moved:  # a first run, or a database emptied or restored: a number no process has kept answers by
        db.session.add(RollupVersion(id=1, version=secrets.randbits(62)))
    db.session.flush()


def month_number(day: date | None) -> int:
    """``prev_month`` of a previous day, or ``month`` of a monthly row: year * 12 + month (0 for none)."""
    return 0 if day is None else day.year * 12 + day.month


class OrderDay(db.Model):
    __tablename__ = "potential_order_day"
    __table_args__ = (
        PrimaryKeyConstraint("day", "resident", "sentra_kelurahan"),
        {"sqlite_with_rowid": False},
    )

    day: Mapped[date] = mapped_column(Date)
    resident: Mapped[str] = mapped_column(String(13))  # the buyer's kelurahan
    sentra_kelurahan: Mapped[str] = mapped_column(String(13))
    orders: Mapped[int] = mapped_column(Integer)


class ElsewhereItemDay(db.Model):
    __tablename__ = "potential_elsewhere_item_day"
    __table_args__ = (
        PrimaryKeyConstraint("day", "resident", "subsector", "title"),
        Index("ix_potential_elsewhere_item_day_resident", "resident", "day"),
        # the office's map by subsector reads a year of one subsector: these rows alone, from the index
        Index("ix_potential_elsewhere_item_day_subsector", "subsector", "day", "resident", "orders"),
        {"sqlite_with_rowid": False},
    )

    day: Mapped[date] = mapped_column(Date)
    resident: Mapped[str] = mapped_column(String(13))
    subsector: Mapped[str] = mapped_column(String(40))  # "" when the product is gone
    title: Mapped[str] = mapped_column(String(120))
    orders: Mapped[int] = mapped_column(Integer)


class StaleOrderDay(db.Model):
    """A day (or every day a buyer ordered) whose order rollup may be out of date: added and consumed."""

    __tablename__ = "potential_stale"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date | None] = mapped_column(Date)
    buyer_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
