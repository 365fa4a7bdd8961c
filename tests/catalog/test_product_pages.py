"""The public product page /p/<id>-<slug>."""
from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from flask import url_for

from catalog.products.models import ProductImage
from shop.extensions import db
from shop.sentras.models import SentraStatus
from tests.factories import make_partner, make_product, make_sentra, make_user


def english(client):
    client.post("/bahasa", data={"lang": "en"})


def page_of(client, product) -> str:
    response = client.get(f"/p/{product.id}-{product.slug}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def add_image(product, position: int, alt: str = "") -> ProductImage:
    image = ProductImage(
        product_id=product.id, position=position, alt_text=alt, key=f"products/full-{position}.webp",
        thumb_320_key=f"products/w320-{position}.webp", thumb_960_key=f"products/w960-{position}.webp",
        width=1200, height=900,
    )
    db.session.add(image)
    db.session.flush()
    return image


@pytest.fixture
def sentra():
    return make_sentra("32.75.08.1001")


def test_product_page_shows_title_price_and_stock(client, sentra):
    product = make_product(sentra, title="Tas Anyaman Eceng Gondok", variants=[{"price_idr": 85_000, "stock": 5}])
    db.session.commit()
    english(client)
    html = page_of(client, product)
    assert "Tas Anyaman Eceng Gondok" in html
    assert "Rp85,000" in html
    assert "Stock 5" in html


def test_out_of_stock_product_says_so(client, sentra):
    product = make_product(sentra, variants=[{"stock": 0}])
    db.session.commit()
    english(client)
    assert "Out of stock" in page_of(client, product)


def test_made_to_order_product_shows_its_lead_time(client, sentra):
    product = make_product(sentra, made_to_order=True, lead_time_days=7, variants=[{"stock": 0}])
    db.session.commit()
    english(client)
    html = page_of(client, product)
    assert "Made to order, ready in 7 days" in html
    assert "Out of stock" not in html


def test_variants_with_different_prices_show_a_range_and_a_picker(client, sentra):
    product = make_product(sentra, variants=[
        {"options": "Ukuran=S", "price_idr": 15_000, "stock": 2},
        {"options": "Ukuran=L", "price_idr": 30_000, "stock": 0},
    ])
    db.session.commit()
    english(client)
    html = page_of(client, product)
    assert "Rp15,000 – Rp30,000" in html
    assert html.count('type="radio" name="variant_id"') == 2
    assert "Ukuran: S" in html and "Ukuran: L" in html
    assert "Stock 2" in html and "Out of stock" in html


def test_choosing_a_variant_without_javascript_shows_its_price(client, sentra):
    product = make_product(sentra, variants=[
        {"options": "Ukuran=S", "price_idr": 15_000}, {"options": "Ukuran=L", "price_idr": 30_000},
    ])
    db.session.commit()
    large = product.variants[1]
    english(client)
    html = client.get(f"/p/{product.id}-{product.slug}?variant={large.id}").get_data(as_text=True)
    assert f'value="{large.id}" checked' in html
    assert '<p class="product-price">' in html
    assert "Rp15,000 – Rp30,000" not in html


def test_the_variant_chips_are_the_one_add_to_cart_choice(client, sentra):
    product = make_product(sentra, variants=[
        {"options": "Ukuran=S", "stock": 2}, {"options": "Ukuran=L", "stock": 3},
    ])
    db.session.commit()
    html = page_of(client, product)
    form = re.search(r'<form class="add-to-cart.*?</form>', html, re.S).group(0)
    assert form.count('type="radio" name="variant_id"') == 2
    assert "<select" not in form
    assert 'name="variant"' not in html


def test_a_sold_out_variant_chip_cannot_be_chosen(client, sentra):
    product = make_product(sentra, variants=[
        {"options": "Ukuran=S", "stock": 2}, {"options": "Ukuran=L", "stock": 0},
    ])
    db.session.commit()
    large = product.variants[1]
    html = client.get(f"/p/{product.id}-{product.slug}?variant={large.id}").get_data(as_text=True)
    chip = re.search(rf'<input type="radio" name="variant_id" value="{large.id}"[^>]*>', html).group(0)
    assert "disabled" in chip
    assert "checked" not in chip


def test_archived_variants_are_not_offered(client, sentra):
    product = make_product(sentra, variants=[
        {"sku": "KEEP", "options": "Warna=Biru"}, {"sku": "GONE", "options": "Warna=Merah"},
    ])
    product.variants[1].archived = True  # what update_product does to a variant left out
    db.session.commit()
    html = page_of(client, product)
    assert "Warna: Merah" not in html


def test_resident_sees_retail_price_only(client, auth, sentra):
    product = make_product(sentra, variants=[{"price_idr": 50_000, "tiers": "10:45000;50:40000"}])
    make_user("warga@example.test")
    db.session.commit()
    auth.login("warga@example.test")
    html = page_of(client, product)
    assert "Rp45.000" not in html and "Rp40.000" not in html
    assert 'class="wholesale' not in html


def test_verified_partner_member_sees_the_wholesale_tiers(client, auth, sentra):
    product = make_product(sentra, variants=[{"price_idr": 50_000, "tiers": "10:45000;50:40000"}])
    make_partner(make_user("mitra@example.test"))
    db.session.commit()
    auth.login("mitra@example.test")
    html = page_of(client, product)
    assert 'class="wholesale' in html
    assert "Rp45.000" in html and "Rp40.000" in html


def test_unverified_partner_member_sees_retail_only(client, auth, sentra):
    product = make_product(sentra, variants=[{"price_idr": 50_000, "tiers": "10:45000"}])
    make_partner(make_user("calon@example.test"), status="pending")
    db.session.commit()
    auth.login("calon@example.test")
    assert "Rp45.000" not in page_of(client, product)


def test_food_product_shows_pirt_halal_and_shelf_life(client):
    sentra = make_sentra("32.75.08.1001", subsectors=("kuliner",))
    product = make_product(sentra, subsector="kuliner", title="Keripik Tempe", pirt_number="2063275010123-25",
                           halal_number="ID32110000123450124", shelf_life_days=90)
    db.session.commit()
    english(client)
    html = page_of(client, product)
    assert "2063275010123-25" in html
    assert "ID32110000123450124" in html
    assert "90 days" in html


def test_description_is_escaped_and_keeps_newlines(client, sentra):
    product = make_product(sentra, description="Baris satu\nBaris <b>dua</b>")
    db.session.commit()
    html = page_of(client, product)
    assert "Baris satu\nBaris &lt;b&gt;dua&lt;/b&gt;" in html
    assert 'class="story"' in html


def test_sentra_card_has_place_and_a_whatsapp_link_about_the_product(client, sentra):
    product = make_product(sentra, title="Batik Tulis Jatiwaringin")
    db.session.commit()
    html = page_of(client, product)
    assert "Jatiwaringin" in html and "Pondokgede" in html
    link = html.split('class="button whatsapp" href="')[1].split('"')[0]
    assert link.startswith("https://wa.me/6281234567890?text=")
    assert "Batik%20Tulis%20Jatiwaringin" in link



@pytest.mark.parametrize("base", ["http://localhost", "https://pasar.example:8443/pasar"])
def test_the_whatsapp_message_links_the_page_on_the_host_and_path_the_visitor_used(app, client, sentra, base):
    """The link is built as url_for(..., _external=True) builds it (scheme, host, script root), asked twice
    so that the second comes from the memo of built paths."""
    product = make_product(sentra, title="Batik Tulis Jatiwaringin")
    db.session.commit()
    with app.test_request_context(base_url=base):
        expected = url_for("storefront.product_detail", product_id=product.id, slug=product.slug, _external=True)
    assert expected == f"{base}/p/{product.id}-{product.slug}"

    for _ in range(2):
        html = client.get(f"/p/{product.id}-{product.slug}", base_url=base).get_data(as_text=True)
        link = html.split('class="button whatsapp" href="')[1].split('"')[0]
        assert unquote(link.split("?text=")[1]).endswith(f": {expected}")

def test_more_from_this_sentra_lists_up_to_four_other_public_products(client, sentra):
    product = make_product(sentra, title="Yang Dilihat")
    others = [make_product(sentra, title=f"Lainnya {i}") for i in range(5)]
    make_product(sentra, title="Masih Draf", status="draft")
    db.session.commit()
    html = page_of(client, product)
    more = html.split("product-grid")[1]
    assert more.count('class="card product-card"') == 4
    assert "Masih Draf" not in html
    assert f"/p/{others[-1].id}-" in more
    assert f"/p/{product.id}-" not in more


def test_subsector_links_to_its_category_page(client, sentra):
    product = make_product(sentra, subsector="kriya")
    db.session.commit()
    assert 'href="/kategori/kriya"' in page_of(client, product)


def test_gallery_first_photo_is_large_with_srcset_and_the_rest_lazy(client, sentra):
    product = make_product(sentra)
    for position in range(3):
        add_image(product, position, alt=f"Foto {position}")
    db.session.commit()
    html = page_of(client, product)
    gallery = html.split('class="gallery"')[1].split("</section>")[0]
    images = gallery.split("<img")[1:]
    assert len(images) == 3
    assert 'loading="lazy"' not in images[0]
    assert "w320-0.webp 320w" in images[0] and "w960-0.webp 960w" in images[0]
    assert 'width="960" height="720"' in images[0]
    assert all('loading="lazy"' in img and 'width="320" height="240"' in img for img in images[1:])


def test_wrong_slug_redirects_permanently_to_the_canonical_url(client, sentra):
    product = make_product(sentra, title="Kaos Sablon")
    db.session.commit()
    response = client.get(f"/p/{product.id}-nama-lama?variant=3")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/p/{product.id}-kaos-sablon?variant=3"


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_unpublished_product_is_not_found(client, sentra, status):
    product = make_product(sentra, status=status)
    db.session.commit()
    assert client.get(f"/p/{product.id}-{product.slug}").status_code == 404


@pytest.mark.parametrize("status", [SentraStatus.SUSPENDED, SentraStatus.PENDING])
def test_product_of_a_sentra_that_is_not_active_is_not_found(client, status):
    sentra = make_sentra("32.75.08.1001", status=status)
    product = make_product(sentra)
    db.session.commit()
    assert client.get(f"/p/{product.id}-{product.slug}").status_code == 404


def test_unknown_product_is_not_found(client):
    assert client.get("/p/999999-apa-saja").status_code == 404


def test_sold_out_product_says_so_instead_of_offering_the_cart(client, sentra):
    product = make_product(sentra, title="Batik Tulis Habis", variants=[{"price_idr": 250_000, "stock": 0}])
    db.session.commit()
    english(client)
    body = page_of(client, product)
    assert "Sold out for now" in body
    assert 'class="add-to-cart card" method="post"' not in body


def test_made_to_order_product_without_stock_can_still_be_ordered(client, sentra):
    product = make_product(sentra, title="Tas Pesanan", made_to_order=True, lead_time_days=7,
                           variants=[{"price_idr": 150_000, "stock": 0}])
    db.session.commit()
    english(client)
    body = page_of(client, product)
    assert "Sold out for now" not in body
    assert 'action="/cart/add"' in body
