"""The OpenAPI description of /api/v1, served at /api/v1/openapi.json.

A test checks that every API route is described here, so a new endpoint
cannot ship undocumented.
"""
from __future__ import annotations

from typing import Any

from flask import jsonify

from shop.api import bp
from shop.validation import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _status_filter(statuses: list[str], description: str = "") -> dict[str, Any]:
    """A ``status`` query filter: one of ``statuses``; empty, like absent, lists every status."""
    return {"name": "status", "in": "query", "schema": {"type": "string", "enum": statuses},
            "allowEmptyValue": True, "description": (description + "; " if description else "") + "empty: every status"}


ERROR = _json(_ref("Error"), "An error in the documented shape")
PAGE_PARAMS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 1}},
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
            "and are whole rupiah, sent and received as JSON integers (a string such as \"45.000\" is "
            "a field error); whole numbers in bodies are at most 2,000,000,000 either way. Times are "
            "ISO 8601 with an offset."
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
                            "password": {
                                "type": "string",
                                "minLength": MIN_PASSWORD_LENGTH,
                                "maxLength": MAX_PASSWORD_LENGTH,
                                "description": (
                                    "The password rule (README): a 422 names the problem: too_short, "
                                    "too_long, too_common, too_personal or too_predictable."
                                ),
                            },
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


# --- catalog: products, variants, stock -------------------------------------------------------

_INT = {"type": "integer"}
_STR = {"type": "string"}
_OPTIONS = {
    "description": "Option values in order: an object {\"Ukuran\": \"M\"} or a list of {name, value}; a name has "
                   "at most 30 characters, a value at most 40",
    "oneOf": [
        {"type": "object", "additionalProperties": {"type": "string"}},
        {"type": "array", "items": {"type": "object", "required": ["name", "value"],
                                    "properties": {"name": _STR, "value": _STR}}},
    ],
}
_TIER = {"type": "object", "required": ["min_qty", "unit_price_idr"],
         "properties": {"min_qty": {"type": "integer", "minimum": 2}, "unit_price_idr": {"type": "integer", "minimum": 0}}}
SLUG_PARAM = {"name": "sentra_slug", "in": "path", "required": True, "schema": _STR}
PRODUCT_ID_PARAM = {"name": "product_id", "in": "path", "required": True, "schema": _INT}

SPEC["components"]["schemas"].update({
    "Variant": {
        "type": "object",
        "properties": {
            "id": _INT, "sku": _STR,
            "options": {"type": "array", "items": {"type": "object", "properties": {"name": _STR, "value": _STR}}},
            "price_idr": {"type": "integer", "description": "retail unit price"},
            "stock": _INT, "weight_grams": _INT,
            "min_wholesale_qty": {"type": ["integer", "null"], "description": "partners and the sentra only"},
            "tiers": {"type": "array", "items": _TIER,
                      "description": "only for a verified partner's member (and the sentra's own API)"},
            "low_stock_threshold": {"type": "integer", "description": "the sentra's own API only"},
        },
    },
    "Product": {
        "type": "object",
        "properties": {
            "id": _INT, "title": _STR, "slug": _STR, "description": _STR,
            "sentra": {"type": "string", "description": "the sentra's slug"},
            "subsector": {"type": "string", "description": "subsector code, e.g. kuliner"},
            "category": _STR,
            "status": {"type": "string", "enum": ["draft", "active", "archived"]},
            "made_to_order": {"type": "boolean"},
            "lead_time_days": {"type": ["integer", "null"]},
            "pirt_number": {"type": ["string", "null"]},
            "halal_number": {"type": ["string", "null"]},
            "shelf_life_days": {"type": ["integer", "null"]},
            "url": {"type": "string", "description": "the public product page"},
            "ref": {"type": "string", "description": "the sentra's own API only"},
            "images": {"type": "array", "items": {"type": "object", "properties": {
                "alt": _STR, "url": _STR, "w320": _STR, "w960": _STR}}},
            "variants": {"type": "array", "items": _ref("Variant")},
        },
    },
    "ProductList": {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": _ref("Product")},
            "total": _INT, "page": _INT, "per_page": _INT,
        },
    },
    "VariantInput": {
        "type": "object",
        "required": ["sku", "price_idr"],
        "properties": {
            "id": {"type": "integer", "description": "an existing variant (PATCH); omit for a new one"},
            "sku": _STR, "options": _OPTIONS,
            "price_idr": {"type": "integer", "minimum": 0},
            "stock": {"type": "integer", "minimum": 0, "description": "initial stock of a new variant only"},
            "weight_grams": {"type": "integer", "minimum": 0},
            "low_stock_threshold": {"type": "integer", "minimum": 0},
            "min_wholesale_qty": {"type": ["integer", "null"], "minimum": 1},
            "tiers": {"type": "array", "items": _TIER},
        },
    },
    "ProductInput": {
        "type": "object",
        "description": "POST needs title, subsector and variants; PATCH changes only the fields given, "
                       "and variants, if given, replace the list (variants left out are archived).",
        "properties": {
            "title": _STR, "description": _STR, "subsector": _STR, "category": _STR,
            "status": {"type": "string", "enum": ["draft", "active", "archived"], "default": "draft"},
            "made_to_order": {"type": "boolean"},
            "lead_time_days": {"type": ["integer", "null"]},
            "pirt_number": {"type": ["string", "null"]},
            "halal_number": {"type": ["string", "null"]},
            "shelf_life_days": {"type": ["integer", "null"]},
            "ref": {"type": ["string", "null"], "description": "the sentra's own reference, set by POST (default "
                                                             "P-000001, ...); a PATCH may repeat it, not change it"},
            "variants": {"type": "array", "items": _ref("VariantInput")},
        },
    },
    "StockChange": {
        "type": "object",
        "required": ["delta", "reason"],
        "properties": {
            "delta": {"type": "integer", "not": {"const": 0}, "minimum": -1_000_000, "maximum": 1_000_000,
                      "description": "units added (negative: removed), at most 1,000,000 either way"},
            "reason": {"type": "string", "enum": ["restock", "correction", "return"]},
            "note": _STR,
        },
    },
    "StockResult": {
        "type": "object",
        "properties": {
            "variant_id": _INT, "stock": _INT,
            "movement": {"type": "object", "properties": {
                "id": _INT, "delta": _INT, "reason": _STR, "stock_after": _INT, "note": {"type": ["string", "null"]},
                "created_at": {"type": "string", "format": "date-time"}}},
        },
    },
})

SPEC["paths"].update({
    "/products/{product_id}": {
        "get": {
            "summary": "A public product (active, of an active sentra); tiers only for a verified partner's token",
            "parameters": [PRODUCT_ID_PARAM],
            "responses": {"200": _json(_ref("Product"), "The product"), "404": ERROR},
        }
    },
    "/sentras/{slug}/products": {
        "get": {
            "summary": "An active sentra's public products, newest first",
            "parameters": [{"name": "slug", "in": "path", "required": True, "schema": _STR}, *PAGE_PARAMS],
            "responses": {"200": _json(_ref("ProductList"), "A page of products"), "400": ERROR, "404": ERROR},
        }
    },
    "/kelola/{sentra_slug}/products": {
        "post": {
            "summary": "Create a product of the sentra (a draft unless status says otherwise)",
            "security": [{"bearer": []}],
            "parameters": [SLUG_PARAM],
            "requestBody": _json(_ref("ProductInput"), "The product with its variants"),
            "responses": {
                "201": _json(_ref("Product"), "The product"),
                "400": ERROR, "401": ERROR, "403": ERROR, "404": ERROR,
                "422": _json(_ref("Error"), "Broken rules; fields are named like variants-0-sku"),
            },
        }
    },
    "/kelola/{sentra_slug}/products/{product_id}": {
        "patch": {
            "summary": "Change a product of the sentra: only the fields given",
            "security": [{"bearer": []}],
            "parameters": [SLUG_PARAM, PRODUCT_ID_PARAM],
            "requestBody": _json(_ref("ProductInput"), "The fields to change"),
            "responses": {
                "200": _json(_ref("Product"), "The product"),
                "400": ERROR, "401": ERROR, "403": ERROR, "404": ERROR, "422": ERROR,
            },
        }
    },
    "/kelola/{sentra_slug}/variants/{variant_id}/stock": {
        "post": {
            "summary": "Add or remove units of a variant (writes a stock movement)",
            "security": [{"bearer": []}],
            "parameters": [SLUG_PARAM, {"name": "variant_id", "in": "path", "required": True, "schema": _INT}],
            "requestBody": _json(_ref("StockChange"), "The change"),
            "responses": {
                "200": _json(_ref("StockResult"), "The new stock"),
                "400": ERROR, "401": ERROR, "403": ERROR, "404": ERROR,
                "409": _json(_ref("Error"), "insufficient_stock: the change would take stock below zero"),
                "422": ERROR,
            },
        }
    },
})


