"""Shapes every API module shares: the error body, paging, places, the account and the sentra.

Response shapes are ``TypedDict`` classes (the views build plain dicts; ``total=False``: a key
is listed as always present only with ``Required``); request bodies are pydantic models.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr
from typing_extensions import TypedDict

from shop.api.operations import Param, query
from shop.api.paging import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE
from shop.api.parsing import MAX_INT
from shop.validation import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

INFO: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Pasar Sentra API",
        "version": "1",
        "description": (
            "The marketplace of Kota Bekasi's sentra ekonomi kreatif. Authenticate with "
            "`POST /auth/token` and send `Authorization: Bearer <token>`; bearer requests need "
            "no CSRF token. Lists return `{items, total, page, per_page}`; errors are "
            "`{error: {code, message, fields}}` with a 4xx status. Money fields end in `_idr` "
            "and are whole rupiah, sent and received as JSON integers (a string such as \"45.000\" is "
            "a field error); whole numbers in bodies are at most 2,000,000,000 either way. Times are "
            "ISO 8601 with an offset."
        ),
    },
    "servers": [{"url": "/api/v1"}],
}


def described(type_: Any, description: str, **constraints: Any) -> Any:
    """``type_`` with a description (and constraints such as ``ge``) for the document."""
    return Annotated[type_, Field(description=description, **constraints)]


def one_of(*members: StrEnum) -> Any:
    """Some members of an Enum (the document lists their values)."""
    return Literal[members]  # type: ignore[valid-type]


When = datetime
Day = described(date, "YYYY-MM-DD (a day in WIB)")
MAX_BODY_INT = MAX_INT
# A whole number in a body: a JSON integer (not true, not "5"), in the range shop.api.parsing allows.
BodyInt = Annotated[StrictInt, Field(ge=-MAX_INT, le=MAX_INT)]


class Body(BaseModel):
    """A request body: JSON types as sent (no "5" for 5), unknown keys ignored."""

    model_config = ConfigDict(strict=True, defer_build=True)  # built when first used, not at start-up


# --- the error body ---------------------------------------------------------------------------

class ErrorDetail(TypedDict):
    code: str
    message: str
    fields: dict[str, Any]


class Error(TypedDict):
    error: ErrorDetail


# --- paging ------------------------------------------------------------------------------------

PAGE = query("page", Annotated[int, Field(ge=1, le=MAX_PAGE)], default=1)
PER_PAGE = query("per_page", Annotated[int, Field(ge=1, le=MAX_PER_PAGE)], default=DEFAULT_PER_PAGE)
PAGE_PARAMS: tuple[Param, ...] = (PAGE, PER_PAGE)


def status_filter(statuses: Any, description: str = "") -> Param:
    """A ``status`` query filter: one of ``statuses``; empty, like absent, lists every status."""
    return query("status", statuses, (description + "; " if description else "") + "empty: every status",
                 allow_empty=True)


def page_of(item: Any, name: str) -> Any:
    """The list envelope ``{items, total, page, per_page}`` of ``item``, named ``name`` in the document."""
    return TypedDict(name, {"items": list[item], "total": int, "page": int, "per_page": int},  # type: ignore[operator]
                     total=False)


# --- places, accounts, sentras -------------------------------------------------------------------

class Place(TypedDict, total=False):
    code: str
    name: str


class User(TypedDict, total=False):
    id: int
    email: Annotated[str, Field(json_schema_extra={"format": "email"})]
    name: str
    phone: str | None
    email_verified: bool
    kelurahan: described(Place | None, "where the user lives: the kelurahan they chose, else that of their latest "
                                        "Kota Bekasi delivery address; null when neither")
    kelurahan_source: described(Literal["chosen", "address"] | None, "where kelurahan comes from")


class Token(TypedDict):
    token: str
    expires_at: When


class Sentra(TypedDict, total=False):
    slug: str
    name: str
    kelurahan: Place
    kecamatan: Place
    subsectors: list[Place]
    whatsapp: str
    description: str
    url: str
    members_count: described(int, "only on the detail endpoint")


SentraList = page_of(Sentra, "SentraList")


class RegisterInput(Body):
    email: Annotated[StrictStr, Field(json_schema_extra={"format": "email"})]
    password: Annotated[StrictStr, Field(  # the length is the service's rule, with its own answer
        json_schema_extra={"minLength": MIN_PASSWORD_LENGTH, "maxLength": MAX_PASSWORD_LENGTH},
        description="The password rule (README): a 422 names the problem: too_short, too_long, too_common, "
                    "too_personal or too_predictable.")]
    name: StrictStr
    phone: StrictStr | None = None


class TokenInput(Body):
    email: StrictStr
    password: StrictStr
    name: StrictStr | None = None


class MeInput(Body):
    """Only the fields given change; ``kelurahan_code`` null clears the chosen kelurahan."""

    name: Annotated[StrictStr, Field(max_length=500)] = ""
    phone: Annotated[StrictStr, Field(max_length=500)] | None = None
    kelurahan_code: Annotated[StrictStr, Field(max_length=20, json_schema_extra={
        "description": "a Kota Bekasi Kemendagri kelurahan code such as 32.75.12.1003, or null"})] | None = None

