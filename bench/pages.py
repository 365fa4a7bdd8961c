"""Page throughput under gunicorn (2 sync workers), loaded by ``wrk``, as a ratio of a bare "hello" app.

For each catalogue size in ``BENCH_PRODUCTS`` (default ``5000,100000``) a fresh SQLite file in
a temporary folder gets a generated catalogue (:mod:`bench.catalogue`) and its ``sql`` search
index. Three gunicorn servers with the same settings run side by side: the bare WSGI hello app
(:mod:`bench.hello`), the shop with the public page cache on (``PAGE_CACHE=1``) and the shop with
it off (``PAGE_CACHE=0``), both in production mode on that file. For each cache mode, hello
is measured first, then each page: warmed up (one checked request, then a short wrk run),
then ``wrk -t2 -c16 -d<BENCH_SECONDS>s --latency``. wrk is written in C, so the load generator
does not share an interpreter (or a GIL) with what it measures.

The table gives requests per second, p50 and p99 latency, the ratio to the hello figure of the
same block and DESIGN.md's budget verdict. A page that answered anything but 200 (wrk counts
non-2xx/3xx answers, socket errors and timeouts) is a failure, named as such. Last, the start-up
time of ``flask --app shop --help`` and of ``expire-payments`` (a command that queries), median of 5 runs each, wall and CPU time.
"""
from __future__ import annotations

import http.client
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WARMUP_SECONDS = 2
SIZES = [int(n) for n in os.environ.get("BENCH_PRODUCTS", "5000,100000").split(",") if n.strip()]
THREADS, CONNECTIONS = 2, 16
HELLO_PORT, CACHED_PORT, UNCACHED_PORT = 5201, 5202, 5203
MODES = (("on", "1", CACHED_PORT), ("off", "0", UNCACHED_PORT))
# DESIGN.md's budgets as a share of hello's requests per second: (cache on, cache off).
BUDGETS: dict[str, tuple[float, float | None]] = {
    "home": (0.50, None),
    "product": (0.50, 0.12),
    "storefront": (0.50, 0.12),
    "category": (0.30, 0.05),
    "directory": (0.30, 0.05),
    "search": (0.30, 0.05),
    "search+facets": (0.30, 0.05),
}
CLI_RUNS = 5
_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


@dataclass(frozen=True)
class WrkResult:
    """What one wrk run reports."""

    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    bad_status: int  # wrk's "Non-2xx or 3xx responses"
    socket_errors: int  # connect + read + write + timeout

    @property
    def failures(self) -> str | None:
        """Why this run does not count, or None when every answer was a success."""
        problems = []
        if self.bad_status:
            problems.append(f"{self.bad_status} non-2xx/3xx")
        if self.socket_errors:
            problems.append(f"{self.socket_errors} socket errors")
        if not self.requests:
            problems.append("no request completed")
        return ", ".join(problems) or None


def _duration_ms(value: str, unit: str) -> float:
    return float(value) * _UNITS_MS[unit]


def parse_wrk(output: str) -> WrkResult:
    """Read requests, req/s, p50/p99 latency and errors from ``wrk --latency`` output.

    :raise ValueError: the output lacks the figures (wrk failed, or ran without ``--latency``).
    """
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    total = re.search(r"^\s*(\d+) requests in ", output, re.M)
    latency = {pct: _duration_ms(value, unit)
               for pct, value, unit in re.findall(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.M)}
    if not rate or not total or set(latency) != {"50", "99"}:
        raise ValueError(f"not the output of wrk --latency:\n{output}")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return WrkResult(
        requests=int(total.group(1)),
        requests_per_second=float(rate.group(1)),
        p50_ms=latency["50"],
        p99_ms=latency["99"],
        bad_status=int(bad.group(1)) if bad else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
    )


def run_wrk(port: int, path: str, seconds: int) -> WrkResult:
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "30s",
               f"http://127.0.0.1:{port}{path}"]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return parse_wrk(done.stdout)


