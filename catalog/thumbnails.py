"""Small photos of products for lists that show a product in a line (the cart, the checkout).

One query for the whole list; a product without a photo is simply left out.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from catalog.products.models import ProductImage
from shop import storage
from shop.extensions import db


def cover_thumbnails(product_ids: Iterable[int]) -> dict[int, str]:
    """The 320 px thumbnail URL of each product's first photo (by position), keyed by product id. Reads only."""
    ids = set(product_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(ProductImage.product_id, ProductImage.thumb_320_key)
        .where(ProductImage.product_id.in_(ids))
        .order_by(ProductImage.product_id, ProductImage.position, ProductImage.id)
    )
    backend = storage.get_storage()
    thumbs: dict[int, str] = {}
    for product_id, key in rows:
        if product_id not in thumbs:
            thumbs[product_id] = backend.url(key)
    return thumbs
