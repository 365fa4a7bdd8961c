"""The potential map (issue 22): a year with 1,000,000 logged searches and 200,000 orders.

Measures the p95 latency of ``GET /admin/potensi`` (an admin logged in), of
``GET /api/v1/admin/potential`` (bearer token) for the last year and 30 days, and of a sentra's
``GET /api/v1/kelola/<slug>/opportunities`` for a year, on SQLite and PostgreSQL, and the first read
of each after a worker run (the rollup version moved, every kept answer stale). The budget is 1 s for a
year, both for p95 and for that first read. The rollup is built by the worker's own functions (timed, once: the data set
is kept like bench/impact.py's, SQLite in ``instance/bench_potential.db``, PostgreSQL in
``BENCH_POTENTIAL_DATABASE_URL``, default ``bench_potential`` on the server of ``BENCH_DATABASE_URL``).

Then the cost of logging one search (alone: ``python -m bench search_log``): ``GET /api/v1/search?q=...``
and ``GET /search?q=...`` on a small catalogue, asked over HTTP of two gunicorn servers, one with the log
on and one with it off, alternated; the servers' CPU per search; the write that follows the response
timed alone; medians in ms. The budget is at most 1 ms added to a search request as its client sees it.

Searches are made as people make them: 60,000 searchers (a few search far more than others), visits
of 1 to 5 searches on a day, 70 % of searchers with a kelurahan; a vocabulary of 4,000 terms whose
tail (a fifth) finds nothing and draws about one search in eight (a usual share of searches that find
nothing in a shop); one search in ten filtered.
"""
from __future__ import annotations

import http.client
import os
import random
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.impact import _ensure_pg_database, _insert, _make_app, _p95

SEARCHES = int(os.environ.get("BENCH_POTENTIAL_SEARCHES", "1000000"))
ORDERS = int(os.environ.get("BENCH_POTENTIAL_ORDERS", "200000"))
SEARCHERS = 60_000
BUYERS = 40_000
TERMS = 4_000
PRODUCTS_PER_SENTRA = 15
DAYS = 365
RUNS = 15
LOGGING_RUNS = int(os.environ.get("BENCH_LOG_RUNS", "300"))
LOGGING_PORTS = (5291, 5292, 5293, 5294)  # log off/on, page cache off; then on (bench.pages uses 5201-5203)
GENERATOR = "2"
SQLITE_PATH = Path(__file__).resolve().parent.parent / "instance" / "bench_potential.db"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/bench_potential"
ADMIN_EMAIL = "office@bench.test"
ADMIN_PASSWORD = "bench-office-password"
MEMBER_EMAIL = "member@bench.test"
SUBSECTORS = ("kriya", "kuliner", "fesyen", "desain_produk", "seni_rupa")
WORDS = ("tas", "kain", "batik", "tenun", "keripik", "kue", "anyaman", "kayu", "bambu", "lukisan", "kaos",
         "sepatu", "dompet", "gelang", "kopi", "sambal", "madu", "lilin", "sabun", "pot", "topi", "boneka")


def _pg_url() -> str:
    from sqlalchemy.engine import make_url

    if os.environ.get("BENCH_POTENTIAL_DATABASE_URL"):
        return os.environ["BENCH_POTENTIAL_DATABASE_URL"]
    if os.environ.get("BENCH_DATABASE_URL"):
        return make_url(os.environ["BENCH_DATABASE_URL"]).set(database="bench_potential").render_as_string(
            hide_password=False)
    return DEFAULT_PG


def _fingerprint() -> str:
    import hashlib
    import json

    from shop.extensions import db

    schema = sorted((t.name, tuple(sorted(c.name for c in t.columns))) for t in db.metadata.sorted_tables)
    return hashlib.sha256(json.dumps([GENERATOR, SEARCHES, ORDERS, schema]).encode()).hexdigest()[:16]


