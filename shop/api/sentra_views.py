"""GET /api/v1/sentras and /api/v1/sentras/<slug>: the public, active sentras."""
from __future__ import annotations

from typing import Any

from flask import request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from shop.api import bp
from shop.api.operations import ERROR_DESCRIPTION, operation, query
from shop.api.paging import list_envelope, page_params
from shop.api.schemas import PAGE_PARAMS, SentraList
from shop.api.schemas import Sentra as SentraShape
from shop.errors import api_error
from shop.extensions import db
from shop.i18n import current_language
from shop.places.models import Kecamatan, Kelurahan, Subsector
from shop.sentras.models import Sentra, SentraMembership, SentraStatus, sentra_subsector


def _public_query():
    return (
        select(Sentra)
        .join(Kelurahan, Kelurahan.code == Sentra.kelurahan_code)
        .join(Kecamatan, Kecamatan.code == Kelurahan.kecamatan_code)
        .where(Sentra.status == SentraStatus.ACTIVE)
    )


def _sentra_json(sentra: Sentra, locale: str) -> dict[str, Any]:
    kel = sentra.kelurahan
    return {
        "slug": sentra.slug,
        "name": sentra.name,
        "kelurahan": {"code": kel.code, "name": kel.name},
        "kecamatan": {"code": kel.kecamatan.code, "name": kel.kecamatan.name},
        "subsectors": [{"code": s.code, "name": s.name_for(locale)} for s in sentra.subsectors],
        "whatsapp": sentra.whatsapp,
        "description": sentra.description,
        "url": url_for("storefront.sentra_detail", slug=sentra.slug, _external=True),
    }


@bp.get("/sentras")
@operation("Active sentras, by kecamatan then kelurahan",
           params=[*PAGE_PARAMS, query("kecamatan", str, "kecamatan code, e.g. 32.75.08"),
                   query("subsector", str, "subsector code, e.g. kriya")],
           responses={200: (SentraList, "A page of sentras"), 400: ERROR_DESCRIPTION})
def list_sentras():
    """Active sentras ordered by kecamatan and kelurahan; filters ``kecamatan`` and ``subsector``.

    :raise 400: malformed paging, or an unknown kecamatan or subsector code.
    """
    page, per_page = page_params()
    query = _public_query()
    kecamatan = request.args.get("kecamatan")
    subsector = request.args.get("subsector")
    if kecamatan is not None:
        if db.session.get(Kecamatan, kecamatan) is None:
            return api_error(400, "invalid_filter", "Unknown kecamatan code.", {"kecamatan": "unknown"})
        query = query.where(Kelurahan.kecamatan_code == kecamatan)
    if subsector is not None:
        if db.session.get(Subsector, subsector) is None:
            return api_error(400, "invalid_filter", "Unknown subsector code.", {"subsector": "unknown"})
        query = query.where(
            Sentra.id.in_(
                select(sentra_subsector.c.sentra_id).where(sentra_subsector.c.subsector_code == subsector)
            )
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    sentras = db.session.scalars(
        query.options(selectinload(Sentra.subsectors))
        .order_by(Kecamatan.name, Kelurahan.name, Sentra.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    locale = current_language()
    return list_envelope([_sentra_json(s, locale) for s in sentras], total, page, per_page)


@bp.get("/sentras/<slug>")
@operation("One active sentra", responses={200: (SentraShape, "The sentra"), 404: ERROR_DESCRIPTION})
def get_sentra(slug: str):
    """One active sentra with its members count. :raise 404: unknown or not active."""
    sentra = db.session.scalar(
        _public_query().where(Sentra.slug == slug).options(selectinload(Sentra.subsectors))
    )
    if sentra is None:
        return api_error(404, "not_found", "No active sentra with this slug.")
    body = _sentra_json(sentra, current_language())
    body["members_count"] = db.session.scalar(
        select(func.count(SentraMembership.id)).where(SentraMembership.sentra_id == sentra.id)
    )
    return body
