"""Issue 17, items 5-7 on a 360 px phone: the sentra's order page, the checkout and the payment page."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from catalog.images import add_photo
from orders.core.models import Order
from orders.shipping import problems
from shop.extensions import db
from tests.e2e.test_phone import PHONE, assert_no_sideways_scroll
from tests.factories import (
    PASSWORD,
    add_member,
    fill_cart,
    make_product,
    make_sentra,
    make_user,
    png_bytes,
)
from tests.orders.tracking_helpers import BUYER_EMAIL, delivered_pickup, new_order


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size(PHONE)
    return page


def log_in(page: Page, live_server: str, email: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/logout']")).to_have_count(1)


def fully_on_screen(page: Page, selector: str) -> bool:
    """The element's box lies inside the first screen, without scrolling."""
    return page.evaluate("""(selector) => {
      const box = document.querySelector(selector).getBoundingClientRect();
      return box.top >= 0 && box.left >= 0 && box.bottom <= window.innerHeight && box.right <= window.innerWidth;
    }""", selector)


def reload_order(order_id: int) -> Order:
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(Order, order_id)


# --- 5. the sentra's order page ------------------------------------------------------------------


@pytest.fixture
def new_pickup_order():
    setup = new_order()
    setup.owner.email = "pengelola@example.test"
    db.session.commit()
    return setup


def _first_button_in_main(page: Page) -> str:
    # The first button (or button-like link) in reading order, leaving out the folded menu's summary.
    return page.evaluate("""() => {
      const b = [...document.querySelectorAll("main button, main a.button")].find((el) => el.getClientRects().length);
      return b ? b.textContent.trim() : null;
    }""")


def test_the_next_step_comes_first_on_the_sentras_order_page(phone: Page, live_server: str, new_pickup_order):
    order = new_pickup_order.order
    log_in(phone, live_server, "pengelola@example.test")
    phone.goto(f"{live_server}/kelola/{new_pickup_order.sentra.slug}/pesanan/{order.number}")

    assert _first_button_in_main(phone) == "Terima pesanan"
    assert fully_on_screen(phone, ".next-step button.primary")
    phone.locator(".next-step").get_by_role("button", name="Terima pesanan").click()

    # Accepted: the step that moves a pickup order on is offered first, before "Dikemas".
    expect(phone.locator(".next-step button.primary")).to_have_text("Siap diambil")
    assert _first_button_in_main(phone) == "Siap diambil"
    assert fully_on_screen(phone, ".next-step button.primary")
    expect(phone.locator(".next-step")).to_contain_text("Dikemas")
    phone.locator(".next-step button.primary").click()

    # Ready: the handover with the buyer's pickup code is next, on the first screen.
    expect(phone.locator(".next-step form.handover-form")).to_be_visible()
    assert _first_button_in_main(phone) == "Serahkan"
    assert fully_on_screen(phone, ".next-step form.handover-form button[type=submit]")
    phone.fill("#handover-code-order", reload_order(order.id).pickup_code)
    phone.locator(".next-step input[name=paid_with][value=cash]").check()
    phone.locator(".next-step form.handover-form button[type=submit]").click()
    expect(phone.locator(".next-step")).to_contain_text("Sudah diterima")
    assert reload_order(order.id).status == "delivered"


