"""The popular ranking reads only the sales and ``limit`` rows of the catalogue (issue 16), and must
rank exactly as the single query over every public product did: checked against that query, kept
here as the reference, on random catalogues with ties on every key.

The sales come from a stand-in source (``provide_sales``'s contract: one ``(product_id, units)`` row
per product), so a catalogue can hold any sales, even ones checkout never makes (no units, a line
of a deleted product, a product that is no longer public).
"""
from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from sqlalchemy import Integer, Select, case, false, func, literal, null, or_, select, union_all

from catalog.products.models import Product, ProductStatus, Variant
from catalog.storefront import popularity
from catalog.storefront.popularity import popular_product_ids
from shop.db import utcnow
from shop.extensions import db
from shop.sentras.models import Sentra, SentraStatus
from tests.factories import make_product, make_sentra

LIMITS = (1, 3, 8, 20, 100)
RATINGS = (0.0, 3.5, 4.0, 4.5, 5.0)
COUNTS = (0, 1, 2, 5)
DAYS = tuple(datetime(2026, month, 1, tzinfo=UTC) for month in (1, 3, 6))


def reference_ids(limit: int, available_only: bool, sales: Select | None) -> list[int]:
    """The ranking as one query over every public product: an in-stock lookup per product and a full sort."""
    in_stock = select(Variant.id).where(
        Variant.product_id == Product.id, Variant.archived == false(), Variant.stock > 0
    ).exists()
    available = case((or_(Product.made_to_order, in_stock), 1), else_=0)
    statement = (
        select(Product.id)
        .join(Sentra, Sentra.id == Product.sentra_id)
        .where(Product.status == ProductStatus.ACTIVE, Sentra.status == SentraStatus.ACTIVE, Product.listed)
    )
    if available_only:
        statement = statement.where(available == 1)
    order = []
    if sales is not None:
        sold = sales.subquery("sold")
        units = func.coalesce(sold.c.units, 0)
        statement = statement.outerjoin(sold, sold.c.product_id == Product.id)
        order.append(case((units > 0, 1), else_=0).desc())
    order.append(available.desc())
    if sales is not None:
        order.append(units.desc())
    order += [Product.rating_avg.desc(), Product.rating_count.desc(), Product.created_at.desc(), Product.id.desc()]
    return list(db.session.scalars(statement.order_by(*order).limit(limit)))


def random_catalogue(rng: random.Random) -> list[int]:
    """About 60 products over three sentras (one suspended), with ties on every ranking key."""
    sentras = [make_sentra(code) for code in ("32.75.08.1001", "32.75.01.1001", "32.75.04.1001")]
    sentras[2].status = SentraStatus.SUSPENDED
    products = []
    for _ in range(60):
        made_to_order = rng.random() < 0.2
        made = make_product(
            rng.choice(sentras),
            status=ProductStatus.DRAFT if rng.random() < 0.1 else ProductStatus.ACTIVE,
            made_to_order=made_to_order, lead_time_days=3 if made_to_order else None,
            variants=[{"price_idr": 10_000, "stock": rng.choice((0, 0, 1, 7)), "options": f"Ukuran={size}"}
                      for size in ("S", "M", "L")[:rng.randint(1, 3)]],
        )
        for variant in made.variants:
            variant.archived = rng.random() < 0.25  # all archived: not listed, so not public
        made.rating_avg, made.rating_count = rng.choice(RATINGS), rng.choice(COUNTS)
        made.created_at = rng.choice(DAYS)
        products.append(made.id)
    db.session.commit()
    return products


def stand_in_sales(rng: random.Random, products: list[int]):
    """A sales source naming a random third of the products, with ties, and rows no sale would make."""
    rows = [(product_id, rng.choice((1, 1, 2, 3, 5))) for product_id in rng.sample(products, len(products) // 3)]
    rows += [(rng.choice(products), 0), (None, 4)]
    rows = list({product_id: (product_id, units) for product_id, units in rows}.values())

    def source(since: datetime) -> Select:
        named = union_all(*(select(literal(product_id, Integer).label("product_id") if product_id else
                                   null().label("product_id"), literal(units).label("units"))
                            for product_id, units in rows)).subquery("stand_in")
        return select(named.c.product_id, named.c.units)
    return source


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_ranking_equals_the_full_ranking_of_every_public_product(app, monkeypatch, seed):
    rng = random.Random(seed)
    source = stand_in_sales(rng, random_catalogue(rng))
    monkeypatch.setitem(app.extensions, popularity._KEY, source)
    sales = source(utcnow() - popularity.WINDOW)
    for limit in LIMITS:
        for available_only in (False, True):
            expected = reference_ids(limit, available_only, sales)
            assert popular_product_ids(limit, available_only=available_only) == expected, (limit, available_only)


@pytest.mark.parametrize("seed", [4, 5])
def test_without_a_sales_source_the_ranking_equals_the_full_ranking(app, monkeypatch, seed):
    random_catalogue(random.Random(seed))
    monkeypatch.delitem(app.extensions, popularity._KEY, raising=False)
    for limit in LIMITS:
        for available_only in (False, True):
            expected = reference_ids(limit, available_only, None)
            assert popular_product_ids(limit, available_only=available_only) == expected, (limit, available_only)


@pytest.mark.nodb
def test_a_new_sqlite_database_reads_the_popular_products_by_key(tmp_path):
    """Without statistics (a new database, before ANALYZE), SQLite still reads the cards by id, never by
    walking every active product of an index led by status (a pass over the catalogue), and the unsold
    parts of the ranking walk ix_product_popular in its order. (That the sold part is reached from the
    sales by id shows only at a bench catalogue's size: the planner takes it either way at this one.)"""
    from sqlalchemy import event, text

    from shop import create_app
    from shop.places.services import seed_places

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'new.db'}", "SECRET_KEY": "x",
                      "TESTING": True, "PAGE_CACHE": False})
    sent: list[tuple[str, object]] = []
    with app.app_context():
        db.create_all()
        seed_places()
        products = random_catalogue(random.Random(6))
        db.session.commit()
        assert not db.session.execute(text("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")).first()
        app.extensions[popularity._KEY] = stand_in_sales(random.Random(6), products)
        def record(conn, cursor, statement, params, *args):
            sent.append((statement, params))

        event.listen(db.engine, "before_cursor_execute", record)
        assert app.test_client().get("/").status_code == 200
        event.remove(db.engine, "before_cursor_execute", record)
        explain = db.session.connection().exec_driver_sql
        plans = {statement: [row[3] for row in explain(f"EXPLAIN QUERY PLAN {statement}", tuple(params))]
                 for statement, params in sent if "FROM product" in statement or "JOIN product" in statement}
    ranking = next(plan for statement, plan in plans.items() if "top_sold" in statement)
    cards = next(plan for statement, plan in plans.items() if statement.startswith("SELECT product.id, product.title"))
    # The available and unavailable unsold parts each walk the index (and stop at their LIMIT).
    assert sum("ix_product_popular" in step for step in ranking) == 2, ranking
    assert any("SEARCH product USING INTEGER PRIMARY KEY" in step for step in cards), cards
    assert not any("ix_product_popular" in step or "ix_product_public" in step for step in cards), cards
