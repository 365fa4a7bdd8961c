"""Deciding quotes and approvals on the partner's pages: orders, approvals and clear refusals (never a 500)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from orders.b2b.invoices import today_wib
from orders.b2b.models import ApprovalStatus, PurchaseApproval, QuoteStatus, RfqStatus
from orders.core.models import Order, OrderStatus
from shop.extensions import db
from tests.factories import make_sentra
from tests.orders.b2b.b2b_helpers import partner_team, send_quote
from tests.orders.b2b.partner_pages_helpers import SMALL_LINE, login, quoted_rfq


def _orders() -> int:
    return db.session.scalar(select(func.count()).select_from(Order))


def _accept(client, quote, payment: str = "bank_transfer"):
    return client.post(f"/mitra/penawaran/{quote.id}/terima", data={"payment": payment}, follow_redirects=True)


def test_the_confirmation_shows_the_total_and_offers_terms_only_when_enabled(client, auth):
    partner, owner, _staff = partner_team()
    _rfq, quote = quoted_rfq(partner, owner, make_sentra(), lines=[SMALL_LINE])
    login(client, auth, owner)
    body = client.get(f"/mitra/penawaran/{quote.id}/terima").get_data(as_text=True)
    assert "Rp2,025,000" in body and 'value="bank_transfer"' in body and 'value="terms"' not in body
    partner.terms_days, partner.credit_limit_idr = 30, 5_000_000
    db.session.commit()
    body = client.get(f"/mitra/penawaran/{quote.id}/terima").get_data(as_text=True)
    assert 'value="terms"' in body and "Credit available: Rp5,000,000 of Rp5,000,000" in body


def test_accepting_below_the_threshold_makes_the_order_and_shows_where_to_pay(client, auth):
    partner, _owner, staff = partner_team(threshold=10_000_000)
    rfq, quote = quoted_rfq(partner, staff, make_sentra(), lines=[SMALL_LINE])
    login(client, auth, staff)
    response = _accept(client, quote)
    order = db.session.scalar(select(Order))
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and order.partner_id == partner.id
    assert response.request.path == f"/mitra/pesanan/{order.number}"
    assert f"order {order.number} is made" in body and f"/checkout/{order.checkout_id}/bayar" in body
    assert order.status == OrderStatus.PENDING_PAYMENT and order.total_idr == quote.total_idr
    db.session.refresh(rfq)
    assert rfq.status == RfqStatus.ACCEPTED


def test_accepting_on_terms_places_the_order(client, auth):
    partner, owner, _staff = partner_team(terms_days=14, credit_limit=10_000_000)
    _rfq, quote = quoted_rfq(partner, owner, make_sentra(), lines=[SMALL_LINE])
    login(client, auth, owner)
    body = _accept(client, quote, "terms").get_data(as_text=True)
    assert "placed on payment terms" in body
    assert db.session.scalar(select(Order.status)) == OrderStatus.PLACED


def test_terms_beyond_the_credit_limit_is_a_clear_message(client, auth):
    partner, owner, _staff = partner_team(terms_days=14, credit_limit=1_000_000)
    _rfq, quote = quoted_rfq(partner, owner, make_sentra(), lines=[SMALL_LINE])
    login(client, auth, owner)
    response = _accept(client, quote, "terms")
    assert response.status_code == 200
    assert "over your credit limit: Rp1,000,000 of it is left" in response.get_data(as_text=True)
    assert _orders() == 0


def test_terms_when_not_enabled_is_a_clear_message(client, auth):
    partner, owner, _staff = partner_team()
    _rfq, quote = quoted_rfq(partner, owner, make_sentra(), lines=[SMALL_LINE])
    login(client, auth, owner)
    body = _accept(client, quote, "terms").get_data(as_text=True)
    assert "Payment terms are not enabled" in body and _orders() == 0


def test_accepting_above_the_threshold_asks_a_manager(client, auth):
    partner, _owner, staff = partner_team(threshold=1_000_000)
    _rfq, quote = quoted_rfq(partner, staff, make_sentra(), lines=[SMALL_LINE])
    login(client, auth, staff)
    body = _accept(client, quote).get_data(as_text=True)
    assert "Sent to a manager for approval" in body
    approval = db.session.scalar(select(PurchaseApproval))
    assert approval.status == ApprovalStatus.PENDING and approval.requested_by_id == staff.id
    assert _orders() == 0


def test_staff_cannot_approve_their_own_purchase(client, auth):
    partner, _owner, staff = partner_team(threshold=1_000_000)
    _rfq, quote = quoted_rfq(partner, staff, make_sentra(), lines=[SMALL_LINE])
    login(client, auth, staff)
    _accept(client, quote)
    approval = db.session.scalar(select(PurchaseApproval))
    page = client.get("/mitra/persetujuan").get_data(as_text=True)
    assert f"/mitra/persetujuan/{approval.id}/setujui" not in page
    response = client.post(f"/mitra/persetujuan/{approval.id}/setujui", data={}, follow_redirects=True)
    assert response.status_code == 200
    assert "Only a manager or the owner approves" in response.get_data(as_text=True)
    db.session.refresh(approval)
    assert approval.status == ApprovalStatus.PENDING and _orders() == 0


def test_a_manager_cannot_approve_what_they_prepared(client, auth):
    partner, owner, _staff = partner_team(threshold=1_000_000)
    _rfq, quote = quoted_rfq(partner, owner, make_sentra(), lines=[SMALL_LINE])
    login(client, auth, owner)
    _accept(client, quote)
    approval = db.session.scalar(select(PurchaseApproval))
    response = client.post(f"/mitra/persetujuan/{approval.id}/setujui", data={}, follow_redirects=True)
    assert "A manager other than the person who prepared it must approve" in response.get_data(as_text=True)
    assert _orders() == 0


def test_a_manager_approves_and_the_order_is_made_for_the_preparer(client, auth):
    partner, owner, staff = partner_team(threshold=1_000_000)
    _rfq, quote = quoted_rfq(partner, staff, make_sentra(), lines=[SMALL_LINE])
    login(client, auth, staff)
    _accept(client, quote)
    approval = db.session.scalar(select(PurchaseApproval))
    client.post("/logout")
    login(client, auth, owner)
    dashboard = client.get("/mitra/").get_data(as_text=True)
    assert "You can approve this." in dashboard
    confirm = client.get(f"/mitra/persetujuan/{approval.id}/setujui")
    assert confirm.status_code == 200 and "Approve this purchase?" in confirm.get_data(as_text=True)
    response = client.post(f"/mitra/persetujuan/{approval.id}/setujui", data={"reason": "OK"},
                           follow_redirects=True)
    order = db.session.scalar(select(Order))
    assert order is not None and order.buyer_id == staff.id
    assert response.request.path == f"/mitra/pesanan/{order.number}"
    db.session.refresh(approval)
    assert approval.status == ApprovalStatus.APPROVED and approval.note == "OK"


def test_a_manager_rejects_and_nothing_is_bought(client, auth):
    partner, owner, staff = partner_team(threshold=1_000_000)
    _rfq, quote = quoted_rfq(partner, staff, make_sentra(), lines=[SMALL_LINE])
    login(client, auth, staff)
    _accept(client, quote)
    approval = db.session.scalar(select(PurchaseApproval))
    client.post("/logout")
    login(client, auth, owner)
    response = client.post(f"/mitra/persetujuan/{approval.id}/tolak", data={"reason": "Terlalu mahal"},
                           follow_redirects=True)
    assert response.status_code == 200
    db.session.refresh(approval)
    assert approval.status == ApprovalStatus.REJECTED and _orders() == 0
    again = client.post(f"/mitra/persetujuan/{approval.id}/setujui", data={}, follow_redirects=True)
    assert "already decided" in again.get_data(as_text=True)


def test_an_expired_quote_is_refused_with_a_flash(client, auth):
    partner, owner, _staff = partner_team()
    _rfq, quote = quoted_rfq(partner, owner, make_sentra(), lines=[SMALL_LINE])
    quote.valid_until = today_wib() - timedelta(days=1)
    db.session.commit()
    login(client, auth, owner)
    detail = client.get(f"/mitra/permintaan/{quote.rfq_id}").get_data(as_text=True)
    assert "quote-expired" in detail
    response = _accept(client, quote)
    assert response.status_code == 200
    assert "past its validity date" in response.get_data(as_text=True)
    assert _orders() == 0


def test_a_superseded_quote_is_refused_with_a_flash(client, auth):
    partner, owner, _staff = partner_team()
    sentra = make_sentra()
    rfq, first = quoted_rfq(partner, owner, sentra, lines=[SMALL_LINE])
    send_quote(sentra, sentra.memberships[0].user, rfq, lines=[SMALL_LINE], fee=0)
    db.session.commit()
    login(client, auth, owner)
    detail = client.get(f"/mitra/permintaan/{rfq.id}").get_data(as_text=True)
    assert "Revision 2" in detail and "A newer revision replaced this quote." in detail
    assert detail.index("Revision 2") < detail.index("Revision 1")
    response = _accept(client, first)
    assert "newer revision" in response.get_data(as_text=True) and _orders() == 0


def test_accepting_twice_is_refused_with_a_flash(client, auth):
    partner, owner, _staff = partner_team()
    _rfq, quote = quoted_rfq(partner, owner, make_sentra(), lines=[SMALL_LINE])
    login(client, auth, owner)
    _accept(client, quote)
    response = _accept(client, quote)
    assert response.status_code == 200
    assert "already accepted" in response.get_data(as_text=True)
    assert _orders() == 1


def test_declining_asks_first_and_closes_the_request(client, auth):
    partner, owner, _staff = partner_team()
    rfq, quote = quoted_rfq(partner, owner, make_sentra(), lines=[SMALL_LINE])
    login(client, auth, owner)
    confirm = client.get(f"/mitra/penawaran/{quote.id}/tolak")
    assert confirm.status_code == 200 and "Decline this quote?" in confirm.get_data(as_text=True)
    response = client.post(f"/mitra/penawaran/{quote.id}/tolak", data={"reason": "Harga"})
    assert response.status_code == 303
    db.session.refresh(quote)
    db.session.refresh(rfq)
    assert quote.status == QuoteStatus.DECLINED and rfq.status == RfqStatus.DECLINED
    assert "This quote was declined." in _accept(client, quote).get_data(as_text=True)
    assert _orders() == 0
