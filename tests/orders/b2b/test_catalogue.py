"""The wholesale catalogue /mitra/katalog: what it lists, its filters, who may see it, what it costs."""
from __future__ import annotations

import re

from shop.extensions import db
from tests.factories import make_partner, make_product, make_sentra, make_user
from tests.orders.b2b.b2b_helpers import partner_team
from tests.queries import count_queries

KEC_A = "32.75.08"
KEC_B = "32.75.01"


def _world():
    a = make_sentra("32.75.08.1001")
    b = make_sentra("32.75.01.1001")
    products = {
        "tiered": make_product(a, title="Keripik Tempe Grosir", subsector="kuliner", variants=[
            {"price_idr": 15_000, "stock": 100, "tiers": "10:12000;50:10000", "min_wholesale_qty": 10}]),
        "minimum": make_product(b, title="Batik Tulis Seragam", subsector="fesyen", variants=[
            {"price_idr": 200_000, "stock": 40, "min_wholesale_qty": 5}]),
        "made_to_order": make_product(b, title="Tas Totebag Sablon", subsector="kriya", made_to_order=True,
                                      lead_time_days=10, variants=[{"price_idr": 30_000, "stock": 0}]),
        "retail": make_product(a, title="Gantungan Kunci Biasa", subsector="kriya"),
        "draft": make_product(a, title="Keripik Draft Grosir", subsector="kuliner", status="draft",
                              variants=[{"price_idr": 20_000, "tiers": "10:15000"}]),
    }
    suspended = make_sentra("32.75.01.1002", status="suspended")
    products["suspended"] = make_product(suspended, title="Keripik Sentra Tutup", subsector="kuliner",
                                         variants=[{"price_idr": 20_000, "tiers": "10:15000"}])
    db.session.commit()
    return products


def _partner_login(auth):
    _partner, owner, _staff = partner_team()
    db.session.commit()
    auth.login(owner.email)
    return owner


def _listed(body: str) -> set[int]:
    return {int(n) for n in re.findall(r'data-product-id="(\d+)"', body)}


def test_lists_only_active_products_with_tiers_a_minimum_or_made_to_order(app, client, auth):
    products = _world()
    _partner_login(auth)
    response = client.get("/mitra/katalog")
    assert response.status_code == 200
    assert _listed(response.get_data(as_text=True)) == {
        products["tiered"].id, products["minimum"].id, products["made_to_order"].id}


def test_each_product_shows_retail_and_tier_prices_minimum_lead_time_and_both_actions(app, client, auth):
    products = _world()
    _partner_login(auth)
    client.post("/bahasa", data={"lang": "en"})
    body = client.get("/mitra/katalog").get_data(as_text=True)
    tiered = products["tiered"]
    item = body[body.index(f'data-product-id="{tiered.id}"'):]
    item = item[:item.index("</article>")]
    assert "Rp15,000" in item and "Rp12,000" in item and "Rp10,000" in item
    assert tiered.sentra.name in item and "Kecamatan" in item
    assert f'name="variant_id" value="{tiered.variants[0].id}"' in item
    assert 'name="quantity" type="number" inputmode="numeric" min="1" max="999" value="10"' in item
    assert 'action="/cart/add"' in item
    assert f"/mitra/permintaan/baru?sentra={tiered.sentra.slug}&amp;product={tiered.id}" in item
    made = products["made_to_order"]
    item = body[body.index(f'data-product-id="{made.id}"'):]
    item = item[:item.index("</article>")]
    assert "lead time 10 days" in item


def test_filters_by_subsector_kecamatan_and_text_through_search(app, client, auth):
    products = _world()
    _partner_login(auth)
    assert _listed(client.get("/mitra/katalog?subsector=kuliner").get_data(as_text=True)) == {
        products["tiered"].id}
    assert _listed(client.get(f"/mitra/katalog?kecamatan={KEC_B}").get_data(as_text=True)) == {
        products["minimum"].id, products["made_to_order"].id}
    assert _listed(client.get("/mitra/katalog?q=totebag").get_data(as_text=True)) == {products["made_to_order"].id}
    assert _listed(client.get(f"/mitra/katalog?q=keripik&kecamatan={KEC_A}").get_data(as_text=True)) == {
        products["tiered"].id}


def test_no_match_shows_the_empty_state(app, client, auth):
    _world()
    _partner_login(auth)
    client.post("/bahasa", data={"lang": "en"})
    body = client.get("/mitra/katalog?q=gamelan").get_data(as_text=True)
    assert _listed(body) == set() and "No wholesale products match these filters." in body


def test_an_unknown_filter_value_is_named_not_a_500(app, client, auth):
    _world()
    _partner_login(auth)
    response = client.get("/mitra/katalog?subsector=bukan&page=abc")
    assert response.status_code == 200 and "<code>subsector</code>" in response.get_data(as_text=True)


def test_pages_through_the_catalogue(app, client, auth):
    sentra = make_sentra()
    made = [make_product(sentra, title=f"Kaos Grosir {i}", variants=[{"price_idr": 50_000, "tiers": "12:40000"}])
            for i in range(23)]
    db.session.commit()
    _partner_login(auth)
    first = _listed(client.get("/mitra/katalog").get_data(as_text=True))
    second = _listed(client.get("/mitra/katalog?page=2").get_data(as_text=True))
    assert len(first) == 20 and len(second) == 3
    assert first | second == {p.id for p in made}


def test_a_guest_is_sent_to_log_in(app, client):
    response = client.get("/mitra/katalog")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_buyer_without_a_verified_partner_gets_a_403_that_explains(app, client, auth):
    _world()
    buyer = make_user()
    pending_owner = make_user()
    make_partner(pending_owner, status="pending")
    db.session.commit()
    client.post("/bahasa", data={"lang": "en"})
    for user in (buyer, pending_owner):
        auth.login(user.email)
        response = client.get("/mitra/katalog")
        body = response.get_data(as_text=True)
        assert response.status_code == 403
        assert "The wholesale catalogue is for UMKM partners" in body and "/mitra/daftar" in body
        assert _listed(body) == set()
        auth.logout()


def test_the_page_costs_the_same_queries_for_three_products_or_fifteen(app, client, auth):
    sentra = make_sentra()
    other = make_sentra("32.75.01.1001")
    for i in range(3):
        make_product(sentra if i % 2 else other, title=f"Kopi Grosir {i}",
                     variants=[{"price_idr": 30_000, "tiers": "10:25000", "options": "Ukuran=S"}, {"price_idr": 35_000, "options": "Ukuran=M"}])
    db.session.commit()
    _partner_login(auth)
    client.get("/mitra/katalog")  # warm the per-process reference data
    db.session.expire_all()  # both counts start from the same cold identity map
    with count_queries() as few:
        assert len(_listed(client.get("/mitra/katalog").get_data(as_text=True))) == 3
    for i in range(12):
        make_product(sentra if i % 2 else other, title=f"Teh Grosir {i}", made_to_order=True, lead_time_days=3,
                     variants=[{"price_idr": 30_000, "min_wholesale_qty": 5, "options": "Ukuran=S"}, {"price_idr": 35_000, "options": "Ukuran=M"}])
    db.session.commit()
    db.session.expire_all()
    with count_queries() as many:
        assert len(_listed(client.get("/mitra/katalog").get_data(as_text=True))) == 15
    assert len(many) == len(few)
