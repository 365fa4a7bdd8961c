"""A generated catalogue for the benchmarks (bench data, not the demo), written with Core bulk inserts.

One active sentra in each of the 56 kelurahan (from ``seed_places``), ``products`` products
spread over them at random (a fixed seed), titles made of a noun and an adjective so that
``keripik`` and ``tas`` each match about one product in twenty. One product in twenty is a
draft; the rest have one to three variants (with options), photo rows on about half of them
(the rows only: pages show the photos' addresses, no file is read), and reviews on about one
in ten, each behind the completed pickup order its buyer wrote it about. Product and sentra
rating figures are set from those reviews, as the review service keeps them, and every product
is ``listed`` (it has an active variant), as ``catalog.products.listed`` keeps it.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

NOUNS = ["anyaman", "batik", "kaus", "keripik", "kopi", "sambal", "tas", "gantungan", "lukisan", "keramik",
         "dompet", "topi", "kue", "madu", "sepatu", "kerajinan", "rotan", "bambu", "sablon", "tenun"]
ADJECTIVES = ["cantik", "pedas", "manis", "klasik", "modern", "etnik", "premium", "murah", "unik", "asli",
              "warna", "kecil", "besar", "kulit", "kayu", "kain", "kertas", "lokal", "khas", "bekasi"]
SUBSECTORS = ["kriya", "kuliner", "fesyen", "seni_rupa", "desain_produk", "fotografi"]
SIZES = ["S", "M", "L"]
BUYERS = 50
BATCH = 5_000


@dataclass(frozen=True)
class Generated:
    """How many rows of each kind were written."""

    sentras: int
    products: int
    variants: int
    photos: int
    reviews: int


def generate_catalogue(products: int, seed: int = 7) -> Generated:
    """Write the catalogue into the app's (empty, places seeded) database and commit.

    Needs an app context; does not build the search index (see :func:`build_search_index`).
    """
    from sqlalchemy import insert, select

    from catalog.products.models import Product, ProductImage, Variant
    from shop.db import utcnow
    from shop.extensions import db
    from shop.places.models import Kelurahan
    from shop.sentras.models import Sentra

    rng = random.Random(seed)
    kelurahan = db.session.execute(select(Kelurahan.code, Kelurahan.slug, Kelurahan.name)).all()
    db.session.execute(insert(Sentra), [
        {"slug": slug, "name": f"Sentra Kreatif {name}", "kelurahan_code": code, "applied_kelurahan_code": code,
         "status": "active", "description": f"Sentra ekonomi kreatif kelurahan {name}.",
         "whatsapp": "+6281234567890", "address": f"Jl. {name} No. 1"}
        for code, slug, name in kelurahan
    ])
    sentra_ids = list(db.session.scalars(select(Sentra.id).order_by(Sentra.id)))
    now = utcnow()
    rows: dict[str, list[dict]] = {"product": [], "variant": [], "photo": []}
    reviewed: list[tuple[int, int, int, str, str]] = []  # product, sentra, variant, title, sku
    variant_id = 0
    for n in range(1, products + 1):
        noun, adjective = rng.choice(NOUNS), rng.choice(ADJECTIVES)
        sentra_id = rng.choice(sentra_ids)
        created = now - timedelta(minutes=products - n)
        title = f"{noun.title()} {adjective.title()} {n}"
        rows["product"].append({
            "id": n, "sentra_id": sentra_id, "ref": f"P-{n:06d}", "title": title,
            "slug": f"{noun}-{adjective}-{n}", "subsector_code": rng.choice(SUBSECTORS), "category": noun.title(),
            "description": f"{rng.choice(NOUNS)} {rng.choice(ADJECTIVES)} buatan tangan pemuda Bekasi, seri {n}.",
            "status": "active" if n % 20 else "draft", "made_to_order": n % 10 == 0, "created_at": created,
            "updated_at": created, "listed": True,  # every product gets variants below, none archived
        })
        sizes = SIZES[:rng.choice((1, 1, 2, 3))]
        price = rng.randrange(5_000, 500_000, 500)
        for position, size in enumerate(sizes):
            variant_id += 1
            sku = f"S-{n}-{size}"
            rows["variant"].append({
                "id": variant_id, "product_id": n, "sentra_id": sentra_id, "sku": sku,
                "options": [["Ukuran", size]] if len(sizes) > 1 else [], "price_idr": price + 5_000 * position,
                "stock": rng.randrange(0, 30), "weight_grams": rng.randrange(50, 2_000, 50), "position": position,
            })
        if n % 2:
            for position in range(rng.randrange(1, 4)):
                key = f"bench/{n}/{position}"
                rows["photo"].append({
                    "product_id": n, "position": position, "alt_text": title, "key": f"{key}.webp",
                    "thumb_320_key": f"{key}-320.webp", "thumb_960_key": f"{key}-960.webp",
                    "width": 1200, "height": 900, "created_at": created,
                })
        if n % 20 and rng.random() < 0.1:
            reviewed.append((n, sentra_id, variant_id, title, sku))
    for table, model in (("product", Product), ("variant", Variant), ("photo", ProductImage)):
        for start in range(0, len(rows[table]), BATCH):
            db.session.execute(insert(model), rows[table][start:start + BATCH])
    reviews = _write_reviews(reviewed, rng, now)
    db.session.commit()
    return Generated(len(sentra_ids), products, len(rows["variant"]), len(rows["photo"]), reviews)


def _write_reviews(reviewed: list[tuple[int, int, int, str, str]], rng: random.Random, now) -> int:
    """One to four reviews on each product in ``reviewed``, each on a completed order line of its author."""
    from sqlalchemy import func, insert, select, update

    from catalog.products.models import Product
    from catalog.reviews.models import Review
    from orders.core.models import Checkout, Order, OrderLine
    from shop.accounts.models import User
    from shop.extensions import db
    from shop.sentras.models import Sentra

    db.session.execute(insert(User), [
        {"email": f"pembeli{i}@bench.test", "name": f"Pembeli {i}", "created_at": now} for i in range(1, BUYERS + 1)
    ])
    buyers = list(db.session.scalars(select(User.id).order_by(User.id)))
    checkouts, orders, lines, reviews = [], [], [], []
    for product_id, sentra_id, variant_id, title, sku in reviewed:
        for _ in range(rng.randrange(1, 5)):
            n = len(orders) + 1
            buyer = rng.choice(buyers)
            checkouts.append({"id": n, "buyer_id": buyer, "idempotency_key": f"bench-{n}",
                              "payment_method": "pay_on_pickup", "total_idr": 50_000, "recipient": "Pembeli",
                              "phone": "+6281234567890", "street": "Jl. Bench 1", "kelurahan_code": None,
                              "city": "Bekasi", "postal_code": "17111", "created_at": now})
            orders.append({"id": n, "number": f"B{n:08d}", "checkout_id": n, "sentra_id": sentra_id,
                           "buyer_id": buyer, "status": "completed", "payment_status": "paid",
                           "payment_method": "pay_on_pickup", "delivery_method": "pickup", "subtotal_idr": 50_000,
                           "total_idr": 50_000, "tracking_code": f"T{n:08d}", "created_at": now})
            lines.append({"id": n, "order_id": n, "variant_id": variant_id, "product_id": product_id,
                          "title": title, "sku": sku, "quantity": 1, "unit_price_idr": 50_000})
            reviews.append({"order_line_id": n, "product_id": product_id, "sentra_id": sentra_id,
                            "author_id": buyer, "rating": rng.choice((3, 4, 4, 5, 5, 5)),
                            "text": "Barangnya bagus, pengiriman cepat.", "created_at": now})
    for model, batch in ((Checkout, checkouts), (Order, orders), (OrderLine, lines), (Review, reviews)):
        for start in range(0, len(batch), BATCH):
            db.session.execute(insert(model), batch[start:start + BATCH])
    for model, column in ((Product, Review.product_id), (Sentra, Review.sentra_id)):
        figures = select(column, func.avg(Review.rating).label("avg"), func.count().label("count")).group_by(column)
        for key, avg, count in db.session.execute(figures):
            db.session.execute(update(model).where(model.id == key).values(rating_avg=float(avg), rating_count=count))
    return len(reviews)


def build_search_index() -> int:
    """Rebuild the ``sql`` backend's index from the database and commit; returns the number of documents."""
    from catalog.search.indexing import rebuild_sql_index
    from shop.extensions import db

    documents = rebuild_sql_index()
    db.session.commit()
    return documents
