"""The office's B2B settings: partner terms and credit limit, a sentra's NPWP and PKP, invoices on terms."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from orders.b2b.invoices import today_wib
from orders.b2b.models import Invoice, InvoiceStatus
from orders.core.models import Order, OrderEvent, PaymentStatus
from shop.extensions import db
from shop.partners.models import Partner
from shop.sentras.models import Sentra
from tests.factories import make_sentra, make_user
from tests.orders.b2b.b2b_helpers import partner_team, send_quote, send_rfq
from tests.orders.b2b.papers_helpers import accepted_order


@pytest.fixture
def office(auth):
    user = make_user("kantor@example.test", admin=True, name="Kantor Program")
    db.session.commit()
    auth.login(user.email)
    return user


def _urls(partner_id: int, sentra_id: int, invoice_id: int) -> list[tuple[str, str]]:
    return [("GET", f"/admin/mitra/{partner_id}/tempo"), ("POST", f"/admin/mitra/{partner_id}/tempo"),
            ("GET", f"/admin/sentra/{sentra_id}/pajak"), ("POST", f"/admin/sentra/{sentra_id}/pajak"),
            ("GET", "/admin/tagihan"), ("GET", f"/admin/tagihan/{invoice_id}"),
            ("POST", f"/admin/tagihan/{invoice_id}/lunas")]


def test_a_logged_in_non_admin_is_forbidden_everywhere(client, auth):
    po = accepted_order(payment="terms", terms_days=14, credit_limit=5_000_000)
    auth.login(po.owner.email)
    for method, url in _urls(po.partner.id, po.sentra.id, po.invoice.id):
        assert client.open(url, method=method, data={"reference": "x", "credit_limit_idr": "1"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Invoice, po.invoice.id).status == InvoiceStatus.UNPAID


def test_every_form_refuses_a_post_without_csrf_token(client, office, csrf_enabled):
    po = accepted_order(payment="terms", terms_days=14, credit_limit=5_000_000)
    for method, url in _urls(po.partner.id, po.sentra.id, po.invoice.id):
        if method == "POST":
            response = client.post(url, data={"reference": "BCA 1", "terms_days": "30", "credit_limit_idr": "9"})
            assert response.status_code == 400, url
    db.session.expire_all()
    assert db.session.get(Partner, po.partner.id).terms_days == 14
    assert db.session.get(Invoice, po.invoice.id).status == InvoiceStatus.UNPAID


def test_the_office_enables_terms_with_a_credit_limit_and_sees_what_is_owed(client, office):
    po = accepted_order(payment="terms", terms_days=14, credit_limit=5_000_000)
    client.post("/bahasa", data={"lang": "en"})
    page = client.get(f"/admin/mitra/{po.partner.id}/tempo").get_data(as_text=True)
    assert "Rp425,000" in page  # what the partner owes on terms
    response = client.post(f"/admin/mitra/{po.partner.id}/tempo",
                           data={"terms_days": "30", "credit_limit_idr": "25000000"})
    assert response.status_code == 303
    db.session.expire_all()
    partner = db.session.get(Partner, po.partner.id)
    assert (partner.terms_days, partner.credit_limit_idr) == (30, 25_000_000)

    client.post(f"/admin/mitra/{po.partner.id}/tempo", data={"terms_days": "", "credit_limit_idr": "0"})
    db.session.expire_all()
    assert db.session.get(Partner, po.partner.id).terms_days is None


@pytest.mark.parametrize("data", [
    {"terms_days": "30", "credit_limit_idr": "0"},  # terms need a limit
    {"terms_days": "30", "credit_limit_idr": "-5"},
    {"terms_days": "30", "credit_limit_idr": "satu juta"},
    {"terms_days": "60", "credit_limit_idr": "1000000"},  # only 14 or 30 days
])
def test_bad_terms_are_refused_with_422_and_change_nothing(client, office, data):
    partner, _, _ = partner_team(threshold=None, terms_days=14, credit_limit=1_000_000)
    db.session.commit()
    assert client.post(f"/admin/mitra/{partner.id}/tempo", data=data).status_code == 422
    db.session.expire_all()
    partner = db.session.get(Partner, partner.id)
    assert (partner.terms_days, partner.credit_limit_idr) == (14, 1_000_000)


def test_the_office_marks_a_sentra_pkp_and_its_next_quote_adds_ppn(client, office):
    sentra = make_sentra()
    db.session.commit()
    assert client.post(f"/admin/sentra/{sentra.id}/pajak", data={"is_pkp": "y"}).status_code == 422  # no NPWP
    response = client.post(f"/admin/sentra/{sentra.id}/pajak", data={"npwp": "01.234.567.8-901.000", "is_pkp": "y"})
    assert response.status_code == 303
    db.session.expire_all()
    sentra = db.session.get(Sentra, sentra.id)
    assert sentra.is_pkp and sentra.npwp == "012345678901000"
    partner, _, staff = partner_team(threshold=None)
    quote = send_quote(sentra, sentra.memberships[0].user, send_rfq(partner, staff, sentra))
    assert quote.tax_rate_percent == 11 and quote.tax_idr > 0


def test_a_malformed_npwp_is_refused(client, office):
    sentra = make_sentra()
    db.session.commit()
    assert client.post(f"/admin/sentra/{sentra.id}/pajak", data={"npwp": "12345"}).status_code == 422
    db.session.expire_all()
    assert db.session.get(Sentra, sentra.id).npwp is None


def test_invoices_on_terms_list_overdue_first_and_filter(client, office):
    sentra = make_sentra()
    team = partner_team(threshold=None, terms_days=30, credit_limit=50_000_000)
    recent = accepted_order(payment="terms", team=team, sentra=sentra)
    late = accepted_order(payment="terms", team=team, sentra=sentra)
    transfer = accepted_order(team=team, sentra=sentra)  # by bank transfer: not an invoice on terms
    late.invoice.due_on = today_wib() - timedelta(days=3)
    db.session.commit()
    page = client.get("/admin/tagihan").get_data(as_text=True)
    assert page.index(late.invoice.number) < page.index(recent.invoice.number)
    assert transfer.invoice.number not in page
    overdue = client.get("/admin/tagihan?status=overdue").get_data(as_text=True)
    assert late.invoice.number in overdue and recent.invoice.number not in overdue
    assert client.get(f"/admin/tagihan/{transfer.invoice.id}").status_code == 404


def test_recording_a_payment_marks_order_and_invoice_paid_once_and_records_who(client, office):
    po = accepted_order(payment="terms", terms_days=14, credit_limit=5_000_000)
    detail = client.get(f"/admin/tagihan/{po.invoice.id}").get_data(as_text=True)
    assert f'action="/admin/tagihan/{po.invoice.id}/lunas"' in detail and "data-confirm" in detail
    url = f"/admin/tagihan/{po.invoice.id}/lunas"
    assert client.post(url, data={"reference": ""}).status_code == 422
    assert client.post(url, data={"reference": "BCA 0412 MITRA"}).status_code == 303
    assert client.post(url, data={"reference": "BCA 0412 MITRA"}).status_code == 303  # a second click
    db.session.expire_all()
    invoice = db.session.get(Invoice, po.invoice.id)
    assert invoice.status == InvoiceStatus.PAID and invoice.paid_at is not None
    assert db.session.get(Order, po.order.id).payment_status == PaymentStatus.PAID
    events = db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == po.order.id,
                                                         OrderEvent.kind == "payment")).all()
    assert len(events) == 1
    assert events[0].actor_id == office.id and "BCA 0412 MITRA" in events[0].note


def test_a_void_invoice_cannot_be_recorded_as_paid(client, office):
    po = accepted_order(payment="terms", terms_days=14, credit_limit=5_000_000)
    po.invoice.status = InvoiceStatus.VOID
    db.session.commit()
    assert client.post(f"/admin/tagihan/{po.invoice.id}/lunas", data={"reference": "BCA 1"}).status_code == 409
    db.session.expire_all()
    assert db.session.get(Order, po.order.id).payment_status == PaymentStatus.UNPAID
