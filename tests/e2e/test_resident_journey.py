"""A resident in a real browser: registers, verifies, logs in, switches language, opens a storefront."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from shop.extensions import db
from tests.conftest import links_in
from tests.factories import make_sentra

PASSWORD = "sambal matah pedas sekali"


def open_menu(page: Page) -> None:
    page.locator("details.menu > summary").click()


def test_resident_registers_logs_in_switches_language_and_opens_a_storefront(
    page: Page, live_server: str, mail_outbox: list
):
    sentra = make_sentra("32.75.08.1001", name="Sentra Kreatif Jatiwaringin")
    db.session.commit()

    # Register (the interface starts in Indonesian).
    page.goto(f"{live_server}/register")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.fill("#name", "Dewi Lestari")
    page.fill("#email", "dewi@example.test")
    page.fill("#phone", "0812-3456-7890")
    page.fill("#password", PASSWORD)
    page.fill("#password_confirm", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/logout']")).to_have_count(1)

    # Follow the verification link from the email.
    verification = next(link for m in mail_outbox for link in links_in(m.get_content()) if "/verifikasi/" in link)
    page.goto(re.sub(r"^https?://[^/]+", live_server, verification))
    expect(page.locator(".flash").first).to_be_visible()

    # Log out through the menu, then log back in.
    open_menu(page)
    page.locator("form[action='/logout'] button").click()
    expect(page.locator("form[action='/logout']")).to_have_count(0)
    page.goto(f"{live_server}/login")
    page.fill("#email", "dewi@example.test")
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/logout']")).to_have_count(1)

    # Switch to English; the choice is remembered on the next page.
    open_menu(page)
    page.locator(".lang-switch a[hreflang=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(f"{live_server}/sentra")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Sentra directory")

    # Open the storefront from the directory.
    page.get_by_role("link", name=sentra.name).click()
    expect(page.locator("h1")).to_have_text(sentra.name)
    expect(page.locator("a.whatsapp")).to_have_attribute("href", "https://wa.me/6281234567890")
    expect(page.get_by_text("Kecamatan Pondokgede")).to_be_visible()


def test_pages_fit_a_phone_screen_without_sideways_scrolling(page: Page, live_server: str):
    make_sentra()
    db.session.commit()
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/", "/sentra", "/sentra/jatiwaringin", "/login", "/register"):
        page.goto(f"{live_server}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
