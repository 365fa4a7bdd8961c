"""The sentra's invoices at /kelola/<slug>/tagihan: its own only, overdue flagged, filtered, paginated."""
from __future__ import annotations

from datetime import timedelta

from orders.b2b.invoices import today_wib
from orders.b2b.models import InvoiceStatus
from shop.extensions import db
from tests.factories import make_sentra
from tests.orders.b2b.b2b_helpers import partner_team
from tests.orders.b2b.papers_helpers import accepted_order


def test_the_list_shows_the_sentras_invoices_with_overdue_flagged_and_links_to_papers(client, auth):
    sentra, other = make_sentra("32.75.08.1001"), make_sentra("32.75.01.1001")
    team = partner_team(threshold=None, terms_days=14, credit_limit=50_000_000)
    late = accepted_order(payment="terms", team=team, sentra=sentra)
    current = accepted_order(payment="terms", team=team, sentra=sentra)
    elsewhere = accepted_order(team=team, sentra=other)
    late.invoice.due_on = today_wib() - timedelta(days=1)
    db.session.commit()
    auth.login(sentra.memberships[0].user.email)
    page = client.get(f"/kelola/{sentra.slug}/tagihan").get_data(as_text=True)
    assert late.invoice.number in page and current.invoice.number in page
    assert elsewhere.invoice.number not in page
    assert page.count("invoice-overdue") == 1
    assert f"/kelola/{sentra.slug}/pesanan/{late.number}/faktur" in page
    assert f"/kelola/{sentra.slug}/pesanan/{late.number}/surat-jalan" in page
    overdue = client.get(f"/kelola/{sentra.slug}/tagihan?status=overdue").get_data(as_text=True)
    assert late.invoice.number in overdue and current.invoice.number not in overdue


def test_the_paid_filter_and_an_unknown_filter(client, auth):
    po = accepted_order()
    other = accepted_order(sentra=po.sentra, team=(po.partner, po.owner, po.staff))
    po.invoice.status = InvoiceStatus.PAID
    db.session.commit()
    auth.login(po.seller.email)
    paid = client.get(f"/kelola/{po.sentra.slug}/tagihan?status=paid").get_data(as_text=True)
    assert po.invoice.number in paid and other.invoice.number not in paid
    assert client.get(f"/kelola/{po.sentra.slug}/tagihan?status=lunas").status_code == 404


def test_the_list_is_paginated_20_a_page(client, auth):
    sentra = make_sentra()
    team = partner_team(threshold=None)
    numbers = [accepted_order(sentra=sentra, team=team, lines=1).invoice.number for _ in range(21)]
    auth.login(sentra.memberships[0].user.email)
    first = client.get(f"/kelola/{sentra.slug}/tagihan").get_data(as_text=True)
    second = client.get(f"/kelola/{sentra.slug}/tagihan?page=2").get_data(as_text=True)
    assert sum(number in first for number in numbers) == 20
    assert numbers[0] in second and numbers[-1] not in second


def test_another_sentras_member_gets_404(client, auth):
    po = accepted_order()
    other = make_sentra("32.75.01.1001")
    db.session.commit()
    auth.login(other.memberships[0].user.email)
    assert client.get(f"/kelola/{po.sentra.slug}/tagihan").status_code == 404
