"""Page weight: every main public, buyer and sentra page links under 30 KB of JavaScript (DESIGN.md).

The pages are the ones ``python -m bench page_weight`` prints, weighed the same way (the page,
then each stylesheet and script it links, through the app), on a small marketplace made here.
"""
from __future__ import annotations

import pytest

from bench.page_weight import JS_BUDGET_BYTES, linked_assets, log_in, main_pages, weigh_all
from shop.extensions import db
from tests.factories import PASSWORD, fill_cart, make_checkout, make_product, make_sentra, make_user


@pytest.fixture
def weights(app):
    owner = make_user("pemilik@example.test", name="Pemilik Sentra")
    sentra = make_sentra("32.75.08.1001", owner=owner)
    product = make_product(sentra, title="Keripik Singkong Balado", subsector="kuliner", variants=[
        {"options": "Berat=100 g", "price_idr": 15_000, "stock": 20},
        {"options": "Berat=250 g", "price_idr": 32_000, "stock": 20},
    ])
    make_product(sentra, title="Tas Anyaman Bambu", variants=[{"price_idr": 150_000, "stock": 4}])
    buyer = make_user("pembeli@example.test", name="Sari Pembeli")
    db.session.commit()
    variant = product.variants[0]
    pickup = make_checkout(buyer, [(variant, 1)])
    transfer = make_checkout(buyer, [(variant, 1)], method="bank_transfer")
    fill_cart(buyer, [(variant, 2)])
    db.session.commit()
    order = pickup.orders[0]
    pages = main_pages(
        sentra_slug=sentra.slug, product_path=f"/p/{product.id}-{product.slug}", subsector="kuliner",
        order_number=order.number, tracking_code=order.tracking_code, checkout_id=transfer.id,
        product_id=product.id,
    )
    clients = {
        "public": app.test_client(),
        "buyer": log_in(app.test_client(), buyer.email, PASSWORD),
        "sentra": log_in(app.test_client(), owner.email, PASSWORD),
    }
    return weigh_all(clients, pages)


def test_every_main_page_answers_and_links_under_30_kb_of_javascript(weights):
    assert len(weights) >= 25
    assert [w.path for w in weights if w.status != 200] == []
    over = {w.path: w.js_bytes for w in weights if w.js_bytes >= JS_BUDGET_BYTES}
    assert over == {}, f"over the {JS_BUDGET_BYTES} byte JavaScript budget"


def test_the_weighing_counts_the_scripts_and_stylesheets_each_page_links(weights):
    by_name = {w.name: w for w in weights}
    assert all(w.js_bytes > 0 and w.css_bytes > 0 and w.html_bytes > 0 for w in weights)
    assert any(url.endswith("/variants.js") for url in by_name["product"].js_files)
    assert by_name["product"].js_bytes > by_name["home"].js_bytes


@pytest.mark.nodb
def test_linked_assets_are_stylesheets_and_script_sources_each_once():
    html = """<link rel="stylesheet" href="/static/css/app.css"><link rel="icon" href="/favicon.ico">
      <script src="/static/js/app.js" defer></script><script src="/static/js/app.js"></script>
      <script type="application/json" id="data">{}</script><link rel="preload stylesheet" href="/static/css/x.css">"""
    assert linked_assets(html) == (["/static/css/app.css", "/static/css/x.css"], ["/static/js/app.js"])
