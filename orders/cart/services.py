"""Cart operations: one cart per buyer, or per guest behind a cookie token.

Lines are variants with quantities. A quantity above the variant's current stock
is refused when added (made-to-order variants excepted); nothing is reserved here:
stock is taken only at checkout, through :mod:`catalog.stock`. Prices shown come
from the buyer's pricing strategy (:func:`catalog.pricing.strategy_for`); a line
remembers the unit price the buyer last saw so the cart can warn when it changed.

Every function flushes and never commits; the view commits once.
"""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from catalog.pricing import RetailStrategy
from catalog.products.models import Product, ProductStatus, Variant
from orders.cart.errors import (
    CartLineNotFoundError,
    InsufficientStockError,
    InvalidQuantityError,
    VariantNotFoundError,
    VariantUnavailableError,
)
from orders.cart.models import Cart, CartLine
from shop.db import utcnow
from shop.extensions import db
from shop.sentras.models import SentraStatus

MAX_QUANTITY = 999
GUEST_TOKEN_BYTES = 32


# --- guest tokens ------------------------------------------------------------------------------


def new_guest_token() -> str:
    """A fresh random token for a guest's cookie (only its SHA-256 is stored)."""
    return secrets.token_urlsafe(GUEST_TOKEN_BYTES)


def hash_guest_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _plausible_token(token: str | None) -> bool:
    return bool(token) and 20 <= len(token) <= 100  # type: ignore[arg-type]


# --- finding carts -----------------------------------------------------------------------------


def cart_for_user(user: Any, create: bool = False) -> Cart | None:
    """The buyer's cart; with ``create``, made when missing (a concurrent creation is tolerated).

    Flushes when it creates. Returns None when there is none and ``create`` is false.
    """
    cart = db.session.scalar(select(Cart).where(Cart.user_id == user.id))
    if cart is None and create:
        cart = _insert_cart(Cart(user_id=user.id), Cart.user_id == user.id)
    return cart


def cart_for_token(token: str | None, create: bool = False) -> Cart | None:
    """The guest cart behind cookie ``token``; with ``create``, made when missing. Flushes when it creates.

    A token that is missing or not of the expected shape finds nothing (and is not stored).
    """
    if not _plausible_token(token):
        return None
    digest = hash_guest_token(token)  # type: ignore[arg-type]
    cart = db.session.scalar(select(Cart).where(Cart.token == digest, Cart.user_id.is_(None)))
    if cart is None and create:
        cart = _insert_cart(Cart(token=digest), Cart.token == digest)
    return cart


def _insert_cart(cart: Cart, same_owner) -> Cart:
    try:
        with db.session.begin_nested():
            db.session.add(cart)
    except IntegrityError:  # another request made it first
        return db.session.scalars(select(Cart).where(same_owner)).one()
    return cart


def item_count_for(user_id: int | None = None, token: str | None = None) -> int:
    """Units in the cart of ``user_id`` or behind guest ``token``: one query, none without either."""
    if user_id is not None:
        owner = Cart.user_id == user_id
    elif _plausible_token(token):
        owner = Cart.token == hash_guest_token(token)  # type: ignore[arg-type]
    else:
        return 0
    return db.session.scalar(
        select(func.coalesce(func.sum(CartLine.quantity), 0)).join(Cart, Cart.id == CartLine.cart_id).where(owner)
    ) or 0


# --- changing lines ----------------------------------------------------------------------------


def check_quantity(quantity: Any) -> int:
    """``quantity`` if it is a whole number from 1 to 999.

    :raise InvalidQuantityError: otherwise (0, negative, not an int, a bool, above 999).
    """
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
        raise InvalidQuantityError(f"quantity must be a whole number from 1 to {MAX_QUANTITY}")
    return quantity


def _variant_query():
    return select(Variant).options(joinedload(Variant.product))


def _purchasable_variant(variant_id: Any) -> Variant:
    if isinstance(variant_id, bool) or not isinstance(variant_id, int):
        raise VariantNotFoundError(f"no variant {variant_id!r}")
    variant = db.session.scalar(_variant_query().where(Variant.id == variant_id))
    if variant is None:
        raise VariantNotFoundError(f"no variant {variant_id}")
    if not is_available(variant):
        raise VariantUnavailableError(variant.id)
    return variant


def is_available(variant: Variant) -> bool:
    """Whether the variant can be bought: not archived, its product active, its sentra active."""
    product = variant.product
    return (not variant.archived and product.status == ProductStatus.ACTIVE
            and product.sentra.status == SentraStatus.ACTIVE)


def _check_stock(variant: Variant, quantity: int) -> None:
    if not variant.product.made_to_order and quantity > variant.stock:
        raise InsufficientStockError(variant.id, quantity, variant.stock)


