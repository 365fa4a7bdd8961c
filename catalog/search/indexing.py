"""Keeps the sql index in step with the catalog, inside the same transaction as the change.

Session events collect the products touched by a flush (products, variants, tiers,
photos, stock movements, sentras) and rewrite their ``search_document`` rows right
after that flush, through the same connection: a commit carries the product change
and its index row together, a rollback drops both. Code that writes with Core
statements (the CSV import) calls ``reindex_products`` itself.

``on_documents_changed`` callbacks hear every product id whose document was rewritten
or removed (the Meilisearch outbox listens here).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import delete, event, func, select, text
from sqlalchemy.orm import Session

from catalog import stock
from catalog.products.models import PriceTier, Product, ProductImage, StockMovement, Variant
from catalog.search.documents import build_documents, iter_document_batches, product_ids_of_sentras
from catalog.search.models import (
    FACET_BITS,
    FACET_MASK,
    FLAG_COLUMNS,
    IN_STOCK_BIT,
    MADE_TO_ORDER_BIT,
    PRODUCT_SHIFT,
    SearchDocument,
    SearchFacetKey,
    SearchTerm,
    SearchTermCount,
)
from catalog.search.text import padded, words
from shop.extensions import db
from shop.sentras.models import Sentra

on_documents_changed: list[Callable[[list[int]], None]] = []

_PRODUCTS = "search_reindex_products"
_VARIANTS = "search_reindex_variants"
_SENTRAS = "search_reindex_sentras"
_BUSY = "search_reindexing"
BATCH = 500


def document_terms(doc: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The title's words and every other searchable word of a document (places with their aliases)."""
    title = words(doc["title"])
    body: list[str] = []
    for name in ("description", "subsector_name", "category", "sentra_name",
                 "kelurahan_name", "kelurahan_alias", "kecamatan_name", "kecamatan_alias"):
        body.extend(words(doc.get(name)))
    for name in ("kelurahan_alias", "kecamatan_alias", "kelurahan_name", "kecamatan_name"):
        closed = "".join(words(doc.get(name)))
        if closed:
            body.append(closed)  # "Pondok Gede" is also "pondokgede"
    return title, body


def _row(doc: dict[str, Any]) -> dict[str, Any]:
    title, body = document_terms(doc)
    return {
        "product_id": doc["id"], "title": doc["title"], "slug": doc["slug"], "subsector": doc["subsector"],
        "category": doc["category"], "sentra": doc["sentra"], "sentra_name": doc["sentra_name"],
        "kelurahan": doc["kelurahan"], "kelurahan_name": doc["kelurahan_name"],
        "kecamatan": doc["kecamatan"], "kecamatan_name": doc["kecamatan_name"],
        "price_min_idr": doc["price_min_idr"], "price_max_idr": doc["price_max_idr"],
        "in_stock": doc["in_stock"], "made_to_order": doc["made_to_order"], "created_at": doc["created_at"],
        "rating": doc["rating"], "thumb_key": doc["thumb_key"],
        "title_terms": padded(title), "body_terms": padded(body),
    }


def _insert(session: Session):
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _set_fts_rowids(session: Session, rows: list[dict[str, Any]]) -> None:
    """Give each row its FTS rowid: the product id with its flags and the id of its facet values' combination."""
    def combo(row: dict[str, Any]) -> tuple[str, str, str, str]:
        return (row["subsector"], row["kecamatan"], row["kelurahan"], row["sentra"])
    wanted = {combo(row) for row in rows}
    table = SearchFacetKey.__table__
    known = {(r.subsector, r.kecamatan, r.kelurahan, r.sentra): r.id for r in session.execute(
        select(table).where(SearchFacetKey.sentra.in_(sorted({c[3] for c in wanted}))))}
    missing = sorted(wanted - set(known))
    if missing:
        session.execute(_insert(session)(SearchFacetKey).on_conflict_do_nothing(), [
            {"subsector": a, "kecamatan": b, "kelurahan": c, "sentra": d} for a, b, c, d in missing])
        known.update({(r.subsector, r.kecamatan, r.kelurahan, r.sentra): r.id for r in session.execute(
            select(table).where(SearchFacetKey.sentra.in_(sorted({c[3] for c in missing}))))})
    for row in rows:
        flags = (IN_STOCK_BIT if row["in_stock"] else 0) | (MADE_TO_ORDER_BIT if row["made_to_order"] else 0)
        row["fts_rowid"] = (row["product_id"] << PRODUCT_SHIFT) | flags | known[combo(row)]


