"""catalog.products.services: creating and changing products, and every bad input refused."""
from __future__ import annotations

from dataclasses import replace

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from catalog.listings.services import create_product, duplicate_product, update_product
from catalog.products.models import (
    PriceTier,
    Product,
    ProductImage,
    ProductStatus,
    StockMovement,
    StockReason,
    Variant,
)
from catalog.products.services import (
    ProductDraft,
    ProductNotFoundError,
    ProductValidationError,
    TierDraft,
    VariantDraft,
    delete_product,
    format_options,
    format_tiers,
    load_product,
    load_variant,
    parse_options,
    parse_tiers,
    set_status,
    validate,
)
from shop.extensions import db
from tests.factories import make_product, make_sentra, make_user

OTHER_KELURAHAN = "32.75.04.1001"


def _draft(**changes) -> ProductDraft:
    draft = ProductDraft(
        title="Tas Anyaman Eceng Gondok",
        subsector_code="kriya",
        description="Dianyam tangan.",
        status=ProductStatus.ACTIVE,
        variants=(
            VariantDraft(sku="TAS-S", price_idr=85_000, options=(("Ukuran", "S"),), stock=4),
            VariantDraft(sku="TAS-L", price_idr=120_000, options=(("Ukuran", "L"),), stock=2),
        ),
    )
    return replace(draft, **changes)


def _variant(index: int = 0, **changes) -> VariantDraft:
    return replace(_draft().variants[index], **changes)


def _counts() -> tuple[int, int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Product, Variant, PriceTier, StockMovement)
    )


def _refused(sentra, draft: ProductDraft) -> dict[str, str]:
    """Create ``draft``, expect a refusal with nothing written; the messages in English."""
    before = _counts()
    with pytest.raises(ProductValidationError) as excinfo:
        create_product(sentra, None, draft)
    assert _counts() == before
    with force_locale("en"):
        return {name: str(message) for name, message in excinfo.value.fields.items()}


# --- create ---------------------------------------------------------------------------------


def test_create_with_two_variants_puts_their_stock_in_through_restock_movements():
    sentra = make_sentra()
    actor = make_user()

    product = create_product(sentra, actor.id, _draft())

    assert [(v.sku, v.stock, v.options) for v in product.variants] == [
        ("TAS-S", 4, [["Ukuran", "S"]]),
        ("TAS-L", 2, [["Ukuran", "L"]]),
    ]
    movements = db.session.scalars(select(StockMovement).order_by(StockMovement.id)).all()
    assert [(m.variant_id, m.delta, m.reason, m.actor_id) for m in movements] == [
        (product.variants[0].id, 4, StockReason.RESTOCK, actor.id),
        (product.variants[1].id, 2, StockReason.RESTOCK, actor.id),
    ]
    assert (product.created_by_id, product.updated_by_id) == (actor.id, actor.id)
    assert product.slug == "tas-anyaman-eceng-gondok"


def test_a_variant_created_without_stock_writes_no_movement():
    sentra = make_sentra()

    product = create_product(sentra, None, _draft(variants=(_variant(0, stock=0),)))

    assert product.variants[0].stock == 0
    assert _counts()[3] == 0


def test_products_made_in_the_ui_get_refs_in_sequence():
    sentra = make_sentra()

    first = create_product(sentra, None, _draft())
    second = create_product(sentra, None, _draft(variants=(_variant(0, sku="LAIN"),)))

    assert (first.ref, second.ref) == ("P-000001", "P-000002")


def test_refs_are_counted_per_sentra():
    make_product(make_sentra())
    other = make_sentra(OTHER_KELURAHAN)

    assert make_product(other).ref == "P-000001"


def test_a_ref_already_used_in_the_sentra_is_refused():
    sentra = make_sentra()
    create_product(sentra, None, _draft(ref="IMPOR-1"))

    errors = _refused(sentra, _draft(ref="IMPOR-1", variants=(_variant(0, sku="BARU"),)))

    assert "ref" in errors


def test_tiers_are_stored_in_order_of_minimum_quantity():
    sentra = make_sentra()
    variant = _variant(0, tiers=parse_tiers("50:70000;10:80000"), min_wholesale_qty=10)

    product = create_product(sentra, None, _draft(variants=(variant,)))

    assert format_tiers(product.variants[0].tiers) == "10:80000;50:70000"
    assert product.variants[0].min_wholesale_qty == 10


# --- bad input ------------------------------------------------------------------------------


def test_a_negative_price_is_refused():
    errors = _refused(make_sentra(), _draft(variants=(_variant(0, price_idr=-1), _variant(1))))

    assert errors == {"variants-0-price_idr": "Price must be a whole number of rupiah, 0 or more."}