def _line_for(cart: Cart, variant_id: int) -> CartLine | None:
    # Locked (PostgreSQL) so two requests growing the same line cannot lose one of the additions.
    return db.session.scalar(
        select(CartLine).where(CartLine.cart_id == cart.id, CartLine.variant_id == variant_id).with_for_update(of=CartLine)
        .execution_options(populate_existing=True)
    )


def _touch(cart: Cart) -> None:
    cart.updated_at = utcnow()


def _reprice(line: CartLine, variant: Variant, old_quantity: int, strategy: RetailStrategy) -> None:
    """Move the seen price to the new quantity's price, unless a price change is still unacknowledged.

    A tier reached by a bigger quantity is not a price change; an earlier price change
    the buyer has not accepted keeps its warning until :func:`refresh_seen_prices`.
    """
    if line.unit_price_idr_seen == strategy.price(variant, old_quantity).unit_price_idr:
        line.unit_price_idr_seen = strategy.price(variant, line.quantity).unit_price_idr


def add_item(cart: Cart, variant_id: int, quantity: int, strategy: RetailStrategy) -> CartLine:
    """Put ``quantity`` units of a variant in ``cart``; a variant already there gets them added. Flushes.

    The stock check applies to the line's new total.

    :raise InvalidQuantityError: ``quantity`` (or the new total) is not from 1 to 999.
    :raise VariantNotFoundError: no variant has this id.
    :raise VariantUnavailableError: the variant is archived, or its product or sentra is not active.
    :raise InsufficientStockError: the new total is above the current stock (not made to order).
    """
    check_quantity(quantity)
    variant = _purchasable_variant(variant_id)
    line = _line_for(cart, variant.id)
    if line is None:
        _check_stock(variant, quantity)
        line = CartLine(cart_id=cart.id, variant_id=variant.id, quantity=quantity,
                        unit_price_idr_seen=strategy.price(variant, quantity).unit_price_idr)
        try:
            with db.session.begin_nested():
                db.session.add(line)
        except IntegrityError:  # the same variant added by a concurrent request: add to that line
            line = _line_for(cart, variant.id)
            if line is None:
                raise
            return _grow(line, variant, quantity, strategy, cart)
        _touch(cart)
        db.session.flush()
        return line
    return _grow(line, variant, quantity, strategy, cart)


def _grow(line: CartLine, variant: Variant, quantity: int, strategy: RetailStrategy, cart: Cart) -> CartLine:
    total = line.quantity + quantity
    if total > MAX_QUANTITY:
        raise InvalidQuantityError(f"at most {MAX_QUANTITY} units of one variant")
    _check_stock(variant, total)
    old = line.quantity
    line.quantity = total
    _reprice(line, variant, old, strategy)
    _touch(cart)
    db.session.flush()
    return line


def _cart_line(cart: Cart, line_id: Any) -> CartLine:
    if isinstance(line_id, bool) or not isinstance(line_id, int):
        raise CartLineNotFoundError(f"no line {line_id!r}")
    line = db.session.scalar(
        select(CartLine).where(CartLine.cart_id == cart.id, CartLine.id == line_id).with_for_update(of=CartLine)
        .execution_options(populate_existing=True)
    )
    if line is None:
        raise CartLineNotFoundError(f"no line {line_id} in this cart")
    return line


def set_quantity(cart: Cart, line_id: int, quantity: int, strategy: RetailStrategy) -> CartLine:
    """Set a line's quantity. Flushes.

    A lower quantity is always accepted, even for a variant that became unavailable;
    a higher one must fit the current stock (not made to order) and the variant must
    still be available.

    :raise CartLineNotFoundError: no such line in ``cart``.
    :raise InvalidQuantityError: ``quantity`` is not from 1 to 999.
    :raise VariantUnavailableError: raising the quantity of a variant that can no longer be bought.
    :raise InsufficientStockError: raising it above the current stock.
    """
    check_quantity(quantity)
    line = _cart_line(cart, line_id)
    variant = db.session.scalar(_variant_query().where(Variant.id == line.variant_id))
    if quantity > line.quantity:
        if not is_available(variant):
            raise VariantUnavailableError(variant.id)
        _check_stock(variant, quantity)
    old = line.quantity
    line.quantity = quantity
    _reprice(line, variant, old, strategy)
    _touch(cart)
    db.session.flush()
    return line


def remove_line(cart: Cart, line_id: int) -> None:
    """Take a line out of ``cart``. Flushes.

    :raise CartLineNotFoundError: no such line in ``cart``.
    """
    line = _cart_line(cart, line_id)
    db.session.delete(line)
    _touch(cart)
    db.session.flush()


