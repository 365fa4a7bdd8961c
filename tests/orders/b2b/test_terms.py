"""Payment terms (tempo): enabled per partner by the office, with a credit limit, blocked by overdue invoices."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from orders.b2b import acceptance
from orders.b2b.errors import TermsUnavailableError
from orders.b2b.invoices import outstanding_terms_idr, today_wib
from orders.b2b.models import Invoice, InvoiceStatus, QuoteStatus
from orders.b2b.terms import credit_available_idr
from orders.core.models import Checkout, Order, OrderStatus, PaymentStatus
from shop.extensions import db
from tests.factories import make_sentra, make_user
from tests.orders.b2b.b2b_helpers import membership, partner_team, send_quote, send_rfq
from tests.orders.b2b.papers_helpers import CONFIG, accepted_order, quote_lines


def _quote(team, sentra, price: int = 20_000):
    partner, _owner, staff = team
    return send_quote(sentra, sentra.memberships[0].user, send_rfq(partner, staff, sentra),
                      lines=quote_lines(1, price), fee=0)


def _accept_on_terms(team, quote):
    partner, _owner, staff = team
    return acceptance.accept_quote(membership(partner, staff), staff, quote.id, "terms", CONFIG)


def _counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in (Order, Invoice, Checkout))


def test_without_terms_enabled_accepting_on_terms_is_refused_with_422(app):
    team = partner_team(threshold=None, terms_days=None)
    quote = _quote(team, make_sentra())
    with pytest.raises(TermsUnavailableError) as refused:
        _accept_on_terms(team, quote)
    assert refused.value.status == 422 and refused.value.code == "terms_unavailable"
    assert _counts() == (0, 0, 0) and quote.status == QuoteStatus.OPEN


@pytest.mark.parametrize("days", [14, 30])
def test_an_order_on_terms_is_placed_and_unpaid_at_once_with_its_invoice_due_in_the_terms(app, days):
    po = accepted_order(payment="terms", terms_days=days, credit_limit=5_000_000)
    assert po.order.status == OrderStatus.PLACED and po.order.payment_status == PaymentStatus.UNPAID
    assert po.invoice.terms_days == days and po.invoice.status == InvoiceStatus.UNPAID
    assert po.invoice.due_on == today_wib() + timedelta(days=days)


def test_over_the_credit_limit_is_refused_and_nothing_is_made(app):
    team = partner_team(threshold=None, terms_days=30, credit_limit=300_000)
    sentra = make_sentra()
    first = _quote(team, sentra, price=20_000)  # 10 × Rp20.000 = Rp200.000
    _accept_on_terms(team, first)
    db.session.commit()
    before = _counts()
    second = _quote(team, sentra, price=20_000)  # another Rp200.000: Rp400.000 > Rp300.000
    with pytest.raises(TermsUnavailableError) as refused:
        _accept_on_terms(team, second)
    db.session.rollback()
    assert refused.value.status == 422 and refused.value.code == "credit_limit_exceeded"
    assert refused.value.fields["payment"] == "credit_limit_exceeded"
    assert _counts() == before
    assert outstanding_terms_idr(team[0].id) == 200_000


def test_an_overdue_invoice_blocks_terms_until_the_office_records_its_payment(app, client, auth):
    team = partner_team(threshold=None, terms_days=14, credit_limit=10_000_000)
    sentra = make_sentra()
    po = accepted_order(payment="terms", team=team, sentra=sentra)
    po.invoice.due_on = today_wib() - timedelta(days=1)
    db.session.commit()
    blocked = _quote(team, sentra)
    db.session.commit()
    with pytest.raises(TermsUnavailableError) as refused:
        _accept_on_terms(team, blocked)
    assert refused.value.status == 422 and refused.value.code == "overdue_invoices"
    db.session.rollback()

    make_user("kantor@example.test", admin=True)
    db.session.commit()
    auth.login("kantor@example.test")
    response = client.post(f"/admin/tagihan/{po.invoice.id}/lunas", data={"reference": "BCA 0412 MITRA"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Invoice, po.invoice.id).status == InvoiceStatus.PAID
    assert db.session.get(Order, po.order.id).payment_status == PaymentStatus.PAID

    accepted = _accept_on_terms(team, blocked)
    assert accepted.order is not None and accepted.order.status == OrderStatus.PLACED


def test_credit_available_is_the_limit_less_the_unpaid_invoices_on_terms(app):
    team = partner_team(threshold=None, terms_days=30, credit_limit=300_000)
    _accept_on_terms(team, _quote(team, make_sentra(), price=20_000))  # Rp200.000 on terms
    assert credit_available_idr(team[0]) == 100_000


def test_credit_available_is_never_below_zero_once_the_limit_is_lowered(app):
    team = partner_team(threshold=None, terms_days=30, credit_limit=300_000)
    _accept_on_terms(team, _quote(team, make_sentra(), price=20_000))
    team[0].credit_limit_idr = 150_000
    assert credit_available_idr(team[0]) == 0
