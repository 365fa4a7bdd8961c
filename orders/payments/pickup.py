"""Pay on pickup: cash or QRIS handed to the sentra; the sentra records it at handover."""
from __future__ import annotations

from collections.abc import Iterable

from orders.core.models import DeliveryMethod, OrderStatus
from orders.core.providers import PaymentProvider, register


class PayOnPickup(PaymentProvider):
    """Cash or QRIS at the sentra: only when every order of the checkout is picked up."""

    name = "pay_on_pickup"
    initial_status = OrderStatus.PLACED

    def allows(self, delivery_methods: Iterable[str]) -> bool:
        methods = list(delivery_methods)
        return bool(methods) and all(m == DeliveryMethod.PICKUP for m in methods)


register(PayOnPickup())
