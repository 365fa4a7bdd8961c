"""Page weight: HTML, CSS and JavaScript bytes of each main public, buyer and sentra page.

The app runs in process as the tests build it (``create_app`` on a SQLite file in a temporary
folder, CSRF off, local media), with the demo seed (56 sentras, their products and photos, the
demo accounts) and two checkouts the demo buyer made at Jatiwaringin through the real checkout
(one to collect, one by bank transfer still to pay), so the order and payment pages have something
to show. Each page is fetched with a Flask test client, logged in as the one who sees it (nobody,
the demo buyer, or the sentra's owner); its stylesheets (``<link rel="stylesheet">``) and scripts
(``<script src>``) are fetched too and their bytes summed.
Bytes are as served, before any compression; photos are not counted (they are lazy-loaded).

DESIGN.md's budget is under 30 KB of JavaScript per page; ``tests/test_page_weight.py`` holds
every page to it.
"""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

JS_BUDGET_BYTES = 30 * 1024
DEMO_PASSWORD = "pasar-sentra-demo"
DEMO_SENTRA = "jatiwaringin"


@dataclass(frozen=True)
class PageWeight:
    """What one page costs to load, without its photos."""

    who: str
    name: str
    path: str
    status: int
    html_bytes: int
    css_bytes: int
    js_bytes: int
    css_files: tuple[str, ...]
    js_files: tuple[str, ...]


class _LinkedAssets(HTMLParser):
    """The stylesheets and scripts a page links, in document order, each once."""

    def __init__(self) -> None:
        super().__init__()
        self.css: list[str] = []
        self.js: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "link" and "stylesheet" in (values.get("rel") or "").split() and values.get("href"):
            _add_once(self.css, values["href"])
        elif tag == "script" and values.get("src"):
            _add_once(self.js, values["src"])


def _add_once(found: list[str], url: str) -> None:
    if url not in found:
        found.append(url)


def linked_assets(html: str) -> tuple[list[str], list[str]]:
    """The URLs of the stylesheets and of the scripts ``html`` links."""
    parser = _LinkedAssets()
    parser.feed(html)
    return parser.css, parser.js


def _asset_bytes(client: Any, url: str, sizes: dict[str, int]) -> int:
    """The size of a linked file as this app serves it; a file from elsewhere (a CDN) is an error here."""
    if url not in sizes:
        parts = urlsplit(url)
        if parts.netloc:
            raise ValueError(f"{url} is not served by the app (DESIGN.md: no CDN)")
        response = client.get(parts.path)
        if response.status_code != 200:
            raise ValueError(f"{url} answered {response.status_code}")
        sizes[url] = len(response.get_data())
        response.close()
    return sizes[url]


def weigh(client: Any, who: str, name: str, path: str, sizes: dict[str, int] | None = None) -> PageWeight:
    """Fetch ``path`` with ``client`` and the files it links; ``sizes`` caches file sizes across pages."""
    sizes = {} if sizes is None else sizes
    response = client.get(path)
    html = response.get_data()
    css, js = linked_assets(html.decode("utf-8", "replace"))
    return PageWeight(
        who=who, name=name, path=path, status=response.status_code, html_bytes=len(html),
        css_bytes=sum(_asset_bytes(client, url, sizes) for url in css),
        js_bytes=sum(_asset_bytes(client, url, sizes) for url in js),
        css_files=tuple(css), js_files=tuple(js),
    )


def main_pages(*, sentra_slug: str, product_path: str, subsector: str, order_number: str, tracking_code: str,
               checkout_id: int, product_id: int) -> list[tuple[str, str, str]]:
    """The main pages as (who, name, path): ``public`` (nobody logged in), ``buyer`` and ``sentra`` (its owner)."""
    kelola = f"/kelola/{sentra_slug}"
    return [
        ("public", "home", "/"),
        ("public", "directory", "/sentra"),
        ("public", "storefront", f"/sentra/{sentra_slug}"),
        ("public", "product", product_path),
        ("public", "category", f"/kategori/{subsector}"),
        ("public", "search", "/search?q=keripik"),
        ("public", "search+filters", f"/search?q=tas&subsector={subsector}&in_stock=1"),
        ("public", "tracking", f"/track/{order_number}?code={tracking_code}"),
        ("public", "login", "/login"),
        ("public", "register", "/register"),
        ("public", "cart (guest)", "/cart"),
        ("buyer", "cart", "/cart"),
        ("buyer", "checkout", "/checkout"),
        ("buyer", "payment", f"/checkout/{checkout_id}/bayar"),
        ("buyer", "orders", "/orders"),
        ("buyer", "order", f"/orders/{order_number}"),
        ("buyer", "account", "/akun"),
        ("sentra", "manage home", f"{kelola}/"),
        ("sentra", "products", f"{kelola}/produk/"),
        ("sentra", "new product", f"{kelola}/produk/baru"),
        ("sentra", "edit product", f"{kelola}/produk/{product_id}/ubah"),
        ("sentra", "order inbox", f"{kelola}/pesanan"),
        ("sentra", "order", f"{kelola}/pesanan/{order_number}"),
        ("sentra", "deliveries", f"{kelola}/pengantaran"),
        ("sentra", "reviews", f"{kelola}/ulasan"),
        ("sentra", "delivery settings", f"{kelola}/pengiriman"),
        ("sentra", "money", f"{kelola}/keuangan"),
        ("sentra", "quotes", f"{kelola}/penawaran"),
    ]


