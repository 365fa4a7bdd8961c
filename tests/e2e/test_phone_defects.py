"""Issue 17's smaller defects and its tap targets, each walked on a 360 px phone screen in a real browser."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from orders.core.payments import Payment
from orders.core.status import record_event
from orders.payments import bank_transfer
from shop.extensions import db
from tests.factories import PASSWORD, fill_cart, make_product, make_sentra, make_user, png_bytes
from tests.orders.tracking_helpers import (
    delivered_pickup,
    delivered_without_pin,
    new_order,
    ready_pickup,
)

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size(PHONE)
    return page


@pytest.fixture
def media(app, monkeypatch, tmp_path):
    root = tmp_path / "media"
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(root))
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "local")
    return root


def log_in(page: Page, live_server: str, email: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/logout']")).to_have_count(1)


# --- saving a product ----------------------------------------------------------------------


def _new_product(page: Page, live_server: str, status: str) -> None:
    owner = make_user("pemilik@example.test")
    make_sentra("32.75.08.1001", owner=owner)
    db.session.commit()
    log_in(page, live_server, owner.email)
    page.goto(f"{live_server}/kelola/jatiwaringin/produk/baru")
    page.fill("#title", "Keripik Tempe Pedas")
    page.select_option("#subsector_code", "kuliner")
    page.select_option("#status", status)
    page.fill("#variants-0-sku", "KT-100")
    page.fill("#variants-0-price_idr", "15000")
    page.fill("#variants-0-stock", "12")
    page.locator(".save-bar button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/kelola/jatiwaringin/produk/\d+/ubah$"))


def test_saving_a_new_active_product_says_it_is_on_sale_not_to_publish_it(phone: Page, live_server: str):
    _new_product(phone, live_server, "active")
    expect(phone.locator(".flash-success")).to_have_text(
        "Produk disimpan dan sudah tampil: pembeli bisa menemukannya sekarang.")


def test_saving_a_new_draft_still_says_to_publish_it_when_ready(phone: Page, live_server: str):
    _new_product(phone, live_server, "draft")
    expect(phone.locator(".flash-success")).to_have_text("Produk disimpan. Terbitkan jika sudah siap.")


# --- the pickup code -----------------------------------------------------------------------


def test_the_pickup_code_is_the_big_thing_while_the_order_waits_for_collection(phone: Page, live_server: str):
    order = ready_pickup(new_order())
    log_in(phone, live_server, order.buyer.email)
    phone.goto(f"{live_server}/orders/{order.number}")
    expect(phone.locator("#pickup-code")).to_contain_text(order.pickup_code)
    expect(phone.locator("#pickup-code")).to_be_in_viewport()


def test_after_collection_the_pickup_code_is_shown_as_used_not_prominent(phone: Page, live_server: str):
    order = delivered_pickup(new_order())
    log_in(phone, live_server, order.buyer.email)
    phone.goto(f"{live_server}/orders/{order.number}")
    expect(phone.locator("#pickup-code")).to_have_count(0)
    expect(phone.locator("h2", has_text="Kode pengambilan")).to_have_count(0)
    used = phone.locator(".pickup-code-used")
    expect(used).to_contain_text(order.pickup_code)
    expect(used).to_contain_text("Sudah dipakai: pesanan sudah diambil")
    expect(used.locator("s")).to_have_css("font-size", "16px")


def test_the_pay_at_pickup_page_says_paid_and_shows_no_code_after_collection(phone: Page, live_server: str):
    order = delivered_pickup(new_order())
    log_in(phone, live_server, order.buyer.email)
    phone.goto(f"{live_server}/checkout/{order.checkout_id}/bayar")
    expect(phone.locator("main")).to_contain_text("Sudah dibayar. Terima kasih!")
    expect(phone.locator(".pickup-code")).to_have_count(0)
    expect(phone.locator("main")).not_to_contain_text(order.pickup_code)


def test_the_pay_at_pickup_page_shows_the_code_big_before_collection(phone: Page, live_server: str):
    order = ready_pickup(new_order())
    log_in(phone, live_server, order.buyer.email)
    phone.goto(f"{live_server}/checkout/{order.checkout_id}/bayar")
    expect(phone.locator(".pickup-payment strong.pickup-code")).to_have_text(order.pickup_code)


# --- the bank-transfer page ----------------------------------------------------------------


def test_the_copy_amount_button_keeps_a_buttons_font_beside_the_big_amount(phone: Page, live_server: str):
    setup = new_order(method="bank_transfer")
    log_in(phone, live_server, setup.buyer.email)
    phone.goto(f"{live_server}/checkout/{setup.order.checkout_id}/bayar")
    amount = phone.locator("#transfer-amount")
    copy = phone.get_by_role("button", name="Salin nominal")
    send = phone.get_by_role("button", name="Kirim bukti")  # an ordinary button on the same page
    expect(amount).to_have_css("font-size", "30.4px")  # the amount itself stays big (1.9rem)
    expect(copy).to_have_css("font-size", send.evaluate("el => getComputedStyle(el).fontSize"))
    expect(copy).to_have_css("font-weight", "400")
    assert copy.bounding_box()["height"] >= 44


# --- viewing a private file ----------------------------------------------------------------


def csp_errors(page: Page) -> list[str]:
    """The console messages a Content Security Policy violation logs, from now on, in any of ``page``'s tabs."""
    messages: list[str] = []
    page.context.on("console", lambda message: messages.append(message.text)
                    if "Content Security Policy" in message.text else None)
    return messages


