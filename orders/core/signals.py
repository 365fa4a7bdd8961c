"""In-process signals an order sends as it changes, so the layers above learn of it without
the core importing them (B2B voids or pays its invoice, the ledger posts its entries).

Receivers run synchronously, in the sender's transaction, exactly where the core used to
call them: they may flush, never commit, and an exception they raise rolls the change back.
Each receiving package connects its receivers when its module is imported, and the app
factory imports it, so the web app, the CLI and the worker all have them.

- :data:`order_placed` (sender: the new order, before its first flush): shipping gives it its shipment
- :data:`order_status_changed` (sender: the order; ``from_status``, ``to_status``, ``actor``)
- :data:`order_paid` (sender: the order; ``when``, ``config``)
- :data:`order_refunded` (sender: the order): a refund was booked onto it
- :data:`order_dispute_lost` (sender: the order; ``config``): the buyer's bank took the money back
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

order_placed = _signals.signal("order-placed")
order_status_changed = _signals.signal("order-status-changed")
order_paid = _signals.signal("order-paid")
order_refunded = _signals.signal("order-refunded")
order_dispute_lost = _signals.signal("order-dispute-lost")