def test_a_sentra_courier_order_asks_for_its_courier_first(phone: Page, live_server: str):
    setup = new_order(method="bank_transfer", delivery="sentra_courier", paid=True)
    setup.owner.email = "pengelola@example.test"
    add_member(setup.sentra, make_user(name="Raka Kurir"))
    db.session.commit()
    log_in(phone, live_server, "pengelola@example.test")
    phone.goto(f"{live_server}/kelola/{setup.sentra.slug}/pesanan/{setup.order.number}")
    phone.locator(".next-step").get_by_role("button", name="Terima pesanan").click()

    # No parcel goes to nobody: choosing the courier is the next step, and no "handed to courier" yet.
    expect(phone.locator(".next-step select#courier")).to_be_visible()
    assert fully_on_screen(phone, ".next-step form.assign-courier button")
    expect(phone.locator(".next-step").get_by_role("button", name="Diserahkan ke kurir")).to_have_count(0)
    phone.select_option("#courier", label="Raka Kurir")
    phone.locator(".next-step form.assign-courier button").click()

    expect(phone.locator(".next-step button.primary")).to_have_text("Diserahkan ke kurir")
    assert _first_button_in_main(phone) == "Diserahkan ke kurir"
    expect(phone.locator("#pengiriman")).to_contain_text("Raka Kurir")


def test_the_cancel_button_is_folded_away_and_asks_for_a_reason_first(phone: Page, live_server: str,
                                                                        new_pickup_order):
    order = new_pickup_order.order
    log_in(phone, live_server, "pengelola@example.test")
    phone.goto(f"{live_server}/kelola/{new_pickup_order.sentra.slug}/pesanan/{order.number}")
    cancel = phone.get_by_role("link", name="Batalkan pesanan")
    expect(cancel).to_be_hidden()
    more = phone.locator("details.more-actions")
    # Below everything the sentra reads about the order.
    assert more.bounding_box()["y"] > phone.locator(".next-step").bounding_box()["y"]
    assert more.bounding_box()["y"] > phone.locator("main h3", has_text="Riwayat").bounding_box()["y"]
    more.locator("summary").click()
    cancel.click()
    expect(phone).to_have_url(re.compile(rf"/pesanan/{order.number}/batal$"))
    expect(phone.locator("main textarea")).to_be_visible()
    assert reload_order(order.id).status == "placed"  # opening the menu and the page cancels nothing


def test_the_sentra_menu_is_one_folded_menu_on_a_phone(phone: Page, live_server: str, new_pickup_order):
    order = new_pickup_order.order
    sentra = new_pickup_order.sentra
    log_in(phone, live_server, "pengelola@example.test")
    phone.goto(f"{live_server}/kelola/{sentra.slug}/pesanan/{order.number}")
    menu = phone.locator("details.manage-menu")
    expect(menu.locator("summary")).to_contain_text("Pesanan")  # names the page you are on
    links = menu.locator("nav a")
    expect(links).to_have_count(16)  # with Kelas, Fasilitas (issue 19), Pendampingan, Lowongan (issue 20), Peluang (issue 22)
    expect(links.first).to_be_hidden()
    summary_box = menu.locator("summary").bounding_box()
    assert summary_box["height"] >= 44
    menu.locator("summary").click()
    expect(links.first).to_be_visible()
    for index in range(14):
        assert links.nth(index).bounding_box()["height"] >= 44
    expect(menu.get_by_role("link", name="Kelas", exact=True)).to_be_visible()
    expect(menu.get_by_role("link", name="Pendampingan", exact=True)).to_be_visible()
    expect(menu.get_by_role("link", name="Peluang", exact=True)).to_be_visible()
    menu.get_by_role("link", name="Produk").click()
    expect(phone).to_have_url(re.compile(rf"/kelola/{sentra.slug}/produk"))
    expect(phone.locator("details.manage-menu summary")).to_contain_text("Produk")


def test_the_sentra_menu_is_a_row_of_tabs_on_a_wide_screen(page: Page, live_server: str, new_pickup_order):
    page.set_viewport_size({"width": 1200, "height": 800})
    log_in(page, live_server, "pengelola@example.test")
    page.goto(f"{live_server}/kelola/{new_pickup_order.sentra.slug}/pesanan/{new_pickup_order.order.number}")
    links = page.locator("details.manage-menu nav a")
    expect(links.first).to_be_visible()
    expect(page.locator("details.manage-menu summary")).to_be_hidden()
    assert links.nth(0).bounding_box()["y"] == links.nth(3).bounding_box()["y"]  # one row


