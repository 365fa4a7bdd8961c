"""Public pages: home, the sentra directory and storefronts."""
from __future__ import annotations

import re

from shop.extensions import db
from shop.seed.demo import seed_demo
from shop.sentras.models import SentraStatus
from tests.factories import add_member, make_product, make_sentra, make_user
from tests.queries import count_queries


def test_directory_lists_all_56_demo_sentras_grouped_in_12_kecamatan(client):
    seed_demo(with_products=False)
    db.session.commit()
    html = client.get("/sentra").get_data(as_text=True)
    assert html.count('class="card sentra-card"') == 56
    assert html.count('class="kecamatan-group"') == 12


def test_directory_filters_by_subsector(client):
    make_sentra("32.75.08.1001", subsectors=("kuliner",))
    make_sentra("32.75.01.1001", subsectors=("fesyen",))
    db.session.commit()
    html = client.get("/sentra?subsector=kuliner").get_data(as_text=True)
    assert "jatiwaringin" in html
    assert "/sentra/bekasijaya" not in html


def test_directory_finds_a_kelurahan_by_its_spaced_alias(client):
    make_sentra("32.75.01.1001")  # Bekasijaya, alias "Bekasi Jaya"
    make_sentra("32.75.08.1001")  # Jatiwaringin
    db.session.commit()
    html = client.get("/sentra?q=Bekasi+Jaya").get_data(as_text=True)
    assert "/sentra/bekasijaya" in html
    assert "/sentra/jatiwaringin" not in html


def test_directory_with_an_unknown_subsector_shows_everything(client):
    make_sentra()
    db.session.commit()
    response = client.get("/sentra?subsector=%3Cscript%3E")
    assert response.status_code == 200
    assert "/sentra/jatiwaringin" in response.get_data(as_text=True)


def test_directory_without_matches_has_an_empty_state(client):
    response = client.get("/sentra?q=tidak-ada-apa-apa")
    assert response.status_code == 200
    assert 'class="empty"' in response.get_data(as_text=True)


def test_storefront_shows_story_place_members_and_whatsapp_link(client):
    sentra = make_sentra("32.75.08.1001")
    add_member(sentra, make_user())
    db.session.commit()
    html = client.get("/sentra/jatiwaringin").get_data(as_text=True)
    assert sentra.name in html
    assert "Jatiwaringin" in html and "Pondokgede" in html
    assert "https://wa.me/6281234567890" in html
    assert "2" in html.split("<dt>")[1]  # two members: the owner and one more


def test_only_active_sentras_have_a_public_storefront(client):
    for code, status in (("32.75.08.1001", SentraStatus.PENDING), ("32.75.01.1001", SentraStatus.SUSPENDED)):
        make_sentra(code, status=status)
    db.session.commit()
    assert client.get("/sentra/jatiwaringin").status_code == 404
    assert client.get("/sentra/bekasijaya").status_code == 404
    assert "jatiwaringin" not in client.get("/sentra").get_data(as_text=True)


def test_home_shows_featured_sentras_and_a_search_box(client):
    make_sentra()
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "/sentra/jatiwaringin" in html
    assert 'type="search"' in html


def test_home_search_box_searches_products(client):
    html = client.get("/").get_data(as_text=True)
    form = re.search(r'<form class="hero-search"[^>]*>.*?</form>', html, re.S).group(0)
    assert 'action="/search"' in form
    assert 'name="q"' in form


def test_home_without_sentras_has_an_empty_state(client):
    html = client.get("/").get_data(as_text=True)
    assert 'class="empty"' in html


def test_public_pages_make_a_bounded_number_of_queries(client):
    seed_demo(with_products=False)
    db.session.commit()
    for url in ("/", "/sentra", "/sentra?subsector=kriya", "/sentra/jatiwaringin"):
        client.get(url)  # warm caches that are per process, not per request
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        assert len(statements) <= 6, f"{url} made {len(statements)} queries"


# --- product grid and category pages -------------------------------------------------------------


