"""The ``sql`` backend: SQLite FTS5 or PostgreSQL full-text search over ``search_document``.

A query is planned in Python first: each word gets its alternatives (itself, as a
prefix too when it is the last word; its near words from the vocabulary; their
synonyms). The database then finds candidates with one full-text match (every word
must match; when no product has them all, products matching the most words), and
ranks in-stock products first, then by how many words matched in the title, then newest
first (by product id).
Every term reaches the database as a quoted string in a bound parameter: user text
never becomes syntax.

On SQLite a text search by relevance, filtered at most by subsector, kecamatan,
kelurahan, sentra, in stock or made to order (the usual search), never reads
``search_document`` but for the page's rows: the FTS5 rowid carries the product id and
its facet values and flags (see ``SearchDocument.fts_rowid``), so FTS5 alone counts the
facets and pages through the relevance tiers. Other searches (price filters, other
sorts, no text, PostgreSQL) filter and sort ``search_document`` itself.
"""
from __future__ import annotations

import dataclasses
import json
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from sqlalchemy import text

from catalog.search.models import (
    FACET_MASK,
    FLAG_COLUMNS,
    IN_STOCK_BIT,
    MADE_TO_ORDER_BIT,
    PRODUCT_SHIFT,
)
from catalog.search.synonyms import synonym_groups, synonyms_of
from catalog.search.text import query_words
from catalog.search.types import (
    FACETS,
    MAX_PER_PAGE,
    FacetValue,
    Hit,
    SearchQuery,
    SearchResult,
    Sort,
)
from catalog.search.vocabulary import vocabulary
from shop.database import prebuilt_rows, request_connection
from shop.extensions import db

MIN_PREFIX = 2
MAX_TIER_WORDS = 3  # up to this many words, relevance tiers are FTS5 expressions (2**n of them)
HIT_COLUMNS = (
    "d.product_id, d.title, d.slug, d.sentra, d.sentra_name, d.kelurahan, d.kelurahan_name, d.kecamatan, "
    "d.kecamatan_name, d.subsector, d.price_min_idr, d.price_max_idr, d.in_stock, d.made_to_order, d.thumb_key"
)
FACET_COLUMNS = {"subsector": "d.subsector", "kecamatan": "d.kecamatan", "sentra": "d.sentra"}


@dataclass
class Alternative:
    phrase: str  # one word or several ("t shirt")
    prefix: bool = False


@dataclass
class WordPlan:
    word: str
    alternatives: list[Alternative] = field(default_factory=list)
    correction: str | None = None


def plan_words(raw: str) -> list[WordPlan]:
    """Each query word with what it may match, and its correction when it looked misspelt."""
    found = query_words(raw)
    if not found:
        return []
    vocab = vocabulary()
    groups = synonym_groups()
    plans = []
    for i, word in enumerate(found):
        last = i == len(found) - 1
        prefix = last and len(word) >= MIN_PREFIX
        # The vocabulary holds every indexed word (words are never removed from it): when no longer
        # word starts with this one, its prefix matches only itself, and an exact term spares FTS5
        # merging every prefix match's doclist (the whole match) in each statement, even a LIMIT 20.
        alternatives = [Alternative(word, prefix and vocab.extends(word))]
        near = [term for _, term in vocab.near(word)]
        alternatives.extend(Alternative(term) for term in near)
        seen = {word, *near}
        for source in (word, *near):
            for synonym in synonyms_of(source, groups):
                if synonym not in seen:
                    seen.add(synonym)
                    alternatives.append(Alternative(synonym))
        known = word in vocab or (prefix and vocab.has_prefix(word))
        correction = near[0] if near and not known else None
        plans.append(WordPlan(word, alternatives, correction))
    return plans


