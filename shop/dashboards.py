"""Dashboards that the shell's pages show but other packages compute.

``shop`` imports neither ``catalog`` nor ``orders`` (DESIGN.md, Layout), yet the partner's
home (/mitra/) and an active sentra's home (/kelola/<slug>/) show figures from orders. The
package that owns the data provides each dashboard when the app is built (:func:`provide`,
from its ``blueprints.init_app``); the shell's view asks for it (:func:`provided`) and shows
its page without the dashboard when no package provides one.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

PARTNER = "partner_dashboard"  # () -> the verified partner's dashboard page (a response)
SENTRA = "sentra_dashboard"  # (sentra) -> the figures an active sentra's home shows
STOREFRONT_CLASSES = "storefront_classes"  # (sentra) -> the upcoming classes its storefront lists
STOREFRONT_FACILITIES = "storefront_facilities"  # (sentra) -> the equipment and workspace it lends
STOREFRONT_OPENINGS = "storefront_openings"  # (sentra) -> its open openings ("Lowongan")
SEARCH_CLASSES = "search_classes"  # (text) -> the upcoming classes the search page shows above the products
SEARCH_CLASSES_API = "search_classes_api"  # (text) -> the same classes as GET /api/v1/classes lists them (dicts)


def provide(app: Flask, name: str, dashboard: Callable[..., Any]) -> None:
    """Make ``dashboard`` the one the shell shows as ``name`` (:data:`PARTNER`, :data:`SENTRA` or :data:`STOREFRONT_CLASSES`) in ``app``."""
    app.extensions[name] = dashboard


def provided(name: str) -> Callable[..., Any] | None:
    """The dashboard the current app was given as ``name``, or None when no package provides it."""
    return current_app.extensions.get(name)
