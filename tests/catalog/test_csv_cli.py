"""``flask --app shop import-products SENTRA_SLUG FILE.csv``: never prompts, all or nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from catalog.products.models import Product, Variant
from shop.extensions import db
from tests.catalog.test_csv_io import csv_bytes, two_sizes
from tests.factories import make_sentra


def write(tmp_path, data: bytes):
    path = tmp_path / "produk.csv"
    path.write_bytes(data)
    return str(path)


def test_import_products_creates_the_products_and_prints_a_summary(runner, tmp_path):
    sentra = make_sentra(subsectors=("fesyen",))
    db.session.commit()

    result = runner.invoke(args=["import-products", sentra.slug, write(tmp_path, csv_bytes(*two_sizes()))])

    assert result.exit_code == 0, result.output
    assert "products 1 created" in result.output and "variants 2 created" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Variant.id)).where(Variant.sentra_id == sentra.id)) == 2


def test_import_products_prints_every_error_with_row_and_column_and_exits_non_zero(runner, tmp_path):
    sentra = make_sentra(subsectors=("fesyen",))
    db.session.commit()
    data = csv_bytes({"price_idr": "-1"}, {"product_ref": "B", "sku": "B-1", "made_to_order": "ya"})

    result = runner.invoke(args=["import-products", sentra.slug, write(tmp_path, data)])

    assert result.exit_code == 1
    assert "row 2, column price_idr:" in result.stderr
    assert "row 3, column made_to_order:" in result.stderr
    assert "nothing imported: 2 error(s)" in result.stderr
    assert db.session.scalar(select(func.count(Product.id))) == 0


def test_import_products_reports_a_file_that_is_not_utf8(runner, tmp_path):
    sentra = make_sentra(subsectors=("fesyen",))
    db.session.commit()
    data = csv_bytes({"title": "Kaos Café"}).decode().encode("latin-1")

    result = runner.invoke(args=["import-products", sentra.slug, write(tmp_path, data)])

    assert result.exit_code == 1
    assert result.stderr.startswith("file: ")


def test_import_products_refuses_an_unknown_sentra(runner, tmp_path):
    result = runner.invoke(args=["import-products", "tidak-ada", write(tmp_path, csv_bytes({}))])

    assert result.exit_code == 1
    assert "no sentra with slug tidak-ada" in result.output


def test_import_products_refuses_a_missing_file(runner, tmp_path):
    result = runner.invoke(args=["import-products", "jatiwaringin", str(tmp_path / "none.csv")])

    assert result.exit_code == 2
