"""Starting the app (every CLI command, every worker) imports no heavy client library before it is used."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Clients that only some requests or commands need; each costs the start tens to hundreds of ms.
# (pydantic is not one: the API's declarations are its models, and its own import is lazy.)
HEAVY = ("stripe", "boto3", "botocore", "meilisearch", "requests", "aiohttp", "PIL", "zxcvbn",
         "alembic", "flask_migrate")


def _modules_after(code: str, tmp_path: Path) -> set[str]:
    """The HEAVY modules a fresh interpreter holds after running ``code`` (which sets ``app``)."""
    script = (
        "import json, sys\n"
        f"{code}\n"
        f"print(json.dumps(sorted(name for name in {HEAVY!r} if name in sys.modules)))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": f"sqlite:///{tmp_path / 'startup.db'}",
           "SECRET_KEY": "startup-test"}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120, check=True)
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.mark.nodb
def test_creating_the_app_imports_no_heavy_client_library(tmp_path):
    assert _modules_after("import shop; app = shop.create_app()", tmp_path) == set()


@pytest.mark.nodb
def test_the_card_provider_still_reaches_its_library_when_used(tmp_path):
    code = (
        "import shop; app = shop.create_app()\n"
        "from orders.payments.stripe import _message\n"
        "import stripe\n"
        "assert _message(stripe.CardError('declined', None, 'card_declined')) == 'declined'\n"
    )
    assert "stripe" in _modules_after(code, tmp_path)


@pytest.mark.nodb
def test_the_migration_commands_load_flask_migrate_when_they_run(tmp_path):
    code = (
        "import shop; app = shop.create_app()\n"
        "result = app.test_cli_runner().invoke(args=['db', 'upgrade'])\n"
        "assert result.exit_code == 0, result.output\n"
        "result = app.test_cli_runner().invoke(args=['db', '--help'])\n"
        "assert 'upgrade' in result.output and '--directory' in result.output, result.output\n"
        "from sqlalchemy import inspect\n"
        "from shop.extensions import db\n"
        "with app.app_context():\n"
        "    assert 'alembic_version' in inspect(db.engine).get_table_names()\n"
    )
    assert {"alembic", "flask_migrate"} <= _modules_after(code, tmp_path)


@pytest.mark.nodb
def test_a_url_is_built_by_a_rule_compiled_on_first_use(app):
    from flask import url_for

    with app.test_request_context():
        assert url_for("checkout.payment", checkout_id=7) == "/checkout/7/bayar"
        assert url_for("checkout.payment", checkout_id=8, via="qr") == "/checkout/8/bayar?via=qr"
        assert url_for("checkout.payment", checkout_id=9) == "/checkout/9/bayar"  # the compiled builder, kept


# -- A CLI process wires the models when a command runs and the pages when one is needed (shop.wiring)

MODEL_MODULE, VIEW_MODULES = "catalog.products.models", ("shop.main", "catalog.blueprints", "orders.blueprints")


def _cli(args: list[str], tmp_path: Path, *, upgrade: bool = False) -> tuple[str, set[str]]:
    """Run ``flask --app shop *args`` as the ``flask`` command does; its output and the project modules it imported."""
    watched = (MODEL_MODULE, *VIEW_MODULES)
    script = (
        "import json, sys\n"
        "from flask.cli import main\n"
        f"sys.argv = ['flask', '--app', 'shop', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit as stop:\n    assert not stop.code, stop.code\n"
        f"print(json.dumps(sorted(name for name in {watched!r} if name in sys.modules)))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
           "SECRET_KEY": "startup-test"}
    if upgrade:
        subprocess.run([sys.executable, "-m", "flask", "--app", "shop", "db", "upgrade"], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=300, check=True)
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300, check=True)
    *output, modules = result.stdout.strip().splitlines()
    return "\n".join(output), set(json.loads(modules))


@pytest.mark.nodb
def test_listing_the_commands_imports_no_model_and_no_page(tmp_path):
    output, modules = _cli(["--help"], tmp_path)
    for command in ("seed-places", "seed-demo", "create-admin", "import-products", "expire-payments", "ledger",
                    "impact", "search", "worker", "db", "routes", "shell"):
        assert f"  {command} " in output, command
    assert modules == set()


@pytest.mark.nodb
def test_a_command_runs_with_every_model_wired_but_no_page(tmp_path):
    output, modules = _cli(["expire-payments"], tmp_path, upgrade=True)
    assert output == "expire-payments: 0 checkout(s) expired"
    assert modules == {MODEL_MODULE}


@pytest.mark.nodb
def test_a_command_closes_its_database_connections_when_it_exits(tmp_path):
    _cli(["expire-payments"], tmp_path, upgrade=True)
    # SQLite removes its write-ahead log when the last connection closes; the engine is frozen
    # out of the collector's reach (shop.startup), so the exit's collection would not close it.
    assert (tmp_path / "cli.db").exists()
    assert not (tmp_path / "cli.db-wal").exists()


@pytest.mark.nodb
def test_a_command_that_reads_the_routes_finds_every_page(tmp_path):
    output, modules = _cli(["routes"], tmp_path)
    assert "storefront.product_detail" in output
    assert "checkout.payment" in output and "api." in output
    assert modules == {MODEL_MODULE, *VIEW_MODULES}


def _app_made_by_a_command(tmp_path: Path):
    import click

    from shop import create_app

    with click.Context(click.Command("flask")):  # as `flask --app shop ...` makes it
        return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'deferred.db'}", "SECRET_KEY": "x",
                           "TESTING": True, "PAGE_CACHE_DIR": str(tmp_path / "pages")})


@pytest.mark.nodb
def test_an_app_made_by_a_command_wires_its_pages_at_the_first_template(tmp_path):
    from flask import render_template_string

    from orders.checkout.purchasers import provided

    app = _app_made_by_a_command(tmp_path)
    assert "cart" not in app.blueprints and "worker" in app.cli.commands
    app.finish_wiring("models")
    with app.app_context():
        assert provided() is not None  # the domain's seams are filled for commands
    assert "cart" not in app.blueprints
    with app.app_context():
        # An email's template, as the worker renders one: the pages' filters come with the blueprints.
        assert render_template_string("{{ 1500000 | rupiah }} {{ 'x' | order_note }}").startswith("Rp")
    assert "cart" in app.blueprints and "api" in app.blueprints


@pytest.mark.nodb
def test_a_command_finds_every_mapper_configured_before_its_first_query(tmp_path):
    script = (
        "import click, shop\n"
        "from shop.extensions import db\n"
        "with click.Context(click.Command('flask')):\n"
        "    app = shop.create_app()\n"
        "mappers = db.Model.registry.mappers\n"
        "assert not mappers, 'no model before the models stage'\n"
        "app.finish_wiring('models')\n"
        "mappers = db.Model.registry.mappers\n"
        "print(len(mappers), all(mapper.configured for mapper in mappers))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": f"sqlite:///{tmp_path / 'mappers.db'}",
           "SECRET_KEY": "startup-test"}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120, check=True)
    count, configured = result.stdout.split()
    assert int(count) > 50 and configured == "True"


@pytest.mark.nodb
def test_an_app_made_by_a_command_serves_its_first_request_fully_wired(tmp_path):
    app = _app_made_by_a_command(tmp_path)
    with app.app_context():
        from shop.extensions import db

        app.finish_wiring("models")
        db.create_all()
    response = app.test_client().get("/healthz")
    assert response.status_code == 200, response.data
    assert "storefront" in app.blueprints
    assert app.test_client().get("/sentra").status_code == 200  # a page, its template and hooks


@pytest.mark.nodb
def test_flask_shell_opens_on_a_wired_app(tmp_path):
    app = _app_made_by_a_command(tmp_path)
    with app.app_context():
        context = app.make_shell_context()
    assert "db" in context and "storefront" in app.blueprints


def test_the_app_the_servers_make_is_wired_at_once(app):
    assert not app._pending and "storefront" in app.blueprints


# -- The app is imported and wired with the cyclic garbage collector paused (shop.startup)

def _collector_after(code: str, tmp_path: Path) -> dict[str, Any]:
    """The collector's state in a fresh interpreter after ``code``: on or off, and how many objects it froze."""
    script = (
        "import gc, json\n"
        f"{code}\n"
        "print(json.dumps({'enabled': gc.isenabled(), 'frozen': gc.get_freeze_count()}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": f"sqlite:///{tmp_path / 'gc.db'}",
           "SECRET_KEY": "startup-test"}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.nodb
