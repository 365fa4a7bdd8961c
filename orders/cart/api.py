"""The buyer's cart in the API (bearer token; guests have no API cart).

``GET /cart``, ``POST /cart/items``, ``PATCH /cart/items/<id>``, ``DELETE /cart/items/<id>``:
each answers with the whole cart. A body that is not a JSON object, or a field of
the wrong type, is a 400 naming the fields; a quantity outside 1..999 or a variant
that cannot be bought is a 422 (``invalid_quantity``, ``unavailable``); more than
the stock is a 409 ``insufficient_stock``; an unknown variant or line is a 404.
"""
from __future__ import annotations

from typing import Any

from flask import g

from catalog.pricing import strategy_for
from orders.cart import errors as cart_errors
from orders.cart import services
from orders.cart import summary as cart_summary
from orders.cart.api_schemas import Cart, CartItemInput, CartQuantity
from shop.api import bp
from shop.api.auth import api_login_required
from shop.api.operations import ERROR_DESCRIPTION, BodyError, operation, path, read_body
from shop.api.parsing import whole_number_problem
from shop.errors import api_error
from shop.extensions import db


def cart_json(summary: cart_summary.CartSummary) -> dict[str, Any]:
    """The documented cart body: items, subtotals per sentra, total and unit count."""
    return {
        "items": [
            {
                "id": line.id,
                "variant_id": line.variant_id,
                "product_id": line.product.id,
                "title": line.title,
                "variant_label": line.variant_label,
                "sku": line.variant.sku,
                "quantity": line.quantity,
                "unit_price_idr": line.unit_price_idr,
                "seen_unit_price_idr": line.seen_unit_price_idr,
                "line_total_idr": line.line_total_idr,
                "sentra": line.sentra.slug,
                "price_changed": line.price_changed,
                "stock_short": line.stock_short,
                "available_stock": line.available_stock,
                "unavailable": line.unavailable,
            }
            for line in summary.lines
        ],
        "sentras": [
            {"sentra": group.sentra.slug, "name": group.sentra.name, "subtotal_idr": group.subtotal_idr}
            for group in summary.groups
        ],
        "total_idr": summary.total_idr,
        "item_count": summary.item_count,
    }


ITEM_ID = path("item_id", int, "the cart item's id (another buyer's is a 404)")


def _bad_body(error: BodyError):
    if error.not_an_object:
        return api_error(400, "bad_request", "The body must be a JSON object.")
    fields = {name: "Required." if kind == "missing" else whole_number_problem(kind)
              for name, kind in error.problems.items()}
    return api_error(400, "bad_request", "Some fields are missing or of the wrong type.", fields)


def _error(error: cart_errors.CartError):
    db.session.rollback()
    if isinstance(error, cart_errors.InsufficientStockError):
        return api_error(409, error.code, f"Only {error.available} in stock; the cart cannot hold {error.requested}.",
                         {"quantity": f"at most {error.available}"})
    if isinstance(error, cart_errors.InvalidQuantityError):
        return api_error(422, error.code, f"A quantity from 1 to {services.MAX_QUANTITY} (per variant in the cart).",
                         {"quantity": f"from 1 to {services.MAX_QUANTITY}"})
    if isinstance(error, cart_errors.VariantUnavailableError):
        return api_error(422, error.code, "This variant cannot be bought now (archived, or its product or "
                                          "sentra is not active).", {"variant_id": "unavailable"})
    if isinstance(error, cart_errors.VariantNotFoundError):
        return api_error(404, "not_found", "No variant with this id.", {"variant_id": "not found"})
    if isinstance(error, cart_errors.CartLineNotFoundError):
        return api_error(404, "not_found", "No such item in your cart.")
    return api_error(error.status, error.code, str(error))


def _answer(status: int = 200):
    summary = cart_summary.summarize(services.cart_for_user(g.api_user), strategy_for(g.api_user))
    return cart_json(summary), status


