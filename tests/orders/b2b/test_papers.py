"""The papers of a partner order: faktur, surat jalan and berita acara, for the partner and the sentra."""
from __future__ import annotations

import pytest

from orders.b2b.models import HandoverRecord, InvoiceStatus
from shop.extensions import db
from tests.factories import make_checkout, make_product, make_sentra, make_user
from tests.orders.b2b.b2b_helpers import partner_team
from tests.orders.b2b.papers_helpers import accepted_order

PAPERS = ("faktur", "surat-jalan", "berita-acara")
NOT_PKP_EN = "No VAT (PPN) charged: the seller is not a VAT-registered business (PKP)"


def _english(client) -> None:
    client.post("/bahasa", data={"lang": "en"})


def _partner_url(number: str, paper: str) -> str:
    return f"/mitra/pesanan/{number}/{paper}"


def _sentra_url(slug: str, number: str, paper: str) -> str:
    return f"/kelola/{slug}/pesanan/{number}/{paper}"


def test_invoice_of_a_non_pkp_sentra_shows_both_parties_lines_terms_and_no_ppn(client, auth, app):
    po = accepted_order(lines=3, price=20_000)
    po.partner.npwp = "0987654321098765"
    auth.login(po.staff.email)
    _english(client)
    page = client.get(_partner_url(po.number, "faktur")).get_data(as_text=True)
    invoice = po.invoice
    assert invoice.number in page and po.number in page
    assert po.sentra.name in page and po.partner.name in page
    assert invoice.buyer_npwp is None  # copied at issue: the NPWP added later is not on this invoice
    assert "0987654321098765" not in page
    assert "Not a VAT-registered business (non-PKP)" in page
    for i in (1, 2, 3):
        assert f"Barang nomor {i:02d}" in page
    assert "Rp20,000" in page and "Rp200,000" in page  # unit price and line total
    assert "Rp600,000" in page and "Rp25,000" in page and "Rp625,000" in page
    assert NOT_PKP_EN in page and "PPN 11%" not in page
    assert app.config["BANK_TRANSFER_ACCOUNT"] in page and app.config["BANK_TRANSFER_HOLDER"] in page
    assert "Payment reference" in page
    assert 'data-print' in page and "js/print.js" in page and "css/print.css" in page


def test_invoice_of_a_pkp_sentra_adds_ppn_11_percent_and_shows_the_npwp(client, auth):
    sentra = make_sentra()
    sentra.is_pkp = True
    sentra.npwp = "0123456789012345"
    db.session.flush()
    po = accepted_order(lines=1, price=100_000, sentra=sentra, fee=0)
    assert po.invoice.seller_pkp and po.invoice.tax_idr == 110_000  # 10 × Rp100.000, PPN 11%
    auth.login(po.owner.email)
    _english(client)
    page = client.get(_partner_url(po.number, "faktur")).get_data(as_text=True)
    assert "PPN 11%" in page and "Rp110,000" in page and "Rp1,110,000" in page
    assert "0123456789012345" in page and "VAT-registered business (PKP)" in page
    assert NOT_PKP_EN not in page


def test_invoice_on_terms_shows_the_days_and_due_date(client, auth):
    po = accepted_order(lines=1, payment="terms", terms_days=30, credit_limit=10_000_000)
    auth.login(po.staff.email)
    _english(client)
    page = client.get(_partner_url(po.number, "faktur")).get_data(as_text=True)
    assert "Payment terms (tempo) of 30 days" in page
    assert po.invoice.due_on.strftime("%-d %b %Y") in page  # one date format, "6 Jan 2027"


def test_paid_and_void_invoices_are_stamped(client, auth):
    po = accepted_order()
    auth.login(po.staff.email)
    _english(client)
    po.invoice.status = InvoiceStatus.PAID
    db.session.commit()
    assert "paper-stamp-paid" in client.get(_partner_url(po.number, "faktur")).get_data(as_text=True)
    po.invoice.status = InvoiceStatus.VOID
    db.session.commit()
    page = client.get(_partner_url(po.number, "faktur")).get_data(as_text=True)
    assert "paper-watermark" in page and "paper-stamp-void" in page


def test_delivery_note_lists_quantities_without_prices_and_has_three_signature_boxes(client, auth):
    po = accepted_order(lines=2, price=77_777)
    auth.login(po.seller.email)
    _english(client)
    response = client.get(_sentra_url(po.sentra.slug, po.number, "surat-jalan"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Barang nomor 01" in page and "Barang nomor 02" in page
    assert "Rp77,777" not in page and "Rp" not in page.split('class="paper ')[1]
    assert page.count('class="paper-signature"') == 3
    assert "Driver / courier" in page and po.order.checkout.street in page


def test_handover_record_is_an_empty_form_until_confirmed_then_names_who_received(client, auth):
    po = accepted_order(lines=1)
    auth.login(po.staff.email)
    _english(client)
    before = client.get(_partner_url(po.number, "berita-acara")).get_data(as_text=True)
    assert "name and signature" in before and "RECEIVED" not in before
    db.session.add(HandoverRecord(order_id=po.order.id, received_by_name="Sari Gudang", received_by_id=po.staff.id))
    db.session.commit()
    after = client.get(_partner_url(po.number, "berita-acara")).get_data(as_text=True)
    assert "Sari Gudang" in after and "RECEIVED" in after
    assert f"received the goods below on behalf of {po.partner.name}" in after


@pytest.mark.parametrize("paper", PAPERS)
def test_every_member_of_the_partner_and_of_the_sentra_opens_each_paper(client, auth, paper):
    po = accepted_order()
    for user in (po.owner, po.staff):
        auth.login(user.email)
        assert client.get(_partner_url(po.number, paper)).status_code == 200
        auth.logout()
    auth.login(po.seller.email)
    assert client.get(_sentra_url(po.sentra.slug, po.number, paper)).status_code == 200


@pytest.mark.parametrize("paper", PAPERS)
def test_another_partners_member_gets_404(client, auth, paper):
    po = accepted_order()
    _, stranger, _ = partner_team(name="PT Lain")
    db.session.commit()
    auth.login(stranger.email)
    assert client.get(_partner_url(po.number, paper)).status_code == 404


@pytest.mark.parametrize("paper", PAPERS)
def test_a_sentra_member_cannot_use_the_partner_url_nor_another_sentras(client, auth, paper):
    po = accepted_order()
    other = make_sentra("32.75.01.1001")
    db.session.commit()
    auth.login(po.seller.email)
    assert client.get(_partner_url(po.number, paper)).status_code == 404
    auth.logout()
    auth.login(other.memberships[0].user.email)
    assert client.get(_sentra_url(other.slug, po.number, paper)).status_code == 404
    assert client.get(_sentra_url(po.sentra.slug, po.number, paper)).status_code == 404


@pytest.mark.parametrize("paper", PAPERS)
def test_a_residents_order_has_no_papers(client, auth, paper):
    sentra = make_sentra()
    product = make_product(sentra, variants=[{"price_idr": 10_000, "stock": 5}])
    order = make_checkout(make_user(), [(product.variants[0], 1)]).orders[0]
    db.session.commit()
    auth.login(sentra.memberships[0].user.email)
    assert client.get(_sentra_url(sentra.slug, order.number, paper)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client):
    po = accepted_order()
    response = client.get(_partner_url(po.number, "faktur"))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
