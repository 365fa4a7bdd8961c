"""Who a cart checkout buys for, when that is not simply the buyer: a seam another package fills.

A verified partner's member buys for the partner (``orders.b2b``): above the partner's
threshold a manager must approve the cart first, and the placed checkout becomes the
partner's, with invoices. The checkout must not import b2b (b2b is built on checkout), so
b2b provides a :class:`Purchaser` when the app is built (:func:`provide`, from
``orders.blueprints.init_app``) and the checkout asks for it (:func:`provided`). Without
one, every checkout is the buyer's own.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from flask import Flask, current_app

from orders.core.models import Checkout, Order
from shop.accounts.models import User

_KEY = "checkout_purchaser"


class Purchaser(Protocol):
    """What the checkout asks of the package that buys on someone's behalf."""

    def gate(self, buyer: User, pairs: list[tuple[int, int]], total_idr: int) -> Any | None:
        """The purchase this checkout is (None: the buyer's own), checked before anything is placed.

        :raise ApprovalRequiredError: (``orders.checkout.errors``) the cart needs an approval it lacks.
        """

    def complete(self, purchase: Any, checkout: Checkout, orders: list[Order], now: datetime) -> None:
        """Finish a placed checkout that :meth:`gate` called a purchase (after the stock is reserved)."""

    def approval_of(self, buyer: User, pairs: list[tuple[int, int]]) -> Any | None:
        """The approval the buyer asked for with this cart, for the checkout page to show, or None."""


def provide(app: Flask, purchaser: Purchaser) -> None:
    """Make ``purchaser`` the one every checkout of ``app`` asks."""
    app.extensions[_KEY] = purchaser


def provided() -> Purchaser | None:
    """The current app's purchaser, or None when no package provides one."""
    return current_app.extensions.get(_KEY)
