"""The OpenAPI description of /api/v1, served at /api/v1/openapi.json.

A test checks that every API route is described here, so a new endpoint
cannot ship undocumented.
"""
from __future__ import annotations

from typing import Any

from flask import jsonify

from shop.api import bp


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR = _json(_ref("Error"), "An error in the documented shape")
PAGE_PARAMS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
]
PLACE = {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}}}

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Pasar Sentra API",
        "version": "1",
        "description": (
            "The marketplace of Kota Bekasi's sentra ekonomi kreatif. Authenticate with "
            "`POST /auth/token` and send `Authorization: Bearer <token>`; bearer requests need "
            "no CSRF token. Lists return `{items, total, page, per_page}`; errors are "
            "`{error: {code, message, fields}}` with a 4xx status. Money fields end in `_idr` "
            "and are whole rupiah; times are ISO 8601 with an offset."
        ),
    },
    "servers": [{"url": "/api/v1"}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message", "fields"],
                        "properties": {
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                            "fields": {"type": "object", "additionalProperties": {}},
                        },
                    }
                },
            },
            "User": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "email": {"type": "string", "format": "email"},
                    "name": {"type": "string"},
                    "phone": {"type": ["string", "null"]},
                    "email_verified": {"type": "boolean"},
                },
            },
            "Token": {
                "type": "object",
                "required": ["token", "expires_at"],
                "properties": {
                    "token": {"type": "string"},
                    "expires_at": {"type": "string", "format": "date-time"},
                },
            },
            "Sentra": {
                "type": "object",
                "properties": {
                    "slug": {"type": "string"},
                    "name": {"type": "string"},
                    "kelurahan": PLACE,
                    "kecamatan": PLACE,
                    "subsectors": {"type": "array", "items": PLACE},
                    "whatsapp": {"type": "string"},
                    "description": {"type": "string"},
                    "url": {"type": "string"},
                    "members_count": {"type": "integer", "description": "only on the detail endpoint"},
                },
            },
            "SentraList": {
                "type": "object",
                "properties": {
                    "items": {"type": "array", "items": _ref("Sentra")},
                    "total": {"type": "integer"},
                    "page": {"type": "integer"},
                    "per_page": {"type": "integer"},
                },
            },
        },
    },
    "paths": {
        "/auth/register": {
            "post": {
                "summary": "Create an account (a verification email is sent)",
                "requestBody": _json(
                    {
                        "type": "object",
                        "required": ["email", "password", "name"],
                        "properties": {
                            "email": {"type": "string", "format": "email"},
                            "password": {"type": "string", "minLength": 8},
                            "name": {"type": "string"},
                            "phone": {"type": "string"},
                        },
                    },
                    "The new account",
                ),
                "responses": {
                    "201": _json(_ref("User"), "The account"),
                    "400": ERROR,
                    "409": ERROR,
                    "422": ERROR,
                    "429": ERROR,
                },
            }
        },
        "/auth/token": {
            "post": {
                "summary": "Exchange email and password for a bearer token",
                "requestBody": _json(
                    {
                        "type": "object",
                        "required": ["email", "password"],
                        "properties": {"email": {"type": "string"}, "password": {"type": "string"}},
                    },
                    "Credentials",
                ),
                "responses": {
                    "201": _json(_ref("Token"), "A token, shown once"),
                    "400": ERROR,
                    "401": ERROR,
                    "429": ERROR,
                },
            }
        },
        "/me": {
            "get": {
                "summary": "The account behind the bearer token",
                "security": [{"bearer": []}],
                "responses": {"200": _json(_ref("User"), "The account"), "401": ERROR},
            }
        },
        "/sentras": {
            "get": {
                "summary": "Active sentras, by kecamatan then kelurahan",
                "parameters": [
                    *PAGE_PARAMS,
                    {"name": "kecamatan", "in": "query", "schema": {"type": "string"}, "description": "kecamatan code, e.g. 32.75.08"},
                    {"name": "subsector", "in": "query", "schema": {"type": "string"}, "description": "subsector code, e.g. kriya"},
                ],
                "responses": {"200": _json(_ref("SentraList"), "A page of sentras"), "400": ERROR},
            }
        },
        "/sentras/{slug}": {
            "get": {
                "summary": "One active sentra",
                "parameters": [{"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": _json(_ref("Sentra"), "The sentra"), "404": ERROR},
            }
        },
        "/openapi.json": {
            "get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1"}}}
        },
    },
}


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(SPEC)
