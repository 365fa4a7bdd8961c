"""Catalog endpoints of the JSON API, registered on shop.api's blueprint (placeholder)."""
from __future__ import annotations

from shop.api import bp  # noqa: F401