@bp.get("/cart")
@operation("The caller's cart: items grouped by sentra with today's prices and warnings", security=True,
           description="Shows each changed price once (price_changed: true); from then on it counts as seen by the "
                       "buyer, and POST /checkout charges it without a 409 price_changed.",
           responses={200: (Cart, "The cart (empty when there is none)"), 401: ERROR_DESCRIPTION})
@api_login_required
def get_cart():
    """The caller's cart (empty when there is none).

    Reading the cart is how an API buyer sees its prices: a changed price is shown once with
    ``price_changed: true`` and from then on counts as seen, so a checkout charges it. This GET
    therefore writes (and commits) the seen prices, exactly the ones this answer shows.
    """
    cart = services.cart_for_user(g.api_user)
    summary = cart_summary.summarize(cart, strategy_for(g.api_user))
    if cart is not None and summary.has_price_changes:
        services.mark_prices_seen(cart, {line.id: line.unit_price_idr for line in summary.lines})
        db.session.commit()
    return cart_json(summary)


@bp.post("/cart/items")
@operation("Add a variant to the cart (the stock check applies to the item's new quantity)", security=True,
           body=CartItemInput, body_description="The variant and quantity",
           responses={201: (Cart, "The cart"), 400: "Not a JSON object, or a field missing or of the wrong type", 401: ERROR_DESCRIPTION,
                      404: "No such variant, or no such item in your cart",
                      409: "insufficient_stock: more than the stock (made-to-order excepted)",
                      422: "invalid_quantity (not 1 to 999), or unavailable: the variant is archived or its product "
                           "or sentra is not active"})
@api_login_required
def add_cart_item():
    """Add ``{"variant_id", "quantity"}`` (quantity defaults to 1); a variant already there grows. 201."""
    try:
        item = read_body(CartItemInput)
    except BodyError as error:
        return _bad_body(error)
    try:
        cart = services.cart_for_user(g.api_user, create=True)
        services.add_item(cart, item.variant_id, item.quantity, strategy_for(g.api_user))
    except cart_errors.CartError as error:
        return _error(error)
    db.session.commit()
    return _answer(201)


@bp.patch("/cart/items/<int:item_id>")
@operation("Set a cart item's quantity", security=True, params=[ITEM_ID],
           body=CartQuantity, body_description="The new quantity",
           responses={200: (Cart, "The cart"), 400: "Not a JSON object, or a field missing or of the wrong type", 401: ERROR_DESCRIPTION,
                      404: "No such variant, or no such item in your cart",
                      409: "insufficient_stock: more than the stock",
                      422: "invalid_quantity, or unavailable (raising an unavailable item)"})
@api_login_required
def update_cart_item(item_id: int):
    """Set an item's quantity: ``{"quantity"}``."""
    try:
        quantity = read_body(CartQuantity).quantity
    except BodyError as error:
        return _bad_body(error)
    cart = services.cart_for_user(g.api_user)
    if cart is None:
        return api_error(404, "not_found", "No such item in your cart.")
    try:
        services.set_quantity(cart, item_id, quantity, strategy_for(g.api_user))
    except cart_errors.CartError as error:
        return _error(error)
    db.session.commit()
    return _answer()


@bp.delete("/cart/items/<int:item_id>")
@operation("Take an item out of the cart", security=True, params=[ITEM_ID],
           responses={200: (Cart, "The cart"), 401: ERROR_DESCRIPTION, 404: ERROR_DESCRIPTION})
@api_login_required
def delete_cart_item(item_id: int):
    """Take an item out of the cart; answers with the cart."""
    cart = services.cart_for_user(g.api_user)
    if cart is None:
        return api_error(404, "not_found", "No such item in your cart.")
    try:
        services.remove_line(cart, item_id)
    except cart_errors.CartError as error:
        return _error(error)
    db.session.commit()
    return _answer()
