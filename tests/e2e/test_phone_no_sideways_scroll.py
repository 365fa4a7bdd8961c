"""No page scrolls sideways on a 360 px phone: every page each role reaches, in a real browser.

The Indonesian crawl's world (orders in every state, a transfer with its proof, a courier delivery,
a problem, a review, a partner's request, quote and order) is made once; for each role the pages are
found by following links with the test client (fast), then each is opened in Chromium at 360 px,
signed in as that role, and its document must be no wider than the screen. A failure names the
page and the elements that reach past the right edge.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_phone import PHONE, WIDER_THAN_SCREEN
from tests.factories import PASSWORD
from tests.shop import test_indonesian_crawl as crawl_module
from tests.shop.test_indonesian_crawl import _sign_in, _world, crawl

PAGES_PER_ROLE = 35


def _sign_in_browser(page: Page, live_server: str, email: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/logout']")).to_have_count(1)


@pytest.mark.timeout(900)
def test_no_page_of_any_role_scrolls_sideways_at_360_px(app, browser, live_server: str, monkeypatch):
    monkeypatch.setattr(crawl_module, "PAGES_PER_ROLE", PAGES_PER_ROLE)
    monkeypatch.setattr(crawl_module, "PAGES_PER_SHAPE", 1)
    world = _world()
    slug = world["sentra"].slug
    ready = world["ready"]
    roles = {
        "visitor": (None, ["/", "/sentra", "/search?q=tas", "/register", "/login", "/buka-sentra",
                           f"/track/{ready.number}?code={ready.tracking_code}"]),
        "buyer": ("buyer", ["/", "/orders", "/akun", "/cart", "/akun/alamat/baru", "/mitra/daftar", "/pendamping/",
                            "/fasilitas/pesanan", "/lowongan", "/lowongan/lamaran"]),
        "sentra owner": ("owner", [f"/kelola/{slug}/", f"/kelola/{slug}/pendampingan/", f"/kelola/{slug}/lowongan/",
                                   f"/kelola/{slug}/lowongan/lamaran"]),
        "sentra courier": ("courier", [f"/kelola/{slug}/pengantaran", f"/kelola/{slug}/"]),
        "partner": ("partner", ["/mitra/"]),
        "office": ("admin", ["/admin/", "/admin/pendamping", "/admin/pendampingan",
                             "/admin/potensi/32.75.08.1001/survei", "/admin/lowongan"]),
    }
    wide: dict[str, list[str]] = {}
    opened = 0
    for role, (who, starts) in roles.items():
        app.config["WTF_CSRF_ENABLED"] = False  # the test client finds the pages; the browser goes through CSRF
        client = app.test_client()
        if who is not None:
            _sign_in(client, world[who])
        urls = _pages_reached(client, starts)
        app.config["WTF_CSRF_ENABLED"] = True
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        try:
            if who is not None:
                _sign_in_browser(page, live_server, world[who].email)
            for url in urls:
                page.goto(f"{live_server}{url}")
                opened += 1
                scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                if scroll_width > inner_width:
                    wide[f"{role} {url} ({scroll_width} px)"] = page.evaluate(WIDER_THAN_SCREEN)
        finally:
            context.close()
    print(f"{opened} pages opened at {PHONE['width']} px, {len(wide)} wider than the screen")
    assert opened >= 90, f"only {opened} pages were reached"
    report = "\n".join(f"{where}: {', '.join(elements)}" for where, elements in sorted(wide.items()))
    assert not wide, f"pages wider than a {PHONE['width']} px phone:\n{report}"


def _pages_reached(client, starts: list[str]) -> list[str]:
    """The html pages the crawl reads from ``starts``, in the order it reads them."""
    reached: list[str] = []
    original_get = client.get

    def get(url, *args, **kwargs):
        response = original_get(url, *args, **kwargs)
        if response.status_code == 200 and response.mimetype == "text/html":
            reached.append(url)
        return response

    client.get = get
    crawl(client, starts)
    return reached
