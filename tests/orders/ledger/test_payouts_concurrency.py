"""Payouts of one sentra at once on PostgreSQL: the sentra row lock lets only what the balance allows.

Each thread works in its own app context (its own connection and transaction), as parallel
requests of two office staff do.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from orders.ledger import payouts
from orders.ledger.models import LedgerEntry, Payout
from orders.ledger.services import balance_idr
from shop.accounts.models import User
from shop.extensions import db
from shop.sentras.models import Sentra
from tests.factories import make_sentra, make_user
from tests.orders.ledger.ledger_helpers import completed_order

pytestmark = pytest.mark.postgres_only

PARALLEL = 10


def _pay(app, sentra_id: int, admin_id: int, amount: int, barrier: threading.Barrier) -> str:
    with app.app_context():
        try:
            sentra = db.session.get(Sentra, sentra_id)
            admin = db.session.get(User, admin_id)
            barrier.wait(timeout=60)
            try:
                payouts.record_payout(sentra, admin, amount, f"TRF-{threading.get_ident()}")
            except payouts.LedgerError as error:
                db.session.rollback()
                return error.code
            db.session.commit()
            return "ok"
        finally:
            db.session.remove()


def test_ten_parallel_payouts_of_60_percent_of_the_balance_let_exactly_one_through(app):
    sentra = make_sentra()
    completed_order(sentra, price=50_000, quantity=2)
    sentra.bank_name, sentra.bank_account_number, sentra.bank_account_holder = "BRI", "0123456789", "Sentra"
    admin = make_user(admin=True)
    db.session.commit()
    sentra_id, admin_id = sentra.id, admin.id
    balance = balance_idr(sentra_id)
    amount = balance * 60 // 100
    barrier = threading.Barrier(PARALLEL)
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        outcomes = list(pool.map(lambda _: _pay(app, sentra_id, admin_id, amount, barrier), range(PARALLEL)))
    assert sorted(outcomes) == ["exceeds_balance"] * (PARALLEL - 1) + ["ok"]
    db.session.expire_all()
    assert db.session.scalars(select(Payout.amount_idr).where(Payout.sentra_id == sentra_id)).all() == [amount]
    debits = db.session.scalars(select(LedgerEntry.debit_idr).where(LedgerEntry.sentra_id == sentra_id,
                                                                    LedgerEntry.kind == "payout")).all()
    assert debits == [amount]
    assert balance_idr(sentra_id) == balance - amount >= 0