class _Sql:
    """SQL text and bound parameters for one query, per dialect."""

    def __init__(self, dialect: str) -> None:
        self.postgres = dialect == "postgresql"
        self.params: dict[str, Any] = {}
        self._n = 0

    def bind(self, value: Any) -> str:
        self._n += 1
        name = f"p{self._n}"
        self.params[name] = value
        return f":{name}"

    def contains(self, column: str, needle: str) -> str:
        fn = "strpos" if self.postgres else "instr"
        return f"{fn}({column}, {self.bind(needle)}) > 0"

    def alternative_test(self, column: str, alt: Alternative) -> str:
        return self.contains(column, f" {alt.phrase}" + ("" if alt.prefix else " "))

    def word_test(self, column: str, plan: WordPlan) -> str:
        return "(" + " OR ".join(self.alternative_test(column, a) for a in plan.alternatives) + ")"

    def match_expression(self, plans: list[WordPlan], all_words: bool) -> str:
        if self.postgres:
            def term(alt: Alternative) -> str:
                parts = [f"'{w}'" for w in alt.phrase.split()]
                if alt.prefix:
                    parts[-1] += ":*"
                return "(" + " <-> ".join(parts) + ")"
            joiner = " & " if all_words else " | "
            return joiner.join("(" + " | ".join(term(a) for a in p.alternatives) + ")" for p in plans)

        def fts_term(alt: Alternative) -> str:
            return f'"{alt.phrase}"' + ("*" if alt.prefix else "")
        joiner = " AND " if all_words else " OR "
        return joiner.join("(" + " OR ".join(fts_term(a) for a in p.alternatives) + ")" for p in plans)

    @staticmethod
    def fts_word(plan: WordPlan, column: str | None = None) -> str:
        """An FTS5 expression for one word's alternatives, optionally in one column only."""
        terms = " OR ".join(f'"{a.phrase}"' + ("*" if a.prefix else "") for a in plan.alternatives)
        return f"{column} : ({terms})" if column else f"({terms})"

    def text_condition(self, match: str) -> str:
        if self.postgres:
            return ("to_tsvector('simple', d.title_terms || ' ' || d.body_terms) @@ "
                    f"to_tsquery('simple', {self.bind(match)})")
        return f"d.fts_rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH {self.bind(match)})"


def _words_matched(sql: _Sql, plans: list[WordPlan]) -> str:
    return " + ".join(
        f"(CASE WHEN {sql.word_test('d.title_terms', p)} OR {sql.word_test('d.body_terms', p)} THEN 1 ELSE 0 END)"
        for p in plans
    )


def _title_score(sql: _Sql, plans: list[WordPlan]) -> str:
    return " + ".join(f"(CASE WHEN {sql.word_test('d.title_terms', p)} THEN 1 ELSE 0 END)" for p in plans)


def _filter_conditions(sql: _Sql, query: SearchQuery) -> dict[str, list[str]]:
    """The active filters' SQL, by filter name (facets leave out their own)."""
    out: dict[str, list[str]] = {}
    for name in ("subsector", "kecamatan", "kelurahan", "sentra"):
        values = [str(v) for v in getattr(query, name) if str(v)]
        if values:
            out[name] = [f"d.{name} IN (" + ", ".join(sql.bind(v) for v in values) + ")"]
    if query.min_price is not None:
        out.setdefault("price", []).append(f"d.price_min_idr >= {sql.bind(int(query.min_price))}")
    if query.max_price is not None:
        out.setdefault("price", []).append(f"d.price_min_idr <= {sql.bind(int(query.max_price))}")
    if query.in_stock:
        out["in_stock"] = [f"d.in_stock = {sql.bind(True)}"]
    if query.made_to_order is not None:
        out["made_to_order"] = [f"d.made_to_order = {sql.bind(bool(query.made_to_order))}"]
    return out


def _where(conditions: list[str]) -> str:
    return " WHERE " + " AND ".join(conditions) if conditions else ""


def _locale() -> str:
    try:
        from flask_babel import get_locale
        locale = get_locale()
        return locale.language if locale else "id"
    except Exception:  # outside a request
        return "id"


