"""A sentra's listings: the /kelola product pages and CSV import/export, and the services
that write a whole product with its first stock (above products, stock, images and csv)."""