def test_stock_below_zero_is_refused():
    errors = _refused(make_sentra(), _draft(variants=(_variant(0), _variant(1, stock=-3))))

    assert errors == {"variants-1-stock": "Stock cannot be below zero."}


def test_a_sku_used_twice_in_the_product_is_refused():
    errors = _refused(make_sentra(), _draft(variants=(_variant(0), _variant(1, sku="TAS-S"))))

    assert errors == {"variants-1-sku": "This SKU is used twice in this product."}


def test_a_sku_used_twice_differing_only_in_case_is_refused():
    errors = _refused(make_sentra(), _draft(variants=(_variant(0), _variant(1, sku="tas-s"))))

    assert "variants-1-sku" in errors


def test_a_sku_used_by_another_product_of_the_same_sentra_is_refused():
    sentra = make_sentra()
    make_product(sentra, variants=[{"sku": "TAS-L"}])

    errors = _refused(sentra, _draft())

    assert errors == {"variants-1-sku": "SKU TAS-L is already used by another product."}


def test_the_same_sku_in_another_sentra_is_fine():
    make_product(make_sentra(), variants=[{"sku": "TAS-S"}])
    other = make_sentra(OTHER_KELURAHAN)

    product = create_product(other, None, _draft())

    assert product.variants[0].sku == "TAS-S"


def test_a_malformed_sku_is_refused():
    errors = _refused(make_sentra(), _draft(variants=(_variant(0, sku="tas s!"), _variant(1))))

    assert list(errors) == ["variants-0-sku"]


def test_an_unknown_subsector_is_refused():
    errors = _refused(make_sentra(), _draft(subsector_code="sulap"))

    assert errors == {"subsector_code": "Choose one of the 17 subsectors."}


def test_an_empty_title_is_refused():
    errors = _refused(make_sentra(), _draft(title="   "))

    assert errors == {"title": "Give the product a title."}


def test_an_unknown_status_is_refused():
    errors = _refused(make_sentra(), _draft(status="published"))

    assert list(errors) == ["status"]


@pytest.mark.nodb
@pytest.mark.parametrize("text", ["10-45000", "x:1", "10:45000;10:40000", "10:", ":45000", "10:4.5", "-10:45000"])
def test_parse_tiers_refuses_malformed_text(text):
    with pytest.raises(ValueError):
        parse_tiers(text)


@pytest.mark.nodb
def test_parse_tiers_reads_tiers_and_empty_text():
    assert parse_tiers("") == ()
    assert parse_tiers(" 10:45000 ; 50:40000 ") == (TierDraft(10, 45_000), TierDraft(50, 40_000))


def test_a_tier_costing_more_than_a_smaller_one_is_refused():
    tiers = (TierDraft(10, 45_000), TierDraft(50, 46_000))

    errors = _refused(make_sentra(), _draft(variants=(_variant(0, price_idr=50_000, tiers=tiers), _variant(1))))

    assert errors == {"variants-0-tiers": "A tier for more units cannot cost more per unit."}


def test_a_tier_costing_more_than_the_retail_price_is_refused():
    tiers = (TierDraft(10, 90_000),)

    errors = _refused(make_sentra(), _draft(variants=(_variant(0, price_idr=85_000, tiers=tiers), _variant(1))))

    assert list(errors) == ["variants-0-tiers"]


def test_a_tier_for_a_single_unit_is_refused():
    errors = _refused(make_sentra(), _draft(variants=(_variant(0, tiers=(TierDraft(1, 1_000),)), _variant(1))))

    assert list(errors) == ["variants-0-tiers"]


def test_made_to_order_without_a_lead_time_is_refused():
    errors = _refused(make_sentra(), _draft(made_to_order=True, lead_time_days=None))

    assert errors == {"lead_time_days": "Made-to-order products need a lead time of 1 to 365 days."}


def test_made_to_order_with_a_lead_time_is_accepted():
    product = create_product(make_sentra(), None, _draft(made_to_order=True, lead_time_days=7))

    assert (product.made_to_order, product.lead_time_days) == (True, 7)


def test_several_variants_without_options_are_refused():
    variants = (_variant(0, options=()), _variant(1, options=()))

    errors = _refused(make_sentra(), _draft(variants=variants))

    assert errors["variants"] == "When there are several variants, each needs options such as Ukuran=M."


def test_a_product_without_variants_is_refused():
    errors = _refused(make_sentra(), _draft(variants=()))

    assert errors == {"variants": "A product needs at least one variant with a price."}


def test_every_broken_rule_is_reported_at_once():
    variants = (_variant(0, price_idr=-5), _variant(1, stock=-1))

    errors = _refused(make_sentra(), _draft(title="", subsector_code="sulap", variants=variants))

    assert set(errors) == {"title", "subsector_code", "variants-0-price_idr", "variants-1-stock"}


