"""What each change means for the public pages: the page-cache scopes it moves (issue 16).

The scopes, and the pages that depend on them (every page also depends on ``SITE``):

- :func:`sentra_scope`: a sentra's storefront and its product pages (products, variants,
  stock, prices, photos, reviews, the sentra's profile and its number of members, and the office's
  survey of its kelurahan);
- :func:`category_scope`: ``/kategori/<code>`` (the cards of that subsector's products,
  their sentras' names and places);
- :data:`SENTRAS`: the home page and the directory (active sentras, their profiles);
- :data:`SEARCH`: ``/search``, which shows the search index (any write to its tables).

ORM changes are read after each flush. Bulk writes (Core statements through the session) are
read as they run: stock movements name their variants; the stock UPDATEs they explain are
marked :data:`shop.pagecache.versions.EXPLAINED`; any other bulk write to a table the pages show
(the CSV import, a rating recount) moves ``SITE``: every page, rare and always correct.
Checkout takes stock through Core UPDATEs and writes its movements in one INSERT, so it moves
only its sentras' and categories' rows, never one row that every checkout shares.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.orm.util import identity_key

from catalog.products.models import PriceTier, Product, ProductImage, StockMovement, Variant
from catalog.reviews.models import Review
from shop.accounts.models import User
from shop.pagecache.versions import EXPLAINED, SITE, note_ids, note_scopes, register_resolver
from shop.places.models import Kecamatan, Kelurahan, KelurahanSurvey, Subsector
from shop.sentras.models import Sentra, SentraMembership

SENTRAS = "sentras"
SEARCH = "search"
SEARCH_TABLES = frozenset({"search_document", "search_term", "search_facet_key", "search_synonym"})
# Tables the public pages read: a bulk write to one that nobody explained moves every page.
SHOWN_TABLES = frozenset({
    "product", "variant", "price_tier", "product_image", "stock_movement", "review", "sentra",
    "sentra_subsector", "sentra_membership", "user", "kecamatan", "kelurahan", "subsector", "kelurahan_survey",
})
# What public pages show of a sentra (catalog.storefront.queries reads these, and its subsectors).
SENTRA_SHOWN = ("slug", "name", "kelurahan_code", "applied_kelurahan_code", "status", "description", "whatsapp",
                "address", "opening_hours", "logo_key", "rating_avg", "rating_count", "decided_at", "subsectors")
BATCH = 500


def sentra_scope(sentra_id: int) -> str:
    return f"sentra:{sentra_id}"


def category_scope(subsector_code: str) -> str:
    return f"subsector:{subsector_code}"


def _batches(ids: set[int]) -> Iterable[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), BATCH):
        yield ordered[start:start + BATCH]


def _product_scopes(session: Session, ids: set[int]) -> set[str]:
    scopes: set[str] = set()
    for chunk in _batches(ids):
        for sentra_id, code in session.execute(
                select(Product.sentra_id, Product.subsector_code).where(Product.id.in_(chunk))):
            scopes.update((sentra_scope(sentra_id), category_scope(code)))
    return scopes


def _variant_scopes(session: Session, ids: set[int]) -> set[str]:
    scopes: set[str] = set()
    unknown = set()
    for variant_id in ids:  # a checkout has read its variants and their products: no query for those
        known = _loaded_scopes(session, variant_id)
        if known is None:
            unknown.add(variant_id)
        else:
            scopes.update(known)
    for chunk in _batches(unknown):
        for sentra_id, code in session.execute(
                select(Variant.sentra_id, Product.subsector_code)
                .join(Product, Product.id == Variant.product_id).where(Variant.id.in_(chunk))):
            scopes.update((sentra_scope(sentra_id), category_scope(code)))
    return scopes


def _loaded_scopes(session: Session, variant_id: int) -> tuple[str, str] | None:
    """The variant's sentra and category scopes from the session's loaded rows, else None."""
    variant = session.identity_map.get(identity_key(Variant, variant_id))
    if variant is None:
        return None
    state = inspect(variant)
    product = state.dict.get("product")
    if "sentra_id" in state.unloaded or product is None or "subsector_code" in inspect(product).unloaded:
        return None
    return sentra_scope(variant.sentra_id), category_scope(product.subsector_code)


def _sentra_scopes(session: Session, ids: set[int]) -> set[str]:
    """A sentra's profile shows on its pages, the home page, the directory, search and its products' categories."""
    scopes = {SENTRAS, SEARCH, *(sentra_scope(i) for i in ids)}
    for chunk in _batches(ids):
        scopes.update(category_scope(code) for code in session.scalars(
            select(Product.subsector_code).where(Product.sentra_id.in_(chunk)).distinct()))
    return scopes


register_resolver("product", _product_scopes)
register_resolver("variant", _variant_scopes)
register_resolver("sentra", _sentra_scopes)


def _changed(obj: Any, names: Iterable[str]) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in names)


def _note_object(session: Session, obj: Any, gone: bool) -> None:
    if isinstance(obj, Product):
        old_codes = inspect(obj).attrs.subsector_code.history.deleted or ()
        note_scopes(session, sentra_scope(obj.sentra_id),
                    *(category_scope(code) for code in {obj.subsector_code, *old_codes} if code))
    elif isinstance(obj, Variant):
        note_scopes(session, sentra_scope(obj.sentra_id))
        note_ids(session, "product", [obj.product_id])
    elif isinstance(obj, PriceTier | StockMovement):
        note_ids(session, "variant", [obj.variant_id])
    elif isinstance(obj, ProductImage | Review):
        note_ids(session, "product", [obj.product_id])
    elif isinstance(obj, Sentra):
        if gone:
            note_scopes(session, SITE)
        elif obj in session.new or _changed(obj, SENTRA_SHOWN):
            note_ids(session, "sentra", [obj.id])
    elif isinstance(obj, SentraMembership):
        note_scopes(session, sentra_scope(obj.sentra_id))  # the storefront counts members
    elif isinstance(obj, User):
        if obj not in session.new and (gone or _changed(obj, ("name",))):
            note_scopes(session, SITE)  # reviews show their author's first name
    elif isinstance(obj, Kecamatan | Kelurahan | Subsector):
        note_scopes(session, SITE)
    elif isinstance(obj, KelurahanSurvey):  # the storefronts of its kelurahan show the version in force
        note_scopes(session, *(sentra_scope(i) for i in session.scalars(
            select(Sentra.id).where(Sentra.applied_kelurahan_code == obj.kelurahan_code))))
    elif getattr(obj, "__tablename__", None) in SEARCH_TABLES:
        note_scopes(session, SEARCH)


def _after_flush(session: Session, _flush_context: Any) -> None:
    for obj in session.new:
        _note_object(session, obj, gone=False)
    for obj in session.dirty:
        _note_object(session, obj, gone=False)
    for obj in session.deleted:
        _note_object(session, obj, gone=True)


def _variant_ids(parameters: Any) -> list[int] | None:
    rows = parameters if isinstance(parameters, list) else [parameters] if parameters else []
    ids = [row.get("variant_id") for row in rows if isinstance(row, dict)]
    return ids if ids and None not in ids else None


def _on_execute(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    if state.execution_options.get(EXPLAINED):
        return
    name = getattr(getattr(state.statement, "table", None), "name", None)
    if name in SEARCH_TABLES:
        note_scopes(state.session, SEARCH)
    elif name == "stock_movement" and state.is_insert and (ids := _variant_ids(state.parameters)):
        note_ids(state.session, "variant", ids)
    elif name in SHOWN_TABLES:
        note_scopes(state.session, SITE)


event.listen(Session, "after_flush", _after_flush)
event.listen(Session, "do_orm_execute", _on_execute)
