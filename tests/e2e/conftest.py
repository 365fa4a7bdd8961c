"""Browser tests: Debian's Chromium driven by Playwright against a live server.

The server runs the test app in a thread on 127.0.0.1 with CSRF switched on,
so the browser goes through exactly what a person's browser does.
"""
from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    # This hook sees every collected test, not only this folder's.
    for item in items:
        if HERE in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM}: .ci/run installs it from apt")
        pytest.skip("browser test: Chromium is not installed; enable with `sudo apt-get install chromium "
                    "fonts-dejavu-core` (`make test` does this itself when run as root)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def live_server(app) -> Iterator[str]:
    app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        app.config["WTF_CSRF_ENABLED"] = False
