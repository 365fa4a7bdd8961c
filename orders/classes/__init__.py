"""Classes and workshops a sentra teaches: sessions, seats, bookings and attendance (issue 19).

A seat is taken by a conditional UPDATE on the class row, as stock is on a variant, so
it is never oversold on SQLite or PostgreSQL. A free booking is confirmed at once; a paid
one is an order line of the sentra's order through the one order factory
(:mod:`orders.core.placement`), so payment methods, expiry, refunds and the ledger apply
unchanged: the receivers in :mod:`orders.classes.signals` confirm or release the seats as
the order moves.
"""
