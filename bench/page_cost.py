"""What one uncached public page costs, counted rather than timed: Python calls and instructions per request.

``python -m bench pages`` measures requests per second, which moves with whatever else the
machine runs. This bench counts what a request costs the server, which does not: on the same
generated catalogue as the page bench (:func:`bench.pages._prepare`, ``PAGE_COST_PRODUCTS``
products, 5,000 by default), a worker process built as ``bench pages`` builds its page-cache-off
server (production settings, ``PAGE_CACHE=0``) answers each page through gunicorn's own sync
worker code (``SyncWorker.handle``: accept, parse, the WSGI app, write, close) on a loopback
socket, after warm-up requests. For each page it reports

- **calls**: Python function calls per request (``cProfile``'s count, C functions included);
- **instructions**: user-space instructions per request, counted by ``valgrind --tool=callgrind``
  (the worker runs under it, instrumented only around the requests measured); only when
  valgrind and a C compiler are there (the switch is a three-line C library built on the fly).

and each as a ratio of the bare "hello" app's cost through the same worker code (hello / page).
The instruction ratio is what a CPU-bound server's request rate would be as a share of hello's;
``bench pages`` also pays the kernel's TCP work and wrk's own share of the two cores, which weigh
more on hello, so its measured ratios come out higher. Both counts are repeatable run to run
(the instructions within a fraction of a percent), whatever the load.
"""
from __future__ import annotations

import ctypes
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import pages

PRODUCTS = int(os.environ.get("PAGE_COST_PRODUCTS", "5000"))
WARMUP = 5
CALL_REQUESTS = 20
INSTRUCTION_REQUESTS = 5
_SWITCH_C = """
#include <valgrind/callgrind.h>
void cost_start(void) { CALLGRIND_START_INSTRUMENTATION; }
void cost_toggle(void) { CALLGRIND_TOGGLE_COLLECT; }
void cost_dump(const char *name) { CALLGRIND_DUMP_STATS_AT(name); }
"""


class _Worker:
    """gunicorn's sync worker code answering one connection at a time on a loopback listener."""

    def __init__(self) -> None:
        from gunicorn.config import Config
        from gunicorn.glogging import Logger
        from gunicorn.workers.sync import SyncWorker

        cfg = Config()
        cfg.set("loglevel", "warning")
        self.worker = SyncWorker(0, os.getpid(), [], None, 30, cfg, Logger(cfg))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.address = self.listener.getsockname()

    def request(self, app: Any, path: str, around: Any = None) -> int:
        """Answer ``GET path`` with ``app``; ``around`` (start, stop) brackets the server's side only.

        :return: the response's status. The client sends its request and half-closes, as gunicorn's
            graceful close expects of a client that is done; it reads the answer once the worker is done.
        """
        client = socket.create_connection(self.address)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)  # the whole page fits: no thread to read it
        client.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.address[1]}\r\nUser-Agent: page-cost\r\n"
                       f"Accept: */*\r\n\r\n".encode())
        client.shutdown(socket.SHUT_WR)
        self.worker.wsgi = app
        if around:
            around[0]()
        connection, address = self.listener.accept()
        self.worker.handle(self.listener, connection, address)
        if around:
            around[1]()
        answer = bytearray()
        while chunk := client.recv(1 << 16):
            answer += chunk
        client.close()
        head, _, body = bytes(answer).partition(b"\r\n\r\n")
        length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
        if length and int(length.group(1)) != len(body):
            raise RuntimeError(f"{path}: {len(body)} of {int(length.group(1))} bytes came back")
        return int(head.split(b" ", 2)[1])


def _count_calls(worker: _Worker, app: Any, path: str, requests: int) -> float:
    import cProfile
    import pstats

    profile = cProfile.Profile()
    for _ in range(requests):
        worker.request(app, path, (profile.enable, profile.disable))
    return pstats.Stats(profile).total_calls / requests


def _switch(folder: Path) -> ctypes.CDLL:
    source, library = folder / "switch.c", folder / "switch.so"
    source.write_text(_SWITCH_C)
    subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    return ctypes.CDLL(str(library))


