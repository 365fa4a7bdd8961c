"""Issue 17, items 2 and 4 on a 360 px phone: the product page a buyer taps through, and the
listing form a 19-year-old sentra member fills in (variants, option chips, SKUs, photos)."""
from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Page, expect

from catalog import images
from shop.extensions import db
from tests.factories import PASSWORD, make_product, make_sentra, make_user, png_bytes

PHONE = {"width": 360, "height": 740}
NEW_PRODUCT = "/kelola/jatiwaringin/produk/baru"


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size(PHONE)
    return page


def log_in(page: Page, live_server: str, user) -> None:
    page.goto(f"{live_server}/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/logout']")).to_have_count(1)


def stored_size(page: Page, url: str) -> tuple[int, int]:
    from PIL import Image

    base = re.match(r"https?://[^/]+", page.url).group(0)
    response = page.request.get(url if url.startswith("http") else base + url)
    assert response.ok, url
    return Image.open(io.BytesIO(response.body())).size


def product_json(page: Page, live_server: str, edit_url: str) -> dict:
    product_id = int(re.search(r"/produk/(\d+)/ubah", edit_url).group(1))
    response = page.request.get(f"{live_server}/api/v1/products/{product_id}")
    assert response.ok
    return response.json()


def no_sideways_scroll(page: Page) -> None:
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, (page.url, scroll_width)


# --- the product page ---------------------------------------------------------------------------


@pytest.fixture
def shirt():
    owner = make_user("pemilik@example.test")
    sentra = make_sentra("32.75.08.1001", name="Sentra Kreatif Jatiwaringin", owner=owner)
    product = make_product(sentra, title="Kaos Batik Bekasi", subsector="fesyen",
                           description="Kaos katun dengan motif batik Bekasi. " * 40, variants=[
                               {"options": "Warna=Hijau", "price_idr": 85_000, "stock": 3},
                               {"options": "Warna=Merah", "price_idr": 90_000, "stock": 2},
                               {"options": "Warna=Biru", "price_idr": 95_000, "stock": 0},
                           ])
    images.add_photo(product, png_bytes(900, 900, (11, 110, 79)), "Kaos hijau")
    images.add_photo(product, png_bytes(900, 600, (200, 30, 30)), "Kaos merah")
    db.session.commit()
    return product, owner


def test_a_variant_chip_shows_the_photo_its_seller_linked_to_it(phone: Page, live_server: str, shirt):
    product, owner = shirt
    green, red, _blue = product.variants
    red_photo = product.images[1]
    log_in(phone, live_server, owner)
    phone.goto(f"{live_server}/kelola/jatiwaringin/produk/{product.id}/ubah")
    phone.select_option(f"#photo-{red_photo.id}-variant_id", label="Warna: Merah")
    item = phone.locator(".photo-item").nth(1)
    item.get_by_role("button", name="Simpan", exact=True).click()
    expect(item.locator(".photo-saved")).to_have_text("Tersimpan.")  # saved in place, no reload

    phone.goto(f"{live_server}/p/{product.id}-{product.slug}")
    main_photo = phone.locator(".gallery-main img")
    cover_src = main_photo.get_attribute("src")
    phone.locator(".variant-chip", has_text="Warna: Merah").click()
    expect(main_photo).to_have_attribute("src", re.compile(re.escape(red_photo.thumb_960_key) + "$"))
    expect(main_photo).to_have_attribute("alt", "Kaos merah")
    expect(phone.locator(".product-price .price")).to_have_text("Rp90.000")
    expect(phone.locator(".product-stock")).to_contain_text("2")
    assert phone.evaluate("location.search") == f"?variant={red.id}"

    phone.locator(".variant-chip", has_text="Warna: Hijau").click()  # no photo of its own: the cover
    expect(main_photo).to_have_attribute("src", cover_src)
    expect(phone.locator(".product-price .price")).to_have_text("Rp85.000")
    assert green.id != red.id


def test_a_shared_link_to_a_variant_opens_on_its_photo_without_javascript(browser, live_server: str, shirt):
    product, _owner = shirt
    red = product.variants[1]
    product.images[1].variant_id = red.id
    db.session.commit()
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/p/{product.id}-{product.slug}?variant={red.id}")
        expect(page.locator(".gallery-main img")).to_have_attribute("alt", "Kaos merah")
        expect(page.locator(".product-price .price")).to_have_text("Rp90.000")
    finally:
        context.close()


