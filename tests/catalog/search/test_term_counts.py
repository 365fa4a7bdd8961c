"""A one-word search's total and facet counts, read from search_term_count, equal a count of the matches.

On SQLite the counts of a one-word search come from ``search_term_count`` (kept by the
indexing beside FTS5), not from a pass over every match (issue 16). Each check here compares
a search's total and facets with a brute-force count over the indexed documents, for words
with and without an indexed synonym and every kind of filter, after each kind of change the
index sees; and on SQLite that the table holds exactly what the FTS5 index holds, and that
the one-word searches were answered from it.
"""
from __future__ import annotations

import random
from collections import Counter

import pytest
from sqlalchemy import select, text

import catalog.search as search_api
from catalog.products.models import Product, Variant
from catalog.search.indexing import rebuild_sql_index
from catalog.search.models import (
    FACET_BITS,
    FACET_MASK,
    FLAG_COLUMNS,
    SearchDocument,
    SearchSynonym,
    SearchTermCount,
)
from catalog.search.sql import SqlBackend, plan_words
from catalog.search.types import FACETS, SearchQuery
from catalog.stock import set_stock
from shop.extensions import db
from tests.factories import make_product, make_sentra

WORDS = ("keripik", "kripik", "tas", "anyaman", "batik", "tulis", "kayu", "lampu")
PLACES = ("32.75.08.1001", "32.75.08.1002", "32.75.01.1001")


@pytest.fixture
def catalogue():
    rng = random.Random(16)
    db.session.add(SearchSynonym(words="keripik, kripik"))
    sentras = [make_sentra(code, subsectors=("kriya", "kuliner")) for code in PLACES]
    products = []
    for i in range(36):
        title = " ".join(rng.sample(WORDS, 2)) + f" {i}"
        products.append(make_product(
            rng.choice(sentras), title=title, subsector=rng.choice(("kriya", "kuliner")),
            made_to_order=i % 5 == 0, lead_time_days=7 if i % 5 == 0 else None, description=rng.choice(WORDS),
            variants=[{"sku": f"T-{i}", "price_idr": 10_000 + i, "stock": rng.choice((0, 3))}],
        ))
    db.session.flush()
    return sentras, products


def _expected(query: SearchQuery, alternatives: set[str]) -> tuple[int, dict[str, dict[str, int]]]:
    """Total and disjunctive facet counts, counted document by document."""
    docs = db.session.scalars(select(SearchDocument)).all()
    wanted = {name: set(getattr(query, name)) for name in ("subsector", "kecamatan", "kelurahan", "sentra")}

    def passes(doc: SearchDocument, but: str | None = None) -> bool:
        if not alternatives & {*doc.title_terms.split(), *doc.body_terms.split()}:
            return False
        if query.in_stock and not doc.in_stock:
            return False
        if query.made_to_order is not None and doc.made_to_order != query.made_to_order:
            return False
        return all(not values or getattr(doc, name) in values for name, values in wanted.items() if name != but)

    total = sum(passes(doc) for doc in docs)
    facets = {name: dict(Counter(getattr(doc, name) for doc in docs if passes(doc, but=name))) for name in FACETS}
    return total, facets


def _queries(sentras) -> list[tuple[SearchQuery, set[str]]]:
    slug, kecamatan, kelurahan = sentras[0].slug, PLACES[2][:8], PLACES[1]
    out = []
    for word, alternatives in (("keripik", {"keripik", "kripik"}), ("tas", {"tas"}), ("batik", {"batik"})):
        for filters in ({}, {"in_stock": True}, {"made_to_order": True}, {"made_to_order": False},
                        {"subsector": ("kuliner",)}, {"sentra": (slug,), "in_stock": True},
                        {"kecamatan": (kecamatan,)}, {"kelurahan": (kelurahan,)},
                        {"subsector": ("kriya",), "kecamatan": (kecamatan,), "made_to_order": False},
                        {"subsector": ("kuliner",), "sentra": (slug,)}, {"kelurahan": (kelurahan,), "subsector": ("kriya",)}):
            out.append((SearchQuery(text=word, **filters), alternatives))
    return out