# --- search ------------------------------------------------------------------------------------

_LIST = {"type": "array", "items": _STR}
_FACET = {"type": "array", "items": {"type": "object", "required": ["value", "label", "count"],
                                     "properties": {"value": _STR, "label": _STR, "count": _INT}}}
SEARCH_PARAMS = [
    {"name": "q", "in": "query", "schema": {"type": "string"}, "allowEmptyValue": True,
     "description": "free text, cut to its first 200 characters; typos, spelling variants and place aliases "
                    "are tolerated"},
    {"name": "subsector", "in": "query", "schema": _LIST, "style": "form", "explode": True,
     "description": "subsector codes (repeat for several: any of them)"},
    {"name": "kecamatan", "in": "query", "schema": _LIST, "style": "form", "explode": True,
     "description": "kecamatan codes, e.g. 32.75.08"},
    {"name": "kelurahan", "in": "query", "schema": _LIST, "style": "form", "explode": True,
     "description": "kelurahan codes, e.g. 32.75.08.1001"},
    {"name": "sentra", "in": "query", "schema": _LIST, "style": "form", "explode": True,
     "description": "sentra slugs"},
    {"name": "min_price", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 2_000_000_000},
     "allowEmptyValue": True,
     "description": "whole rupiah, against the product's lowest active variant price; empty: no bound; the "
                    "search page's spellings (50.000, Rp50.000, 50.000,00) are read too, sen or an unclear "
                    "grouping is a 400"},
    {"name": "max_price", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 2_000_000_000},
     "allowEmptyValue": True, "description": "whole rupiah, read as min_price"},
    {"name": "in_stock", "in": "query", "schema": {"type": "boolean"}, "description": "only products in stock"},
    {"name": "made_to_order", "in": "query", "schema": {"type": "boolean"},
     "description": "true: only made to order; false: only ready stock; absent: both"},
    {"name": "sort", "in": "query", "allowEmptyValue": True,
     "schema": {"type": "string", "enum": ["relevance", "price_asc", "price_desc", "newest", "rating"],
                "default": "relevance"}},
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 1},
     "allowEmptyValue": True},
    {**PAGE_PARAMS[1], "allowEmptyValue": True, "description": "empty: the default, as on the /search page"},
]

SPEC["components"]["schemas"].update({
    "SearchHit": {
        "type": "object",
        "properties": {
            "id": _INT, "title": _STR,
            "url": {"type": "string", "description": "the public product page"},
            "sentra": {"type": "object", "properties": {"slug": _STR, "name": _STR}},
            "kelurahan": PLACE, "kecamatan": PLACE,
            "subsector": {"type": "string", "description": "subsector code"},
            "price_min_idr": {"type": "integer", "description": "lowest active variant price"},
            "price_max_idr": {"type": "integer", "description": "highest active variant price"},
            "in_stock": {"type": "boolean"}, "made_to_order": {"type": "boolean"},
            "thumbnail_url": {"type": ["string", "null"], "description": "320 px wide thumbnail of the first photo"},
        },
    },
    "SearchResult": {
        "type": "object",
        "required": ["hits", "total", "page", "per_page", "facets", "suggestion"],
        "properties": {
            "hits": {"type": "array", "items": _ref("SearchHit")},
            "total": _INT, "page": _INT, "per_page": _INT,
            "facets": {"type": "object", "description": "counts that respect the other active filters",
                       "properties": {"subsector": _FACET, "kecamatan": _FACET, "sentra": _FACET}},
            "suggestion": {"type": ["string", "null"], "description": "did you mean, when the text looked misspelt"},
        },
    },
    "Suggestions": {
        "type": "object",
        "properties": {"items": {"type": "array", "maxItems": 9, "items": {
            "type": "object", "required": ["type", "label", "url"],
            "properties": {"type": {"type": "string", "enum": ["product", "sentra"]}, "label": _STR, "url": _STR}}}},
    },
})

SPEC["paths"].update({
    "/search": {
        "get": {
            "summary": "Search public products, with facet counts; the same parameters as the /search page",
            "parameters": SEARCH_PARAMS,
            "responses": {
                "200": _json(_ref("SearchResult"), "A page of hits"),
                "400": _json(_ref("Error"), "A parameter that cannot be understood; fields names it"),
            },
        }
    },
    "/search/suggest": {
        "get": {
            "summary": "Products and sentras for what was typed so far (fewer than 10), for search-as-you-type",
            "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": _json(_ref("Suggestions"), "Suggestions, products first")},
        }
    },
})


# --- orders: the buyer's cart (orders/cart/api.py) ---------------------------------------------

_CART_ITEM_ID = {"name": "item_id", "in": "path", "required": True, "schema": _INT,
                 "description": "the cart item's id (another buyer's is a 404)"}
_CART_ERRORS = {"400": _json(_ref("Error"), "Not a JSON object, or a field missing or of the wrong type"),
                "401": ERROR, "404": _json(_ref("Error"), "No such variant, or no such item in your cart")}
SPEC["components"]["schemas"].update({
    "CartItem": {
        "type": "object",
        "required": ["id", "variant_id", "product_id", "title", "variant_label", "quantity", "unit_price_idr",
                     "line_total_idr", "sentra", "price_changed", "stock_short", "unavailable"],
        "properties": {
            "id": _INT, "variant_id": _INT, "product_id": _INT, "title": _STR,
            "variant_label": {"type": "string", "description": "e.g. \"Ukuran: M\"; empty for a single variant"},
            "sku": _STR,
            "quantity": {"type": "integer", "minimum": 1, "maximum": 999},
            "unit_price_idr": {"type": "integer", "description": "today's unit price for this buyer and quantity "
                                                                  "(a verified partner's tier price where one applies)"},
            "seen_unit_price_idr": {"type": "integer", "description": "the unit price when added or last accepted"},
            "line_total_idr": _INT,
            "sentra": {"type": "string", "description": "the sentra's slug"},
            "price_changed": {"type": "boolean", "description": "unit_price_idr differs from seen_unit_price_idr"},
            "stock_short": {"type": "boolean", "description": "fewer units in stock than the quantity"},
            "available_stock": {"type": ["integer", "null"], "description": "null for made-to-order variants"},
            "unavailable": {"type": "boolean",
                            "description": "archived variant, or product or sentra not active: cannot be bought"},
        },
    },
    "Cart": {
        "type": "object",
        "required": ["items", "sentras", "total_idr", "item_count"],
        "properties": {
            "items": {"type": "array", "items": _ref("CartItem")},
            "sentras": {"type": "array", "items": {"type": "object", "required": ["sentra", "subtotal_idr"],
                                                   "properties": {"sentra": _STR, "name": _STR, "subtotal_idr": _INT}},
                        "description": "subtotal per sentra (unavailable items left out)"},
            "total_idr": _INT,
            "item_count": {"type": "integer", "description": "units in the cart"},
        },
    },
    "CartItemInput": {
        "type": "object",
        "required": ["variant_id"],
        "properties": {"variant_id": _INT,
                       "quantity": {"type": "integer", "minimum": 1, "maximum": 999, "default": 1,
                                    "description": "added to the item's quantity if the variant is already there"}},
    },
    "CartQuantity": {
        "type": "object", "required": ["quantity"],
        "properties": {"quantity": {"type": "integer", "minimum": 1, "maximum": 999}},
    },
})
SPEC["paths"].update({
    "/cart": {
        "get": {
            "summary": "The caller's cart: items grouped by sentra with today's prices and warnings",
            "description": "Shows each changed price once (price_changed: true); from then on it counts as "
                           "seen by the buyer, and POST /checkout charges it without a 409 price_changed.",
            "security": [{"bearer": []}],
            "responses": {"200": _json(_ref("Cart"), "The cart (empty when there is none)"), "401": ERROR},
        }
    },
    "/cart/items": {
        "post": {
            "summary": "Add a variant to the cart (the stock check applies to the item's new quantity)",
            "security": [{"bearer": []}],
            "requestBody": _json(_ref("CartItemInput"), "The variant and quantity"),
            "responses": {
                "201": _json(_ref("Cart"), "The cart"), **_CART_ERRORS,
                "409": _json(_ref("Error"), "insufficient_stock: more than the stock (made-to-order excepted)"),
                "422": _json(_ref("Error"), "invalid_quantity (not 1 to 999), or unavailable: the variant is "
                                            "archived or its product or sentra is not active"),
            },
        }
    },
    "/cart/items/{item_id}": {
        "patch": {
            "summary": "Set a cart item's quantity",
            "security": [{"bearer": []}],
            "parameters": [_CART_ITEM_ID],
            "requestBody": _json(_ref("CartQuantity"), "The new quantity"),
            "responses": {
                "200": _json(_ref("Cart"), "The cart"), **_CART_ERRORS,
                "409": _json(_ref("Error"), "insufficient_stock: more than the stock"),
                "422": _json(_ref("Error"), "invalid_quantity, or unavailable (raising an unavailable item)"),
            },
        },
        "delete": {
            "summary": "Take an item out of the cart",
            "security": [{"bearer": []}],
            "parameters": [_CART_ITEM_ID],
            "responses": {"200": _json(_ref("Cart"), "The cart"), "401": ERROR, "404": ERROR},
        },
    },
})


