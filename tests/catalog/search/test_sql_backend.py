"""The sql backend's own machinery: index upkeep, vocabulary, synonyms, fallback, suggestions."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

import catalog.search as search_api
from catalog.csv import import_products
from catalog.products.models import Product
from catalog.search.errors import SearchUnavailableError
from catalog.search.indexing import on_documents_changed, rebuild_sql_index
from catalog.search.models import SearchDocument, SearchSynonym
from catalog.search.synonyms import parse_group, seed_synonyms, synonym_groups
from catalog.search.types import MAX_TEXT, SearchQuery
from catalog.search.vocabulary import Vocabulary, distance
from shop.extensions import db
from tests.catalog.test_csv_io import csv_bytes
from tests.factories import make_product, make_sentra


def ids(text: str = "", **filters) -> list[int]:
    return [h.product_id for h in search_api.search(SearchQuery(text=text, per_page=100, **filters)).hits]


@pytest.fixture
def sentra():
    return make_sentra()


def test_a_new_product_is_indexed_in_the_same_flush(sentra):
    product = make_product(sentra, title="Lampu Hias Bambu")
    assert db.session.get(SearchDocument, product.id).title == "Lampu Hias Bambu"


def test_a_rolled_back_product_leaves_no_index_row(sentra):
    db.session.commit()
    product_id = make_product(sentra, title="Lampu Hias Bambu").id
    db.session.rollback()
    assert db.session.get(SearchDocument, product_id) is None


def test_a_draft_product_has_no_index_row(sentra):
    product = make_product(sentra, title="Belum Siap", status="draft")
    assert db.session.get(SearchDocument, product.id) is None


def test_a_deleted_product_leaves_the_index(sentra):
    from catalog.products.services import delete_product
    product = make_product(sentra, title="Lampu Hias")
    product_id = product.id
    delete_product(product)
    assert db.session.get(SearchDocument, product_id) is None


def test_csv_import_indexes_the_new_products(sentra):
    import_products(sentra, None, csv_bytes({"product_ref": "L-1", "title": "Lampion Kertas", "sku": "LK-1"}))
    assert ids("lampion") == list(db.session.scalars(select(Product.id).where(Product.title == "Lampion Kertas")))


def test_callbacks_hear_the_changed_products(sentra):
    heard: list[list[int]] = []
    on_documents_changed.append(heard.append)
    try:
        product = make_product(sentra, title="Lampu Hias")
    finally:
        on_documents_changed.remove(heard.append)
    assert any(product.id in batch for batch in heard)


def test_rebuild_makes_one_row_per_public_product_and_reports_progress(sentra):
    make_product(sentra, title="Satu")
    make_product(sentra, title="Dua")
    make_product(sentra, title="Tiga", status="draft")
    seen = []
    assert rebuild_sql_index(progress=lambda done, total: seen.append(done)) == 2
    assert db.session.scalar(select(func.count()).select_from(SearchDocument)) == 2
    assert seen[-1] == 2


def test_a_new_word_is_corrected_towards_in_the_next_search(sentra):
    make_product(sentra, title="Anyaman Bambu")
    assert ids("lampiom") == []
    product = make_product(sentra, title="Lampion Kertas")
    assert ids("lampiom") == [product.id]


def test_an_edited_synonym_group_applies_to_the_next_search(sentra):
    seed_synonyms()
    product = make_product(sentra, title="Dompet Kulit")
    assert ids("purse") == []
    db.session.add(SearchSynonym(words="dompet, purse"))
    db.session.flush()
    assert ids("purse") == [product.id]


def test_shipped_synonyms_are_seeded_once():
    assert seed_synonyms() > 0
    assert seed_synonyms() == 0
    assert ["kripik", "keripik"] in synonym_groups()


def test_a_synonym_group_is_normalised():
    assert parse_group(" Kaos, KAUS,, T-Shirt ,kaos") == ["kaos", "kaus", "t shirt"]


def test_distance_counts_a_transposition_as_one_typo():
    assert distance("anyaman", "aynaman") == 1
    assert distance("kerajinan", "kerjainan") == 1
    assert distance("batik", "btaik") == 1


def test_near_words_respect_meilisearch_typo_budget():
    vocab = Vocabulary(["anyaman", "kerajinan", "rotan", "batik"])
    assert [t for _, t in vocab.near("anyamn")] == ["anyaman"]
    assert [t for _, t in vocab.near("krajinn")] == []  # 7 letters: one typo only
    assert [t for _, t in vocab.near("krajinann")] == ["kerajinan"]  # 9 letters: two
    assert vocab.near("rotn") == []  # under 5 letters: none


def test_a_prefix_extends_a_word_only_when_a_longer_indexed_word_starts_with_it():
    vocab = Vocabulary(["anyaman", "anyamanku", "rotan"])
    assert vocab.extends("anyam") and vocab.extends("anyaman")
    assert not vocab.extends("anyamanku") and not vocab.extends("rotan") and not vocab.extends("zz")


def test_a_last_word_matches_longer_words_as_soon_as_one_is_indexed(sentra):
    """Matched as an exact term while no longer word starts with it (cheaper in FTS5), as a prefix after."""
    short = make_product(sentra, title="Tas anyaman")
    assert ids("anyaman") == [short.id]
    longer = make_product(sentra, title="Keranjang anyamanku")
    assert set(ids("anyaman")) == {short.id, longer.id}


def test_text_is_cut_to_max_text(sentra):
    product = make_product(sentra, title="Anyaman")
    assert ids("anyaman " + "x" * 500) == [product.id]
    assert ids("x" * (MAX_TEXT + 1) + " anyaman") == []


def test_meilisearch_being_down_answers_from_sql_marked_as_fallback(app, sentra, monkeypatch):
    class Down:
        def __init__(self, config):
            pass

        def search(self, query):
            raise SearchUnavailableError("connection refused")

        def suggest(self, text, limit=8):
            raise SearchUnavailableError("connection refused")

    product = make_product(sentra, title="Anyaman Bambu")
    monkeypatch.setattr(search_api, "_meili", lambda: Down(app.config))
    monkeypatch.setitem(app.config, "SEARCH_BACKEND", "meilisearch")
    result = search_api.search(SearchQuery(text="anyaman"))
    assert (result.backend, [h.product_id for h in result.hits]) == ("sql-fallback", [product.id])
    assert [s["id"] for s in search_api.suggest("anyam") if s["type"] == "product"] == [product.id]


def test_suggest_gives_products_and_sentras_under_ten(sentra):
    for n in range(12):
        make_product(sentra, title=f"Anyaman Model {n}")
    found = search_api.suggest("anyaman", limit=50)
    assert 0 < len(found) < 10
    assert {s["type"] for s in search_api.suggest("sentra kreatif")} >= {"sentra"}


def test_suggest_on_empty_text_is_empty():
    assert search_api.suggest("  !! ") == []


def test_a_document_carries_places_prices_and_stock(sentra):
    from catalog.search.documents import build_documents
    product = make_product(sentra, title="Kursi", made_to_order=False,
                           variants=[{"price_idr": 70_000, "stock": 0, "options": "Ukuran=S"},
                                     {"price_idr": 90_000, "stock": 2, "options": "Ukuran=L"}])
    (doc,) = build_documents([product.id])
    assert (doc["price_min_idr"], doc["price_max_idr"], doc["in_stock"]) == (70_000, 90_000, True)
    assert (doc["kecamatan"], doc["kecamatan_name"], doc["kecamatan_alias"]) == ("32.75.08", "Pondokgede", "Pondok Gede")
    assert doc["sentra"] == sentra.slug and doc["thumb_key"] is None and doc["rating"] == 0.0


def _shelf_for_tiers(sentra) -> dict[str, int]:
    made = {
        "both": make_product(sentra, title="Anyaman Bambu", description="Wadah."),
        "title": make_product(sentra, title="Anyaman Pandan", description="Tikar bambu."),
        "desc": make_product(sentra, title="Tikar Pandan", description="Anyaman bambu halus."),
        "other": make_product(sentra, title="Kursi Rotan", description="Anyaman bambu kuat."),
    }
    return {key: product.id for key, product in made.items()}


def test_relevance_pages_run_across_title_tiers_in_one_stable_order(sentra):
    _shelf_for_tiers(sentra)
    every = ids("anyaman bambu")
    paged = [h.product_id for page in range(1, 5)
             for h in search_api.search(SearchQuery(text="anyaman bambu", per_page=1, page=page)).hits]
    assert paged == every and len(every) == 4


def test_words_in_the_title_rank_first_then_newest(sentra):
    shelf = _shelf_for_tiers(sentra)
    assert ids("anyaman bambu") == [shelf["both"], shelf["title"], shelf["other"], shelf["desc"]]


def test_a_price_filter_keeps_the_relevance_order(sentra):
    _shelf_for_tiers(sentra)
    assert ids("anyaman bambu", max_price=10_000_000) == ids("anyaman bambu")


def test_a_long_query_without_a_product_matching_every_word_keeps_those_matching_most(sentra):
    shelf = _shelf_for_tiers(sentra)
    assert set(ids("anyaman bambu pandan zzqq xxyy")) == {shelf["title"], shelf["desc"]}


def test_a_facet_filter_on_a_text_search_still_counts_its_own_facet(sentra):
    _shelf_for_tiers(sentra)
    result = search_api.search(SearchQuery(text="anyaman", sentra=(sentra.slug,), subsector=("nope",)))
    assert result.total == 0
    assert {f.value: f.count for f in result.facets["subsector"]} == {"kriya": 4}


def _flagged_shelf(sentra) -> dict[str, int]:
    """Anyaman products: two in stock, one sold out, one made to order (in another kecamatan)."""
    other = make_sentra("32.75.01.1001")
    made = {
        "stocked": make_product(sentra, title="Anyaman Bambu", variants=[{"price_idr": 20_000, "stock": 3}]),
        "sold_out": make_product(sentra, title="Anyaman Pandan", variants=[{"price_idr": 30_000, "stock": 0}]),
        "to_order": make_product(other, title="Tas Anyaman", made_to_order=True, lead_time_days=7,
                                 variants=[{"price_idr": 40_000, "stock": 0}]),
        "also": make_product(other, title="Tikar", description="Anyaman rotan.", subsector="desain_produk",
                             variants=[{"price_idr": 50_000, "stock": 1}]),
    }
    db.session.commit()
    return {key: product.id for key, product in made.items()}


def _answer(**filters) -> tuple[list[int], int, dict]:
    result = search_api.search(SearchQuery(text="anyaman", per_page=100, **filters))
    facets = {name: {f.value: f.count for f in values} for name, values in result.facets.items()}
    return [h.product_id for h in result.hits], result.total, facets


@pytest.mark.parametrize("flags", [{"in_stock": True}, {"made_to_order": True}, {"made_to_order": False},
                                   {"in_stock": True, "kecamatan": ("32.75.01",)}])
def test_a_text_search_filtered_by_stock_flags_answers_as_the_document_scan_does(sentra, flags):
    _flagged_shelf(sentra)
    # A price filter takes the scan of search_document; without it the flags are answered from FTS5.
    fts_ids, fts_total, fts_facets = _answer(**flags)
    scan_ids, scan_total, scan_facets = _answer(max_price=10_000_000, **flags)
    assert (fts_ids, fts_total, fts_facets) == (scan_ids, scan_total, scan_facets)


def test_a_text_search_in_stock_leaves_out_the_sold_out_and_keeps_made_to_order(sentra):
    shelf = _flagged_shelf(sentra)
    found, total, facets = _answer(in_stock=True)
    assert set(found) == {shelf["stocked"], shelf["to_order"], shelf["also"]} and total == 3
    assert facets["subsector"] == {"kriya": 2, "desain_produk": 1}


def test_a_product_that_sells_out_leaves_a_text_search_in_stock_at_once(sentra):
    from catalog import stock
    from catalog.products.models import Variant
    shelf = _flagged_shelf(sentra)
    variant = db.session.scalar(select(Variant).where(Variant.product_id == shelf["stocked"]))
    stock.set_stock(variant.id, 0)
    db.session.commit()
    assert shelf["stocked"] not in _answer(in_stock=True)[0]
    stock.set_stock(variant.id, 5)
    db.session.commit()
    assert shelf["stocked"] in _answer(in_stock=True)[0]
