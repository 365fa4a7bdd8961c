"""Placeholder: replaced by the partners work."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("partners", __name__)


@bp.get("/mitra/")
def home():
    return "mitra"
