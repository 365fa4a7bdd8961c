"""The partner's pages under /mitra/: dashboard, requests, images, orders, invoices and the threshold."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from orders.b2b import acceptance
from orders.b2b.invoices import today_wib
from orders.b2b.models import Invoice, PurchaseApproval, Rfq, RfqComment, RfqImage, RfqStatus
from orders.core.models import OrderStatus
from shop.extensions import db
from shop.partners.models import PartnerStatus
from shop.places.models import Kelurahan
from tests.factories import make_partner, make_product, make_sentra, make_user, png_bytes
from tests.orders.b2b.b2b_helpers import PARTNER_ADDRESS, membership, partner_team, send_rfq
from tests.orders.b2b.partner_pages_helpers import SMALL_LINE, login, quoted_rfq, ship, terms_order
from tests.queries import count_queries


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _rfq_form(sentra, **overrides) -> dict:
    data = {
        "sentra": sentra.slug,
        "needed_by": (today_wib() + timedelta(days=10)).isoformat(),
        "recipient": PARTNER_ADDRESS["recipient"], "phone": PARTNER_ADDRESS["phone"],
        "street": PARTNER_ADDRESS["street"], "place": "bekasi", "kelurahan_code": PARTNER_ADDRESS["kelurahan_code"],
        "city": "", "postal_code": "", "notes": "Logo terlampir",
        "lines-0-description": "Tas totebag sablon logo", "lines-0-quantity": "300", "lines-0-product_id": "",
    }
    data.update(overrides)
    return data


def _image(name: str = "logo.png", data: bytes | None = None):
    import io

    return io.BytesIO(data if data is not None else png_bytes()), name


# --- the dashboard --------------------------------------------------------------------------------


def test_mitra_shows_the_dashboard_to_a_verified_partner_member(client, auth):
    partner, _owner, staff = partner_team()
    sentra = make_sentra()
    send_rfq(partner, staff, sentra)
    db.session.commit()
    login(client, auth, staff)
    body = client.get("/mitra/").get_data(as_text=True)
    assert "Requests waiting for a quote (1)" in body
    assert sentra.name in body and "/mitra/permintaan/baru" in body


def test_mitra_keeps_the_programme_page_for_a_member_of_a_pending_partner(client, auth):
    owner = make_user()
    make_partner(owner, status=PartnerStatus.PENDING, name="CV Menunggu")
    db.session.commit()
    login(client, auth, owner)
    body = client.get("/mitra/").get_data(as_text=True)
    assert "CV Menunggu" in body and "Requests waiting for a quote" not in body


def test_dashboard_flags_an_overdue_invoice(client, auth):
    partner, owner, _staff = partner_team(terms_days=14, credit_limit=50_000_000)
    order = terms_order(partner, owner, make_sentra(), lines=[dict(
        description="Keripik", quantity=10, unit_price_idr=10_000, lead_time_days=0)])
    invoice = db.session.scalar(select(Invoice).where(Invoice.order_id == order.id))
    invoice.due_on = today_wib() - timedelta(days=1)
    db.session.commit()
    login(client, auth, owner)
    body = client.get("/mitra/").get_data(as_text=True)
    assert "dashboard-overdue" in body and "invoice-overdue" in body
    assert "1 invoice is overdue" in body


def test_dashboard_sums_spending_per_sentra_without_cancelled_orders(client, auth):
    partner, owner, _staff = partner_team(terms_days=30, credit_limit=50_000_000)
    sentra = make_sentra(name="Sentra Batik Jaya")
    line = dict(description="Batik", quantity=10, unit_price_idr=10_000, lead_time_days=0)
    terms_order(partner, owner, sentra, lines=[line], fee=0)
    terms_order(partner, owner, sentra, lines=[line], fee=0)
    login(client, auth, owner)
    body = client.get("/mitra/").get_data(as_text=True)
    assert "Sentra Batik Jaya" in body and "Rp200,000" in body
    assert "Orders in progress (2)" in body


# --- access -----------------------------------------------------------------------------------------


def test_partner_pages_need_a_login(client):
    response = client.get("/mitra/permintaan")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_user_without_a_verified_partner_gets_403(client, auth):
    user = make_user()
    make_partner(user, status=PartnerStatus.PENDING)
    db.session.commit()
    login(client, auth, user)
    for url in ("/mitra/permintaan", "/mitra/permintaan/baru", "/mitra/pesanan", "/mitra/tagihan",
                "/mitra/persetujuan"):
        assert client.get(url).status_code == 403, url


# --- pages render -------------------------------------------------------------------------------------


def test_every_list_page_renders_for_a_member(client, auth):
    partner, owner, _staff = partner_team(terms_days=30, credit_limit=50_000_000)
    order = terms_order(partner, owner, make_sentra())
    login(client, auth, owner)
    expectations = {
        "/mitra/permintaan": "Request #",
        "/mitra/permintaan?status=accepted": "Request #",
        "/mitra/persetujuan": "Approvals",
        "/mitra/pesanan": order.number,
        "/mitra/tagihan": "INV/",
        "/mitra/tagihan?status=unpaid": "INV/",
        f"/mitra/pesanan/{order.number}": "Invoice and papers",
    }
    for url, text in expectations.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert text in response.get_data(as_text=True), url


def test_lists_show_an_empty_state(client, auth):
    _partner, owner, _staff = partner_team()
    db.session.commit()
    login(client, auth, owner)
    assert "not sent a request for quote yet" in client.get("/mitra/permintaan").get_data(as_text=True)
    assert "no orders yet" in client.get("/mitra/pesanan").get_data(as_text=True)
    assert "No invoices yet" in client.get("/mitra/tagihan").get_data(as_text=True)


def test_an_unknown_status_tab_is_404(client, auth):
    _partner, owner, _staff = partner_team()
    db.session.commit()
    login(client, auth, owner)
    assert client.get("/mitra/permintaan?status=bogus").status_code == 404
    assert client.get("/mitra/tagihan?status=bogus").status_code == 404


def test_order_page_shows_ppn_invoice_due_date_and_paper_links(client, auth):
    partner, owner, _staff = partner_team(terms_days=30, credit_limit=50_000_000)
    sentra = make_sentra()
    sentra.is_pkp = True
    order = terms_order(partner, owner, sentra)
    assert order.tax_idr > 0
    login(client, auth, owner)
    body = client.get(f"/mitra/pesanan/{order.number}").get_data(as_text=True)
    invoice = db.session.scalar(select(Invoice).where(Invoice.order_id == order.id))
    assert "PPN" in body and invoice.number in body
    assert f"/mitra/pesanan/{order.number}/faktur" in body
    assert f"/mitra/pesanan/{order.number}/surat-jalan" in body
    assert f"/mitra/pesanan/{order.number}/pesan-lagi" in body


# --- a new request -------------------------------------------------------------------------------------


def test_a_request_with_an_image_is_sent_and_shown(client, auth):
    partner, _owner, staff = partner_team()
    sentra = make_sentra()
    db.session.commit()
    login(client, auth, staff)
    data = _rfq_form(sentra)
    data["images"] = [_image()]
    response = client.post("/mitra/permintaan/baru", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    rfq = db.session.scalar(select(Rfq))
    assert rfq.partner_id == partner.id and rfq.sentra_id == sentra.id and rfq.status == RfqStatus.OPEN
    assert [line.quantity for line in rfq.lines] == [300] and len(rfq.images) == 1
    body = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tas totebag sablon logo" in body
    assert f"/mitra/permintaan/{rfq.id}/gambar/{rfq.images[0].id}?ukuran=kecil" in body


def test_blank_rows_of_the_request_form_are_ignored(client, auth):
    partner, _owner, staff = partner_team()
    sentra = make_sentra()
    db.session.commit()
    login(client, auth, staff)
    data = _rfq_form(sentra, **{"lines-3-description": "Gantungan kunci", "lines-3-quantity": "50"})
    assert client.post("/mitra/permintaan/baru", data=data).status_code == 303
    rfq = db.session.scalar(select(Rfq))
    assert [(line.description, line.quantity) for line in rfq.lines] == [
        ("Tas totebag sablon logo", 300), ("Gantungan kunci", 50)]


def test_a_needed_by_date_in_the_past_is_refused_with_a_message(client, auth):
    _partner, _owner, staff = partner_team()
    sentra = make_sentra()
    db.session.commit()
    login(client, auth, staff)
    data = _rfq_form(sentra, needed_by=(today_wib() - timedelta(days=1)).isoformat())
    response = client.post("/mitra/permintaan/baru", data=data)
    assert response.status_code == 422
    assert "The needed-by date is in the past." in response.get_data(as_text=True)
    assert _count(Rfq) == 0


def test_four_images_are_refused_and_nothing_is_saved(client, auth):
    _partner, _owner, staff = partner_team()
    sentra = make_sentra()
    db.session.commit()
    login(client, auth, staff)
    data = _rfq_form(sentra)
    data["images"] = [_image(f"{n}.png") for n in range(4)]
    response = client.post("/mitra/permintaan/baru", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "At most 3 reference images." in response.get_data(as_text=True)
    assert _count(Rfq) == 0 and _count(RfqImage) == 0


def test_a_file_that_is_not_an_image_saves_no_request(client, auth):
    _partner, _owner, staff = partner_team()
    sentra = make_sentra()
    db.session.commit()
    login(client, auth, staff)
    data = _rfq_form(sentra)
    data["images"] = [_image("a.png"), _image("b.png", b"not a picture at all")]
    response = client.post("/mitra/permintaan/baru", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Image 2:" in response.get_data(as_text=True)
    assert _count(Rfq) == 0 and _count(RfqImage) == 0


def test_a_product_of_another_sentra_is_refused(client, auth):
    _partner, _owner, staff = partner_team()
    sentra = make_sentra()
    other = make_sentra("32.75.01.1001")
    foreign = make_product(other)
    db.session.commit()
    login(client, auth, staff)
    data = _rfq_form(sentra, **{"lines-0-product_id": str(foreign.id)})
    response = client.post("/mitra/permintaan/baru", data=data)
    assert response.status_code == 422
    assert "No such product at the chosen sentra" in response.get_data(as_text=True)
    assert _count(Rfq) == 0


def test_an_incomplete_address_is_a_field_error(client, auth):
    _partner, _owner, staff = partner_team()
    sentra = make_sentra()
    db.session.commit()
    login(client, auth, staff)
    response = client.post("/mitra/permintaan/baru", data=_rfq_form(sentra, street=""))
    assert response.status_code == 422
    assert 'id="street-err"' in response.get_data(as_text=True)
    assert _count(Rfq) == 0


def test_the_form_is_prefilled_from_a_product_link(client, auth):
    _partner, _owner, staff = partner_team()
    sentra = make_sentra()
    product = make_product(sentra, title="Batik Tulis Bekasi",
                           variants=[{"price_idr": 50_000, "tiers": "10:45000", "min_wholesale_qty": 10}])
    db.session.commit()
    login(client, auth, staff)
    body = client.get(f"/mitra/permintaan/baru?product={product.id}").get_data(as_text=True)
    assert 'value="Batik Tulis Bekasi"' in body and f'value="{product.id}"' in body
    assert f'<option selected value="{sentra.slug}">' in body and 'value="10"' in body


# --- request page: comments, withdrawing, images -----------------------------------------------------


def test_a_comment_is_added_to_the_request(client, auth):
    partner, _owner, staff = partner_team()
    rfq = send_rfq(partner, staff, make_sentra())
    db.session.commit()
    login(client, auth, staff)
    response = client.post(f"/mitra/permintaan/{rfq.id}/komentar", data={"body": "Bisa warna biru?"})
    assert response.status_code == 303
    assert db.session.scalar(select(RfqComment.body)) == "Bisa warna biru?"
    assert "Bisa warna biru?" in client.get(f"/mitra/permintaan/{rfq.id}").get_data(as_text=True)


def test_an_empty_comment_is_refused(client, auth):
    partner, _owner, staff = partner_team()
    rfq = send_rfq(partner, staff, make_sentra())
    db.session.commit()
    login(client, auth, staff)
    assert client.post(f"/mitra/permintaan/{rfq.id}/komentar", data={"body": "  "}).status_code == 422
    assert _count(RfqComment) == 0


def test_withdrawing_asks_first_then_closes_the_request(client, auth):
    partner, _owner, staff = partner_team()
    rfq = send_rfq(partner, staff, make_sentra())
    db.session.commit()
    login(client, auth, staff)
    confirm = client.get(f"/mitra/permintaan/{rfq.id}/batal")
    assert confirm.status_code == 200 and "Withdraw request" in confirm.get_data(as_text=True)
    assert rfq.status == RfqStatus.OPEN
    assert client.post(f"/mitra/permintaan/{rfq.id}/batal", data={}).status_code == 303
    db.session.refresh(rfq)
    assert rfq.status == RfqStatus.CANCELLED
    again = client.post(f"/mitra/permintaan/{rfq.id}/batal", data={}, follow_redirects=True)
    assert again.status_code == 200 and "This request is closed" in again.get_data(as_text=True)


def test_the_image_route_serves_members_and_hides_from_others(client, auth):
    partner, _owner, staff = partner_team()
    rfq = send_rfq(partner, staff, make_sentra(), images=[png_bytes(800, 600)])
    image = rfq.images[0]
    _other, other_owner, _other_staff = partner_team(name="CV Lain")
    db.session.commit()
    login(client, auth, staff)
    full = client.get(f"/mitra/permintaan/{rfq.id}/gambar/{image.id}")
    thumb = client.get(f"/mitra/permintaan/{rfq.id}/gambar/{image.id}?ukuran=kecil")
    assert full.status_code == 200 and full.mimetype == "image/webp"
    assert full.headers["Cache-Control"] == "private, no-store"
    assert thumb.status_code == 200 and len(thumb.data) < len(full.data)
    assert client.get(f"/mitra/permintaan/{rfq.id}/gambar/{image.id + 1000}").status_code == 404
    client.post("/logout")
    login(client, auth, other_owner)
    assert client.get(f"/mitra/permintaan/{rfq.id}/gambar/{image.id}").status_code == 404


# --- handover ----------------------------------------------------------------------------------------


def test_signing_the_handover_record_delivers_the_order(client, auth):
    partner, owner, staff = partner_team(terms_days=30, credit_limit=50_000_000)
    sentra = make_sentra()
    order = terms_order(partner, staff, sentra)
    ship(order, sentra.memberships[0].user)
    assert order.status == OrderStatus.SHIPPED
    login(client, auth, owner)
    page = client.get(f"/mitra/pesanan/{order.number}").get_data(as_text=True)
    assert "By confirming you sign the handover record" in page
    response = client.post(f"/mitra/pesanan/{order.number}/terima",
                           data={"received_by_name": "Budi Gudang", "note": "Lengkap"})
    assert response.status_code == 303
    db.session.refresh(order)
    assert order.status == OrderStatus.DELIVERED
    body = client.get(f"/mitra/pesanan/{order.number}").get_data(as_text=True)
    assert "Received by Budi Gudang" in body and f"/mitra/pesanan/{order.number}/berita-acara" in body


def test_handover_needs_the_name_of_who_received_it(client, auth):
    partner, owner, _staff = partner_team(terms_days=30, credit_limit=50_000_000)
    sentra = make_sentra()
    order = terms_order(partner, owner, sentra)
    ship(order, sentra.memberships[0].user)
    login(client, auth, owner)
    response = client.post(f"/mitra/pesanan/{order.number}/terima", data={"received_by_name": ""})
    assert response.status_code == 422
    db.session.refresh(order)
    assert order.status == OrderStatus.SHIPPED


def test_handover_before_shipping_is_a_flash_not_an_error(client, auth):
    partner, owner, _staff = partner_team(terms_days=30, credit_limit=50_000_000)
    order = terms_order(partner, owner, make_sentra())
    login(client, auth, owner)
    response = client.post(f"/mitra/pesanan/{order.number}/terima", data={"received_by_name": "Budi"},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "not on their way yet" in response.get_data(as_text=True)
    db.session.refresh(order)
    assert order.status == OrderStatus.PLACED


# --- the threshold on the organisation page ------------------------------------------------------------


def test_the_owner_sets_and_clears_the_approval_threshold(client, auth):
    partner, owner, _staff = partner_team(threshold=None, terms_days=14, credit_limit=5_000_000)
    db.session.commit()
    login(client, auth, owner)
    page = client.get(f"/mitra/{partner.id}/").get_data(as_text=True)
    assert "managers approve" in page.lower() or "Managers" in page
    assert "Rp5,000,000" in page and "14 days" in page
    assert client.post(f"/mitra/{partner.id}/ambang", data={"threshold": "Rp 7.500.000"}).status_code == 302
    db.session.refresh(partner)
    assert partner.approval_threshold_idr == 7_500_000
    client.post(f"/mitra/{partner.id}/ambang", data={"threshold": ""})
    db.session.refresh(partner)
    assert partner.approval_threshold_idr is None


def _owner_sets_threshold(client, auth, typed: str, *, before: int | None = 1_000):
    """The owner posts ``typed`` as the threshold; the response and the partner read again."""
    partner, owner, _staff = partner_team(threshold=before)
    db.session.commit()
    login(client, auth, owner)
    response = client.post(f"/mitra/{partner.id}/ambang", data={"threshold": typed})
    db.session.refresh(partner)
    return response, partner


def test_a_threshold_with_zero_sen_keeps_its_decimal_comma(client, auth):
    response, partner = _owner_sets_threshold(client, auth, "Rp 10.000.000,00", before=None)
    assert (response.status_code, partner.approval_threshold_idr) == (302, 10_000_000)


def test_a_threshold_with_sen_is_refused_with_a_field_error(client, auth):
    response, partner = _owner_sets_threshold(client, auth, "10.000.000,50")
    assert (response.status_code, partner.approval_threshold_idr) == (422, 1_000)
    assert "without sen" in response.get_data(as_text=True)


def test_a_threshold_that_is_not_a_number_is_refused(client, auth):
    response, partner = _owner_sets_threshold(client, auth, "banyak")
    assert (response.status_code, partner.approval_threshold_idr) == (422, 1_000)


def test_staff_cannot_set_the_threshold(client, auth):
    partner, _owner, staff = partner_team(threshold=1_000)
    db.session.commit()
    login(client, auth, staff)
    assert client.post(f"/mitra/{partner.id}/ambang", data={"threshold": "5"}).status_code == 403
    db.session.refresh(partner)
    assert partner.approval_threshold_idr == 1_000


# --- bounded queries ------------------------------------------------------------------------------------


def _a_bit_of_everything(partner, owner, staff, kelurahan_code: str) -> None:
    """One sentra's worth of dashboard rows: an order with its invoice, a request waiting, a quote
    waiting, and an approval waiting. Commits."""
    sentra = make_sentra(kelurahan_code)
    terms_order(partner, owner, sentra, lines=[SMALL_LINE])
    send_rfq(partner, staff, sentra)
    quoted_rfq(partner, staff, sentra, lines=[SMALL_LINE])
    _rfq, big = quoted_rfq(partner, staff, sentra)
    acceptance.accept_quote(membership(partner, staff), staff, big.id, None, current_app.config)
    db.session.commit()


def test_partner_pages_make_the_same_number_of_queries_however_much_there_is(client, auth):
    partner, owner, staff = partner_team(threshold=5_000_000, terms_days=30, credit_limit=500_000_000)
    codes = list(db.session.scalars(select(Kelurahan.code).order_by(Kelurahan.code).limit(4)))
    _a_bit_of_everything(partner, owner, staff, codes[0])
    login(client, auth, owner)
    pages = ("/mitra/", "/mitra/permintaan", "/mitra/persetujuan", "/mitra/pesanan", "/mitra/tagihan")
    few = {}
    for url in pages:
        db.session.expire_all()
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        few[url] = len(statements)
    for code in codes[1:]:
        _a_bit_of_everything(partner, owner, staff, code)
    assert _count(PurchaseApproval) == 4
    for url in pages:
        db.session.expire_all()
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        assert len(statements) == few[url], url
    assert "Orders in progress (4)" in client.get("/mitra/").get_data(as_text=True)
