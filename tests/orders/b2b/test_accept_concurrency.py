"""Accepting one quote from many connections at once makes one order, on PostgreSQL."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from orders.b2b import acceptance
from orders.b2b.access import acting_membership
from orders.b2b.errors import QuoteUnavailableError
from orders.b2b.models import Invoice
from orders.core.models import Order
from shop.accounts.models import User
from shop.extensions import db
from tests.factories import make_product, make_sentra
from tests.orders.b2b.b2b_helpers import partner_team, send_quote, send_rfq

pytestmark = pytest.mark.postgres_only

ATTEMPTS = 12  # under the pool's 15 connections, so all really run at once


def test_twelve_parallel_accepts_of_one_quote_make_one_order_and_one_invoice(app):
    partner, _owner, staff = partner_team(threshold=None)
    sentra = make_sentra()
    stocked = make_product(sentra, variants=[{"stock": 100}])
    quote = send_quote(sentra, sentra.memberships[0].user, send_rfq(partner, staff, sentra), lines=[
        {"description": "", "quantity": 10, "unit_price_idr": 9_000, "product_id": stocked.id}])
    db.session.commit()
    quote_id, staff_id, variant_id = quote.id, staff.id, stocked.variants[0].id
    barrier = threading.Barrier(ATTEMPTS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def accept() -> None:
        with app.app_context():
            barrier.wait()  # before any query: each thread then takes its own pooled connection
            user = db.session.get(User, staff_id)
            try:
                acceptance.accept_quote(acting_membership(user), user, quote_id, "bank_transfer", app.config)
                db.session.commit()
                outcome = "order"
            except QuoteUnavailableError as error:
                db.session.rollback()
                outcome = error.code
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=accept) for _ in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.expire_all()
    assert sorted(outcomes) == ["already_accepted"] * (ATTEMPTS - 1) + ["order"]
    assert db.session.scalar(select(db.func.count()).select_from(Order)) == 1
    assert db.session.scalar(select(db.func.count()).select_from(Invoice)) == 1
    assert db.session.scalar(select(db.func.min(Invoice.sequence))) == 1
    from catalog.products.models import Variant
    assert db.session.get(Variant, variant_id).stock == 90


def test_parallel_accepts_on_terms_never_pass_the_credit_limit_together(app):
    from orders.b2b.errors import CreditLimitError

    partner, owner, staff = partner_team(threshold=None, terms_days=30, credit_limit=300_000)
    sentra = make_sentra()
    member = sentra.memberships[0].user
    lines = [{"description": "Kopi", "quantity": 10, "unit_price_idr": 20_000}]
    quotes = [send_quote(sentra, member, send_rfq(partner, user, sentra), lines=lines, fee=0)
              for user in (staff, owner)]
    db.session.commit()
    pairs = [(staff.id, quotes[0].id), (owner.id, quotes[1].id)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def accept(user_id: int, quote_id: int) -> None:
        with app.app_context():
            barrier.wait()
            user = db.session.get(User, user_id)
            try:
                acceptance.accept_quote(acting_membership(user), user, quote_id, "terms", app.config)
                db.session.commit()
                outcome = "order"
            except CreditLimitError as error:
                db.session.rollback()
                outcome = error.code
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=accept, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["credit_limit_exceeded", "order"]
    db.session.expire_all()
    assert db.session.scalar(select(db.func.sum(Invoice.total_idr))) == 200_000
