"""Starting the app (every CLI command, every worker) imports no heavy client library before it is used."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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
