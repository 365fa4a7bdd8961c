"""The demo catalogue: 10 to 25 fitting products per sentra, with variants, details and photos."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from catalog.products.models import Product, ProductImage, ProductStatus, Variant
from shop.extensions import db
from shop.seed.demo import seed_demo
from shop.seed.demo_catalog import CATALOG, label_grams, seed_products
from shop.sentras.models import Sentra
from tests.factories import make_sentra


@pytest.fixture
def media(app, tmp_path, monkeypatch) -> Path:
    root = tmp_path / "media"
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(root))
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "local")
    return root


@pytest.fixture
def demo(media) -> None:
    seed_demo()
    db.session.commit()
    db.session.expire_all()


@pytest.fixture
def food_and_fashion(media) -> Sentra:
    sentra = make_sentra("32.75.08.1001", subsectors=("kuliner", "fesyen"))
    seed_products(sentra, None)
    db.session.commit()
    return sentra


def test_demo_seed_gives_every_sentra_10_to_25_photographed_products_of_its_subsectors(demo, media):
    # One test for the whole seed: it takes seconds, so it runs once.
    counts = Counter(db.session.scalars(select(Product.sentra_id)))
    sentras = list(db.session.scalars(select(Sentra)))
    assert len(sentras) == 56
    for sentra in sentras:
        assert 10 <= counts[sentra.id] <= 25, sentra.slug
        codes = {s.code for s in sentra.subsectors}
        used = set(db.session.scalars(select(Product.subsector_code).where(Product.sentra_id == sentra.id)))
        assert used <= codes, sentra.slug
    active = list(db.session.scalars(select(Product).where(Product.status == ProductStatus.ACTIVE)))
    assert len(active) > 0.8 * sum(counts.values())
    for product in active:
        assert 1 <= len(product.images) <= 2, product.title
        for image in product.images:
            assert all((media / key).is_file() for key in image.keys)


def test_every_catalogue_item_draws_a_known_shape():
    from catalog.demo_images import SHAPES

    assert {item.kind for items in CATALOG.values() for item in items} <= set(SHAPES)


def test_the_catalogue_covers_all_17_subsectors():
    assert len(CATALOG) == 17


def test_demo_products_are_mostly_active_with_a_few_drafts(food_and_fashion):
    statuses = Counter(db.session.scalars(select(Product.status)))
    assert statuses[ProductStatus.ACTIVE] > statuses[ProductStatus.DRAFT]
    assert set(statuses) <= {ProductStatus.ACTIVE, ProductStatus.DRAFT}


def test_demo_products_have_one_to_three_variants_priced_in_whole_rupiah(food_and_fashion):
    for product in db.session.scalars(select(Product)):
        assert 1 <= len(product.variants) <= 3
        for variant in product.variants:
            assert 10_000 <= variant.price_idr <= 1_000_000 and variant.price_idr % 500 == 0
            assert variant.stock >= 0
            if len(product.variants) > 1:
                assert variant.options and variant.options[0][0] in {"Ukuran", "Warna", "Rasa", "Berat", "Paket"}


def test_demo_food_carries_pirt_halal_and_shelf_life(food_and_fashion):
    food = list(db.session.scalars(select(Product).where(Product.subsector_code == "kuliner")))
    assert food
    for product in food:
        assert product.pirt_number and product.halal_number and product.shelf_life_days


def test_demo_has_out_of_stock_low_stock_made_to_order_and_wholesale_items(media):
    # Across a few sentras every kind of listing turns up.
    for code, subsectors in (("32.75.08.1001", ("kuliner", "fesyen")),
                             ("32.75.01.1001", ("desain_komunikasi_visual", "kriya")),
                             ("32.75.02.1001", ("kriya", "kuliner"))):
        seed_products(make_sentra(code, subsectors=subsectors), None)
    db.session.commit()
    stocks = [v.stock for v in db.session.scalars(select(Variant).join(Product).where(~Product.made_to_order))]
    assert 0 in stocks and any(1 <= s <= 3 for s in stocks)
    made = list(db.session.scalars(select(Product).where(Product.made_to_order)))
    assert made and all(p.lead_time_days and p.lead_time_days >= 1 for p in made)
    wholesale = list(db.session.scalars(select(Variant).where(Variant.min_wholesale_qty.is_not(None))))
    assert wholesale and all(v.tiers for v in wholesale)


def test_demo_products_are_the_same_on_every_run(app, media):
    def titles() -> list[str]:
        sentra = make_sentra("32.75.08.1001", subsectors=("kuliner", "fesyen"))
        seed_products(sentra, None)
        db.session.flush()
        return list(db.session.scalars(select(Product.title).order_by(Product.ref)))

    first = titles()
    db.session.rollback()
    assert titles() == first


def test_sentra_that_has_products_gets_no_more(food_and_fashion, monkeypatch):
    # Two kelurahan instead of 56 keep this quick: the stocked one and one more.
    import shop.seed.demo as demo_module

    kelurahan = demo_module.all_kelurahan()
    two = [k for k in kelurahan if k.code == food_and_fashion.applied_kelurahan_code] + [
        next(k for k in kelurahan if k.code != food_and_fashion.applied_kelurahan_code)
    ]
    monkeypatch.setattr(demo_module, "all_kelurahan", lambda: two)

    def counts() -> tuple[int, int]:
        return (
            db.session.scalar(select(func.count(Product.id)).where(Product.sentra_id == food_and_fashion.id)),
            db.session.scalar(
                select(func.count(ProductImage.id)).join(Product).where(Product.sentra_id == food_and_fashion.id)
            ),
        )

    before = counts()
    result = seed_demo()
    db.session.commit()
    assert counts() == before
    assert result["products_created"] == db.session.scalar(
        select(func.count(Product.id)).where(Product.sentra_id != food_and_fashion.id)
    ) >= 10


@pytest.mark.parametrize(("label", "grams"), [("100 g", 100), ("250 g", 250), ("1 kg", 1000), ("250 ml", None),
                                              ("M", None)])
def test_a_variant_label_states_its_weight_in_grams_or_none(label, grams):
    assert label_grams(label) == grams


def test_a_demo_variant_labelled_with_a_weight_weighs_what_its_label_says(food_and_fashion):
    weighed = 0
    for variant in db.session.scalars(select(Variant)):
        berat = dict(variant.options).get("Berat")
        if berat:
            weighed += 1
            assert variant.weight_grams == label_grams(berat), (variant.sku, berat, variant.weight_grams)
    assert weighed > 0
