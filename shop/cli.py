"""Commands under ``flask --app shop``. None of them prompts."""
from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from shop.extensions import db


@click.command("seed-places")
def seed_places_command() -> None:
    """Load the 12 kecamatan, 56 kelurahan and 17 subsectors (idempotent)."""
    from shop.places.services import seed_places

    created = seed_places()
    db.session.commit()
    click.echo(
        "places: {kecamatan} kecamatan, {kelurahan} kelurahan, {subsector} subsectors created".format(**created)
    )


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Make the demo marketplace: 56 active sentras and the demo accounts (idempotent)."""
    from shop.places.services import seed_places
    from shop.seed.demo import seed_demo

    seed_places()
    result = seed_demo()
    db.session.commit()
    click.echo(f"demo: {result['sentras_created']} sentras created, {result['sentras']} in all")


@click.command("create-admin")
@click.argument("email")
def create_admin_command(email: str) -> None:
    """Grant the program-office flag to the account with EMAIL."""
    from shop.accounts.models import User

    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or user.deleted_at is not None:
        raise click.ClickException(f"no account with email {email}; register it first")
    user.is_admin = True
    db.session.commit()
    click.echo(f"{user.email} is now a program-office admin")


def init_app(app: Flask) -> None:
    for command in (seed_places_command, seed_demo_command, create_admin_command):
        app.cli.add_command(command)
