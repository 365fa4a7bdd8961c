"""The cart: one per buyer, a guest's behind a cookie; see orders.cart.services."""
