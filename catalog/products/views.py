"""The sentra's listing management at /kelola/<sentra_slug>/produk (placeholder)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("products", __name__, url_prefix="/kelola/<sentra_slug>/produk")