def _check(sentras) -> None:
    for query, alternatives in _queries(sentras):
        result = search_api.search(query)
        total, facets = _expected(query, alternatives)
        assert result.total == total, query
        assert {name: {f.value: f.count for f in values} for name, values in result.facets.items()} == facets, query
    if db.engine.dialect.name == "sqlite":
        held = {(row.term, row.facet_key, flags): getattr(row, name)
                for row in db.session.scalars(select(SearchTermCount))
                for flags, name in enumerate(FLAG_COLUMNS) if getattr(row, name)}
        db.session.execute(text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_instances USING fts5vocab(main, 'search_fts', 'instance')"))
        recounted = {(term, key, flags): n for term, key, flags, n in db.session.execute(text(
            f"SELECT term, doc & {FACET_MASK}, (doc >> {FACET_BITS}) & 3, count(DISTINCT doc) FROM temp.fts_instances "
            f"GROUP BY 1, 2, 3"))}
        assert held == recounted
        assert all(any(getattr(row, name) for name in FLAG_COLUMNS)  # a row with nothing left is deleted
                   for row in db.session.scalars(select(SearchTermCount)))


@pytest.fixture
def answered_from_counts(monkeypatch):
    """How many one-word searches the counts answered (the rest counted their matches)."""
    answered = Counter()
    counted_facets = SqlBackend._counted_facets

    def spy(plan, query, wanted):
        tally = counted_facets(plan, query, wanted)
        answered[tally is not None] += 1
        return tally

    monkeypatch.setattr(SqlBackend, "_counted_facets", staticmethod(spy))
    return answered


def test_counts_equal_the_matches_through_every_kind_of_change(catalogue, answered_from_counts):
    sentras, products = catalogue
    _check(sentras)

    variant = db.session.scalars(select(Variant).where(Variant.product_id == products[1].id)).first()
    set_stock(variant.id, 0 if variant.stock else 4)  # in stock <-> sold out: the rowid's flag moves
    db.session.flush()
    _check(sentras)

    products[2].title = "Tas Anyaman Baru"  # its words change
    products[3].status = "draft"  # it leaves the index
    db.session.flush()
    _check(sentras)

    sentras[1].name = "Sentra Tas Tulis"  # every product of the sentra is rewritten
    make_product(sentras[2], title="Keripik Kripik Pedas",
                 variants=[{"sku": "NEW-1", "price_idr": 9_000, "stock": 2}])
    db.session.flush()
    _check(sentras)

    db.session.delete(db.session.get(Product, products[4].id))
    db.session.flush()
    _check(sentras)

    rebuild_sql_index()
    _check(sentras)
    if db.engine.dialect.name == "sqlite":
        # "keripik" and "kripik" are both indexed, so their counts do not add up and its matches were
        # counted; every search for "tas" or "batik" was answered from the counts.
        assert answered_from_counts[True] == 6 * 22 and answered_from_counts[False] == 6 * 11


def test_a_word_nothing_holds_finds_nothing_and_counts_nothing(catalogue):
    result = search_api.search(SearchQuery(text="gerabah"))
    assert result.total == 0 and not result.hits
    assert all(not values for values in result.facets.values())


@pytest.mark.sqlite_only  # search_term_count answers the SQLite (FTS5) searches only
def test_the_counts_answer_every_filter_as_counting_the_matches_does(catalogue, answered_from_counts, monkeypatch):
    sentras, _ = catalogue
    db.session.add(SearchSynonym(words="tas, bag"))  # "bag" is not indexed: "tas" alone is counted
    queries = [query for query, _ in _queries(sentras) if query.text != "keripik"]
    queries += [SearchQuery(text="tas", subsector=("nope",), sentra=(sentras[0].slug,)),
                SearchQuery(text="tas", kelurahan=(PLACES[0],), kecamatan=(PLACES[2][:8],), in_stock=True)]
    from_counts = [search_api.search(query) for query in queries]
    assert answered_from_counts[True] == len(queries) and not answered_from_counts[False]
    monkeypatch.setattr(SqlBackend, "_counted_facets", staticmethod(lambda plan, query, wanted: None))
    assert [search_api.search(query) for query in queries] == from_counts


@pytest.mark.sqlite_only
def test_without_a_facet_filter_the_counts_read_no_facet_key_and_equal_the_matches(catalogue):
    """The usual search (no subsector, place or sentra chosen) sums each facet's counts without
    reading which keys the filters let in: there is nothing to narrow the page to."""
    no_filter = {name: set() for name in ("subsector", "kecamatan", "kelurahan", "sentra")}
    for word in ("tas", "batik", "anyaman"):
        for flags in ({}, {"in_stock": True}, {"made_to_order": True}, {"in_stock": True, "made_to_order": False}):
            query = SearchQuery(text=word, **flags)
            counts, total, allowed = SqlBackend._counted_facets(plan_words(word)[0], query, no_filter)
            assert allowed == []
            assert (total, counts) == _expected(query, {word}), query
