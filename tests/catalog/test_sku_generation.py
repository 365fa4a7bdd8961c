"""SKUs made for a seller who leaves the SKU empty (issue 17, the listing form): readable, unique in the sentra."""
from __future__ import annotations

from catalog.listings.services import create_product, update_product
from catalog.products.services import ProductDraft, VariantDraft, suggest_sku
from shop.extensions import db
from tests.factories import make_product, make_sentra

OTHER_KELURAHAN = "32.75.04.1001"


def _shirt(*variants: VariantDraft) -> ProductDraft:
    return ProductDraft(title="Kaos Batik Bekasi Motif Bambu", subsector_code="fesyen", variants=variants)


def _size(value: str, sku: str = "") -> VariantDraft:
    return VariantDraft(sku=sku, price_idr=85_000, options=(("Ukuran", value),), stock=2)


def test_a_suggested_sku_reads_the_first_words_of_the_title_and_the_option_values():
    assert suggest_sku("Kaos Batik Bekasi Motif Bambu", (("Ukuran", "M"), ("Warna", "Biru Laut"))) == \
        "KAOS-BATIK-BEKASI-M-BIRU-LAUT"
    assert suggest_sku("Keripik Tempe") == "KERIPIK-TEMPE"
    assert suggest_sku("!!!") == "SKU"


def test_variants_left_without_an_sku_get_one_from_the_title_and_options():
    sentra = make_sentra()

    product = create_product(sentra, None, _shirt(_size("S"), _size("M", sku="MY-OWN")))

    assert [v.sku for v in product.variants] == ["KAOS-BATIK-BEKASI-S", "MY-OWN"]


def test_a_made_sku_taken_in_the_sentra_gets_the_next_free_number():
    sentra = make_sentra()
    make_product(sentra, variants=[{"sku": "KAOS-BATIK-BEKASI-S", "options": "A=1"},
                                 {"sku": "kaos-batik-bekasi-s-2", "options": "A=2"}])

    product = create_product(sentra, None, _shirt(_size("S")))

    assert product.variants[0].sku == "KAOS-BATIK-BEKASI-S-3"


def test_a_made_sku_avoids_an_sku_typed_in_another_row_of_the_same_product():
    sentra = make_sentra()

    product = create_product(sentra, None, _shirt(_size("S"), _size("M", sku="KAOS-BATIK-BEKASI-S")))

    assert [v.sku for v in product.variants] == ["KAOS-BATIK-BEKASI-S-2", "KAOS-BATIK-BEKASI-S"]


def test_the_sku_of_an_archived_variant_is_not_made_again():
    sentra = make_sentra()
    product = create_product(sentra, None, _shirt(_size("S"), _size("M")))
    kept = product.variants[1]
    update_product(product, None, _shirt(VariantDraft(id=kept.id, sku=kept.sku, price_idr=85_000,
                                                      options=(("Ukuran", "M"),))))
    db.session.flush()

    update_product(product, None, _shirt(VariantDraft(id=kept.id, sku=kept.sku, price_idr=85_000,
                                                      options=(("Ukuran", "M"),)), _size("S")))

    assert sorted(v.sku for v in product.active_variants) == ["KAOS-BATIK-BEKASI-M", "KAOS-BATIK-BEKASI-S-2"]


def test_another_sentras_skus_do_not_count():
    make_product(make_sentra(OTHER_KELURAHAN), variants=[{"sku": "KAOS-BATIK-BEKASI-S"}])

    product = create_product(make_sentra(), None, _shirt(_size("S")))

    assert product.variants[0].sku == "KAOS-BATIK-BEKASI-S"


def test_a_single_variant_without_options_gets_the_title_alone():
    product = create_product(make_sentra(), None, ProductDraft(
        title="Keripik Tempe Pedas", subsector_code="kuliner", variants=(VariantDraft(sku="  ", price_idr=15_000),)))

    assert product.variants[0].sku == "KERIPIK-TEMPE-PEDAS"
