"""The listing form keeps the photos chosen before it comes back (issue 17), and a photo can show a variant."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from catalog import images
from catalog.images import StagedPhoto
from catalog.listings import staging
from catalog.products.models import ProductImage
from shop.accounts.models import User
from shop.extensions import db
from shop.sentras.models import Role
from tests.catalog.test_product_management import (
    MEMBER,
    count,
    product_data,
    stored_files,
    url,
    variant_row,
)
from tests.factories import add_member, make_product, make_sentra, make_user, png_bytes

OTHER_KELURAHAN = "32.75.04.1001"
TOKEN = re.compile(r'name="staged_photos" value="([^"]+)"')


@pytest.fixture(autouse=True)
def media_root(app, monkeypatch, tmp_path):
    root = tmp_path / "media"
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(root))
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "local")
    return root


@pytest.fixture
def member(client, auth):
    sentra = make_sentra("32.75.08.1001")
    add_member(sentra, make_user(MEMBER), Role.MEMBER)
    db.session.commit()
    auth.login(MEMBER)
    return sentra


def _add_row_with_photo(client, sentra) -> tuple[str, object]:
    data = product_data(variant_row(0, options="Ukuran=S", price_idr="50000"), add_variant="1")
    data["photos"] = [(io.BytesIO(png_bytes(300, 200)), "kaos.png")]
    response = client.post(url(sentra, "/baru"), data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    return TOKEN.search(response.get_data(as_text=True)).group(1), response


def test_adding_a_row_without_javascript_keeps_the_chosen_photo_until_the_save(client, member, media_root):
    token, response = _add_row_with_photo(client, member)
    assert 'id="variants-1-options"' in response.get_data(as_text=True)
    assert count(ProductImage) == 0 and len(stored_files(media_root)) == 3  # stored, not yet a row

    data = product_data(variant_row(0, options="Ukuran=S", price_idr="50000"),
                        variant_row(1, options="Ukuran=M", price_idr="55000"), staged_photos=token)
    response = client.post(url(member, "/baru"), data=data, content_type="multipart/form-data")

    assert response.status_code == 302
    [image] = db.session.scalars(select(ProductImage)).all()
    assert (image.width, image.height) == (300, 200)
    assert len(stored_files(media_root)) == 3


def test_a_staged_photo_sent_twice_is_attached_once(client, member):
    token, _response = _add_row_with_photo(client, member)
    responses = [
        client.post(url(member, "/baru"), data=product_data(variant_row(0, sku=sku, price_idr="5000"),
                                                           staged_photos=token),
                    content_type="multipart/form-data")
        for sku in ("KAOS-1", "KAOS-2")  # the page sent again, as a second product
    ]

    assert [r.status_code for r in responses] == [302, 302]
    assert count(ProductImage) == 1


def test_a_form_with_a_field_to_fix_keeps_the_photo_for_the_next_try(client, member):
    data = product_data(variant_row(0, price_idr="50000"), title="")
    data["photos"] = [(io.BytesIO(png_bytes(300, 200)), "kaos.png")]

    response = client.post(url(member, "/baru"), data=data, content_type="multipart/form-data")

    assert response.status_code == 422
    assert TOKEN.search(response.get_data(as_text=True))
    assert "Pakai foto ini" in response.get_data(as_text=True)


def test_an_unticked_staged_photo_is_left_out(client, member):
    _token, _response = _add_row_with_photo(client, member)

    response = client.post(url(member, "/baru"), data=product_data(), content_type="multipart/form-data")

    assert response.status_code == 302
    assert count(ProductImage) == 0


def test_a_forged_or_foreign_token_attaches_nothing(app, client, member):
    photo = StagedPhoto("products/ab/" + "a" * 32 + ".webp", "products/w320/ab/x.webp", "products/w960/ab/x.webp",
                        10, 10)
    user_id = db.session.scalar(select(User.id).where(User.email == MEMBER))
    other_sentra = make_sentra(OTHER_KELURAHAN)
    db.session.commit()
    with app.test_request_context():
        foreign = staging.photo_token(photo, other_sentra.id, user_id)
        outside = staging.photo_token(StagedPhoto("../etc/passwd", "a", "b", 1, 1), member.id, user_id)
        assert staging.read_photo_token(staging.photo_token(photo, member.id, user_id), member.id, user_id) == photo
    data = product_data(staged_photos=[foreign, outside, "not-a-token"])

    response = client.post(url(member, "/baru"), data=data, content_type="multipart/form-data")

    assert response.status_code == 302
    assert count(ProductImage) == 0


def test_a_token_reads_back_only_for_its_sentra_and_member(app):
    photo = StagedPhoto("products/ab/abc.webp", "products/w320/ab/abc.webp", "products/w960/ab/abc.webp", 4, 3)
    with app.test_request_context():
        token = staging.photo_token(photo, 7, 11)
        assert staging.read_photo_token(token, 7, 11) == photo
        assert staging.read_photo_token(token, 8, 11) is None
        assert staging.read_photo_token(token, 7, 12) is None
        assert staging.read_photo_token(token[:-2], 7, 11) is None


@pytest.fixture
def shirt(member):
    product = make_product(member, variants=[{"options": "Warna=Hijau"}, {"options": "Warna=Merah"}])
    images.add_photo(product, png_bytes(), "")
    db.session.commit()
    return product


def test_a_photo_is_linked_to_the_variant_it_shows_from_its_form(client, shirt):
    image, red = shirt.images[0], shirt.variants[1]

    response = client.post(url(shirt.sentra, f"/{shirt.id}/foto/{image.id}"), data={
        f"photo-{image.id}-alt_text": "Kaos merah", f"photo-{image.id}-variant_id": str(red.id),
        f"photo-{image.id}-action": "alt",
    })

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ProductImage, image.id).variant_id == red.id


def test_a_photo_cannot_be_linked_to_another_products_variant(client, shirt):
    other = make_product(shirt.sentra, variants=[{"options": "Warna=Biru"}])
    db.session.commit()
    image = shirt.images[0]

    response = client.post(url(shirt.sentra, f"/{shirt.id}/foto/{image.id}"), data={
        f"photo-{image.id}-alt_text": "", f"photo-{image.id}-variant_id": str(other.variants[0].id),
        f"photo-{image.id}-action": "alt",
    })

    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(ProductImage, image.id).variant_id is None


def test_the_product_page_marks_each_chip_with_the_photo_it_shows(client, shirt):
    images.add_photo(shirt, png_bytes(80, 60, (200, 30, 30)), "merah")
    shirt.images[1].variant_id = shirt.variants[1].id
    db.session.commit()

    page = client.get(f"/p/{shirt.id}-{shirt.slug}").get_data(as_text=True)

    assert re.search(rf'value="{shirt.variants[0].id}"[^>]*data-photo="0"', page, re.S)
    assert re.search(rf'value="{shirt.variants[1].id}"[^>]*data-photo="1"', page, re.S)
