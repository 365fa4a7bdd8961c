"""The JSON API under /api/v1 (bearer tokens, no cookies, so no CSRF)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__)

from shop.api import auth_views, document, guard, sentra_views, survey_views  # noqa: E402,F401
