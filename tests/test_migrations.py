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
from shop.migrating import migrations

DOCUMENT_COLUMNS = ("product_id, title, slug, subsector, category, sentra, sentra_name, kelurahan, kelurahan_name, "
                    "kecamatan, kecamatan_name, price_min_idr, price_max_idr, in_stock, made_to_order, created_at, "
                    "rating, title_terms, body_terms, fts_rowid")  # a search_document row as the tests insert it


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


def _migrating_app(url: str):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "TESTING": True})
    migrations(app, db)  # flask_migrate's functions need it bound (the `flask db` commands bind it themselves)
    return app


def _include(obj, name, type_, reflected, compare_to) -> bool:
    # Search's full-text structures are made by hand (catalog.search.models), not from models.
    if type_ == "index" and name == "ix_search_document_tsv":  # PostgreSQL GIN expression index
        return False
    return not (type_ == "table" and name and name.startswith("search_fts"))


def test_upgrade_from_empty_matches_the_models_and_downgrades_cleanly(scratch_database_url):
    app = _migrating_app(scratch_database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True, "include_object": _include}), db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        downgrade(revision="base")
        upgrade()
        db.engine.dispose()



def test_upgrading_a_database_with_data_keeps_every_row(scratch_database_url):
    """Altering a table on SQLite copies it into a new one: nothing that points at it may be lost."""
    app = _migrating_app(scratch_database_url)
    with app.app_context():
        upgrade(revision="5ea7c4000004")
        from shop.places.services import seed_places

        seed_places()
        db.session.commit()
        db.session.remove()
        with db.engine.begin() as conn:
            conn.execute(text('INSERT INTO "user" (id, email, name, password_hash, is_admin, auth_version, created_at) '
                              "VALUES (1, 'a@example.test', 'A', 'x', false, 1, CURRENT_TIMESTAMP)"))
            conn.execute(text(
                "INSERT INTO sentra (id, slug, name, kelurahan_code, applied_kelurahan_code, status, description, "
                "whatsapp, address, rating_avg, rating_count, created_at) VALUES (1, 'jatiwaringin', 'Sentra', "
                "'32.75.08.1001', '32.75.08.1001', 'active', '', '+62812', 'Jl. A', 0, 0, CURRENT_TIMESTAMP)"))
            conn.execute(text("INSERT INTO sentra_membership (sentra_id, user_id, role, created_at) "
                              "VALUES (1, 1, 'owner', CURRENT_TIMESTAMP)"))
            conn.execute(text(
                "INSERT INTO product (id, sentra_id, ref, title, slug, description, subsector_code, category, status, "
                "made_to_order, rating_avg, rating_count, created_at, updated_at) VALUES (1, 1, 'P1', 'Tas', 'tas', "
                "'', 'kriya', '', 'active', false, 0, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM sentra_membership")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM sentra")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM product")).scalar() == 1
        db.engine.dispose()


def test_search_rowids_take_the_stock_flags_and_give_them_back(scratch_database_url):
    """5ea7c4000012 moves the flags into every FTS5 rowid (the text index follows); its downgrade takes them out."""
    app = _migrating_app(scratch_database_url)
    with app.app_context():
        upgrade(revision="5ea7c4000010")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO search_facet_key (id, subsector, kecamatan, kelurahan, sentra) "
                              "VALUES (7, 'kriya', '32.75.08', '32.75.08.1001', 'jatiwaringin')"))
            for product_id, in_stock, made_to_order in ((1, True, False), (2, False, False), (3, True, True)):
                conn.execute(text(
                    f"INSERT INTO search_document ({DOCUMENT_COLUMNS}) VALUES (:id, 'Tas', 'tas', 'kriya', '', 'jatiwaringin', "
                    "'Sentra', '32.75.08.1001', 'Jatiwaringin', '32.75.08', 'Pondokgede', 1000, 1000, :stock, :mto, "
                    "0, 0, ' tas ', ' anyaman ', :rowid)"),
                    {"id": product_id, "stock": in_stock, "mto": made_to_order, "rowid": (product_id << 20) | 7})

        def rowids() -> list[int]:
            with db.engine.connect() as conn:
                if db.engine.dialect.name == "sqlite":  # the text index answers with the new rowids
                    return list(conn.scalars(text(
                        "SELECT rowid FROM search_fts WHERE search_fts MATCH 'anyaman' ORDER BY rowid")))
                return list(conn.scalars(text("SELECT fts_rowid FROM search_document ORDER BY product_id")))

        upgrade()
        assert rowids() == [(1 << 22) | (1 << 20) | 7, (2 << 22) | 7, (3 << 22) | (3 << 20) | 7]
        downgrade(revision="5ea7c4000010")
        assert rowids() == [(1 << 20) | 7, (2 << 20) | 7, (3 << 20) | 7]
        db.engine.dispose()