def test_the_office_views_a_transfer_proof_without_csp_errors(phone: Page, live_server: str, media):
    setup = new_order(method="bank_transfer")
    payment = db.session.get(Payment, setup.order.checkout.payment.id)
    bank_transfer.attach_proof(payment, bank_transfer.process_proof(png_bytes(800, 600)), setup.buyer)
    make_user("kantor@example.test", admin=True, name="Kantor Program")
    db.session.commit()
    log_in(phone, live_server, "kantor@example.test")
    errors = csp_errors(phone)
    phone.goto(f"{live_server}/admin/pembayaran/{payment.id}")
    with phone.context.expect_page() as opened:
        phone.get_by_role("link", name="Lihat bukti").click()
    viewer = opened.value
    viewer.wait_for_load_state("load")
    assert viewer.locator("img").evaluate("img => img.naturalWidth") == 800  # the proof is shown
    assert errors == []


def test_the_sentra_views_a_delivery_photo_without_csp_errors(phone: Page, live_server: str, media):
    setup = new_order(delivery="sentra_courier", method="bank_transfer", paid=True)
    order = delivered_without_pin(setup)
    log_in(phone, live_server, setup.owner.email)
    errors = csp_errors(phone)
    phone.goto(f"{live_server}/kelola/{setup.sentra.slug}/pesanan/{order.number}/bukti-antar")
    assert phone.locator("img").evaluate("img => img.naturalWidth") > 0
    assert errors == []


# --- refund notes --------------------------------------------------------------------------


def test_a_refund_in_the_order_history_reads_as_rupiah(phone: Page, live_server: str):
    setup = new_order(method="bank_transfer", paid=True)
    record_event(setup.order, "refund", None, "refunded Rp40000")
    db.session.commit()
    log_in(phone, live_server, setup.buyer.email)
    phone.goto(f"{live_server}/orders/{setup.order.number}")
    expect(phone.locator("main")).to_contain_text("Dana dikembalikan: Rp40.000")
    expect(phone.locator("main")).not_to_contain_text("Rp40000")


# --- tap targets (issue item 10) -----------------------------------------------------------

