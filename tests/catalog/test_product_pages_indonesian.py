"""The product page speaks Indonesian by default, as the issue words it."""
from __future__ import annotations

from shop.extensions import db
from tests.factories import make_product, make_sentra


def test_stock_states_read_stok_habis_and_dibuat_sesuai_pesanan(client):
    sentra = make_sentra("32.75.08.1001")
    in_stock = make_product(sentra, title="Keripik Tempe", variants=[{"sku": "A", "price_idr": 15000, "stock": 5}])
    sold_out = make_product(sentra, title="Sambal Roa", variants=[{"sku": "B", "price_idr": 25000, "stock": 0}])
    to_order = make_product(sentra, title="Jasa Desain Logo", made_to_order=True, lead_time_days=7,
                            subsector="desain_komunikasi_visual",
                            variants=[{"sku": "C", "price_idr": 150000, "stock": 0}])
    db.session.commit()

    def page(product) -> str:
        return client.get(f"/p/{product.id}-{product.slug}").get_data(as_text=True)

    assert "Stok 5" in page(in_stock)
    assert "Rp15.000" in page(in_stock)
    assert "Habis" in page(sold_out)
    assert "Dibuat sesuai pesanan, siap dalam 7 hari" in page(to_order)
