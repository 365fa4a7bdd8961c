"""The search page /search (placeholder: the search-page engineer replaces it)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("search", __name__)