def _order(sort: Sort, score: str | None, in_stock_only: bool = False) -> str:
    if sort == Sort.PRICE_ASC:
        return "d.price_min_idr ASC, d.product_id ASC"
    if sort == Sort.PRICE_DESC:
        return "d.price_min_idr DESC, d.product_id ASC"
    if sort == Sort.NEWEST:
        return "d.created_at DESC, d.product_id DESC"
    if sort == Sort.RATING:
        return "d.rating DESC, d.created_at DESC, d.product_id DESC"
    # The default order: in stock first (made to order counts as in stock), then by relevance;
    # with the in-stock filter every row is in stock, and the index's own order serves.
    first = "" if in_stock_only else "d.in_stock DESC, "
    if score:  # then newest first by id (ids only grow), as the FTS5 rowid orders them
        return f"{first}({score}) DESC, d.product_id DESC"
    return f"{first}d.created_at DESC, d.product_id DESC"


def _tiers(base: str, titles: list[str]) -> list[str]:
    """FTS5 expressions splitting ``base`` by how many words match in the title, most first."""
    tiers = []
    everything = range(len(titles))
    for size in range(len(titles), -1, -1):
        parts = []
        for inside in combinations(everything, size):
            outside = [titles[i] for i in everything if i not in inside]
            expression = "(" + " AND ".join([f"({base})", *(titles[i] for i in inside)]) + ")"
            if outside:
                expression = f"({expression} NOT ({' OR '.join(outside)}))"
            parts.append(expression)
        tiers.append(" OR ".join(parts))
    return tiers


def _subsector_labels() -> dict[str, str]:
    """Subsector names by code, in the current language (the Meilisearch backend's facet labels too)."""
    from shop.places.models import Subsector
    column = Subsector.name_en if _locale() == "en" else Subsector.name_id  # as Subsector.name_for
    return dict(db.session.execute(db.select(Subsector.code, column)).all())


def _labels_statement(subsector_name: str) -> Any:
    return text(
        f"SELECT 'subsector', code, {subsector_name} FROM subsector "
        "UNION ALL SELECT 'kecamatan', code, name FROM kecamatan "
        "UNION ALL SELECT 'sentra', slug, name FROM sentra"
    )


def _json_labels_statement(subsector_name: str) -> Any:
    """SQLite: the same labels as one row of three JSON objects (value -> label), decoded in C, where a row
    per label through the result layer cost twice as much as the read."""
    return text(
        f"SELECT (SELECT json_group_object(code, {subsector_name}) FROM subsector), "
        "(SELECT json_group_object(code, name) FROM kecamatan), (SELECT json_group_object(slug, name) FROM sentra)"
    )


_LABELS_ID = _labels_statement("name_id")
_LABELS_EN = _labels_statement("name_en")
_JSON_LABELS_ID = _json_labels_statement("name_id")
_JSON_LABELS_EN = _json_labels_statement("name_en")


def _read(statement: Any, params: dict[str, Any] | None = None) -> Any:
    """Run a read on the session's connection (its transaction: flushed changes count), without the
    ORM session's per-statement work; a search runs up to a dozen."""
    return request_connection().execute(statement, params or {})


def _facet_values(counts: dict[str, dict[str, int]]) -> dict[str, list[FacetValue]]:
    """Facet values with their labels (subsector names in the current language, place and sentra names)."""
    # One small read, prebuilt: every label there is (subsector names as Subsector.name_for gives them).
    english = _locale() == "en"
    if request_connection().dialect.name == "sqlite":
        objects = prebuilt_rows(_JSON_LABELS_EN if english else _JSON_LABELS_ID)[0]
        labels = {name: json.loads(found) if found else {} for name, found in zip(FACETS, objects, strict=True)}
    else:
        labels = {name: {} for name in FACETS}
        for facet, value, label in prebuilt_rows(_LABELS_EN if english else _LABELS_ID):
            labels[facet][value] = label
    facets = {}
    for name in FACETS:
        values = [FacetValue(value=value, label=labels[name].get(value) or value, count=n)
                  for value, n in counts[name].items() if value]
        facets[name] = sorted(values, key=lambda f: (-f.count, f.label.lower(), f.value))
    return facets


