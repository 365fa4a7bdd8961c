"""Invoice numbers under concurrent invoicing on PostgreSQL: no gaps, no duplicates.

Each thread works in its own app context (its own connection and transaction), as
parallel requests do.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from orders.b2b import acceptance
from orders.b2b.invoices import next_sequence, today_wib
from orders.b2b.models import Invoice
from shop.accounts.models import User
from shop.extensions import db
from shop.partners.models import PartnerMembership
from tests.factories import make_sentra
from tests.orders.b2b.b2b_helpers import partner_team, send_quote, send_rfq
from tests.orders.b2b.papers_helpers import CONFIG, quote_lines

pytestmark = pytest.mark.postgres_only

PARALLEL = 30


def _open_quotes(count: int) -> tuple[int, int, int, list[int]]:
    """``count`` open quotes of one sentra to one partner on terms: (sentra, partner, user, quote ids)."""
    partner, _owner, staff = partner_team(threshold=None, terms_days=30, credit_limit=2_000_000_000)
    sentra = make_sentra()
    seller = sentra.memberships[0].user
    quote_ids = [send_quote(sentra, seller, send_rfq(partner, staff, sentra), lines=quote_lines(1)).id
                 for _ in range(count)]
    db.session.commit()
    return sentra.id, partner.id, staff.id, quote_ids


def _accept(app, partner_id: int, user_id: int, quote_id: int, barrier: threading.Barrier) -> str:
    with app.app_context():
        try:
            barrier.wait(timeout=60)
            user = db.session.get(User, user_id)
            membership = db.session.scalar(select(PartnerMembership).where(
                PartnerMembership.partner_id == partner_id, PartnerMembership.user_id == user_id))
            accepted = acceptance.accept_quote(membership, user, quote_id, "terms", CONFIG)
            db.session.commit()
            return accepted.order.number
        finally:
            db.session.remove()


def _sequences(sentra_id: int) -> list[int]:
    db.session.expire_all()
    return list(db.session.scalars(select(Invoice.sequence).where(Invoice.sentra_id == sentra_id)
                                   .order_by(Invoice.sequence)))


def test_30_quotes_accepted_at_once_get_invoice_numbers_1_to_30(app):
    sentra_id, partner_id, user_id, quote_ids = _open_quotes(PARALLEL)
    barrier = threading.Barrier(PARALLEL)
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        orders = list(pool.map(lambda q: _accept(app, partner_id, user_id, q, barrier), quote_ids))
    assert len(set(orders)) == PARALLEL
    assert _sequences(sentra_id) == list(range(1, PARALLEL + 1))
    numbers = db.session.scalars(select(Invoice.number).where(Invoice.sentra_id == sentra_id)).all()
    assert len(set(numbers)) == PARALLEL


def test_a_transaction_that_rolls_back_after_taking_a_number_leaves_no_gap(app):
    accepting = 10
    sentra_id, partner_id, user_id, quote_ids = _open_quotes(accepting)
    barrier = threading.Barrier(accepting + 1)
    year = today_wib().year

    def take_and_roll_back() -> int:
        with app.app_context():
            try:
                taken = next_sequence(sentra_id, year)  # holds the counter row while the others start
                barrier.wait(timeout=60)
                db.session.rollback()
                return taken
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=accepting + 1) as pool:
        rolled_back = pool.submit(take_and_roll_back)
        accepted = [pool.submit(_accept, app, partner_id, user_id, q, barrier) for q in quote_ids]
        assert rolled_back.result() == 1
        assert len({future.result() for future in accepted}) == accepting
    assert _sequences(sentra_id) == list(range(1, accepting + 1))