def weigh_all(clients: dict[str, Any], pages: Iterable[tuple[str, str, str]]) -> list[PageWeight]:
    """Weigh every page with the client of whoever sees it."""
    sizes: dict[str, int] = {}
    return [weigh(clients[who], who, name, path, sizes) for who, name, path in pages]


def log_in(client: Any, email: str, password: str) -> Any:
    response = client.post("/login", data={"email": email, "password": password})
    if response.status_code != 302:
        raise RuntimeError(f"could not log in as {email} ({response.status_code})")
    return client


def table(weights: Iterable[PageWeight]) -> str:
    """The figures as a fixed-width table, KB being 1,024 bytes."""
    lines = [f"{'who':<7} {'page':<18} {'status':>6} {'HTML KB':>8} {'CSS KB':>7} {'JS KB':>6}  JS files / verdict"]
    for w in weights:
        verdict = "ok" if w.js_bytes < JS_BUDGET_BYTES else f"OVER the {JS_BUDGET_BYTES // 1024} KB JS budget"
        files = ", ".join(Path(urlsplit(url).path).name for url in w.js_files) or "-"
        lines.append(f"{w.who:<7} {w.name:<18} {w.status:>6} {w.html_bytes / 1024:8.1f} {w.css_bytes / 1024:7.1f} "
                     f"{w.js_bytes / 1024:6.1f}  {files} ({verdict})")
    return "\n".join(lines)


def _demo_checkouts(config: dict[str, Any]) -> tuple[Any, Any, Any]:
    """Two checkouts of the demo buyer at the demo sentra, one in-stock product each time: one to
    collect and pay at pickup (the order pages), one by bank transfer still to pay (the payment page);
    then the product in the cart again (the cart and checkout pages). Returns both and the product."""
    from sqlalchemy import select

    from catalog.pricing import strategy_for
    from catalog.products.models import Product, ProductStatus, Variant
    from orders.cart.services import add_item, cart_for_user
    from orders.checkout.services import AddressInput, CheckoutRequest, place_checkout
    from shop.accounts.models import User
    from shop.extensions import db
    from shop.sentras.models import Sentra

    buyer = db.session.scalar(select(User).where(User.email == "pembeli@pasarsentra.test"))
    variant = db.session.scalars(
        select(Variant).join(Product).join(Sentra, Sentra.id == Product.sentra_id)
        .where(Sentra.slug == DEMO_SENTRA, Product.status == ProductStatus.ACTIVE, Variant.stock > 2)
        .order_by(Variant.id)
    ).first()
    saved = buyer.addresses[0]
    address = AddressInput(recipient=saved.recipient, phone=saved.phone, street=saved.street,
                           kelurahan_code=saved.kelurahan_code)
    checkouts = []
    for method in ("pay_on_pickup", "bank_transfer", None):
        add_item(cart_for_user(buyer, create=True), variant.id, 1, strategy_for(buyer))
        db.session.commit()
        if method is not None:
            request = CheckoutRequest(idempotency_key=f"page-weight-{method}", payment_method=method,
                                      address=address, deliveries={DEMO_SENTRA: "pickup"})
            checkouts.append(place_checkout(buyer, request, config).checkout)
    return checkouts[0], checkouts[1], variant.product


def main() -> None:
    from shop import create_app
    from shop.extensions import db
    from shop.places.services import seed_places
    from shop.seed.demo import seed_demo

    folder = Path(tempfile.mkdtemp(prefix="page-weight-"))
    try:
        app = create_app({
            "TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "MAIL_SERVER": None,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'weight.db'}", "SEARCH_BACKEND": "sql",
            "STORAGE_BACKEND": "local", "MEDIA_ROOT": str(folder / "media"), "RATELIMIT_STORAGE_URI": "memory://",
            "PAGE_CACHE_DIR": str(folder / "page-cache"),
        })
        with app.app_context():
            db.create_all()
            seed_places()
            seed_demo()
            db.session.commit()
            pickup, transfer, product = _demo_checkouts(app.config)
            order = pickup.orders[0]
            pages = main_pages(
                sentra_slug=DEMO_SENTRA, product_path=f"/p/{product.id}-{product.slug}",
                subsector=product.subsector_code, order_number=order.number, tracking_code=order.tracking_code,
                checkout_id=transfer.id, product_id=product.id,
            )
            db.session.remove()
        clients = {
            "public": app.test_client(),
            "buyer": log_in(app.test_client(), "pembeli@pasarsentra.test", DEMO_PASSWORD),
            "sentra": log_in(app.test_client(), f"pengelola.{DEMO_SENTRA}@pasarsentra.test", DEMO_PASSWORD),
        }
        weights = weigh_all(clients, pages)
        print("demo seed (56 sentras) and two checkouts; bytes as served, uncompressed, photos not counted")
        print(table(weights))
        over = [w for w in weights if w.js_bytes >= JS_BUDGET_BYTES or w.status != 200]
        print(f"{len(weights)} pages, heaviest JS {max(w.js_bytes for w in weights) / 1024:.1f} KB; "
              + (f"{len(over)} over budget or not 200" if over else "all 200 and under the JS budget"))
        with app.app_context():
            db.engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
