"""Page throughput under gunicorn (2 sync workers), as a ratio of a bare "hello" app.

DESIGN.md's budget: product page and storefront >= 25 % of hello's requests per
second, search and category pages >= 10 %. Both servers run in the same run with
the same gunicorn settings; the load comes from a separate process. Each line
prints requests per second, the p95 latency and the ratio to hello.

The pages are served from the dev database (``make setup`` seeds it), or from
``DATABASE_URL`` when set; the product page is the demo product with the most
variants of the storefront's sentra.
"""
from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
DURATION = float(os.environ.get("BENCH_SECONDS", "5"))
CONCURRENCY = 4
STOREFRONT = "jatiwaringin"


def _serve(target: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING", "RATELIMIT_ENABLED": "false"}
    process = subprocess.Popen(
        [GUNICORN, "--workers", "2", "--worker-class", "sync", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", target],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz" if target.startswith("shop") else "/")
            conn.getresponse().read()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{target} did not start on port {port}")


def _load(port: int, path: str, seconds: float) -> tuple[float, float]:
    """Requests per second and p95 latency (ms) over new connections, CONCURRENCY at a time."""
    deadline = time.monotonic() + seconds

    def worker() -> list[float]:
        latencies = []
        while time.monotonic() < deadline:
            started = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"GET {path} answered {response.status}")
            conn.close()
            latencies.append(time.perf_counter() - started)
        return latencies

    start = time.monotonic()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        latencies = sorted(t for batch in pool.map(lambda _: worker(), range(CONCURRENCY)) for t in batch)
    elapsed = time.monotonic() - start
    p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))] * 1000 if latencies else float("nan")
    return len(latencies) / elapsed, p95


def _demo_pages() -> dict[str, tuple[str, float | None]]:
    """The pages to measure, with a real product and subsector from the database."""
    from sqlalchemy import func, select

    from catalog.products.models import Product, ProductStatus, Variant
    from shop import create_app
    from shop.extensions import db
    from shop.sentras.models import Sentra

    app = create_app()
    with app.app_context():
        row = db.session.execute(
            select(Product.id, Product.slug, Product.subsector_code)
            .join(Sentra, Sentra.id == Product.sentra_id)
            .join(Variant, Variant.product_id == Product.id)
            .where(Sentra.slug == STOREFRONT, Product.status == ProductStatus.ACTIVE)
            .group_by(Product.id)
            .order_by(func.count(Variant.id).desc(), Product.id)
            .limit(1)
        ).first()
        db.session.remove()
        db.engine.dispose()
    if row is None:
        raise SystemExit(f"no public product in sentra {STOREFRONT}: run `make setup` (seed-demo) first")
    return {
        "home": ("/", None),
        "product": (f"/p/{row.id}-{row.slug}", 0.25),
        "storefront": (f"/sentra/{STOREFRONT}", 0.25),
        "category": (f"/kategori/{row.subsector_code}", 0.10),
        "directory": ("/sentra", 0.10),
        "search": ("/search?q=keripik", 0.10),
        "search+facets": (f"/search?q=tas&subsector={row.subsector_code}&in_stock=1", 0.10),
    }


def main() -> None:
    pages = _demo_pages()
    hello = _serve("bench.hello:app", 5801)
    shop = _serve("shop:create_app()", 5802)
    try:
        _load(5801, "/", 1)  # warm up
        hello_rps, hello_p95 = _load(5801, "/", DURATION)
        print(f"{'hello':<12} {'/':<34} {hello_rps:8.0f} req/s  p95 {hello_p95:6.1f} ms")
        for name, (path, budget) in pages.items():
            _load(5802, path, 1)
            rps, p95 = _load(5802, path, DURATION)
            ratio = rps / hello_rps
            verdict = "" if budget is None else (
                f"  within budget ({budget:.0%})" if ratio >= budget else f"  OVER budget (needs {budget:.0%})"
            )
            print(f"{name:<12} {path:<34} {rps:8.0f} req/s  p95 {p95:6.1f} ms  {ratio:6.1%} of hello{verdict}")
    finally:
        for process in (hello, shop):
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