def test_a_server_app_is_made_with_the_collector_paused_and_frozen_nothing(tmp_path):
    """A server's requests keep the collector's usual bookkeeping: a frozen heap makes it run full
    collections far more often (shop.startup)."""
    state = _collector_after("import shop; app = shop.create_app()", tmp_path)
    assert state == {"enabled": True, "frozen": 0}


@pytest.mark.nodb
def test_a_command_freezes_what_its_start_made_once_its_models_are_wired(tmp_path):
    state = _collector_after(
        "import click, shop\n"
        "with click.Context(click.Command('flask')):\n"
        "    app = shop.create_app()\n"
        "    listed = gc.get_freeze_count()\n"
        "    app.finish_wiring('models')\n"
        "assert listed == 0, listed",  # listing the commands (--help) wires nothing: nothing to keep
        tmp_path)
    assert state["enabled"] is True
    assert state["frozen"] > 100_000  # the modules, classes and mappers: never walked again, not even at exit


@pytest.mark.nodb
def test_a_process_that_turned_the_collector_off_finds_it_off_after_making_the_app(tmp_path):
    state = _collector_after("gc.disable(); import shop; app = shop.create_app()", tmp_path)
    assert state == {"enabled": False, "frozen": 0}


@pytest.mark.nodb
def test_the_collector_runs_again_after_an_app_is_made_and_after_a_command_wires_it(tmp_path):
    import gc

    from shop import create_app

    assert gc.isenabled()
    create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "TESTING": True,
                "PAGE_CACHE_DIR": str(tmp_path / "pages")})
    assert gc.isenabled()
    app = _app_made_by_a_command(tmp_path)
    app.finish_wiring("models")
    assert gc.isenabled()
    app.finish_wiring("web")
    assert gc.isenabled()


@pytest.mark.nodb
def test_the_collector_is_paused_only_inside_the_block_and_runs_again_after_an_error():
    import gc

    from shop.startup import collector_paused

    frozen = gc.get_freeze_count()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # a stage run while the package is imported
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError, match="a failed import"), collector_paused():
        raise RuntimeError("a failed import")
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen  # nothing frozen unless asked
    with collector_paused(freeze=True):
        pass
    assert gc.get_freeze_count() == frozen  # asked, but nothing imported: what the block made stays collectable


@pytest.mark.nodb
def test_a_collector_turned_off_before_the_block_stays_off():
    import gc

    from shop.startup import collector_paused

    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