# --- checkout (orders.checkout.api) -----------------------------------------------------------------
_ADDRESS = {
    "type": "object", "required": ["recipient", "phone", "street"],
    "description": "A Kota Bekasi address gives kelurahan_code; outside the city give city and postal_code.",
    "properties": {"recipient": _STR, "phone": _STR, "street": _STR, "kelurahan_code": _STR, "city": _STR,
                   "postal_code": {"type": "string", "pattern": "^[0-9]{5}$"}},
}
SPEC["components"]["schemas"].update({
    "CheckoutInput": {
        "type": "object", "required": ["payment_method", "address", "deliveries"],
        "properties": {
            "payment_method": {"type": "string", "enum": ["stripe_card", "bank_transfer", "pay_on_pickup"]},
            "address": _ADDRESS,
            "deliveries": {"type": "object", "description": "sentra slug -> the delivery chosen for its order",
                           "additionalProperties": {"type": "object", "required": ["method"], "properties": {
                               "method": {"type": "string", "enum": ["pickup", "sentra_courier", "courier"]}}}},
            "expected_total_idr": {
                "type": "integer", "minimum": 0, "maximum": 2_000_000_000,
                "description": "The total (delivery fees included) the buyer agreed to pay. When it is today's "
                               "total the checkout goes ahead even if prices changed; any other total is a 409 "
                               "price_changed. Without it, every cart item must be at the price the buyer last "
                               "saw (GET /cart shows a change once and from then on counts it as seen)."},
        },
    },
    "OrderSummary": {
        "type": "object",
        "properties": {"number": _STR, "sentra": _STR, "status": _STR, "payment_status": _STR,
                       "subtotal_idr": _INT, "delivery_fee_idr": _INT, "total_idr": _INT,
                       "delivery": {"type": "object", "properties": {"method": _STR}}},
    },
    "Checkout": {
        "type": "object",
        "properties": {"checkout": {"type": "object", "properties": {
            "id": _INT, "total_idr": _INT, "expires_at": {"type": "string", "format": "date-time", "nullable": True},
            "payment": {"type": "object", "properties": {
                "method": _STR, "status": _STR, "amount_idr": _INT,
                "client_secret": {"type": "string", "description": "stripe_card: for stripe.confirmCardPayment"},
                "publishable_key": _STR,
                "instructions": {"type": "object", "description": "bank_transfer: bank, account, amount with code"},
            }},
            "orders": {"type": "array", "items": _ref("OrderSummary")},
        }}},
    },
})
SPEC["paths"].update({
    "/checkout": {
        "post": {
            "summary": "Turn the caller's cart into one checkout (the payment) and one order per sentra",
            "security": [{"bearer": []}],
            "parameters": [{"name": "Idempotency-Key", "in": "header", "required": True, "schema": _STR,
                            "description": "A repeat with the same key returns the first checkout (200)"}],
            "requestBody": _json(_ref("CheckoutInput"), "Payment method, address and a delivery per sentra"),
            "responses": {
                "201": _json(_ref("Checkout"), "Checkout created"),
                "200": _json(_ref("Checkout"), "The checkout made by the first request with this key"),
                "400": _json(_ref("Error"), "No Idempotency-Key, or a malformed body"),
                "401": ERROR,
                "409": _json(_ref("Error"), "insufficient_stock (fields: variant id -> what is short) or "
                                            "price_changed: expected_total_idr is not today's total, or without "
                                            "it a cart item's price changed since GET /cart last showed it "
                                            "(fields: \"items.<cart item id>\" -> \"seen X, now Y\"); "
                                            "nothing is reserved or charged"),
                "422": _json(_ref("Error"), "empty_cart, unavailable, validation_error (address), "
                                            "delivery_unavailable, payment_method_unavailable, amount_too_small, "
                                            "approval_required (a partner member's cart above the partner's "
                                            "approval threshold, not approved by a manager)"),
            },
        }
    },
})

# --- orders after checkout (orders/api.py) ----------------------------------------------------------

_ORDER_STATUSES = ["pending_payment", "placed", "processing", "ready_for_pickup", "shipped", "delivered",
                   "completed", "cancelled", "expired"]
_WHEN = {"type": "string", "format": "date-time"}
_NUMBER_PARAM = {"name": "number", "in": "path", "required": True, "schema": _STR,
                 "description": "the order number, e.g. PS-2611-8K3F9"}

SPEC["components"]["schemas"].update({
    "Order": {
        "type": "object",
        "required": ["number", "sentra", "status", "payment_status", "total_idr", "tracking_code", "pickup_code"],
        "properties": {
            "number": _STR,
            "sentra": {"type": "string", "description": "the sentra's slug"},
            "status": {"type": "string", "enum": _ORDER_STATUSES},
            "payment_status": {"type": "string", "enum": ["unpaid", "paid", "partially_refunded", "refunded"]},
            "payment_method": {"type": "string", "enum": ["stripe_card", "bank_transfer", "pay_on_pickup"]},
            "subtotal_idr": _INT, "delivery_fee_idr": _INT, "total_idr": _INT, "refunded_idr": _INT,
            "delivery": {"type": "object", "properties": {
                "method": {"type": "string", "enum": ["pickup", "sentra_courier", "courier"]}, "fee_idr": _INT}},
            "lines": {"type": "array", "items": {"type": "object", "properties": {
                "variant_id": {"type": ["integer", "null"]}, "title": _STR, "variant_label": _STR, "sku": _STR,
                "quantity": _INT, "unit_price_idr": _INT, "total_idr": _INT}}},
            "tracking_code": {"type": "string", "description": "opens public tracking (/track/<number>?code=)"},
            "pickup_code": {"type": ["string", "null"],
                            "description": "pickup orders only, and only for the buyer (null in the sentra's API)"},
            "cancel_reason": {"type": ["string", "null"]},
            "created_at": _WHEN,
            "paid_at": {"type": ["string", "null"], "format": "date-time"},
            "address": {"type": "object", "properties": {
                "recipient": _STR, "phone": _STR, "street": _STR, "kelurahan_code": {"type": ["string", "null"]},
                "city": {"type": ["string", "null"]}, "postal_code": {"type": ["string", "null"]}}},
            "checkout_id": {"type": "integer", "description": "the buyer's API only: its payment page is "
                                                               "/checkout/{checkout_id}/bayar"},
            "buyer": {"type": "object", "properties": {"name": _STR}, "description": "the sentra's API only"},
            "events": {"type": "array", "description": "the history, oldest first (not in lists)",
                       "items": {"type": "object", "properties": {
                           "kind": {"type": "string", "description": "status, payment, refund or dispute"},
                           "from": {"type": ["string", "null"]}, "to": {"type": ["string", "null"]},
                           "note": {"type": ["string", "null"]}, "at": _WHEN}}},
        },
    },
    "OrderList": {
        "type": "object",
        "properties": {"items": {"type": "array", "items": _ref("Order")}, "total": _INT, "page": _INT,
                       "per_page": _INT},
    },
})

