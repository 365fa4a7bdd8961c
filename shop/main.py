"""Cross-cutting pages: the language switch, the health check and the favicon."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify, redirect, request, url_for
from sqlalchemy import text

from shop.extensions import db
from shop.i18n import LANG_COOKIE

bp = Blueprint("main", __name__)


def safe_next(target: str | None, fallback: str = "/") -> str:
    """A redirect target on this site only (a path: no scheme, no host), else ``fallback``.

    Every ``next`` (and the language switch's referrer) goes through here. Control characters
    are refused because a CR or LF cannot go into a Location header (and would split it), and a
    backslash because browsers read ``/\\host`` as ``//host``, another site.
    """
    if not target or any(ord(char) < 0x20 or ord(char) == 0x7F or char == "\\" for char in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


@bp.route("/bahasa", methods=["GET", "POST"])
def set_language():
    """Remember the chosen language in a cookie for a year and go back where the user was.

    A GET link is enough (and keeps anonymous pages free of session cookies): the
    worst another site can do with it is switch someone's language.
    """
    values = request.form if request.method == "POST" else request.args
    lang = values.get("lang", "")
    referrer_path = urlsplit(request.referrer).path if request.referrer else None
    response = redirect(safe_next(values.get("next") or referrer_path, url_for("storefront.home")))
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
    # The search backend's check is wired in by the app factory (shop does not import catalog).
    search_check = current_app.extensions.get("search_health")
    search_state = search_check() if search_check else "ok"
    status = "ok" if db_state == "ok" and search_state == "ok" else "degraded"
    return jsonify({"status": status, "db": db_state, "search": search_state}), (
        200 if db_state == "ok" else 503
    )


@bp.get("/favicon.ico")
def favicon():
    """The icon browsers ask for at the root whatever the page says (static/img/favicon.ico)."""
    response = current_app.send_static_file("img/favicon.ico")
    response.cache_control.max_age = 7 * 24 * 3600
    response.cache_control.public = True
    return response


@bp.get("/media/<path:key>")
def media(key: str):
    """Files kept by the local storage backend (long-cached: keys never change content)."""
    import posixpath

    from flask import abort, send_file

    from shop.storage import StorageError, get_storage

    if posixpath.normpath(key).split("/")[0] == "private":
        abort(404)  # private files (transfer proofs) are served only by routes that check who asks
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
