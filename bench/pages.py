"""Page throughput under gunicorn (2 sync workers), as a ratio of a bare "hello" app.

DESIGN.md's budget: product page and storefront >= 25 % of hello's requests per
second, search and category pages >= 10 %. Both servers run in the same run with
the same gunicorn settings; the load comes from a separate process.
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


def _load(port: int, path: str, seconds: float) -> float:
    """Requests per second over keep-alive-less connections, CONCURRENCY at a time."""
    deadline = time.monotonic() + seconds

    def worker() -> int:
        done = 0
        while time.monotonic() < deadline:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"GET {path} answered {response.status}")
            conn.close()
            done += 1
        return done

    start = time.monotonic()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        total = sum(pool.map(lambda _: worker(), range(CONCURRENCY)))
    return total / (time.monotonic() - start)


PAGES = {
    "home": ("/", None),
    "storefront": ("/sentra/jatiwaringin", 0.25),
    "directory": ("/sentra", 0.10),
}


def main() -> None:
    hello = _serve("bench.hello:app", 5801)
    shop = _serve("shop:create_app()", 5802)
    try:
        _load(5801, "/", 1)  # warm up
        hello_rps = _load(5801, "/", DURATION)
        print(f"hello                 {hello_rps:8.0f} req/s")
        for name, (path, budget) in PAGES.items():
            _load(5802, path, 1)
            rps = _load(5802, path, DURATION)
            ratio = rps / hello_rps
            verdict = "" if budget is None else (" within budget" if ratio >= budget else f" OVER budget (needs {budget:.0%})")
            print(f"{name:<12} {path:<22} {rps:8.0f} req/s  {ratio:6.1%} of hello{verdict}")
    finally:
        for process in (hello, shop):
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
