"""The layers of DESIGN.md (Layout) are import-linter contracts that fail on a forbidden edge.

Each back-edge test copies the three packages and pyproject.toml to a scratch directory, adds
one module with the edge (as a lazy import inside a function, the kind that used to hide), and
runs ``lint-imports`` there: the contract must name the edge and fail.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.nodb

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("shop", "catalog", "orders")


def _lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(project)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=120)


def _project_with(tmp_path: Path, module: str, source: str) -> Path:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__", "translations", "data"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / (module.replace(".", "/") + ".py")).write_text(source)
    return tmp_path


def _lazy_import(target: str) -> str:
    return f"def scratch():\n    import {target}  # noqa: F401\n"


def test_the_project_keeps_its_layer_contracts():
    result = _lint_imports(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("module", "target"), [
    pytest.param("catalog.products.scratch", "orders.core.models", id="catalog-imports-orders"),
    pytest.param("shop.sentras.scratch", "catalog.products.models", id="shell-imports-catalog"),
    pytest.param("shop.outbox.scratch", "orders.core.models", id="shell-imports-orders"),
    pytest.param("shop.accounts.scratch", "shop.admin.ledger_views", id="shell-reaches-orders-through-the-office"),
    pytest.param("shop.accounts.scratch", "shop.sentras.models", id="accounts-imports-sentras"),
    pytest.param("shop.accounts.scratch", "shop.api.auth", id="accounts-imports-the-api"),
    pytest.param("shop.sentras.scratch", "shop.partners.models", id="sentras-import-partners"),
    pytest.param("catalog.products.scratch", "catalog.stock", id="products-import-the-stock"),
    pytest.param("catalog.storefront.scratch", "catalog.search.views", id="storefront-imports-search"),
    pytest.param("catalog.reviews.scratch", "catalog.storefront.queries", id="reviews-import-the-storefront"),
    pytest.param("catalog.csv.scratch", "catalog.listings.services", id="csv-imports-listings"),
])
def test_a_back_edge_inside_a_function_breaks_a_contract_that_names_it(tmp_path, module, target):
    project = _project_with(tmp_path, module, _lazy_import(target))

    result = _lint_imports(project)

    assert result.returncode == 1
    assert f"{module} -> {target}" in result.stdout


def test_the_composition_root_may_import_catalog_and_orders(tmp_path):
    project = _project_with(tmp_path, "shop.seed.scratch", _lazy_import("orders.core.models"))

    result = _lint_imports(project)

    assert result.returncode == 0, result.stdout
