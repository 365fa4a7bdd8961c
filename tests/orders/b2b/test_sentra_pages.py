"""The sentra's quote inbox pages: /kelola/<slug>/penawaran, a request, quoting, comments, images."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from orders.b2b import rfqs as rfq_services
from orders.b2b.invoices import today_wib
from orders.b2b.models import Quote, QuoteStatus, RfqComment, RfqStatus
from shop.extensions import db
from tests.factories import make_product, make_sentra, make_user, png_bytes
from tests.orders.b2b.b2b_helpers import membership, partner_team, send_quote, send_rfq


@pytest.fixture
def setup():
    partner, owner, staff = partner_team()
    partner.npwp = "0123456789012345"
    sentra = make_sentra("32.75.08.1001")
    sentra_owner = sentra.memberships[0].user
    return partner, staff, sentra, sentra_owner


def _english(client) -> None:
    client.post("/bahasa", data={"lang": "en"})


def _login(auth, user) -> None:
    auth.login(user.email)


def _count(html: str, status: str) -> int:
    return int(re.search(rf'data-count="{status}">(\d+)<', html).group(1))


def _quote_form(valid_until=None, *, lines=None, fee="15000", method="sentra_courier", notes="Siap kirim"):
    data = {"valid_until": (valid_until or today_wib() + timedelta(days=7)).isoformat(),
            "delivery_method": method, "delivery_fee_idr": fee, "notes": notes}
    rows = lines if lines is not None else [{"description": "Tas totebag sablon logo", "quantity": "300",
                                             "unit_price_idr": "25.000", "lead_time_days": "10"}]
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"lines-{index}-{name}"] = value
    return data


def test_inbox_counts_requests_per_status_and_lists_only_this_sentras(client, auth, setup):
    partner, staff, sentra, sentra_owner = setup
    first = send_rfq(partner, staff, sentra, lines=[{"description": "Keripik tempe 5 kg", "quantity": 40}])
    send_rfq(partner, staff, sentra)
    quoted = send_rfq(partner, staff, sentra)
    send_quote(sentra, sentra_owner, quoted)
    other_sentra = make_sentra("32.75.01.1001")
    send_rfq(partner, staff, other_sentra, lines=[{"description": "Batik tulis sentra lain", "quantity": 5}])
    db.session.commit()
    _login(auth, sentra_owner)
    html = client.get(f"/kelola/{sentra.slug}/penawaran").get_data(as_text=True)
    assert (_count(html, "open"), _count(html, "quoted"), _count(html, "accepted")) == (2, 1, 0)
    assert f'data-rfq="{first.id}"' in html and "Keripik tempe 5 kg × 40" in html
    assert f'data-rfq="{quoted.id}"' not in html  # on the quoted tab
    assert "Batik tulis sentra lain" not in html
    quoted_tab = client.get(f"/kelola/{sentra.slug}/penawaran?status=quoted").get_data(as_text=True)
    assert f'data-rfq="{quoted.id}"' in quoted_tab


def test_inbox_flags_requests_due_within_three_days_and_past_their_date(client, auth, setup):
    partner, staff, sentra, sentra_owner = setup
    soon = send_rfq(partner, staff, sentra, needed_by=today_wib() + timedelta(days=2))
    past = send_rfq(partner, staff, sentra)
    later = send_rfq(partner, staff, sentra, needed_by=today_wib() + timedelta(days=30))
    past.needed_by = today_wib() - timedelta(days=1)  # the date went by while it waited
    db.session.commit()
    _login(auth, sentra_owner)
    _english(client)
    html = client.get(f"/kelola/{sentra.slug}/penawaran").get_data(as_text=True)
    cards = {int(m.group(1)): m.group(2) for m in re.finditer(r'data-rfq="(\d+)">(.*?)</li>', html, re.S)}
    assert "Due soon" in cards[soon.id] and "Past the needed-by date" not in cards[soon.id]
    assert "Past the needed-by date" in cards[past.id]
    assert "Due soon" not in cards[later.id] and "Past the needed-by date" not in cards[later.id]


def test_inbox_shows_the_latest_quotes_validity_and_an_empty_state(client, auth, setup):
    partner, staff, sentra, sentra_owner = setup
    rfq = send_rfq(partner, staff, sentra)
    send_quote(sentra, sentra_owner, rfq, valid_until=today_wib() + timedelta(days=5))
    db.session.commit()
    _login(auth, sentra_owner)
    _english(client)
    quoted = client.get(f"/kelola/{sentra.slug}/penawaran?status=quoted").get_data(as_text=True)
    assert "Quote revision 1" in quoted and "valid until" in quoted
    empty = client.get(f"/kelola/{sentra.slug}/penawaran").get_data(as_text=True)
    assert "No requests are waiting for a quote" in empty
    assert client.get(f"/kelola/{sentra.slug}/penawaran?status=bogus").status_code == 404


def test_detail_shows_the_request_and_a_quote_form_prefilled_from_its_lines(client, auth, setup):
    partner, staff, sentra, sentra_owner = setup
    rfq = send_rfq(partner, staff, sentra, lines=[{"description": "Tas totebag sablon logo", "quantity": 300},
                                                  {"description": "Pouch kecil", "quantity": 50}],
                   notes="Logo dua warna")
    db.session.commit()
    _login(auth, sentra_owner)
    _english(client)
    response = client.get(f"/kelola/{sentra.slug}/penawaran/{rfq.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert partner.name in html and "0123456789012345" in html and "Logo dua warna" in html
    assert 'name="lines-0-description"' in html and 'value="Tas totebag sablon logo"' in html
    assert re.search(r'name="lines-1-quantity"[^>]*value="50"', html)
    assert 'name="lines-4-description"' in html  # three spare rows
    assert 'name="lines-0-unit_price_idr"' in html and 'name="lines-0-price' not in html.replace("unit_price", "")
    assert "Send quote" in html and "Send revision" not in html
    assert "not a PKP" in html


def test_a_pkp_sentra_sees_the_ppn_note(client, auth, setup):
    partner, staff, sentra, sentra_owner = setup
    sentra.is_pkp = True
    rfq = send_rfq(partner, staff, sentra)
    db.session.commit()
    _login(auth, sentra_owner)
    _english(client)
    html = client.get(f"/kelola/{sentra.slug}/penawaran/{rfq.id}").get_data(as_text=True)
    assert "PPN of 11% is added" in html


def test_quoting_makes_revision_one_then_a_revision_supersedes_it(client, auth, setup):
    partner, staff, sentra, sentra_owner = setup
    rfq = send_rfq(partner, staff, sentra)
    db.session.commit()
    _login(auth, sentra_owner)
    _english(client)
    url = f"/kelola/{sentra.slug}/penawaran/{rfq.id}"
    first = client.post(f"{url}/kutipan", data=_quote_form())
    assert first.status_code == 302 and first.headers["Location"].endswith(f"{url}#quotes")
    quote = db.session.scalar(select(Quote).where(Quote.rfq_id == rfq.id))
    assert (quote.revision, quote.subtotal_idr, quote.delivery_fee_idr, quote.total_idr) == (1, 7_500_000, 15_000,
                                                                                            7_515_000)
    assert quote.lines[0].lead_time_days == 10 and quote.delivery_method == "sentra_courier"
    page = client.get(url).get_data(as_text=True)
    assert "Send revision" in page and 'value="25000"' in page  # the revision starts from the latest quote
    second = client.post(f"{url}/kutipan", data=_quote_form(lines=[
        {"description": "Tas totebag sablon logo", "quantity": "300", "unit_price_idr": "24000",
         "lead_time_days": "10"}]))
    assert second.status_code == 302
    db.session.expire_all()
    revisions = db.session.scalars(select(Quote).where(Quote.rfq_id == rfq.id).order_by(Quote.revision)).all()
    assert [(q.revision, q.status) for q in revisions] == [(1, QuoteStatus.SUPERSEDED), (2, QuoteStatus.OPEN)]
    assert revisions[1].subtotal_idr == 7_200_000 and revisions[1].rfq.status == RfqStatus.QUOTED
    page = client.get(url).get_data(as_text=True)
    assert "Revision 2" in page and "Revision 1" in page and "Superseded" in page


def test_blank_rows_are_left_out_of_the_quote(client, auth, setup):
    partner, staff, sentra, sentra_owner = setup
    rfq = send_rfq(partner, staff, sentra)
    db.session.commit()
    _login(auth, sentra_owner)
    rows = [{"description": "Tas", "quantity": "300", "unit_price_idr": "20000", "lead_time_days": "5"},
            {"description": "", "quantity": "", "unit_price_idr": "", "lead_time_days": ""},
            {"description": "", "quantity": "12", "unit_price_idr": "", "lead_time_days": ""},
            {"description": "Ongkos desain", "quantity": "1", "unit_price_idr": "150000", "lead_time_days": "0"}]
    response = client.post(f"/kelola/{sentra.slug}/penawaran/{rfq.id}/kutipan", data=_quote_form(lines=rows))
    assert response.status_code == 302
    quote = db.session.scalar(select(Quote).where(Quote.rfq_id == rfq.id))
    assert [(line.description, line.quantity) for line in quote.lines] == [("Tas", 300), ("Ongkos desain", 1)]


def test_the_price_comes_only_from_what_the_member_typed(client, auth, setup):
    partner, staff, sentra, sentra_owner = setup
    product = make_product(sentra, variants=[{"sku": "TAS-1", "price_idr": 90_000, "stock": 500}])
    rfq = send_rfq(partner, staff, sentra, lines=[{"description": "Tas", "quantity": 20, "product_id": product.id}])
    db.session.commit()
    _login(auth, sentra_owner)
    data = _quote_form(lines=[{"description": "Tas", "quantity": "20", "unit_price_idr": "70000",
                               "lead_time_days": "0", "product_id": str(product.id), "price_idr": "1",
                               "unit_price": "1"}])
    data["subtotal_idr"] = "1"
    assert client.post(f"/kelola/{sentra.slug}/penawaran/{rfq.id}/kutipan", data=data).status_code == 302
    quote = db.session.scalar(select(Quote).where(Quote.rfq_id == rfq.id))
    assert quote.lines[0].unit_price_idr == 70_000 and quote.subtotal_idr == 1_400_000
    assert quote.lines[0].product_id == product.id and quote.lines[0].variant_id == product.variants[0].id


def test_a_tampered_product_of_another_sentra_is_refused(client, auth, setup):
    partner, staff, sentra, sentra_owner = setup
    other = make_product(make_sentra("32.75.01.1001"), variants=[{"sku": "X-1", "price_idr": 1000, "stock": 5}])
    rfq = send_rfq(partner, staff, sentra)
    db.session.commit()
    _login(auth, sentra_owner)
    _english(client)
    data = _quote_form(lines=[{"description": "Tas", "quantity": "3", "unit_price_idr": "1000",
                               "lead_time_days": "0", "product_id": str(other.id)}])
    response = client.post(f"/kelola/{sentra.slug}/penawaran/{rfq.id}/kutipan", data=data)
    assert response.status_code == 422
    assert "not one of your sentra" in response.get_data(as_text=True)
    assert db.session.scalar(select(Quote).where(Quote.rfq_id == rfq.id)) is None


def test_quote_form_errors_answer_422_with_field_messages_and_save_nothing(client, auth, setup):
    partner, staff, sentra, sentra_owner = setup
    rfq = send_rfq(partner, staff, sentra)
    db.session.commit()
    _login(auth, sentra_owner)
    _english(client)
    url = f"/kelola/{sentra.slug}/penawaran/{rfq.id}/kutipan"
    no_price = client.post(url, data=_quote_form(lines=[{"description": "Tas", "quantity": "3",
                                                         "unit_price_idr": "", "lead_time_days": ""},
                                                        {"description": "", "quantity": "",
                                                         "unit_price_idr": "5000", "lead_time_days": ""}]))
    html = no_price.get_data(as_text=True)
    assert no_price.status_code == 422
    assert "Enter the unit price in rupiah." in html and "Enter the quantity." in html
    past = client.post(url, data=_quote_form(valid_until=today_wib() - timedelta(days=1)))
    assert past.status_code == 422 and "today or later" in past.get_data(as_text=True)
    negative = client.post(url, data=_quote_form(fee="-5000"))
    assert negative.status_code == 422 and "Enter an amount of 0 or more." in negative.get_data(as_text=True)
    nothing = client.post(url, data=_quote_form(lines=[]))
    assert nothing.status_code == 422 and "at least one line" in nothing.get_data(as_text=True)
    assert db.session.scalar(select(Quote).where(Quote.rfq_id == rfq.id)) is None


def test_a_closed_request_refuses_a_quote_with_a_message(client, auth, setup):
    partner, staff, sentra, sentra_owner = setup
    rfq = send_rfq(partner, staff, sentra)
    rfq_services.cancel_rfq(membership(partner, staff), staff, rfq.id)
    db.session.commit()
    _login(auth, sentra_owner)
    _english(client)
    url = f"/kelola/{sentra.slug}/penawaran/{rfq.id}"
    response = client.post(f"{url}/kutipan", data=_quote_form(), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "This request is closed" in html
    assert 'action="' + f"{url}/kutipan" + '"' not in html  # no quote form on a closed request
    assert db.session.scalar(select(Quote).where(Quote.rfq_id == rfq.id)) is None


def test_a_member_comments_from_the_sentra_side(client, auth, setup, mail_outbox):
    partner, staff, sentra, sentra_owner = setup
    rfq = send_rfq(partner, staff, sentra)
    db.session.commit()
    _login(auth, sentra_owner)
    url = f"/kelola/{sentra.slug}/penawaran/{rfq.id}"
    response = client.post(f"{url}/komentar", data={"body": "Logo berapa warna?"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#comments")
    comment = db.session.scalar(select(RfqComment).where(RfqComment.rfq_id == rfq.id))
    assert (comment.side, comment.body, comment.author_id) == ("sentra", "Logo berapa warna?", sentra_owner.id)
    assert "Logo berapa warna?" in client.get(url).get_data(as_text=True)


def test_an_empty_comment_is_refused_with_422(client, auth, setup):
    partner, staff, sentra, sentra_owner = setup
    rfq = send_rfq(partner, staff, sentra)
    db.session.commit()
    _login(auth, sentra_owner)
    _english(client)
    response = client.post(f"/kelola/{sentra.slug}/penawaran/{rfq.id}/komentar", data={"body": "  "})
    assert response.status_code == 422 and "Write a comment first." in response.get_data(as_text=True)
    assert db.session.scalar(select(RfqComment).where(RfqComment.rfq_id == rfq.id)) is None


def test_reference_images_are_served_privately_to_the_sentras_members_only(client, auth, setup):
    partner, staff, sentra, sentra_owner = setup
    rfq = send_rfq(partner, staff, sentra, images=[png_bytes(800, 600)])
    other_sentra = make_sentra("32.75.01.1001")
    db.session.commit()
    image_id = rfq.images[0].id
    url = f"/kelola/{sentra.slug}/penawaran/{rfq.id}/gambar/{image_id}"
    _login(auth, sentra_owner)
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "image/webp"
    assert response.data[:4] == b"RIFF" and "no-store" in response.headers["Cache-Control"]
    small = client.get(url + "?ukuran=kecil")
    assert small.status_code == 200 and small.data != response.data
    assert client.get(f"/kelola/{sentra.slug}/penawaran/{rfq.id}/gambar/{image_id + 999}").status_code == 404
    client.post("/logout")
    _login(auth, other_sentra.memberships[0].user)
    assert client.get(url).status_code == 404
    assert client.get(f"/kelola/{other_sentra.slug}/penawaran/{rfq.id}/gambar/{image_id}").status_code == 404


def test_another_sentras_request_is_404_and_strangers_are_sent_to_login(client, auth, setup):
    partner, staff, sentra, _ = setup
    rfq = send_rfq(partner, staff, sentra)
    other_sentra = make_sentra("32.75.01.1001")
    stranger = make_user()
    db.session.commit()
    anonymous = client.get(f"/kelola/{sentra.slug}/penawaran/{rfq.id}")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    _login(auth, other_sentra.memberships[0].user)
    assert client.get(f"/kelola/{other_sentra.slug}/penawaran/{rfq.id}").status_code == 404
    assert client.post(f"/kelola/{other_sentra.slug}/penawaran/{rfq.id}/kutipan",
                       data=_quote_form()).status_code == 404
    assert client.post(f"/kelola/{other_sentra.slug}/penawaran/{rfq.id}/komentar",
                       data={"body": "Halo"}).status_code == 404
    client.post("/logout")
    _login(auth, stranger)
    assert client.get(f"/kelola/{sentra.slug}/penawaran").status_code == 404
    assert db.session.scalar(select(RfqComment)) is None
