"""POST /auth/register, POST /auth/token and GET /me.

The API never reads the session cookie: ``/me`` answers only to a bearer token.
"""
from __future__ import annotations

from typing import Any

from flask import g, jsonify, request

from shop.accounts import services as accounts
from shop.accounts.limits import login_rate_limits, record_failed_login
from shop.accounts.models import User
from shop.api import bp
from shop.api.auth import api_login_required
from shop.errors import api_error
from shop.extensions import db


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "phone": user.phone,
        "email_verified": user.is_verified,
    }


def _json_object() -> dict[str, Any] | None:
    payload = request.get_json(silent=True)
    return payload if isinstance(payload, dict) else None


def _string_fields(payload: dict[str, Any], required: tuple[str, ...], optional: tuple[str, ...] = ()):
    """The named fields as strings, and problems for missing or non-string ones."""
    values: dict[str, str | None] = {}
    problems: dict[str, str] = {}
    for name in (*required, *optional):
        value = payload.get(name)
        if value is None or (value == "" and name in optional):
            values[name] = None
            if name in required:
                problems[name] = "required"
        elif not isinstance(value, str):
            problems[name] = "invalid"
        else:
            values[name] = value
    return values, problems


@bp.post("/auth/register")
def auth_register():
    """Create an account from ``{email, password, name, phone?}``; a verification email is sent."""
    payload = _json_object()
    if payload is None:
        return api_error(400, "bad_request", "Send a JSON object.")
    values, problems = _string_fields(payload, ("email", "password", "name"), ("phone",))
    if problems:
        return api_error(422, "validation_failed", "Some fields are missing or not valid.", problems)
    try:
        user = accounts.register_user(
            email=values["email"], password=values["password"], name=values["name"], phone=values["phone"]
        )
    except accounts.EmailTakenError:
        return api_error(409, "email_taken", "An account with this email already exists.", {"email": "taken"})
    except accounts.AccountValidationError as error:
        return api_error(422, "validation_failed", "Some fields are missing or not valid.", error.fields)
    db.session.commit()
    accounts.send_verification_email(user)
    return jsonify(user_json(user)), 201


@bp.post("/auth/token")
@login_rate_limits
def auth_token():
    """Exchange ``{email, password}`` (and an optional token ``name``) for a bearer token."""
    payload = _json_object()
    if payload is None:
        return api_error(400, "bad_request", "Send a JSON object.")
    values, problems = _string_fields(payload, ("email", "password"), ("name",))
    if problems:
        return api_error(400, "bad_request", "email and password are required.", problems)
    user = accounts.authenticate(values["email"], values["password"])
    if user is None:
        record_failed_login()
        return api_error(401, "invalid_credentials", "The email or password is not correct.")
    plain, token = accounts.create_api_token(user, values["name"] or "API")
    db.session.commit()
    return jsonify({"token": plain, "expires_at": token.expires_at.isoformat()}), 201


@bp.get("/me")
@api_login_required
def me():
    """The account behind the bearer token."""
    return jsonify(user_json(g.api_user))
