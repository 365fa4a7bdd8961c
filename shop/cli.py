"""Commands under ``flask --app shop``. None of them prompts."""
from __future__ import annotations

from typing import Any

import click
from flask import Flask, current_app, has_app_context
from sqlalchemy import select

from shop.extensions import db
from shop.wiring import MODELS


@click.command("seed-places")
def seed_places_command() -> None:
    """Load the 12 kecamatan, 56 kelurahan and 17 subsectors (idempotent)."""
    from catalog.search.synonyms import seed_synonyms
    from shop.places.services import seed_places

    created = seed_places()
    created["synonyms"] = seed_synonyms()
    db.session.commit()
    click.echo(
        "places: {kecamatan} kecamatan, {kelurahan} kelurahan, {subsector} subsectors, "
        "{synonyms} search synonym groups created".format(**created)
    )


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Make the demo marketplace: 56 active sentras and the demo accounts (idempotent)."""
    from shop.places.services import seed_places
    from shop.seed.demo import seed_demo

    seed_places()
    result = seed_demo()
    db.session.commit()
    click.echo(
        f"demo: {result['sentras_created']} sentras created, {result['sentras']} in all, "
        f"{result.get('products_created', 0)} products created"
    )


@click.command("create-admin")
@click.argument("email")
def create_admin_command(email: str) -> None:
    """Grant the program-office flag to the account with EMAIL."""
    from shop.accounts.models import User
    from shop.audit.services import record

    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or user.deleted_at is not None:
        raise click.ClickException(f"no account with email {email}; register it first")
    if not user.is_admin:
        record(None, "user.admin", "user", user.id, f"{user.email} made a program-office admin (create-admin CLI)")
    user.is_admin = True
    db.session.commit()
    click.echo(f"{user.email} is now a program-office admin")


@click.command("import-products")
@click.argument("sentra_slug")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(exists=True, dir_okay=False))
def import_products_command(sentra_slug: str, csv_file: str) -> None:
    """Import products of SENTRA_SLUG from a CSV file (all or nothing; README, CSV import)."""
    from catalog.csv import CsvImportError, import_products
    from shop.sentras.models import Sentra

    sentra = db.session.scalar(select(Sentra).where(Sentra.slug == sentra_slug))
    if sentra is None:
        raise click.ClickException(f"no sentra with slug {sentra_slug}")
    with open(csv_file, "rb") as handle:
        data = handle.read()
    try:
        summary = import_products(sentra, None, data)
    except CsvImportError as exc:
        db.session.rollback()
        for error in exc.errors:
            where = ", ".join(
                part for part in (error.row and f"row {error.row}", error.column and f"column {error.column}") if part
            )
            click.echo(f"{where or 'file'}: {error.message}", err=True)
        click.echo(f"nothing imported: {len(exc.errors)} error(s)", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(
        f"{sentra.slug}: products {summary.products_created} created, {summary.products_updated} updated, "
        f"{summary.products_unchanged} unchanged; variants {summary.variants_created} created, "
        f"{summary.variants_updated} updated; {summary.stock_corrections} stock corrections"
    )


def init_app(app: Flask) -> None:
    """Add every package's commands (whose modules import their work only when it runs)."""
    from catalog.commands import search_group
    from orders.impact.cli import impact_group
    from orders.ledger.cli import ledger_group
    from orders.payments.cli import expire_payments_command
    from shop.outbox.cli import worker_command

    for command in (seed_places_command, seed_demo_command, create_admin_command, import_products_command,
                    expire_payments_command, ledger_group, impact_group, search_group, worker_command):
        app.cli.add_command(_models_first(command))
    app.shell_context_processor(_shell_context)


def _models_first(command: click.Command) -> click.Command:
    """``command``, which finishes the app's models stage (:mod:`shop.wiring`) before it runs.

    The commands are shared by every app made in a process, so the app is the one whose
    context the command runs in (``flask`` pushes it; so must a caller of ``main``).
    """
    if getattr(command, "_models_first", False):
        return command
    invoke = command.invoke

    def invoke_wired(ctx: click.Context) -> Any:
        if has_app_context():
            finish = getattr(current_app, "finish_wiring", None)
            if finish is not None:
                finish(MODELS)
        return invoke(ctx)

    command.invoke = invoke_wired  # type: ignore[method-assign]
    command._models_first = True  # type: ignore[attr-defined]
    return command


def _shell_context() -> dict[str, Any]:
    """``flask shell`` opens on a wired app, with ``db`` at hand."""
    current_app.finish_wiring()  # type: ignore[attr-defined]
    return {"db": db}


def init_background(app: Flask) -> None:
    """Wire each package's background work into the worker: its outbox handlers and periodic tasks."""
    from catalog import worker as catalog_worker
    from orders import worker as orders_worker
    from shop import whatsapp  # noqa: F401  (registers the whatsapp.send outbox handler)

    for package in (catalog_worker, orders_worker):
        package.init_app(app)
