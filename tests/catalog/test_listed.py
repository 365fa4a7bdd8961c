"""``product.listed`` follows every kind of variant change, and the public pages follow it (issue 16).

A product is public only with an active variant; the public lists read ``listed`` instead of
asking the variants. Each test changes variants the way one write path does and checks the
flag against the variants themselves, then what the pages show.
"""
from __future__ import annotations

import pytest
from sqlalchemy import false, select

from catalog.csv import export_products, import_products
from catalog.listings.services import update_product
from catalog.products.models import Product, Variant
from catalog.products.services import ProductDraft, VariantDraft, delete_product
from shop.extensions import db
from tests.catalog.test_csv_io import csv_bytes
from tests.factories import make_product, make_sentra


@pytest.fixture
def sentra():
    return make_sentra(subsectors=("kriya", "fesyen"))


def stored_listed(product_id: int) -> bool:
    """``listed`` as the database holds it (not the session's copy)."""
    return db.session.execute(select(Product.listed).where(Product.id == product_id)).scalar_one()


def has_active_variant(product_id: int) -> bool:
    return db.session.scalar(
        select(Variant.id).where(Variant.product_id == product_id, Variant.archived == false()).exists().select()
    )


def assert_listed_matches_the_variants() -> None:
    """Every product's flag says what its variants say (the invariant the public lists rely on)."""
    for product_id, listed in db.session.execute(select(Product.id, Product.listed)):
        assert listed == has_active_variant(product_id), product_id


def draft_of(product: Product, variants: tuple[VariantDraft, ...]) -> ProductDraft:
    return ProductDraft(title=product.title, subsector_code=product.subsector_code, status=product.status,
                        variants=variants)


def kept(variant: Variant) -> VariantDraft:
    """The draft that keeps ``variant`` (and restores it when archived)."""
    options = tuple(tuple(pair) for pair in variant.options)
    return VariantDraft(sku=variant.sku, price_idr=variant.price_idr, options=options, id=variant.id)


def shown(client, sentra) -> dict[str, str]:
    """The storefront's, the category's and the home page's HTML."""
    return {path: client.get(path).get_data(as_text=True) for path in (f"/sentra/{sentra.slug}", "/kategori/kriya", "/")}


def test_a_new_product_is_listed_with_its_first_variant(sentra):
    product = make_product(sentra)
    db.session.flush()

    assert stored_listed(product.id) is True
    assert product.listed is True  # the session's copy follows without a reload


def test_archiving_the_last_active_variant_unlists_the_product(sentra):
    product = make_product(sentra, variants=[{"options": "Ukuran=M"}, {"options": "Ukuran=L"}])
    small = product.variants[0]

    update_product(product, None, draft_of(product, (kept(small),)))  # the form leaves L out: archived
    assert stored_listed(product.id) is True  # M is still active

    small.archived = True
    db.session.flush()

    assert stored_listed(product.id) is False
    assert product.listed is False
    assert_listed_matches_the_variants()


def test_restoring_an_archived_variant_lists_the_product_again(sentra):
    product = make_product(sentra)
    variant = product.variants[0]
    variant.archived = True
    db.session.flush()
    assert stored_listed(product.id) is False

    update_product(product, None, draft_of(product, (kept(variant),)))

    assert stored_listed(product.id) is True
    assert_listed_matches_the_variants()


def test_adding_a_first_active_variant_to_a_product_without_one_lists_it(sentra):
    product = make_product(sentra, variants=[{"options": "Ukuran=M"}, {"options": "Ukuran=L"}])
    for variant in product.variants:
        variant.archived = True
    db.session.flush()
    assert stored_listed(product.id) is False

    update_product(product, None, draft_of(product, (VariantDraft(sku="BARU-1", price_idr=40_000),)))

    assert stored_listed(product.id) is True
    assert_listed_matches_the_variants()


def test_deleting_variants_follows_what_is_left(sentra):
    product = make_product(sentra, variants=[{"options": "Ukuran=M"}, {"options": "Ukuran=L"}])
    small, large = product.variants
    large.archived = True
    db.session.flush()

    db.session.delete(large)  # the archived one: the product keeps its active variant
    db.session.flush()
    assert stored_listed(product.id) is True

    db.session.delete(small)  # the last one
    db.session.flush()
    assert stored_listed(product.id) is False


def test_deleting_a_product_leaves_the_others_as_they_were(sentra):
    gone, staying = make_product(sentra), make_product(sentra)

    delete_product(gone)

    assert stored_listed(staying.id) is True
    assert_listed_matches_the_variants()


