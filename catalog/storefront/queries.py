"""Read-only queries behind the public pages."""
from __future__ import annotations

from itertools import groupby

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from shop.extensions import db
from shop.places.models import Kecamatan, Kelurahan
from shop.sentras.models import Sentra, SentraMembership, SentraStatus, sentra_subsector


def public_sentras(subsector: str | None = None, text: str | None = None) -> list[Sentra]:
    """Active sentras ordered by kecamatan then kelurahan, with places and subsectors loaded."""
    query = (
        select(Sentra)
        .join(Kelurahan, Kelurahan.code == Sentra.kelurahan_code)
        .join(Kecamatan, Kecamatan.code == Kelurahan.kecamatan_code)
        .where(Sentra.status == SentraStatus.ACTIVE)
        .options(selectinload(Sentra.subsectors))
        .order_by(Kecamatan.name, Kelurahan.name)
    )
    if subsector:
        query = query.where(
            Sentra.id.in_(select(sentra_subsector.c.sentra_id).where(sentra_subsector.c.subsector_code == subsector))
        )
    if text:
        like = f"%{text.strip().lower()}%"
        squashed = f"%{text.strip().lower().replace(' ', '')}%"
        query = query.where(
            or_(
                func.lower(Sentra.name).like(like),
                func.lower(Kelurahan.name).like(squashed),
                func.lower(func.coalesce(Kelurahan.alias, "")).like(like),
                func.lower(Kecamatan.name).like(squashed),
                func.lower(func.coalesce(Kecamatan.alias, "")).like(like),
            )
        )
    return list(db.session.scalars(query))


def group_by_kecamatan(sentras: list[Sentra]) -> list[tuple[Kecamatan, list[Sentra]]]:
    return [(kec, list(items)) for kec, items in groupby(sentras, key=lambda s: s.kelurahan.kecamatan)]


def public_sentra(slug: str) -> Sentra | None:
    return db.session.scalar(
        select(Sentra)
        .where(Sentra.slug == slug, Sentra.status == SentraStatus.ACTIVE)
        .options(selectinload(Sentra.subsectors))
    )


def member_count(sentra_id: int) -> int:
    return db.session.scalar(
        select(func.count(SentraMembership.id)).where(SentraMembership.sentra_id == sentra_id)
    ) or 0


def featured_sentras(limit: int = 6) -> list[Sentra]:
    """Newest active sentras first (a curated choice can replace this later)."""
    return list(
        db.session.scalars(
            select(Sentra)
            .where(Sentra.status == SentraStatus.ACTIVE)
            .options(selectinload(Sentra.subsectors))
            .order_by(Sentra.decided_at.desc().nulls_last(), Sentra.id.desc())
            .limit(limit)
        )
    )


def marketplace_counts() -> dict[str, int]:
    sentras, kecamatan = db.session.execute(
        select(func.count(Sentra.id), func.count(func.distinct(Kelurahan.kecamatan_code)))
        .join(Kelurahan, Kelurahan.code == Sentra.kelurahan_code)
        .where(Sentra.status == SentraStatus.ACTIVE)
    ).one()
    return {"sentras": sentras, "kecamatan": kecamatan}
