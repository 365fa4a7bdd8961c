"""The document built from the views' declarations says what the hand-written one said.

``fixtures/openapi_before.json`` is the last hand-written document (saved once, before it went).
Compared structurally: paths and methods; each parameter's name, place, required and enum;
the response status codes; each request body's required fields and its properties' names,
types and enums, nested objects and list items included. Descriptions may differ.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from shop.api.document import build_document

# Read by the view all along, now documented because the model that validates the body has it.
ADDED_BODY_FIELDS = {("/auth/token", "post"): ("name",)}
# Answers that say more since, on purpose: (path, method) -> properties taken out at every depth
# before comparing (issue 17: a product suggestion names its sentra and its thumbnail; issue 19: the
# training figures of the impact report, and the classes a search finds).
ADDED_RESPONSE_FIELDS = {
    ("/search/suggest", "get"): {"sentra_name", "thumbnail_url"},
    ("/search", "get"): {"classes"},
    ("/admin/impact", "get"): {"classes_held", "seats_booked", "people_trained", "genz_trained",
                               "certificates_issued", "training_revenue_idr",
                               "facility_hours_members", "facility_hours_others",
                               "mentoring_sessions", "mentoring_hours",  # issue 20: mentoring
                               # issue 20: work for young people
                               "openings", "applicants", "applicants_gen_z", "joined", "members_gen_z",
                               "members_gen_z_earning", "median_member_earnings_idr"},
    # issue 22: where the account's holder lives
    ("/me", "get"): {"kelurahan", "kelurahan_source"},
    ("/auth/register", "post"): {"kelurahan", "kelurahan_source"},
}
# Values added to an enum on purpose since: the Midtrans payment methods (issue 18).
ADDED_ENUM_VALUES = frozenset({"qris", "gopay", "shopeepay", "va_bca", "va_bni", "va_bri", "va_permata", "va_mandiri"})
# Operations added since, on purpose (issue 19: classes, bookings, attendance; issue 20: openings).
ADDED_OPERATIONS = {
    ("/classes", "get"), ("/classes/{class_id}/bookings", "post"), ("/kelola/{sentra_slug}/classes", "post"),
    ("/kelola/{sentra_slug}/classes/{class_id}", "patch"), ("/kelola/{sentra_slug}/classes/{class_id}", "delete"),
    ("/kelola/{sentra_slug}/classes/{class_id}/attendance", "post"),
    ("/facilities", "get"), ("/kelola/{sentra_slug}/facilities", "post"), ("/facilities/{facility_id}/bookings", "post"),
    ("/mentoring/slots", "get"), ("/kelola/{sentra_slug}/mentoring", "post"),  # issue 20: mentoring
    ("/admin/potential/{kelurahan_code}/survey", "put"),  # issue 22: the office's field survey
    # issue 20: openings and applications
    ("/openings", "get"), ("/kelola/{sentra_slug}/openings", "post"), ("/openings/{opening_id}/applications", "post"),
    ("/kelola/{sentra_slug}/applications", "get"),
    ("/kelola/{sentra_slug}/applications/{application_id}/decision", "post"),
    # issue 22: the potential and needs map, and the account's home kelurahan
    ("/admin/potential", "get"), ("/kelola/{sentra_slug}/opportunities", "get"), ("/me", "patch"),
}
BEFORE = json.loads((Path(__file__).parent / "fixtures" / "openapi_before.json").read_text())


def _resolve(node: Any, document: dict[str, Any]) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        rest = {key: value for key, value in node.items() if key != "$ref"}
        node = {**document["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]], **rest}
    return node


def _types(schema: dict[str, Any]) -> set[str]:
    """The JSON types a schema takes (``null`` aside: a field that may be left out may also be null)."""
    found: set[str] = set()
    for option in schema.get("anyOf", schema.get("oneOf", [])):
        found |= _types(option)
    kind = schema.get("type")
    found |= set(kind) if isinstance(kind, list) else {kind} if kind else set()
    return found - {"null"}


def _enum(schema: dict[str, Any]) -> set[Any] | None:
    values = schema.get("enum")
    return None if values is None else set(values) - {None} - ADDED_ENUM_VALUES


def _shape(schema: Any, document: dict[str, Any], depth: int = 0) -> Any:
    """What a schema says about a body: types, enum, required fields and each property's shape."""
    schema = _resolve(schema, document)
    if depth > 6 or not isinstance(schema, dict):
        return None
    options = [option for option in schema.get("anyOf", schema.get("oneOf", [])) if option != {"type": "null"}]
    if len(options) == 1:  # X or null
        schema = {**{k: v for k, v in schema.items() if k not in ("anyOf", "oneOf")}, **_resolve(options[0], document)}
    shape: dict[str, Any] = {"types": _types(schema), "enum": _enum(schema)}
    if "properties" in schema:
        shape["required"] = set(schema.get("required", []))
        shape["properties"] = {name: _shape(value, document, depth + 1)
                               for name, value in schema["properties"].items()}
    if "items" in schema:
        shape["items"] = _shape(schema["items"], document, depth + 1)
    return shape


