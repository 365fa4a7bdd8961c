"""The whole B2B flow in Chromium: request, quote, approval, acceptance, delivery with the
handover record, and the invoice.

Three people, each in their own browser context at phone size with CSRF on: the partner's
staff member prepares, the partner's owner (a manager) approves above the threshold, and a
sentra member quotes and ships.
"""
from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from orders.b2b.invoices import today_wib
from orders.b2b.models import Invoice
from orders.core.models import Order
from shop.extensions import db
from tests.factories import add_member, make_sentra, make_user, png_bytes
from tests.orders.b2b.b2b_helpers import partner_team

PASSWORD = "correct-horse-battery"
PHONE = {"width": 390, "height": 844}


def _person(browser: Browser, live_server: str, email: str) -> Page:
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(f"{live_server}/bahasa?lang=en&next=/login")  # the test reads the English labels
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/logout']")).to_have_count(1)
    return page


def test_request_quote_approval_acceptance_handover_and_invoice(browser: Browser, live_server: str, tmp_path):
    partner, owner, staff = partner_team(threshold=5_000_000, terms_days=30, credit_limit=50_000_000,
                                         name="CV Kedai Kopi Sejahtera")
    sentra = make_sentra(name="Sentra Kreatif Jatiwaringin")
    member = make_user(name="Raka Sentra")
    add_member(sentra, member)
    db.session.commit()
    reference = tmp_path / "logo.png"
    reference.write_bytes(png_bytes(120, 80))

    # 1. The partner's staff member sends a request for quote with a reference image.
    buyer = _person(browser, live_server, staff.email)
    buyer.goto(f"{live_server}/mitra/permintaan/baru?sentra={sentra.slug}")
    buyer.fill("#needed_by", (today_wib() + timedelta(days=21)).isoformat())
    buyer.fill("#recipient", "Budi Mitra")
    buyer.fill("#phone", "081298765432")
    buyer.fill("#street", "Jl. Niaga No. 7")
    buyer.select_option("#kelurahan_code", "32.75.04.1001")
    buyer.fill("#notes", "Logo di satu sisi, warna hitam.")
    buyer.fill("#lines-0-description", "Tas totebag sablon logo")
    buyer.fill("#lines-0-quantity", "300")
    buyer.set_input_files("#image-0", str(reference))
    buyer.get_by_role("button", name="Send the request").click()
    expect(buyer.locator("main")).to_contain_text("Tas totebag sablon logo")
    expect(buyer.locator("main img")).to_have_count(1)
    rfq_url = buyer.url

    # 2. The sentra answers from its quote inbox.
    seller = _person(browser, live_server, member.email)
    seller.goto(f"{live_server}/kelola/{sentra.slug}/penawaran")
    expect(seller.locator("main")).to_contain_text("CV Kedai Kopi Sejahtera")
    seller.locator("main").get_by_role("link", name="CV Kedai Kopi Sejahtera").first.click()
    seller.fill("#valid_until", (today_wib() + timedelta(days=7)).isoformat())
    seller.select_option("#delivery_method", "courier")
    seller.fill("#delivery_fee_idr", "50000")
    seller.fill("#lines-0-unit_price_idr", "25000")
    seller.fill("#lines-0-lead_time_days", "10")
    seller.get_by_role("button", name="Send quote").click()
    expect(seller.locator("main")).to_contain_text("7,550,000")

    # 3. The staff member accepts on terms: above the threshold it waits for a manager.
    buyer.goto(rfq_url)
    expect(buyer.locator("main")).to_contain_text("7,550,000")
    buyer.get_by_role("link", name="Accept…").click()
    buyer.check("input[name=payment][value=terms]")
    buyer.get_by_role("button", name="Accept the quote").click()
    expect(buyer.locator("main")).to_contain_text("Waiting for a manager's approval")
    assert db.session.scalar(select(db.func.count()).select_from(Order)) == 0

    # 4. The owner approves; the order is made at the quoted prices.
    manager = _person(browser, live_server, owner.email)
    manager.goto(f"{live_server}/mitra/persetujuan")
    manager.get_by_role("link", name="Approve…").first.click()
    manager.locator("main form").get_by_role("button", name="Approve").click()
    db.session.expire_all()
    order = db.session.scalar(select(Order))
    assert order is not None and order.total_idr == 7_550_000 and order.status == "placed"
    number = order.number

    # 5. The sentra accepts the order and hands it to a courier with the waybill.
    seller.goto(f"{live_server}/kelola/{sentra.slug}/pesanan/{number}")
    seller.get_by_role("button", name="Accept order").click()
    seller.select_option("#carrier", "jne")
    seller.fill("#waybill", "JNE1234567890")
    seller.get_by_role("button", name="Hand to courier").click()
    expect(seller.locator("main")).to_contain_text("JNE1234567890")

    # 6. The staff member signs the handover record: the order is delivered.
    buyer.goto(f"{live_server}/mitra/pesanan/{number}")
    buyer.fill("#received_by_name", "Budi Mitra")
    buyer.get_by_role("button", name="Sign the handover record").click()
    expect(buyer.locator("main")).to_contain_text("Delivered")
    buyer.goto(f"{live_server}/mitra/pesanan/{number}/berita-acara")
    expect(buyer.locator("main")).to_contain_text("Budi Mitra")

    # 7. The invoice: numbered in the sentra's own sequence, due in 30 days, no PPN (not a PKP).
    invoice = db.session.scalar(select(Invoice).where(Invoice.order_id == order.id))
    assert invoice.number == f"INV/{sentra.slug.upper()}/{today_wib().year}/0001"
    buyer.goto(f"{live_server}/mitra/pesanan/{number}/faktur")
    paper = buyer.locator("main")
    expect(paper).to_contain_text(invoice.number)
    expect(paper).to_contain_text("CV Kedai Kopi Sejahtera")
    expect(paper).to_contain_text("7,550,000")
    expect(paper).to_contain_text("PKP")
    seller.goto(f"{live_server}/kelola/{sentra.slug}/tagihan")
    expect(seller.locator("main")).to_contain_text(invoice.number)
