"""A class certificate prints from Chromium as one A4 page, everything inside the margins (issue 19)."""
from __future__ import annotations

import io
from datetime import timedelta

from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlalchemy import select

from orders.classes.bookings import check_in_by_code
from orders.classes.certificates import issue_certificates
from orders.classes.models import ClassCertificate
from shop.extensions import db
from tests.e2e.test_papers_pdf import A4_PT, MARGIN_PT, SLACK_PT, _text_positions
from tests.factories import make_sentra, make_user
from tests.orders.classes.helpers import book, make_class


def test_the_certificate_prints_on_one_a4_page_inside_the_margins(page: Page, live_server: str):
    sentra = make_sentra(name="Sentra Kreatif Jatiwaringin")
    klass = make_class(sentra, title="Kelas Membatik Tulis untuk Pemula", days=(2,))
    booking = book(make_user(name="Rahmawati Kusumaningrum Siregar"), klass, 1).booking
    check_in_by_code(sentra, klass.id, booking.code, sentra.memberships[0].user)
    issue_certificates(klass.ends_at + timedelta(minutes=1))
    db.session.commit()
    code = db.session.scalar(select(ClassCertificate.code))

    page.goto(f"{live_server}/sertifikat/{code}")
    expect(page.locator("article.paper")).to_be_visible()
    pdf = page.pdf(prefer_css_page_size=True)

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - A4_PT[0]) <= 1 and abs(float(box.height) - A4_PT[1]) <= 1
    positions = _text_positions(reader)
    outside = [(text, round(x), round(y)) for text, x, y in positions
               if not (MARGIN_PT - SLACK_PT <= x <= A4_PT[0] - MARGIN_PT + SLACK_PT
                       and MARGIN_PT - SLACK_PT <= y <= A4_PT[1] - MARGIN_PT + SLACK_PT)]
    assert positions and outside == []
    text = " ".join(reader.pages[0].extract_text().split())
    for expected in ("Rahmawati Kusumaningrum Siregar", "Kelas Membatik Tulis untuk Pemula", code,
                     "Sentra Kreatif Jatiwaringin", "SERTIFIKAT KEIKUTSERTAAN"):
        assert expected in text
