"""Orders: cart, checkout, payments, shipments, quotes."""