def _cached(fingerprint: str) -> bool:
    from sqlalchemy import text

    from shop.extensions import db

    try:
        with db.engine.connect() as conn:
            return conn.execute(text("SELECT value FROM bench_meta WHERE key = 'fingerprint'")).scalar() == fingerprint
    except Exception:  # noqa: BLE001  (no meta table: nothing cached)
        return False


def _terms() -> list[str]:
    rng = random.Random(22)
    terms: list[str] = []
    while len(terms) < TERMS:
        term = " ".join(rng.sample(WORDS, rng.choice((1, 2, 2, 3))))
        if term not in terms:
            terms.append(term)
    return terms


def build(searches: int = SEARCHES, orders_wanted: int = ORDERS, seed: int = 22) -> dict[str, float]:
    """Drop everything and generate the data set, then roll it up with the worker's functions.

    Returns the seconds each step took (printed by the caller)."""
    from sqlalchemy import text
    from werkzeug.security import generate_password_hash

    from catalog.products.models import Product, Variant
    from catalog.search.log import SearchLog, searcher_hash
    from orders.core.models import Checkout, Order, OrderLine
    from orders.potential import rollup
    from shop.accounts.models import User
    from shop.extensions import db
    from shop.places.models import Kelurahan
    from shop.places.services import seed_places
    from shop.sentras.models import Sentra, SentraMembership

    took: dict[str, float] = {}
    began = time.perf_counter()
    rng = random.Random(seed)
    db.session.remove()
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS bench_meta"))
    db.drop_all()
    db.create_all()
    seed_places()
    db.session.commit()
    codes = list(db.session.scalars(db.select(Kelurahan.code).order_by(Kelurahan.code)))
    slugs = dict(db.session.execute(db.select(Kelurahan.code, Kelurahan.slug)).tuples().all())
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    origin = now - timedelta(days=DAYS)
    today = (now + timedelta(hours=7)).date()

    users = [{"id": 1, "email": ADMIN_EMAIL, "name": "Kantor Program", "is_admin": True,
              "password_hash": generate_password_hash(ADMIN_PASSWORD), "created_at": origin},
             {"id": 2, "email": MEMBER_EMAIL, "name": "Anggota", "created_at": origin,
              "password_hash": generate_password_hash(ADMIN_PASSWORD)}]
    for user_id in range(3, 3 + BUYERS):
        home = rng.choice(codes) if rng.random() < 0.8 else None
        users.append({"id": user_id, "email": f"b{user_id}@bench.test", "name": f"Pembeli {user_id}",
                      "kelurahan_code": home, "created_at": origin})
    sentras = [{"id": n, "slug": slugs[code], "name": f"Sentra {n}", "kelurahan_code": code,
                "applied_kelurahan_code": code, "status": "active", "description": "", "whatsapp": "+62812",
                "address": "Jl. 1", "created_at": origin} for n, code in enumerate(codes, start=1)]
    memberships = [{"id": 1, "sentra_id": 1, "user_id": 2, "role": "owner", "created_at": origin}]
    products, variants = [], []
    for sentra in sentras:
        for _ in range(PRODUCTS_PER_SENTRA):
            pid = len(products) + 1
            products.append({"id": pid, "sentra_id": sentra["id"], "ref": f"P-{pid:06d}", "title": f"Produk {pid}",
                             "slug": f"produk-{pid}", "subsector_code": rng.choice(SUBSECTORS), "status": "active",
                             "created_at": origin, "updated_at": origin, "listed": True})
            variants.append({"id": pid, "product_id": pid, "sentra_id": sentra["id"], "sku": f"S-{pid}", "options": [],
                             "price_idr": 50_000, "stock": rng.choice((0, 5, 20))})
    checkouts, orders, lines = [], [], []
    statuses = ["completed"] * 85 + ["cancelled"] * 6 + ["expired"] * 4 + ["processing"] * 5
    for oid in range(1, orders_wanted + 1):
        created = origin + timedelta(seconds=rng.randrange(DAYS * 86_400))
        buyer = 3 + int(BUYERS * rng.random() ** 2)
        sentra = rng.randint(1, 56)
        checkouts.append({"id": oid, "buyer_id": buyer, "idempotency_key": f"k{oid}", "payment_method": "bank_transfer",
                          "total_idr": 50_000, "recipient": "P", "phone": "0812", "street": "Jl. 5",
                          "kelurahan_code": codes[0], "created_at": created})
        orders.append({"id": oid, "number": f"PS-{oid:08d}", "checkout_id": oid, "sentra_id": sentra, "buyer_id": buyer,
                       "status": rng.choice(statuses), "payment_status": "paid", "payment_method": "bank_transfer",
                       "delivery_method": "pickup", "subtotal_idr": 50_000, "total_idr": 50_000,
                       "tracking_code": f"T{oid:09d}", "created_at": created, "updated_at": created})
        for product in rng.sample(range((sentra - 1) * PRODUCTS_PER_SENTRA + 1, sentra * PRODUCTS_PER_SENTRA + 1),
                                  rng.choice((1, 1, 2))):
            lines.append({"id": len(lines) + 1, "order_id": oid, "product_id": product, "variant_id": product,
                          "title": f"Produk {product}", "sku": f"S-{product}", "quantity": 1,
                          "unit_price_idr": 50_000})
    with db.engine.begin() as conn:
        for model, rows in ((User, users), (Sentra, sentras), (SentraMembership, memberships), (Product, products),
                            (Variant, variants), (Checkout, checkouts), (Order, orders), (OrderLine, lines)):
            _insert(conn, model.__table__, rows)
            if conn.dialect.name == "postgresql":
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{model.__tablename__}\"', 'id'), "
                                  f"{len(rows) + 1}, false)"))

    terms = _terms()
    unmet = set(terms[int(TERMS * 0.8):])
    homes = [rng.choice(codes) if rng.random() < 0.7 else None for _ in range(SEARCHERS)]
    hashes = [searcher_hash(f"s:{n}") for n in range(SEARCHERS)]
    log_rows: list[dict] = []
    while len(log_rows) < searches:
        who = int(SEARCHERS * rng.random() ** 1.5)
        day = today - timedelta(days=rng.randrange(DAYS))
        for _ in range(min(rng.randint(1, 5), searches - len(log_rows))):
            term = terms[min(TERMS - 1, int(rng.paretovariate(0.7)) - 1 + rng.randrange(40) * (rng.random() < 0.5))]
            if rng.random() < 0.12:
                term = rng.choice(terms[int(TERMS * 0.8):])  # the tail: what nobody offers
            log_rows.append({"id": len(log_rows) + 1, "day": day, "term": term, "filtered": rng.random() < 0.1,
                             "results": 0 if term in unmet else rng.randint(1, 60), "kelurahan_code": homes[who],
                             "searcher": hashes[who], "rolled_up": False})
    with db.engine.begin() as conn:
        _insert(conn, SearchLog.__table__, log_rows)
    took["generate and load"] = time.perf_counter() - began

    step = time.perf_counter()
    while rollup.roll_up_searches():
        db.session.commit()
    took["search rollup"] = time.perf_counter() - step
    step = time.perf_counter()
    rollup.mark_all_order_days()
    db.session.commit()
    while rollup.refresh_orders():
        db.session.commit()
    took["order rollup"] = time.perf_counter() - step
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE bench_meta (key VARCHAR(40) PRIMARY KEY, value VARCHAR(80))"))
        conn.execute(text("INSERT INTO bench_meta (key, value) VALUES ('fingerprint', :v)"), {"v": _fingerprint()})
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE"))
    return took


