"""Placeholder: replaced by the accounts work."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    return "login"


@bp.route("/register", methods=["GET", "POST"])
def register():
    return "register"


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    return "logout"


@bp.get("/akun")
def profile():
    return "profile"
