"""Office adjustments: signed, never zero, always with a reason, audited, shown to the sentra."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from orders.ledger import payouts
from orders.ledger.services import balance_idr
from shop.audit.models import AuditEvent
from shop.extensions import db
from tests.factories import make_sentra, make_user
from tests.orders.ledger.ledger_helpers import completed_order, entries

CREDIT = 95_000


@pytest.fixture
def office():
    admin = make_user("office@example.test", admin=True)
    db.session.commit()
    return admin


@pytest.fixture
def sentra():
    sentra = make_sentra()
    completed_order(sentra, price=50_000, quantity=2)
    return sentra


@pytest.mark.parametrize("reason", ["", "   ", "abc"])
def test_an_adjustment_without_a_reason_is_refused_and_the_ledger_unchanged(office, sentra, reason):
    with pytest.raises(payouts.LedgerError) as caught:
        payouts.record_adjustment(sentra, office, 10_000, reason)
    db.session.rollback()
    assert (caught.value.status, caught.value.code) == (422, "reason_required")
    assert len(entries(sentra.id)) == 1 and balance_idr(sentra.id) == CREDIT


def test_an_adjustment_of_zero_is_refused(office, sentra):
    with pytest.raises(payouts.LedgerError) as caught:
        payouts.record_adjustment(sentra, office, 0, "Koreksi ongkir")
    assert caught.value.code == "invalid_amount"


def test_a_positive_adjustment_credits_and_a_negative_one_debits(office, sentra):
    payouts.record_adjustment(sentra, office, 12_500, "Ongkir yang belum dibayar")
    payouts.record_adjustment(sentra, office, -2_500, "Koreksi komisi bulan Mei")
    db.session.commit()
    credit, debit = entries(sentra.id)[1:]
    assert (credit.kind, credit.credit_idr, credit.debit_idr, credit.note) == (
        "adjustment", 12_500, 0, "Ongkir yang belum dibayar")
    assert (debit.credit_idr, debit.debit_idr, debit.created_by_id) == (0, 2_500, office.id)
    assert credit.dedupe_key != debit.dedupe_key
    assert balance_idr(sentra.id) == CREDIT + 10_000


def test_an_adjustment_may_take_the_balance_below_zero(office, sentra):
    payouts.record_adjustment(sentra, office, -(CREDIT + 1), "Pengembalian dana manual")
    db.session.commit()
    assert balance_idr(sentra.id) == -1


def test_an_adjustment_is_audited_with_its_reason(office, sentra):
    payouts.record_adjustment(sentra, office, -2_500, "Koreksi komisi bulan Mei")
    db.session.commit()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "adjustment.record"))
    assert (event.actor_id, event.target_id, event.details["amount_idr"], event.details["reason"]) == (
        office.id, str(sentra.id), -2_500, "Koreksi komisi bulan Mei")


def test_office_adjustment_page_without_a_reason_answers_422(client, auth, office, sentra):
    auth.login(office.email)
    response = client.post(f"/admin/keuangan/{sentra.id}/penyesuaian", data={"amount": "5000", "reason": ""})
    assert response.status_code == 422
    assert balance_idr(sentra.id) == CREDIT


def test_office_adjustment_page_records_a_signed_amount(client, auth, office, sentra):
    auth.login(office.email)
    response = client.post(f"/admin/keuangan/{sentra.id}/penyesuaian",
                           data={"amount": "-5.000", "reason": "Koreksi pesanan ganda"})
    assert response.status_code == 303
    assert balance_idr(sentra.id) == CREDIT - 5_000


def test_the_sentra_reads_the_adjustment_reason_on_its_statement(client, auth, office, sentra):
    payouts.record_adjustment(sentra, office, 1_000, "Bonus pameran kota")
    db.session.commit()
    auth.login(sentra.memberships[0].user.email)
    assert "Bonus pameran kota" in client.get(f"/kelola/{sentra.slug}/keuangan").get_data(as_text=True)
