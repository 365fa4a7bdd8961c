"""CSV import and export of a sentra's products (issue item 6; README, CSV import and export)."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from catalog.csv import COLUMNS, CsvImportError, export_products, import_products
from catalog.products.models import (
    PriceTier,
    Product,
    ProductEvent,
    StockMovement,
    StockReason,
    Variant,
)
from shop.extensions import db
from tests.factories import add_member, make_product, make_sentra, make_user

BASE = {
    "product_ref": "KAOS-1", "title": "Kaos Sablon Bekasi", "description": "Katun 30s.", "subsector": "fesyen",
    "category": "Kaos", "status": "active", "made_to_order": "false", "lead_time_days": "", "weight_grams": "200",
    "sku": "KAOS-1-M", "variant": "Ukuran=M", "price_idr": "85000", "stock": "10", "wholesale_tiers": "",
    "min_wholesale_qty": "",
}


def csv_bytes(*rows: dict, columns: tuple[str, ...] = COLUMNS, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(columns)
    for row in rows:
        values = {**BASE, **row}
        writer.writerow([values.get(c, "") for c in columns])
    return out.getvalue().encode("utf-8")


def two_sizes(ref: str = "KAOS-1", **fields) -> list[dict]:
    return [
        {"product_ref": ref, "sku": f"{ref}-M", "variant": "Ukuran=M", **fields},
        {"product_ref": ref, "sku": f"{ref}-L", "variant": "Ukuran=L", "price_idr": "90000", **fields},
    ]


def errors_of(sentra, data: bytes) -> list[tuple[int | None, str | None]]:
    with pytest.raises(CsvImportError) as caught:
        import_products(sentra, None, data)
    return [(e.row, e.column) for e in caught.value.errors]


def snapshot(sentra_id: int) -> dict:
    """Every catalog row of the sentra, as plain tuples."""
    def rows(model, *order):
        table = model.__table__
        query = select(table).order_by(*order)
        if "sentra_id" in table.c:
            query = query.where(table.c.sentra_id == sentra_id)
        return [tuple(r) for r in db.session.execute(query)]

    return {
        "products": rows(Product, Product.id), "variants": rows(Variant, Variant.id),
        "tiers": rows(PriceTier, PriceTier.id), "movements": rows(StockMovement, StockMovement.id),
    }


def variant(sentra, sku: str) -> Variant:
    db.session.expire_all()
    return db.session.scalar(select(Variant).where(Variant.sentra_id == sentra.id, Variant.sku == sku))


def product(sentra, ref: str) -> Product:
    db.session.expire_all()
    return db.session.scalar(select(Product).where(Product.sentra_id == sentra.id, Product.ref == ref))


def movements_of(v: Variant) -> list[tuple[int, str]]:
    return list(db.session.execute(
        select(StockMovement.delta, StockMovement.reason).where(StockMovement.variant_id == v.id)
        .order_by(StockMovement.id)).tuples())


@pytest.fixture
def sentra():
    return make_sentra(subsectors=("fesyen", "kuliner"))


# --- export and the round trip ------------------------------------------------------------


def test_export_writes_a_bom_the_header_in_order_and_one_row_per_active_variant(sentra):
    made = make_product(sentra, title="Batik Tulis", variants=[
        {"sku": "BT-1", "options": "Ukuran=M", "tiers": "10:45000;50:40000", "price_idr": 50_000,
         "min_wholesale_qty": 10},
        {"sku": "BT-2", "options": "Ukuran=L"},
    ])
    gone = made.variants[1]
    gone.archived = True
    db.session.flush()

    data = export_products(sentra.id)

    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 2
    row = dict(zip(COLUMNS, rows[1], strict=True))
    assert row["product_ref"] == made.ref and made.ref.startswith("P-")
    assert row["sku"] == "BT-1" and row["variant"] == "Ukuran=M"
    assert row["wholesale_tiers"] == "10:45000;50:40000" and row["min_wholesale_qty"] == "10"
    assert row["made_to_order"] == "false" and row["stock"] == "10"


def test_export_then_import_changes_nothing(sentra):
    make_product(sentra, variants=[
        {"sku": "A-M", "options": "Ukuran=M;Warna=Biru", "tiers": "10:45000", "min_wholesale_qty": 10},
        {"sku": "A-L", "options": "Ukuran=L;Warna=Biru", "stock": 0},
    ], description="Dua baris\ndeskripsi, dengan \"kutip\".")
    make_product(sentra, subsector="kuliner", status="draft", made_to_order=True, lead_time_days=7,
                 pirt_number="P-IRT 123", shelf_life_days=30)
    archived = make_product(sentra, status="archived", variants=[{"sku": "X-1", "options": "Warna=Merah"},
                                                                  {"sku": "X-2", "options": "Warna=Hijau"}])
    archived.variants[0].archived = True
    db.session.flush()
    before = snapshot(sentra.id)

    summary = import_products(sentra, None, export_products(sentra.id))

    assert snapshot(sentra.id) == before
    assert (summary.products_created, summary.products_updated, summary.products_unchanged) == (0, 0, 3)
    assert (summary.variants_created, summary.variants_updated, summary.stock_corrections) == (0, 0, 0)


def test_a_title_that_reads_as_a_formula_is_exported_as_text(sentra):
    make_product(sentra, title='=HYPERLINK("http://evil.example","Klik")')

    rows = list(csv.reader(io.StringIO(export_products(sentra.id).decode("utf-8-sig"))))

    assert dict(zip(COLUMNS, rows[1], strict=True))["title"] == '\'=HYPERLINK("http://evil.example","Klik")'


def test_reimporting_an_export_with_formula_like_text_changes_nothing(sentra):
    make_product(sentra, title='=HYPERLINK("http://evil.example","Klik")', description="- katun\n- sablon")
    make_product(sentra, title="@Bekasi +62 produk", description="'=bukan rumus", category="-Kaos")
    before = snapshot(sentra.id)

    summary = import_products(sentra, None, export_products(sentra.id))

    assert snapshot(sentra.id) == before
    assert (summary.products_unchanged, summary.products_updated) == (2, 0)


# --- creating and updating ----------------------------------------------------------------


def test_rows_with_the_same_ref_make_one_product_with_its_variants_and_stock_movements(sentra):
    summary = import_products(sentra, None, csv_bytes(*two_sizes(stock="4")))

    made = product(sentra, "KAOS-1")
    assert [v.sku for v in made.variants] == ["KAOS-1-M", "KAOS-1-L"]
    assert [v.options for v in made.variants] == [[["Ukuran", "M"]], [["Ukuran", "L"]]]
    assert [v.price_idr for v in made.variants] == [85_000, 90_000]
    assert movements_of(made.variants[0]) == [(4, StockReason.RESTOCK)]
    assert (summary.products_created, summary.variants_created) == (1, 2)


def test_import_reads_tiers_minimum_quantity_and_made_to_order(sentra):
    import_products(sentra, None, csv_bytes({
        "made_to_order": "TRUE", "lead_time_days": "7", "wholesale_tiers": "10:80000;50:72000",
        "min_wholesale_qty": "10", "variant": "",
    }))

    made = product(sentra, "KAOS-1")
    assert made.made_to_order is True and made.lead_time_days == 7
    v = made.variants[0]
    assert [(t.min_qty, t.unit_price_idr) for t in v.tiers] == [(10, 80_000), (50, 72_000)]
    assert v.min_wholesale_qty == 10 and v.options == []


def test_reimport_updates_the_product_with_the_same_ref(sentra):
    import_products(sentra, None, csv_bytes(*two_sizes()))

    summary = import_products(sentra, None, csv_bytes(*two_sizes(title="Kaos Sablon Baru", price_idr="70000")))

    made = product(sentra, "KAOS-1")
    assert made.title == "Kaos Sablon Baru"
    assert [v.price_idr for v in made.variants] == [70_000, 70_000]
    assert (summary.products_updated, summary.variants_updated, summary.products_created) == (1, 2, 0)
    assert db.session.scalar(select(func.count(Product.id))) == 1


def test_an_import_leaves_who_created_and_who_changed_each_listing(sentra):
    member = make_user()
    add_member(sentra, member)
    import_products(sentra, member.id, csv_bytes(*two_sizes(), *two_sizes("TOPI-1")))
    import_products(sentra, member.id, csv_bytes(*two_sizes(title="Kaos Sablon Baru"), *two_sizes("TOPI-1")))

    kinds = db.session.execute(
        select(Product.ref, ProductEvent.kind, ProductEvent.actor_id, ProductEvent.sentra_id)
        .join(Product, Product.id == ProductEvent.product_id).order_by(ProductEvent.id)).all()
    assert [tuple(k) for k in kinds] == [  # the unchanged TOPI-1 of the second file leaves nothing
        ("KAOS-1", "created", member.id, sentra.id), ("TOPI-1", "created", member.id, sentra.id),
        ("KAOS-1", "updated", member.id, sentra.id)]


def test_reimport_replaces_the_wholesale_tiers(sentra):
    import_products(sentra, None, csv_bytes({"wholesale_tiers": "10:45000;50:40000"}))

    import_products(sentra, None, csv_bytes({"wholesale_tiers": "10:44000;100:35000", "min_wholesale_qty": "10"}))

    v = variant(sentra, "KAOS-1-M")
    assert [(t.min_qty, t.unit_price_idr) for t in v.tiers] == [(10, 44_000), (100, 35_000)]
    assert v.min_wholesale_qty == 10


def test_stock_in_the_file_sets_the_stock_through_a_correction(sentra):
    import_products(sentra, None, csv_bytes({"stock": "10"}))

    summary = import_products(sentra, None, csv_bytes({"stock": "3"}))

    v = variant(sentra, "KAOS-1-M")
    assert v.stock == 3
    assert movements_of(v) == [(10, StockReason.RESTOCK), (-7, StockReason.CORRECTION)]
    assert summary.stock_corrections == 1


def test_empty_stock_leaves_an_existing_variant_stock_alone(sentra):
    import_products(sentra, None, csv_bytes({"stock": "10"}))

    import_products(sentra, None, csv_bytes({"stock": ""}))

    assert variant(sentra, "KAOS-1-M").stock == 10


def test_variants_absent_from_the_file_are_left_as_they_are(sentra):
    import_products(sentra, None, csv_bytes(*two_sizes(stock="5")))

    import_products(sentra, None, csv_bytes({"sku": "KAOS-1-M", "variant": "Ukuran=M", "price_idr": "1000"}))

    left = variant(sentra, "KAOS-1-L")
    assert not left.archived and left.price_idr == 90_000 and left.stock == 5


def test_a_new_sku_adds_a_variant_to_the_existing_product(sentra):
    import_products(sentra, None, csv_bytes(*two_sizes()))

    import_products(sentra, None, csv_bytes({"sku": "KAOS-1-XL", "variant": "Ukuran=XL", "stock": "2"}))

    made = product(sentra, "KAOS-1")
    assert [v.sku for v in made.active_variants] == ["KAOS-1-M", "KAOS-1-L", "KAOS-1-XL"]
    assert variant(sentra, "KAOS-1-XL").stock == 2


def test_a_product_made_in_the_ui_is_matched_by_its_ref(sentra):
    made = make_product(sentra, title="Tas Anyaman", variants=[{"sku": "TAS-1", "price_idr": 150_000}])

    import_products(sentra, None, csv_bytes({
        "product_ref": made.ref, "title": "Tas Anyaman Eceng Gondok", "subsector": "kriya", "sku": "TAS-1",
        "variant": "", "price_idr": "160000", "stock": "10",
    }))

    assert product(sentra, made.ref).title == "Tas Anyaman Eceng Gondok"
    assert variant(sentra, "TAS-1").price_idr == 160_000
    assert db.session.scalar(select(func.count(Product.id))) == 1


def test_import_keeps_what_the_file_does_not_carry(sentra):
    made = make_product(sentra, subsector="kuliner", pirt_number="P-IRT 2063275010123",
                        variants=[{"sku": "KR-1", "low_stock_threshold": 8}])

    import_products(sentra, None, csv_bytes({
        "product_ref": made.ref, "title": "Keripik Tempe", "subsector": "kuliner", "sku": "KR-1", "variant": "",
    }))

    assert product(sentra, made.ref).pirt_number == "P-IRT 2063275010123"
    assert variant(sentra, "KR-1").low_stock_threshold == 8


def test_a_utf8_bom_and_semicolon_separated_files_are_read(sentra):
    data = b"\xef\xbb\xbf" + csv_bytes({"title": "Kaos Ñusantara"}, delimiter=";")

    import_products(sentra, None, data)

    assert product(sentra, "KAOS-1").title == "Kaos Ñusantara"


def test_empty_rows_are_skipped(sentra):
    data = csv_bytes({}) + b",,,,,,,,,,,,,,\r\n\r\n"

    import_products(sentra, None, data)

    assert product(sentra, "KAOS-1") is not None


# --- refused files: every error with its row (header = 1) and column ---------------------


def test_a_missing_column_is_named_on_the_header_row(sentra):
    columns = tuple(c for c in COLUMNS if c not in ("sku", "price_idr"))

    assert errors_of(sentra, csv_bytes({}, columns=columns)) == [(1, "sku"), (1, "price_idr")]


def test_an_unknown_column_is_refused_so_typos_are_caught(sentra):
    data = csv_bytes({}, columns=(*COLUMNS, "stok"))

    assert errors_of(sentra, data) == [(1, "stok")]


def test_a_file_that_is_not_utf8_gets_one_clear_error(sentra):
    data = csv_bytes({"title": "Kaos Café"}).decode("utf-8").encode("latin-1")

    with pytest.raises(CsvImportError) as caught:
        import_products(sentra, None, data)

    (error,) = caught.value.errors
    assert error.row is None and "UTF-8" in error.message


def test_a_negative_price_is_refused(sentra):
    assert errors_of(sentra, csv_bytes({}, {"sku": "B", "product_ref": "B", "price_idr": "-5000"})) == [
        (3, "price_idr")]


def test_a_price_with_thousand_dots_is_refused(sentra):
    assert errors_of(sentra, csv_bytes({"price_idr": "85.000"})) == [(2, "price_idr")]


def test_stock_below_zero_is_refused(sentra):
    assert errors_of(sentra, csv_bytes({"stock": "-1"})) == [(2, "stock")]


def test_an_unknown_subsector_is_refused(sentra):
    assert errors_of(sentra, csv_bytes({"subsector": "batik"})) == [(2, "subsector")]


def test_a_malformed_tier_is_refused(sentra):
    assert errors_of(sentra, csv_bytes({"wholesale_tiers": "10=45000"})) == [(2, "wholesale_tiers")]


def test_malformed_options_are_refused(sentra):
    assert errors_of(sentra, csv_bytes({"variant": "Ukuran M"})) == [(2, "variant")]


def test_a_bad_boolean_is_refused(sentra):
    assert errors_of(sentra, csv_bytes({"made_to_order": "ya"})) == [(2, "made_to_order")]


def test_a_sku_used_twice_in_the_file_is_refused_on_the_later_row(sentra):
    data = csv_bytes({"product_ref": "A", "sku": "SAMA"}, {"product_ref": "B", "sku": "sama"})

    assert errors_of(sentra, data) == [(3, "sku")]


def test_a_sku_of_another_product_is_refused(sentra):
    make_product(sentra, variants=[{"sku": "PUNYA-LAIN"}])

    assert errors_of(sentra, csv_bytes({"sku": "PUNYA-LAIN"})) == [(2, "sku")]


def test_product_columns_that_disagree_between_rows_are_refused_on_the_later_row(sentra):
    rows = two_sizes()
    rows[1]["title"] = "Judul Lain"
    rows[1]["status"] = "draft"

    assert errors_of(sentra, csv_bytes(*rows)) == [(3, "title"), (3, "status")]


def test_a_product_rule_is_reported_on_the_product_row(sentra):
    assert errors_of(sentra, csv_bytes({"made_to_order": "true", "lead_time_days": ""})) == [
        (2, "lead_time_days")]


def test_every_error_of_the_file_is_reported_with_its_row(sentra):
    data = csv_bytes(
        {"product_ref": "A", "sku": "A-1"},
        {"product_ref": "B", "sku": "B-1", "price_idr": "-1"},
        {"product_ref": "C", "sku": "C-1", "subsector": "nope", "stock": "x"},
        {"product_ref": "", "sku": "D-1"},
    )

    assert errors_of(sentra, data) == [(3, "price_idr"), (4, "subsector"), (4, "stock"), (5, "product_ref")]


def test_nothing_is_written_when_any_row_is_wrong(sentra):
    import_products(sentra, None, csv_bytes({"stock": "10"}))
    before = snapshot(sentra.id)
    data = csv_bytes({"stock": "2", "title": "Berubah"}, {"product_ref": "NEW", "sku": "NEW-1", "price_idr": "-1"})

    with pytest.raises(CsvImportError):
        import_products(sentra, None, data)

    assert snapshot(sentra.id) == before


# --- tenant isolation ---------------------------------------------------------------------


def test_importing_into_one_sentra_never_touches_another_sentras_product_with_the_same_ref():
    owner = make_user()
    a = make_sentra("32.75.08.1001", owner=owner, subsectors=("fesyen",))
    b = make_sentra("32.75.04.1001", subsectors=("fesyen",))
    add_member(b, owner)
    import_products(b, None, csv_bytes({"stock": "5"}))
    before = snapshot(b.id)

    summary = import_products(a, None, csv_bytes({"title": "Milik A", "stock": "1"}))

    assert summary.products_created == 1
    assert snapshot(b.id) == before
    assert product(a, "KAOS-1").title == "Milik A"


# --- management pages -----------------------------------------------------------------------


@pytest.fixture
def member(sentra):
    user = make_user("anggota@example.test")
    add_member(sentra, user)
    db.session.commit()
    return user


def upload(client, sentra, data: bytes, name: str = "produk.csv"):
    return client.post(f"/kelola/{sentra.slug}/produk/impor", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_a_member_downloads_the_export_named_after_the_sentra_and_date(client, auth, sentra, member):
    make_product(sentra, variants=[{"sku": "DL-1"}])
    db.session.commit()
    auth.login(member.email)

    response = client.get(f"/kelola/{sentra.slug}/produk/ekspor.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert f'filename="produk-{sentra.slug}-' in disposition and disposition.endswith('.csv"')
    assert b"DL-1" in response.data


def test_the_import_page_shows_an_upload_form_for_csv(client, auth, sentra, member):
    auth.login(member.email)

    response = client.get(f"/kelola/{sentra.slug}/produk/impor")

    assert response.status_code == 200
    assert b'accept=".csv,text/csv"' in response.data and b'enctype="multipart/form-data"' in response.data


def test_uploading_a_good_file_imports_it_and_shows_a_summary(client, auth, sentra, member):
    auth.login(member.email)

    response = upload(client, sentra, csv_bytes(*two_sizes()))

    assert response.status_code == 200
    assert product(sentra, "KAOS-1").created_by_id == member.id
    assert f"/kelola/{sentra.slug}/produk/".encode() in response.data


def test_uploading_a_wrong_file_lists_every_error_and_imports_nothing(client, auth, sentra, member):
    auth.login(member.email)

    response = upload(client, sentra, csv_bytes({"price_idr": "-1"}, {"product_ref": "B", "sku": "B", "stock": "x"}))

    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "<td>2</td><td>price_idr</td>" in body and "<td>3</td><td>stock</td>" in body
    assert db.session.scalar(select(func.count(Product.id))) == 0


def test_a_file_over_5_mb_is_refused(client, auth, sentra, member):
    auth.login(member.email)

    response = upload(client, sentra, csv_bytes({}) + b"x" * (5 * 1024 * 1024))

    assert response.status_code == 413
    assert db.session.scalar(select(func.count(Product.id))) == 0


def test_posting_without_a_file_is_refused(client, auth, sentra, member):
    auth.login(member.email)

    response = client.post(f"/kelola/{sentra.slug}/produk/impor", data={})

    assert response.status_code == 422


@pytest.mark.parametrize("path", ["ekspor.csv", "impor"])
def test_a_member_of_another_sentra_gets_404(client, auth, path):
    other = make_sentra("32.75.04.1001")
    outsider = make_user("luar@example.test")
    make_sentra("32.75.08.1001", owner=outsider)
    db.session.commit()
    auth.login(outsider.email)

    assert client.get(f"/kelola/{other.slug}/produk/{path}").status_code == 404
    assert upload(client, other, csv_bytes({})).status_code == 404


def test_the_import_needs_a_login(client, sentra):
    response = client.get(f"/kelola/{sentra.slug}/produk/impor")

    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_readme_example_file_imports(sentra):
    from shop.config import ROOT

    summary = import_products(sentra, None, (ROOT / "docs" / "contoh-produk.csv").read_bytes())

    assert (summary.products_created, summary.variants_created) == (3, 6)
