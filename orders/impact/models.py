"""The impact report's rollup of orders: one row per counted order, with its place in its buyer's history.

Counting distinct and returning buyers over any period from the orders themselves means reading
every earlier order of every buyer of the period. An :class:`OrderFact` instead carries, for its
order's kelurahan, kecamatan and the city, when the same buyer last ordered there (``*_prev_at``),
the last time to a Kota Bekasi address (``*_prev_bekasi_at``) and when the buyer first ordered there
in another checkout than their first one there (``*_returned_at``: a checkout split into orders
from several sentras is one purchase, not a return). The figures then become sums over the
period's rows alone
(:func:`orders.impact.queries._order_figures`).

The rows are a cache of the ``order`` table, never a source: :mod:`orders.impact.facts` marks a
buyer stale whenever one of their orders is placed or changes what the report reads, and
rebuilds the buyer's rows before a report (and in the worker).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import utcnow
from shop.extensions import db


class OrderFact(db.Model):
    """A counted order (not awaiting payment, cancelled or expired) of a sentra that holds a kelurahan."""

    __tablename__ = "impact_order_fact"
    # The key is the report's grouping: on SQLite the rows are stored in that order (no rowid), so
    # a period is one contiguous range already grouped by month and sentra, with no sort.
    __table_args__ = (
        PrimaryKeyConstraint("month", "sentra_id", "created_at", "order_id"),
        Index("ix_impact_order_fact_buyer", "buyer_id"),
        {"sqlite_with_rowid": False},
    )

    month: Mapped[str] = mapped_column(String(7))  # "2026-03", WIB
    sentra_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]  # the order's
    order_id: Mapped[int] = mapped_column(ForeignKey("order.id", ondelete="CASCADE"), unique=True)
    buyer_id: Mapped[int] = mapped_column(Integer)
    gmv_idr: Mapped[int] = mapped_column(Integer)  # total - refunded
    partner: Mapped[bool]  # bought for a UMKM partner
    bekasi: Mapped[bool]  # addressed to a Kota Bekasi kelurahan
    kel_prev_at: Mapped[datetime | None]
    kel_prev_bekasi_at: Mapped[datetime | None]
    kel_returned_at: Mapped[datetime | None]  # the same on every row of the buyer there
    kec_prev_at: Mapped[datetime | None]
    kec_prev_bekasi_at: Mapped[datetime | None]
    kec_returned_at: Mapped[datetime | None]
    city_prev_at: Mapped[datetime | None]
    city_prev_bekasi_at: Mapped[datetime | None]
    city_returned_at: Mapped[datetime | None]


class StaleBuyer(db.Model):
    """A buyer whose :class:`OrderFact` rows may be out of date. Rows are only added and consumed."""

    __tablename__ = "impact_stale_buyer"

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
