"""Loading and reading the places of Kota Bekasi."""
from __future__ import annotations

import csv
import re
import unicodedata
from importlib import resources

from sqlalchemy import select

from shop.extensions import db
from shop.places.models import Kecamatan, Kelurahan, Subsector


def slugify(value: str) -> str:
    """``Teluk Pucung`` -> ``teluk-pucung``; ASCII, lower-case, hyphens."""
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("shop").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def seed_places() -> dict[str, int]:
    """Insert or update the 12 kecamatan, 56 kelurahan and 17 subsectors. Idempotent; flushes.

    Returns how many rows of each kind were created.
    """
    created = {"kecamatan": 0, "kelurahan": 0, "subsector": 0}
    for row in _rows("kecamatan.csv"):
        kec = db.session.get(Kecamatan, row["code"])
        if kec is None:
            kec = Kecamatan(code=row["code"])
            db.session.add(kec)
            created["kecamatan"] += 1
        kec.name, kec.alias = row["name"], row["alias"] or None
        kec.lat, kec.lon = float(row["lat"]), float(row["lon"])
    db.session.flush()
    for row in _rows("kelurahan.csv"):
        kel = db.session.get(Kelurahan, row["code"])
        if kel is None:
            kel = Kelurahan(code=row["code"])
            db.session.add(kel)
            created["kelurahan"] += 1
        kel.kecamatan_code = row["kecamatan_code"]
        kel.name, kel.alias = row["name"], row["alias"] or None
        kel.slug = slugify(row["name"])
        kel.postal_code = row["postal_code"]
        kel.lat, kel.lon = float(row["lat"]), float(row["lon"])
    for row in _rows("ekraf_subsectors.csv"):
        sub = db.session.get(Subsector, row["code"])
        if sub is None:
            sub = Subsector(code=row["code"])
            db.session.add(sub)
            created["subsector"] += 1
        sub.name_id, sub.name_en = row["name_id"], row["name_en"]
    db.session.flush()
    return created


def all_kecamatan() -> list[Kecamatan]:
    return list(db.session.scalars(select(Kecamatan).order_by(Kecamatan.name)))


def all_kelurahan() -> list[Kelurahan]:
    return list(
        db.session.scalars(select(Kelurahan).join(Kelurahan.kecamatan).order_by(Kecamatan.name, Kelurahan.name))
    )


def all_subsectors() -> list[Subsector]:
    return list(db.session.scalars(select(Subsector).order_by(Subsector.name_id)))


def kelurahan_choices(codes: set[str] | None = None) -> list[tuple[str, str]]:
    """(code, "Kelurahan (alias), Kecamatan") pairs for a picker, optionally limited to ``codes``."""
    choices = []
    for kel in all_kelurahan():
        if codes is not None and kel.code not in codes:
            continue
        label = f"{kel.name} ({kel.alias})" if kel.alias else kel.name
        choices.append((kel.code, f"{label}, {kel.kecamatan.name}"))
    return choices


def subsector_choices(locale: str) -> list[tuple[str, str]]:
    return [(s.code, s.name_for(locale)) for s in all_subsectors()]