SPEC["paths"].update({
    "/orders": {
        "get": {
            "summary": "The caller's orders, newest first (without events)",
            "security": [{"bearer": []}],
            "parameters": PAGE_PARAMS,
            "responses": {"200": _json(_ref("OrderList"), "A page of orders"), "400": ERROR, "401": ERROR},
        }
    },
    "/orders/{number}": {
        "get": {
            "summary": "One of the caller's orders, with its history",
            "security": [{"bearer": []}],
            "parameters": [_NUMBER_PARAM],
            "responses": {"200": _json(_ref("Order"), "The order"), "401": ERROR,
                          "404": _json(_ref("Error"), "No such order of the caller")},
        }
    },
    "/orders/{number}/cancel": {
        "post": {
            "summary": "Cancel before the sentra starts on it (pending_payment or placed): stock goes back, "
                       "a paid order is refunded",
            "security": [{"bearer": []}],
            "parameters": [_NUMBER_PARAM],
            "requestBody": {"required": False, **_json(
                {"type": "object", "properties": {"reason": {"type": "string", "minLength": 3, "maxLength": 500}}},
                "An optional reason")},
            "responses": {
                "200": _json(_ref("Order"), "The cancelled order"),
                "400": ERROR, "401": ERROR, "404": ERROR,
                "409": _json(_ref("Error"), "not_allowed: the sentra has started on it, or it is cancelled"),
                "422": ERROR,
            },
        }
    },
    "/kelola/{sentra_slug}/orders": {
        "get": {
            "summary": "The sentra's orders (buyer and address, no pickup code), newest first; "
                       "status=placed lists the oldest new order first",
            "security": [{"bearer": []}],
            "parameters": [SLUG_PARAM, _status_filter(_ORDER_STATUSES), *PAGE_PARAMS],
            "responses": {
                "200": _json(_ref("OrderList"), "A page of orders"),
                "400": _json(_ref("Error"), "invalid_filter: an unknown status; or bad paging"),
                "401": ERROR, "403": ERROR, "404": ERROR,
            },
        }
    },
    "/kelola/{sentra_slug}/orders/{number}/status": {
        "post": {
            "summary": "Move an order on: processing (accept) or cancelled (with a note: the reason the buyer "
                       "reads). ready_for_pickup, shipped and delivered follow only from tracking events "
                       "(POST .../tracking and .../handover) and are refused here with 409 not_allowed",
            "security": [{"bearer": []}],
            "parameters": [SLUG_PARAM, _NUMBER_PARAM],
            "requestBody": _json(
                {"type": "object", "required": ["to"], "properties": {
                    "to": {"type": "string", "enum": ["processing", "cancelled"]},
                    "note": {"type": "string", "description": "required (3-500 characters) for cancelled"}}},
                "The new status"),
            "responses": {
                "200": _json(_ref("Order"), "The order"),
                "400": ERROR, "401": ERROR, "403": ERROR, "404": ERROR,
                "409": _json(_ref("Error"), "invalid_transition: impossible from the order's status; "
                                            "not_allowed: not a status a sentra sets for this order"),
                "422": _json(_ref("Error"), "note_required: cancelling without a note"),
            },
        }
    },
})


# --- public tracking (orders/shipping/track_api.py) ----------------------------------------------------

_TRACKING_STATUSES = ["packed", "ready_for_pickup", "handed_to_courier", "in_transit", "out_for_delivery",
                      "delivery_failed", "delivered", "returned"]
SPEC["components"]["schemas"].update({
    "Tracking": {
        "type": "object",
        "description": "Where an order is, without the buyer's personal data (no name, address, phone, email, "
                       "pickup code or delivery PIN)",
        "required": ["number", "status", "delivery_method", "events"],
        "properties": {
            "number": {"type": "string"},
            "sentra": {"type": "string", "description": "the sentra's name"},
            "status": {"type": "string", "description": "the order's status", "enum": [
                "pending_payment", "placed", "processing", "ready_for_pickup", "shipped", "delivered",
                "completed", "cancelled", "expired"]},
            "delivery_method": {"type": "string", "enum": ["pickup", "sentra_courier", "courier"]},
            "shipment_status": {"type": ["string", "null"], "enum": [*_TRACKING_STATUSES, None]},
            "courier": {"type": ["object", "null"], "properties": {
                "carrier": {"type": ["string", "null"], "enum": ["jne", "jnt", "sicepat", "anteraja", "pos", "other",
                                                                None]},
                "name": {"type": ["string", "null"]},
                "waybill": {"type": ["string", "null"]},
                "tracking_url": {"type": ["string", "null"], "description": "the carrier's own tracking page"}}},
            "promised_at": {"type": ["string", "null"], "format": "date-time",
                            "description": "when it should be ready (pickup) or arrive"},
            "late": {"type": "boolean", "description": "past the promised date and not yet delivered"},
            "events": {"type": "array", "description": "the timeline, oldest first", "items": {
                "type": "object", "required": ["at", "status"], "properties": {
                    "at": {"type": "string", "format": "date-time"},
                    "status": {"type": "string", "enum": _TRACKING_STATUSES},
                    "note": {"type": ["string", "null"]}}}},
        },
    },
})
SPEC["paths"].update({
    "/track/{number}": {
        "get": {
            "summary": "Public tracking of an order by its number and tracking code (no authentication; "
                       "limited to 30 requests a minute per address, together with the /track page)",
            "parameters": [
                {"name": "number", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "code", "in": "query", "required": True, "schema": {"type": "string"},
                 "description": "the order's tracking code"},
            ],
            "responses": {
                "200": _json(_ref("Tracking"), "The order's tracking"),
                "404": _json(_ref("Error"), "not_found: no such order, or the code is missing or wrong"),
                "429": _json(_ref("Error"), "rate_limited"),
            },
        }
    },
})


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(SPEC)


# --- reviews (catalog.reviews.api) ---------------------------------------------------------------
SPEC["components"]["schemas"].update({
    "Review": {
        "type": "object",
        "required": ["id", "rating", "text", "author", "photo_url", "created_at", "reply", "replied_at"],
        "properties": {
            "id": _INT,
            "rating": {"type": "integer", "minimum": 1, "maximum": 5},
            "text": _STR,
            "author": {"type": "string", "description": "The buyer's first name only"},
            "photo_url": {"type": ["string", "null"]},
            "created_at": {"type": "string", "format": "date-time"},
            "reply": {"type": ["string", "null"], "description": "The sentra's one reply"},
            "replied_at": {"type": ["string", "null"], "format": "date-time"},
        },
    },
    "ReviewList": {
        "type": "object", "required": ["items", "total", "page", "per_page"],
        "properties": {"items": {"type": "array", "items": _ref("Review")}, "total": _INT, "page": _INT,
                       "per_page": _INT},
    },
})
SPEC["paths"]["/products/{product_id}/reviews"] = {
    "get": {
        "summary": "A public product's visible reviews, newest first (hidden reviews are left out)",
        "parameters": [PRODUCT_ID_PARAM, *PAGE_PARAMS],
        "responses": {"200": _json(_ref("ReviewList"), "A page of reviews"), "400": ERROR, "404": ERROR},
    }
}


# --- fulfilment (orders.shipping.api) ------------------------------------------------------------
_TRACKING_STATUSES = ["packed", "ready_for_pickup", "handed_to_courier", "in_transit", "out_for_delivery",
                      "delivery_failed", "delivered", "returned"]
