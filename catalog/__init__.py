"""The catalog: products, stock, search and the public pages that show them."""