def test_the_sentras_order_pages_do_not_scroll_sideways_on_a_phone(phone: Page, live_server: str,
                                                                   new_pickup_order):
    sentra, order = new_pickup_order.sentra, new_pickup_order.order
    log_in(phone, live_server, "pengelola@example.test")
    for path in (f"/kelola/{sentra.slug}/pesanan", f"/kelola/{sentra.slug}/pesanan/{order.number}",
                 f"/kelola/{sentra.slug}/pesanan/{order.number}/batal", f"/kelola/{sentra.slug}/"):
        assert_no_sideways_scroll(phone, f"{live_server}{path}")


# --- 6. the checkout -----------------------------------------------------------------------------

BUYER = "pembeli.hp@example.test"


@pytest.fixture
def two_sentra_cart():
    """A buyer with a name and phone on their profile, and a cart from two sentras (one with a photo)."""
    buyer = make_user(BUYER, name="Sari Pembeli", phone="+6281234567890")
    tas_sentra = make_sentra("32.75.08.1001")
    tas_sentra.opening_hours = "Senin-Sabtu 09.00-17.00"
    tas = make_product(tas_sentra, title="Tas Anyaman Eceng", variants=[{"price_idr": 85_000, "stock": 4}])
    add_photo(tas, png_bytes(200, 200))
    keripik = make_product(make_sentra("32.75.08.1002"), title="Keripik Tempe Pedas", subsector="kuliner",
                           variants=[{"price_idr": 18_000, "stock": 30, "weight_grams": 200}])
    fill_cart(buyer, [(tas.variants[0], 1), (keripik.variants[0], 2)])
    db.session.commit()
    return tas.sentra.slug, keripik.sentra.slug


def _settled(page: Page) -> None:
    """The checkout's in-place update (static/js/checkout.js) has come back."""
    expect(page.locator("form.checkout-form[aria-busy=true]")).to_have_count(0)


def test_the_new_address_starts_with_the_name_and_phone_of_the_profile(phone: Page, live_server: str,
                                                                       two_sentra_cart):
    log_in(phone, live_server, BUYER)
    phone.goto(f"{live_server}/checkout")
    expect(phone.locator("#recipient")).to_have_value("Sari Pembeli")
    expect(phone.locator("#phone")).to_have_value("+6281234567890")


def test_city_and_postcode_show_only_for_an_address_outside_kota_bekasi(phone: Page, live_server: str,
                                                                        two_sentra_cart):
    log_in(phone, live_server, BUYER)
    phone.goto(f"{live_server}/checkout")
    expect(phone.locator("#loc-bekasi")).to_be_checked()
    expect(phone.locator("#kelurahan_code")).to_be_visible()
    expect(phone.locator("#city")).to_be_hidden()
    expect(phone.locator("#postal_code")).to_be_hidden()
    phone.check("#loc-outside")
    expect(phone.locator("#city")).to_be_visible()
    expect(phone.locator("#postal_code")).to_be_visible()
    expect(phone.locator("#kelurahan_code")).to_be_hidden()


def test_the_pickup_choice_shows_where_and_when_to_collect(phone: Page, live_server: str, two_sentra_cart):
    tas_slug, _ = two_sentra_cart
    log_in(phone, live_server, BUYER)
    phone.goto(f"{live_server}/checkout")
    phone.select_option("#kelurahan_code", "32.75.08.1001")
    _settled(phone)
    pickup = phone.locator(f"label[for=d-{tas_slug}-pickup]")
    expect(pickup).to_contain_text("Jl. Contoh No. 1")
    expect(pickup).to_contain_text("Senin-Sabtu 09.00-17.00")


