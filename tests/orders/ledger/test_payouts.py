"""Payouts: only to a bank account, never above the balance, debited once, audited and announced."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from orders.ledger import payouts
from orders.ledger.models import LedgerEntry, Payout
from orders.ledger.services import balance_idr
from shop.audit.models import AuditEvent
from shop.extensions import db
from shop.sentras.models import Role
from tests.factories import add_member, make_sentra, make_user
from tests.orders.ledger.ledger_helpers import completed_order, entries
from tests.orders.orders_helpers import drain_all

CREDIT = 100_000 - 5_000  # 2 x Rp50.000, 5 % commission, picked up (no delivery fee)


def funded_sentra(kelurahan_code: str = "32.75.08.1001", *, bank: bool = True):
    """A sentra credited Rp95.000 by one completed transfer order, with a bank account when ``bank``."""
    sentra = make_sentra(kelurahan_code)
    completed_order(sentra, paid="bank_transfer", price=50_000, quantity=2)
    if bank:
        sentra.bank_name, sentra.bank_account_number, sentra.bank_account_holder = "BRI", "0123456789012", "Sentra X"
    db.session.commit()
    return sentra


@pytest.fixture
def office():
    admin = make_user("office@example.test", admin=True)
    db.session.commit()
    return admin


def _snapshot(sentra_id: int) -> list[tuple]:
    return [(e.kind, e.credit_idr, e.debit_idr) for e in entries(sentra_id)]


def test_payout_larger_than_the_balance_is_refused_and_the_ledger_unchanged(office):
    sentra = funded_sentra()
    before = _snapshot(sentra.id)
    with pytest.raises(payouts.LedgerError) as caught:
        payouts.record_payout(sentra, office, CREDIT + 1, "TRF-1")
    db.session.rollback()
    assert (caught.value.status, caught.value.code, caught.value.fields) == (422, "exceeds_balance",
                                                                              {"available_idr": CREDIT})
    assert _snapshot(sentra.id) == before
    assert db.session.scalar(select(func.count(Payout.id))) == 0


def test_payout_without_a_bank_account_is_refused(office):
    sentra = funded_sentra(bank=False)
    with pytest.raises(payouts.LedgerError) as caught:
        payouts.record_payout(sentra, office, 10_000, "TRF-1")
    db.session.rollback()
    assert (caught.value.status, caught.value.code) == (422, "no_bank_account")
    assert balance_idr(sentra.id) == CREDIT


@pytest.mark.parametrize("amount", [0, -5, True, "10000"])
def test_payout_amount_must_be_a_positive_int(office, amount):
    sentra = funded_sentra()
    with pytest.raises(payouts.LedgerError) as caught:
        payouts.record_payout(sentra, office, amount, "TRF-1")
    assert caught.value.code == "invalid_amount"


def test_payout_needs_a_reference(office):
    sentra = funded_sentra()
    with pytest.raises(payouts.LedgerError) as caught:
        payouts.record_payout(sentra, office, 10_000, "  ")
    assert caught.value.code == "reference_required"


def test_payout_debits_the_balance_which_stays_the_sum_of_the_entries(office):
    sentra = funded_sentra()
    payout = payouts.record_payout(sentra, office, 60_000, "TRF-20240501-1", "first payout")
    db.session.commit()
    assert balance_idr(sentra.id) == CREDIT - 60_000 == sum(e.credit_idr - e.debit_idr for e in entries(sentra.id))
    entry = entries(sentra.id)[-1]
    assert (entry.kind, entry.debit_idr, entry.payout_id, entry.dedupe_key, entry.created_by_id) == (
        "payout", 60_000, payout.id, f"payout:{payout.id}", office.id)
    assert (payout.bank_name, payout.account_number, payout.account_holder, payout.reference) == (
        "BRI", "0123456789012", "Sentra X", "TRF-20240501-1")


def test_a_payout_keeps_the_bank_details_it_went_to(office):
    sentra = funded_sentra()
    payout = payouts.record_payout(sentra, office, 10_000, "TRF-1")
    sentra.bank_account_number = "99999"
    db.session.commit()
    db.session.refresh(payout)
    assert payout.account_number == "0123456789012"


def test_the_whole_balance_can_be_paid_out_and_then_nothing_more(office):
    sentra = funded_sentra()
    payouts.record_payout(sentra, office, CREDIT, "TRF-1")
    db.session.commit()
    with pytest.raises(payouts.LedgerError) as caught:
        payouts.record_payout(sentra, office, 1, "TRF-2")
    assert caught.value.fields == {"available_idr": 0}


def test_a_payout_is_audited_without_the_full_account_number(office):
    sentra = funded_sentra()
    payout = payouts.record_payout(sentra, office, 10_000, "TRF-1")
    db.session.commit()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "payout.record"))
    assert (event.actor_id, event.target_type, event.target_id) == (office.id, "sentra", str(sentra.id))
    assert event.details["payout_id"] == payout.id and event.details["amount_idr"] == 10_000
    assert "0123456789012" not in str(event.details) + event.summary


def test_a_payout_emails_the_owner_and_managers_but_not_plain_members(office, mail_outbox):
    sentra = funded_sentra()
    manager = add_member(sentra, make_user("manager@example.test"), Role.MANAGER).user
    add_member(sentra, make_user("member@example.test"))
    db.session.commit()
    drain_all()  # the order's own emails
    mail_outbox.clear()
    payout = payouts.record_payout(sentra, office, 10_000, "TRF-777")
    db.session.commit()
    drain_all()
    to = sorted(message["To"] for message in mail_outbox)
    owner = next(m.user for m in sentra.memberships if m.role == Role.OWNER)  # the list has no order
    assert to == sorted([owner.email, manager.email])
    body = mail_outbox[0].get_content()
    assert "TRF-777" in body and f"/keuangan/pencairan/{payout.id}" in body and "0123456789012" not in body


def test_a_payout_form_sent_twice_is_refused_the_second_time(office):
    sentra = funded_sentra()
    seen = balance_idr(sentra.id)
    payouts.record_payout(sentra, office, 10_000, "TRF-1", expected_balance_idr=seen)
    db.session.commit()
    with pytest.raises(payouts.BalanceChangedError) as caught:
        payouts.record_payout(sentra, office, 10_000, "TRF-1", expected_balance_idr=seen)
    assert caught.value.status == 409
    db.session.rollback()
    assert db.session.scalar(select(func.count(Payout.id))) == 1


def test_a_payout_to_an_account_the_office_did_not_see_is_refused(office):
    sentra = funded_sentra()
    seen = payouts.account_fingerprint(sentra)
    sentra.bank_account_number = "9999999999"  # the owner changed it while the office's form was open
    db.session.commit()
    before = _snapshot(sentra.id)
    with pytest.raises(payouts.BankAccountChangedError) as caught:
        payouts.record_payout(sentra, office, 10_000, "TRF-1", expected_account=seen)
    db.session.rollback()
    assert (caught.value.status, caught.value.code) == (409, "bank_account_changed")
    assert _snapshot(sentra.id) == before
    payouts.record_payout(sentra, office, 10_000, "TRF-1", expected_account=payouts.account_fingerprint(sentra))
    db.session.commit()
    assert db.session.scalar(select(Payout.account_number)) == "9999999999"


# --- the office's pages ---------------------------------------------------------------------------------


def test_office_records_a_payout_on_the_page(client, auth, office):
    sentra = funded_sentra()
    auth.login(office.email)
    page = client.get(f"/admin/keuangan/{sentra.id}/pencairan")
    assert page.status_code == 200 and f'value="{CREDIT}"'.encode() in page.data  # prefilled with the balance
    response = client.post(f"/admin/keuangan/{sentra.id}/pencairan", data={
        "amount": "50.000", "reference": "TRF-9", "balance_seen": str(CREDIT),
        "account_seen": payouts.account_fingerprint(sentra), "confirm": "y"})
    assert response.status_code == 303
    assert balance_idr(sentra.id) == CREDIT - 50_000


def test_office_payout_without_the_account_it_saw_is_refused(client, auth, office):
    sentra = funded_sentra()
    auth.login(office.email)
    response = client.post(f"/admin/keuangan/{sentra.id}/pencairan", data={  # e.g. a page from an older version
        "amount": "50000", "reference": "TRF-9", "balance_seen": str(CREDIT), "confirm": "y"})
    assert response.status_code == 409
    assert f'value="{payouts.account_fingerprint(sentra)}"'.encode() in response.data
    assert balance_idr(sentra.id) == CREDIT


def test_office_payout_page_refuses_when_the_account_changed_meanwhile_and_shows_the_new_one(client, auth, office):
    sentra = funded_sentra()
    auth.login(office.email)
    client.post("/bahasa", data={"lang": "en"})
    page = client.get(f"/admin/keuangan/{sentra.id}/pencairan")
    seen = payouts.account_fingerprint(sentra)
    assert f'value="{seen}"'.encode() in page.data
    sentra.bank_account_number = "9999999999"
    db.session.commit()
    response = client.post(f"/admin/keuangan/{sentra.id}/pencairan", data={
        "amount": "50000", "reference": "TRF-9", "balance_seen": str(CREDIT), "account_seen": seen, "confirm": "y"})
    assert response.status_code == 409
    assert b"bank account changed" in response.data
    assert f'value="{payouts.account_fingerprint(sentra)}"'.encode() in response.data  # the next send is checked anew
    assert balance_idr(sentra.id) == CREDIT


def test_office_payout_page_needs_the_confirmation(client, auth, office):
    sentra = funded_sentra()
    auth.login(office.email)
    response = client.post(f"/admin/keuangan/{sentra.id}/pencairan", data={
        "amount": "50000", "reference": "TRF-9", "balance_seen": str(CREDIT)})
    assert response.status_code == 422
    assert balance_idr(sentra.id) == CREDIT


def test_office_payout_page_refuses_more_than_the_balance_with_422(client, auth, office):
    sentra = funded_sentra()
    auth.login(office.email)
    before = _snapshot(sentra.id)
    response = client.post(f"/admin/keuangan/{sentra.id}/pencairan", data={
        "amount": str(CREDIT + 1), "reference": "TRF-9", "balance_seen": str(CREDIT),
        "account_seen": payouts.account_fingerprint(sentra), "confirm": "y"})
    assert response.status_code == 422
    assert _snapshot(sentra.id) == before


def test_office_sees_balances_due_with_bank_and_last_payout(client, auth, office):
    paid = funded_sentra()
    payouts.record_payout(paid, office, 5_000, "TRF-1")
    no_bank = funded_sentra("32.75.01.1001", bank=False)
    empty = make_sentra("32.75.02.1001")
    db.session.commit()
    due = {row.sentra.id: row for row in payouts.balances_due()}
    assert set(due) == {paid.id, no_bank.id} and empty.id not in due
    assert (due[paid.id].balance_idr, due[paid.id].has_bank_account, due[paid.id].last_payout_idr) == (
        CREDIT - 5_000, True, 5_000)
    assert (due[no_bank.id].has_bank_account, due[no_bank.id].last_payout_at) == (False, None)
    auth.login(office.email)
    page = client.get("/admin/keuangan")
    assert page.status_code == 200
    assert f"/admin/keuangan/{paid.id}/pencairan".encode() in page.data
    assert f"/admin/keuangan/{no_bank.id}/pencairan".encode() not in page.data


def test_export_batch_lists_unexported_payouts_once_and_marks_them(client, auth, office):
    first = funded_sentra()
    second = funded_sentra("32.75.01.1001")
    a = payouts.record_payout(first, office, 10_000, "TRF-A")
    b = payouts.record_payout(second, office, 20_000, "TRF-B")
    db.session.commit()
    auth.login(office.email)
    response = client.post("/admin/keuangan/ekspor", data={"confirm": "y"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["payout_id"], r["amount_idr"], r["reference"], r["account_number"]) for r in rows] == [
        (str(a.id), "10000", "TRF-A", "0123456789012"), (str(b.id), "20000", "TRF-B", "0123456789012")]
    assert list(rows[0]) == list(payouts.BATCH_COLUMNS)
    db.session.expire_all()
    assert all(p.exported_at is not None for p in db.session.scalars(select(Payout)))
    again = client.post("/admin/keuangan/ekspor", data={"confirm": "y"})
    assert again.status_code == 303  # nothing left to export
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "payout.export")).all()
    assert len(audit) == 1 and audit[0].details["payout_ids"] == [a.id, b.id]


def test_export_of_ticked_payouts_takes_exactly_those_even_if_exported(client, auth, office):
    sentra = funded_sentra()
    a = payouts.record_payout(sentra, office, 10_000, "TRF-A")
    payouts.record_payout(sentra, office, 20_000, "TRF-B")
    db.session.commit()
    payouts.export_batch(office)
    db.session.commit()
    auth.login(office.email)
    response = client.post("/admin/keuangan/ekspor", data={"confirm": "y", "payout_ids": [str(a.id)]})
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["payout_id"] for r in rows] == [str(a.id)]


def test_export_without_confirmation_changes_nothing(client, auth, office):
    sentra = funded_sentra()
    payouts.record_payout(sentra, office, 10_000, "TRF-A")
    db.session.commit()
    auth.login(office.email)
    assert client.post("/admin/keuangan/ekspor", data={}).status_code == 303
    db.session.expire_all()
    assert db.session.scalar(select(Payout.exported_at)) is None


def test_a_bank_batch_cell_cannot_start_a_spreadsheet_formula(office):
    sentra = funded_sentra()
    sentra.bank_account_holder = "=HYPERLINK(\"http://evil\")"
    db.session.commit()
    payouts.record_payout(sentra, office, 10_000, "TRF-A")
    text = payouts.export_batch(office)
    assert "'=HYPERLINK" in text


@pytest.mark.parametrize(("typed", "stored"), [("4,5", 450), ("7", 700), ("0.25", 25), ("", None)])
def test_office_sets_the_commission_in_percent(client, auth, office, typed, stored):
    sentra = make_sentra()
    sentra.commission_rate_bp = 300
    db.session.commit()
    auth.login(office.email)
    response = client.post(f"/admin/keuangan/{sentra.id}/komisi", data={"rate": typed})
    assert response.status_code == 303
    db.session.refresh(sentra)
    assert sentra.commission_rate_bp == stored
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sentra.commission"))
    assert (event.details["before_bp"], event.details["after_bp"]) == (300, stored)


@pytest.mark.parametrize("typed", ["60", "4.555", "abc", "-1"])
def test_office_commission_outside_0_to_50_percent_or_malformed_is_refused(client, auth, office, typed):
    sentra = make_sentra()
    db.session.commit()
    auth.login(office.email)
    assert client.post(f"/admin/keuangan/{sentra.id}/komisi", data={"rate": typed}).status_code == 422
    db.session.refresh(sentra)
    assert sentra.commission_rate_bp is None


def test_every_office_money_page_is_403_for_a_sentra_owner(client, auth):
    sentra = funded_sentra()
    owner = sentra.memberships[0].user
    auth.login(owner.email)
    for method, url in [("GET", "/admin/keuangan"), ("GET", f"/admin/keuangan/{sentra.id}"),
                        ("GET", f"/admin/keuangan/{sentra.id}/pencairan"),
                        ("POST", f"/admin/keuangan/{sentra.id}/pencairan"),
                        ("GET", f"/admin/keuangan/{sentra.id}/penyesuaian"),
                        ("POST", f"/admin/keuangan/{sentra.id}/penyesuaian"),
                        ("POST", "/admin/keuangan/ekspor"),
                        ("GET", f"/admin/keuangan/{sentra.id}/komisi"),
                        ("POST", f"/admin/keuangan/{sentra.id}/komisi")]:
        response = client.open(url, method=method, data={"amount": "1000", "reference": "x", "confirm": "y",
                                                          "reason": "because of it", "rate": "1"})
        assert response.status_code == 403, (method, url)
    assert balance_idr(sentra.id) == CREDIT
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == 1


def test_office_money_pages_render_for_a_sentra_with_payouts(client, auth, office):
    sentra = funded_sentra()
    payouts.record_payout(sentra, office, 5_000, "TRF-RENDER")
    db.session.commit()
    auth.login(office.email)
    for url in ["/admin/keuangan", f"/admin/keuangan/{sentra.id}"]:  # the payout is listed / on the statement
        response = client.get(url)
        assert response.status_code == 200 and b"TRF-RENDER" in response.data, url
    for url in [f"/admin/keuangan/{sentra.id}/pencairan", f"/admin/keuangan/{sentra.id}/penyesuaian",
                f"/admin/keuangan/{sentra.id}/komisi"]:
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/keuangan/999999/pencairan").status_code == 404