SPEC["components"]["schemas"].update({
    "TrackingEvent": {
        "type": "object",
        "properties": {
            "id": _INT, "status": {"type": "string", "enum": _TRACKING_STATUSES},
            "note": {"type": ["string", "null"]}, "at": {"type": "string", "format": "date-time"},
            "has_photo": {"type": "boolean"},
        },
    },
    "Shipment": {
        "type": "object",
        "description": "The sentra's view of a shipment; never the pickup code or the delivery PIN.",
        "properties": {
            "order": {"type": "object", "properties": {"number": _STR, "status": _STR, "payment_status": _STR}},
            "method": {"type": "string", "enum": ["pickup", "sentra_courier", "courier"]},
            "status": {"type": ["string", "null"], "enum": [*_TRACKING_STATUSES, None]},
            "courier": {"type": ["string", "null"], "enum": ["jne", "jnt", "sicepat", "anteraja", "pos", "other", None]},
            "courier_label": {"type": ["string", "null"]},
            "waybill": {"type": ["string", "null"]},
            "tracking_url": {"type": ["string", "null"],
                             "description": "A link to the carrier's own public tracking page (a link only)"},
            "courier_user_id": {"type": ["integer", "null"], "description": "The sentra's courier (a member)"},
            "code_failures": _INT,
            "locked": {"type": "boolean", "description": "Five wrong codes in a row: a manager must reset it"},
            "recipient_name": {"type": ["string", "null"], "description": "Delivered without the PIN to"},
            "delivered_at": {"type": ["string", "null"], "format": "date-time"},
            "events": {"type": "array", "items": _ref("TrackingEvent")},
            "next_events": {"type": "array", "items": {"type": "string"},
                            "description": "Steps the timeline can take next (handovers excluded)"},
        },
    },
    "TrackingResult": {
        "type": "object", "required": ["event", "shipment"],
        "properties": {"event": _ref("TrackingEvent"), "shipment": _ref("Shipment")},
    },
})
SPEC["paths"].update({
    "/kelola/{sentra_slug}/orders/{number}/tracking": {
        "post": {
            "summary": "Add a step to the order's timeline. Per delivery method: pickup: [packed] -> "
                       "ready_for_pickup -> delivered (handover only); sentra_courier: [packed] -> "
                       "handed_to_courier (a courier must be assigned) -> [in_transit] -> out_for_delivery <-> "
                       "delivery_failed -> delivered (handover only) or returned; courier: [packed] -> "
                       "handed_to_courier (courier and waybill) -> in_transit (repeatable) -> out_for_delivery -> "
                       "delivery_failed, delivered or returned. Never backwards, nothing after delivered or "
                       "returned; the order must be accepted (processing). The order follows: ready_for_pickup, "
                       "shipped (handed_to_courier), delivered, cancelled (returned: stock back, paid orders "
                       "refunded).",
            "security": [{"bearer": []}],
            "parameters": [SLUG_PARAM, _NUMBER_PARAM],
            "requestBody": _json(
                {"type": "object", "required": ["status"], "properties": {
                    "status": {"type": "string", "enum": _TRACKING_STATUSES},
                    "note": {"type": "string", "maxLength": 500,
                             "description": "required (3-500 characters) for delivery_failed"},
                    "courier": {"type": "string", "enum": ["jne", "jnt", "sicepat", "anteraja", "pos", "other"],
                                "description": "the external courier (handed_to_courier of a courier order)"},
                    "waybill": {"type": "string", "description": "normalised: whitespace removed, upper case; "
                                                                 "6-40 of A-Z, 0-9 and -"},
                    "carrier_name": {"type": "string", "maxLength": 60, "description": "the name for courier other"},
                }},
                "The step"),
            "responses": {
                "201": _json(_ref("TrackingResult"), "The event and the shipment"),
                "400": _json(_ref("Error"), "bad_request: not a JSON object, or status missing or unknown"),
                "401": ERROR, "403": ERROR,
                "404": _json(_ref("Error"), "not_found: no such order in this sentra"),
                "409": _json(_ref("Error"), "invalid_event: the timeline cannot take this step; "
                                            "handover_required: delivered needs the buyer's code; "
                                            "courier_required: assign a courier first"),
                "422": _json(_ref("Error"), "reason_required, invalid_waybill, invalid_carrier"),
            },
        }
    },
    "/kelola/{sentra_slug}/orders/{number}/handover": {
        "post": {
            "summary": "Hand the order to the buyer against their pickup code (pickup, ready_for_pickup) or "
                       "delivery PIN (sentra courier, handed over to the courier): records delivered. A "
                       "pay-on-pickup order needs paid_with and is marked paid at the same moment. A wrong code "
                       "is counted and changes nothing else; after five in a row the handover is locked (423) "
                       "until a manager resets it in the order page.",
            "security": [{"bearer": []}],
            "parameters": [SLUG_PARAM, _NUMBER_PARAM],
            "requestBody": _json(
                {"type": "object", "required": ["code"], "properties": {
                    "code": {"type": "string", "description": "the buyer's 6-digit pickup code or delivery PIN"},
                    "paid_with": {"type": "string", "enum": ["cash", "qris"],
                                  "description": "required for an unpaid pay-on-pickup order"}}},
                "The buyer's code"),
            "responses": {
                "200": _json(_ref("TrackingResult"), "Delivered: the event and the shipment"),
                "400": _json(_ref("Error"), "bad_request: not a JSON object or no code"),
                "401": ERROR, "403": ERROR,
                "404": _json(_ref("Error"), "not_found: no such order in this sentra"),
                "409": _json(_ref("Error"), "invalid_event: the order is not awaiting a handover"),
                "422": _json(_ref("Error"), "wrong_code (fields.attempts_left; the try is counted), "
                                            "paid_with_required, invalid"),
                "423": _json(_ref("Error"), "locked: five wrong codes in a row; a manager must reset it"),
            },
        }
    },
})


# --- B2B: partners' requests, quotes, approvals, orders and invoices (orders.b2b.api);
# the sentra's quote inbox (orders.b2b.sentra_api) ---
_DAY = {"type": "string", "format": "date", "description": "YYYY-MM-DD (a day in WIB)"}
_RFQ_STATUSES = ["open", "quoted", "accepted", "declined", "cancelled"]
_RFQ_ID_PARAM = {"name": "rfq_id", "in": "path", "required": True, "schema": _INT}
_QUOTE_ID_PARAM = {"name": "quote_id", "in": "path", "required": True, "schema": _INT}
_APPROVAL_ID_PARAM = {"name": "approval_id", "in": "path", "required": True, "schema": _INT}
_PARTNER_ID_PARAM = {"name": "partner_id", "in": "query", "schema": _INT,
                     "description": "which of the caller's verified partners to act for (default: the first)"}
_B2B_SECURITY = [{"bearer": []}]
_NOT_PARTNER = _json(_ref("Error"), "not_partner: the caller is not a member of a verified partner (of partner_id)")


def _b2b_list(item: str) -> dict[str, Any]:
    return {"type": "object", "properties": {"items": {"type": "array", "items": _ref(item)}, "total": _INT,
                                             "page": _INT, "per_page": _INT}}


