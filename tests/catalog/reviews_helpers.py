"""Set-up for review tests: delivered orders made the real way up to acceptance, then moved on directly."""
from __future__ import annotations

from catalog.reviews.services import create_review
from orders.core.models import Order
from orders.core.status import transition
from orders.services import accept_order
from shop.extensions import db
from tests.factories import make_checkout, make_user


def placed_order(buyer, variant, quantity: int = 1) -> Order:
    """A pay-on-pickup order of ``variant`` for ``buyer`` (status ``placed``); commits."""
    return make_checkout(buyer, [(variant, quantity)]).orders[0]


def delivered_order(buyer, variant, *, sentra_member=None, quantity: int = 1) -> Order:
    """An order of ``variant`` for ``buyer``, accepted and moved to ``delivered``; commits."""
    order = placed_order(buyer, variant, quantity)
    accept_order(order, sentra_member or make_user())
    transition(order, "ready_for_pickup", None)
    transition(order, "delivered", None)
    db.session.commit()
    return order


def review_of(order: Order, rating: int, text: str = "", photo: bytes | None = None):
    """The buyer's review of the order's first line, made through the service; commits."""
    line = order.lines[0]
    review = create_review(line.id, line.product_id, order.sentra_id, order.buyer, rating, text, photo)
    db.session.commit()
    return review