def test_overlong_food_numbers_are_refused_rather_than_failing_in_the_database():
    draft = _draft(subsector_code="kuliner", pirt_number="1" * 41, halal_number="H" * 61)

    errors = _refused(make_sentra(), draft)

    assert set(errors) == {"pirt_number", "halal_number"}


def test_validate_returns_nothing_for_a_good_draft():
    assert validate(_draft()) == {}


# --- options --------------------------------------------------------------------------------


@pytest.mark.nodb
def test_options_text_round_trips():
    assert parse_options("Ukuran=M; Warna=Biru") == (("Ukuran", "M"), ("Warna", "Biru"))
    assert format_options([["Ukuran", "M"], ["Warna", "Biru"]]) == "Ukuran=M;Warna=Biru"
    assert parse_options("") == ()


@pytest.mark.nodb
@pytest.mark.parametrize("text", ["Ukuran", "=M", "Ukuran=", "Ukuran=M;;"])
def test_parse_options_refuses_malformed_text(text):
    with pytest.raises(ValueError):
        parse_options(text)


# --- update ---------------------------------------------------------------------------------


def test_update_changes_fields_and_variants_but_not_stock():
    sentra = make_sentra()
    actor = make_user()
    product = create_product(sentra, None, _draft())
    small, large = product.variants

    update_product(product, actor.id, _draft(
        title="Tas Anyaman Besar",
        variants=(replace(_variant(0), id=small.id, price_idr=90_000, stock=99), replace(_variant(1), id=large.id)),
    ))

    assert product.title == "Tas Anyaman Besar"
    assert product.updated_by_id == actor.id
    assert (small.price_idr, small.stock) == (90_000, 4)


def test_update_archives_a_left_out_variant_and_keeps_its_id():
    sentra = make_sentra()
    product = create_product(sentra, None, _draft())
    small, large = product.variants

    update_product(product, None, _draft(variants=(replace(_variant(0), id=small.id),)))

    assert db.session.get(Variant, large.id).archived is True
    assert [v.id for v in product.active_variants] == [small.id]
    assert len(product.variants) == 2


def test_update_adds_a_new_variant_with_its_initial_stock_through_a_movement():
    sentra = make_sentra()
    product = create_product(sentra, None, _draft(variants=(_variant(0),)))
    small = product.variants[0]

    update_product(product, None, _draft(variants=(replace(_variant(0), id=small.id), _variant(1, stock=6))))

    new = product.variants[1]
    assert (new.sku, new.stock) == ("TAS-L", 6)
    assert db.session.scalar(select(func.sum(StockMovement.delta)).where(StockMovement.variant_id == new.id)) == 6


def test_update_with_a_variant_id_of_another_product_is_refused():
    sentra = make_sentra()
    product = create_product(sentra, None, _draft())
    other = make_product(sentra, variants=[{"sku": "LAIN"}])
    before = (product.title, [v.sku for v in product.variants])

    with pytest.raises(ProductValidationError) as excinfo:
        update_product(product, None, _draft(title="Diubah", variants=(replace(_variant(0), id=other.variants[0].id),)))

    assert list(excinfo.value.fields) == ["variants-0-id"]
    assert (product.title, [v.sku for v in product.variants]) == before


def test_update_may_keep_its_own_skus():
    sentra = make_sentra()
    product = create_product(sentra, None, _draft())
    ids = [v.id for v in product.variants]

    update_product(product, None, _draft(variants=tuple(replace(_variant(i), id=ids[i]) for i in range(2))))

    assert [v.sku for v in product.variants] == ["TAS-S", "TAS-L"]


def test_update_reusing_the_sku_of_its_own_archived_variant_is_refused_not_a_crash():
    sentra = make_sentra()
    product = create_product(sentra, None, _draft())
    small, large = product.variants
    update_product(product, None, _draft(variants=(replace(_variant(0), id=small.id),)))

    with pytest.raises(ProductValidationError) as excinfo:
        update_product(product, None, _draft(variants=(replace(_variant(0), id=small.id), _variant(1))))

    assert list(excinfo.value.fields) == ["variants-1-sku"]


def test_update_may_swap_the_skus_of_two_variants():
    sentra = make_sentra()
    product = create_product(sentra, None, _draft())
    small, large = product.variants

    update_product(product, None, _draft(variants=(
        replace(_variant(0), id=small.id, sku="TAS-L"), replace(_variant(1), id=large.id, sku="TAS-S"),
    )))

    assert (small.sku, large.sku) == ("TAS-L", "TAS-S")


def test_update_may_give_a_renamed_variants_old_sku_to_a_new_variant():
    sentra = make_sentra()
    product = create_product(sentra, None, _draft(variants=(_variant(0),)))
    small = product.variants[0]

    update_product(product, None, _draft(variants=(
        replace(_variant(0), id=small.id, sku="TAS-S-LAMA"), _variant(1, sku="TAS-S"),
    )))

    assert [v.sku for v in product.variants] == ["TAS-S-LAMA", "TAS-S"]


