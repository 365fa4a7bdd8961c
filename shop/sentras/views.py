"""Placeholder: replaced by the sentras work."""
from __future__ import annotations

from flask import Blueprint

from shop.sentras.access import sentra_required

bp = Blueprint("sentras", __name__)


@bp.app_context_processor
def _nav():
    return {"nav_memberships": lambda: []}


@bp.route("/buka-sentra", methods=["GET", "POST"])
def apply():
    return "apply"


@bp.get("/kelola/<sentra_slug>/")
@sentra_required()
def manage_home(sentra_slug: str):
    return "manage"
