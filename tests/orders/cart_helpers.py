"""Shared set-up for the cart tests: sentras with products, a buyer, bearer tokens."""
from __future__ import annotations

from shop.accounts.tokens import issue_token
from shop.extensions import db
from tests.factories import make_product, make_sentra

KELURAHAN = ["32.75.08.1001", "32.75.01.1001", "32.75.01.1002", "32.75.01.1003", "32.75.02.1001", "32.75.08.1002"]


def variant_of(product, index: int = 0):
    return product.variants[index]


def stocked_product(sentra=None, *, price_idr: int = 50_000, stock: int = 5, **variant_fields):
    """A public product of one variant (its sentra made when not given)."""
    sentra = sentra or make_sentra(KELURAHAN[0])
    return make_product(sentra, variants=[{"price_idr": price_idr, "stock": stock, **variant_fields}])


def bearer_for(user) -> dict[str, str]:
    plain, _token = issue_token(user, "test", 1)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


def made_to_order_product(sentra=None, *, price_idr: int = 50_000):
    """A public made-to-order product of one variant with no stock."""
    sentra = sentra or make_sentra(KELURAHAN[0])
    return make_product(sentra, made_to_order=True, lead_time_days=7, variants=[{"price_idr": price_idr, "stock": 0}])