def test_storefront_shows_public_products_as_cards(client):
    sentra = make_sentra("32.75.08.1001")
    make_product(sentra, title="Tas Anyaman", variants=[
        {"options": "Ukuran=S", "price_idr": 15_000, "stock": 2}, {"options": "Ukuran=L", "price_idr": 30_000},
    ])
    make_product(sentra, title="Masih Draf", status="draft")
    db.session.commit()
    html = client.get("/sentra/jatiwaringin").get_data(as_text=True)
    assert html.count('class="card product-card"') == 1
    assert "Tas Anyaman" in html and "Masih Draf" not in html
    assert "Rp15.000 – Rp30.000" in html


def test_storefront_paginates_24_products_a_page(client):
    sentra = make_sentra("32.75.08.1001")
    products = [make_product(sentra, title=f"Produk {i:02d}") for i in range(30)]
    db.session.commit()
    first = client.get("/sentra/jatiwaringin").get_data(as_text=True)
    assert first.count('class="card product-card"') == 24
    assert f"/p/{products[-1].id}-" in first  # newest first
    assert 'rel="next" href="/sentra/jatiwaringin?page=2#products"' in first
    second = client.get("/sentra/jatiwaringin?page=2").get_data(as_text=True)
    assert second.count('class="card product-card"') == 6
    assert f"/p/{products[0].id}-" in second


def test_storefront_without_products_keeps_its_empty_state(client):
    make_sentra("32.75.08.1001")
    db.session.commit()
    html = client.get("/sentra/jatiwaringin?page=abc").get_data(as_text=True)
    assert 'class="empty"' in html


def test_category_lists_public_products_of_the_subsector_across_sentras(client):
    jati = make_sentra("32.75.08.1001", subsectors=("kuliner",))
    bekasi_jaya = make_sentra("32.75.01.1001", subsectors=("kuliner",))
    make_product(jati, subsector="kuliner", title="Keripik Tempe")
    make_product(bekasi_jaya, subsector="kuliner", title="Dodol Betawi")
    make_product(jati, subsector="kriya", title="Tas Anyaman")
    make_product(make_sentra("32.75.02.1001", status=SentraStatus.SUSPENDED), subsector="kuliner", title="Ditangguhkan")
    db.session.commit()
    response = client.get("/kategori/kuliner")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Keripik Tempe" in html and "Dodol Betawi" in html
    assert "Tas Anyaman" not in html and "Ditangguhkan" not in html
    assert html.index("Dodol Betawi") < html.index("Keripik Tempe")  # newest first


def test_category_filters_by_kecamatan(client):
    make_product(make_sentra("32.75.08.1001"), title="Dari Pondokgede")
    make_product(make_sentra("32.75.01.1001"), title="Dari Bekasi Barat")
    db.session.commit()
    html = client.get("/kategori/kriya?kecamatan=32.75.08").get_data(as_text=True)
    assert "Dari Pondokgede" in html and "Dari Bekasi Barat" not in html


def test_category_paginates(client):
    sentra = make_sentra()
    for i in range(25):
        make_product(sentra, title=f"Produk {i}")
    db.session.commit()
    assert client.get("/kategori/kriya").get_data(as_text=True).count('class="card product-card"') == 24
    assert client.get("/kategori/kriya?page=2").get_data(as_text=True).count('class="card product-card"') == 1


def test_unknown_category_is_404(client):
    assert client.get("/kategori/bukan-subsektor").status_code == 404


def test_empty_category_has_an_empty_state(client):
    response = client.get("/kategori/film_animasi_video")
    assert response.status_code == 200
    assert 'class="empty"' in response.get_data(as_text=True)


def test_home_subsector_tags_link_to_category_pages(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/kategori/kuliner"' in html


def test_directory_search_within_a_subsector_keeps_the_sentras_of_both(client):
    make_sentra("32.75.08.1001", name="Sentra Rasa Jatiwaringin", subsectors=("kuliner",))
    make_sentra("32.75.01.1001", name="Sentra Rasa Bekasi", subsectors=("fesyen",))
    make_sentra("32.75.08.1002", name="Sentra Kain", subsectors=("kuliner",))
    db.session.commit()
    html = client.get("/sentra?subsector=kuliner&q=rasa").get_data(as_text=True)
    assert "Sentra Rasa Jatiwaringin" in html
    assert "Sentra Rasa Bekasi" not in html and "Sentra Kain" not in html
