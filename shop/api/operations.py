"""What each API view declares about itself, next to the view: the one source of /api/v1/openapi.json.

A view is declared with :func:`operation` (under its route decorator)::

    @bp.post("/cart/items")
    @operation("Add a variant to the cart", body=CartItemInput, security=True,
               responses={201: (Cart, "The cart"), 409: "insufficient_stock: ..."})
    @api_login_required
    def add_item(): ...

Shapes are pydantic models (request bodies, validated with them: :func:`read_body`) or
``TypedDict`` classes (response bodies, which the views build as dicts). The document
(:mod:`shop.api.document`) walks the app's url_map for /api/v1 rules and reads these
declarations, so a route without one is left out of the document and a test names it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, ValidationError

ERROR_DESCRIPTION = "An error in the documented shape"

View = TypeVar("View", bound=Callable[..., Any])
# A response: a shape and its description; a plain description means an error body.
Response = tuple[Any, str] | str


@dataclass(frozen=True)
class Param:
    """A query, header or path parameter: its name, its Python type (the schema comes from it) and
    what the document says beyond the type (``allowEmptyValue``, ``style``...)."""

    name: str
    type: Any
    location: str = "query"
    required: bool = False
    description: str | None = None
    default: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


def query(name: str, type_: Any, description: str | None = None, *, required: bool = False,
          allow_empty: bool = False, default: Any = None) -> Param:
    """A query parameter; a list type is sent as repeated ``name=...`` (form, exploded)."""
    extra: dict[str, Any] = {"allowEmptyValue": True} if allow_empty else {}
    if getattr(type_, "__origin__", None) is list:
        extra.update(style="form", explode=True)
    return Param(name, type_, "query", required, description, default, extra)


def path(name: str, type_: Any = str, description: str | None = None) -> Param:
    """A path parameter's description (the route gives its name and type)."""
    return Param(name, type_, "path", True, description)


def header(name: str, description: str | None = None, *, required: bool = False) -> Param:
    return Param(name, str, "header", required, description)


@dataclass(frozen=True)
class Operation:
    summary: str
    responses: dict[int, Response]
    description: str | None = None
    body: Any = None
    body_description: str = "The request"
    body_required: bool = True
    params: tuple[Param, ...] = ()
    security: bool = False


def operation(summary: str, *, responses: dict[int, Response], description: str | None = None,
              body: Any = None, body_description: str = "The request", body_required: bool = True,
              params: tuple[Param, ...] | list[Param] = (), security: bool = False) -> Callable[[View], View]:
    """Declare the view's operation for the document (``security``: a bearer token is needed)."""
    declared = Operation(summary, responses, description, body, body_description, body_required,
                         tuple(params), security)

    def decorator(view: View) -> View:
        view.api_operation = declared  # type: ignore[attr-defined]
        return view

    return decorator


Model = TypeVar("Model", bound=BaseModel)


class BodyError(Exception):
    """A body the model refuses: ``problems`` maps each field (dotted, as in ``lines.0.quantity``)
    to pydantic's error type (``missing``, also for a null; ``int_type``, ``greater_than_equal``...)."""

    def __init__(self, problems: dict[str, str], not_an_object: bool = False):
        super().__init__(problems)
        self.problems = problems
        self.not_an_object = not_an_object


def read_body(model: type[Model], *, optional: bool = False) -> Model:
    """The JSON body, validated by ``model`` (unknown keys are ignored).

    ``optional``: no body at all reads as ``{}``.
    :raise BodyError: not a JSON object, or fields the model refuses.
    """
    payload = request.get_json(silent=True)
    if payload is None and optional and not request.get_data():
        payload = {}
    if not isinstance(payload, dict):
        raise BodyError({}, not_an_object=True)
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        problems: dict[str, str] = {}
        for item in error.errors():
            kind = "missing" if item["input"] is None and item["type"].endswith("_type") else item["type"]
            problems.setdefault(".".join(str(part) for part in item["loc"]), kind)
        raise BodyError(problems) from None