def _add_terms(session: Session, rows: list[dict[str, Any]]) -> None:
    terms = set()
    for row in rows:
        terms.update(row["title_terms"].split())
        terms.update(row["body_terms"].split())
    terms = sorted(t for t in terms if len(t) <= 80 and not t.isdigit())  # numbers get no typo help
    known: set[str] = set()
    for start in range(0, len(terms), BATCH):
        chunk = terms[start:start + BATCH]
        known.update(session.scalars(select(SearchTerm.term).where(SearchTerm.term.in_(chunk))))
    new = [{"term": t} for t in terms if t not in known]
    if not new:
        return
    insert = _insert(session)
    for start in range(0, len(new), BATCH):  # sorted: two writers never wait on each other in a cycle
        session.execute(insert(SearchTerm).on_conflict_do_nothing(), new[start:start + BATCH])


def _term_keys(rowid: int, title_terms: str, body_terms: str) -> Iterable[tuple[str, int, int]]:
    """The (word, facet key, flags) each word of one document counts once in ``search_term_count``."""
    key, flags = rowid & FACET_MASK, (rowid >> FACET_BITS) & 3
    return ((term, key, flags) for term in {*title_terms.split(), *body_terms.split()})


def _indexed(session: Session, ids: list[int]) -> list[Any]:
    """The FTS rowid and words of these products' documents as indexed now (before they are rewritten)."""
    found: list[Any] = []
    for start in range(0, len(ids), BATCH):
        found.extend(session.execute(
            select(SearchDocument.fts_rowid, SearchDocument.title_terms, SearchDocument.body_terms)
            .where(SearchDocument.product_id.in_(ids[start:start + BATCH]))))
    return found


def _term_delta(removed: Iterable[Any], added: Iterable[dict[str, Any]],
                delta: Counter[tuple[str, int, int]] | None = None) -> Counter[tuple[str, int, int]]:
    """What the documents removed and added change in ``search_term_count`` (added to ``delta``)."""
    delta = Counter() if delta is None else delta
    for old in removed:
        delta.subtract(_term_keys(*old))
    for row in added:
        delta.update(_term_keys(row["fts_rowid"], row["title_terms"], row["body_terms"]))
    return delta


def _count_terms(session: Session, delta: Counter[tuple[str, int, int]]) -> None:
    """Move ``search_term_count`` by ``delta`` (SQLite, in the transaction that rewrote the documents)."""
    rows: dict[tuple[str, int], dict[str, Any]] = {}
    for (term, key, flags), n in sorted(delta.items()):
        if n:
            row = rows.setdefault((term, key), {"term": term, "facet_key": key, **dict.fromkeys(FLAG_COLUMNS, 0)})
            row[FLAG_COLUMNS[flags]] = n
    if not rows:
        return
    upsert = _insert(session)(SearchTermCount)
    upsert = upsert.on_conflict_do_update(
        index_elements=[SearchTermCount.term, SearchTermCount.facet_key],
        set_={name: getattr(SearchTermCount, name) + getattr(upsert.excluded, name) for name in FLAG_COLUMNS},
    )
    session.execute(upsert, list(rows.values()))
    emptied = [{"t": term, "k": key} for (term, key), row in rows.items() if any(row[n] < 0 for n in FLAG_COLUMNS)]
    if emptied:
        nothing_left = " AND ".join(f"{name} <= 0" for name in FLAG_COLUMNS)
        session.execute(text(f"DELETE FROM search_term_count WHERE term = :t AND facet_key = :k AND {nothing_left}"),
                        emptied)


@stock.products_emptied.connect
def _reindex_emptied(_sender: Any, *, product_ids: Iterable[int]) -> None:
    """A checkout took the last unit of a variant: these products are no longer in stock."""
    reindex_products(product_ids)