def test_the_add_to_cart_bar_is_on_the_first_screen_and_stays_while_scrolling(phone: Page, live_server: str, shirt):
    product, _owner = shirt
    phone.goto(f"{live_server}/p/{product.id}-{product.slug}")
    add = phone.get_by_role("button", name="Tambah ke keranjang")
    expect(add).to_be_in_viewport()
    assert phone.locator(".buy-bar").evaluate("el => getComputedStyle(el).position") in ("fixed", "sticky")

    phone.locator(".variant-chip", has_text="Warna: Merah").click()
    phone.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    expect(add).to_be_in_viewport()
    bar_top = phone.locator(".buy-bar").bounding_box()["y"]
    footer = phone.locator(".site-footer").bounding_box()
    assert footer["y"] + footer["height"] <= bar_top + 1, "the bar hides the end of the page"
    no_sideways_scroll(phone)

    add.click()
    expect(phone.locator(".flash-success")).to_be_visible()
    phone.goto(f"{live_server}/cart")
    expect(phone.locator("main")).to_contain_text("Warna: Merah")


def test_a_sold_out_variant_is_visibly_disabled(phone: Page, live_server: str, shirt):
    product, _owner = shirt
    phone.goto(f"{live_server}/p/{product.id}-{product.slug}")
    blue = phone.locator(".variant-chip", has_text="Warna: Biru")
    expect(blue).to_contain_text("Habis")
    expect(blue.locator("input")).to_be_disabled()
    expect(blue).to_have_css("border-top-style", "dashed")
    expect(blue.locator(".variant-label")).to_have_css("text-decoration-line", "line-through")
    blue.click(force=True)
    expect(blue.locator("input")).not_to_be_checked()
    expect(phone.locator(".product-price .price")).not_to_have_text("Rp95.000")


# --- the listing form ---------------------------------------------------------------------------


@pytest.fixture
def member(phone: Page, live_server: str):
    owner = make_user("pemilik@example.test")
    make_sentra("32.75.08.1001", owner=owner)
    db.session.commit()
    log_in(phone, live_server, owner)
    return owner


def start_product(page: Page, live_server: str, title: str) -> None:
    page.goto(f"{live_server}{NEW_PRODUCT}")
    page.fill("#title", title)
    page.select_option("#subsector_code", "fesyen")
    page.select_option("#status", "active")  # the public API shows it


def test_adding_and_removing_variants_keeps_the_chosen_photos(phone: Page, live_server: str, member, tmp_path):
    photo = tmp_path / "kaos.png"
    photo.write_bytes(png_bytes(800, 600))
    start_product(phone, live_server, "Kaos Polos")
    phone.set_input_files("#photos", str(photo))
    expect(phone.locator(".photo-pick")).to_have_count(1)
    phone.evaluate("window.stillTheSamePage = true")

    phone.get_by_role("button", name="Tambah varian lain").click()
    phone.get_by_role("button", name="Tambah varian lain").click()
    expect(phone.locator("[data-variant-row]")).to_have_count(3)
    phone.locator("#variant-row-1").get_by_role("button", name="Hapus varian ini").click()
    expect(phone.locator("[data-variant-row]")).to_have_count(2)
    expect(phone.locator("[data-variant-row] [data-row-title]")).to_have_text(["Varian 1", "Varian 2"])
    assert phone.evaluate("window.stillTheSamePage === true"), "adding a variant reloaded the page"
    assert phone.evaluate("document.getElementById('photos').files.length") == 1

    phone.get_by_role("button", name="Ukuran").click()
    phone.locator("#variant-row-0 .pick-chip", has_text="S").click()
    phone.fill("#variants-0-price_idr", "50000")
    phone.locator("#variant-row-2 .pick-chip", has_text="M").click()
    phone.fill("#variants-2-price_idr", "55000")
    no_sideways_scroll(phone)
    phone.locator(".save-bar button[type=submit]").click()

    expect(phone).to_have_url(re.compile(r"/produk/\d+/ubah$"))
    body = product_json(phone, live_server, phone.url)
    assert [v["options"] for v in sorted(body["variants"], key=lambda v: v["price_idr"])] == [
        [{"name": "Ukuran", "value": "S"}], [{"name": "Ukuran", "value": "M"}]]
    assert len(body["images"]) == 1


