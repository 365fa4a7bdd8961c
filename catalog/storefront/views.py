"""Public pages: the home page, the sentra directory and each sentra's storefront."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from catalog.storefront import queries
from shop.i18n import current_language
from shop.places.services import all_subsectors
from shop.validation import whatsapp_link

bp = Blueprint("storefront", __name__)


@bp.get("/")
def home():
    return render_template(
        "catalog/storefront/home.html",
        featured=queries.featured_sentras(),
        counts=queries.marketplace_counts(),
        subsectors=all_subsectors(),
    )


@bp.get("/sentra")
def directory():
    """All active sentras on one page, grouped by kecamatan; filter by subsector or text."""
    subsectors = all_subsectors()
    chosen = request.args.get("subsector") or None
    if chosen and chosen not in {s.code for s in subsectors}:
        chosen = None
    text = (request.args.get("q") or "").strip()[:80] or None
    sentras = queries.public_sentras(subsector=chosen, text=text)
    return render_template(
        "catalog/storefront/directory.html",
        groups=queries.group_by_kecamatan(sentras),
        total=len(sentras),
        subsectors=subsectors,
        chosen=chosen,
        text=text or "",
        locale=current_language(),
    )


@bp.get("/sentra/<slug>")
def sentra_detail(slug: str):
    """A sentra's storefront. :raise 404: unknown, pending, rejected or suspended sentra."""
    sentra = queries.public_sentra(slug)
    if sentra is None:
        abort(404)
    return render_template(
        "catalog/storefront/sentra.html",
        sentra=sentra,
        members=queries.member_count(sentra.id),
        whatsapp=whatsapp_link(sentra.whatsapp),
    )
