"""The order core, what every way of buying builds on: the order models, the status machine,
codes and errors, the payment record and the provider interface, the promised date, the locks,
placement (the one function that builds an order), the lifecycle (cancel, expire, refund, the
stock return) and the signals an order sends.

Nothing here imports the packages built on top of it (b2b, the ledger, impact): they learn
of an order's changes through :mod:`orders.core.signals`.
"""