def test_each_choice_reprices_in_place_without_reloading_the_page(phone: Page, live_server: str, two_sentra_cart):
    tas_slug, keripik_slug = two_sentra_cart
    log_in(phone, live_server, BUYER)
    phone.goto(f"{live_server}/checkout")
    expect(phone.locator("button[value=refresh]").first).to_be_hidden()  # no button needed
    phone.evaluate("window.samePage = true")
    phone.fill("#street", "Jl. Melati No. 5 RT 02/RW 03")
    phone.select_option("#kelurahan_code", "32.75.08.1001")
    _settled(phone)
    phone.check(f"#d-{tas_slug}-pickup")
    _settled(phone)
    phone.check(f"#d-{keripik_slug}-pickup")
    _settled(phone)
    expect(phone.locator("#checkout-total")).to_have_text("Rp121.000")
    phone.check(f"#d-{keripik_slug}-sentra_courier")
    _settled(phone)
    expect(phone.locator("#checkout-total")).not_to_have_text("Rp121.000")
    expect(phone.locator(f"#d-{keripik_slug}-sentra_courier")).to_be_checked()
    assert phone.evaluate("window.samePage === true")  # the page was never reloaded
    phone.check(f"#d-{keripik_slug}-pickup")
    _settled(phone)
    expect(phone.locator("#checkout-total")).to_have_text("Rp121.000")
    phone.check("#pm-pay_on_pickup")
    phone.locator("button[value=place]").click()
    expect(phone).to_have_url(re.compile(r"/checkout/\d+/selesai$"))
    orders = db.session.scalars(select(Order).order_by(Order.id)).all()
    assert sorted(o.total_idr for o in orders) == [36_000, 85_000]


def test_the_checkout_works_without_javascript(browser: Browser, live_server: str, two_sentra_cart):
    tas_slug, keripik_slug = two_sentra_cart
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, live_server, BUYER)
        page.goto(f"{live_server}/checkout")
        expect(page.locator("#city")).to_be_hidden()  # CSS alone folds city and postcode away
        page.fill("#street", "Jl. Melati No. 5 RT 02/RW 03")
        page.select_option("#kelurahan_code", "32.75.08.1001")
        with page.expect_navigation():
            page.locator("button[value=refresh]").first.click()
        page.check(f"#d-{tas_slug}-pickup")
        page.check(f"#d-{keripik_slug}-sentra_courier")
        with page.expect_navigation():
            page.locator("#checkout-delivery button[value=refresh]").click()
        expect(page.locator(f"#d-{keripik_slug}-sentra_courier")).to_be_checked()
        expect(page.locator("#checkout-total")).not_to_have_text("Rp121.000")
        page.check("#pm-bank_transfer")
        page.locator("button[value=place]").click()
        expect(page).to_have_url(re.compile(r"/checkout/\d+/bayar$"))
    finally:
        context.close()


def test_the_total_and_the_order_button_stay_in_sight_on_a_phone(phone: Page, live_server: str, two_sentra_cart):
    tas_slug, keripik_slug = two_sentra_cart
    log_in(phone, live_server, BUYER)
    phone.goto(f"{live_server}/checkout")
    phone.select_option("#kelurahan_code", "32.75.08.1001")
    _settled(phone)
    phone.check(f"#d-{tas_slug}-pickup")
    _settled(phone)
    phone.check(f"#d-{keripik_slug}-pickup")
    _settled(phone)
    for target in ("h1", "#street", f"#d-{keripik_slug}-pickup"):
        phone.locator(target).scroll_into_view_if_needed()
        assert fully_on_screen(phone, "#checkout-total"), target
        assert fully_on_screen(phone, "button[value=place]"), target


