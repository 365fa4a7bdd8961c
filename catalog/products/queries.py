"""Read-only queries of the listing management pages (the sentra's own products)."""
from __future__ import annotations

from dataclasses import dataclass

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import selectinload

from catalog.products.models import Product, ProductStatus, StockMovement, Variant
from shop.accounts.models import User
from shop.extensions import db

PER_PAGE = 20
STATUS_FILTERS = ("", "all", *(s.value for s in ProductStatus))


@dataclass(frozen=True)
class ListFilters:
    """``status``: "" (everything but archived), "all", or one status; ``low_stock``: only low ones."""

    text: str = ""
    status: str = ""
    low_stock: bool = False


@dataclass(frozen=True)
class ProductSummary:
    min_price_idr: int | None
    max_price_idr: int | None
    total_stock: int
    low_stock: bool


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _low_stock_clause():
    return and_(
        Product.made_to_order.is_(False),
        exists().where(
            Variant.product_id == Product.id,
            Variant.archived.is_(False),
            Variant.stock <= Variant.low_stock_threshold,
        ),
    )


def list_products(sentra_id: int, filters: ListFilters, page: int) -> Pagination:
    """A page of the sentra's products, newest change first, with variants and photos loaded."""
    query = (
        select(Product)
        .where(Product.sentra_id == sentra_id)
        .options(selectinload(Product.variants), selectinload(Product.images))
        .order_by(Product.updated_at.desc(), Product.id.desc())
    )
    text = filters.text.strip()
    if text:
        pattern = _like(text)
        query = query.where(
            or_(
                Product.title.ilike(pattern, escape="\\"),
                Product.ref.ilike(pattern, escape="\\"),
                exists().where(Variant.product_id == Product.id, Variant.sku.ilike(pattern, escape="\\")),
            )
        )
    if filters.status == "":
        query = query.where(Product.status != ProductStatus.ARCHIVED)
    elif filters.status != "all":
        query = query.where(Product.status == filters.status)
    if filters.low_stock:
        query = query.where(_low_stock_clause())
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False, count=True)


def has_products(sentra_id: int) -> bool:
    return db.session.scalar(select(Product.id).where(Product.sentra_id == sentra_id).limit(1)) is not None


def summarize(product: Product) -> ProductSummary:
    """Price range, total stock and the low-stock flag over the active variants."""
    variants = product.active_variants
    prices = [v.price_idr for v in variants]
    low = not product.made_to_order and any(v.stock <= v.low_stock_threshold for v in variants)
    return ProductSummary(
        min_price_idr=min(prices) if prices else None,
        max_price_idr=max(prices) if prices else None,
        total_stock=sum(v.stock for v in variants),
        low_stock=low,
    )


@dataclass(frozen=True)
class MovementRow:
    movement: StockMovement
    sku: str
    actor_name: str | None


def recent_movements(product_id: int, limit: int = 10) -> list[MovementRow]:
    """The product's last stock movements, newest first, with the variant's SKU and who made them."""
    rows = db.session.execute(
        select(StockMovement, Variant.sku, User.name)
        .join(Variant, Variant.id == StockMovement.variant_id)
        .outerjoin(User, User.id == StockMovement.actor_id)
        .where(Variant.product_id == product_id)
        .order_by(StockMovement.id.desc())
        .limit(limit)
    ).all()
    return [MovementRow(movement, sku, name) for movement, sku, name in rows]
