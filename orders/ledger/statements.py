"""The sentra's statement: ledger entries of a range of WIB days with the running balance, as a
page for the screen or as CSV (written by the shared
:mod:`shop.spreadsheet` writer, as the bank batch in :mod:`orders.ledger.payouts` is). Reads only.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from orders.core.models import Order
from orders.ledger.errors import InvalidDateRangeError
from orders.ledger.models import LedgerEntry, Payout
from shop.db import WIB
from shop.extensions import db
from shop.paging import Page
from shop.spreadsheet import csv_text

STATEMENT_COLUMNS = ("date_wib", "kind", "order_number", "payout_reference", "note", "credit_idr", "debit_idr",
                     "balance_idr")
EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2100, 12, 31)


@dataclass(frozen=True)
class StatementRow:
    id: int
    created_at: datetime
    kind: str
    order_number: str | None
    payout_id: int | None
    payout_reference: str | None
    note: str | None
    credit_idr: int
    debit_idr: int
    balance_idr: int  # after this entry


@dataclass(frozen=True)
class Statement(Page):
    """Entries of a date range, oldest first, each with the balance after it; one page of them or all."""

    opening_idr: int  # the balance before the range
    closing_idr: int  # the balance at its end

    @property
    def rows(self) -> list[StatementRow]:
        return self.items


def wib_day_start(day: date) -> datetime:
    """The UTC instant a WIB day begins."""
    return datetime.combine(day, time.min, WIB)


def statement(sentra_id: int, from_date: date | None = None, to_date: date | None = None, *,
              page: int | None = None, per_page: int = 50) -> Statement:
    """The sentra's entries between two WIB days (both inclusive; open-ended when None). Reads only.

    ``page`` None gives every entry (the CSV); a page number gives one page, and a page past the
    end gives the last one. The running balance counts every entry before the page.

    :raise InvalidDateRangeError: 400 when ``from_date`` is after ``to_date``.
    """
    if from_date and to_date and from_date > to_date:
        raise InvalidDateRangeError("the start date is after the end date", fields={"from": "after_to"})
    for name, day in (("from", from_date), ("to", to_date)):
        if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
            raise InvalidDateRangeError("a date between 2000 and 2100", fields={name: "out_of_range"})
    amount = LedgerEntry.credit_idr - LedgerEntry.debit_idr
    in_range = [LedgerEntry.sentra_id == sentra_id]
    opening = 0
    if from_date:
        start = wib_day_start(from_date)
        in_range.append(LedgerEntry.created_at >= start)
        opening = db.session.scalar(select(func.coalesce(func.sum(amount), 0))
                                    .where(LedgerEntry.sentra_id == sentra_id, LedgerEntry.created_at < start))
    if to_date:
        in_range.append(LedgerEntry.created_at < wib_day_start(to_date + timedelta(days=1)))
    total, net = db.session.execute(select(func.count(LedgerEntry.id), func.coalesce(func.sum(amount), 0))
                                    .where(*in_range)).one()
    ordered = (LedgerEntry.created_at, LedgerEntry.id)
    query = (select(LedgerEntry, Order.number, Payout.reference)
             .outerjoin(Order, Order.id == LedgerEntry.order_id).outerjoin(Payout, Payout.id == LedgerEntry.payout_id)
             .where(*in_range).order_by(*ordered))
    running = opening
    if page is None:
        page, per_page = 1, 0
    else:
        page = min(max(page, 1), max(1, -(-total // per_page)))
        offset = (page - 1) * per_page
        if offset:
            earlier = select(amount.label("amount")).where(*in_range).order_by(*ordered).limit(offset).subquery()
            running += db.session.scalar(select(func.coalesce(func.sum(earlier.c.amount), 0)))
        query = query.offset(offset).limit(per_page)
    rows = []
    for entry, order_number, reference in db.session.execute(query):
        running += entry.credit_idr - entry.debit_idr
        rows.append(StatementRow(entry.id, entry.created_at, entry.kind, order_number, entry.payout_id, reference,
                                 entry.note, entry.credit_idr, entry.debit_idr, running))
    return Statement(rows, total, page, per_page, opening, opening + net)


def statement_csv(sentra_id: int, from_date: date | None = None, to_date: date | None = None) -> str:
    """The statement of a date range as CSV: one row per entry, with the running balance."""
    rows = statement(sentra_id, from_date, to_date).rows
    return csv_text(STATEMENT_COLUMNS, (
        (row.created_at.astimezone(WIB).strftime("%Y-%m-%d %H:%M"), row.kind, row.order_number or "",
         row.payout_reference or "", row.note or "", row.credit_idr, row.debit_idr, row.balance_idr)
        for row in rows
    ))
