"""The program office's search synonyms at /admin/sinonim (routes on the admin blueprint)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from catalog.search.models import SearchSynonym
from shop.admin import synonyms
from shop.admin.access import admin_required
from shop.admin.forms import DecisionForm, SynonymGroupForm
from shop.admin.views import bp
from shop.extensions import db


def _row(synonym_id: int) -> SearchSynonym:
    row = db.session.get(SearchSynonym, synonym_id)
    if row is None:
        abort(404)
    return row


def _render_list(form: SynonymGroupForm | None = None, status: int = 200):
    rows = synonyms.synonym_rows()
    return (
        render_template(
            "shop/admin/synonyms.html",
            rows=rows,
            defaults=[] if rows else synonyms.default_groups(),
            form=form or SynonymGroupForm(formdata=None),
            delete_form=DecisionForm(),
        ),
        status,
    )


@bp.get("/sinonim")
@admin_required
def synonyms_list():
    """The synonym groups in force and a form to add one."""
    return _render_list()


@bp.post("/sinonim")
@admin_required
def synonym_add():
    """Add a group. 422 with the words kept when it has fewer than two words."""
    form = SynonymGroupForm()
    if not form.validate_on_submit():
        return _render_list(form, 422)
    try:
        synonyms.add_synonym_group(form.words.data)
    except synonyms.SynonymGroupError as error:
        db.session.rollback()
        form.words.errors = [*form.words.errors, error.message]
        return _render_list(form, 422)
    db.session.commit()
    flash(_("Synonym group added."), "success")
    return redirect(url_for("admin.synonyms_list"))


def _render_edit(row: SearchSynonym, form: SynonymGroupForm, status: int = 200):
    return render_template("shop/admin/synonym_edit.html", row=row, form=form), status


@bp.get("/sinonim/<int:synonym_id>")
@admin_required
def synonym_edit(synonym_id: int):
    """Edit one group. :raise 404: unknown id."""
    row = _row(synonym_id)
    return _render_edit(row, SynonymGroupForm(formdata=None, words=row.words))


@bp.post("/sinonim/<int:synonym_id>")
@admin_required
def synonym_update(synonym_id: int):
    """Save one group's words. 422 with the words kept when invalid. :raise 404: unknown id."""
    row = _row(synonym_id)
    form = SynonymGroupForm()
    if not form.validate_on_submit():
        return _render_edit(row, form, 422)
    try:
        synonyms.update_synonym_group(row, form.words.data)
    except synonyms.SynonymGroupError as error:
        db.session.rollback()
        form.words.errors = [*form.words.errors, error.message]
        return _render_edit(_row(synonym_id), form, 422)
    db.session.commit()
    flash(_("Synonym group saved."), "success")
    return redirect(url_for("admin.synonyms_list"))


@bp.post("/sinonim/<int:synonym_id>/hapus")
@admin_required
def synonym_delete(synonym_id: int):
    """Delete one group (the page asks for confirmation first). :raise 404: unknown id."""
    row = _row(synonym_id)
    if not DecisionForm().validate_on_submit():
        abort(400)
    synonyms.delete_synonym_group(row)
    db.session.commit()
    flash(_("Synonym group deleted."), "success")
    return redirect(url_for("admin.synonyms_list"))