def test_options_are_picked_as_chips_and_skus_are_made_when_left_empty(phone: Page, live_server: str, member):
    start_product(phone, live_server, "Kaos Batik Bekasi")
    expect(phone.locator("#variants-0-options")).to_be_hidden()  # nobody types Ukuran=M;Warna=Biru
    phone.get_by_role("button", name="Ukuran").click()
    sizes = phone.locator(".option-group").nth(0)
    expect(sizes.locator(".chip")).to_have_text(["S×", "M×", "L×", "XL×"])
    sizes.get_by_role("button", name="Hapus XL").click()
    phone.get_by_role("button", name="Warna").click()
    colours = phone.locator(".option-group").nth(1)
    colours.get_by_placeholder("Nilai baru, mis. XL").fill("Biru Laut")
    colours.get_by_placeholder("Nilai baru, mis. XL").press("Enter")
    expect(colours.locator(".chip")).to_have_text(["Biru Laut×"])

    row = phone.locator("#variant-row-0")
    row.locator(".option-pick", has_text="Ukuran").locator(".pick-chip", has_text="L").click()
    row.locator(".pick-chip", has_text="Biru Laut").click()
    expect(phone.locator("#variants-0-options")).to_have_value("Ukuran=L;Warna=Biru Laut")
    phone.fill("#variants-0-price_idr", "95.000")
    phone.fill("#variants-0-stock", "4")
    phone.locator(".save-bar button[type=submit]").click()

    expect(phone).to_have_url(re.compile(r"/produk/\d+/ubah$"))
    body = product_json(phone, live_server, phone.url)
    [variant] = body["variants"]
    assert variant["options"] == [{"name": "Ukuran", "value": "L"}, {"name": "Warna", "value": "Biru Laut"}]
    assert variant["sku"] == "KAOS-BATIK-BEKASI-L-BIRU-LAUT"
    assert variant["price_idr"] == 95_000
    # Back on the form, the chips show what was saved.
    expect(phone.locator("#variant-row-0 .pick-chip:has(input:checked)")).to_have_text(["L", "Biru Laut"])


def test_one_tap_makes_a_variant_for_every_combination(phone: Page, live_server: str, member):
    start_product(phone, live_server, "Kaos Anak")
    phone.get_by_role("button", name="Ukuran").click()
    sizes = phone.locator(".option-group").nth(0)
    for value in ("M", "L", "XL"):
        sizes.get_by_role("button", name=f"Hapus {value}").click()
    sizes.get_by_placeholder("Nilai baru, mis. XL").fill("M")
    sizes.get_by_role("button", name="Tambah", exact=True).click()
    phone.get_by_role("button", name="Warna").click()
    colours = phone.locator(".option-group").nth(1)
    for value in ("Merah", "Biru"):
        colours.get_by_placeholder("Nilai baru, mis. XL").fill(value)
        colours.get_by_role("button", name="Tambah", exact=True).click()

    phone.get_by_role("button", name="Buat varian untuk setiap kombinasi").click()

    options = phone.locator("[data-variant-row] input[name$='-options']")
    expect(options).to_have_count(4)
    assert sorted(options.evaluate_all("inputs => inputs.map(i => i.value)")) == [
        "Ukuran=M;Warna=Biru", "Ukuran=M;Warna=Merah", "Ukuran=S;Warna=Biru", "Ukuran=S;Warna=Merah"]
    no_sideways_scroll(phone)


def test_new_photos_are_put_in_order_before_upload(phone: Page, live_server: str, member, tmp_path):
    wide, tall = tmp_path / "lebar.png", tmp_path / "tinggi.png"
    wide.write_bytes(png_bytes(800, 600))
    tall.write_bytes(png_bytes(600, 800, (200, 30, 30)))
    start_product(phone, live_server, "Tas Anyaman")
    phone.fill("#variants-0-price_idr", "150000")
    phone.set_input_files("#photos", [str(wide), str(tall)])
    picks = phone.locator(".photo-pick")
    expect(picks).to_have_count(2)
    picks.nth(1).get_by_role("button", name="Pindah ke atas").click()
    expect(picks.nth(0)).to_contain_text("tinggi")
    phone.locator(".save-bar button[type=submit]").click()

    expect(phone).to_have_url(re.compile(r"/produk/\d+/ubah$"))
    body = product_json(phone, live_server, phone.url)
    assert [stored_size(phone, image["url"]) for image in body["images"]] == [(600, 800), (800, 600)]