def _status(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _serve(target: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    """gunicorn with 2 sync workers on ``port``, once it answers."""
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "2", "--worker-class", "sync", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", target],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{target} exited at start (port {port} taken?)")
        try:
            _status(port, "/")
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{target} did not start on port {port}")


def _prepare(folder: Path, products: int) -> tuple[str, dict[str, str]]:
    """A database with the generated catalogue and its index; returns its URL and the pages to measure."""
    from sqlalchemy import select

    from bench.catalogue import build_search_index, generate_catalogue
    from catalog.products.models import Product, ProductStatus
    from shop import create_app
    from shop.extensions import db
    from shop.places.services import seed_places
    from shop.sentras.models import Sentra

    url = f"sqlite:///{folder / f'pages-{products}.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "SEARCH_BACKEND": "sql"})
    with app.app_context():
        db.create_all()
        seed_places()
        db.session.commit()
        start = time.perf_counter()
        made = generate_catalogue(products)
        documents = build_search_index()
        print(f"catalogue: {made.products:,} products ({made.variants:,} variants, {made.photos:,} photo rows, "
              f"{made.reviews:,} reviews) over {made.sentras} sentras, {documents:,} documents indexed, "
              f"in {time.perf_counter() - start:.1f} s")
        # The product page: the active product with the most reviews (it also has photos and variants).
        product = db.session.execute(
            select(Product.id, Product.slug, Product.subsector_code, Sentra.slug.label("sentra"))
            .join(Sentra, Sentra.id == Product.sentra_id)
            .where(Product.status == ProductStatus.ACTIVE)
            .order_by(Product.rating_count.desc(), Product.id)
            .limit(1)
        ).one()
        db.session.remove()
        db.engine.dispose()
    return url, {
        "home": "/",
        "product": f"/p/{product.id}-{product.slug}",
        "storefront": f"/sentra/{product.sentra}",
        "category": f"/kategori/{product.subsector_code}",
        "directory": "/sentra",
        "search": "/search?q=keripik",
        "search+facets": f"/search?q=tas&subsector={product.subsector_code}&in_stock=1",
    }


def shop_environment(url: str) -> dict[str, str]:
    """The shop's environment in the bench (production settings on the catalogue at ``url``), cache mode aside.

    SEARCH_LOG=0: the load is not people, and its searches must not enter the potential map (issue 22).
    """
    return {"APP_ENV": "production", "SECRET_KEY": "bench", "DATABASE_URL": url, "SEARCH_BACKEND": "sql",
            "STORAGE_BACKEND": "local", "LOG_LEVEL": "WARNING", "SEARCH_LOG": "0"}


def _row(name: str, path: str, mode: str, result: WrkResult, ratio: str, verdict: str) -> str:
    return (f"{name:<14} {path[:52]:<52} {mode:<4} {result.requests_per_second:8.0f} {result.p50_ms:8.1f} "
            f"{result.p99_ms:8.1f} {ratio:>7}  {verdict}")


def _verdict(name: str, mode: str, ratio: float) -> str:
    on, off = BUDGETS[name]
    budget = on if mode == "on" else off
    if budget is None:
        return "(no budget)"
    return f"within budget (>= {budget:.0%})" if ratio >= budget else f"UNDER budget (needs {budget:.0%})"


def _measure_size(products: int, folder: Path) -> int:
    """Generate, serve and measure one catalogue size; returns the number of failed measurements."""
    url, pages = _prepare(folder, products)
    shop_env = shop_environment(url)
    servers = [_serve("bench.hello:app", HELLO_PORT, {})]
    failures = 0
    try:
        for _mode, flag, port in MODES:
            servers.append(_serve("shop:create_app()", port, {**shop_env, "PAGE_CACHE": flag}))
        print(f"{'page':<14} {'path':<52} {'mode':<4} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>7}  budget")
        for mode, _flag, port in MODES:
            load = " ".join(f"{n:.1f}" for n in os.getloadavg())
            print(f"(page cache {mode}; load average before the block: {load}, on {os.cpu_count()} cores)")
            run_wrk(HELLO_PORT, "/", WARMUP_SECONDS)
            hello = run_wrk(HELLO_PORT, "/", SECONDS)
            print(_row("hello", "/", mode, hello, f"{1:.1%}", hello.failures or ""))
            failures += bool(hello.failures)
            for name, path in pages.items():
                status = _status(port, path)
                if status != 200:
                    print(f"{name:<14} {path[:52]:<52} {mode:<4} FAILED: answered {status}, not 200")
                    failures += 1
                    continue
                run_wrk(port, path, WARMUP_SECONDS)
                result = run_wrk(port, path, SECONDS)
                ratio = result.requests_per_second / hello.requests_per_second
                if result.failures:
                    failures += 1
                    verdict = f"FAILED: {result.failures}"
                else:
                    verdict = _verdict(name, mode, ratio)
                print(_row(name, path, mode, result, f"{ratio:.1%}", verdict))
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
    return failures


CLI_COMMANDS = (  # what is timed: listing the commands, and one that queries (models wired, mappers configured)
    ("--help",),
    ("expire-payments",),
)


def cli_startup(args: tuple[str, ...], env: dict[str, str], runs: int = CLI_RUNS) -> tuple[float, float]:
    """Median wall and CPU (user + system) seconds of ``flask --app shop *args``, after one untimed run.

    Python may keep its bytecode cache here, as on a deployed install: the first run writes it.
    """
    command = [str(BIN / "flask"), "--app", "shop", *args]
    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=True)
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def report_cli_startup() -> None:
    """Time each of :data:`CLI_COMMANDS` against a migrated SQLite database of its own."""
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as folder:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(DATABASE_URL=f"sqlite:///{folder}/cli.db", SECRET_KEY="bench-cli")
        subprocess.run([str(BIN / "flask"), "--app", "shop", "db", "upgrade"], cwd=ROOT, env=env,
                       capture_output=True, check=True)
        for args in CLI_COMMANDS:
            wall, cpu = cli_startup(args, env, CLI_RUNS)
            verdict = "within budget (<= 1 s)" if wall <= 1 else "OVER budget (needs <= 1 s)"
            print(f"flask --app shop {' '.join(args)}: median of {CLI_RUNS} runs {wall:.2f} s wall, "
                  f"{cpu:.2f} s CPU  {verdict}")


def main() -> None:
    if shutil.which("wrk") is None:
        print("skipped: the page bench needs wrk (Debian: sudo apt-get install wrk)")
    else:
        print(f"(wrk -t{THREADS} -c{CONNECTIONS} -d{SECONDS}s --latency; gunicorn 2 sync workers each; "
              f"ratios to hello measured just before each block; budgets from DESIGN.md)")
        failures = 0
        with tempfile.TemporaryDirectory(prefix="bench-pages-") as folder:
            for products in SIZES:
                print(f"\n-- {products:,} products")
                failures += _measure_size(products, Path(folder))
        if failures:
            print(f"\n!! {failures} measurement(s) FAILED (an answer other than 200): their figures do not count")
    print()
    report_cli_startup()


if __name__ == "__main__":
    main()
