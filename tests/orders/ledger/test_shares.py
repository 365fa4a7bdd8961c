"""Members' shares of a payout: current members only, summing to at most the payout, by managers."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from orders.ledger import payouts
from orders.ledger.models import PayoutShare
from shop.extensions import db
from shop.sentras.models import Role
from tests.factories import add_member, make_sentra, make_user
from tests.orders.ledger.ledger_helpers import completed_order


def _paid_out(kelurahan_code: str = "32.75.08.1001", amount: int = 90_000):
    """A sentra (owner, a manager, a member) with one payout of ``amount``: (sentra, payout, manager, member)."""
    sentra = make_sentra(kelurahan_code)
    manager = add_member(sentra, make_user(), Role.MANAGER).user
    member = add_member(sentra, make_user()).user
    completed_order(sentra, price=50_000, quantity=2)
    sentra.bank_name, sentra.bank_account_number, sentra.bank_account_holder = "BRI", "0123456789", "Sentra"
    payout = payouts.record_payout(sentra, make_user(admin=True), amount, "TRF-1")
    db.session.commit()
    return sentra, payout, manager, member


def _shares(payout_id: int) -> dict[int, int]:
    db.session.expire_all()
    return {s.user_id: s.amount_idr for s in db.session.scalars(select(PayoutShare)
                                                                 .where(PayoutShare.payout_id == payout_id))}


def test_a_manager_records_shares_summing_to_at_most_the_payout():
    sentra, payout, manager, member = _paid_out()
    payouts.record_shares(sentra, manager, payout.id, {manager.id: 40_000, member.id: 50_000})
    db.session.commit()
    assert _shares(payout.id) == {manager.id: 40_000, member.id: 50_000}


def test_shares_above_the_payout_are_refused_and_the_earlier_ones_kept():
    sentra, payout, manager, member = _paid_out()
    payouts.record_shares(sentra, manager, payout.id, {member.id: 30_000})
    db.session.commit()
    with pytest.raises(payouts.LedgerError) as caught:
        payouts.record_shares(sentra, manager, payout.id, {manager.id: 40_000, member.id: 50_001})
    db.session.rollback()
    assert (caught.value.status, caught.value.code) == (422, "shares_exceed_payout")
    assert caught.value.fields == {"total_idr": 90_001, "payout_idr": 90_000}
    assert _shares(payout.id) == {member.id: 30_000}


def test_a_share_for_someone_who_is_not_a_member_is_refused():
    sentra, payout, manager, _member = _paid_out()
    outsider = make_user()
    with pytest.raises(payouts.LedgerError) as caught:
        payouts.record_shares(sentra, manager, payout.id, {outsider.id: 10_000})
    assert (caught.value.status, caught.value.code, caught.value.fields) == (
        422, "not_a_member", {str(outsider.id): "not_a_member"})
    assert _shares(payout.id) == {}


def test_a_member_of_another_sentra_is_not_a_member_here():
    sentra, payout, manager, _member = _paid_out()
    other = make_sentra("32.75.01.1001")
    with pytest.raises(payouts.LedgerError) as caught:
        payouts.record_shares(sentra, manager, payout.id, {other.memberships[0].user_id: 10_000})
    assert caught.value.code == "not_a_member"


@pytest.mark.parametrize("amount", [-1, 1.5, "100", True])
def test_share_amounts_are_whole_rupiah_of_zero_or_more(amount):
    sentra, payout, manager, member = _paid_out()
    with pytest.raises(payouts.LedgerError) as caught:
        payouts.record_shares(sentra, manager, payout.id, {member.id: amount})
    assert caught.value.code == "invalid_amount"


def test_recording_again_replaces_the_shares_and_zero_is_not_kept():
    sentra, payout, manager, member = _paid_out()
    payouts.record_shares(sentra, manager, payout.id, {manager.id: 40_000, member.id: 50_000})
    db.session.commit()
    payouts.record_shares(sentra, manager, payout.id, {manager.id: 0, member.id: 70_000})
    db.session.commit()
    assert _shares(payout.id) == {member.id: 70_000}


def test_a_plain_member_may_not_record_shares():
    sentra, payout, _manager, member = _paid_out()
    with pytest.raises(payouts.LedgerPermissionError):
        payouts.record_shares(sentra, member, payout.id, {member.id: 90_000})


def test_another_sentras_payout_is_not_found():
    sentra_a, _payout_a, manager_a, _ = _paid_out()
    _sentra_b, payout_b, _, member_b = _paid_out("32.75.01.1001")
    with pytest.raises(payouts.LedgerNotFoundError) as caught:
        payouts.record_shares(sentra_a, manager_a, payout_b.id, {})
    assert caught.value.status == 404
    with pytest.raises(payouts.LedgerNotFoundError):
        payouts.load_payout(sentra_a.id, payout_b.id)


# --- pages ------------------------------------------------------------------------------------------------


def test_the_shares_page_saves_one_amount_per_member(client, auth):
    sentra, payout, manager, member = _paid_out()
    owner = sentra.memberships[0].user
    auth.login(manager.email)
    page = client.get(f"/kelola/{sentra.slug}/keuangan/pencairan/{payout.id}")
    assert page.status_code == 200
    assert all(f'name="share_{u.id}"'.encode() in page.data for u in (owner, manager, member))
    response = client.post(f"/kelola/{sentra.slug}/keuangan/pencairan/{payout.id}/bagi",
                           data={f"share_{member.id}": "60.000", f"share_{manager.id}": "30000"})
    assert response.status_code == 303
    assert _shares(payout.id) == {member.id: 60_000, manager.id: 30_000}


def test_the_shares_page_refuses_a_sum_above_the_payout_with_422(client, auth):
    sentra, payout, manager, member = _paid_out()
    auth.login(manager.email)
    response = client.post(f"/kelola/{sentra.slug}/keuangan/pencairan/{payout.id}/bagi",
                           data={f"share_{member.id}": "60000", f"share_{manager.id}": "30001"})
    assert response.status_code == 422
    assert b"flash-error" in response.data
    assert _shares(payout.id) == {}


def test_a_plain_member_sees_the_payout_but_may_not_post_shares(client, auth):
    sentra, payout, _manager, member = _paid_out()
    auth.login(member.email)
    page = client.get(f"/kelola/{sentra.slug}/keuangan/pencairan/{payout.id}")
    assert page.status_code == 200 and b'name="share_' not in page.data
    response = client.post(f"/kelola/{sentra.slug}/keuangan/pencairan/{payout.id}/bagi",
                           data={f"share_{member.id}": "90000"})
    assert response.status_code == 403
    assert _shares(payout.id) == {}


def test_another_sentras_payout_id_under_my_slug_is_404(client, auth):
    sentra_a, _payout_a, manager_a, _ = _paid_out()
    _sentra_b, payout_b, _, member_b = _paid_out("32.75.01.1001")
    auth.login(manager_a.email)
    assert client.get(f"/kelola/{sentra_a.slug}/keuangan/pencairan/{payout_b.id}").status_code == 404
    response = client.post(f"/kelola/{sentra_a.slug}/keuangan/pencairan/{payout_b.id}/bagi",
                           data={f"share_{manager_a.id}": "1000"})
    assert response.status_code == 404
    assert _shares(payout_b.id) == {}
