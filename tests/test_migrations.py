"""The migrations build exactly the schema the models describe."""
from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from shop import create_app
from shop.extensions import db


@pytest.fixture
def scratch_database_url(tmp_path, database_url):
    """A new, empty database of the same kind as the test database."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    url = make_url(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"pasar_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _include(obj, name, type_, reflected, compare_to) -> bool:
    # Search's full-text structures are made by hand (catalog.search.models), not from models.
    if type_ == "index" and name == "ix_search_document_tsv":  # PostgreSQL GIN expression index
        return False
    return not (type_ == "table" and name and name.startswith("search_fts"))


def test_upgrade_from_empty_matches_the_models_and_downgrades_cleanly(scratch_database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": scratch_database_url, "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True, "include_object": _include}), db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        downgrade(revision="base")
        upgrade()
        db.engine.dispose()

