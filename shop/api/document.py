"""/api/v1/openapi.json, assembled from the app's /api/v1 routes and what each view declares.

Every rule under /api/v1 whose view carries an :func:`shop.api.operations.operation` becomes an
operation; the shapes it names become JSON Schema through pydantic (enums read from the ``Enum``
classes, inlined). A rule without a declaration is left out, and
``tests/shop/test_security.py`` fails naming it.
"""
from __future__ import annotations

import re
from typing import Any

from flask import Flask, current_app, jsonify
from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema

from shop.api import bp
from shop.api.operations import Operation, Param, operation
from shop.api.schemas import INFO, Error

PREFIX = "/api/v1"
COMPONENTS = "#/components/schemas/"
_GUARD_400 = ("bad_request: a text (query parameter or body field) with a NUL character or that is not valid "
              "Unicode, or a body nested more than 32 levels deep; fields name each, e.g. lines.0.description")
_GUARD_422 = "out_of_range: a whole number in the body beyond the 32-bit range; fields name each"
_CONVERTERS = {"int": int}


class _Schema(GenerateJsonSchema):
    """pydantic's JSON Schema without the titles it makes up from field names."""

    def field_title_should_be_set(self, schema) -> bool:
        return False


def _json(schema: dict[str, Any] | None, description: str) -> dict[str, Any]:
    if schema is None:
        return {"description": description}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _tidy(node: Any, enums: dict[str, dict[str, Any]]) -> Any:
    """Inline enum components, drop titles, write a const as a one-value enum and ``X | None`` as a type
    list, as the hand-written document did."""
    if isinstance(node, list):
        return [_tidy(item, enums) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _tidy(value, enums) for key, value in node.items()
            if not (key == "title" and isinstance(value, str))}  # a property may be named title
    if "const" in node and not isinstance(node["const"], dict):
        node["enum"] = [node.pop("const")]
    ref = node.get("$ref", "").removeprefix(COMPONENTS)
    if ref in enums:
        node = {**enums[ref], **{key: value for key, value in node.items() if key != "$ref"}}
    options = node.get("anyOf")
    if options and len(options) == 2 and {"type": "null"} in options:
        other = next(option for option in options if option != {"type": "null"})
        if isinstance(other.get("type"), str):
            node = {key: value for key, value in node.items() if key != "anyOf"} | other
            node["type"] = [other["type"], "null"]
            if "enum" in node:
                node["enum"] = [*node["enum"], None]
    return node


def _path_params(rule) -> list[tuple[str, Any]]:
    """(name, type) of each ``<converter:name>`` of the rule, in order."""
    return [(name, _CONVERTERS.get(converter, str))
            for converter, name in re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", rule.rule)]


def _declared(app: Flask) -> list[tuple[str, str, Operation, list[tuple[str, Any]]]]:
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        declared = getattr(app.view_functions[rule.endpoint], "api_operation", None)
        if not rule.rule.startswith(PREFIX + "/") or declared is None:
            continue
        path = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>", r"{\1}", rule.rule.removeprefix(PREFIX))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((path, method.lower(), declared, _path_params(rule)))
    return found


def _parameter(param: Param, schema: dict[str, Any]) -> dict[str, Any]:
    if param.default is not None:
        schema = {**schema, "default": param.default}
    body: dict[str, Any] = {"name": param.name, "in": param.location}
    if param.required:
        body["required"] = True
    body["schema"] = schema
    if param.description:
        body["description"] = param.description
    return body | param.extra


def _schemas(declared) -> tuple[dict[str, Any], dict[Any, Any], dict[tuple, Any]]:
    """The components, a schema (mostly a $ref) per shape, and one per parameter, in one pydantic pass."""
    shapes: dict[Any, None] = {Error: None}
    for _, _, op, _ in declared:
        if op.body is not None:
            shapes[op.body] = None
        for answer in op.responses.values():
            if isinstance(answer, tuple) and answer[0] is not None:
                shapes[answer[0]] = None
    params: dict[tuple, Param] = {}
    for path, method, op, path_params in declared:
        given = {p.name: p for p in op.params}
        for name, type_ in path_params:
            params[(path, method, name)] = given.get(name) or Param(name, type_, "path", True)
        for param in op.params:
            params.setdefault((path, method, param.name), param)
    inputs = [(("shape", index), "validation", TypeAdapter(shape)) for index, shape in enumerate(shapes)]
    inputs += [(("param", index), "validation", TypeAdapter(param.type)) for index, param in enumerate(params.values())]
    refs, top = TypeAdapter.json_schemas(inputs, ref_template=COMPONENTS + "{model}", schema_generator=_Schema)
    definitions = top.get("$defs", {})
    enums = {name: {key: value for key, value in schema.items() if key in ("type", "enum")}
             for name, schema in definitions.items() if "enum" in schema and "properties" not in schema}
    components = {name: _tidy(schema, enums) for name, schema in definitions.items() if name not in enums}
    shape_schemas = {shape: _tidy(refs[(("shape", index), "validation")], enums) for index, shape in enumerate(shapes)}
    param_schemas = {key: (param, _tidy(refs[(("param", index), "validation")], enums))
                     for index, (key, param) in enumerate(params.items())}
    return components, shape_schemas, param_schemas


def _operation(path: str, method: str, op: Operation, shapes: dict[Any, Any],
               params: dict[tuple, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {"summary": op.summary}
    if op.description:
        item["description"] = op.description
    if op.security:
        item["security"] = [{"bearer": []}]
    parameters = [_parameter(*schema) for (p, m, _), schema in params.items() if (p, m) == (path, method)]
    if parameters:
        item["parameters"] = parameters
    if op.body is not None:
        body = _json(shapes[op.body], op.body_description)
        item["requestBody"] = body if op.body_required else {"required": False, **body}
    item["responses"] = {
        str(status): _json(shapes[answer[0]] if answer[0] is not None else None, answer[1])
        if isinstance(answer, tuple) else _json(shapes[Error], answer)
        for status, answer in op.responses.items()}
    _document_the_input_guard(item, shapes[Error])
    return item


def build_document(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every declared /api/v1 operation."""
    declared = _declared(app)
    components, shapes, params = _schemas(declared)
    paths: dict[str, dict[str, Any]] = {}
    for path, method, op, _ in declared:
        paths.setdefault(path, {})[method] = _operation(path, method, op, shapes, params)
    return {**INFO, "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                                   "schemas": components}, "paths": paths}


def _document_the_input_guard(item: dict[str, Any], error: dict[str, Any]) -> None:
    """The answers of :mod:`shop.api.guard`, on every operation that takes a query, a body or a path segment."""
    responses = item["responses"]
    locations = {param["in"] for param in item.get("parameters", [])}
    if "query" in locations or "requestBody" in item:
        responses.setdefault("400", _json(error, _GUARD_400))
    if "requestBody" in item:
        responses.setdefault("422", _json(error, _GUARD_422))
    if "path" in locations:
        responses.setdefault("404", _json(error, "not_found"))


@bp.get("/openapi.json")
@operation("This document", responses={200: (None, "OpenAPI 3.1")})
def openapi_document():
    """The document, built once per app (the routes do not change while it runs)."""
    if "openapi" not in current_app.extensions:
        current_app.extensions["openapi"] = build_document(current_app)
    return jsonify(current_app.extensions["openapi"])
