"""Reference data: places of Kota Bekasi and the creative-economy subsectors."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import utcnow
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


class KelurahanSurvey(db.Model):
    """One saved version of the office's field survey of a kelurahan (pemetaan potensi, issue 22).

    Versions are appended, never edited: version 1, 2, ... per kelurahan; the highest is in force.
    """

    __tablename__ = "kelurahan_survey"
    __table_args__ = (UniqueConstraint("kelurahan_code", "version", name="uq_kelurahan_survey_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kelurahan_code: Mapped[str] = mapped_column(ForeignKey("kelurahan.code"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    raw_materials: Mapped[str] = mapped_column(Text, default="")
    artisans: Mapped[str] = mapped_column(Text, default="")
    cultural_assets: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    subsectors: Mapped[list[str]] = mapped_column(JSON, default=list)  # subsector codes, in the order given
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    kelurahan: Mapped[Kelurahan] = relationship()
    created_by = relationship("User")
    photos: Mapped[list[KelurahanSurveyPhoto]] = relationship(
        back_populates="survey", order_by="KelurahanSurveyPhoto.id")


class KelurahanSurveyPhoto(db.Model):
    """A photo taken on the survey (materials, workshops, places), uploaded with one version.

    Kept in private storage and shown only to the office: it may show people.
    """

    __tablename__ = "kelurahan_survey_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("kelurahan_survey.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(300))
    caption: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    survey: Mapped[KelurahanSurvey] = relationship(back_populates="photos")


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
