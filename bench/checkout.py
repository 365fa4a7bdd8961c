"""Checkout on PostgreSQL: checkouts per second and p50/p95/max latency with 1, 10 and 50 buyers at once.

Each buyer is a process (as gunicorn's workers are) with its own connection that
fills its cart (two sentras, two or three variants, the same for every buyer: the
worst case, every checkout locks the same rows) and calls ``place_checkout`` (bank
transfer, so step 1 also draws the unique transfer code; no network), again and
again for a fixed time. Only the ``place_checkout`` call is timed. Every fourth
checkout also takes a scarce variant, put back to a few units at each level, so buyers
race for its last units and some are refused; after each level the oversell check compares
the stock with its movements and the order lines. Each buyer first places one untimed
checkout (a running worker is warm) and all start together. The buyers are forked from the
process that built the app, as a preloading server forks its workers from the master; as such a
server must, it freezes what it built first (:func:`freeze_before_fork`), or each buyer's first
full collection walks the inherited heap and copies it page by page. Printed per level: checkouts
per second, p50/p95/max latency of ``place_checkout``, checkouts placed and refused (out of
scarce stock), scarce units sold, the CPU each checkout cost (the buyer's process, filling its
cart included, and its PostgreSQL backend, read from /proc), the machine's load average (on
a shared 2-core machine the latencies move with the load), and, sampled every 20 ms, how many
buyers were inside a transaction and how many of those were queued on a lock. The budget
(DESIGN.md): p95 <= 150 ms at 10 buyers and <= 1 s at 50, no oversell.

Database: ``BENCH_DATABASE_URL`` (default postgresql://postgres@127.0.0.1:5432/bench_checkout,
created when missing and emptied first). ``BENCH_CHECKOUT_LEVELS`` (e.g. ``10,50``) and
``BENCH_CHECKOUT_SECONDS`` (per level, default 8) pick what runs.
"""
from __future__ import annotations

import math
import os
import statistics
import time

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_checkout"
SECONDS_PER_LEVEL = 8.0
LEVELS = (1, 10, 50)
SCARCE_STOCK = 40  # per level: a level of 160 checkouts or more races for the last units
ADDRESS_FIELDS = {"recipient": "Sari Pembeli", "phone": "081234567890", "street": "Jl. Melati No. 5",
                  "kelurahan_code": "32.75.08.1001"}