def refresh_seen_prices(cart: Cart, strategy: RetailStrategy) -> int:
    """The buyer accepts the current prices: each line's seen price becomes today's. Flushes.

    Returns how many lines changed.
    """
    prices = {line.id: strategy.price(variant, line.quantity).unit_price_idr
              for line, variant in lines_with_variants(cart.id, strategy)}
    return mark_prices_seen(cart, prices)


def mark_prices_seen(cart: Cart, prices: Mapping[int, int]) -> int:
    """The buyer was shown these unit prices (cart line id -> price): they become the lines' seen
    prices, so a checkout no longer stops on them. Lines not in ``prices`` keep theirs. Flushes.

    Returns how many lines changed.
    """
    changed = 0
    for line in db.session.scalars(select(CartLine).where(CartLine.cart_id == cart.id, CartLine.id.in_(list(prices)))):
        if line.unit_price_idr_seen != prices[line.id]:
            line.unit_price_idr_seen = prices[line.id]
            changed += 1
    if changed:
        _touch(cart)
        db.session.flush()
    return changed


def clear_lines(cart: Cart, variant_ids: Iterable[int]) -> int:
    """Remove the lines of these variants (checkout calls it after an order is placed). Flushes.

    Returns how many lines were removed; variants not in the cart are ignored.
    """
    ids = sorted(set(variant_ids))
    if not ids:
        return 0
    lines = db.session.scalars(
        select(CartLine).where(CartLine.cart_id == cart.id, CartLine.variant_id.in_(ids))
    ).all()
    for line in lines:
        db.session.delete(line)
    if lines:
        db.session.expire(cart, ["lines"])
        _touch(cart)
        db.session.flush()
    return len(lines)


# --- merging at login --------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeResult:
    cart: Cart
    capped_variant_ids: tuple[int, ...] = ()  # lines cut down to the stock there is


def merge_carts(guest_cart: Cart, user_cart: Cart) -> MergeResult:
    """Move the guest cart's lines into the buyer's cart, then delete the guest cart. Flushes.

    Quantities of the same variant are summed, capped at the current stock for
    stocked variants (an out-of-stock variant keeps the larger of the two
    quantities, flagged on the cart page) and at 999; made-to-order variants have
    no stock cap. A line keeps the price the buyer's own line had seen, else the guest's.
    """
    if guest_cart.id == user_cart.id:
        return MergeResult(user_cart)
    mine = {line.variant_id: line for line, _variant in lines_with_variants(user_cart.id)}
    capped: list[int] = []
    for guest_line, variant in lines_with_variants(guest_cart.id):
        own = mine.get(variant.id)
        own_quantity = own.quantity if own else 0
        quantity = min(own_quantity + guest_line.quantity, MAX_QUANTITY)
        if not variant.product.made_to_order and quantity > variant.stock:
            quantity = variant.stock if variant.stock > 0 else max(own_quantity, guest_line.quantity)
            capped.append(variant.id)
        if own is not None:
            own.quantity = quantity
        else:
            db.session.add(CartLine(cart_id=user_cart.id, variant_id=variant.id, quantity=quantity,
                                    unit_price_idr_seen=guest_line.unit_price_idr_seen, added_at=guest_line.added_at))
    db.session.delete(guest_cart)  # its lines go with it (cascade)
    db.session.expire(user_cart, ["lines"])
    _touch(user_cart)
    db.session.flush()
    return MergeResult(user_cart, tuple(capped))


def adopt_guest_cart(user: Any, token: str | None) -> MergeResult | None:
    """At login: the guest cart behind ``token`` becomes (or merges into) ``user``'s cart. Flushes.

    Returns None when the token finds no guest cart.
    """
    guest = cart_for_token(token)
    if guest is None:
        return None
    own = cart_for_user(user)
    if own is None:
        guest.user_id = user.id
        guest.token = None
        _touch(guest)
        db.session.flush()
        return MergeResult(guest)
    return merge_carts(guest, own)


def lines_with_variants(cart_id: int, strategy: RetailStrategy | None = None) -> list[tuple[CartLine, Variant]]:
    """A cart's lines with variant, product and sentra in one query (plus tiers when priced by tier)."""
    query = (
        select(CartLine)
        .where(CartLine.cart_id == cart_id)
        .options(joinedload(CartLine.variant).joinedload(Variant.product).joinedload(Product.sentra))
        .order_by(CartLine.id)
    )
    if strategy is not None and strategy.shows_tiers:
        query = query.options(joinedload(CartLine.variant).selectinload(Variant.tiers))
    return [(line, line.variant) for line in db.session.scalars(query).unique()]