def _operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(path, method): operation for path, item in document["paths"].items()
            for method, operation in item.items()}


@pytest.fixture(scope="module")
def after(app) -> dict[str, Any]:
    return build_document(app)


@pytest.mark.nodb
def test_the_same_operations_are_documented(after):
    assert set(_operations(after)) == set(_operations(BEFORE)) | ADDED_OPERATIONS


@pytest.mark.nodb
def test_the_top_level_info_servers_and_security_schemes_are_kept(after):
    assert after["openapi"] == BEFORE["openapi"]
    assert after["info"] == BEFORE["info"]
    assert after["servers"] == BEFORE["servers"]
    assert after["components"]["securitySchemes"] == BEFORE["components"]["securitySchemes"]


def _parameters(operation: dict[str, Any], document: dict[str, Any]) -> dict[tuple[str, str], Any]:
    return {(param["name"], param["in"]): (param.get("required", False), _enum(_resolve(param["schema"], document)),
                                           param.get("allowEmptyValue", False))
            for param in operation.get("parameters", [])}


@pytest.mark.nodb
@pytest.mark.parametrize("key", sorted(_operations(BEFORE)), ids=lambda key: f"{key[1]} {key[0]}")
def test_each_operation_keeps_its_parameters_statuses_and_body(after, key):
    before, now = _operations(BEFORE)[key], _operations(after)[key]
    assert _parameters(now, after) == _parameters(before, BEFORE)
    assert set(now["responses"]) == set(before["responses"])
    assert ("requestBody" in now) == ("requestBody" in before)
    if "requestBody" in before:
        assert now["requestBody"].get("required", True) == before["requestBody"].get("required", True)
        schema = lambda operation: operation["requestBody"]["content"]["application/json"]["schema"]  # noqa: E731
        body = _shape(schema(now), after)
        for name in ADDED_BODY_FIELDS.get(key, ()):
            del body["properties"][name]
        assert body == _shape(schema(before), BEFORE)
    for status, answer in before["responses"].items():
        if "content" in answer:
            shape = lambda response, document: _shape(response["content"]["application/json"]["schema"], document)  # noqa: E731
            added = ADDED_RESPONSE_FIELDS.get(key, set())
            assert _without(shape(now["responses"][status], after), added) == shape(answer, BEFORE), status


def _without(shape: Any, names: set[str]) -> Any:
    """``shape`` with the properties ``names`` taken out at every depth."""
    if isinstance(shape, dict):
        return {key: ({k: _without(v, names) for k, v in value.items() if k not in names}
                      if key == "properties" and isinstance(value, dict) else _without(value, names))
                for key, value in shape.items()}
    return shape


@pytest.mark.nodb
def test_enums_come_from_the_enum_classes(after):
    from orders.core.models import OrderStatus
    from orders.shipping.models import TrackingStatus

    order = _resolve(after["components"]["schemas"]["Order"]["properties"]["status"], after)
    assert order["enum"] == [status.value for status in OrderStatus]
    event = after["components"]["schemas"]["TrackingEvent"]["properties"]["status"]
    assert _resolve(event, after)["enum"] == [status.value for status in TrackingStatus]
