"""A sentra member lists a product from a phone-sized browser window."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from shop.extensions import db
from tests.factories import PASSWORD, make_sentra, make_user, png_bytes


def test_member_creates_a_product_with_two_variants_and_a_photo_on_a_phone(
    page: Page, live_server: str, tmp_path
):
    owner = make_user("pemilik@example.test")
    make_sentra("32.75.08.1001", owner=owner)
    db.session.commit()
    photo = tmp_path / "keripik.png"
    photo.write_bytes(png_bytes(800, 600))

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/login")
    page.fill("#email", owner.email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/logout']")).to_have_count(1)

    page.goto(f"{live_server}/kelola/jatiwaringin/produk/baru")
    page.fill("#title", "Keripik Tempe Pedas")
    page.select_option("#subsector_code", "kuliner")
    page.select_option("#status", "active")
    # Options are picked as chips (issue 17): the option "Berat" with the values 100 g and 250 g.
    page.get_by_role("button", name="Berat").click()
    for value in ("100 g", "250 g"):
        page.locator(".option-new-value").fill(value)
        page.locator(".option-new-value").press("Enter")
    page.fill("#variants-0-sku", "KT-100")
    page.locator("#variant-row-0 .pick-chip", has_text="100 g").click()
    page.fill("#variants-0-price_idr", "15000")
    page.fill("#variants-0-stock", "12")
    page.locator("button[name=add_variant]").click()
    page.fill("#variants-1-sku", "KT-250")
    page.locator("#variant-row-1 .pick-chip", has_text="250 g").click()
    page.fill("#variants-1-price_idr", "32000")
    page.fill("#variants-1-stock", "5")
    page.set_input_files("#photos", str(photo))
    page.locator(".save-bar button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/kelola/jatiwaringin/produk/\d+/ubah$"))
    product_id = int(re.search(r"/produk/(\d+)/ubah", page.url).group(1))
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the product form scrolls sideways on a phone"

    page.goto(f"{live_server}/sentra/jatiwaringin")
    expect(page.get_by_text("Keripik Tempe Pedas")).to_be_visible()

    response = page.request.get(f"{live_server}/api/v1/products/{product_id}")
    assert response.ok
    body = response.json()
    assert body["title"] == "Keripik Tempe Pedas"
    assert sorted(v["sku"] for v in body["variants"]) == ["KT-100", "KT-250"]
    assert sorted(v["stock"] for v in body["variants"]) == [5, 12]
    assert len(body["images"]) == 1
