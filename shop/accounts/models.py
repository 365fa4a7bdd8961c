"""Users, their saved addresses and their API tokens."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import utcnow
from shop.extensions import db
from shop.places.models import PlacedAddress

# Where a user's updates go (User.notify_channel); shop.whatsapp applies the choice.
NOTIFY_EMAIL, NOTIFY_WHATSAPP, NOTIFY_BOTH = "email", "whatsapp", "both"
NOTIFY_CHANNELS = (NOTIFY_EMAIL, NOTIFY_WHATSAPP, NOTIFY_BOTH)


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    password_hash: Mapped[str | None] = mapped_column(String(256))
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))  # +62...
    email_verified_at: Mapped[datetime | None]
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped on password change, logout-everywhere and deletion: old sessions and
    # remember-me cookies carry the old value and stop working.
    auth_version: Mapped[int] = mapped_column(Integer, default=1)
    locale: Mapped[str | None] = mapped_column(String(5))
    # Where updates reach the user: "email", "whatsapp" or "both"; None until chosen (shop.whatsapp).
    notify_channel: Mapped[str | None] = mapped_column(String(10))
    # Where the user lives, if they said so (their "Tempat tinggal"); see shop.accounts.home.
    kelurahan_code: Mapped[str | None] = mapped_column(ForeignKey("kelurahan.code", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]

    addresses: Mapped[list[Address]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Address.id"
    )

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_active(self) -> bool:  # Flask-Login: deleted accounts cannot log in
        return self.deleted_at is None

    def get_id(self) -> str:
        return f"{self.id}:{self.auth_version}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Address(PlacedAddress, db.Model):
    """A delivery address: a Kota Bekasi kelurahan, or a city and postal code outside it."""

    __tablename__ = "address"
    __table_args__ = (
        CheckConstraint(
            "kelurahan_code IS NOT NULL OR (city IS NOT NULL AND postal_code IS NOT NULL)",
            name="place_given",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    label: Mapped[str | None] = mapped_column(String(40))  # "Rumah", "Kantor"
    recipient: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(20))
    street: Mapped[str] = mapped_column(String(255))
    kelurahan_code: Mapped[str | None] = mapped_column(ForeignKey("kelurahan.code"))
    city: Mapped[str | None] = mapped_column(String(80))
    postal_code: Mapped[str | None] = mapped_column(String(5))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="addresses")
    kelurahan = relationship("Kelurahan", lazy="joined")


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    # The user's auth_version when the password behind this token was checked: a password
    # changed meanwhile (even while the token was being issued) makes the token dead.
    auth_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    user: Mapped[User] = relationship()