def test_update_taking_a_sku_of_another_product_is_refused():
    sentra = make_sentra()
    product = create_product(sentra, None, _draft())
    make_product(sentra, variants=[{"sku": "LAIN"}])
    small, large = product.variants

    with pytest.raises(ProductValidationError) as excinfo:
        update_product(product, None, _draft(variants=(
            replace(_variant(0), id=small.id), replace(_variant(1), id=large.id, sku="LAIN"),
        )))

    assert list(excinfo.value.fields) == ["variants-1-sku"]


# --- status, duplicate, delete --------------------------------------------------------------


def test_set_status_active_without_variants_is_refused():
    sentra = make_sentra()
    product = create_product(sentra, None, _draft(status=ProductStatus.DRAFT, variants=(_variant(0),)))
    product.variants[0].archived = True

    with pytest.raises(ProductValidationError) as excinfo:
        set_status(product, None, ProductStatus.ACTIVE)

    assert list(excinfo.value.fields) == ["status"]
    assert product.status == ProductStatus.DRAFT


def test_set_status_archives_and_restores():
    sentra = make_sentra()
    actor = make_user()
    product = create_product(sentra, None, _draft())

    set_status(product, actor.id, ProductStatus.ARCHIVED)
    assert (product.status, product.updated_by_id) == (ProductStatus.ARCHIVED, actor.id)
    set_status(product, actor.id, ProductStatus.ACTIVE)
    assert product.status == ProductStatus.ACTIVE


def test_duplicate_makes_a_draft_with_salin_skus_and_no_stock():
    sentra = make_sentra()
    product = create_product(sentra, None, _draft(variants=(_variant(0, tiers=(TierDraft(10, 80_000),)), _variant(1))))

    copy = duplicate_product(product, None)

    assert copy.id != product.id
    assert copy.status == ProductStatus.DRAFT
    assert copy.ref == "P-000002"
    assert [(v.sku, v.stock) for v in copy.variants] == [("TAS-S-SALIN", 0), ("TAS-L-SALIN", 0)]
    assert format_tiers(copy.variants[0].tiers) == "10:80000"
    assert db.session.scalar(
        select(func.count(StockMovement.id)).where(StockMovement.variant_id.in_([v.id for v in copy.variants]))
    ) == 0


def test_duplicating_twice_numbers_the_copies_skus():
    sentra = make_sentra()
    product = create_product(sentra, None, _draft(variants=(_variant(0),)))

    duplicate_product(product, None)
    second = duplicate_product(product, None)

    assert second.variants[0].sku == "TAS-S-SALIN2"


def test_delete_returns_the_photo_keys_and_removes_the_rows():
    sentra = make_sentra()
    product = create_product(sentra, None, _draft())
    image = ProductImage(
        product_id=product.id, key="p/1.webp", thumb_320_key="p/1-320.webp", thumb_960_key="p/1-960.webp",
        width=800, height=600,
    )
    db.session.add(image)
    db.session.flush()
    db.session.refresh(product)

    keys = delete_product(product)

    assert sorted(keys) == ["p/1-320.webp", "p/1-960.webp", "p/1.webp"]
    assert _counts()[:2] == (0, 0)
    assert db.session.scalar(select(func.count(ProductImage.id))) == 0


# --- food fields ----------------------------------------------------------------------------


def test_food_fields_are_kept_for_kuliner():
    sentra = make_sentra(subsectors=("kuliner",))

    product = create_product(sentra, None, _draft(
        subsector_code="kuliner", pirt_number="2063275010123-25", halal_number="ID32110000123", shelf_life_days=90,
    ))

    assert (product.pirt_number, product.halal_number, product.shelf_life_days) == (
        "2063275010123-25", "ID32110000123", 90,
    )


def test_food_fields_are_dropped_for_other_subsectors():
    product = create_product(make_sentra(), None, _draft(
        pirt_number="2063275010123-25", halal_number="ID32110000123", shelf_life_days=90,
    ))

    assert (product.pirt_number, product.halal_number, product.shelf_life_days) == (None, None, None)


# --- tenant safety --------------------------------------------------------------------------


def test_load_product_and_variant_of_another_sentra_are_not_found():
    mine = make_sentra()
    theirs = make_sentra(OTHER_KELURAHAN)
    their_product = make_product(theirs)

    with pytest.raises(ProductNotFoundError):
        load_product(mine.id, their_product.id)
    with pytest.raises(ProductNotFoundError):
        load_variant(mine.id, their_product.variants[0].id)
    assert load_product(theirs.id, their_product.id) is their_product
    assert load_variant(theirs.id, their_product.variants[0].id) is their_product.variants[0]
