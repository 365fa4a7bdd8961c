"""One flat document per public product: what every search backend indexes.

A product is public when it is active and its sentra is active. Documents are built
with a handful of batch queries, never one query per product.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import and_, func, select

from catalog.products.models import Product, ProductImage, ProductStatus, Variant
from shop.extensions import db
from shop.places.models import Kecamatan, Kelurahan, Subsector
from shop.sentras.models import Sentra

BATCH = 500  # ids per IN (...) list


def _public_clause():
    return and_(Product.status == ProductStatus.ACTIVE, Sentra.status == "active")


def public_product_ids_for(*, sentra_ids: Iterable[int] | None = None,
                           product_ids: Iterable[int] | None = None) -> list[int]:
    """Ids of the public products, optionally only among these sentras or these products."""
    stmt = select(Product.id).join(Sentra, Sentra.id == Product.sentra_id).where(_public_clause())
    if sentra_ids is not None:
        stmt = stmt.where(Product.sentra_id.in_(list(sentra_ids)))
    if product_ids is not None:
        stmt = stmt.where(Product.id.in_(list(product_ids)))
    return list(db.session.scalars(stmt.order_by(Product.id)))


def product_ids_of_sentras(sentra_ids: Iterable[int]) -> list[int]:
    """Ids of every product of these sentras, public or not (for reindexing after a sentra change)."""
    ids = list(sentra_ids)
    if not ids:
        return []
    return list(db.session.scalars(select(Product.id).where(Product.sentra_id.in_(ids)).order_by(Product.id)))


def _chunks(ids: list[int], size: int = BATCH) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def build_documents(product_ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
    """The documents of the public products among ``product_ids`` (all public products when None).

    Ids that are not public (draft, archived, inactive sentra, deleted) are simply absent
    from the answer: callers delete those from their index.
    """
    ids = public_product_ids_for() if product_ids is None else sorted(set(product_ids))
    documents: list[dict[str, Any]] = []
    for chunk in _chunks(ids):
        documents.extend(_build_chunk(chunk))
    return documents


def iter_document_batches(batch_size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    """Every public product's document, in batches (for reindexing with a progress bar)."""
    ids = public_product_ids_for()
    for chunk in _chunks(ids, batch_size):
        yield _build_chunk(chunk)


def _build_chunk(ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    rows = db.session.execute(
        select(
            Product.id, Product.title, Product.slug, Product.description, Product.subsector_code,
            Subsector.name_id, Subsector.name_en, Product.category, Product.made_to_order, Product.created_at,
            Product.rating_avg,
            Sentra.slug, Sentra.name, Kelurahan.code, Kelurahan.name, Kelurahan.alias,
            Kecamatan.code, Kecamatan.name, Kecamatan.alias,
        )
        .join(Sentra, Sentra.id == Product.sentra_id)
        .join(Subsector, Subsector.code == Product.subsector_code)
        .outerjoin(Kelurahan, Kelurahan.code == Sentra.kelurahan_code)
        .outerjoin(Kecamatan, Kecamatan.code == Kelurahan.kecamatan_code)
        .where(Product.id.in_(ids), _public_clause())
        .order_by(Product.id)
    ).all()
    if not rows:
        return []
    found = [row[0] for row in rows]
    prices = {
        pid: (low, high, stocked)
        for pid, low, high, stocked in db.session.execute(
            select(
                Variant.product_id, func.min(Variant.price_idr), func.max(Variant.price_idr),
                func.max(Variant.stock),
            )
            .where(Variant.product_id.in_(found), Variant.archived.is_(False))
            .group_by(Variant.product_id)
        )
    }
    first_image = (
        select(ProductImage.product_id, func.min(ProductImage.position).label("position"))
        .where(ProductImage.product_id.in_(found))
        .group_by(ProductImage.product_id)
        .subquery()
    )
    thumbs: dict[int, str] = {}
    for pid, thumb in db.session.execute(
        select(ProductImage.product_id, ProductImage.thumb_320_key)
        .join(first_image, and_(first_image.c.product_id == ProductImage.product_id,
                                first_image.c.position == ProductImage.position))
        .order_by(ProductImage.product_id, ProductImage.id.desc())
    ):
        thumbs[pid] = thumb  # the lowest id wins among equal positions (ordered last)
    documents = []
    for (pid, title, slug, description, subsector, subsector_id, subsector_en, category, made_to_order,
         created_at, rating, sentra_slug, sentra_name, kel_code, kel_name, kel_alias,
         kec_code, kec_name, kec_alias) in rows:
        low, high, max_stock = prices.get(pid, (0, 0, 0))
        documents.append({
            "id": pid,
            "title": title,
            "slug": slug,
            "description": description or "",
            "subsector": subsector,
            "subsector_name": " ".join(dict.fromkeys(n for n in (subsector_id, subsector_en) if n)),
            "category": category or "",
            "sentra": sentra_slug,
            "sentra_name": sentra_name,
            "kelurahan": kel_code or "",
            "kelurahan_name": kel_name or "",
            "kelurahan_alias": kel_alias or "",
            "kecamatan": kec_code or "",
            "kecamatan_name": kec_name or "",
            "kecamatan_alias": kec_alias or "",
            "price_min_idr": int(low or 0),
            "price_max_idr": int(high or 0),
            "in_stock": bool(made_to_order) or bool(max_stock and max_stock > 0),
            # The same as a number: Meilisearch sorts numbers, not booleans (in stock first by default).
            "in_stock_rank": int(bool(made_to_order) or bool(max_stock and max_stock > 0)),
            "made_to_order": bool(made_to_order),
            "created_at": int(created_at.timestamp()) if created_at else 0,
            "rating": float(rating or 0.0),
            "thumb_key": thumbs.get(pid),
        })
    return documents


__all__ = ["build_documents", "iter_document_batches", "product_ids_of_sentras", "public_product_ids_for"]
