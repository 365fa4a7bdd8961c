"""The ``sql`` backend: SQLite FTS5 or PostgreSQL full-text search over ``search_document``.

A query is planned in Python first: each word gets its alternatives (itself, as a
prefix too when it is the last word; its near words from the vocabulary; their
synonyms). The database then finds candidates with one full-text match (every word
must match; when no product has them all, products matching the most words), and
ranks by how many words matched in the title, then newest. Every term reaches the
database as a quoted string in a bound parameter: user text never becomes syntax.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text

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
from shop.extensions import db

MIN_PREFIX = 2
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
        alternatives = [Alternative(word, prefix)]
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

    def text_condition(self, match: str) -> str:
        if self.postgres:
            return ("to_tsvector('simple', d.title_terms || ' ' || d.body_terms) @@ "
                    f"to_tsquery('simple', {self.bind(match)})")
        return f"d.product_id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH {self.bind(match)})"


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


def _subsector_labels() -> dict[str, str]:
    from shop.places.models import Subsector
    locale = _locale()
    return {s.code: s.name_for(locale) for s in db.session.scalars(db.select(Subsector))}


def _order(sort: Sort, score: str | None) -> str:
    if sort == Sort.PRICE_ASC:
        return "d.price_min_idr ASC, d.product_id ASC"
    if sort == Sort.PRICE_DESC:
        return "d.price_min_idr DESC, d.product_id ASC"
    if sort == Sort.NEWEST:
        return "d.created_at DESC, d.product_id DESC"
    if sort == Sort.RATING:
        return "d.rating DESC, d.created_at DESC, d.product_id DESC"
    lead = f"({score}) DESC, " if score else ""
    return lead + "d.created_at DESC, d.product_id DESC"


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

        rows = session.execute(text(
            f"SELECT {HIT_COLUMNS} FROM search_document d{where_all} ORDER BY {_order(query.sort, score)} "
            f"LIMIT {per_page} OFFSET {(page - 1) * per_page}"
        ), sql.params).all()

        facets, total = self._facets(sql, text_conditions, filters, where_all)
        return SearchResult(hits=[_hit(r) for r in rows], total=total, page=page, per_page=per_page,
                            facets=facets, suggestion=suggestion, backend=self.name)

    def _facets(self, sql: _Sql, text_conditions: list[str], filters: dict[str, list[str]],
                where_all: str) -> tuple[dict[str, list[FacetValue]], int]:
        """Disjunctive facet counts: each facet applies every active filter but its own."""
        session = db.session
        counts: dict[str, dict[str, list[Any]]] = {name: {} for name in FACETS}
        # One grouped scan with every filter answers the facets whose own filter is off.
        grouped = session.execute(text(
            "SELECT d.subsector, d.kecamatan, max(d.kecamatan_name), d.sentra, max(d.sentra_name), count(*) "
            f"FROM search_document d{where_all} GROUP BY d.subsector, d.kecamatan, d.sentra"
        ), sql.params).all()
        total = sum(row[5] for row in grouped)
        for subsector, kecamatan, kecamatan_name, sentra, sentra_name, n in grouped:
            for name, value, label in (("subsector", subsector, None), ("kecamatan", kecamatan, kecamatan_name),
                                       ("sentra", sentra, sentra_name)):
                if name in filters:
                    continue
                entry = counts[name].setdefault(value, [label, 0])
                entry[1] += n
        for name in FACETS:
            if name not in filters:
                continue
            others = [c for key, conditions in filters.items() if key != name for c in conditions]
            column = FACET_COLUMNS[name]
            label = {"subsector": "NULL", "kecamatan": "max(d.kecamatan_name)", "sentra": "max(d.sentra_name)"}[name]
            for value, value_label, n in session.execute(text(
                f"SELECT {column}, {label}, count(*) FROM search_document d{_where(text_conditions + others)} "
                f"GROUP BY {column}"
            ), sql.params):
                counts[name][value] = [value_label, n]
        subsector_labels = _subsector_labels()
        facets = {}
        for name in FACETS:
            values = [
                FacetValue(value=value, label=(subsector_labels.get(value, value) if name == "subsector"
                                               else (label or value)), count=n)
                for value, (label, n) in counts[name].items() if value
            ]
            facets[name] = sorted(values, key=lambda f: (-f.count, f.label.lower(), f.value))
        return facets, total

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