def _ensure_database(url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{parsed.database}"')


def _setup(app):
    from catalog.listings.services import create_product
    from catalog.products.services import ProductDraft, VariantDraft
    from shop.extensions import db
    from shop.places.services import seed_places
    from shop.sentras.models import Sentra, SentraStatus

    db.drop_all()
    db.create_all()
    seed_places()
    variants = []
    for code, slug in (("32.75.08.1001", "jatiwaringin"), ("32.75.08.1002", "jaticempaka")):
        sentra = Sentra(slug=slug, name=f"Sentra {slug}", kelurahan_code=code, applied_kelurahan_code=code,
                        status=SentraStatus.ACTIVE, whatsapp="+6281234567890", address="Jl. Contoh 1")
        db.session.add(sentra)
        db.session.flush()
        product = create_product(sentra, None, ProductDraft(
            title=f"Batik {slug}", subsector_code="kriya", status="active",
            variants=(VariantDraft(sku=f"{slug}-A", price_idr=75_000, stock=1_000_000, weight_grams=400,
                                   options=(("Ukuran", "L"),)),
                      VariantDraft(sku=f"{slug}-B", price_idr=45_000, stock=SCARCE_STOCK if slug == "jatiwaringin"
                                   else 1_000_000, weight_grams=250, options=(("Ukuran", "M"),)),),
        ))
        variants.extend(product.variants)
    db.session.commit()
    return [v.id for v in variants]


def _buyers(app, count: int, offset: int) -> list[int]:
    from shop.accounts.models import User
    from shop.extensions import db

    users = [User(email=f"buyer{offset + i}@bench.test", name=f"Buyer {offset + i}") for i in range(count)]
    db.session.add_all(users)
    db.session.commit()
    return [u.id for u in users]


def _buyer_process(app, buyer_id: int, variant_ids: list[int], start, seconds: float, out) -> None:
    """One buyer in its own process (as gunicorn's workers are): checkouts until the time is up.

    A worker serves many requests, so each buyer first places one untimed checkout (its
    connection, compiled statements and imports are warm, as a running worker's are), then
    waits for every other buyer at ``start`` so that all of them check out at once.
    """
    from sqlalchemy import text

    from catalog.products.models import Variant
    from orders.checkout.errors import CheckoutError
    from orders.checkout.services import AddressInput, CheckoutRequest, place_checkout
    from orders.core.providers import PaymentError
    from shop.accounts.models import User
    from shop.extensions import db

    address = AddressInput(**ADDRESS_FIELDS)
    deliveries = {"jatiwaringin": "sentra_courier", "jaticempaka": "courier"}
    latencies: list[float] = []
    refused = 0
    with app.app_context():
        db.engine.dispose(close=False)  # the parent's connections are not this process's
        buyer = db.session.get(User, buyer_id)
        plenty_a, scarce, plenty_b = ((v.id, v.price_idr) for v in (db.session.get(Variant, vid)
                                                                       for vid in variant_ids[:3]))
        cart_id = _cart_of(buyer_id)
        _fill_cart(cart_id, [(plenty_a, 1)])
        place_checkout(buyer, CheckoutRequest(f"bench-{buyer_id}-warm", "bank_transfer", address, deliveries),
                       app.config)
        backend = db.session.scalar(text("SELECT pg_backend_pid()"))
        db.session.commit()
        start.wait(timeout=120)
        cpu_before, db_cpu_before = time.process_time(), _process_cpu(backend)
        deadline = time.monotonic() + seconds
        n = 0
        while time.monotonic() < deadline:
            n += 1
            # Untimed, and as light as it can be (one INSERT): the buyer's CPU goes to checking out.
            _fill_cart(cart_id, [(plenty_a, 1), (plenty_b, 2)] + ([(scarce, 1)] if n % 4 == 0 else []))
            buyer = db.session.get(User, buyer_id)  # as a request loads its user
            request = CheckoutRequest(f"bench-{buyer_id}-{n}", "bank_transfer", address, deliveries)
            began = time.perf_counter()
            try:
                place_checkout(buyer, request, app.config)
                latencies.append(time.perf_counter() - began)
            except (CheckoutError, PaymentError):
                db.session.rollback()
                refused += 1
                _empty_cart(buyer_id)
        cpu = (time.process_time() - cpu_before, _process_cpu(backend) - db_cpu_before)
        db.session.remove()
    out.put((latencies, refused, cpu))


def _process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a local process has used, from /proc (nan where unreadable)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def freeze_before_fork() -> None:
    """Move every object the parent holds (the app, its modules, its models) out of the collector's reach.

    A forked child shares the parent's memory until it writes to it, and a collection writes to
    every object it walks (their reference counts and links). Unfrozen, each buyer's first full
    collection walks the whole inherited heap, so 50 buyers copy it 50 times over: measured here at
    50 buyers, 42 ms of the buyer's CPU per checkout instead of 16, and a p95 of 7 s instead of
    0.7 s, which is the bench's fork and not the checkout. gunicorn, as the README runs it, builds
    the app in each worker after the fork and never has this; one started with ``--preload`` would
    (CPython's gc.freeze documentation). Collected first, so nothing that is already garbage is kept.
    """
    import gc

    gc.collect()
    gc.freeze()


def _run_level(app, url: str, buyers: list[int], variant_ids: list[int], seconds: float):
    import multiprocessing
    import threading

    context = multiprocessing.get_context("fork")
    out = context.Queue()
    start = context.Barrier(len(buyers))
    processes = [context.Process(target=_buyer_process, args=(app, b, variant_ids, start, seconds, out))
                 for b in buyers]
    freeze_before_fork()
    for process in processes:
        process.start()
    done = threading.Event()
    waits: list[tuple[int, int]] = []
    sampler = threading.Thread(target=_sample_waits, args=(url, done, waits))
    sampler.start()
    latencies: list[float] = []
    refused = 0
    client_cpu = db_cpu = 0.0
    for _ in processes:
        got, no, (client, database) = out.get(timeout=seconds + 240)
        latencies.extend(got)
        refused += no
        client_cpu += client
        db_cpu += database
    done.set()
    sampler.join()
    for process in processes:
        process.join()
    return latencies, refused, client_cpu, db_cpu, waits


def _sample_waits(url: str, done, waits: list[tuple[int, int]]) -> None:
    """Every 20 ms while a level runs: how many of its backends are inside a transaction, and how
    many of those wait for a lock (the queue behind a locked row). Load-independent evidence."""
    import psycopg
    from sqlalchemy.engine import make_url

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        while not done.wait(0.02):
            waits.append(conn.execute(
                "SELECT count(*) FILTER (WHERE xact_start IS NOT NULL AND state <> 'idle'),"
                " count(*) FILTER (WHERE wait_event_type = 'Lock')"
                " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchone())


def _cart_of(buyer_id: int) -> int:
    from orders.cart.models import Cart
    from shop.extensions import db

    cart = Cart(user_id=buyer_id)
    db.session.add(cart)
    db.session.commit()
    return cart.id


def _fill_cart(cart_id: int, items) -> None:
    """Put ``((variant_id, price_idr), quantity)`` lines in the cart, seen at their price."""
    from sqlalchemy import insert

    from orders.cart.models import CartLine
    from shop.extensions import db

    db.session.execute(insert(CartLine), [
        {"cart_id": cart_id, "variant_id": variant_id, "quantity": quantity, "unit_price_idr_seen": price_idr}
        for (variant_id, price_idr), quantity in items
    ])
    db.session.commit()


def _empty_cart(buyer_id: int) -> None:
    from orders.cart.models import Cart, CartLine
    from shop.extensions import db

    db.session.execute(CartLine.__table__.delete().where(
        CartLine.cart_id.in_(db.select(Cart.id).where(Cart.user_id == buyer_id).scalar_subquery())))
    db.session.commit()


def _next_level(variant_ids: list[int]) -> None:
    """Each level starts alike: the scarce variant back at SCARCE_STOCK units (a correction movement)
    and no transfer waiting (marked expired), so every level has all 999 unique codes to draw from."""
    from sqlalchemy import update

    from catalog import stock
    from orders.core.payments import Payment, PaymentState
    from shop.extensions import db

    stock.set_stock(variant_ids[1], SCARCE_STOCK, note="bench level")
    db.session.execute(update(Payment).where(Payment.state == PaymentState.PENDING)
                       .values(state=PaymentState.EXPIRED))
    db.session.commit()


def _oversell_check(variant_ids: list[int]) -> tuple[int, bool]:
    """The scarce variant's units sold this level, and whether its books still add up: stock not
    below zero, stock equal to the sum of its movements, and every order line backed by its
    order movement (all levels together)."""
    from sqlalchemy import func, select

    from catalog.products.models import StockMovement, Variant
    from orders.core.models import OrderLine
    from shop.extensions import db

    scarce = variant_ids[1]
    db.session.expire_all()
    left = db.session.get(Variant, scarce).stock
    moved = db.session.scalar(select(func.coalesce(func.sum(StockMovement.delta), 0))
                              .where(StockMovement.variant_id == scarce))
    sold = db.session.scalar(select(func.coalesce(func.sum(OrderLine.quantity), 0))
                             .where(OrderLine.variant_id == scarce))
    taken = db.session.scalar(select(func.coalesce(func.sum(StockMovement.delta), 0))
                              .where(StockMovement.variant_id == scarce, StockMovement.reason == "order"))
    return SCARCE_STOCK - left, left >= 0 and left == moved and -taken == sold


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else float("nan")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f}" if seconds == seconds else "      -"


def main() -> None:
    from shop import create_app
    from shop.extensions import db

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    seconds = float(os.environ.get("BENCH_CHECKOUT_SECONDS", SECONDS_PER_LEVEL))
    levels = tuple(int(n) for n in os.environ.get("BENCH_CHECKOUT_LEVELS", "").split(",") if n) or LEVELS
    _ensure_database(url)
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-only", "LOG_LEVEL": "WARNING",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 60, "max_overflow": 0, "pool_pre_ping": True},
        "OUTBOX_DRAIN_AFTER_REQUEST": False,
    })
    with app.app_context():
        variant_ids = _setup(app)
        print(f"PostgreSQL, {seconds:.0f} s per level; one checkout = 2 sentras, 3 lines (every 4th also takes "
              f"one of {SCARCE_STOCK} scarce units), bank transfer;\nbudget p95 <= 150 ms at 10 buyers, "
              "<= 1 s at 50, no oversell")
        print("buyers  checkouts/s   p50 ms   p95 ms   max ms  placed  refused  scarce sold  oversell"
              "  cpu ms/checkout (buyer + db)  load  in xact / waiting on a lock")
        offset = 0
        for level in levels:
            buyers = _buyers(app, level, offset)
            offset += level
            _next_level(variant_ids)
            db.session.remove()
            db.engine.dispose()
            latencies, refused, client_cpu, db_cpu, waits = _run_level(app, url, buyers, variant_ids, seconds)
            latencies.sort()
            p95 = latencies[max(0, math.ceil(len(latencies) * 0.95) - 1)] if latencies else float("nan")
            median = statistics.median(latencies) if latencies else float("nan")
            worst = latencies[-1] if latencies else float("nan")
            sold, books_ok = _oversell_check(variant_ids)
            cycles = max(1, len(latencies) + refused)
            print(f"{level:>6}  {len(latencies) / seconds:11.1f}  {_ms(median)}  {_ms(p95)}  {_ms(worst)}  "
                  f"{len(latencies):>6}  {refused:>7}  {sold:>5}/{SCARCE_STOCK:<5}  "
                  f"{'none' if books_ok else 'OVERSOLD':>8}  {_ms(client_cpu / cycles)} + {_ms(db_cpu / cycles)}"
                  f"{os.getloadavg()[0]:6.1f}  {_mean(w[0] for w in waits):5.1f} / {_mean(w[1] for w in waits):4.1f}")


if __name__ == "__main__":
    main()
