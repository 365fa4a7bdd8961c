"""One behaviour suite for every search backend: the same queries, the same answers.

"sql" always runs. "meilisearch" runs only against a live server (set MEILI_URL, and
MEILI_MASTER_KEY if it has one); no server can run in CI, so there it is SKIPPED.
"""
from __future__ import annotations

import dataclasses
import os

import pytest

import catalog.search as search_api
from catalog import stock
from catalog.listings.services import update_product
from catalog.products.models import ProductStatus
from catalog.products.services import ProductDraft, VariantDraft, set_status
from catalog.search.documents import build_documents
from catalog.search.types import SearchQuery, Sort
from shop.extensions import db
from tests.factories import make_product, make_sentra

PONDOKGEDE_KEL = "32.75.08.1001"  # a kelurahan of kecamatan Pondokgede ("Pondok Gede")
PONDOKGEDE = "32.75.08"
BEKASIJAYA_KEL = "32.75.01.1001"
BEKASI_TIMUR = "32.75.01"

BACKENDS = [
    "sql",
    # Runs only against a live server (MEILI_URL); tests/conftest.py leaves it out otherwise.
    pytest.param("meilisearch", marks=pytest.mark.meili_live),
]


class Engine:
    """Runs queries against one backend, syncing Meilisearch from the database first."""

    def __init__(self, app, name: str) -> None:
        self.app = app
        self.name = name

    def sync(self) -> None:
        if self.name != "meilisearch":
            return
        from catalog.search.meili import MeiliBackend
        backend = MeiliBackend(self.app.config)
        backend.apply_settings()
        backend.delete_all()
        backend.upsert(build_documents())

    def search(self, text: str = "", **filters):
        self.sync()
        result = search_api.search(SearchQuery(text=text, **filters))
        assert result.backend == self.name
        return result

    def ids(self, text: str = "", **filters) -> list[int]:
        return [hit.product_id for hit in self.search(text, per_page=100, **filters).hits]


@pytest.fixture(params=BACKENDS)
def engine(request, app):
    previous = app.config.get("SEARCH_BACKEND")
    app.config["SEARCH_BACKEND"] = request.param
    if request.param == "meilisearch":
        app.config["MEILI_URL"] = os.environ["MEILI_URL"]
        app.config["MEILI_MASTER_KEY"] = os.environ.get("MEILI_MASTER_KEY")
    yield Engine(app, request.param)
    app.config["SEARCH_BACKEND"] = previous


def _variant(price: int, stock_: int = 10) -> list[dict]:
    return [{"price_idr": price, "stock": stock_}]


@pytest.fixture
def shelf():
    """Two active sentras (Pondokgede, Bekasi Timur), one suspended, and a handful of products."""
    pondok = make_sentra(PONDOKGEDE_KEL, name="Sentra Kreatif Jatiwaringin")
    timur = make_sentra(BEKASIJAYA_KEL, name="Sentra Bekasi Jaya")
    hidden = make_sentra("32.75.02.1001", name="Sentra Tutup", status="suspended")
    p = {}
    p["anyaman"] = make_product(pondok, title="Anyaman Bambu Cantik", subsector="kriya",
                                description="Wadah buatan tangan.", variants=_variant(50_000))
    p["tas"] = make_product(timur, title="Tas Kulit Sapi", subsector="kriya",
                            description="Dengan hiasan anyaman pandan di sisi.", variants=_variant(120_000))
    p["keripik"] = make_product(timur, title="Keripik Singkong Pedas", subsector="kuliner",
                                description="Renyah.", variants=_variant(15_000, 0))
    p["kaus"] = make_product(pondok, title="Kaus Sablon Bekasi", subsector="fesyen", made_to_order=True,
                             lead_time_days=3, description="Katun.", variants=_variant(85_000, 0))
    p["rotan"] = make_product(timur, title="Kerajinan Rotan Kursi", subsector="kriya",
                              description="Kursi teras.", variants=_variant(70_000))
    p["draft"] = make_product(pondok, title="Anyaman Draft", status=ProductStatus.DRAFT)
    p["archived"] = make_product(pondok, title="Anyaman Arsip", status=ProductStatus.ARCHIVED)
    p["hidden"] = make_product(hidden, title="Anyaman Tersembunyi")
    db.session.flush()
    return {key: product.id for key, product in p.items()}


# --- relevance --------------------------------------------------------------------------