def test_the_cart_and_the_checkout_show_each_products_photo(phone: Page, live_server: str, two_sentra_cart):
    log_in(phone, live_server, BUYER)
    for path, line in (("/cart", ".cart-line"), ("/checkout", ".checkout-lines li")):
        phone.goto(f"{live_server}{path}")
        photo = phone.locator(line, has_text="Tas Anyaman Eceng").locator("img.line-thumb")
        expect(photo).to_have_count(1)
        assert phone.evaluate("(img) => img.complete && img.naturalWidth > 0", photo.element_handle())
        # A product without a photo keeps its place in the line, without a broken image.
        expect(phone.locator(line, has_text="Keripik Tempe Pedas").locator(".line-thumb-none")).to_have_count(1)


def test_the_cart_and_the_checkout_do_not_scroll_sideways_on_a_phone(phone: Page, live_server: str,
                                                                     two_sentra_cart):
    log_in(phone, live_server, BUYER)
    for path in ("/cart", "/checkout"):
        assert_no_sideways_scroll(phone, f"{live_server}{path}")


# --- 7. the payment page -------------------------------------------------------------------------


@pytest.fixture
def transfer_to_pay():
    """A bank-transfer checkout waiting for its money, for the buyer of tracking_helpers."""
    setup = new_order(method="bank_transfer", delivery="pickup")
    return setup.order.checkout


def test_the_amount_and_its_copy_buttons_come_first_on_the_payment_page(phone: Page, live_server: str,
                                                                        transfer_to_pay):
    log_in(phone, live_server, BUYER_EMAIL)
    phone.goto(f"{live_server}/checkout/{transfer_to_pay.id}/bayar")
    amount = f"Rp{transfer_to_pay.payment.amount_idr:,}".replace(",", ".")
    expect(phone.locator("#transfer-amount")).to_have_text(amount)
    assert fully_on_screen(phone, "#transfer-amount")
    copy_amount = phone.get_by_role("button", name="Salin nominal")
    copy_account = phone.get_by_role("button", name="Salin nomor rekening")
    for button in (copy_amount, copy_account):
        expect(button).to_be_visible()
        box = button.bounding_box()
        assert box["y"] + box["height"] <= PHONE["height"]
        assert box["height"] >= 44
    # Nothing but the title comes before the amount: it is the first text of the page's content.
    assert phone.evaluate("""() => {
      const amount = document.querySelector("#transfer-amount");
      return [...document.querySelectorAll("main p, main li, main dd, main section")]
        .filter((el) => el.compareDocumentPosition(amount) & Node.DOCUMENT_POSITION_FOLLOWING)
        .filter((el) => !el.contains(amount) && el.textContent.trim()).length;
    }""") == 0


def test_the_copy_button_puts_the_exact_amount_on_the_clipboard(phone: Page, live_server: str, transfer_to_pay):
    phone.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(phone, live_server, BUYER_EMAIL)
    phone.goto(f"{live_server}/checkout/{transfer_to_pay.id}/bayar")
    phone.get_by_role("button", name="Salin nominal").click()
    expect(phone.get_by_role("button", name="Disalin")).to_be_visible()
    assert phone.evaluate("navigator.clipboard.readText()") == str(transfer_to_pay.payment.amount_idr)


def test_the_payment_page_counts_down_to_the_deadline(phone: Page, live_server: str, transfer_to_pay):
    log_in(phone, live_server, BUYER_EMAIL)
    phone.goto(f"{live_server}/checkout/{transfer_to_pay.id}/bayar")
    clock = phone.locator("[data-countdown-time]")
    expect(phone.locator(".countdown")).to_contain_text("Bayar sebelum")
    first = clock.inner_text()
    assert re.fullmatch(r"2[0-3]:[0-5]\d:[0-5]\d", first), first  # a bank transfer has 24 hours
    expect(clock).not_to_have_text(first)  # it ticks


def test_the_countdown_is_on_the_page_without_javascript(browser: Browser, live_server: str, transfer_to_pay):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, live_server, BUYER_EMAIL)
        page.goto(f"{live_server}/checkout/{transfer_to_pay.id}/bayar")
        expect(page.locator("[data-countdown-time]")).to_have_text(re.compile(r"^2[0-3]:[0-5]\d:[0-5]\d$"))
    finally:
        context.close()