SPEC["components"]["schemas"].update({
    "QuoteLine": {"type": "object", "properties": {
        "description": _STR, "quantity": _INT, "unit_price_idr": _INT, "total_idr": _INT, "lead_time_days": _INT,
        "product_id": {"type": ["integer", "null"]}, "variant_id": {"type": ["integer", "null"],
                                                                    "description": "a stocked line reserves it"}}},
    "Quote": {"type": "object", "description": "One revision of a sentra's quote", "properties": {
        "id": _INT, "rfq_id": _INT, "revision": _INT,
        "status": {"type": "string", "enum": ["open", "superseded", "accepted", "declined"]},
        "expired": {"type": "boolean", "description": "valid_until (the last day, WIB) has passed"},
        "valid_until": _DAY, "delivery_method": {"type": "string", "enum": ["pickup", "sentra_courier", "courier"]},
        "delivery_fee_idr": _INT, "subtotal_idr": _INT,
        "tax_rate_percent": {"type": "integer", "description": "PPN rate; 0 unless the sentra is a PKP"},
        "tax_idr": _INT, "total_idr": _INT, "notes": _STR, "created_at": _WHEN,
        "decided_at": {"type": ["string", "null"], "format": "date-time"},
        "order_number": {"type": ["string", "null"], "description": "the order accepting made"},
        "lines": {"type": "array", "items": _ref("QuoteLine"), "description": "not in a request's latest_quote"}}},
    "RfqComment": {"type": "object", "properties": {
        "id": _INT, "side": {"type": "string", "enum": ["partner", "sentra"]}, "author": {"type": ["string", "null"]},
        "body": _STR, "created_at": _WHEN}},
    "Rfq": {"type": "object", "description": "A request for quote (lists leave out address, images, quotes and "
                                             "comments)", "properties": {
        "id": _INT, "status": {"type": "string", "enum": _RFQ_STATUSES},
        "sentra": {"type": "object", "properties": {"slug": _STR, "name": _STR}},
        "partner": {"type": "object", "properties": {"id": _INT, "name": _STR, "npwp": {"type": ["string", "null"]}}},
        "needed_by": _DAY,
        "due": {"type": ["string", "null"], "enum": ["soon", "past", None],
                "description": "open or quoted and needed within 3 days (soon) or already past (past)"},
        "notes": _STR, "created_at": _WHEN, "updated_at": _WHEN,
        "lines": {"type": "array", "items": {"type": "object", "properties": {
            "id": _INT, "description": _STR, "quantity": _INT, "product_id": {"type": ["integer", "null"]}}}},
        "latest_quote": {"oneOf": [_ref("Quote"), {"type": "null"}], "description": "the newest revision, no lines"},
        "address": {"type": "object", "properties": {
            "recipient": _STR, "phone": _STR, "street": _STR, "kelurahan_code": {"type": ["string", "null"]},
            "city": {"type": ["string", "null"]}, "postal_code": {"type": ["string", "null"]}, "label": _STR}},
        "images": {"type": "array", "description": "reference images (uploaded and shown on the web pages only)",
                   "items": {"type": "object", "properties": {"id": _INT, "width": _INT, "height": _INT}}},
        "quotes": {"type": "array", "items": _ref("Quote"), "description": "every revision, oldest first"},
        "comments": {"type": "array", "items": _ref("RfqComment")}}},
    "RfqInput": {"type": "object", "required": ["sentra", "needed_by", "address", "lines"], "properties": {
        "sentra": {"type": "string", "description": "an active sentra's slug"},
        "needed_by": {**_DAY, "description": "YYYY-MM-DD, today (WIB) or later"},
        "address": {"type": "object", "required": ["recipient", "phone", "street"],
                    "description": "as in checkout: a Kota Bekasi kelurahan_code, or city and postal_code outside it",
                    "properties": {"recipient": _STR, "phone": _STR, "street": _STR, "kelurahan_code": _STR,
                                   "city": _STR, "postal_code": _STR}},
        "notes": {"type": "string", "maxLength": 4000},
        "lines": {"type": "array", "minItems": 1, "maxItems": 50, "items": {
            "type": "object", "required": ["quantity"], "properties": {
                "description": {"type": "string", "maxLength": 500,
                                "description": "required unless product_id is given (its title is used)"},
                "quantity": {"type": "integer", "minimum": 1,
                             "description": "at least the product's wholesale minimum when product_id is given"},
                "product_id": {"type": "integer", "description": "an active product of that sentra"}}}},
        "partner_id": {"type": "integer", "description": "which of the caller's verified partners asks"}}},
    "QuoteInput": {"type": "object", "required": ["valid_until", "lines"], "properties": {
        "valid_until": {**_DAY, "description": "the last day the quote can be accepted: today (WIB) or later"},
        "delivery_fee_idr": {"type": "integer", "minimum": 0, "default": 0},
        "delivery_method": {"type": "string", "enum": ["sentra_courier", "courier", "pickup"],
                            "description": "default: sentra_courier inside Kota Bekasi, else courier"},
        "notes": {"type": "string", "maxLength": 4000},
        "lines": {"type": "array", "minItems": 1, "maxItems": 50, "items": {
            "type": "object", "required": ["description", "quantity", "unit_price_idr"], "properties": {
                "description": {"type": "string", "maxLength": 500}, "quantity": {"type": "integer", "minimum": 1},
                "unit_price_idr": {"type": "integer", "minimum": 0},
                "lead_time_days": {"type": "integer", "minimum": 0, "maximum": 365, "default": 0},
                "product_id": {"type": "integer", "description": "one of the sentra's products"},
                "variant_id": {"type": "integer", "description": "one of the sentra's variants (stock is reserved "
                                                                 "on accepting unless the line has a lead time)"}}}}}},
    "PurchaseApproval": {"type": "object", "properties": {
        "id": _INT, "kind": {"type": "string", "enum": ["quote", "cart"]},
        "status": {"type": "string", "enum": ["pending", "approved", "rejected", "cancelled", "used"]},
        "amount_idr": _INT, "payment": {"type": "string", "enum": ["bank_transfer", "terms"]},
        "quote_id": {"type": ["integer", "null"]}, "rfq_id": {"type": ["integer", "null"]},
        "requested_by": {"type": "object", "properties": {"id": _INT, "name": _STR}},
        "decided_by": {"type": ["object", "null"], "properties": {"id": _INT, "name": _STR}},
        "note": {"type": ["string", "null"]}, "created_at": _WHEN,
        "decided_at": {"type": ["string", "null"], "format": "date-time"}}},
    "PartnerOrder": {"type": "object", "description": "OrderSummary with the partner's extras", "properties": {
        "number": _STR, "sentra": {"type": "string", "description": "the sentra's slug"}, "status": _STR,
        "payment_status": _STR, "payment_method": {"type": "string", "enum": ["bank_transfer", "payment_terms"]},
        "subtotal_idr": _INT, "delivery_fee_idr": _INT, "tax_idr": _INT, "total_idr": _INT,
        "delivery": {"type": "object", "properties": {"method": _STR}},
        "invoice_number": {"type": ["string", "null"]}, "created_at": _WHEN}},
    "PlacedOrder": {"type": "object", "description": "The order accepting a quote made (as checkout answers)",
                    "properties": {
        "number": _STR, "sentra": _STR, "status": {"type": "string", "enum": ["pending_payment", "placed"]},
        "payment_status": _STR, "payment_method": {"type": "string", "enum": ["bank_transfer", "payment_terms"]},
        "subtotal_idr": _INT, "delivery_fee_idr": _INT, "tax_idr": _INT, "total_idr": _INT,
        "delivery": {"type": "object", "properties": {"method": _STR}}, "checkout_id": _INT,
        "expires_at": {"type": ["string", "null"], "format": "date-time",
                       "description": "bank transfer: when the unpaid order expires"},
        "invoice": {"type": "object", "properties": {"number": _STR, "due_on": _DAY, "total_idr": _INT}},
        "payment": {"type": "object", "properties": {
            "method": _STR, "status": _STR, "amount_idr": _INT,
            "instructions": {"type": "object", "description": "bank_transfer: bank, account_number, "
                                                              "account_holder, amount_idr with its unique code, "
                                                              "expires_at, reference"}}}}},
    "Invoice": {"type": "object", "properties": {
        "number": {"type": "string", "description": "INV/<SENTRA>/<YYYY>/<NNNN>"}, "order_number": _STR,
        "sentra": {"type": "string", "description": "the sentra's slug"},
        "status": {"type": "string", "enum": ["unpaid", "paid", "void"]},
        "overdue": {"type": "boolean", "description": "unpaid and past due_on"},
        "issued_at": _WHEN, "due_on": _DAY, "terms_days": {"type": ["integer", "null"], "enum": [14, 30, None]},
        "payment_method": _STR, "subtotal_idr": _INT, "delivery_fee_idr": _INT, "tax_idr": _INT, "total_idr": _INT}},
    "RfqList": _b2b_list("Rfq"),
    "PurchaseApprovalList": _b2b_list("PurchaseApproval"),
    "PartnerOrderList": _b2b_list("PartnerOrder"),
    "InvoiceList": _b2b_list("Invoice"),
})

_NOTE_BODY = {"required": False, **_json({"type": "object", "properties": {"note": {"type": "string",
                                                                                     "maxLength": 1000}}},
                                         "An optional note")}
_COMMENT_BODY = _json({"type": "object", "required": ["body"], "properties": {
    "body": {"type": "string", "minLength": 1, "maxLength": 2000}}}, "The comment")
