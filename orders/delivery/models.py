"""How a sentra delivers: which methods it offers and its local courier's fee formula."""
from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from shop.extensions import db


class DeliverySettings(db.Model):
    """One row per sentra that changed the defaults (a sentra without a row uses them)."""

    __tablename__ = "delivery_settings"
    __table_args__ = (
        CheckConstraint("courier_base_idr >= 0", name="base_not_negative"),
        CheckConstraint("courier_per_km_idr >= 0", name="per_km_not_negative"),
        CheckConstraint("courier_max_km > 0", name="max_km_positive"),
        CheckConstraint("handling_days >= 0", name="handling_not_negative"),
    )

    sentra_id: Mapped[int] = mapped_column(ForeignKey("sentra.id", ondelete="CASCADE"), primary_key=True)
    offers_pickup: Mapped[bool] = mapped_column(Boolean, default=True)
    offers_sentra_courier: Mapped[bool] = mapped_column(Boolean, default=True)
    offers_courier: Mapped[bool] = mapped_column(Boolean, default=True)
    courier_base_idr: Mapped[int] = mapped_column(Integer, default=5_000)
    courier_per_km_idr: Mapped[int] = mapped_column(Integer, default=2_000)
    courier_max_km: Mapped[int] = mapped_column(Integer, default=15)
    # Working days the sentra needs to get a stocked order ready (made-to-order lead times add to it).
    handling_days: Mapped[int] = mapped_column(Integer, default=1)
