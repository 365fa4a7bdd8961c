"""The buyer's side of reviews: only orders knows what was bought and delivered.

A buyer reviews each line of their own order once it is ``delivered`` or ``completed``;
the review itself is made by ``catalog.reviews.services.create_review``.
"""
from __future__ import annotations

from sqlalchemy import select

from catalog.reviews.models import Review
from catalog.reviews.services import create_review
from orders.core.errors import OrderError, OrderNotFoundError
from orders.core.models import Order, OrderLine, OrderStatus
from shop.accounts.models import User
from shop.extensions import db

REVIEWABLE = frozenset({OrderStatus.DELIVERED, OrderStatus.COMPLETED})


class NotDeliveredError(OrderError):
    """Reviews open once the order is delivered."""

    code = "not_delivered"
    status = 409


def may_review(order: Order) -> bool:
    return order.status in REVIEWABLE


def reviews_by_line(order: Order) -> dict[int, Review]:
    """The order's existing reviews by order line id (one query). Reads only."""
    ids = [line.id for line in order.lines]
    if not ids:
        return {}
    return {r.order_line_id: r for r in db.session.scalars(select(Review).where(Review.order_line_id.in_(ids)))}


def review_order_line(order: Order, line_id: int, buyer: User, rating: int, text: str | None,
                      photo_bytes: bytes | None = None) -> Review:
    """``buyer`` reviews line ``line_id`` of their ``order``. Locks the sentra (via create_review); flushes.

    :raise OrderNotFoundError: the order is not ``buyer``'s, the line is not in it, or its product is gone.
    :raise NotDeliveredError: the order is not delivered or completed.
    :raise catalog.reviews.services.InvalidReviewError: bad rating, text or photo.
    :raise catalog.reviews.services.DuplicateReviewError: the line has a review already.
    """
    if order.buyer_id != buyer.id:
        raise OrderNotFoundError(order.number)
    line: OrderLine | None = next((line for line in order.lines if line.id == line_id), None)
    if line is None or line.product_id is None:
        raise OrderNotFoundError(order.number)
    if not may_review(order):
        raise NotDeliveredError(order.number)
    return create_review(line.id, line.product_id, order.sentra_id, buyer, rating, text, photo_bytes)
