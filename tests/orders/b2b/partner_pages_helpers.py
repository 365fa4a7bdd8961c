"""Building blocks for the partner page tests: a logged-in partner member, a quoted request, an order."""
from __future__ import annotations

from flask import current_app

from orders.b2b import acceptance
from orders.core.models import Order
from orders.services import accept_order
from orders.shipping import services as shipping
from shop.extensions import db
from tests.orders.b2b.b2b_helpers import membership, send_quote, send_rfq

WAYBILL = "JNE-0012345678"
SMALL_LINE = {"description": "Tas totebag sablon logo", "quantity": 100, "unit_price_idr": 20_000,
              "lead_time_days": 5}


def english(client) -> None:
    client.post("/bahasa", data={"lang": "en"})


def login(client, auth, user) -> None:
    auth.login(user.email)
    english(client)


def quoted_rfq(partner, user, sentra, **quote):
    """A request from ``user`` and the sentra's first quote of it; commits. Returns (rfq, quote)."""
    rfq = send_rfq(partner, user, sentra)
    sent = send_quote(sentra, sentra.memberships[0].user, rfq, **quote)
    db.session.commit()
    return rfq, sent


def terms_order(partner, user, sentra, **quote) -> Order:
    """An order on payment terms (placed at once) of a fresh quote, delivered by courier; commits."""
    _rfq, sent = quoted_rfq(partner, user, sentra, delivery_method="courier", **quote)
    order = acceptance.accept_quote(membership(partner, user), user, sent.id, "terms", current_app.config).order
    db.session.commit()
    return order


def ship(order: Order, sentra_user) -> None:
    """The sentra takes the order on and hands it to a courier with a waybill: ``shipped``. Commits."""
    accept_order(order, sentra_user)
    shipping.record_tracking_event(order, "handed_to_courier", sentra_user, courier="jne", waybill=WAYBILL)
    db.session.commit()
