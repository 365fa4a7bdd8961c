"""CSV export and import of a sentra's products, on the ``products`` blueprint.

GET  /kelola/<slug>/produk/ekspor.csv  download every product, one row per variant
GET  /kelola/<slug>/produk/impor       the upload form
POST /kelola/<slug>/produk/impor       import all or nothing; errors as a row/column table (422)
"""
from __future__ import annotations

from flask import Response, g, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired

from catalog import csv as product_csv
from catalog.listings.views import bp
from shop.db import WIB, utcnow
from shop.extensions import db
from shop.forms import PageForm
from shop.sentras.access import sentra_required

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class ImportForm(PageForm):
    file = FileField(
        _l("CSV file (UTF-8)"),
        validators=[FileRequired(_l("Choose a CSV file."))],
        render_kw={"accept": ".csv,text/csv"},
    )


@bp.route("/ekspor.csv")
@sentra_required()
def export_csv(sentra_slug: str) -> Response:
    """Download every product of the sentra in the import format."""
    data = product_csv.export_products(g.sentra.id)
    day = utcnow().astimezone(WIB).date().isoformat()
    filename = f"produk-{g.sentra.slug}-{day}.csv"
    return Response(
        data,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


@bp.route("/impor", methods=["GET", "POST"])
@sentra_required()
def import_csv(sentra_slug: str):
    """Upload a CSV: everything is imported, or nothing and every error is listed."""
    form = ImportForm()
    context = {"sentra": g.sentra, "membership": g.membership, "form": form, "errors": None, "summary": None}
    if not form.validate_on_submit():
        return render_template("catalog/products/import.html", **context), 422 if form.is_submitted() else 200
    data = form.file.data.stream.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        form.file.errors = [_("The file is larger than 5 MB; split it into several files.")]
        return render_template("catalog/products/import.html", **context), 413
    try:
        summary = product_csv.import_products(g.sentra, current_user.id, data)
    except product_csv.CsvImportError as exc:
        db.session.rollback()
        context["errors"] = exc.errors
        return render_template("catalog/products/import.html", **context), 422
    db.session.commit()
    context["summary"] = summary
    return render_template("catalog/products/import.html", **context)
