"""Reference data: places of Kota Bekasi and the creative-economy subsectors."""
from __future__ import annotations

from sqlalchemy import Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.extensions import db


class Kecamatan(db.Model):
    __tablename__ = "kecamatan"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)  # 32.75.01
    name: Mapped[str] = mapped_column(String(80), unique=True)
    alias: Mapped[str | None] = mapped_column(String(80))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)

    kelurahan: Mapped[list[Kelurahan]] = relationship(
        back_populates="kecamatan", order_by="Kelurahan.name"
    )

    def __repr__(self) -> str:
        return f"<Kecamatan {self.code} {self.name}>"


class Kelurahan(db.Model):
    __tablename__ = "kelurahan"

    code: Mapped[str] = mapped_column(String(13), primary_key=True)  # 32.75.01.1001
    kecamatan_code: Mapped[str] = mapped_column(ForeignKey("kecamatan.code"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    alias: Mapped[str | None] = mapped_column(String(80))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    postal_code: Mapped[str] = mapped_column(String(5))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)

    kecamatan: Mapped[Kecamatan] = relationship(back_populates="kelurahan", lazy="joined")

    @property
    def label(self) -> str:
        """How pickers show it: "Jatiwaringin, Pondokgede"."""
        return f"{self.name}, {self.kecamatan.name}"

    def __repr__(self) -> str:
        return f"<Kelurahan {self.code} {self.name}>"


class Subsector(db.Model):
    __tablename__ = "subsector"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_id: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))

    def name_for(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_id


class PlacedAddress:
    """What an address row (a Kota Bekasi ``kelurahan_code`` with its ``kelurahan``, or a ``city``
    and ``postal_code`` outside the city) says about where it is; mixed into every address table."""

    kelurahan_code: str | None
    kelurahan: Kelurahan | None
    city: str | None
    postal_code: str | None

    @property
    def in_bekasi(self) -> bool:
        return self.kelurahan_code is not None

    @property
    def place_label(self) -> str:
        if self.kelurahan is not None:
            return f"{self.kelurahan.label}, Kota Bekasi {self.kelurahan.postal_code}"
        return f"{self.city} {self.postal_code}"
