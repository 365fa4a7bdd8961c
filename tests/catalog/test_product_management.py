"""Listing management from a phone: /kelola/<slug>/produk (list, create/edit, stock, photos, actions)."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from catalog.products.models import (
    Product,
    ProductImage,
    ProductStatus,
    StockMovement,
    StockReason,
    Variant,
)
from shop.extensions import db
from shop.sentras.models import Role
from shop.storage import get_storage
from tests.factories import add_member, make_product, make_sentra, make_user, png_bytes
from tests.queries import count_queries

MEMBER = "anggota@example.test"
MANAGER = "pengelola@example.test"


@pytest.fixture(autouse=True)
def media_root(app, monkeypatch, tmp_path) -> Path:
    root = tmp_path / "media"
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(root))
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "local")
    return root


@pytest.fixture
def sentra():
    sentra = make_sentra("32.75.08.1001")
    add_member(sentra, make_user(MEMBER), Role.MEMBER)
    add_member(sentra, make_user(MANAGER), Role.MANAGER)
    db.session.commit()
    return sentra


@pytest.fixture
def member(client, auth, sentra):
    auth.login(MEMBER)
    return sentra


def url(sentra, path: str = "/") -> str:
    return f"/kelola/{sentra.slug}/produk{path}"


def variant_row(index: int, **values) -> dict[str, str]:
    row = {
        "id": "", "sku": "", "options": "", "price_idr": "", "stock": "", "weight_grams": "",
        "low_stock_threshold": "", "min_wholesale_qty": "", "tiers": "",
    }
    row.update({k: str(v) for k, v in values.items()})
    return {f"variants-{index}-{k}": v for k, v in row.items()}


def product_data(*rows: dict[str, str], **fields) -> dict:
    data = {
        "title": "Batik Tulis Jatiwaringin",
        "description": "Batik tulis motif bambu, dibuat pemuda sentra.",
        "subsector_code": "kriya",
        "category": "Kain",
        "status": "draft",
        "lead_time_days": "",
        "pirt_number": "",
        "halal_number": "",
        "shelf_life_days": "",
        "photo_alt": "",
    }
    data.update(fields)
    for row in rows or (variant_row(0, sku="BTK-1", price_idr="150000", stock="4"),):
        data.update(row)
    return data


def two_variants() -> tuple[dict, dict]:
    return (
        variant_row(0, sku="BTK-M", options="Ukuran=M", price_idr="150.000", stock="5", weight_grams="300"),
        variant_row(1, sku="BTK-L", options="Ukuran=L", price_idr="Rp 165.000", stock="3", tiers="10:140000"),
    )


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- create -----------------------------------------------------------------------------------


def test_create_page_offers_one_blank_variant_row_and_camera_input(client, member):
    body = client.get(url(member, "/baru")).get_data(as_text=True)
    assert 'name="variants-0-sku"' in body
    assert 'name="variants-1-sku"' not in body
    assert 'capture="environment"' in body
    assert 'accept="image/*" multiple' in body


def test_member_creates_product_with_two_variants_and_a_photo(client, member, media_root):
    data = product_data(*two_variants())
    data["photos"] = (io.BytesIO(png_bytes(400, 300)), "batik.png")
    data["photo_alt"] = "Batik biru motif bambu"

    response = client.post(url(member, "/baru"), data=data, content_type="multipart/form-data")

    product = db.session.scalar(select(Product))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url(member, f"/{product.id}/ubah"))
    assert product.sentra_id == member.id and product.ref.startswith("P-")
    assert [(v.sku, v.options, v.price_idr, v.stock) for v in product.variants] == [
        ("BTK-M", [["Ukuran", "M"]], 150_000, 5),
        ("BTK-L", [["Ukuran", "L"]], 165_000, 3),
    ]
    assert [(t.min_qty, t.unit_price_idr) for t in product.variants[1].tiers] == [(10, 140_000)]
    movements = db.session.scalars(select(StockMovement).order_by(StockMovement.id)).all()
    assert [(m.delta, m.reason) for m in movements] == [(5, StockReason.RESTOCK), (3, StockReason.RESTOCK)]
    [image] = product.images
    assert image.alt_text == "Batik biru motif bambu"
    assert all(get_storage().exists(key) for key in image.keys)


def test_both_photo_inputs_are_stored_in_order(client, member):
    data = product_data()
    data["photos"] = [(io.BytesIO(png_bytes(color=(200, 0, 0))), "a.png"), (io.BytesIO(png_bytes()), "b.png")]
    response = client.post(url(member, "/baru"), data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    assert [i.position for i in db.session.scalar(select(Product)).images] == [0, 1]


def test_service_errors_are_shown_on_their_fields_with_422_and_nothing_is_written(client, member):
    rows = (
        variant_row(0, sku="BTK-M", options="Ukuran=M", price_idr="150000"),
        variant_row(1, sku="BTK-M", options="Ukuran=L", price_idr="1.500.000.000"),  # above the service's cap
    )
    response = client.post(url(member, "/baru"), data=product_data(*rows, title="  "))

    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="title-err"' in body
    assert 'id="variants-1-sku-err"' in body
    assert 'id="variants-1-price_idr-err"' in body
    assert 'id="variants-0-sku-err"' not in body
    assert 'value="Ukuran=L"' in body  # what was typed is kept
    assert count(Product) == 0 and count(Variant) == 0 and count(StockMovement) == 0


def test_unreadable_numbers_and_options_are_refused_with_what_was_typed(client, member):
    row = variant_row(0, sku="BTK-1", options="Ukuran", price_idr="seratus", tiers="10-45000")
    response = client.post(url(member, "/baru"), data=product_data(row))

    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="seratus"' in body
    for name in ("price_idr", "options", "tiers"):
        assert f'id="variants-0-{name}-err"' in body
    assert count(Product) == 0


def test_a_price_with_zero_sen_is_saved_as_whole_rupiah(client, member):
    row = variant_row(0, sku="BTK-1", price_idr="Rp 45.000,00", tiers="10:40.000")
    assert client.post(url(member, "/baru"), data=product_data(row)).status_code == 302
    variant = db.session.scalar(select(Variant))
    assert (variant.price_idr, [t.unit_price_idr for t in variant.tiers]) == (45_000, [40_000])


def test_a_price_with_sen_is_refused_on_its_field(client, member):
    row = variant_row(0, sku="BTK-1", price_idr="45.000,50")
    response = client.post(url(member, "/baru"), data=product_data(row))
    assert response.status_code == 422
    assert 'id="variants-0-price_idr-err"' in response.get_data(as_text=True)
    assert count(Product) == 0


def test_a_count_with_decimals_is_refused_not_read_as_a_bigger_number(client, member):
    row = variant_row(0, sku="BTK-1", price_idr="45000", stock="1.000,50")
    response = client.post(url(member, "/baru"), data=product_data(row))
    assert response.status_code == 422
    assert 'id="variants-0-stock-err"' in response.get_data(as_text=True)
    assert count(Product) == 0


def test_sku_of_another_product_of_the_sentra_is_refused(client, member):
    make_product(member, variants=[{"sku": "BTK-1"}])
    db.session.commit()
    response = client.post(url(member, "/baru"), data=product_data())
    assert response.status_code == 422
    assert 'id="variants-0-sku-err"' in response.get_data(as_text=True)
    assert count(Product) == 1


def test_invalid_photo_writes_no_rows_and_no_files(client, member, media_root):
    data = product_data(*two_variants())
    data["photos"] = [
        (io.BytesIO(png_bytes()), "good.png"),
        (io.BytesIO(b"this is not an image at all"), "foto.jpg"),
    ]
    response = client.post(url(member, "/baru"), data=data, content_type="multipart/form-data")

    assert response.status_code == 422
    assert 'id="photos-err"' in response.get_data(as_text=True)
    assert count(Product) == 0 and count(ProductImage) == 0 and count(StockMovement) == 0
    assert stored_files(media_root) == []


def test_add_another_variant_re_renders_with_one_more_row_and_saves_nothing(client, member):
    data = product_data(variant_row(0, sku="BTK-M", price_idr="150000"), add_variant="1")
    response = client.post(url(member, "/baru"), data=data)

    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="variants-1-sku"' in body
    assert 'value="BTK-M"' in body
    assert count(Product) == 0


def test_blank_spare_rows_are_ignored(client, member):
    rows = (variant_row(0, sku="BTK-M", price_idr="150000"), variant_row(1))
    assert client.post(url(member, "/baru"), data=product_data(*rows)).status_code == 302
    assert count(Variant) == 1


def test_food_fields_are_kept_for_kuliner(client, member):
    data = product_data(subsector_code="kuliner", pirt_number="2083275010123-27", shelf_life_days="90")
    assert client.post(url(member, "/baru"), data=data).status_code == 302
    product = db.session.scalar(select(Product))
    assert (product.pirt_number, product.shelf_life_days) == ("2083275010123-27", 90)


# --- edit -------------------------------------------------------------------------------------


@pytest.fixture
def product(member):
    product = make_product(
        member,
        title="Tas Anyaman Eceng Gondok",
        variants=[
            {"sku": "TAS-S", "options": "Ukuran=S", "price_idr": 80_000, "stock": 6},
            {"sku": "TAS-L", "options": "Ukuran=L", "price_idr": 120_000, "stock": 2},
        ],
    )
    db.session.commit()
    return product


def test_edit_page_shows_existing_variants_with_stock_read_only(client, product):
    body = client.get(url(product.sentra, f"/{product.id}/ubah")).get_data(as_text=True)
    assert 'value="TAS-S"' in body and 'value="TAS-L"' in body
    assert 'name="variants-0-stock"' not in body
    assert f'href="#stock-{product.variants[0].id}"' in body


def test_edit_keeps_variant_ids_and_archives_removed_rows(client, product):
    small, large = product.variants
    rows = (
        variant_row(0, id=small.id, sku="TAS-S", options="Ukuran=S", price_idr="85000"),
        {**variant_row(1, id=large.id, sku="TAS-L", options="Ukuran=L", price_idr="120000"), "variants-1-remove": "y"},
        variant_row(2, sku="TAS-M", options="Ukuran=M", price_idr="100000", stock="4"),
    )
    response = client.post(url(product.sentra, f"/{product.id}/ubah"),
                           data=product_data(*rows, title="Tas Anyaman Eceng Gondok"))

    assert response.status_code == 302
    db.session.expire_all()
    variants = {v.sku: v for v in db.session.scalars(select(Variant).where(Variant.product_id == product.id))}
    assert variants["TAS-S"].id == small.id and variants["TAS-S"].price_idr == 85_000
    assert variants["TAS-S"].stock == 6  # stock only changes through catalog.stock
    assert variants["TAS-L"].id == large.id and variants["TAS-L"].archived
    assert variants["TAS-M"].stock == 4 and not variants["TAS-M"].archived


def test_edit_with_errors_is_422_and_changes_nothing(client, product):
    small, large = product.variants
    rows = (
        variant_row(0, id=small.id, sku="TAS-S", options="Ukuran=S", price_idr="85000"),
        variant_row(1, id=large.id, sku="TAS-S", options="Ukuran=L", price_idr="120000"),
    )
    response = client.post(url(product.sentra, f"/{product.id}/ubah"), data=product_data(*rows, title="Baru"))
    assert response.status_code == 422
    assert 'id="variants-1-sku-err"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Product, product.id).title == "Tas Anyaman Eceng Gondok"
    assert db.session.get(Variant, small.id).price_idr == 80_000


def test_edit_adds_photos_and_an_invalid_one_rolls_back_the_whole_save(client, product, media_root):
    small, large = product.variants
    rows = (
        variant_row(0, id=small.id, sku="TAS-S", options="Ukuran=S", price_idr="90000"),
        variant_row(1, id=large.id, sku="TAS-L", options="Ukuran=L", price_idr="120000"),
    )
    data = product_data(*rows, title="Tas Baru")
    data["photos"] = [(io.BytesIO(png_bytes()), "ok.png"), (io.BytesIO(b"GIF89a nope"), "x.png")]
    response = client.post(url(product.sentra, f"/{product.id}/ubah"), data=data,
                           content_type="multipart/form-data")

    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Product, product.id).title == "Tas Anyaman Eceng Gondok"
    assert count(ProductImage) == 0
    assert stored_files(media_root) == []


# --- stock ------------------------------------------------------------------------------------


def stock_url(product, variant) -> str:
    return url(product.sentra, f"/{product.id}/varian/{variant.id}/stok")


def stock_data(variant, mode: str, quantity, note: str = "") -> dict:
    prefix = f"stock-{variant.id}-"
    return {prefix + "mode": mode, prefix + "quantity": str(quantity), prefix + "note": note}


def test_restock_adds_units_with_a_movement(client, product):
    variant = product.variants[1]
    response = client.post(stock_url(product, variant), data=stock_data(variant, "restock", 10, "batch baru"))
    assert response.status_code == 302
    movement = db.session.scalars(select(StockMovement).order_by(StockMovement.id.desc())).first()
    assert (movement.delta, movement.stock_after, movement.reason, movement.note) == (
        10, 12, StockReason.RESTOCK, "batch baru")
    assert movement.actor_id is not None


def test_correction_sets_the_counted_number_with_a_movement(client, product):
    variant = product.variants[0]
    response = client.post(stock_url(product, variant), data=stock_data(variant, "correct", 2, "stock opname"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Variant, variant.id).stock == 2
    movement = db.session.scalars(select(StockMovement).order_by(StockMovement.id.desc())).first()
    assert (movement.delta, movement.reason) == (-4, StockReason.CORRECTION)


def test_correction_below_zero_is_refused_with_409(client, product):
    variant = product.variants[0]
    response = client.post(stock_url(product, variant), data=stock_data(variant, "correct", -3))
    assert response.status_code == 409
    assert f'id="stock-{variant.id}-quantity-err"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Variant, variant.id).stock == 6


def test_restock_of_zero_units_is_refused(client, product):
    variant = product.variants[0]
    assert client.post(stock_url(product, variant), data=stock_data(variant, "restock", 0)).status_code == 422


def test_variant_of_another_product_is_not_found_on_a_products_stock_url(client, product):
    other = make_product(product.sentra)
    db.session.commit()
    variant = other.variants[0]
    response = client.post(stock_url(product, variant), data=stock_data(variant, "restock", 1))
    assert response.status_code == 404


def test_edit_page_lists_the_last_ten_stock_movements(client, product):
    variant = product.variants[0]
    for _ in range(12):
        client.post(stock_url(product, variant), data=stock_data(variant, "restock", 1))
    body = client.get(url(product.sentra, f"/{product.id}/ubah")).get_data(as_text=True)
    assert body.count("WIB</td>") == 10


# --- list -------------------------------------------------------------------------------------


def test_empty_list_offers_to_create_the_first_product(client, member):
    response = client.get(url(member))
    assert response.status_code == 200
    assert f'href="{url(member, "/baru")}"' in response.get_data(as_text=True)
    assert "product-row" not in response.get_data(as_text=True)


def test_list_shows_only_this_sentras_products_with_csv_links(client, member):
    make_product(member, title="Keripik Tempe Sentra Ini")
    make_product(make_sentra("32.75.01.1001"), title="Produk Sentra Lain")
    db.session.commit()
    body = client.get(url(member)).get_data(as_text=True)
    assert "Keripik Tempe Sentra Ini" in body
    assert "Produk Sentra Lain" not in body
    assert url(member, "/ekspor.csv") in body and url(member, "/impor") in body


def test_list_search_matches_title_ref_and_sku_case_insensitively(client, member):
    batik = make_product(member, title="Batik Tulis", variants=[{"sku": "BTK-01"}])
    make_product(member, title="Kaos Sablon", variants=[{"sku": "KAOS-01"}])
    db.session.commit()
    for query in ("batik", "btk-0", batik.ref.lower()):
        body = client.get(url(member), query_string={"q": query}).get_data(as_text=True)
        assert "Batik Tulis" in body and "Kaos Sablon" not in body, query


def test_list_hides_archived_products_unless_asked(client, member):
    make_product(member, title="Masih Dijual")
    make_product(member, title="Sudah Diarsip", status=ProductStatus.ARCHIVED)
    make_product(member, title="Masih Draf", status=ProductStatus.DRAFT)
    db.session.commit()
    default = client.get(url(member)).get_data(as_text=True)
    assert "Masih Dijual" in default and "Masih Draf" in default and "Sudah Diarsip" not in default
    archived = client.get(url(member), query_string={"status": "archived"}).get_data(as_text=True)
    assert "Sudah Diarsip" in archived and "Masih Dijual" not in archived
    everything = client.get(url(member), query_string={"status": "all"}).get_data(as_text=True)
    assert "Sudah Diarsip" in everything and "Masih Draf" in everything


def test_low_stock_filter_shows_variants_at_or_below_their_threshold(client, member):
    make_product(member, title="Hampir Habis", variants=[{"stock": 2, "low_stock_threshold": 2}])
    make_product(member, title="Banyak Stok", variants=[{"stock": 20, "low_stock_threshold": 2}])
    make_product(member, title="Pesanan Khusus", made_to_order=True, lead_time_days=7,
                 variants=[{"stock": 0}])
    db.session.commit()
    body = client.get(url(member), query_string={"low": "1"}).get_data(as_text=True)
    assert "Hampir Habis" in body
    assert "Banyak Stok" not in body and "Pesanan Khusus" not in body
    assert "badge-low" in body


def test_list_is_paginated_by_twenty(client, member):
    for n in range(25):
        make_product(member, title=f"Produk Nomor {n:02d}")
    db.session.commit()
    first = client.get(url(member)).get_data(as_text=True)
    second = client.get(url(member), query_string={"page": 2}).get_data(as_text=True)
    assert first.count('class="product-row card"') == 20
    assert second.count('class="product-row card"') == 5
    assert 'rel="next"' in first


def test_list_query_count_does_not_grow_with_products(client, member):
    def queries_for_list() -> int:
        with count_queries() as statements:
            client.get(url(member))
        return len(statements)

    make_product(member)
    db.session.commit()
    few = queries_for_list()
    for _ in range(10):
        make_product(member, variants=[{"options": "Ukuran=S"}, {"options": "Ukuran=M"}])
    db.session.commit()
    assert queries_for_list() == few


# --- quick actions ----------------------------------------------------------------------------


def test_publish_unpublish_archive_and_restore(client, product):
    base = url(product.sentra, f"/{product.id}")
    steps = [
        ("/status", {"status": "active"}, ProductStatus.ACTIVE),
        ("/status", {"status": "draft"}, ProductStatus.DRAFT),
        ("/arsip", {}, ProductStatus.ARCHIVED),
        ("/pulihkan", {}, ProductStatus.DRAFT),
    ]
    for path, data, expected in steps:
        assert client.post(base + path, data=data).status_code == 302
        db.session.expire_all()
        assert db.session.get(Product, product.id).status == expected


def test_unknown_status_is_a_400(client, product):
    response = client.post(url(product.sentra, f"/{product.id}/status"), data={"status": "sold"})
    assert response.status_code == 400


def test_duplicate_makes_a_draft_copy_and_opens_it(client, product):
    response = client.post(url(product.sentra, f"/{product.id}/duplikat"))
    copy = db.session.scalars(select(Product).where(Product.id != product.id)).one()
    assert response.headers["Location"].endswith(url(product.sentra, f"/{copy.id}/ubah"))
    assert copy.status == ProductStatus.DRAFT
    assert [v.sku for v in copy.variants] == ["TAS-S-SALIN", "TAS-L-SALIN"]


def test_plain_member_cannot_delete(client, product):
    response = client.post(url(product.sentra, f"/{product.id}/hapus"))
    assert response.status_code == 403
    assert count(Product) == 1


def test_manager_deletes_a_product_and_its_photo_files(client, auth, product):
    from catalog import images

    image = images.add_photo(product, png_bytes())
    db.session.commit()
    keys = image.keys
    auth.logout()
    auth.login(MANAGER)

    response = client.post(url(product.sentra, f"/{product.id}/hapus"))

    assert response.status_code == 302
    assert count(Product) == 0 and count(ProductImage) == 0
    assert not any(get_storage().exists(key) for key in keys)


# --- photos -----------------------------------------------------------------------------------


@pytest.fixture
def photos(product):
    from catalog import images

    made = [images.add_photo(product, png_bytes(color=(i * 60, 0, 0))) for i in range(3)]
    db.session.commit()
    return made


def photo_post(client, product, image, action: str, alt: str = ""):
    prefix = f"photo-{image.id}-"
    return client.post(url(product.sentra, f"/{product.id}/foto/{image.id}"),
                       data={prefix + "action": action, prefix + "alt_text": alt})


def test_photo_can_be_moved_up_and_down(client, product, photos):
    first, second, third = photos
    assert photo_post(client, product, third, "up").status_code == 302
    db.session.expire_all()
    assert [i.id for i in db.session.get(Product, product.id).images] == [first.id, third.id, second.id]
    photo_post(client, product, first, "down")
    db.session.expire_all()
    assert [i.id for i in db.session.get(Product, product.id).images] == [third.id, first.id, second.id]


def test_photo_alt_text_is_saved(client, product, photos):
    assert photo_post(client, product, photos[0], "alt", "Tas hijau, tampak depan").status_code == 302
    db.session.expire_all()
    assert db.session.get(ProductImage, photos[0].id).alt_text == "Tas hijau, tampak depan"


def test_removed_photo_loses_its_row_and_files(client, product, photos):
    keys = photos[1].keys
    assert photo_post(client, product, photos[1], "remove").status_code == 302
    assert db.session.get(ProductImage, photos[1].id) is None
    assert not any(get_storage().exists(key) for key in keys)
    assert all(get_storage().exists(key) for key in photos[0].keys)


def test_photo_of_another_product_is_not_found(client, product, photos):
    other = make_product(product.sentra)
    db.session.commit()
    response = client.post(url(product.sentra, f"/{other.id}/foto/{photos[0].id}"),
                           data={f"photo-{photos[0].id}-action": "remove"})
    assert response.status_code == 404
    assert db.session.get(ProductImage, photos[0].id) is not None


# --- isolation --------------------------------------------------------------------------------


def test_member_of_another_sentra_gets_404_for_every_product_url(client, auth, product, photos):
    outsider = make_user("luar@example.test")
    make_sentra("32.75.01.1001", owner=outsider)
    db.session.commit()
    auth.logout()
    auth.login("luar@example.test")
    variant, image = product.variants[0], photos[0]
    base = url(product.sentra, f"/{product.id}")
    requests = [
        ("GET", url(product.sentra)), ("GET", url(product.sentra, "/baru")), ("POST", url(product.sentra, "/baru")),
        ("GET", base + "/ubah"), ("POST", base + "/ubah"), ("POST", base + f"/varian/{variant.id}/stok"),
        ("POST", base + f"/foto/{image.id}"), ("POST", base + "/status"), ("POST", base + "/arsip"),
        ("POST", base + "/pulihkan"), ("POST", base + "/duplikat"), ("POST", base + "/hapus"),
    ]
    for method, path in requests:
        assert client.open(path, method=method, data={"status": "archived"}).status_code == 404, (method, path)
    assert count(Product) == 1
    db.session.expire_all()
    assert db.session.get(Product, product.id).status == ProductStatus.ACTIVE


def test_manage_nav_links_to_products(client, member):
    body = client.get(f"/kelola/{member.slug}/").get_data(as_text=True)
    assert f'href="{url(member)}"' in body