# What a finger taps, measured: a radio or a checkbox counts with its label (tapping either works),
# a menu item is its own box. Each is named with its height when under 44 px, so a failure says what to fix.
SMALL_TAP_TARGETS = """(selector) => {
  const seen = [...document.querySelectorAll(selector)].filter((el) => el.getClientRects().length);
  const target = (el) => {
    if (el.matches("input[type=radio], input[type=checkbox]")) {
      return el.closest("label") || (el.id && document.querySelector(`label[for="${el.id}"]`)) || el;
    }
    return el;
  };
  return seen.map((el) => [target(el), el])
    .filter(([box]) => box.getBoundingClientRect().height < 44)
    .map(([box, el]) => `${el.tagName.toLowerCase()}${el.name ? "[name=" + el.name + "]" : ""} `
      + `"${(box.textContent || "").trim().slice(0, 30)}": ${box.getBoundingClientRect().height.toFixed(1)} px`);
}"""
CHOICES = "main input[type=radio], main input[type=checkbox]"
MENU_ITEMS = ".menu summary, .menu-panel a, .menu-panel button, .manage-nav a"


def assert_tap_targets(page: Page, selector: str, at_least: int = 1) -> None:
    assert page.locator(selector).count() >= at_least, f"nothing matches {selector} on {page.url}"
    small = page.evaluate(SMALL_TAP_TARGETS, selector)
    assert small == [], f"{page.url}: {small}"


def open_menu(page: Page) -> None:
    page.locator(".menu summary").click()
    expect(page.locator(".menu-panel")).to_be_visible()


def test_checkout_radios_and_checkboxes_are_at_least_44_px_tall(phone: Page, live_server: str):
    sentra = make_sentra("32.75.08.1001")
    variant = make_product(sentra, variants=[{"price_idr": 25_000, "stock": 5}]).variants[0]
    buyer = make_user("pembeli@example.test", name="Sari Pembeli")
    db.session.commit()
    fill_cart(buyer, [(variant, 1)])
    db.session.commit()
    log_in(phone, live_server, buyer.email)
    phone.goto(f"{live_server}/checkout")
    assert_tap_targets(phone, CHOICES, at_least=3)


def test_search_filter_checkboxes_are_at_least_44_px_tall(phone: Page, live_server: str):
    sentra = make_sentra("32.75.08.1001")
    make_product(sentra, title="Keripik Singkong Balado", subsector="kuliner", variants=[{"price_idr": 15_000, "stock": 8}])
    db.session.commit()
    phone.goto(f"{live_server}/search?q=keripik")
    phone.locator(".search-filter-panel > summary").click()
    assert_tap_targets(phone, CHOICES, at_least=2)


def test_the_menus_of_a_sentras_own_area_are_at_least_44_px_tall(phone: Page, live_server: str):
    owner = make_user("pemilik@example.test")
    make_sentra("32.75.08.1001", owner=owner)
    db.session.commit()
    log_in(phone, live_server, owner.email)
    phone.goto(f"{live_server}/kelola/jatiwaringin/")
    open_menu(phone)
    assert_tap_targets(phone, MENU_ITEMS, at_least=5)


def test_the_sentras_product_list_filters_are_at_least_44_px_tall(phone: Page, live_server: str):
    owner = make_user("pemilik@example.test")
    make_product(make_sentra("32.75.08.1001", owner=owner), title="Tas Anyaman Bambu")
    db.session.commit()
    log_in(phone, live_server, owner.email)
    phone.goto(f"{live_server}/kelola/jatiwaringin/produk")
    assert_tap_targets(phone, CHOICES)


def test_the_open_header_menu_stays_inside_a_360_px_screen(phone: Page, live_server: str):
    buyer = make_user("pembeli.menu@example.test", name="Pembeli Dengan Nama Yang Cukup Panjang")
    db.session.commit()
    log_in(phone, live_server, buyer.email)
    phone.goto(f"{live_server}/")
    phone.locator(".site-header .menu summary").click()
    panel = phone.locator(".site-header .menu-panel")
    expect(panel).to_be_visible()
    box = panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
