"""Issue 17, items 8 and 9 on a 360 px phone: the office's impact dashboard (a kelurahan table that
fits, legible chart labels, a named and shaded map) and the partner's request form and invoice
(products picked from the wholesale catalogue, lines added without a reload, terbilang, signatures)."""
from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from shop.extensions import db
from tests.factories import PASSWORD, make_product, make_sentra, make_user
from tests.orders.b2b.b2b_helpers import partner_team
from tests.orders.b2b.papers_helpers import accepted_order
from tests.orders.impact.test_impact import place_order

PHONE = {"width": 360, "height": 740}
YEAR = "from=2025-04-01&to=2026-03-31"  # twelve months of charts


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size(PHONE)
    return page


def _log_in(page: Page, live_server: str, email: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action='/logout']")).to_have_count(1)


def _page_scrolls_sideways(page: Page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def _boxes(page: Page, selector: str) -> list[dict]:
    return page.evaluate("""(sel) => Array.from(document.querySelectorAll(sel)).map((el) => {
        const r = el.getBoundingClientRect();
        return {text: el.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom, height: r.height};
    })""", selector)


def _overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    return [(a["text"], b["text"]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a["left"] < b["right"] - 0.5 and b["left"] < a["right"] - 0.5
            and a["top"] < b["bottom"] - 0.5 and b["top"] < a["bottom"] - 0.5]


@pytest.fixture
def office():
    admin = make_user("kantor@impact.test")
    admin.is_admin = True
    jatiwaringin = make_sentra("32.75.08.1001")
    pejuang = make_sentra("32.75.06.1003")
    buyer = make_user()
    when = datetime(2025, 6, 10, 3, tzinfo=UTC)
    place_order(jatiwaringin, buyer, when, 900_000)
    place_order(pejuang, buyer, when + timedelta(days=30), 100_000)
    place_order(pejuang, buyer, when + timedelta(days=31), 100_000)
    db.session.commit()
    return admin


# --- item 8: the office's impact dashboard ---------------------------------------------------------------


def test_the_dashboard_never_scrolls_sideways_and_the_kelurahan_table_scrolls_inside_its_frame(
        phone: Page, live_server: str, office):
    _log_in(phone, live_server, office.email)
    phone.goto(f"{live_server}/admin/dampak?{YEAR}")
    table = phone.locator("#impact-kelurahan ~ .table-wrap, section[aria-labelledby=impact-kelurahan] .table-wrap")
    expect(table.locator("tbody tr")).to_have_count(56)
    assert _page_scrolls_sideways(phone) <= 0

    # The key columns come first: the name, then GMV, orders, active members and buyers.
    heads = table.locator("thead th").all_inner_texts()
    assert heads[:5] == ["Kelurahan", "Nilai transaksi (GMV)", "Pesanan", "Anggota aktif", "Pembeli"]
    frame = table.element_handle()
    assert frame.evaluate("(el) => el.scrollWidth > el.clientWidth")  # the rest is inside, a swipe away

    row = table.locator("tbody tr", has_text="Jatiwaringin")
    name = row.locator("th")
    gmv = row.locator("td").first
    expect(gmv).to_have_text("Rp900.000")
    gmv_box = gmv.bounding_box()
    assert gmv_box["x"] + gmv_box["width"] <= PHONE["width"]  # visible without any scrolling

    before = name.bounding_box()["x"]
    frame.evaluate("(el) => { el.scrollLeft = el.scrollWidth; }")
    expect(phone.locator("body")).to_be_visible()
    assert frame.evaluate("(el) => el.scrollLeft") > 100
    assert abs(name.bounding_box()["x"] - before) < 1  # the name column stays where it was
    assert _page_scrolls_sideways(phone) <= 0


def test_month_labels_of_the_charts_are_legible_and_never_overlap(phone: Page, live_server: str, office):
    _log_in(phone, live_server, office.email)
    phone.goto(f"{live_server}/admin/dampak?{YEAR}")
    charts = phone.locator(".impact-chart svg")
    expect(charts).to_have_count(4)
    for index in range(4):
        labels = _boxes(phone, f".impact-chart:nth-child({index + 1}) .chart-label")
        assert len(labels) >= 4  # a year of months, thinned out so that they fit
        assert {label["text"] for label in labels} >= {"Apr 25"}
        assert all(label["height"] >= 10 for label in labels), labels  # not shrunk below a legible size
        assert _overlapping(labels) == []
        svg = charts.nth(index).bounding_box()
        assert all(svg["x"] - 0.5 <= label["left"] and label["right"] <= svg["x"] + svg["width"] + 0.5
                   for label in labels)


def test_the_map_names_all_56_kelurahan_legibly_without_overlap(phone: Page, live_server: str, office):
    _log_in(phone, live_server, office.email)
    phone.goto(f"{live_server}/admin/dampak?{YEAR}")
    names = phone.locator("svg.map text.kel-name")
    expect(names).to_have_count(56)
    expect(phone.locator("svg.map .kel-cell")).to_have_count(56)
    boxes = _boxes(phone, "svg.map text.kel-name")
    assert all(box["height"] >= 10 for box in boxes), min(box["height"] for box in boxes)
    assert _overlapping(boxes) == []
    assert _page_scrolls_sideways(phone) <= 0  # the map scrolls inside its own frame
    assert "Jatiwaringin" in {box["text"] for box in boxes} and "Pejuang" in {box["text"] for box in boxes}


def test_the_map_shades_each_kelurahan_by_the_chosen_figure(phone: Page, live_server: str, office):
    _log_in(phone, live_server, office.email)
    phone.goto(f"{live_server}/admin/dampak?{YEAR}")
    jatiwaringin = phone.locator("svg.map g.kel[data-code='32.75.08.1001'] .kel-cell")
    pejuang = phone.locator("svg.map g.kel[data-code='32.75.06.1003'] .kel-cell")
    expect(phone.locator(".impact-map-caption")).to_have_text("Warna kelurahan menurut: Nilai transaksi (GMV)")
    expect(jatiwaringin).to_have_class(re.compile(r"\bshade-5\b"))  # Rp900.000, the largest
    expect(pejuang).to_have_class(re.compile(r"\bshade-2\b"))  # Rp200.000 of Rp900.000
    expect(phone.locator("svg.map .kel-cell.shade-0")).to_have_count(54)

    phone.select_option("#map-value", label="Pesanan")
    phone.locator("form.map-choice button[type=submit]").click()
    expect(phone).to_have_url(re.compile(r"peta=orders"))
    expect(phone.locator(".impact-map-caption")).to_have_text("Warna kelurahan menurut: Pesanan")
    expect(pejuang).to_have_class(re.compile(r"\bshade-5\b"))  # 2 orders, the most
    expect(jatiwaringin).to_have_class(re.compile(r"\bshade-3\b"))  # 1 of 2
    expect(phone.locator("#impact-from")).to_have_value("2025-04-01")  # the period is kept
    expect(phone.locator(".map-legend li")).to_have_count(3)  # nothing, 1 and 2 orders


def test_the_map_comes_from_this_server_only(phone: Page, live_server: str, office):
    requests: list[str] = []
    phone.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    phone.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    _log_in(phone, live_server, office.email)
    phone.goto(f"{live_server}/admin/dampak?{YEAR}")
    expect(phone.locator("svg.map")).to_be_visible()
    assert all(url.startswith(live_server) for url in requests), [u for u in requests if not u.startswith(live_server)]
    assert errors == []  # nothing refused by the CSP


# --- item 9: the partner's request form, invoice and papers ------------------------------------------------


@pytest.fixture
def wholesale():
    _partner, _owner, staff = partner_team()
    jatiwaringin = make_sentra("32.75.08.1001", name="Sentra Kreatif Jatiwaringin")
    bekasi_jaya = make_sentra("32.75.01.1001", name="Sentra Bekasi Jaya")
    make_product(jatiwaringin, title="Tas Totebag Sablon",
                 variants=[{"price_idr": 30_000, "stock": 50, "min_wholesale_qty": 12, "tiers": "12:27000"}])
    make_product(jatiwaringin, title="Batik Tulis Jatiwaringin", made_to_order=True, lead_time_days=14)
    make_product(bekasi_jaya, title="Keripik Tempe Grosir",
                 variants=[{"price_idr": 12_000, "stock": 80, "min_wholesale_qty": 20, "tiers": "20:10000"}])
    make_product(jatiwaringin, title="Gantungan Kunci Eceran", variants=[{"price_idr": 5_000, "stock": 9}])
    db.session.commit()
    return staff


def test_a_partner_picks_products_from_the_catalogue_and_adds_lines_without_a_reload(
        phone: Page, live_server: str, wholesale):
    _log_in(phone, live_server, wholesale.email)
    phone.goto(f"{live_server}/mitra/permintaan/baru")
    lines = phone.locator("[data-rfq-line]")
    expect(lines).to_have_count(1)
    picker = phone.locator("#lines-0-product_id")
    expect(picker.locator("option", has_text="Gantungan Kunci Eceran")).to_have_count(0)  # retail only

    phone.evaluate("() => { window.stillThisPage = true; }")
    picker.select_option(label="Tas Totebag Sablon · min. 12")
    expect(phone.locator("#sentra")).to_have_value("jatiwaringin")  # the product's sentra
    expect(phone.locator("#lines-0-quantity")).to_have_value("12")  # its wholesale minimum
    expect(picker.locator("optgroup[data-sentra=bekasijaya]")).to_be_disabled()  # another sentra's shelf

    phone.get_by_role("button", name="Tambah baris").click()
    expect(lines).to_have_count(2)
    expect(lines.nth(1).locator("legend")).to_have_text("Baris 2")
    expect(phone.locator("#lines-1-product_id")).to_be_focused()
    assert phone.evaluate("() => window.stillThisPage") is True  # no reload
    phone.locator("#lines-1-product_id").select_option(label="Batik Tulis Jatiwaringin")
    phone.fill("#lines-1-quantity", "30")
    phone.get_by_role("button", name="Tambah baris").click()
    expect(lines).to_have_count(3)
    phone.fill("#lines-2-description", "Sablon logo di kemasan")
    phone.fill("#lines-2-quantity", "42")
    assert _page_scrolls_sideways(phone) <= 0

    phone.fill("#phone", "081234567890")
    phone.fill("#needed_by", (datetime.now(UTC) + timedelta(days=20)).date().isoformat())
    phone.get_by_role("button", name="Kirim permintaan").last.click()
    expect(phone).to_have_url(re.compile(r"/mitra/permintaan/\d+$"))
    main = phone.locator("main")
    expect(main).to_contain_text("Tas Totebag Sablon")
    expect(main).to_contain_text("Batik Tulis Jatiwaringin")
    expect(main).to_contain_text("Sablon logo di kemasan")


def test_add_a_line_works_without_javascript(browser: Browser, live_server: str, wholesale):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    try:
        _log_in(page, live_server, wholesale.email)
        page.goto(f"{live_server}/mitra/permintaan/baru?sentra=jatiwaringin")
        page.locator("#lines-0-product_id").select_option(label="Tas Totebag Sablon · min. 12")
        page.fill("#lines-0-quantity", "24")
        page.get_by_role("button", name="Tambah baris").click()
        expect(page.locator("[data-rfq-line]")).to_have_count(2)
        expect(page.locator("#lines-0-quantity")).to_have_value("24")  # what was typed is kept
        expect(page.locator("#lines-0-product_id option:checked")).to_have_text("Tas Totebag Sablon · min. 12")
        expect(page.locator(".error")).to_have_count(0)
    finally:
        context.close()


@pytest.fixture
def invoice_order():
    return accepted_order(lines=1, price=122_500, fee=25_000)  # 10 × Rp122.500 + Rp25.000 = Rp1.250.000


def test_the_invoice_states_its_total_in_words_with_a_signature_block(phone: Page, live_server: str, invoice_order):
    _log_in(phone, live_server, invoice_order.staff.email)
    phone.goto(f"{live_server}/mitra/pesanan/{invoice_order.number}/faktur")
    expect(phone.locator(".paper-words")).to_have_text("Terbilang: satu juta dua ratus lima puluh ribu rupiah")
    signature = phone.locator(".paper-signatures .paper-signature")
    expect(signature).to_have_count(1)
    expect(signature).to_contain_text("Hormat kami, penjual")
    expect(signature).to_contain_text(invoice_order.invoice.seller_name)
    expect(signature).to_be_visible()


def test_the_printed_invoice_carries_the_words_and_the_signature(phone: Page, live_server: str, invoice_order):
    _log_in(phone, live_server, invoice_order.staff.email)
    phone.goto(f"{live_server}/mitra/pesanan/{invoice_order.number}/faktur")
    expect(phone.locator("article.paper")).to_be_visible()
    reader = PdfReader(io.BytesIO(phone.pdf(prefer_css_page_size=True)))
    assert len(reader.pages) == 1
    text = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert "satu juta dua ratus lima puluh ribu rupiah" in text
    assert "Hormat kami, penjual" in text and invoice_order.invoice.seller_name in text
