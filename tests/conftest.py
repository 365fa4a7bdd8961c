"""Test set-up: one app per run, an empty database for every test.

The database is SQLite in a temporary folder, or PostgreSQL when
``PASAR_TEST_DATABASE_URL`` is set (``make test`` sets it from ``TEST_DATABASE_URL``).
The schema is made once per run; after each test every table but the reference
places is emptied. The reference data (kecamatan, kelurahan, subsectors) is
seeded once and kept.
"""
from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import text

from shop import create_app
from shop.extensions import db, limiter
from shop.places.services import seed_places

REFERENCE_TABLES = {"kecamatan", "kelurahan", "subsector", "alembic_version"}
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.hookimpl(trylast=True)  # after -m has deselected what this run leaves out
def pytest_collection_modifyitems(config, items):
    if not os.environ.get("MEILI_URL"):
        # No Meilisearch server can run here: its conformance run is left out, not skipped
        # (the adapter's HTTP contract is tested against pytest-httpserver instead).
        live = [item for item in items if "meili_live" in item.keywords]
        if live:
            config.hook.pytest_deselected(items=live)
            items[:] = [item for item in items if "meili_live" not in item.keywords]
    if os.environ.get("PASAR_TEST_DATABASE_URL"):
        return
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set TEST_DATABASE_URL (make test does in CI)")
    for item in items:
        if "postgres_only" in item.keywords:
            if IN_CI:
                raise pytest.UsageError("CI must run PostgreSQL tests with PASAR_TEST_DATABASE_URL set")
            item.add_marker(skip_pg)


def pytest_terminal_summary(terminalreporter) -> None:
    """End the run by naming what it skipped, grouped by reason (each reason says how to enable it)."""
    reasons: Counter[str] = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reasons[reason.removeprefix("Skipped: ")] += 1
    if not reasons:
        return
    terminalreporter.write_sep("=", "skipped on this machine, and how to run them")
    for reason, count in reasons.most_common():
        terminalreporter.write_line(f"{count:5d} skipped: {reason}")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    # Read as pytest-xdist sets it rather than through its ``worker_id`` fixture, so `-p no:xdist` runs too.
    worker_id = os.environ.get("PYTEST_XDIST_WORKER", "master")
    url = os.environ.get("PASAR_TEST_DATABASE_URL")
    if url:
        return url if worker_id == "master" else _worker_database(url, worker_id)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"  # per xdist worker: its own temp folder


def _worker_database(url: str, worker_id: str) -> str:
    """``<database>_<worker>`` beside the given one (made when missing): parallel workers never share tables."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = f"{parsed.database}_{worker_id}"
    admin = create_engine(parsed.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
            "MAIL_SERVER": None,
            "SERVER_NAME": None,
            "PAGE_CACHE_DIR": str(tmp_path_factory.mktemp("page-cache")),
        }
    )

    @app.before_request
    def _fresh_g_per_request() -> None:
        # Each test keeps an app context open for its database work, and a request
        # reuses it: without this, g (Flask-Login's user, Babel's locale) would leak
        # from one request of the test to the next.
        for name in list(g):
            g.pop(name)

    with app.app_context():
        db.drop_all()
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
        seed_places()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _empty_tables() -> None:
    # DELETE, not TRUNCATE: on PostgreSQL a TRUNCATE of every table costs about half a
    # second per test, while deleting the few rows a test made is nearly free.
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # One round trip for all of them: with ~70 tables, one DELETE each cost ~40 ms a test.
            conn.exec_driver_sql("; ".join(f'DELETE FROM "{table.name}"' for table in tables))
            return
        for table in tables:
            conn.execute(table.delete())


def _discard_unwritten_searches() -> None:
    # The search log writes when a response is closed, which the test client leaves to the test:
    # a search whose response a test never closed must not be written in a later test.
    from catalog.search.log import writer

    writer().discard()


@pytest.fixture(autouse=True)
def _fresh_state(request, app: Flask) -> Iterator[None]:
    if "nodb" in request.keywords:
        yield
        return
    outbox: list = []
    app.extensions["mail_outbox"] = outbox
    app.config["WTF_CSRF_ENABLED"] = False
    limiter.reset()
    ctx = app.app_context()
    ctx.push()
    try:
        yield
    finally:
        db.session.rollback()
        db.session.remove()
        _discard_unwritten_searches()
        _empty_tables()
        ctx.pop()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def mail_outbox(app: Flask) -> list:
    """Messages sent during the test (``email.message.EmailMessage``)."""
    return app.extensions["mail_outbox"]


@pytest.fixture
def csrf_enabled(app: Flask) -> Iterator[None]:
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


class AuthActions:
    """Log a test client in and out through the real login form."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str, password: str = "correct-horse-battery", remember: bool = False):
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        return self._client.post("/login", data=data)

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


def links_in(body: str) -> list[str]:
    """Every http(s) link in a text (used to follow emailed links)."""
    return re.findall(r"https?://[^\s\"'<>]+", body)
