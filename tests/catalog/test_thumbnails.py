"""The small photos of the cart's and the checkout's lines."""
from __future__ import annotations

from catalog.images import add_photo, move_photo
from catalog.thumbnails import cover_thumbnails
from shop.extensions import db
from tests.factories import make_product, make_sentra, png_bytes
from tests.queries import count_queries


def test_each_product_gets_the_thumbnail_of_its_first_photo_in_one_query(app):
    sentra = make_sentra()
    tas, keripik, polos = (make_product(sentra) for _ in range(3))
    first = add_photo(tas, png_bytes(80, 80, (200, 10, 10)))
    second = add_photo(tas, png_bytes(80, 80, (10, 10, 200)))
    only = add_photo(keripik, png_bytes())
    db.session.commit()
    ids = [tas.id, keripik.id, polos.id]
    with app.test_request_context(), count_queries() as statements:  # local storage's URLs need a request
        thumbs = cover_thumbnails(ids)
    assert len(statements) == 1
    assert thumbs[tas.id].endswith(first.thumb_320_key)
    assert thumbs[keripik.id].endswith(only.thumb_320_key)
    assert polos.id not in thumbs  # no photo: left out, and the page shows a plain square
    move_photo(tas, second.id, -1)
    db.session.commit()
    with app.test_request_context():
        assert cover_thumbnails([tas.id])[tas.id].endswith(second.thumb_320_key)


def test_no_products_ask_nothing_of_the_database():
    with count_queries() as statements:
        assert cover_thumbnails([]) == {}
    assert statements == []
