"""Payment providers behind one small interface, registered by name in a dict.

A checkout is paid in three steps (saleor's order): ``prepare`` runs inside the
transaction that reserves stock and makes the orders (no network there);
``start`` runs after that transaction committed and may talk to the provider;
its result is recorded in a third, short transaction.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _

from orders.core.models import Checkout, Order, OrderStatus
from orders.core.payments import Payment, PaymentState, Refund


class PaymentError(Exception):
    """The provider refused or failed; ``message`` is safe to show the buyer."""

    code = "payment_error"
    status = 422

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


@dataclass
class Started:
    """What ``start`` learnt from the provider, recorded on the payment in step 3."""

    provider_ref: str | None = None
    client_secret: str | None = None
    state: str = PaymentState.PENDING
    extra: dict[str, Any] = field(default_factory=dict)


class PaymentProvider:
    name: str = ""
    # Orders of a checkout paid this way start here (card and transfer wait for the money).
    initial_status: str = OrderStatus.PENDING_PAYMENT
    # Whether step 2 talks to the provider (a card PaymentIntent); a transfer needs nothing there.
    needs_start: bool = False

    def is_available(self, config: Mapping[str, Any]) -> bool:
        return True

    def allows(self, delivery_methods: Iterable[str]) -> bool:
        """Whether this method can pay for orders delivered these ways."""
        return True

    def expires_after(self, config: Mapping[str, Any]) -> timedelta | None:
        """How long an unpaid checkout waits before it expires (None: never)."""
        return None

    def check_amount(self, total_idr: int, config: Mapping[str, Any]) -> None:
        """:raise PaymentError: the provider cannot take this amount."""

    def prepare(self, payment: Payment, checkout: Checkout, config: Mapping[str, Any]) -> None:
        """Step 1, inside the checkout's transaction: set the new payment's amount etc. Neither adds nor
        flushes it (:func:`orders.core.placement.record_payment` inserts it); no network."""

    def start(self, payment: Payment, config: Mapping[str, Any]) -> Started:
        """Step 2, outside any transaction: create the payment at the provider.

        :raise PaymentError: the provider refused.
        """
        return Started()

    def instructions(self, payment: Payment, config: Mapping[str, Any]) -> dict[str, Any] | None:
        """What the buyer needs to pay (the API's ``payment.instructions``), or None."""
        return None

    def refund(self, payment: Payment, order: Order, amount_idr: int, actor: Any | None,
               reason: str | None, config: Mapping[str, Any]) -> Refund:
        """Give ``amount_idr`` of ``order`` back. Flushes the Refund row it makes.

        A method without refunds (cash at pickup: the sentra hands the money back) refuses.

        :raise PaymentError: the provider refused, or cannot refund.
        """
        raise PaymentError(_("This payment was made at the sentra; the sentra gives the money back there."),
                           "refund_not_supported")


REGISTRY: dict[str, PaymentProvider] = {}


def register(provider: PaymentProvider) -> PaymentProvider:
    REGISTRY[provider.name] = provider
    return provider


def get_provider(name: str) -> PaymentProvider:
    """:raise KeyError: no provider of that name."""
    return REGISTRY[name]


def available_methods(config: Mapping[str, Any], delivery_methods: Iterable[str]) -> list[str]:
    """Names of the providers a checkout with these deliveries may use, in display order."""
    methods = list(delivery_methods)
    return [name for name, provider in REGISTRY.items()
            if provider.is_available(config) and provider.allows(methods)]
