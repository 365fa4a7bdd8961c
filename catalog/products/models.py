"""Products, their variants, wholesale tiers, photos and the stock ledger."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import utcnow
from shop.extensions import db


class ProductStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


class StockReason(StrEnum):
    RESTOCK = "restock"
    CORRECTION = "correction"
    ORDER = "order"
    CANCEL = "cancel"
    RETURN = "return"


class Product(db.Model):
    __tablename__ = "product"
    __table_args__ = (
        UniqueConstraint("sentra_id", "ref"),
        CheckConstraint("lead_time_days IS NULL OR lead_time_days >= 0", name="lead_time_not_negative"),
        CheckConstraint("shelf_life_days IS NULL OR shelf_life_days > 0", name="shelf_life_positive"),
        # The public lists (catalog.storefront.queries): capped counts by sentra, pages newest first.
        # ``listed`` in it lets a count tell a public product from the index alone (issue 16).
        Index("ix_product_public", "status", "listed", "sentra_id", "subsector_code"),
        Index("ix_product_subsector_newest", "subsector_code", "status", "created_at", "id"),
        Index("ix_product_sentra_newest", "sentra_id", "status", "created_at", "id"),
        # The popular ranking's products without sales (catalog.storefront.popularity), in its order:
        # the walk stops after the few the home page shows, however large the catalogue.
        Index("ix_product_popular", "status", "listed", "rating_avg", "rating_count", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sentra_id: Mapped[int] = mapped_column(ForeignKey("sentra.id", ondelete="CASCADE"))
    # The sentra's own reference ("P-000042" when made in the UI): groups CSV rows
    # into a product and matches it again on re-import.
    ref: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(140))
    description: Mapped[str] = mapped_column(Text, default="")
    subsector_code: Mapped[str] = mapped_column(ForeignKey("subsector.code"))
    category: Mapped[str] = mapped_column(String(60), default="")
    status: Mapped[str] = mapped_column(String(16), default=ProductStatus.DRAFT)
    # Has at least one active (not archived) variant: only such a product is public. Denormalised from
    # the variants (catalog.products.listed keeps it) so the public lists need no lookup per product.
    listed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    made_to_order: Mapped[bool] = mapped_column(Boolean, default=False)
    lead_time_days: Mapped[int | None] = mapped_column(Integer)
    # Food (kuliner) only: shown on the product page.
    pirt_number: Mapped[str | None] = mapped_column(String(40))
    halal_number: Mapped[str | None] = mapped_column(String(60))
    shelf_life_days: Mapped[int | None] = mapped_column(Integer)
    # Kept by catalog.reviews from the visible reviews: what product pages and search's rating sort show.
    rating_avg: Mapped[float] = mapped_column(Float, default=0.0)
    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    sentra = relationship("Sentra", lazy="joined", innerjoin=True)
    subsector = relationship("Subsector", lazy="joined", innerjoin=True)
    variants: Mapped[list[Variant]] = relationship(
        back_populates="product", order_by="Variant.position, Variant.id", cascade="all, delete-orphan"
    )
    images: Mapped[list[ProductImage]] = relationship(
        back_populates="product", order_by="ProductImage.position, ProductImage.id", cascade="all, delete-orphan"
    )

    @property
    def is_public(self) -> bool:
        return self.status == ProductStatus.ACTIVE and self.sentra.status == "active"

    @property
    def active_variants(self) -> list[Variant]:
        return [v for v in self.variants if not v.archived]

    def __repr__(self) -> str:
        return f"<Product {self.id} {self.ref} {self.title!r}>"


class Variant(db.Model):
    __tablename__ = "variant"
    __table_args__ = (
        UniqueConstraint("sentra_id", "sku"),
        CheckConstraint("price_idr >= 0", name="price_not_negative"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("weight_grams >= 0", name="weight_not_negative"),
        CheckConstraint("low_stock_threshold >= 0", name="threshold_not_negative"),
        CheckConstraint("min_wholesale_qty IS NULL OR min_wholesale_qty >= 1", name="moq_positive"),
        # A product's variants; with ``archived`` it answers "has an active variant" (the public
        # lists ask it of every product they count) from the index alone.
        Index("ix_variant_product_archived", "product_id", "archived"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"))
    # Denormalised from the product so a SKU is unique within its sentra.
    sentra_id: Mapped[int] = mapped_column(ForeignKey("sentra.id", ondelete="CASCADE"), index=True)
    sku: Mapped[str] = mapped_column(String(64))
    # Ordered option pairs: [["Ukuran", "M"], ["Warna", "Biru"]]; [] for a single-variant product.
    options: Mapped[list[Any]] = mapped_column(JSON, default=list)
    price_idr: Mapped[int] = mapped_column(Integer)
    stock: Mapped[int] = mapped_column(Integer, default=0)  # only catalog.stock changes it
    weight_grams: Mapped[int] = mapped_column(Integer, default=0)
    low_stock_threshold: Mapped[int] = mapped_column(Integer, default=3)
    min_wholesale_qty: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)  # kept for orders that point at it

    product: Mapped[Product] = relationship(back_populates="variants")
    tiers: Mapped[list[PriceTier]] = relationship(
        back_populates="variant", order_by="PriceTier.min_qty", cascade="all, delete-orphan"
    )

    @property
    def label(self) -> str:
        """``Ukuran: M, Warna: Biru``; empty for a single-variant product."""
        return ", ".join(f"{name}: {value}" for name, value in self.options)

    @property
    def is_low_stock(self) -> bool:
        return not self.product.made_to_order and self.stock <= self.low_stock_threshold

    def __repr__(self) -> str:
        return f"<Variant {self.id} {self.sku} stock={self.stock}>"


class PriceTier(db.Model):
    """A wholesale price: from ``min_qty`` units on, each costs ``unit_price_idr`` (partners only)."""

    __tablename__ = "price_tier"
    __table_args__ = (
        UniqueConstraint("variant_id", "min_qty"),
        CheckConstraint("min_qty >= 2", name="min_qty_at_least_two"),
        CheckConstraint("unit_price_idr >= 0", name="unit_price_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variant.id", ondelete="CASCADE"), index=True)
    min_qty: Mapped[int] = mapped_column(Integer)
    unit_price_idr: Mapped[int] = mapped_column(Integer)

    variant: Mapped[Variant] = relationship(back_populates="tiers")


class ProductImage(db.Model):
    """A product photo, re-encoded, with its WebP thumbnails, all under server-made keys."""

    __tablename__ = "product_image"
    __table_args__ = (
        # A product's photos in the order it shows them: its first photo (every card of every list)
        # is the first entry, read without sorting the product's photos. Also the product_id index.
        Index("ix_product_image_in_order", "product_id", "position", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # The variant this photo shows (its chip on the product page shows it); None: the whole product.
    variant_id: Mapped[int | None] = mapped_column(ForeignKey("variant.id", ondelete="SET NULL"))
    alt_text: Mapped[str] = mapped_column(String(200), default="")
    key: Mapped[str] = mapped_column(String(255))  # the full-size WebP
    thumb_320_key: Mapped[str] = mapped_column(String(255))
    thumb_960_key: Mapped[str] = mapped_column(String(255))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    product: Mapped[Product] = relationship(back_populates="images")

    @property
    def keys(self) -> tuple[str, str, str]:
        return (self.key, self.thumb_320_key, self.thumb_960_key)


class StockMovement(db.Model):
    """Every change of a variant's stock; stock always equals the sum of its movements."""

    __tablename__ = "stock_movement"
    __table_args__ = (
        CheckConstraint("delta <> 0", name="delta_not_zero"),
        CheckConstraint("stock_after >= 0", name="stock_after_not_negative"),
        Index("ix_stock_movement_variant_id_id", "variant_id", "id"),
        Index("ix_stock_movement_actor_created", "actor_id", "created_at"),  # member activity
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variant.id", ondelete="CASCADE"))
    sentra_id: Mapped[int] = mapped_column(ForeignKey("sentra.id", ondelete="CASCADE"), index=True)
    delta: Mapped[int] = mapped_column(Integer)
    stock_after: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(16))
    # An order id, not a foreign key: the catalog never imports orders (DESIGN.md, Layout).
    order_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProductEvent(db.Model):
    """Who worked on a listing, when: created, edited, photos, archived. Appended on every change,
    so a member's listing work in a period can be counted exactly (``updated_by`` keeps only the last)."""

    __tablename__ = "product_event"
    __table_args__ = (
        Index("ix_product_event_sentra_created", "sentra_id", "created_at"),
        Index("ix_product_event_actor_created", "actor_id", "created_at"),  # member activity
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"), index=True)
    sentra_id: Mapped[int] = mapped_column(ForeignKey("sentra.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # created | updated | photo | status
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
