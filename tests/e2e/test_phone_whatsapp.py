"""Issue 17, updates on WhatsApp: the profile setting on a 360 px phone screen."""
from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect

from shop.accounts.models import User
from shop.extensions import db
from tests.factories import PASSWORD, make_user

PHONE = {"width": 360, "height": 740}
EMAIL = "sari.warga@example.test"
SCREENSHOT = os.environ.get("WHATSAPP_SETTING_SCREENSHOT")  # a path: save the saved form, to look at


def assert_fits_the_screen(page: Page) -> None:
    """The page as it is now (with its errors or its saved state) does not scroll sideways."""
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, (page.url, scroll_width)


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size(PHONE)
    return page


def _log_in(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/logout']")).to_have_count(1)


def _saved_user() -> User:
    db.session.expire_all()
    return db.session.scalar(db.select(User).where(User.email == EMAIL))


def test_a_resident_switches_updates_to_whatsapp_on_a_phone(phone: Page, live_server: str):
    make_user(EMAIL, name="Sari Warga")
    db.session.commit()
    _log_in(phone, live_server)
    phone.goto(f"{live_server}/akun")
    choice = phone.locator("fieldset", has_text="Kirim kabar pesanan lewat")
    expect(choice).to_be_visible()
    whatsapp = choice.get_by_label("WhatsApp", exact=True)
    expect(choice.get_by_label("Email", exact=True)).to_be_checked()  # no phone yet: email
    expect(choice.get_by_label("WhatsApp dan email", exact=True)).not_to_be_checked()

    whatsapp.check()  # WhatsApp without a number is refused, in Indonesian, next to the choice
    phone.get_by_role("button", name="Simpan").first.click()
    expect(choice.locator(".error")).to_have_text("Isi nomor WhatsApp Anda di atas untuk menerima kabar lewat WhatsApp.")
    assert _saved_user().notify_channel is None
    assert_fits_the_screen(phone)  # the page with its error

    phone.goto(f"{live_server}/akun")
    phone.fill("#phone", "0812 3456-7890")
    choice.get_by_label("WhatsApp", exact=True).check()
    phone.get_by_role("button", name="Simpan").first.click()
    expect(phone.locator(".flash-success")).to_be_visible()
    expect(phone.locator("#phone")).to_have_value("+6281234567890")
    expect(choice.get_by_label("WhatsApp", exact=True)).to_be_checked()
    saved = _saved_user()
    assert (saved.phone, saved.notify_channel) == ("+6281234567890", "whatsapp")
    assert_fits_the_screen(phone)
    if SCREENSHOT:
        phone.locator("form.stacked").first.screenshot(path=SCREENSHOT)


def test_with_a_phone_the_default_is_whatsapp_and_email(phone: Page, live_server: str):
    make_user(EMAIL, name="Sari Warga", phone="+6281234567890")
    db.session.commit()
    _log_in(phone, live_server)
    phone.goto(f"{live_server}/akun")
    choice = phone.locator("fieldset", has_text="Kirim kabar pesanan lewat")
    expect(choice.get_by_label("WhatsApp dan email", exact=True)).to_be_checked()
    choice.get_by_label("Email", exact=True).check()
    phone.get_by_role("button", name="Simpan").first.click()
    expect(phone.locator(".flash-success")).to_be_visible()
    expect(choice.get_by_label("Email", exact=True)).to_be_checked()
    assert _saved_user().notify_channel == "email"