Tally = tuple[dict[str, dict[str, int]], int, list[int]]  # facet counts, total, the facet keys the filters let in


def _tally_keys(keys: list[tuple[int, tuple, int]], wanted: dict[str, set[str]]) -> Tally:
    """Disjunctive facet counts, the total and the allowed facet keys from the matches' facet keys.

    A key's values are (subsector, kecamatan, kelurahan, sentra); each facet applies every active
    filter but its own. Once per facet key, up to a few hundred times a search.
    """
    counts_by: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    allowed: list[int] = []
    total = 0
    at = {"subsector": 0, "kecamatan": 1, "sentra": 3}
    counters = [(at[name], counts_by[name]) for name in FACETS]
    filters = [(name, at[name], wanted[name]) for name in FACETS if wanted[name]]
    in_kelurahan = wanted["kelurahan"]
    for key, values, n in keys:
        if in_kelurahan and values[2] not in in_kelurahan:
            continue
        missed = [(i, counts_by[name]) for name, i, allowed_values in filters if values[i] not in allowed_values]
        if not missed:
            allowed.append(key)
            total += n
            for i, counts in counters:
                counts[values[i]] = counts.get(values[i], 0) + n
        elif len(missed) == 1:
            (i, counts), = missed
            counts[values[i]] = counts.get(values[i], 0) + n
    return counts_by, total, allowed


def _rows_of(product_ids: list[int]) -> list[Any]:
    """The hit columns of these documents, in this order."""
    if not product_ids:
        return []
    found = {row[0]: row for row in _read(text(
        f"SELECT {HIT_COLUMNS} FROM search_document d WHERE d.product_id IN "
        f"({', '.join(str(int(i)) for i in product_ids)})"
    ))}
    return [found[i] for i in product_ids if i in found]


def _hit(row: Any) -> Hit:
    return Hit(
        product_id=row[0], title=row[1], slug=row[2], sentra_slug=row[3], sentra_name=row[4],
        kelurahan_code=row[5], kelurahan_name=row[6], kecamatan_code=row[7], kecamatan_name=row[8],
        subsector_code=row[9], price_min_idr=int(row[10]), price_max_idr=int(row[11]), in_stock=bool(row[12]),
        made_to_order=bool(row[13]), thumb_key=row[14],
    )


