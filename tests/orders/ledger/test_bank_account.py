"""The sentra's bank account: the owner alone changes it, after entering the password again."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from orders.ledger import payouts
from shop.audit.models import AuditEvent
from shop.extensions import db
from shop.sentras.models import Role
from tests.factories import add_member, make_sentra, make_user
from tests.orders.orders_helpers import drain_all

PASSWORD = "correct-horse-battery"


@pytest.fixture
def sentra():
    sentra = make_sentra(owner=make_user("owner@example.test"))
    db.session.commit()
    return sentra


def _owner(sentra):
    return sentra.memberships[0].user


def _unchanged(sentra) -> bool:
    db.session.expire_all()
    return (sentra.bank_name, sentra.bank_account_number, sentra.bank_account_holder) == (None, None, None)


def test_the_owner_sets_the_account_with_the_password_and_the_number_loses_spaces_and_dashes(sentra):
    payouts.set_bank_account(sentra, _owner(sentra), PASSWORD, "BRI", "0123-01-000123 50 9", "Sentra Jati")
    db.session.commit()
    db.session.refresh(sentra)
    assert (sentra.bank_name, sentra.bank_account_number, sentra.bank_account_holder) == (
        "BRI", "012301000123509", "Sentra Jati")


def test_a_wrong_password_is_refused_and_nothing_changes(sentra):
    with pytest.raises(payouts.LedgerError) as caught:
        payouts.set_bank_account(sentra, _owner(sentra), "wrong-password!", "BRI", "0123456789", "Sentra Jati")
    db.session.rollback()
    assert (caught.value.status, caught.value.code) == (422, "wrong_password")
    assert _unchanged(sentra)


def test_a_manager_may_not_change_the_account(sentra):
    manager = add_member(sentra, make_user(), Role.MANAGER).user
    with pytest.raises(payouts.LedgerPermissionError) as caught:
        payouts.set_bank_account(sentra, manager, PASSWORD, "BRI", "0123456789", "Sentra Jati")
    assert caught.value.status == 403
    assert _unchanged(sentra)


@pytest.mark.parametrize(("number", "field"), [("1234", "account_number"), ("12345abc", "account_number"),
                                               ("1" * 35, "account_number")])
def test_an_account_number_has_5_to_34_digits(sentra, number, field):
    with pytest.raises(payouts.LedgerError) as caught:
        payouts.set_bank_account(sentra, _owner(sentra), PASSWORD, "BRI", number, "Sentra Jati")
    assert caught.value.fields == {field: "invalid"}


def test_bank_and_holder_names_are_required(sentra):
    with pytest.raises(payouts.LedgerError) as caught:
        payouts.set_bank_account(sentra, _owner(sentra), PASSWORD, " ", "0123456789", "")
    assert set(caught.value.fields) == {"bank_name", "account_holder"}


def test_the_change_is_audited_with_the_last_four_digits_only_and_the_owner_is_emailed(sentra, mail_outbox):
    payouts.set_bank_account(sentra, _owner(sentra), PASSWORD, "BNI", "9876543210", "Sentra Jati")
    db.session.commit()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sentra.bank_account"))
    assert event.actor_id == _owner(sentra).id and event.details["account"].endswith("3210")
    assert "9876543210" not in str(event.details) + event.summary
    drain_all()
    assert [m["To"] for m in mail_outbox] == ["owner@example.test"]
    body = mail_outbox[0].get_content()
    assert "3210" in body and "9876543210" not in body


def test_the_page_without_the_password_answers_422_and_changes_nothing(client, auth, sentra):
    auth.login("owner@example.test")
    response = client.post(f"/kelola/{sentra.slug}/keuangan/rekening", data={
        "bank_name": "BRI", "account_number": "0123456789", "account_holder": "Sentra Jati"})
    assert response.status_code == 422
    assert _unchanged(sentra)


def test_the_page_with_a_wrong_password_answers_422_and_changes_nothing(client, auth, sentra):
    auth.login("owner@example.test")
    response = client.post(f"/kelola/{sentra.slug}/keuangan/rekening", data={
        "bank_name": "BRI", "account_number": "0123456789", "account_holder": "Sentra Jati",
        "password": "not-my-password"})
    assert response.status_code == 422
    assert _unchanged(sentra)


def test_the_page_with_the_password_saves_the_account(client, auth, sentra):
    auth.login("owner@example.test")
    response = client.post(f"/kelola/{sentra.slug}/keuangan/rekening", data={
        "bank_name": "BRI", "account_number": "0123 4567 89", "account_holder": "Sentra Jati", "password": PASSWORD})
    assert response.status_code == 303
    db.session.refresh(sentra)
    assert sentra.bank_account_number == "0123456789"


@pytest.mark.parametrize("role", [Role.MANAGER, Role.MEMBER])
def test_the_page_is_403_for_anyone_but_the_owner(client, auth, sentra, role):
    add_member(sentra, make_user("someone@example.test"), role)
    db.session.commit()
    auth.login("someone@example.test")
    assert client.get(f"/kelola/{sentra.slug}/keuangan/rekening").status_code == 403
    response = client.post(f"/kelola/{sentra.slug}/keuangan/rekening", data={
        "bank_name": "BRI", "account_number": "0123456789", "account_holder": "X", "password": PASSWORD})
    assert response.status_code == 403
    assert _unchanged(sentra)


def test_the_owner_sees_the_form_with_the_current_account_masked(client, auth, sentra):
    sentra.bank_name, sentra.bank_account_number, sentra.bank_account_holder = "BRI", "0123456789", "Sentra Jati"
    db.session.commit()
    auth.login("owner@example.test")
    page = client.get(f"/kelola/{sentra.slug}/keuangan/rekening")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "6789" in text and "0123456789" not in text and 'type="password"' in text
