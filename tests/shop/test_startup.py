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
HEAVY = ("stripe", "boto3", "botocore", "meilisearch", "requests", "aiohttp", "pydantic", "PIL", "zxcvbn")


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