_COMMENT_RESPONSES = {
    "201": _json({"type": "object", "properties": {"comment": _ref("RfqComment")}}, "The comment (the other side is "
                                                                                    "emailed)"),
    "400": _json(_ref("Error"), "bad_request: not a JSON object, or body not a string"), "401": ERROR,
    "404": ERROR, "422": _json(_ref("Error"), "validation_error: empty or longer than 2000 characters"),
}

SPEC["paths"].update({
    "/mitra/rfqs": {
        "get": {
            "summary": "The partner's requests for quote, most recently changed first, each with its latest quote",
            "security": _B2B_SECURITY,
            "parameters": [_status_filter(_RFQ_STATUSES),
                           _PARTNER_ID_PARAM, *PAGE_PARAMS],
            "responses": {"200": _json(_ref("RfqList"), "A page of requests"),
                          "400": _json(_ref("Error"), "invalid_filter: unknown status; or bad paging"),
                          "401": ERROR, "403": _NOT_PARTNER},
        },
        "post": {
            "summary": "Send a request for quote to a sentra (reference images are sent from the web form only); "
                       "the sentra's members are emailed",
            "security": _B2B_SECURITY,
            "requestBody": _json(_ref("RfqInput"), "The request"),
            "responses": {
                "201": _json({"type": "object", "properties": {"rfq": _ref("Rfq")}}, "The request, status open"),
                "400": _json(_ref("Error"), "bad_request: not a JSON object, needed_by not YYYY-MM-DD, no address "
                                            "object, lines not a list of objects, a field of the wrong type"),
                "401": ERROR, "403": _NOT_PARTNER,
                "422": _json(_ref("Error"), "validation_error: unknown or inactive sentra, needed_by missing or in "
                                            "the past, an incomplete address, no lines, a line without description "
                                            "or quantity, another sentra's product, a quantity under the wholesale "
                                            "minimum (fields name each, e.g. lines.0.quantity)"),
            },
        },
    },
    "/mitra/rfqs/{rfq_id}": {
        "get": {
            "summary": "One of the partner's requests with its lines, every quote revision (with lines) and the "
                       "comments",
            "security": _B2B_SECURITY,
            "parameters": [_RFQ_ID_PARAM],
            "responses": {"200": _json({"type": "object", "properties": {"rfq": _ref("Rfq")}}, "The request"),
                          "401": ERROR, "403": _NOT_PARTNER,
                          "404": _json(_ref("Error"), "not_found: no such request of the caller's partners")},
        }
    },
    "/mitra/rfqs/{rfq_id}/comments": {
        "post": {"summary": "Comment on the partner's request (the sentra is emailed)", "security": _B2B_SECURITY,
                 "parameters": [_RFQ_ID_PARAM], "requestBody": _COMMENT_BODY,
                 "responses": {**_COMMENT_RESPONSES, "403": _NOT_PARTNER}}
    },
    "/mitra/quotes/{quote_id}/accept": {
        "post": {
            "summary": "Accept a quote. Up to the partner's approval threshold the order is made at once at exactly "
                       "the quoted prices (201); above it a manager other than the caller must approve first (202; "
                       "a repeat returns the same pending approval)",
            "security": _B2B_SECURITY,
            "parameters": [_QUOTE_ID_PARAM],
            "requestBody": {"required": False, **_json({"type": "object", "properties": {
                "payment": {"type": "string", "enum": ["bank_transfer", "terms"], "default": "bank_transfer"}}},
                "How to pay")},
            "responses": {
                "201": _json({"type": "object", "properties": {"order": _ref("PlacedOrder")}}, "The order"),
                "202": _json({"type": "object", "properties": {"approval": _ref("PurchaseApproval")}},
                             "Waiting for a manager's approval"),
                "400": _json(_ref("Error"), "bad_request: not a JSON object, payment not a string"),
                "401": ERROR, "403": _NOT_PARTNER,
                "404": _json(_ref("Error"), "not_found: no such quote to the caller's partners"),
                "409": _json(_ref("Error"), "already_accepted, quote_superseded, quote_expired, quote_declined, "
                                            "rfq_closed (withdrawn), insufficient_stock (nothing reserved)"),
                "422": _json(_ref("Error"), "validation_error: unknown payment; terms_unavailable (not enabled), "
                                            "overdue_invoices, credit_limit_exceeded (fields.available_idr)"),
            },
        }
    },
    "/mitra/quotes/{quote_id}/decline": {
        "post": {
            "summary": "Decline an open quote; the request closes (the sentra is emailed)",
            "security": _B2B_SECURITY,
            "parameters": [_QUOTE_ID_PARAM],
            "requestBody": {"required": False, **_json({"type": "object", "properties": {
                "reason": {"type": "string", "maxLength": 500}}}, "An optional reason for the sentra")},
            "responses": {"200": _json({"type": "object", "properties": {"quote": _ref("Quote")}}, "The quote"),
                          "400": ERROR, "401": ERROR, "403": _NOT_PARTNER, "404": ERROR,
                          "409": _json(_ref("Error"), "already_accepted, quote_superseded, quote_declined")},
        }
    },
    "/mitra/approvals": {
        "get": {
            "summary": "The partner's purchase approvals (quotes and carts above the threshold), newest first",
            "security": _B2B_SECURITY,
            "parameters": [_status_filter(["pending", "approved", "rejected", "cancelled", "used"]), _PARTNER_ID_PARAM, *PAGE_PARAMS],
            "responses": {"200": _json(_ref("PurchaseApprovalList"), "A page of approvals"),
                          "400": _json(_ref("Error"), "invalid_filter: unknown status; or bad paging"),
                          "401": ERROR, "403": _NOT_PARTNER},
        }
    },
    "/mitra/approvals/{approval_id}/approve": {
        "post": {
            "summary": "A manager (or the owner) approves a purchase someone else prepared; a quote approval "
                       "places the order for the person who prepared it",
            "security": _B2B_SECURITY,
            "parameters": [_APPROVAL_ID_PARAM],
            "requestBody": _NOTE_BODY,
            "responses": {
                "200": _json({"type": "object", "properties": {"approval": _ref("PurchaseApproval"),
                                                               "order": _ref("PlacedOrder")}},
                             "Approved; order is present when a quote's order was placed"),
                "400": ERROR, "401": ERROR,
                "403": _json(_ref("Error"), "not_partner; approval_not_allowed: not a manager, or the caller's own "
                                            "purchase"),
                "404": ERROR,
                "409": _json(_ref("Error"), "approval_decided; the quote can no longer be accepted "
                                            "(quote_expired, quote_superseded, ...); insufficient_stock"),
                "422": _json(_ref("Error"), "terms_unavailable, overdue_invoices, credit_limit_exceeded"),
            },
        }
    },
    "/mitra/approvals/{approval_id}/reject": {
        "post": {
            "summary": "A manager rejects a purchase someone else prepared; nothing is bought",
            "security": _B2B_SECURITY,
            "parameters": [_APPROVAL_ID_PARAM],
            "requestBody": _NOTE_BODY,
            "responses": {
                "200": _json({"type": "object", "properties": {"approval": _ref("PurchaseApproval")}}, "Rejected"),
                "400": ERROR, "401": ERROR,
                "403": _json(_ref("Error"), "not_partner; approval_not_allowed"), "404": ERROR,
                "409": _json(_ref("Error"), "approval_decided"),
            },
        }
    },
    "/mitra/orders": {
        "get": {
            "summary": "The partner's orders, newest first, with PPN and invoice number",
            "security": _B2B_SECURITY,
            "parameters": [_PARTNER_ID_PARAM, *PAGE_PARAMS],
            "responses": {"200": _json(_ref("PartnerOrderList"), "A page of orders"), "400": ERROR, "401": ERROR,
                          "403": _NOT_PARTNER},
        }
    },
    "/mitra/invoices": {
        "get": {
            "summary": "The partner's invoices (faktur), newest first",
            "security": _B2B_SECURITY,
            "parameters": [_status_filter(["unpaid", "overdue", "paid", "void"], "overdue: unpaid and past due_on"),
                _PARTNER_ID_PARAM, *PAGE_PARAMS],
            "responses": {"200": _json(_ref("InvoiceList"), "A page of invoices"),
                          "400": _json(_ref("Error"), "invalid_filter: unknown status; or bad paging"),
                          "401": ERROR, "403": _NOT_PARTNER},
        }
    },
    "/kelola/{sentra_slug}/rfqs": {
        "get": {
            "summary": "The sentra's quote inbox: open requests first by needed-by date, then the rest",
            "security": _B2B_SECURITY,
            "parameters": [SLUG_PARAM, _status_filter(_RFQ_STATUSES), *PAGE_PARAMS],
            "responses": {"200": _json(_ref("RfqList"), "A page of requests"),
                          "400": _json(_ref("Error"), "invalid_filter: unknown status; or bad paging"),
                          "401": ERROR, "404": _json(_ref("Error"), "not a member of this sentra")},
        }
    },
    "/kelola/{sentra_slug}/rfqs/{rfq_id}": {
        "get": {
            "summary": "One request to the sentra with its address, every quote revision and the comments",
            "security": _B2B_SECURITY,
            "parameters": [SLUG_PARAM, _RFQ_ID_PARAM],
            "responses": {"200": _json({"type": "object", "properties": {"rfq": _ref("Rfq")}}, "The request"),
                          "401": ERROR, "404": _json(_ref("Error"), "not_found: no such request to this sentra")},
        }
    },
    "/kelola/{sentra_slug}/rfqs/{rfq_id}/quotes": {
        "post": {
            "summary": "Quote a request, or revise the quote: the new revision supersedes the open one (and cancels "
                       "approvals waiting on it); PPN is added only for a PKP sentra; the partner is emailed",
            "security": _B2B_SECURITY,
            "parameters": [SLUG_PARAM, _RFQ_ID_PARAM],
            "requestBody": _json(_ref("QuoteInput"), "The quote"),
            "responses": {
                "201": _json({"type": "object", "properties": {"quote": _ref("Quote")}}, "The new revision"),
                "400": _json(_ref("Error"), "bad_request: not a JSON object, valid_until not YYYY-MM-DD, lines not "
                                            "a list of objects, a text field that is not a string"),
                "401": ERROR, "404": _json(_ref("Error"), "not_found: no such request to this sentra"),
                "409": _json(_ref("Error"), "rfq_closed: accepted, declined or withdrawn"),
                "422": _json(_ref("Error"), "validation_error: valid_until missing or past, a delivery method that "
                                            "cannot reach the address, a fee, price, quantity or lead time that is "
                                            "not a whole number in range, no lines, another sentra's product; "
                                            "fields name each, e.g. lines.0.unit_price_idr"),
            },
        }
    },
    "/kelola/{sentra_slug}/rfqs/{rfq_id}/comments": {
        "post": {"summary": "Comment on a request to the sentra (the partner is emailed)", "security": _B2B_SECURITY,
                 "parameters": [SLUG_PARAM, _RFQ_ID_PARAM], "requestBody": _COMMENT_BODY,
                 "responses": _COMMENT_RESPONSES}
    },
})