def test_the_buyer_confirms_a_delivered_order_from_the_payment_page(phone: Page, live_server: str):
    setup = new_order(method="bank_transfer", delivery="pickup", paid=True)
    order = delivered_pickup(setup)
    log_in(phone, live_server, BUYER_EMAIL)
    page_url = f"{live_server}/checkout/{order.checkout_id}/bayar"
    phone.goto(page_url)
    phone.get_by_role("button", name="Pesanan diterima").click()
    expect(phone).to_have_url(page_url)
    expect(phone.locator(".flashes")).to_contain_text(f"Pesanan {order.number} selesai")
    expect(phone.get_by_role("button", name="Pesanan diterima")).to_have_count(0)
    assert reload_order(order.id).status == "completed"


def test_the_buyer_confirms_a_delivered_order_from_the_order_page(phone: Page, live_server: str):
    setup = new_order()
    order = delivered_pickup(setup)
    log_in(phone, live_server, BUYER_EMAIL)
    phone.goto(f"{live_server}/orders/{order.number}")
    button = phone.get_by_role("button", name="Pesanan diterima")
    assert fully_on_screen(phone, ".received-form button")
    button.click()
    expect(phone.locator(".flashes")).to_contain_text(f"Pesanan {order.number} selesai")
    expect(phone.locator("main")).to_contain_text("Selesai")
    expect(button).to_have_count(0)
    assert reload_order(order.id).status == "completed"


def test_no_button_while_a_problem_waits_to_be_settled(phone: Page, live_server: str):
    setup = new_order()
    order = delivered_pickup(setup)
    problems.raise_problem(order, setup.buyer, "damaged", "Toplesnya retak waktu sampai di rumah.")
    db.session.commit()
    log_in(phone, live_server, BUYER_EMAIL)
    phone.goto(f"{live_server}/orders/{order.number}")
    expect(phone.locator("main")).to_contain_text("Toplesnya retak")
    expect(phone.get_by_role("button", name="Pesanan diterima")).to_have_count(0)


def test_the_payment_page_does_not_scroll_sideways_on_a_phone(phone: Page, live_server: str, transfer_to_pay):
    log_in(phone, live_server, BUYER_EMAIL)
    assert_no_sideways_scroll(phone, f"{live_server}/checkout/{transfer_to_pay.id}/bayar")


# --- weight ----------------------------------------------------------------------------------------

SCRIPT_BYTES = """async () => {
  const sources = [...document.querySelectorAll("script[src]")].map((s) => s.src);
  const sizes = await Promise.all(sources.map((src) => fetch(src).then((r) => r.arrayBuffer()).then((b) => b.byteLength)));
  return sizes.reduce((a, b) => a + b, 0);
}"""


def test_the_order_pages_carry_under_30_kb_of_javascript(phone: Page, live_server: str, two_sentra_cart):
    setup = new_order(method="bank_transfer", delivery="pickup", kelurahan_code="32.75.01.1001")
    setup.owner.email = "pengelola@example.test"
    db.session.commit()
    log_in(phone, live_server, BUYER)
    for path in ("/cart", "/checkout"):
        phone.goto(f"{live_server}{path}")
        assert phone.evaluate(SCRIPT_BYTES) < 30 * 1024, path
    phone.context.clear_cookies()
    log_in(phone, live_server, BUYER_EMAIL)
    phone.goto(f"{live_server}/checkout/{setup.order.checkout_id}/bayar")
    assert phone.evaluate(SCRIPT_BYTES) < 30 * 1024
    phone.context.clear_cookies()
    log_in(phone, live_server, "pengelola@example.test")
    phone.goto(f"{live_server}/kelola/{setup.sentra.slug}/pesanan/{setup.order.number}")
    assert phone.evaluate(SCRIPT_BYTES) < 30 * 1024