def test_a_large_photo_is_made_smaller_in_the_browser_before_upload(phone: Page, live_server: str, member, tmp_path):
    big = tmp_path / "besar.png"
    big.write_bytes(png_bytes(3000, 2000))
    start_product(phone, live_server, "Tas Besar")
    phone.fill("#variants-0-price_idr", "150000")
    phone.set_input_files("#photos", str(big))
    expect(phone.locator(".photo-pick")).to_contain_text("Diperkecil")
    sent = phone.evaluate("[...document.getElementById('photos').files].map(f => [f.name, f.size])")
    assert len(sent) == 1 and sent[0][0] == "besar.webp" and sent[0][1] < big.stat().st_size
    phone.locator(".save-bar button[type=submit]").click()

    expect(phone).to_have_url(re.compile(r"/produk/\d+/ubah$"))
    body = product_json(phone, live_server, phone.url)
    # The server alone keeps 2000 px; 1600 px shows the browser shrank it first.
    assert stored_size(phone, body["images"][0]["url"]) == (1600, 1067)


def test_saved_photos_move_in_place_and_the_chosen_new_photo_stays(phone: Page, live_server: str, shirt, tmp_path):
    product, owner = shirt
    extra = tmp_path / "baru.png"
    extra.write_bytes(png_bytes(500, 500))
    log_in(phone, live_server, owner)
    phone.goto(f"{live_server}/kelola/jatiwaringin/produk/{product.id}/ubah")
    phone.set_input_files("#photos", str(extra))
    phone.evaluate("window.stillTheSamePage = true")

    saved = phone.locator("[data-photo-list] .photo-item img")
    expect(saved.nth(0)).to_have_attribute("alt", "Kaos hijau")
    phone.locator("[data-photo-list] .photo-item").first.get_by_role("button", name="Pindah ke bawah").click()
    expect(saved.nth(0)).to_have_attribute("alt", "Kaos merah")
    expect(phone.locator("[data-photo-list] .photo-item").first.get_by_role("button", name="Pindah ke atas")).to_be_hidden()
    assert phone.evaluate("window.stillTheSamePage === true")
    assert phone.evaluate("document.getElementById('photos').files.length") == 1

    phone.locator(".save-bar button[type=submit]").click()
    expect(phone.locator(".flash-success")).to_be_visible()
    body = product_json(phone, live_server, phone.url)
    assert [image["alt"] for image in body["images"]] == ["Kaos merah", "Kaos hijau", ""]


def test_without_javascript_adding_a_variant_keeps_the_chosen_photo(browser, live_server: str, tmp_path):
    owner = make_user("pemilik@example.test")
    make_sentra("32.75.08.1001", owner=owner)
    db.session.commit()
    photo = tmp_path / "kaos.png"
    photo.write_bytes(png_bytes(800, 600))
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, live_server, owner)
        start_product(page, live_server, "Kaos Polos")
        page.fill("#variants-0-options", "Ukuran=S")
        page.fill("#variants-0-price_idr", "50000")
        page.set_input_files("#photos", str(photo))
        page.get_by_role("button", name="Tambah varian lain").click()

        expect(page.locator("#variants-1-options")).to_be_visible()
        expect(page.locator("input[name=staged_photos]")).to_be_checked()
        page.fill("#variants-1-options", "Ukuran=M")
        page.fill("#variants-1-price_idr", "55000")
        page.locator(".save-bar button[type=submit]").click()

        expect(page).to_have_url(re.compile(r"/produk/\d+/ubah$"))
        body = product_json(page, live_server, page.url)
        assert len(body["variants"]) == 2
        assert len(body["images"]) == 1
        assert stored_size(page, body["images"][0]["url"]) == (800, 600)
    finally:
        context.close()