# --- the program office's impact figures (orders/impact/api.py) ----------------------------------------------

_IMPACT_FIGURES = {
    "active_sentras": {"type": "integer", "description": "sentras with status active"},
    "members": {"type": "integer", "description": "people with a membership made before the period ended"},
    "active_members": {"type": "integer", "description": "members who did listing, stock, fulfilment, delivery or "
                                                         "quote work for their sentra in the period"},
    "earning_members": {"type": "integer", "description": "members with a positive share of a payout made in the "
                                                          "period"},
    "earned_idr": {"type": "integer", "description": "the sum of those shares"},
    "orders": {"type": "integer", "description": "orders placed in the period, not cancelled, expired or still "
                                                 "waiting for an online payment"},
    "gmv_idr": {"type": "integer", "description": "gross merchandise value: total_idr - refunded_idr of those orders"},
    "buyers": {"type": "integer", "description": "distinct buyers of those orders"},
    "returning_buyers": {"type": "integer", "description": "buyers who ordered in the same scope (kelurahan, kecamatan "
                                                           "or city) before the period, or twice or more in it"},
    "bekasi_buyers": {"type": "integer", "description": "buyers with an order addressed to a Kota Bekasi kelurahan"},
    "bekasi_buyer_share": {"type": "number", "minimum": 0, "maximum": 1,
                           "description": "bekasi_buyers / buyers, 4 decimals; 0 without buyers"},
    "partner_orders": {"type": "integer", "description": "orders bought for a UMKM partner (B2B)"},
    "partner_gmv_idr": {"type": "integer", "description": "their gross merchandise value"},
    "payouts": {"type": "integer", "description": "payouts made to the sentras in the period"},
    "paid_out_idr": {"type": "integer", "description": "their amount"},
}
SPEC["components"]["schemas"].update({
    "ImpactKelurahan": {"type": "object", "properties": {
        "code": {"type": "string", "description": "Kemendagri code, e.g. 32.75.08.1001"}, "name": _STR,
        "kecamatan_code": _STR, "kecamatan_name": _STR, **_IMPACT_FIGURES}},
    "ImpactKecamatan": {"type": "object", "properties": {"code": _STR, "name": _STR, **_IMPACT_FIGURES}},
    "ImpactCity": {"type": "object", "properties": {
        "code": {"type": "string", "enum": ["32.75"]}, "name": {"type": "string", "enum": ["Kota Bekasi"]},
        **_IMPACT_FIGURES}},
    "ImpactMonth": {"type": "object", "properties": {
        "month": {"type": "string", "description": "YYYY-MM in WIB; the first and last are cut to the period"},
        "orders": _INT, "gmv_idr": _INT, "active_members": _INT, "paid_out_idr": _INT}},
    "Impact": {"type": "object", "required": ["from", "to", "kelurahan", "kecamatan", "city", "monthly"],
               "properties": {
        "from": _DAY, "to": _DAY,
        "kelurahan": {"type": "array", "minItems": 56, "maxItems": 56, "items": _ref("ImpactKelurahan"),
                      "description": "every kelurahan of Kota Bekasi, zeros included, by kecamatan then code"},
        "kecamatan": {"type": "array", "items": _ref("ImpactKecamatan")},
        "city": _ref("ImpactCity"),
        "monthly": {"type": "array", "items": _ref("ImpactMonth")}}},
})
SPEC["paths"]["/admin/impact"] = {
    "get": {
        "summary": "The program office's impact figures for a period: every kelurahan, every kecamatan and the city, "
                   "and the months. People and buyers are counted once per row, so a kecamatan or city figure can be "
                   "less than the sum of its rows; the other figures add up",
        "security": [{"bearer": []}],
        "parameters": [
            {"name": "from", "in": "query", "schema": _DAY, "allowEmptyValue": True,
             "description": "first day (WIB); absent or empty: 29 days before to"},
            {"name": "to", "in": "query", "schema": _DAY, "allowEmptyValue": True,
             "description": "last day (WIB, included); absent or empty: today"},
        ],
        "responses": {
            "200": _json(_ref("Impact"), "The figures"),
            "400": _json(_ref("Error"), "invalid_date (not a YYYY-MM-DD day), date_out_of_range (before 2000 or "
                                        "after 2100), reversed_range (to before from), range_too_long (more than "
                                        "five years); fields name the parameter"),
            "401": ERROR,
            "403": _json(_ref("Error"), "forbidden: the token's user is not program-office staff (admin)"),
        },
    }
}


# --- what shop.api.guard refuses before any handler runs, on every operation it can reach -------------------

_GUARD_400 = ("bad_request: a text (query parameter or body field) with a NUL character or that is not valid "
              "Unicode, or a body nested more than 32 levels deep; fields name each, e.g. lines.0.description")
_GUARD_422 = "out_of_range: a whole number in the body beyond the 32-bit range; fields name each"


def _document_the_input_guard(paths: dict[str, Any]) -> None:
    """Add the guard's answers to every operation that takes a query, a body or a path segment."""
    for operation in (op for item in paths.values() for op in item.values()):
        responses = operation["responses"]
        locations = {param["in"] for param in operation.get("parameters", [])}
        if "query" in locations or "requestBody" in operation:
            responses.setdefault("400", _json(_ref("Error"), _GUARD_400))
        if "requestBody" in operation:
            responses.setdefault("422", _json(_ref("Error"), _GUARD_422))
        if "path" in locations:
            responses.setdefault("404", _json(_ref("Error"), "not_found"))


_document_the_input_guard(SPEC["paths"])
