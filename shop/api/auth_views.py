"""POST /auth/register, POST /auth/token, GET /me and PATCH /me.

The API never reads the session cookie: ``/me`` answers only to a bearer token.
"""
from __future__ import annotations

from typing import Any

from flask import g, jsonify

from shop.accounts import services as accounts
from shop.accounts.home import home_kelurahan, set_home_kelurahan
from shop.accounts.limits import login_rate_limits, record_failed_login
from shop.accounts.models import User
from shop.api import bp
from shop.api.auth import api_login_required
from shop.api.operations import ERROR_DESCRIPTION, BodyError, operation, read_body
from shop.api.schemas import MeInput, RegisterInput, Token, TokenInput
from shop.api.schemas import User as UserShape
from shop.errors import api_error
from shop.extensions import db


def user_json(user: User) -> dict[str, Any]:
    home = home_kelurahan(user)
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "phone": user.phone,
        "email_verified": user.is_verified,
        "kelurahan": {"code": home.code, "name": home.name} if home is not None else None,
        "kelurahan_source": None if home is None else "chosen" if user.kelurahan_code else "address",
    }


def _fields_problems(error: BodyError) -> dict[str, str]:
    return {name: "required" if kind == "missing" else "invalid" for name, kind in error.problems.items()}


@bp.post("/auth/register")
@operation("Create an account (a verification email is sent)", body=RegisterInput, body_description="The new account",
           responses={201: (UserShape, "The account"), 400: ERROR_DESCRIPTION, 409: ERROR_DESCRIPTION,
                      422: ERROR_DESCRIPTION, 429: ERROR_DESCRIPTION})
def auth_register():
    """Create an account from ``{email, password, name, phone?}``; a verification email is sent."""
    try:
        values = read_body(RegisterInput)
    except BodyError as error:
        if error.not_an_object:
            return api_error(400, "bad_request", "Send a JSON object.")
        return api_error(422, "validation_failed", "Some fields are missing or not valid.", _fields_problems(error))
    try:
        user = accounts.register_user(
            email=values.email, password=values.password, name=values.name, phone=values.phone or None
        )
    except accounts.EmailTakenError:
        return api_error(409, "email_taken", "An account with this email already exists.", {"email": "taken"})
    except accounts.AccountValidationError as error:
        return api_error(422, "validation_failed", "Some fields are missing or not valid.", error.fields)
    db.session.commit()
    accounts.send_verification_email(user)
    return jsonify(user_json(user)), 201


@bp.post("/auth/token")
@operation("Exchange email and password for a bearer token", body=TokenInput, body_description="Credentials",
           responses={201: (Token, "A token, shown once"), 400: ERROR_DESCRIPTION, 401: ERROR_DESCRIPTION,
                      429: ERROR_DESCRIPTION})
@login_rate_limits
def auth_token():
    """Exchange ``{email, password}`` (and an optional token ``name``) for a bearer token."""
    try:
        values = read_body(TokenInput)
    except BodyError as error:
        if error.not_an_object:
            return api_error(400, "bad_request", "Send a JSON object.")
        return api_error(400, "bad_request", "email and password are required.", _fields_problems(error))
    user = accounts.authenticate(values.email, values.password)
    if user is None:
        record_failed_login()
        return api_error(401, "invalid_credentials", "The email or password is not correct.")
    plain, token = accounts.create_api_token(user, values.name or "API")
    db.session.commit()
    return jsonify({"token": plain, "expires_at": token.expires_at.isoformat()}), 201


@bp.get("/me")
@operation("The account behind the bearer token", security=True,
           responses={200: (UserShape, "The account"), 401: ERROR_DESCRIPTION})
@api_login_required
def me():
    """The account behind the bearer token."""
    return jsonify(user_json(g.api_user))


@bp.patch("/me")
@operation("Change the account's name, phone or home kelurahan (only the fields given; a null "
           "kelurahan_code clears it)", security=True, body=MeInput, body_description="The fields to change",
           responses={200: (UserShape, "The account"), 400: ERROR_DESCRIPTION, 401: ERROR_DESCRIPTION,
                      422: "validation_failed: fields names each field: name (required, too_long), phone "
                           "(invalid), kelurahan_code (unknown: not a Kota Bekasi kelurahan code)"})
@api_login_required
def update_me():
    """Change ``name``, ``phone`` and ``kelurahan_code`` (those given). :raise 422: a field breaks a rule."""
    try:
        values = read_body(MeInput)
    except BodyError as error:
        if error.not_an_object:
            return api_error(400, "bad_request", "Send a JSON object.")
        return api_error(422, "validation_failed", "Some fields are not valid.",
                         {name: "invalid" for name in error.problems})
    user = g.api_user
    given = values.model_fields_set
    fields: dict[str, str] = {}
    try:
        accounts.update_profile(user, name=values.name if "name" in given else user.name,
                                phone=values.phone if "phone" in given else user.phone)
    except accounts.AccountValidationError as error:
        fields.update(error.fields)
    if "kelurahan_code" in given:
        try:
            set_home_kelurahan(user, values.kelurahan_code)
        except accounts.AccountValidationError as error:
            fields.update(error.fields)
    if fields:
        db.session.rollback()
        return api_error(422, "validation_failed", "Some fields are not valid.", fields)
    db.session.commit()
    return jsonify(user_json(user))
