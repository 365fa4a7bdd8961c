"""Small builders shared by the order-page, notification and API tests."""
from __future__ import annotations

from flask import current_app

from orders.payments.services import mark_paid
from shop.extensions import db
from shop.outbox.services import drain
from tests.factories import add_member, make_checkout, make_product, make_sentra, make_user


def a_sentra(kelurahan_code: str = "32.75.08.1001", owner_email: str | None = None, stock: int = 10,
             price_idr: int = 25_000):
    """An active sentra with an owner and one product of one variant; returns (sentra, owner, variant)."""
    owner = make_user(owner_email)
    sentra = make_sentra(kelurahan_code, owner=owner)
    product = make_product(sentra, variants=[{"price_idr": price_idr, "stock": stock, "weight_grams": 300}])
    db.session.commit()
    return sentra, owner, product.variants[0]


def placed_order(buyer, variant, quantity: int = 1):
    """A pay-on-pickup order (placed at once) of ``quantity`` of ``variant``."""
    return make_checkout(buyer, [(variant, quantity)]).orders[0]


def paid_transfer_order(buyer, variant, quantity: int = 1):
    """A bank-transfer order the office has confirmed (placed / paid)."""
    checkout = make_checkout(buyer, [(variant, quantity)], method="bank_transfer")
    mark_paid(checkout.payment, None, "transfer confirmed", current_app.config)
    db.session.commit()
    return checkout.orders[0]


def drain_all() -> int:
    """Run every due outbox job (handlers may add jobs); returns how many ran."""
    total = 0
    while ran := drain():
        total += ran
    return total


__all__ = ["a_sentra", "add_member", "drain_all", "make_user", "paid_transfer_order",
           "placed_order"]
