"""``flask db ...`` (Flask-Migrate, Alembic), loaded when a migration command runs.

Importing Flask-Migrate imports Alembic and its templating, about a sixth of every start-up
of the CLI, the worker and each server process, which never migrate. :func:`init_app` adds
a ``db`` command group that loads Flask-Migrate the first time one of its commands is
listed or run; :func:`migrations` binds it for code that migrates itself (tests).
"""
from __future__ import annotations

from typing import Any

import click
from flask import Flask
from flask_sqlalchemy import SQLAlchemy

from shop.config import ROOT

DIRECTORY = str(ROOT / "migrations")


def migrations(app: Flask, db: SQLAlchemy) -> None:
    """Bind Flask-Migrate to ``app`` (once), so its commands and functions such as ``upgrade`` work."""
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        Migrate(app, db, directory=DIRECTORY, render_as_batch=True)  # batch: SQLite alters by copying


class _MigrationCommands(click.Group):
    """Flask-Migrate's ``db`` group, imported on first use."""

    def __init__(self, app: Flask, db: SQLAlchemy) -> None:
        super().__init__("db", help="Perform database migrations (Alembic, through Flask-Migrate).")
        self._app, self._db = app, db

    def _group(self) -> click.Group:
        finish_wiring = getattr(self._app, "finish_wiring", None)
        if finish_wiring is not None:
            finish_wiring("models")  # autogenerate compares every model's table (shop.wiring)
        migrations(self._app, self._db)
        from flask_migrate.cli import db as group

        return group

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        """The real group's context: its options (``-d``, ``-x``) and its callback run as if it were added."""
        return self._group().make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._group().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> Any:
        return self._group().get_command(ctx, name)

def init_app(app: Flask, db: SQLAlchemy) -> None:
    """Add ``flask db`` to ``app``'s CLI without importing Flask-Migrate yet."""
    app.cli.add_command(_MigrationCommands(app, db))