def serve_and_count(targets: dict[str, str], mode: str, folder: Path) -> dict[str, float]:
    """In the worker process: warm every page up, then count ``mode`` ("calls" or "instructions") per request.

    :return: calls per request by page name ("instructions" writes callgrind dumps named after the pages).
    """
    from bench.hello import app as hello
    from shop import create_app

    shop = create_app()
    worker = _Worker()
    apps = {name: hello if name == "hello" else shop for name in targets}
    for name, path in targets.items():
        for _ in range(WARMUP):
            status = worker.request(apps[name], path)
            if status != 200:
                raise RuntimeError(f"{name} {path} answered {status}, not 200")
    if mode == "calls":
        return {name: _count_calls(worker, apps[name], path, CALL_REQUESTS) for name, path in targets.items()}
    switch = _switch(folder)
    switch.cost_start()
    for name, path in targets.items():
        for _ in range(INSTRUCTION_REQUESTS):
            worker.request(apps[name], path, (switch.cost_toggle, switch.cost_toggle))
        switch.cost_dump(name.encode())
    return {}


def read_callgrind_dumps(folder: Path) -> dict[str, int]:
    """Instructions (the ``Ir`` totals) of each dump named by :func:`serve_and_count`, by page name."""
    totals = {}
    for dump in folder.glob("callgrind.out*"):
        text = dump.read_text(errors="replace")
        trigger = re.search(r"^desc: Trigger: Client Request: (.+)$", text, re.M)
        total = re.search(r"^(?:totals|summary): (\d+)", text, re.M)
        if trigger and total:
            totals[trigger.group(1).strip()] = int(total.group(1))
    return totals


def _run_worker(url: str, targets: dict[str, str], mode: str, folder: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(pages.ROOT), **pages.shop_environment(url), "PAGE_CACHE": "0",
           "PYTHONHASHSEED": "0"}  # the same dict layouts, so the same instruction count, run after run
    command = [sys.executable, "-m", "bench.page_cost", "--worker", mode, str(folder), json.dumps(targets)]
    if mode == "instructions":
        command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--collect-atstart=no",
                   f"--callgrind-out-file={folder}/callgrind.out.%p", *command]
    done = subprocess.run(command, cwd=pages.ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"the {mode} worker failed:\n{done.stderr[-4000:]}")
    if mode == "calls":
        return json.loads(done.stdout.strip().splitlines()[-1])
    found = read_callgrind_dumps(folder)
    return {name: found[name] / INSTRUCTION_REQUESTS for name in targets}


def measure(products: int = PRODUCTS, instructions: bool | None = None) -> dict[str, dict[str, float]]:
    """Calls (and, where valgrind runs, instructions) per request for hello and each page of ``bench pages``."""
    if instructions is None:
        instructions = shutil.which("valgrind") is not None and shutil.which("cc") is not None
    with tempfile.TemporaryDirectory(prefix="bench-page-cost-") as name:
        folder = Path(name)
        url, paths = pages._prepare(folder, products)
        targets = {"hello": "/", **paths}
        figures = {"calls": _run_worker(url, targets, "calls", folder)}
        if instructions:
            figures["instructions"] = _run_worker(url, targets, "instructions", folder)
    return figures


def main() -> None:
    figures = measure()
    calls, instructions = figures["calls"], figures.get("instructions")
    print(f"(per request, page cache off, {PRODUCTS:,} products; through gunicorn's sync worker code; ratio = "
          f"hello's cost / the page's. DESIGN.md's budgets are for `bench pages`' req/s, not for these ratios)")
    print(f"{'page':<14} {'calls':>8} {'ratio':>7}" + (f" {'instructions':>14} {'ratio':>7}" if instructions else ""))
    for name in calls:
        line = f"{name:<14} {calls[name]:8.0f} {calls['hello'] / calls[name]:7.1%}"
        if instructions:
            line += f" {instructions[name]:14,.0f} {instructions['hello'] / instructions[name]:7.1%}"
        print(line)
    if not instructions:
        print("(instructions not counted: they need valgrind and a C compiler)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        mode, folder, targets = sys.argv[2], Path(sys.argv[3]), json.loads(sys.argv[4])
        print(json.dumps(serve_and_count(targets, mode, folder)))
    else:
        main()