def test_title_match_ranks_above_description_match(engine, shelf):
    assert engine.ids("anyaman") == [shelf["anyaman"], shelf["tas"]]


def test_all_words_must_match_when_some_product_has_them_all(engine, shelf):
    assert engine.ids("anyaman bambu") == [shelf["anyaman"]]


def test_products_matching_most_words_are_shown_when_none_match_all(engine, shelf):
    assert engine.ids("rotan zzqqxx") == [shelf["rotan"]]


def test_nothing_matches_gives_an_empty_result(engine, shelf):
    result = engine.search("zzqqxx")
    assert (result.hits, result.total) == ([], 0)


def test_last_word_matches_as_a_prefix(engine, shelf):
    assert engine.ids("kerajin") == [shelf["rotan"]]


# --- typos, synonyms, places ------------------------------------------------------------------


def test_one_typo_is_forgiven_in_a_word_of_five_letters_or_more(engine, shelf):
    assert set(engine.ids("anyamn")) == {shelf["anyaman"], shelf["tas"]}


def test_a_misspelt_word_in_the_middle_is_corrected(engine, shelf):
    assert engine.ids("kerajina rotan") == [shelf["rotan"]]


def test_two_typos_are_forgiven_in_a_word_of_nine_letters_or_more(engine, shelf):
    assert engine.ids("kerjainan kursi") == [shelf["rotan"]]


def test_no_typo_is_forgiven_in_a_word_under_five_letters(engine, shelf):
    assert engine.ids("rotn") == []


def test_a_corrected_word_is_offered_as_a_suggestion(engine, shelf):
    assert engine.search("anyamn").suggestion == "anyaman"


def test_a_correctly_spelt_query_has_no_suggestion(engine, shelf):
    assert engine.search("anyaman").suggestion is None


def test_kripik_finds_keripik_through_synonyms(engine, shelf):
    assert engine.ids("kripik") == [shelf["keripik"]]


def test_kaos_finds_kaus_through_synonyms(engine, shelf):
    assert engine.ids("kaos") == [shelf["kaus"]]


def test_spaced_place_name_finds_products_of_that_kecamatan(engine, shelf):
    assert set(engine.ids("Pondok Gede")) == {shelf["anyaman"], shelf["kaus"]}


def test_closed_place_name_finds_products_of_that_kecamatan(engine, shelf):
    assert set(engine.ids("pondokgede")) == {shelf["anyaman"], shelf["kaus"]}


# --- filters and facets ------------------------------------------------------------------------


def test_subsector_filter(engine, shelf):
    assert set(engine.ids(subsector=("kriya",))) == {shelf["anyaman"], shelf["tas"], shelf["rotan"]}


def test_kecamatan_filter(engine, shelf):
    assert set(engine.ids(kecamatan=(PONDOKGEDE,))) == {shelf["anyaman"], shelf["kaus"]}


def test_kelurahan_filter(engine, shelf):
    assert set(engine.ids(kelurahan=(BEKASIJAYA_KEL,))) == {shelf["tas"], shelf["keripik"], shelf["rotan"]}


def test_sentra_filter(engine, shelf):
    assert set(engine.ids(sentra=("jatiwaringin",))) == {shelf["anyaman"], shelf["kaus"]}


def test_price_range_filter_uses_the_lowest_price(engine, shelf):
    assert set(engine.ids(min_price=50_000, max_price=85_000)) == {shelf["anyaman"], shelf["rotan"], shelf["kaus"]}


def test_in_stock_filter_keeps_made_to_order_products(engine, shelf):
    assert shelf["keripik"] not in engine.ids(in_stock=True)
    assert shelf["kaus"] in engine.ids(in_stock=True)


def test_made_to_order_filter(engine, shelf):
    assert engine.ids(made_to_order=True) == [shelf["kaus"]]


def test_text_and_filters_combine(engine, shelf):
    assert engine.ids("anyaman", kecamatan=(BEKASI_TIMUR,)) == [shelf["tas"]]


def _counts(result, facet):
    return {value.value: value.count for value in result.facets[facet]}


def test_facets_count_the_matching_products(engine, shelf):
    result = engine.search("")
    assert result.total == 5
    assert _counts(result, "subsector") == {"kriya": 3, "kuliner": 1, "fesyen": 1}
    assert _counts(result, "kecamatan") == {PONDOKGEDE: 2, BEKASI_TIMUR: 3}