def test_a_csv_import_lists_its_new_products_and_what_it_restores(sentra):
    archived = make_product(sentra, variants=[{"sku": "ARS-1"}])
    archived.variants[0].archived = True
    db.session.flush()
    assert stored_listed(archived.id) is False

    import_products(sentra, None, csv_bytes(
        {"product_ref": "BARU-1", "sku": "BARU-1-M"},
        {"product_ref": archived.ref, "sku": "ARS-1", "variant": "", "title": archived.title,
         "subsector": archived.subsector_code},
    ))

    new = db.session.scalar(select(Product.id).where(Product.sentra_id == sentra.id, Product.ref == "BARU-1"))
    assert stored_listed(new) is True
    assert stored_listed(archived.id) is True  # its variant is in the file again: restored
    assert_listed_matches_the_variants()


def test_reimporting_an_export_changes_no_flag(sentra):
    make_product(sentra)
    unlisted = make_product(sentra, status="archived")
    unlisted.variants[0].archived = True
    db.session.flush()
    before = dict(db.session.execute(select(Product.id, Product.listed)).all())

    import_products(sentra, None, export_products(sentra.id))

    assert dict(db.session.execute(select(Product.id, Product.listed)).all()) == before
    assert_listed_matches_the_variants()


def test_the_public_pages_follow_the_flag(client, sentra):
    from catalog.storefront import popularity, queries  # after tests.factories maps User

    product = make_product(sentra, title="Tas Anyaman Pandan")
    make_product(sentra, title="Gantungan Kunci Rotan")
    db.session.commit()
    assert all("Tas Anyaman Pandan" in html for html in shown(client, sentra).values())
    assert queries.sentra_products(sentra.id).total == 2

    product.variants[0].archived = True
    db.session.commit()

    assert not any("Tas Anyaman Pandan" in html for html in shown(client, sentra).values())
    assert all("Gantungan Kunci Rotan" in html for html in shown(client, sentra).values())
    assert queries.sentra_products(sentra.id).total == 1
    assert queries.category_products("kriya").total == 1
    assert product.id not in popularity.popular_product_ids()

    update_product(product, None, draft_of(product, (kept(product.variants[0]),)))
    db.session.commit()

    assert all("Tas Anyaman Pandan" in html for html in shown(client, sentra).values())
    assert queries.sentra_products(sentra.id).total == 2


def test_the_lists_show_exactly_the_products_with_an_active_variant(sentra):
    """Counts and order as the lookup of the variants gave them: newest first, the unlisted left out."""
    from catalog.storefront import popularity, queries  # after tests.factories maps User

    other = make_sentra("32.75.01.1001")
    made = [make_product(s, title=f"Produk {n}", variants=[{"options": "Ukuran=M"}, {"options": "Ukuran=L"}])
            for n, s in enumerate([sentra, other] * 5)]
    for n, product in enumerate(made):
        for variant in product.variants[: n % 3]:  # none, one or both archived
            variant.archived = True
    db.session.flush()
    public = [p.id for p in reversed(made) if has_active_variant(p.id)]

    assert [c.id for c in queries.category_products("kriya").items] == public
    assert queries.category_products("kriya").total == len(public)
    here = queries.sentra_products(sentra.id)
    assert [c.id for c in here.items] == [i for i in public if i in {p.id for p in made[::2]}]
    assert here.total == len(here.items)
    assert set(popularity.popular_product_ids(limit=20)) == set(public)


def test_refreshing_reads_the_variants_even_after_a_core_update(sentra):
    """A bulk write of variants that bypasses the session (as the CSV import's) is followed by a refresh."""
    from sqlalchemy import update

    from catalog.products.listed import refresh_listed

    product = make_product(sentra)
    db.session.execute(update(Variant).where(Variant.product_id == product.id).values(archived=True))
    assert stored_listed(product.id) is True  # not yet: nobody said

    refresh_listed([product.id])

    assert stored_listed(product.id) is False
    assert product.listed is False


def test_a_duplicate_is_listed_like_its_original(sentra):
    from catalog.listings.services import duplicate_product

    copy = duplicate_product(make_product(sentra), None)

    assert stored_listed(copy.id) is True


def test_a_variant_replaced_by_a_new_one_keeps_the_product_listed(sentra):
    product = make_product(sentra)
    old = product.variants[0]

    update_product(product, None, draft_of(product, (VariantDraft(sku="BARU-2", price_idr=1_000),)))

    assert old.archived
    assert stored_listed(product.id) is True


def test_a_refresh_is_nobodys_edit(sentra):
    """``updated_at`` says when someone last changed the listing, not when its flag was recomputed."""
    from catalog.products.listed import refresh_listed

    product = make_product(sentra)
    db.session.flush()
    before = db.session.scalar(select(Product.updated_at).where(Product.id == product.id))

    refresh_listed([product.id])

    assert db.session.scalar(select(Product.updated_at).where(Product.id == product.id)) == before
