"""The sql backend's index: one row per public product, its vocabulary, and the synonym groups.

On SQLite an FTS5 table (``search_fts``, external content over ``search_document``,
kept by triggers, its rowid ``fts_rowid``) answers the text match; on PostgreSQL a GIN index over
``to_tsvector('simple', title_terms || ' ' || body_terms)`` does. Both are made here
for ``create_all`` and by migration 5ea7c4000001.
"""
from __future__ import annotations

from sqlalchemy import (
    DDL,
    BigInteger,
    Boolean,
    Float,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from shop.extensions import db


class SearchDocument(db.Model):
    """A public product, flattened. ``title_terms``/``body_terms`` are normalised words, space padded."""

    __tablename__ = "search_document"
    __table_args__ = (
        Index("ix_search_document_subsector", "subsector"),
        Index("ix_search_document_kecamatan", "kecamatan"),
        Index("ix_search_document_kelurahan", "kelurahan"),
        Index("ix_search_document_sentra", "sentra"),
        Index("ix_search_document_price", "price_min_idr", "product_id"),
        Index("ix_search_document_created", "created_at", "product_id"),
        # Covers the facet counts of a browse without text (no row is read).
        Index("ix_search_document_facets", "subsector", "sentra", "kecamatan", "kelurahan", "in_stock",
              "made_to_order", "price_min_idr", "created_at", "rating"),
    )

    product_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(140))
    subsector: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(60), default="")
    sentra: Mapped[str] = mapped_column(String(80))
    sentra_name: Mapped[str] = mapped_column(String(120))
    kelurahan: Mapped[str] = mapped_column(String(13), default="")
    kelurahan_name: Mapped[str] = mapped_column(String(80), default="")
    kecamatan: Mapped[str] = mapped_column(String(8), default="")
    kecamatan_name: Mapped[str] = mapped_column(String(80), default="")
    price_min_idr: Mapped[int] = mapped_column(BigInteger, default=0)
    price_max_idr: Mapped[int] = mapped_column(BigInteger, default=0)
    in_stock: Mapped[bool] = mapped_column(Boolean, default=False)
    made_to_order: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[int] = mapped_column(BigInteger, default=0)  # unix seconds
    rating: Mapped[float] = mapped_column(Float, default=0.0)
    thumb_key: Mapped[str | None] = mapped_column(String(255))
    title_terms: Mapped[str] = mapped_column(Text, default=" ")
    body_terms: Mapped[str] = mapped_column(Text, default=" ")
    # The FTS5 rowid: ``product_id << PRODUCT_SHIFT | flags | search_facet_key.id``, the flags
    # being IN_STOCK_BIT and MADE_TO_ORDER_BIT. Text matches then carry their facet values and
    # flags, and order by product id, without reading this table. (The row is rewritten
    # whenever a flag changes, and its rowid with it.)
    fts_rowid: Mapped[int] = mapped_column(BigInteger, unique=True)


FACET_BITS = 20
FACET_MASK = (1 << FACET_BITS) - 1
IN_STOCK_BIT = 1 << FACET_BITS
MADE_TO_ORDER_BIT = 1 << (FACET_BITS + 1)
PRODUCT_SHIFT = FACET_BITS + 2
# search_term_count's column for each combination of a rowid's flags, ``(rowid >> FACET_BITS) & 3``
FLAG_COLUMNS = ("plain", "in_stock", "made_to_order", "in_stock_made_to_order")


class SearchFacetKey(db.Model):
    """One combination of facet values a document has (never pruned): its id goes into the FTS5 rowid."""

    __tablename__ = "search_facet_key"
    __table_args__ = (UniqueConstraint("subsector", "kecamatan", "kelurahan", "sentra"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subsector: Mapped[str] = mapped_column(String(40))
    kecamatan: Mapped[str] = mapped_column(String(8))
    kelurahan: Mapped[str] = mapped_column(String(13))
    sentra: Mapped[str] = mapped_column(String(80))


class SearchTerm(db.Model):
    """Every word ever indexed (never pruned): the vocabulary typo tolerance corrects towards."""

    __tablename__ = "search_term"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(80), unique=True)


class SearchTermCount(db.Model):
    """How many indexed documents hold a word, per facet key, by their flags (in stock, made to order).

    Kept on SQLite beside ``search_fts``, in the same transaction, by
    ``catalog.search.indexing``: a search for one indexed word reads its total and facet counts
    here, a row per facet key it occurs with (bounded by the sentras' places and subsectors),
    instead of counting every match's rowid, a pass that grows with the catalogue. Unused on
    PostgreSQL.
    """

    __tablename__ = "search_term_count"
    __table_args__ = ({"sqlite_with_rowid": False},)

    term: Mapped[str] = mapped_column(String(80), primary_key=True)
    facet_key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)  # search_facet_key.id
    plain: Mapped[int] = mapped_column(Integer, default=0)  # sold out, not made to order
    in_stock: Mapped[int] = mapped_column(Integer, default=0)
    made_to_order: Mapped[int] = mapped_column(Integer, default=0)  # sold out (orders are made)
    in_stock_made_to_order: Mapped[int] = mapped_column(Integer, default=0)


class SearchSynonym(db.Model):
    """One group of words that mean the same, comma separated ("kripik, keripik")."""

    __tablename__ = "search_synonym"

    id: Mapped[int] = mapped_column(primary_key=True)
    words: Mapped[str] = mapped_column(String(500))


SQLITE_FTS = [
    "DROP TABLE IF EXISTS search_fts",
    "CREATE VIRTUAL TABLE search_fts USING fts5(title_terms, body_terms, content='search_document', "
    "content_rowid='fts_rowid', tokenize='unicode61', prefix='2 3')",
    "CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN "
    "INSERT INTO search_fts(rowid, title_terms, body_terms) VALUES (new.fts_rowid, new.title_terms, "
    "new.body_terms); END",
    "CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms) VALUES ('delete', old.fts_rowid, "
    "old.title_terms, old.body_terms); END",
    "CREATE TRIGGER search_document_au AFTER UPDATE OF title_terms, body_terms, fts_rowid ON search_document BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms) VALUES ('delete', old.fts_rowid, "
    "old.title_terms, old.body_terms); "
    "INSERT INTO search_fts(rowid, title_terms, body_terms) VALUES (new.fts_rowid, new.title_terms, "
    "new.body_terms); END",
]
SQLITE_FTS_DROP = ["DROP TABLE IF EXISTS search_fts"]
PG_TSVECTOR = "to_tsvector('simple', title_terms || ' ' || body_terms)"
POSTGRES_FTS = [
    f"CREATE INDEX IF NOT EXISTS ix_search_document_tsv ON search_document USING gin ({PG_TSVECTOR})",
]
FTS_TABLES = ("search_fts", "search_fts_data", "search_fts_idx", "search_fts_docsize", "search_fts_config")

for _statement in SQLITE_FTS:
    event.listen(SearchDocument.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in SQLITE_FTS_DROP:
    event.listen(SearchDocument.__table__, "after_drop", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRES_FTS:
    event.listen(SearchDocument.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