def test_a_facet_ignores_its_own_filter_but_respects_the_others(engine, shelf):
    result = engine.search("", subsector=("kriya",))
    assert result.total == 3
    assert _counts(result, "subsector") == {"kriya": 3, "kuliner": 1, "fesyen": 1}
    assert _counts(result, "kecamatan") == {PONDOKGEDE: 1, BEKASI_TIMUR: 2}
    assert _counts(result, "sentra") == {"jatiwaringin": 1, "bekasijaya": 2}


def test_facet_labels_are_names(engine, shelf):
    result = engine.search("")
    labels = {value.value: value.label for value in result.facets["kecamatan"]}
    assert labels[PONDOKGEDE] == "Pondokgede"


# --- sort and pagination -------------------------------------------------------------------


def test_sort_by_lowest_price_ascending(engine, shelf):
    order = ["keripik", "anyaman", "rotan", "kaus", "tas"]
    assert engine.ids(sort=Sort.PRICE_ASC) == [shelf[k] for k in order]


def test_sort_by_lowest_price_descending(engine, shelf):
    order = ["tas", "kaus", "rotan", "anyaman", "keripik"]
    assert engine.ids(sort=Sort.PRICE_DESC) == [shelf[k] for k in order]


def test_sort_newest_first(engine, shelf):
    assert engine.ids(sort=Sort.NEWEST) == sorted(engine.ids(sort=Sort.NEWEST), reverse=True)


def test_pages_cover_every_result_once_in_a_stable_order(engine, shelf):
    pages = [engine.search("", page=page, per_page=2, sort=Sort.PRICE_ASC) for page in (1, 2, 3)]
    ids = [hit.product_id for result in pages for hit in result.hits]
    assert ids == engine.ids(sort=Sort.PRICE_ASC)
    assert all(result.total == 5 for result in pages)


# --- visibility and freshness ----------------------------------------------------------------


def test_draft_archived_and_inactive_sentra_products_never_appear(engine, shelf):
    found = set(engine.ids("anyaman")) | set(engine.ids())
    assert not found & {shelf["draft"], shelf["archived"], shelf["hidden"]}


def test_a_restock_shows_up_in_the_next_search(engine, shelf):
    from catalog.products.models import Product
    variant = db.session.get(Product, shelf["keripik"]).variants[0]
    stock.restock(variant.id, 5)
    assert shelf["keripik"] in engine.ids(in_stock=True)


def test_a_price_change_shows_up_in_the_next_search(engine, shelf):
    from catalog.products.models import Product
    product = db.session.get(Product, shelf["tas"])
    variant = product.variants[0]
    draft = ProductDraft(
        title=product.title, subsector_code=product.subsector_code, description=product.description,
        status=product.status,
        variants=(VariantDraft(id=variant.id, sku=variant.sku, price_idr=9_000, stock=variant.stock),),
    )
    update_product(product, None, draft)
    assert engine.ids(max_price=10_000) == [shelf["tas"]]


def test_an_archived_product_leaves_the_results(engine, shelf):
    from catalog.products.models import Product
    set_status(db.session.get(Product, shelf["rotan"]), None, ProductStatus.ARCHIVED)
    assert shelf["rotan"] not in engine.ids()


def test_a_suspended_sentra_takes_its_products_out(engine, shelf):
    from catalog.products.models import Product
    db.session.get(Product, shelf["tas"]).sentra.status = "suspended"
    db.session.flush()
    assert set(engine.ids()) == {shelf["anyaman"], shelf["kaus"]}


# --- bad input ---------------------------------------------------------------------------------

NASTY = [
    "a" * 500, "!!!???...", '"', "*", "anyaman*", "NEAR(anyaman bambu)", "-anyaman", "title:anyaman",
    "(anyaman) AND (bambu) OR", "'; DROP TABLE product; --", "1 OR 1=1", "\x00\x01", "   ", "ñandú ökö",
    "'" * 50, "{title}: x", "^anyaman", "anyaman & | ! <->", ":*",
]


@pytest.mark.parametrize("text", NASTY)
def test_bad_text_never_raises(engine, shelf, text):
    result = engine.search(text)
    assert result.total >= 0


def test_syntax_characters_are_plain_separators(engine, shelf):
    assert engine.ids('"anyaman" AND -bambu*') == [shelf["anyaman"]]


def test_fallback_result_is_marked(engine, shelf):
    result = engine.search("anyaman")
    assert dataclasses.is_dataclass(result)
