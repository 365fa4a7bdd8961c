"""The order core: what every way of buying builds on (locks, the lifecycle, its signals).

Nothing here imports the packages built on top of it (b2b, the ledger, impact): they
learn of an order's changes through :mod:`orders.core.signals`.
"""