class SqlBackend:
    """Search over the ``search_document`` table of the application's database."""

    name = "sql"

    def search(self, query: SearchQuery) -> SearchResult:
        page = max(1, int(query.page or 1))
        per_page = min(max(1, int(query.per_page or 20)), MAX_PER_PAGE)
        sql = _Sql(db.engine.dialect.name)
        session = db.session
        session.flush()  # this transaction's pending changes (and their index rows) count
        plans = plan_words(query.text)
        suggestion = None
        if any(p.correction for p in plans):
            suggestion = " ".join(p.correction or p.word for p in plans)
        if (plans and not sql.postgres and query.sort == Sort.RELEVANCE and query.min_price is None
                and query.max_price is None):
            return self._search_fts_only(query, plans, suggestion, page, per_page)

        text_conditions: list[str] = []
        score = None
        if plans:
            every = sql.match_expression(plans, all_words=True)
            probe = _Sql(db.engine.dialect.name)
            exists = len(plans) == 1 or session.execute(
                text(f"SELECT 1 FROM search_document d WHERE {probe.text_condition(every)} LIMIT 1"), probe.params
            ).first()
            if exists:
                text_conditions.append(sql.text_condition(every))
            else:
                some = sql.match_expression(plans, all_words=False)
                counter = _Sql(db.engine.dialect.name)
                best = session.execute(text(
                    f"SELECT max({_words_matched(counter, plans)}) FROM search_document d "
                    f"WHERE {counter.text_condition(some)}"
                ), counter.params).scalar()
                if not best:
                    return SearchResult(hits=[], total=0, page=page, per_page=per_page,
                                        facets={name: [] for name in FACETS}, suggestion=suggestion,
                                        backend=self.name)
                text_conditions.append(sql.text_condition(some))
                text_conditions.append(f"({_words_matched(sql, plans)}) >= {sql.bind(int(best))}")
            score = _title_score(sql, plans)

        filters = _filter_conditions(sql, query)
        every_filter = [c for conditions in filters.values() for c in conditions]
        where_all = _where(text_conditions + every_filter)

        if score is None:  # no text: the page's ids from the covering index, then their rows
            page_ids = session.scalars(text(
                f"SELECT d.product_id FROM search_document d{where_all} ORDER BY {_order(query.sort, score, query.in_stock)} "
                f"LIMIT {per_page} OFFSET {(page - 1) * per_page}"
            ), sql.params).all()
            rows = _rows_of(page_ids)
        else:
            rows = session.execute(text(
                f"SELECT {HIT_COLUMNS} FROM search_document d{where_all} ORDER BY {_order(query.sort, score, query.in_stock)} "
                f"LIMIT {per_page} OFFSET {(page - 1) * per_page}"
            ), sql.params).all()

        facets, total = self._facets(sql, text_conditions, filters, where_all)
        return SearchResult(hits=[_hit(r) for r in rows], total=total, page=page, per_page=per_page,
                            facets=facets, suggestion=suggestion, backend=self.name)

    def _search_fts_only(self, query: SearchQuery, plans: list[WordPlan], suggestion: str | None,
                         page: int, per_page: int) -> SearchResult:
        """A text search by relevance on SQLite, filtered by places, sentras, subsectors or flags, from FTS5 alone.

        The FTS5 rowid carries the product id, its flags (in stock, made to order) and its facet
        values' combination (``search_facet_key``), so the facet counts are one pass over
        the matching rowids, and the page is read tier by tier (products with every word in the title
        first) in FTS5's own rowid order, newest first. Only the page's rows are read in full.
        """
        sql = _Sql("sqlite")
        empty = SearchResult(hits=[], total=0, page=page, per_page=per_page,
                             facets={name: [] for name in FACETS}, suggestion=suggestion, backend=self.name)
        words = [sql.fts_word(p) for p in plans]
        titles = [sql.fts_word(p, "title_terms") for p in plans]
        base: str | None = " AND ".join(words)  # an FTS5 expression for the matching products
        source = None  # or, for long queries without a product matching them all, a subquery
        if len(plans) > 1 and not self._any(base):
            base = None
            if len(plans) <= MAX_TIER_WORDS:  # products matching the most words: any `best` of them
                for best in range(len(plans) - 1, 0, -1):
                    some = " OR ".join("(" + " AND ".join(c) + ")" for c in combinations(words, best))
                    if self._any(some):
                        base = some
                        break
                if base is None:
                    return empty
            else:
                counts = " + ".join(
                    f"(rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH {sql.bind(w)}))" for w in words
                )
                matched = (f"SELECT rowid AS r, {counts} AS n FROM search_fts "
                           f"WHERE search_fts MATCH {sql.bind(' OR '.join(words))}")
                best = _read(text(f"SELECT max(n) FROM ({matched})"), sql.params).scalar()
                if not best:
                    return empty
                source = f"SELECT r FROM ({matched}) WHERE n >= {sql.bind(int(best))}"
        if source is None:
            source = f"SELECT rowid AS r FROM search_fts WHERE search_fts MATCH {sql.bind(base)}"

        wanted = {name: {str(v) for v in getattr(query, name) if str(v)}
                  for name in ("subsector", "kecamatan", "kelurahan", "sentra")}
        flags = []  # not facets: they narrow every count, read from the rowid's flag bits
        if query.in_stock:
            flags.append(f"(rowid & {IN_STOCK_BIT}) != 0")
        if query.made_to_order is not None:
            flags.append(f"(rowid & {MADE_TO_ORDER_BIT}) {'!=' if query.made_to_order else '='} 0")
        flagged = _where([flag.replace("rowid", "r") for flag in flags])
        tally = self._counted_facets(plans[0], query, wanted) if len(plans) == 1 else None
        if tally is None:
            tally = _tally_keys(self._facet_keys(source, flagged, sql.params), wanted)
        counts_by, total, allowed = tally
        facets = _facet_values(counts_by)
        if not total:
            return dataclasses.replace(empty, facets=facets)
        narrowed = " AND (rowid & {}) IN ({})".format(FACET_MASK, ", ".join(str(int(k)) for k in allowed)) \
            if any(wanted.values()) else ""
        narrowed += "".join(f" AND {flag}" for flag in flags)
        offset, limit = (page - 1) * per_page, per_page
        rowids: list[int] = []
        if base is not None and len(plans) <= MAX_TIER_WORDS:
            # In stock first (the default order), then tier by tier: a page the in-stock products
            # fill never reads the sold-out ones.
            stock_passes = [""] if query.in_stock else [f" AND (rowid & {IN_STOCK_BIT}) != 0",
                                                        f" AND (rowid & {IN_STOCK_BIT}) = 0"]
            tiers = [(tier, stock) for stock in stock_passes for tier in _tiers(base, titles)]
            for tier, stock in tiers:
                if offset:
                    skipped = _read(text(
                        f"SELECT count(*) FROM search_fts WHERE search_fts MATCH :m{narrowed}{stock}"),
                        {"m": tier}).scalar()
                    if offset >= skipped:
                        offset -= skipped
                        continue
                found = _read(text(
                    f"SELECT rowid FROM search_fts WHERE search_fts MATCH :m{narrowed}{stock} "
                    f"ORDER BY rowid DESC LIMIT {limit} OFFSET {offset}"), {"m": tier}).scalars().all()
                rowids.extend(found)
                offset, limit = 0, limit - len(found)
                if not limit:
                    break
        else:
            score = " + ".join(
                f"(r IN (SELECT rowid FROM search_fts WHERE search_fts MATCH {sql.bind(t)}))" for t in titles)
            rowids = _read(text(
                f"SELECT r FROM ({source}) WHERE 1{narrowed.replace('rowid', 'r')} "
                f"ORDER BY (r & {IN_STOCK_BIT}) != 0 DESC, {score} DESC, r DESC "
                f"LIMIT {limit} OFFSET {offset}"), sql.params).scalars().all()
        hits = [_hit(row) for row in _rows_of([int(r) >> PRODUCT_SHIFT for r in rowids])]
        return SearchResult(hits=hits, total=total, page=page, per_page=per_page, facets=facets,
                            suggestion=suggestion, backend=self.name)

    @staticmethod
    def _facet_keys(source: str, flagged: str, params: dict[str, Any]) -> list[tuple[int, tuple, int]]:
        """Each facet key the matching rowids carry, with its facet values and how many carry it.

        One statement, one row of two strings: the matches' keys (a single streaming pass over the
        rowids) and every facet key with its values (a table as small as the sentras' places and
        subsectors, not growing with the catalogue; codes and slugs never hold the control characters
        that separate them). Counted in Python: SQL's GROUP BY sorted every match first, about three
        quarters of the facet read's cost at 9,000 matches.
        """
        found, combos = _read(text(
            f"SELECT group_concat(r & {FACET_MASK}), (SELECT group_concat(id || char(31) || subsector || char(31) || "
            "kecamatan || char(31) || kelurahan || char(31) || sentra, char(30)) FROM search_facet_key) "
            f"FROM ({source}){flagged}"
        ), params).one()
        if not found:
            return []
        values = dict(combo.split("\x1f", 1) for combo in combos.split("\x1e"))
        # A key is written before its documents and never pruned; one missing anyway is left out, as the
        # join this replaced left it out, rather than failing the search.
        return [(int(key), tuple(values[key].split("\x1f")), n) for key, n in Counter(found.split(",")).items()
                if key in values]

    @staticmethod
    def _counted_facets(plan: WordPlan, query: SearchQuery, wanted: dict[str, set[str]]) -> Tally | None:
        """:func:`_tally_keys` of a one-word search, from ``search_term_count``: no pass over the matches.

        The counts are kept per word and facet key, by flags, so this reads a row per facet key,
        however many products match. None when they cannot answer: an alternative that is a prefix
        or a phrase, or more than one alternative indexed (a product may hold both, so their
        counts do not add up); the caller then counts the matches.

        One statement, one row: each column's values over the word's facet keys as one string (a row per
        key through the result layer, or one string of every key's fields joined, cost about as much as the
        counting). SQL applies the kelurahan filter and leaves out the keys two facet filters or more
        exclude (they count nowhere); it says which single facet filter excludes each other key (the only
        facet it counts in). Without a filter every key counts everywhere: the keys themselves are not read.
        """
        if any(alt.prefix or " " in alt.phrase for alt in plan.alternatives):
            return None
        terms = sorted({alt.phrase for alt in plan.alternatives})
        params: dict[str, Any] = {f"t{i}": term for i, term in enumerate(terms)}
        documents = " + ".join(  # the flag columns the query's in-stock and made-to-order filters let in
            name for flags, name in enumerate(FLAG_COLUMNS)
            if (flags & 1 or not query.in_stock) and (query.made_to_order in (None, bool(flags & 2)))
        )
        # Each probe stops at the term's first row: cheaper than counting the distinct terms of every row.
        indexed = " + ".join(
            f"EXISTS (SELECT 1 FROM search_term_count WHERE term = :t{i} AND ({documents}) > 0)"
            for i in range(len(terms))
        ) if len(terms) > 1 else "1"

        def one_of(column: str, values: set[str]) -> str:
            start = len(params)
            params.update({f"v{start + i}": value for i, value in enumerate(sorted(values))})
            return f"({column} IN ({', '.join(f':v{start + i}' for i in range(len(values)))}))"

        conditions = [f"c.term IN ({', '.join(f':t{i}' for i in range(len(terms)))})", f"({documents}) > 0"]
        if wanted["kelurahan"]:
            conditions.append(one_of("k.kelurahan", wanted["kelurahan"]))
        tests = [(at, one_of(f"k.{name}", wanted[name])) for at, name in enumerate(FACETS, 1) if wanted[name]]
        if len(tests) > 1:
            conditions.append("(" + " + ".join(f"(NOT {test})" for _, test in tests) + ") <= 1")
        missed = "CASE " + " ".join(f"WHEN NOT {test} THEN {at}" for at, test in tests) + " ELSE 0 END" \
            if tests else "0"
        filtered = any(wanted.values())
        row = _read(text(
            f"SELECT {indexed}, group_concat({documents}), group_concat(k.subsector, char(31)), "
            "group_concat(k.kecamatan, char(31)), group_concat(k.sentra, char(31))"
            + (f", group_concat(c.facet_key), group_concat({missed})" if filtered else "")
            + " FROM search_term_count c JOIN search_facet_key k ON k.id = c.facet_key WHERE "
            + " AND ".join(conditions)
        ), params).one()
        if row[0] > 1:
            return None
        counts_by: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        if row[1] is None:  # no key left
            return counts_by, 0, []
        counts = list(map(int, row[1].split(",")))
        columns = [row[i].split("\x1f") for i in (2, 3, 4)]
        tallies = list(counts_by.values())
        if not filtered:  # the usual search: every key counts in every facet and the total
            for tally, values in zip(tallies, columns, strict=True):
                for value, n in zip(values, counts, strict=True):
                    tally[value] = tally.get(value, 0) + n
            return counts_by, sum(counts), []
        allowed: list[int] = []
        total = 0
        for key, n, miss, *values in zip(row[5].split(","), counts, row[6].split(","), *columns, strict=True):
            if miss != "0":  # excluded by this facet's own filter only: it counts in that facet alone
                at = int(miss) - 1
                tally, value = tallies[at], values[at]
                tally[value] = tally.get(value, 0) + n
                continue
            allowed.append(int(key))
            total += n
            for tally, value in zip(tallies, values, strict=True):
                tally[value] = tally.get(value, 0) + n
        return counts_by, total, allowed

    @staticmethod
    def _any(match: str) -> bool:
        return _read(text("SELECT 1 FROM search_fts WHERE search_fts MATCH :m LIMIT 1"), {"m": match}).first() \
            is not None

    def _facets(self, sql: _Sql, text_conditions: list[str], filters: dict[str, list[str]],
                where_all: str) -> tuple[dict[str, list[FacetValue]], int]:
        """Disjunctive facet counts: each facet applies every active filter but its own.

        Without text, every scan reads only ``ix_search_document_facets`` (no row).
        """
        session = db.session
        counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        # One grouped scan with every filter answers the facets whose own filter is off.
        grouped = session.execute(text(
            f"SELECT d.subsector, d.kecamatan, d.sentra, count(*) FROM search_document d{where_all} "
            "GROUP BY d.subsector, d.sentra, d.kecamatan"
        ), sql.params).all()
        total = sum(row[3] for row in grouped)
        for *values, n in grouped:
            for name, value in zip(FACETS, values, strict=True):
                if name not in filters:
                    counts[name][value] = counts[name].get(value, 0) + n
        for name in FACETS:
            if name not in filters:
                continue
            others = [c for key, conditions in filters.items() if key != name for c in conditions]
            column = FACET_COLUMNS[name]
            counts[name] = dict(session.execute(text(
                f"SELECT {column}, count(*) FROM search_document d{_where(text_conditions + others)} "
                f"GROUP BY {column}"
            ), sql.params).all())
        return _facet_values(counts), total

    def suggest(self, text_: str, limit: int = 8) -> list[dict[str, Any]]:
        """Products and sentras for the words typed so far (fewer than 10 in all)."""
        limit = max(1, min(int(limit), 9))
        if not query_words(text_):
            return []
        sentras = self._sentras(text_, limit=min(3, limit))
        products = self.search(SearchQuery(text=text_, per_page=limit - len(sentras))).hits
        out: list[dict[str, Any]] = [
            {"type": "product", "id": h.product_id, "title": h.title, "slug": h.slug,
             "sentra": h.sentra_slug, "sentra_name": h.sentra_name, "thumb_key": h.thumb_key}
            for h in products
        ]
        out.extend({"type": "sentra", "slug": slug, "name": name} for slug, name in sentras)
        return out[:limit]

    def _sentras(self, text_: str, limit: int) -> list[tuple[str, str]]:
        from catalog.search.text import words
        from shop.sentras.models import Sentra
        wanted = query_words(text_)
        found = []
        for slug, name in db.session.execute(
            db.select(Sentra.slug, Sentra.name).where(Sentra.status == "active").order_by(Sentra.name)
        ):
            have = words(name)
            if all(any(h == w or (i == len(wanted) - 1 and h.startswith(w)) for h in have)
                   for i, w in enumerate(wanted)):
                found.append((slug, name))
            if len(found) >= limit:
                break
        return found