def reindex_products(product_ids: Iterable[int], session: Session | None = None) -> None:
    """Rewrite the index rows of these products now (remove those no longer public). Never commits."""
    session = session or db.session
    ids = sorted(set(product_ids))
    if not ids:
        return
    session.info[_BUSY] = True
    try:
        counted = session.get_bind().dialect.name == "sqlite"  # search_term_count serves the FTS5 path only
        removed = _indexed(session, ids) if counted else []
        rows = [_row(doc) for doc in build_documents(ids)]
        for start in range(0, len(ids), BATCH):
            session.execute(delete(SearchDocument).where(SearchDocument.product_id.in_(ids[start:start + BATCH])))
        if rows:
            _add_terms(session, rows)
            _set_fts_rowids(session, rows)
            session.execute(SearchDocument.__table__.insert(), rows)
        if counted:
            _count_terms(session, _term_delta(removed, rows))
    finally:
        session.info.pop(_BUSY, None)
    for callback in on_documents_changed:
        callback(ids)


def mark_for_reindex(session: Session, product_ids: Iterable[int]) -> None:
    """Reindex these products at the next flush (or now, with ``reindex_products``)."""
    session.info.setdefault(_PRODUCTS, set()).update(product_ids)


def rebuild_sql_index(progress: Callable[[int, int], None] | None = None) -> int:
    """Empty the sql index and rebuild it from the database in batches. Returns the number of documents.

    ``progress(done, total)`` is called after each batch. Flushes, never commits.
    """
    session = db.session
    session.execute(delete(SearchDocument))
    session.execute(delete(SearchTermCount))
    counted = session.get_bind().dialect.name == "sqlite"
    counts: Counter[tuple[str, int, int]] = Counter()  # written once at the end: a row per word and facet key
    total = session.scalar(select(func.count()).select_from(Product)) or 0
    done = 0
    session.info[_BUSY] = True
    try:
        for docs in iter_document_batches(BATCH):
            rows = [_row(doc) for doc in docs]
            if rows:
                _add_terms(session, rows)
                _set_fts_rowids(session, rows)
                session.execute(SearchDocument.__table__.insert(), rows)
                if counted:
                    _term_delta((), rows, counts)
            done += len(rows)
            if progress:
                progress(done, total)
    finally:
        session.info.pop(_BUSY, None)
    if counted:
        _count_terms(session, counts)
        session.execute(text("INSERT INTO search_fts(search_fts) VALUES ('optimize')"))  # one b-tree per term
    session.execute(text("ANALYZE search_document"))  # the planner's statistics for the new rows
    return done


def _collect(session: Session, flush_context: Any, instances: Any) -> None:
    if session.info.get(_BUSY):
        return
    products = session.info.setdefault(_PRODUCTS, set())
    variants = session.info.setdefault(_VARIANTS, set())
    sentras = session.info.setdefault(_SENTRAS, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Product):
            if obj.id is not None:
                products.add(obj.id)
            else:
                session.info.setdefault("search_new_products", []).append(obj)
        elif isinstance(obj, Variant | ProductImage):
            if obj.product_id is not None:
                products.add(obj.product_id)
            elif obj.product is not None:
                session.info.setdefault("search_new_products", []).append(obj.product)
        elif isinstance(obj, PriceTier):
            if obj.variant_id is not None:
                variants.add(obj.variant_id)
            elif obj.variant is not None and obj.variant.product is not None:
                session.info.setdefault("search_new_products", []).append(obj.variant.product)
        elif isinstance(obj, StockMovement):
            # Only "in stock" is indexed: a movement matters when the variant's stock leaves or reaches 0.
            if obj.stock_after == 0 or obj.stock_after - obj.delta == 0:
                variants.add(obj.variant_id)
        elif isinstance(obj, Sentra) and obj.id is not None and obj in session.dirty:
            sentras.add(obj.id)


def _apply(session: Session, flush_context: Any) -> None:
    if session.info.get(_BUSY):
        return
    products = session.info.pop(_PRODUCTS, set())
    variants = session.info.pop(_VARIANTS, set())
    sentras = session.info.pop(_SENTRAS, set())
    for obj in session.info.pop("search_new_products", []):
        if obj.id is not None:
            products.add(obj.id)
    if variants:
        ids = sorted(variants)
        for start in range(0, len(ids), BATCH):
            products.update(session.scalars(
                select(Variant.product_id).where(Variant.id.in_(ids[start:start + BATCH]))))
    if sentras:
        products.update(product_ids_of_sentras(sentras))
    if products:
        reindex_products(products, session)


event.listen(Session, "before_flush", _collect)
event.listen(Session, "after_flush_postexec", _apply)