def _measure(label: str, call, worker_ran, runs: int = RUNS) -> tuple[float, float]:
    """p95 of ``runs`` calls, and the first read after a worker run, printed with the process's very first call.

    The process's first call also compiles templates and opens connections (once per process). Then the
    worker moves the rollup version (``worker_ran``), as it does at most once a minute, so every answer
    the process kept is stale (orders.potential.queries._memo), and the next call computes the figures
    from the rollup: the read that someone waits for after each worker run. Returns (p95, that read)."""
    began = time.perf_counter()
    call()
    process_first = time.perf_counter() - began
    worker_ran()
    began = time.perf_counter()
    response = call()
    first = time.perf_counter() - began
    assert response.status_code == 200, (label, response.status_code)
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        response = call()
        samples.append(time.perf_counter() - began)
        assert response.status_code == 200, (label, response.status_code)
    p95 = _p95(samples)
    print(f"  {label:<31} process's first {process_first * 1000:5.0f} ms   after a worker run {first * 1000:5.0f} ms   "
          f"then median {statistics.median(samples) * 1000:4.0f} ms   p95 {p95 * 1000:4.0f} ms")
    return p95, first


def _run(name: str, url: str) -> None:
    from sqlalchemy import func, select

    from catalog.search.log import SearchLog
    from orders.potential.models import SearcherDay, UnmetDay
    from shop.accounts.models import User
    from shop.accounts.tokens import issue_token
    from shop.extensions import db
    from shop.sentras.models import Sentra

    app = _make_app(url)
    with app.app_context():
        if _cached(_fingerprint()):
            print(f"{name}: cached data set")
        else:
            print(f"{name}: building the data set (once; kept for the next run)")
            took = build()
            print("  " + ", ".join(f"{step} {seconds:.0f} s" for step, seconds in took.items()))
        counts = [db.session.scalar(select(func.count()).select_from(model)) for model in
                  (SearchLog, SearcherDay, UnmetDay)]
        print(f"  {counts[0]:,} logged searches -> {counts[1]:,} searcher-day rows, {counts[2]:,} unmet rows")
        tokens = {}
        for email in (ADMIN_EMAIL, MEMBER_EMAIL):
            user = db.session.scalar(select(User).where(User.email == email))
            tokens[email], _ = issue_token(user, "bench", 1)
        slug = db.session.scalar(select(Sentra.slug).where(Sentra.id == 1))
        db.session.commit()
        db.session.remove()
    client = app.test_client()
    assert client.post("/login", data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).status_code == 302
    today = (datetime.now(UTC) + timedelta(hours=7)).date()
    year = {"from": (today - timedelta(days=364)).isoformat(), "to": today.isoformat()}
    month = {"from": (today - timedelta(days=29)).isoformat(), "to": today.isoformat()}
    admin = {"Authorization": f"Bearer {tokens[ADMIN_EMAIL]}"}
    member = {"Authorization": f"Bearer {tokens[MEMBER_EMAIL]}"}

    def worker_ran() -> None:
        from orders.potential.models import bump_rollup_version

        with app.app_context():
            bump_rollup_version()
            db.session.commit()
            db.session.remove()

    year_figures = [
        _measure("map page, 1 year", lambda: client.get("/admin/potensi", query_string=year), worker_ran),
        _measure("map page by subsector, 1 year",
                 lambda: client.get("/admin/potensi", query_string={**year, "subsektor": "kriya"}), worker_ran),
        _measure("potential API, 1 year", lambda: client.get("/api/v1/admin/potential", query_string=year,
                                                             headers=admin), worker_ran),
        _measure("opportunities API, 1 year", lambda: client.get(f"/api/v1/kelola/{slug}/opportunities",
                                                                 query_string=year, headers=member), worker_ran),
    ]
    _measure("potential API, 30 days", lambda: client.get("/api/v1/admin/potential", query_string=month,
                                                          headers=admin), worker_ran)
    worst = max(p95 for p95, _first in year_figures)
    coldest = max(first for _p95, first in year_figures)
    print(f"  budget < 1000 ms for a year: p95 {'OK' if worst < 1.0 else 'OVER'} ({worst * 1000:.0f} ms), "
          f"first read after a worker run {'OK' if coldest < 1.0 else 'OVER'} ({coldest * 1000:.0f} ms)")
    with app.app_context():
        db.engine.dispose()


