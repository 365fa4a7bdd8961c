"""Fixtures of the Midtrans tests (import them into a test module: ``from tests.orders.midtrans_fixtures
import *``): the stand-in served once per run, the app configured for it, and checkouts paid through it."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from shop.extensions import db
from shop.sentras.models import Sentra
from tests.orders.conftest import configured
from tests.orders.midtrans_standin import MidtransStandIn

__all__ = ["make_midtrans_checkout", "midtrans", "midtrans_server"]

SENTRA_PLACES = ["32.75.08.1001", "32.75.01.1001"]


@pytest.fixture(scope="session")
def midtrans_server() -> Iterator[MidtransStandIn]:
    server = MidtransStandIn()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def midtrans(app: Flask, midtrans_server: MidtransStandIn) -> Iterator[MidtransStandIn]:
    """An empty stand-in, with the app's Midtrans settings pointing at it (restored after)."""
    midtrans_server.reset()
    with configured(app, midtrans_server.config):
        yield midtrans_server
    midtrans_server.reset()


@pytest.fixture
def make_midtrans_checkout(app: Flask, midtrans: MidtransStandIn) -> Callable[..., Any]:
    """``make_midtrans_checkout(method, buyer=None, sentras=1)``: a committed checkout of 2 x Rp25.000
    (and 1 x Rp40.000 from a second sentra), placed through the real place_checkout."""
    from tests.factories import make_checkout, make_product, make_sentra, make_user

    def make(method: str = "qris", buyer=None, sentras: int = 1, stock: int = 5):
        buyer = buyer or make_user()
        items = []
        for index, (place, price, quantity) in enumerate(zip(SENTRA_PLACES, (25_000, 40_000), (2, 1), strict=True)):
            if index >= sentras:
                break
            sentra = db.session.scalar(select(Sentra).where(Sentra.kelurahan_code == place)) or make_sentra(place)
            variant = make_product(sentra, variants=[{"price_idr": price, "stock": stock}]).variants[0]
            items.append((variant, quantity))
        db.session.commit()
        return make_checkout(buyer, items, method=method)

    return make
