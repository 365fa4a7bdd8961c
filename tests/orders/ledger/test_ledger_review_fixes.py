"""Fixes from a review of the money code, each with the scenario that showed it."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from orders.core import lifecycle
from orders.core.models import OrderStatus
from orders.core.status import transition
from orders.ledger import payouts
from orders.ledger.models import LedgerEntry, PayoutShare
from orders.ledger.services import balance_idr
from orders.payments.services import complete_refund
from shop.extensions import db
from shop.sentras.models import SentraMembership
from tests.factories import make_sentra, make_user
from tests.orders.ledger.ledger_helpers import completed_order, entries
from tests.orders.ledger.test_shares import _paid_out


def test_an_order_with_a_refund_waiting_is_credited_only_once_the_refund_is_paid(app):
    sentra = make_sentra()
    order = completed_order(sentra, price=50_000, quantity=2, complete=False)
    refund = lifecycle.refund(order, None, "barang rusak", current_app.config)  # a transfer: pending at the office
    transition(order, OrderStatus.COMPLETED, None, "settled")
    db.session.commit()
    assert entries(sentra.id) == []  # nothing the office could pay out before the buyer is refunded
    complete_refund(refund, "TRF-77", None)
    db.session.commit()
    assert [e.kind for e in entries(sentra.id)] == ["order_credit", "refund"]
    assert balance_idr(sentra.id) == 0


def _office(client, auth):
    office = make_user(admin=True)
    db.session.commit()
    auth.login(office.email)
    return office


def test_an_indonesian_decimal_comma_is_not_read_as_thousands(app, client, auth):
    sentra = make_sentra()
    _office(client, auth)
    response = client.get(f"/admin/keuangan/{sentra.id}/penyesuaian")
    assert response.status_code == 200
    client.post(f"/admin/keuangan/{sentra.id}/penyesuaian",
                data={"amount": "Rp 25.000,00", "reason": "koreksi ongkir", "token": "a" * 32})
    assert balance_idr(sentra.id) == 25_000


def test_the_same_adjustment_form_sent_twice_records_one_adjustment(app, client, auth):
    sentra = make_sentra()
    _office(client, auth)
    for _ in range(2):
        client.post(f"/admin/keuangan/{sentra.id}/penyesuaian",
                    data={"amount": "25000", "reason": "koreksi ongkir", "token": "b" * 32})
    assert len(entries(sentra.id)) == 1 and balance_idr(sentra.id) == 25_000


def test_shares_of_a_member_who_has_left_are_kept_when_shares_are_saved_again(app):
    sentra, payout, manager, member = _paid_out()
    payouts.record_shares(sentra, manager, payout.id, {manager.id: 40_000, member.id: 50_000})
    db.session.execute(SentraMembership.__table__.delete().where(SentraMembership.user_id == member.id))
    db.session.commit()
    payouts.record_shares(sentra, manager, payout.id, {manager.id: 30_000})
    db.session.commit()
    shares = {s.user_id: s.amount_idr for s in db.session.scalars(select(PayoutShare))}
    assert shares == {manager.id: 30_000, member.id: 50_000}


def test_dates_far_outside_the_calendar_are_a_400_not_a_500(app, client, auth):
    sentra = make_sentra()
    _office(client, auth)
    assert client.get("/admin/audit.csv?from=0001-01-01").status_code == 400
    assert client.get("/admin/audit?to=9999-12-31").status_code == 400
    owner = sentra.memberships[0].user
    db.session.commit()
    auth.login(owner.email)
    assert client.get(f"/kelola/{sentra.slug}/keuangan?from=0001-01-01").status_code == 400
    assert db.session.scalar(select(db.func.count()).select_from(LedgerEntry)) == 0
