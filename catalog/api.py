"""Catalog endpoints of the JSON API, registered on shop.api's blueprint.

Public: ``GET /products/<id>`` and ``GET /sentras/<slug>/products``. For a
sentra's members (bearer token): create and change products, and change stock,
under ``/kelola/<sentra_slug>/``. Another sentra's product or variant is a 404.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import g, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from catalog import stock
from catalog.api_schemas import (
    STOCK_CHANGE_MESSAGES,
    ProductInput,
    ProductList,
    StockChange,
    StockResult,
)
from catalog.api_schemas import Product as ProductShape
from catalog.images import image_urls
from catalog.listings.services import create_product, update_product
from catalog.pricing import RETAIL, strategy_for
from catalog.products.models import Product, ProductStatus, StockReason, Variant
from catalog.products.services import (
    ProductDraft,
    ProductNotFoundError,
    ProductValidationError,
    TierDraft,
    VariantDraft,
    load_product,
    load_variant,
)
from shop.api import bp
from shop.api.auth import api_sentra_required, bearer_user
from shop.api.operations import ERROR_DESCRIPTION, operation, read_body
from shop.api.operations import BodyError as RequestBodyError
from shop.api.paging import list_envelope, page_params
from shop.api.parsing import body_int
from shop.api.schemas import PAGE_PARAMS
from shop.errors import api_error
from shop.extensions import db
from shop.sentras.models import Sentra, SentraStatus

# --- JSON shapes -------------------------------------------------------------------------------


def product_json(product: Product, *, show_tiers: bool, private: bool = False) -> dict[str, Any]:
    """The documented Product shape. ``private`` (the sentra's own API) adds its management fields."""
    body: dict[str, Any] = {
        "id": product.id,
        "title": product.title,
        "slug": product.slug,
        "description": product.description,
        "sentra": product.sentra.slug,
        "subsector": product.subsector_code,
        "category": product.category,
        "status": product.status,
        "made_to_order": product.made_to_order,
        "lead_time_days": product.lead_time_days,
        "pirt_number": product.pirt_number,
        "halal_number": product.halal_number,
        "shelf_life_days": product.shelf_life_days,
        "url": url_for("storefront.product_detail", product_id=product.id, slug=product.slug, _external=True),
        "images": [
            {"alt": image.alt_text, "url": urls["full"], "w320": urls["w320"], "w960": urls["w960"]}
            for image, urls in ((image, image_urls(image)) for image in product.images)
        ],
        "variants": [_variant_json(v, show_tiers=show_tiers, private=private) for v in product.active_variants],
    }
    if private:
        body["ref"] = product.ref
    return body


def _variant_json(variant: Variant, *, show_tiers: bool, private: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": variant.id,
        "sku": variant.sku,
        "options": [{"name": name, "value": value} for name, value in variant.options or []],
        "price_idr": variant.price_idr,
        "stock": variant.stock,
        "weight_grams": variant.weight_grams,
    }
    if show_tiers or private:
        body["min_wholesale_qty"] = variant.min_wholesale_qty
        body["tiers"] = [{"min_qty": t.min_qty, "unit_price_idr": t.unit_price_idr} for t in variant.tiers]
    if private:
        body["low_stock_threshold"] = variant.low_stock_threshold
    return body


def _with_children(query):
    return query.options(
        selectinload(Product.variants).selectinload(Variant.tiers), selectinload(Product.images)
    )


# --- public ------------------------------------------------------------------------------------


@bp.get("/products/<int:product_id>")
@operation("A public product (active, of an active sentra); tiers only for a verified partner's token",
           responses={200: (ProductShape, "The product"), 404: ERROR_DESCRIPTION})
def get_product(product_id: int):
    """A public product; ``tiers`` only for a verified partner's member. :raise 404: not public."""
    product = db.session.scalar(
        _with_children(select(Product))
        .join(Sentra, Sentra.id == Product.sentra_id)
        .where(Product.id == product_id, Product.status == ProductStatus.ACTIVE,
               Sentra.status == SentraStatus.ACTIVE)
    )
    if product is None:
        return api_error(404, "not_found", "No public product with this id.")
    user = bearer_user() if request.headers.get("Authorization") else None
    strategy = strategy_for(user) if user is not None else RETAIL
    return product_json(product, show_tiers=strategy.shows_tiers)


@bp.get("/sentras/<slug>/products")
@operation("An active sentra's public products, newest first", params=PAGE_PARAMS,
           responses={200: (ProductList, "A page of products"), 400: ERROR_DESCRIPTION, 404: ERROR_DESCRIPTION})
def list_sentra_products(slug: str):
    """A page of an active sentra's public products, newest first. :raise 404: no such active sentra."""
    page, per_page = page_params()
    sentra_id = db.session.scalar(select(Sentra.id).where(Sentra.slug == slug, Sentra.status == SentraStatus.ACTIVE))
    if sentra_id is None:
        return api_error(404, "not_found", "No active sentra with this slug.")
    where = (Product.sentra_id == sentra_id, Product.status == ProductStatus.ACTIVE)
    total = db.session.scalar(select(func.count(Product.id)).where(*where)) or 0
    products = db.session.scalars(
        _with_children(select(Product))
        .where(*where)
        .order_by(Product.created_at.desc(), Product.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    user = bearer_user() if request.headers.get("Authorization") else None
    show_tiers = strategy_for(user).shows_tiers if user is not None else False
    return list_envelope([product_json(p, show_tiers=show_tiers) for p in products], total, page, per_page)


# --- the sentra's own products -------------------------------------------------------------------


class BodyError(ValueError):
    """A request body that is not the JSON object an endpoint takes (a 400)."""


def _json_object() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BodyError("The body must be a JSON object.")
    return body


def _str(value: Any, name: str, errors: dict[str, str], *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        errors[name] = "Must be a string."
        return None
    return value


def _options(value: Any, name: str, errors: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """Options as an object ``{"Ukuran": "M"}`` or a list of ``{"name", "value"}`` objects."""
    if value is None:
        return ()
    if isinstance(value, dict):
        pairs = list(value.items())
    elif isinstance(value, list) and all(isinstance(i, dict) and set(i) == {"name", "value"} for i in value):
        pairs = [(item["name"], item["value"]) for item in value]
    else:
        errors[name] = "Options are an object or a list of {name, value}."
        return ()
    if not all(isinstance(n, str) and isinstance(v, str) and n.strip() and v.strip() for n, v in pairs):
        errors[name] = "Each option needs a non-empty name and value."
        return ()
    return tuple((n.strip(), v.strip()) for n, v in pairs)


def _tiers(value: Any, name: str, errors: dict[str, str]) -> tuple[TierDraft, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(
        isinstance(t, dict) and isinstance(t.get("min_qty"), int) and isinstance(t.get("unit_price_idr"), int)
        and not isinstance(t.get("min_qty"), bool) and not isinstance(t.get("unit_price_idr"), bool)
        for t in value
    ):
        errors[name] = "Tiers are a list of {min_qty, unit_price_idr} whole numbers."
        return ()
    return tuple(TierDraft(t["min_qty"], t["unit_price_idr"]) for t in sorted(value, key=lambda t: t["min_qty"]))


VARIANT_FIELDS = {"id", "sku", "options", "price_idr", "stock", "weight_grams", "low_stock_threshold",
                  "min_wholesale_qty", "tiers"}
PRODUCT_FIELDS = {"title", "description", "subsector", "category", "status", "made_to_order", "lead_time_days",
                  "pirt_number", "halal_number", "shelf_life_days", "ref", "variants"}


def _variant_drafts(value: Any, errors: dict[str, str]) -> tuple[VariantDraft, ...]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        errors["variants"] = "Variants are a list of objects."
        return ()
    drafts = []
    for index, item in enumerate(value):
        name = f"variants-{index}-"
        for unknown in sorted(set(item) - VARIANT_FIELDS):
            errors[name + unknown] = "Unknown field."
        sku = _str(item.get("sku"), name + "sku", errors)
        price = body_int(item.get("price_idr"), name + "price_idr", errors)
        drafts.append(
            VariantDraft(
                id=body_int(item.get("id"), name + "id", errors, optional=True),
                sku=sku or "",
                price_idr=price if price is not None else 0,
                options=_options(item.get("options"), name + "options", errors),
                stock=body_int(item.get("stock", 0), name + "stock", errors) or 0,
                weight_grams=body_int(item.get("weight_grams", 0), name + "weight_grams", errors) or 0,
                low_stock_threshold=body_int(item.get("low_stock_threshold", 3), name + "low_stock_threshold",
                                         errors) or 0,
                min_wholesale_qty=body_int(item.get("min_wholesale_qty"), name + "min_wholesale_qty", errors,
                                       optional=True),
                tiers=_tiers(item.get("tiers"), name + "tiers", errors),
            )
        )
    return tuple(drafts)


def _draft_from(body: dict[str, Any], base: ProductDraft | None) -> ProductDraft:
    """A draft from a JSON body; with ``base`` (PATCH) only the fields given change.

    :raise ProductValidationError: unknown fields or wrong types, with per-field messages.
    """
    errors: dict[str, str] = {name: "Unknown field." for name in sorted(set(body) - PRODUCT_FIELDS)}
    values: dict[str, Any] = {}
    for name in ("title", "description", "category", "status"):
        if name in body:
            values[name] = _str(body[name], name, errors)
    if "subsector" in body:
        values["subsector_code"] = _str(body["subsector"], "subsector", errors)
    for name in ("pirt_number", "halal_number", "ref"):
        if name in body:
            values[name] = _str(body[name], name, errors, optional=True)
    if base is not None and "ref" in body and values["ref"] != base.ref:
        errors["ref"] = "The reference is set when the product is made and cannot be changed."
    for name in ("lead_time_days", "shelf_life_days"):
        if name in body:
            values[name] = body_int(body[name], name, errors, optional=True)
    if "made_to_order" in body:
        if not isinstance(body["made_to_order"], bool):
            errors["made_to_order"] = "Must be true or false."
        values["made_to_order"] = body["made_to_order"] is True
    if "variants" in body:
        values["variants"] = _variant_drafts(body["variants"], errors)
    if base is None:
        for name in ("title", "subsector"):
            if name not in body:
                errors[name] = "Required."
        if "variants" not in body:
            errors["variants"] = "Required."
    if errors:
        raise ProductValidationError(errors)
    return ProductDraft(**values) if base is None else replace(base, **values)


def _draft_of(product: Product) -> ProductDraft:
    """The product as it stands, as a draft (the base a PATCH changes)."""
    return ProductDraft(
        title=product.title, subsector_code=product.subsector_code, description=product.description,
        category=product.category, status=product.status, made_to_order=product.made_to_order,
        lead_time_days=product.lead_time_days, pirt_number=product.pirt_number, halal_number=product.halal_number,
        shelf_life_days=product.shelf_life_days, ref=product.ref,
        variants=tuple(
            VariantDraft(
                id=v.id, sku=v.sku, price_idr=v.price_idr, options=tuple(tuple(p) for p in v.options or []),
                weight_grams=v.weight_grams, low_stock_threshold=v.low_stock_threshold,
                min_wholesale_qty=v.min_wholesale_qty,
                tiers=tuple(TierDraft(t.min_qty, t.unit_price_idr) for t in v.tiers),
            )
            for v in product.active_variants
        ),
    )


def _validation_error(error: ProductValidationError):
    fields = {name: str(message) for name, message in error.fields.items()}
    return api_error(422, "invalid", "Some fields are not valid.", fields)


@bp.post("/kelola/<sentra_slug>/products")
@operation("Create a product of the sentra (a draft unless status says otherwise)", security=True,
           body=ProductInput, body_description="The product with its variants",
           responses={201: (ProductShape, "The product"), 400: ERROR_DESCRIPTION, 401: ERROR_DESCRIPTION,
                      403: ERROR_DESCRIPTION, 404: ERROR_DESCRIPTION,
                      422: "Broken rules; fields are named like variants-0-sku"})
@api_sentra_required("member")
def create_sentra_product(sentra_slug: str):
    """Create a product (a draft unless ``status`` says otherwise) with its variants.

    :raise 400: the body is not a JSON object. :raise 422: a field breaks a rule.
    """
    try:
        draft = _draft_from(_json_object(), None)
        product = create_product(g.sentra, g.api_user.id, draft)
    except BodyError as error:
        return api_error(400, "bad_request", str(error))
    except ProductValidationError as error:
        db.session.rollback()
        return _validation_error(error)
    db.session.commit()
    return product_json(product, show_tiers=True, private=True), 201


@bp.patch("/kelola/<sentra_slug>/products/<int:product_id>")
@operation("Change a product of the sentra: only the fields given", security=True,
           body=ProductInput, body_description="The fields to change",
           responses={200: (ProductShape, "The product"), 400: ERROR_DESCRIPTION, 401: ERROR_DESCRIPTION,
                      403: ERROR_DESCRIPTION, 404: ERROR_DESCRIPTION, 422: ERROR_DESCRIPTION})
@api_sentra_required("member")
def update_sentra_product(sentra_slug: str, product_id: int):
    """Change the fields given; ``variants``, if given, replaces the list (left-out variants are archived).

    :raise 404: not a product of this sentra. :raise 400: not a JSON object. :raise 422: a broken rule.
    """
    try:
        product = load_product(g.sentra.id, product_id)
    except ProductNotFoundError:
        return api_error(404, "not_found", "No such product in this sentra.")
    try:
        draft = _draft_from(_json_object(), _draft_of(product))
        update_product(product, g.api_user.id, draft)
    except BodyError as error:
        return api_error(400, "bad_request", str(error))
    except ProductValidationError as error:
        db.session.rollback()
        return _validation_error(error)
    db.session.commit()
    return product_json(product, show_tiers=True, private=True)


@bp.post("/kelola/<sentra_slug>/variants/<int:variant_id>/stock")
@operation("Add or remove units of a variant (writes a stock movement)", security=True,
           body=StockChange, body_description="The change",
           responses={200: (StockResult, "The new stock"), 400: ERROR_DESCRIPTION, 401: ERROR_DESCRIPTION,
                      403: ERROR_DESCRIPTION, 404: ERROR_DESCRIPTION,
                      409: "insufficient_stock: the change would take stock below zero", 422: ERROR_DESCRIPTION})
@api_sentra_required("member")
def change_variant_stock(sentra_slug: str, variant_id: int):
    """Add or remove units: ``{"delta": int, "reason": "restock"|"correction"|"return", "note"?}``.

    :raise 404: not a variant of this sentra. :raise 400: not a JSON object. :raise 422: a bad delta or
    reason. :raise 409: ``insufficient_stock``, the change would take stock below zero.
    """
    try:
        variant = load_variant(g.sentra.id, variant_id)
    except ProductNotFoundError:
        return api_error(404, "not_found", "No such variant in this sentra.")
    try:
        change = read_body(StockChange)
    except RequestBodyError as error:
        if error.not_an_object:
            return api_error(400, "bad_request", "The body must be a JSON object.")
        return api_error(422, "invalid", "Some fields are not valid.",
                         {name: STOCK_CHANGE_MESSAGES[name] for name in error.problems})
    try:
        movement = stock.adjust(variant.id, change.delta, StockReason(change.reason), actor_id=g.api_user.id,
                                note=change.note)
    except stock.InsufficientStockError as error:
        db.session.rollback()
        return api_error(409, "insufficient_stock",
                         f"Only {error.available} in stock; this change would take it below zero.",
                         {"delta": f"at least {-error.available}"})
    db.session.commit()
    return {
        "variant_id": variant.id,
        "stock": movement.stock_after,
        "movement": {
            "id": movement.id, "delta": movement.delta, "reason": movement.reason,
            "stock_after": movement.stock_after, "note": movement.note,
            "created_at": movement.created_at.isoformat(),
        },
    }
