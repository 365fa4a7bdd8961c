"""Keeps ``product.listed`` ("has at least one active variant") in step with the variants (issue 16).

Only a product with an active variant is public; the public lists read ``listed`` instead of
looking for such a variant product by product. It is kept in one place: a flush that adds,
deletes, archives or restores a variant (the listing services, the API, the demo seed) has its
products' ``listed`` recomputed from the database right after it, in the same transaction.
Code that writes variants with Core statements (the CSV import) calls :func:`refresh_listed`
itself, as it calls ``reindex_products``.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, event, false, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from catalog.products.models import Product, Variant
from shop.extensions import db
from shop.pagecache.versions import EXPLAINED

BATCH = 500
_IDS = "catalog_listed_products"
_NEW = "catalog_listed_new_products"

_product = Product.__table__
_variant = Variant.__table__
# The page cache needs no note of it: the variant changes that move it note their products' pages.
# ``updated_at`` is kept as it is (not its ``onupdate``): a derived flag is nobody's edit.
_REFRESH = (
    _product.update()
    .where(_product.c.id.in_(bindparam("ids", expanding=True)))
    .values(listed=select(_variant.c.id).where(_variant.c.product_id == _product.c.id,
                                                 _variant.c.archived == false()).exists(),
            updated_at=_product.c.updated_at)
    .returning(_product.c.id, _product.c.listed)
)


def refresh_listed(product_ids: Iterable[int], session: Session | None = None) -> None:
    """Recompute ``listed`` of these products from their variants now (the loaded ones follow). Never commits."""
    session = session or db.session
    ids = sorted(set(product_ids))
    for start in range(0, len(ids), BATCH):
        rows = session.execute(_REFRESH, {"ids": ids[start:start + BATCH]},
                               execution_options={EXPLAINED: True}).all()
        for product_id, listed in rows:
            loaded = session.identity_map.get(identity_key(Product, product_id))
            if loaded is not None:
                set_committed_value(loaded, "listed", listed)


def _moves_listed(variant: Variant, session: Session) -> bool:
    """A new or deleted variant, or one archived, restored or moved to another product."""
    if variant in session.new or variant in session.deleted:
        return True
    attrs = inspect(variant).attrs
    return attrs.archived.history.has_changes() or attrs.product_id.history.has_changes()


def _collect(session: Session, _flush_context: Any, _instances: Any) -> None:
    ids: set[int] = session.info.setdefault(_IDS, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(obj, Variant) or not _moves_listed(obj, session):
            continue
        ids.update(inspect(obj).attrs.product_id.history.deleted)  # moved: the product it left too
        if obj.product_id is not None:
            ids.add(obj.product_id)
        elif obj.product is not None:  # appended to a product: the product's id is known after the flush
            session.info.setdefault(_NEW, []).append(obj.product)


def _apply(session: Session, _flush_context: Any) -> None:
    ids: set[int] = session.info.pop(_IDS, set())
    ids.update(product.id for product in session.info.pop(_NEW, []) if product.id is not None)
    if ids:
        refresh_listed(ids, session)


event.listen(Session, "before_flush", _collect)
event.listen(Session, "after_flush_postexec", _apply)
