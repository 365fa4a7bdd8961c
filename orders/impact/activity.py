"""Which members of which sentra worked in a period: derived from the rows their work leaves.

A member of a sentra is *active* in a period when, inside it, they did for that sentra:

- listing work: a :class:`ProductEvent` they made (a product created, edited, photos changed,
  published, unpublished or archived);
- stock work: a :class:`StockMovement` they made on its variants (restock, correction, return;
  reservations for an order are the buyer's, and releases follow an order change counted below);
- fulfilment: an :class:`OrderEvent` they made on its orders (never their own purchase);
- delivery: a :class:`TrackingEvent` they made on its shipments;
- quote work: a :class:`Quote` they wrote for it, or a comment on its request for quote from the
  sentra's side.

Only current memberships count (a member who left is no longer counted for past periods). Each
question is one set-based statement, whatever the number of members or rows: every membership
and window (month) pair is kept when one of the probes, one per kind of work (``OR``, the union
of the kinds), finds a row. The probes seek the ``(actor, created_at)`` indexes and stop at the
first row, so the cost follows the number of members and months, not of events.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, literal, or_, select, true, union_all

from catalog.products.models import ProductEvent, StockMovement, StockReason
from orders.b2b.models import Quote, Rfq, RfqComment, Side
from orders.core.models import Order, OrderEvent
from orders.impact.period import Month, Period
from orders.shipping.models import Shipment, TrackingEvent
from shop.db import UTCDateTime
from shop.extensions import db
from shop.sentras.models import SentraMembership

# Stock changes that are the sentra's own work (an order's reservation is the buyer's act).
STOCK_WORK = (StockReason.RESTOCK.value, StockReason.CORRECTION.value, StockReason.RETURN.value)

Pair = tuple[int, int]  # (sentra_id, user_id)


def active_pairs(period: Period) -> set[Pair]:
    """The (sentra_id, user_id) memberships active in ``period``. One query."""
    return set().union(*active_pairs_by_month([Month("period", period.start, period.end)]).values())


def active_pairs_by_month(windows: Sequence[Month]) -> dict[str, set[Pair]]:
    """For each window (key, UTC start inclusive, UTC end exclusive), the memberships active in it.

    One query for all windows; windows without anyone active are absent from the result.
    """
    if not windows:
        return {}
    window_rows = [
        select(literal(w.key).label("key"), literal(w.start, UTCDateTime()).label("starts"),
               literal(w.end, UTCDateTime()).label("ends"))
        for w in windows
    ]
    w = (union_all(*window_rows) if len(window_rows) > 1 else window_rows[0]).subquery("w")
    m = SentraMembership.__table__.alias("m")

    def inside(column) -> ColumnElement[bool]:
        return and_(column >= w.c.starts, column < w.c.ends)

    def probe(*conditions) -> ColumnElement[bool]:
        # A correlated probe with LIMIT 1 rather than EXISTS: PostgreSQL would turn EXISTS into a
        # semi-join over the whole event table; this way both databases seek the (actor, created_at)
        # index once per membership and window.
        return select(literal(1)).where(*conditions).limit(1).scalar_subquery().is_not(None)

    # Ordered by how often each kind of work happens: the first probe that finds work ends the search.
    work = [
        probe(OrderEvent.actor_id == m.c.user_id, Order.id == OrderEvent.order_id, Order.sentra_id == m.c.sentra_id,
              Order.buyer_id != m.c.user_id, inside(OrderEvent.created_at)),  # fulfilment
        probe(TrackingEvent.actor_id == m.c.user_id, Shipment.id == TrackingEvent.shipment_id,
              Shipment.sentra_id == m.c.sentra_id, inside(TrackingEvent.created_at)),  # delivery
        probe(ProductEvent.actor_id == m.c.user_id, ProductEvent.sentra_id == m.c.sentra_id,
              inside(ProductEvent.created_at)),  # listing
        probe(StockMovement.actor_id == m.c.user_id, StockMovement.sentra_id == m.c.sentra_id,
              StockMovement.reason.in_(STOCK_WORK), inside(StockMovement.created_at)),  # stock
        probe(Quote.created_by_id == m.c.user_id, Quote.sentra_id == m.c.sentra_id,
              inside(Quote.created_at)),  # quotes
        probe(RfqComment.author_id == m.c.user_id, RfqComment.side == Side.SENTRA.value, Rfq.id == RfqComment.rfq_id,
              Rfq.sentra_id == m.c.sentra_id, inside(RfqComment.created_at)),  # answers to requests for quote
    ]
    statement = select(w.c.key, m.c.sentra_id, m.c.user_id).select_from(m.join(w, true())).where(or_(*work))
    out: dict[str, set[Pair]] = defaultdict(set)
    for key, sentra_id, user_id in db.session.execute(statement):
        out[key].add((sentra_id, user_id))
    return dict(out)
