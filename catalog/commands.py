"""The catalog's commands: ``flask --app shop search reindex`` rebuilds the search indexes. None prompts.

Outside the search package, whose import builds the search backends: listing the commands imports none.
"""
from __future__ import annotations

import click
from flask import current_app


@click.group("search")
def search_group() -> None:
    """Search index maintenance."""


@search_group.command("reindex")
@click.option("--batch-size", default=1000, show_default=True, help="Documents per Meilisearch batch.")
def reindex_command(batch_size: int) -> None:
    """Rebuild the sql search index and, with SEARCH_BACKEND=meilisearch, the Meilisearch index."""
    from catalog.search.documents import iter_document_batches, public_product_ids_for
    from catalog.search.errors import SearchUnavailableError
    from catalog.search.indexing import rebuild_sql_index
    from catalog.search.meili import MeiliBackend, meili_enabled
    from shop.extensions import db

    total = len(public_product_ids_for())
    with click.progressbar(length=total, label="sql index") as bar:

        def advance(done: int, _total: int) -> None:
            bar.update(done - bar.pos)

        rebuild_sql_index(progress=advance)
    db.session.commit()
    click.echo(f"sql index: {total} products")
    if not meili_enabled(current_app.config):
        return
    try:
        backend = MeiliBackend(current_app.config)
        with click.progressbar(length=total, label="meilisearch") as bar:
            sent = backend.rebuild(iter_document_batches(batch_size), progress=bar.update)
    except SearchUnavailableError as exc:
        raise click.ClickException(f"Meilisearch is unreachable, its index was not rebuilt: {exc}") from None
    click.echo(f"meilisearch index: {sent} products")
