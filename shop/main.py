"""Cross-cutting pages: the language switch and the health check."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify, redirect, request, url_for
from sqlalchemy import text

from shop.extensions import db
from shop.i18n import LANG_COOKIE

bp = Blueprint("main", __name__)


def safe_next(target: str | None, fallback: str = "/") -> str:
    """A redirect target on this site only (no scheme, no host)."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


@bp.post("/bahasa")
def set_language():
    """Remember the chosen language in a cookie for a year (CSRF-protected form)."""
    lang = request.form.get("lang", "")
    target = safe_next(request.form.get("next") or request.referrer and urlsplit(request.referrer).path)
    response = redirect(target or url_for("storefront.home"))
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.get("/healthz")
def healthz():
    """``{"status": "ok" | "degraded", "db": ..., "search": ...}``; 503 when the database is down."""
    try:
        db.session.execute(text("SELECT 1"))
        db_state = "ok"
    except Exception:  # any driver error means the database is unreachable
        current_app.logger.exception("health check: database unreachable")
        db.session.rollback()
        db_state = "unavailable"
    search_state = "ok"
    status = "ok" if db_state == "ok" else "degraded"
    return jsonify({"status": status, "db": db_state, "search": search_state}), (
        200 if db_state == "ok" else 503
    )


@bp.get("/media/<path:key>")
def media(key: str):
    """Files kept by the local storage backend (long-cached: keys never change content)."""
    from flask import abort, send_file

    from shop.storage import StorageError, get_storage

    storage = get_storage()
    try:
        path = storage.path_for(key)
    except StorageError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(path, max_age=31536000)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