def test_the_monthly_twins_are_filled_from_the_daily_ones(scratch_database_url):
    """5ea7c4000022 sums the potential map's daily twins by month, so a deployment's figures stay right."""
    app = _migrating_app(scratch_database_url)
    with app.app_context():
        upgrade(revision="5ea7c4000019")
        with db.engine.begin() as conn:
            for day, prev, searchers, searches in (("2025-03-01", 0, 2, 5), ("2025-03-31", 0, 1, 1),
                                                   ("2025-03-31", 24302, 1, 2), ("2025-04-01", 0, 0, 0)):
                conn.execute(text("INSERT INTO potential_demand_day (day, place, prev_month, searchers, searches) "
                                  "VALUES (:day, '32.75', :prev, :n, :s)"),
                             {"day": day, "prev": prev, "n": searchers, "s": searches})
                conn.execute(text("INSERT INTO potential_unmet_term_day (day, place, term, prev_month, searchers, "
                                  "searches) VALUES (:day, '32.75', 'tenun', :prev, :n, :s)"),
                             {"day": day, "prev": prev, "n": searchers, "s": searches})
        upgrade()
        with db.engine.connect() as conn:
            for table in ("potential_demand_month", "potential_unmet_term_month"):
                rows = conn.execute(text(f"SELECT month, prev_month, searchers, searches FROM {table} "
                                         "ORDER BY month, prev_month")).all()
                assert [tuple(row) for row in rows] == [(2025 * 12 + 3, 0, 3, 6), (2025 * 12 + 3, 24302, 1, 2)]
        db.engine.dispose()


def test_listed_is_filled_from_the_variants(scratch_database_url):
    """5ea7c4000023: a product is listed when it has an active variant (issue 16); the public lists read it."""
    app = _migrating_app(scratch_database_url)
    with app.app_context():
        upgrade(revision="5ea7c4000022")
        from shop.places.services import seed_places

        seed_places()
        db.session.commit()
        db.session.remove()
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO sentra (id, slug, name, kelurahan_code, applied_kelurahan_code, status, description, "
                "whatsapp, address, rating_avg, rating_count, is_pkp, created_at) VALUES (1, 'jatiwaringin', "
                "'Sentra', '32.75.08.1001', '32.75.08.1001', 'active', '', '+62812', 'Jl. A', 0, 0, false, "
                "CURRENT_TIMESTAMP)"))
            for product_id in (1, 2, 3):  # both variants active, one of two archived, both archived
                conn.execute(text(
                    "INSERT INTO product (id, sentra_id, ref, title, slug, description, subsector_code, category, "
                    "status, made_to_order, rating_avg, rating_count, created_at, updated_at) VALUES (:id, 1, :ref, "
                    "'Tas', 'tas', '', 'kriya', '', 'active', false, 0, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                    {"id": product_id, "ref": f"P{product_id}"})
                for n, archived in enumerate((product_id == 3, product_id > 1)):
                    conn.execute(text(
                        "INSERT INTO variant (product_id, sentra_id, sku, options, price_idr, stock, weight_grams, "
                        "low_stock_threshold, position, archived) VALUES (:product, 1, :sku, '[]', 1000, 0, 0, 3, "
                        ":n, :archived)"), {"product": product_id, "sku": f"S{product_id}-{n}", "n": n,
                                            "archived": archived})
            conn.execute(text(
                "INSERT INTO product (id, sentra_id, ref, title, slug, description, subsector_code, category, "
                "status, made_to_order, rating_avg, rating_count, created_at, updated_at) VALUES (4, 1, 'P4', "
                "'Tas', 'tas', '', 'kriya', '', 'draft', false, 0, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        upgrade()
        with db.engine.connect() as conn:
            listed = dict(conn.execute(text("SELECT id, listed FROM product ORDER BY id")).all())
        assert listed == {1: True, 2: True, 3: False, 4: False}
        db.engine.dispose()


def test_the_word_counts_are_filled_from_the_text_index(scratch_database_url):
    """5ea7c4000024: documents per word and rowid class, counted from FTS5 itself on SQLite (issue 16)."""
    app = _migrating_app(scratch_database_url)
    with app.app_context():
        upgrade(revision="5ea7c4000023")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO search_facet_key (id, subsector, kecamatan, kelurahan, sentra) "
                              "VALUES (7, 'kriya', '32.75.08', '32.75.08.1001', 'jatiwaringin')"))
            for product_id, in_stock, title_terms, body_terms in (
                    (1, True, " tas anyaman ", " anyaman tas jatiwaringin "), (2, True, " tas ", " kayu "),
                    (3, False, " tas ", " anyaman ")):
                conn.execute(text(
                    f"INSERT INTO search_document ({DOCUMENT_COLUMNS}) VALUES (:id, 'Tas', 'tas', 'kriya', '', 'jatiwaringin', "
                    "'Sentra', '32.75.08.1001', 'Jatiwaringin', '32.75.08', 'Pondokgede', 1000, 1000, :stock, false, "
                    "0, 0, :title, :body, :rowid)"),
                    {"id": product_id, "stock": in_stock, "title": title_terms, "body": body_terms,
                     "rowid": (product_id << 22) | ((1 << 20) if in_stock else 0) | 7})
        upgrade()
        with db.engine.connect() as conn:
            counts = {tuple(row) for row in conn.execute(text(
                "SELECT term, facet_key, plain, in_stock, made_to_order, in_stock_made_to_order "
                "FROM search_term_count"))}
        expected = {("tas", 7, 1, 2, 0, 0), ("anyaman", 7, 1, 1, 0, 0), ("jatiwaringin", 7, 0, 1, 0, 0),
                    ("kayu", 7, 0, 1, 0, 0)}
        assert counts == (expected if db.engine.dialect.name == "sqlite" else set())  # PostgreSQL searches without it
        db.engine.dispose()
