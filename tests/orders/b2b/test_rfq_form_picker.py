"""The request form picks products from the wholesale catalogue and grows one line at a time."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from orders.b2b.invoices import today_wib
from orders.b2b.models import Rfq
from shop.extensions import db
from tests.factories import make_product, make_sentra
from tests.orders.b2b.b2b_helpers import PARTNER_ADDRESS, partner_team


def _form(**overrides) -> dict:
    data = {
        "sentra": "", "needed_by": (today_wib() + timedelta(days=10)).isoformat(),
        "recipient": PARTNER_ADDRESS["recipient"], "phone": PARTNER_ADDRESS["phone"],
        "street": PARTNER_ADDRESS["street"], "place": "bekasi", "kelurahan_code": PARTNER_ADDRESS["kelurahan_code"],
        "city": "", "postal_code": "", "notes": "",
    }
    data.update(overrides)
    return data


def _shelves():
    jatiwaringin = make_sentra("32.75.08.1001", name="Sentra Kreatif Jatiwaringin")
    bekasi_jaya = make_sentra("32.75.01.1001", name="Sentra Bekasi Jaya")
    totebag = make_product(jatiwaringin, title="Tas Totebag Sablon",
                           variants=[{"price_idr": 30_000, "stock": 50, "min_wholesale_qty": 12,
                                     "tiers": "12:27000"}])
    batik = make_product(bekasi_jaya, title="Batik Cap Bekasi", made_to_order=True, lead_time_days=14)
    retail = make_product(jatiwaringin, title="Gantungan Kunci Eceran", variants=[{"price_idr": 5_000, "stock": 9}])
    return jatiwaringin, bekasi_jaya, totebag, batik, retail


def _log_in(client, auth, user) -> None:
    auth.login(user.email)


def _line_ids(html: str) -> list[str]:
    return re.findall(r'<select id="(lines-\d+-product_id)"', html)


def test_a_new_request_starts_with_one_line_and_a_picker_of_wholesale_products(client, auth):
    _partner, _owner, staff = partner_team()
    _jw, _bj, totebag, batik, retail = _shelves()
    db.session.commit()
    _log_in(client, auth, staff)
    html = client.get("/mitra/permintaan/baru").get_data(as_text=True)
    assert _line_ids(html) == ["lines-0-product_id"]
    assert 'name="lines-1-description"' not in html
    assert f'<option value="{totebag.id}" data-min="12">Tas Totebag Sablon · min. 12</option>' in html
    assert f'<option value="{batik.id}">Batik Cap Bekasi</option>' in html
    assert f'value="{retail.id}"' not in html  # not in the wholesale catalogue
    assert '<optgroup label="Sentra Bekasi Jaya" data-sentra="bekasijaya">' in html
    assert "Tambah baris" in html


def test_the_chosen_sentras_shelf_comes_first(client, auth):
    _partner, _owner, staff = partner_team()
    _shelves()
    db.session.commit()
    _log_in(client, auth, staff)
    html = client.get("/mitra/permintaan/baru?sentra=jatiwaringin").get_data(as_text=True)
    assert html.index('data-sentra="jatiwaringin"') < html.index('data-sentra="bekasijaya"')


def test_add_a_line_without_javascript_shows_the_form_again_with_one_more_row_keeping_what_was_typed(client, auth):
    _partner, _owner, staff = partner_team()
    _jw, _bj, totebag, _batik, _retail = _shelves()
    db.session.commit()
    _log_in(client, auth, staff)
    response = client.post("/mitra/permintaan/baru", data=_form(**{
        "sentra": "jatiwaringin", "lines-0-product_id": str(totebag.id), "lines-0-quantity": "24",
        "lines-0-description": "", "add_line": "1"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _line_ids(html) == ["lines-0-product_id", "lines-1-product_id"]
    assert f'<option value="{totebag.id}" data-min="12" selected>' in html
    assert 'name="lines-0-quantity" type="text" value="24"' in html
    assert 'class="error"' not in html  # nothing is checked until the request is sent
    assert db.session.scalar(select(Rfq.id)) is None


def test_a_picked_product_is_sent_with_its_title_and_fills_in_the_sentra(client, auth):
    _partner, _owner, staff = partner_team()
    _jw, bekasi_jaya, _totebag, batik, _retail = _shelves()
    db.session.commit()
    _log_in(client, auth, staff)
    response = client.post("/mitra/permintaan/baru", data=_form(**{
        "lines-0-product_id": str(batik.id), "lines-0-quantity": "40", "lines-0-description": "",
        "lines-1-product_id": "", "lines-1-description": "Sablon logo di kemasan", "lines-1-quantity": "40"}))
    assert response.status_code == 303
    rfq = db.session.scalars(select(Rfq)).one()
    assert rfq.sentra_id == bekasi_jaya.id
    assert [(line.product_id, line.description, line.quantity) for line in rfq.lines] == [
        (batik.id, "Batik Cap Bekasi", 40), (None, "Sablon logo di kemasan", 40)]


def test_products_of_two_sentras_without_a_chosen_sentra_ask_for_one(client, auth):
    _partner, _owner, staff = partner_team()
    _jw, _bj, totebag, batik, _retail = _shelves()
    db.session.commit()
    _log_in(client, auth, staff)
    response = client.post("/mitra/permintaan/baru", data=_form(**{
        "lines-0-product_id": str(totebag.id), "lines-0-quantity": "12",
        "lines-1-product_id": str(batik.id), "lines-1-quantity": "5"}))
    assert response.status_code == 422
    assert 'id="sentra-err"' in response.get_data(as_text=True)
    assert db.session.scalar(select(Rfq.id)) is None


def test_a_garbage_product_value_is_a_field_error_not_a_500(client, auth):
    _partner, _owner, staff = partner_team()
    _shelves()
    db.session.commit()
    _log_in(client, auth, staff)
    response = client.post("/mitra/permintaan/baru", data=_form(**{
        "sentra": "jatiwaringin", "lines-0-product_id": "１２x'\"<", "lines-0-quantity": "12"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="lines-0-product_id-err"' in html
