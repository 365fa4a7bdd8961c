"""The papers of a partner order print from Chromium as one A4 page each, everything inside the margins.

A partner's member opens the faktur, the surat jalan and the berita acara of an order with
15 lines; each is printed to PDF with the page's own CSS page size and read back with pypdf.
"""
from __future__ import annotations

import io

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from shop.extensions import db
from tests.factories import make_sentra
from tests.orders.b2b.papers_helpers import accepted_order

PASSWORD = "correct-horse-battery"
A4_PT = (595.28, 841.89)
MARGIN_PT = 15 / 25.4 * 72  # @page margin: 15mm
SLACK_PT = 1.0
LINES = 15


def _log_in(page: Page, live_server: str, email: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/logout']")).to_have_count(1)


def _text_positions(reader: PdfReader) -> list[tuple[str, float, float]]:
    """(text, x, y) of every piece of text on the first page, in page space (points)."""
    found: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if not text.strip():
            return
        x, y = tm[4], tm[5]
        found.append((text, cm[0] * x + cm[2] * y + cm[4], cm[1] * x + cm[3] * y + cm[5]))

    reader.pages[0].extract_text(visitor_text=visit)
    return found


@pytest.fixture
def order_of_15_lines():
    sentra = make_sentra()
    sentra.is_pkp = True
    sentra.npwp = "0123456789012345"
    db.session.flush()
    return accepted_order(lines=LINES, sentra=sentra, price=1_234_500)


@pytest.mark.parametrize("paper", ["faktur", "surat-jalan", "berita-acara"])
def test_paper_prints_on_one_a4_page_inside_the_margins(page: Page, live_server: str, order_of_15_lines, paper):
    po = order_of_15_lines
    _log_in(page, live_server, po.staff.email)
    page.goto(f"{live_server}/mitra/pesanan/{po.number}/{paper}")
    expect(page.locator("article.paper")).to_be_visible()
    pdf = page.pdf(prefer_css_page_size=True)

    # Nothing sticks out sideways at the printable width (A4 less the margins: 180mm = 680px).
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 680, "height": 1000})
    overflow = page.evaluate("() => { const p = document.querySelector('article.paper');"
                             " return p.scrollWidth - p.clientWidth; }")
    assert overflow <= 0

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - A4_PT[0]) <= 1 and abs(float(box.height) - A4_PT[1]) <= 1

    positions = _text_positions(reader)
    assert positions
    outside = [(text, round(x), round(y)) for text, x, y in positions
               if not (MARGIN_PT - SLACK_PT <= x <= A4_PT[0] - MARGIN_PT + SLACK_PT
                       and MARGIN_PT - SLACK_PT <= y <= A4_PT[1] - MARGIN_PT + SLACK_PT)]
    assert outside == []

    text = " ".join(reader.pages[0].extract_text().split())
    for i in range(LINES):
        assert f"Barang nomor {i + 1:02d}" in text
    assert po.order.number in text
    if paper == "faktur":
        total = f"Rp{po.invoice.total_idr:,}".replace(",", ".")
        assert total in text and "PPN 11%" in text