@dataclass(frozen=True)
class LoggingCost:
    """What logging a search costs, medians in ms: as a client of a gunicorn server sees each search
    (``{path: (log off, log on, on minus off in each alternated pair)}``), the servers' CPU per search with the log off and on, the write
    that follows the response timed alone in process (wall and CPU), and the rows found afterwards."""

    client: dict[str, tuple[float, float, float]]  # log off, log on, median of the pairs' differences
    cpu: tuple[float, float]
    write: tuple[float, float]
    rows: tuple[int, int]  # (written, expected)


def logging_cost(url: str, runs: int = LOGGING_RUNS, products: int = 200) -> LoggingCost:
    """Gunicorn servers as :mod:`bench.pages` runs them (2 sync workers, production settings), in pairs
    with the search log on and off, on a small catalogue: the API search and the /search page with the
    page cache off (the app answers every search), then the /search page with it on (the cache answers,
    and logs each answer). Each path is asked of its pair alternately over plain HTTP, a new connection
    a request (as the sync worker wants), timed until the last byte of the body. The servers' CPU is
    read from /proc around a second pass. The log writes after the response: the client waits for none
    of it, the worker does, so its CPU is reported beside the latency."""
    from bench.pages import _serve, shop_environment
    from catalog.search.log import PendingSearch, SearchLog, SearchLogWriter
    from shop.extensions import db

    app = _make_app(url)
    _small_catalogue(app, products)
    measured = (("/api/v1/search?q=tas+anyaman", "0"), ("/search?q=tas+anyaman", "0"),
                ("/search?q=tas+anyaman (page cache hit)", "1"))
    client: dict[str, tuple[float, float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-search-log-") as folder:
        env = {**shop_environment(app.config["SQLALCHEMY_DATABASE_URI"]), "PAGE_CACHE_DIR": folder}
        ports = {(log, cache): port for (log, cache), port in zip(
            (("0", "0"), ("1", "0"), ("0", "1"), ("1", "1")), LOGGING_PORTS, strict=True)}
        servers = {key: _serve("shop:create_app()", port, {**env, "SEARCH_LOG": key[0], "PAGE_CACHE": key[1]})
                   for key, port in ports.items()}
        try:
            for label, cache in measured:
                path = label.split()[0]
                for flag in ("0", "1"):  # warm both (reference data, compiled statements, the kept page)
                    for _ in range(10):
                        _timed_get(ports[flag, cache], path)
                samples: dict[str, list[float]] = {"0": [], "1": []}
                for n in range(runs):
                    for flag in ("0", "1") if n % 2 else ("1", "0"):
                        samples[flag].append(_timed_get(ports[flag, cache], path))
                # The added cost is the median of each pair's difference: a pair is asked within a few ms,
                # so the load of other processes on the machine weighs on both of its requests alike.
                added = statistics.median(on - off for off, on in zip(samples["0"], samples["1"], strict=True))
                client[label] = (statistics.median(samples["0"]) * 1000, statistics.median(samples["1"]) * 1000,
                                 added * 1000)
            spent = {"0": 0.0, "1": 0.0}
            for n in range(runs):  # alternated as well: the machine's load changes what a request costs
                for flag in ("0", "1") if n % 2 else ("1", "0"):
                    before = _cpu_seconds(servers[flag, "0"].pid)
                    _timed_get(ports[flag, "0"], measured[0][0])
                    time.sleep(0.005)  # the write after the response is the worker's too
                    spent[flag] += _cpu_seconds(servers[flag, "0"].pid) - before
            cpu = [spent[flag] / runs * 1000 for flag in ("0", "1")]
        finally:
            for server in servers.values():
                server.terminate()  # a worker that stops writes what it still holds
            for server in servers.values():
                server.wait(timeout=30)
    expected = len(measured) * (10 + runs) + runs  # the logged servers' searches: warm-up, timed, CPU pass
    with app.app_context():
        written = db.session.query(SearchLog).count()
        alone = SearchLogWriter(db.engine)
        walls, cpus = [], []
        for _ in range(runs):
            alone.add(PendingSearch(day=datetime.now(UTC).date(), term="tas anyaman", results=100, filtered=False,
                                    kelurahan_code=None, searcher="0" * 32))
            began, began_cpu = time.perf_counter(), time.process_time()
            alone.write()
            walls.append(time.perf_counter() - began)
            cpus.append(time.process_time() - began_cpu)
        alone.close()
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    return LoggingCost(client=client, cpu=(cpu[0], cpu[1]),
                       write=(statistics.median(walls) * 1000, statistics.median(cpus) * 1000),
                       rows=(written, expected))


def _small_catalogue(app, products: int) -> None:
    """Two sentras with ``products`` products each, half of them "Tas Anyaman", in a fresh database."""
    from catalog.listings.services import create_product
    from catalog.products.services import ProductDraft, VariantDraft
    from shop.extensions import db
    from shop.places.services import seed_places
    from shop.sentras.models import Sentra

    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_places()
        for code, slug in (("32.75.08.1001", "jatiwaringin"), ("32.75.01.1001", "bekasijaya")):
            sentra = Sentra(slug=slug, name=f"Sentra {slug}", kelurahan_code=code, applied_kelurahan_code=code,
                            status="active", description="", whatsapp="+62812", address="Jl. 1")
            db.session.add(sentra)
            db.session.flush()
            for n in range(products):
                title = f"Tas Anyaman {n}" if n % 2 else f"Keripik Pedas {n}"
                create_product(sentra, None, ProductDraft(
                    title=title, subsector_code="kriya", status="active",
                    variants=(VariantDraft(sku=f"{slug[:3].upper()}-{n}", price_idr=25_000, stock=5),)))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _timed_get(port: int, path: str) -> float:
    """Seconds from sending ``GET path`` on a new connection to the last byte of a 200's body."""
    began = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        took = time.perf_counter() - began
    finally:
        conn.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}")
    return took


def _cpu_seconds(master: int) -> float:
    """CPU seconds a gunicorn master's workers have run so far (Linux /proc/<pid>/schedstat: nanoseconds,
    where /proc/<pid>/stat counts 10 ms ticks)."""
    return sum(int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
               for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()) / 1e9


def logging_main() -> None:
    """Only the cost of logging a search (``python -m bench search_log``): SQLite, then PostgreSQL."""
    print(f"Logging a search ({LOGGING_RUNS} alternated requests per path, 400 products; medians; "
          f"load average {' '.join(f'{n:.2f}' for n in os.getloadavg())} on {os.cpu_count()} cores):")
    SQLITE_PATH.parent.mkdir(exist_ok=True)
    targets = [("SQLite", f"sqlite:///{SQLITE_PATH.with_name('bench_search_log.db')}")]
    pg = f"{_pg_url()}_log"
    if _ensure_pg_database(pg):
        targets.append(("PostgreSQL", pg))
    for name, url in targets:
        cost = logging_cost(url)
        for path, (off, on, added) in cost.client.items():
            print(f"  {name:<11} {path:<40} log off {off:6.2f} ms   log on {on:6.2f} ms   added {added:+5.2f} ms"
                  f" (median of pairs)   budget <= 1 ms: {'OK' if added <= 1 else 'OVER'}")
        off, on = cost.cpu
        print(f"  {name:<11} server CPU per API search: log off {off:5.2f} ms, on {on:5.2f} ms, added {on - off:+5.2f} ms;"
              f" the write after the response alone {cost.write[0]:.2f} ms wall, {cost.write[1]:.2f} ms CPU;"
              f" rows written {cost.rows[0]} of the {cost.rows[1]} searches asked of the logged servers")


def main() -> None:
    print(f"{SEARCHES:,} logged searches and {ORDERS:,} orders over {DAYS} days; {RUNS} timed requests each")
    SQLITE_PATH.parent.mkdir(exist_ok=True)
    _run("SQLite", f"sqlite:///{SQLITE_PATH}")
    pg = _pg_url()
    if _ensure_pg_database(pg):
        _run("PostgreSQL", pg)
    logging_main()

