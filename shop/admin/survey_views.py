"""The office's field survey of a kelurahan at /admin/potensi/<code>/survei (issue 22; routes on the
admin blueprint): the form with the version in force, the earlier versions, and the photos."""
from __future__ import annotations

import logging

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from shop.admin.access import admin_required
from shop.admin.forms import SurveyForm
from shop.admin.views import bp
from shop.extensions import db
from shop.i18n import current_language
from shop.places import surveys
from shop.places.models import Kelurahan, KelurahanSurveyPhoto
from shop.places.services import subsector_choices
from shop.security import FILE_CSP
from shop.storage import StorageError

log = logging.getLogger(__name__)

PHOTO_PROBLEMS = {
    "too_large": _l("A photo is larger than 10 MB."),
    "too_many_pixels": _l("A photo has too many pixels."),
    "bad_shape": _l("A photo is too long or too narrow."),
    "not_an_image": _l("Only JPEG, PNG or WebP photos can be uploaded."),
    "too_many": _l("Upload at most 6 photos at a time."),
}
TEXT_PROBLEMS = {"too_long": _l("At most 2,000 characters."), "unknown": _l("Choose from the list.")}


def _kelurahan(code: str) -> Kelurahan:
    kelurahan = db.session.get(Kelurahan, code)
    if kelurahan is None:
        abort(404)
    return kelurahan


def survey_form(kelurahan: Kelurahan, page: surveys.SurveyPage, formdata: bool = False) -> SurveyForm:
    """The form, filled from the version in force unless ``formdata`` (a submitted form) is read."""
    if formdata:
        form = SurveyForm()
    else:
        latest = page.latest
        form = SurveyForm(formdata=None, data={
            "raw_materials": latest.raw_materials, "artisans": latest.artisans,
            "cultural_assets": latest.cultural_assets, "notes": latest.notes,
            "subsectors": list(latest.subsectors or ())} if latest else None)
    form.subsectors.choices = subsector_choices(current_language())
    return form


def _render(kelurahan: Kelurahan, form: SurveyForm | None = None, status: int = 200):
    page = surveys.survey_page(kelurahan)
    return render_template("shop/admin/survey.html", kelurahan=kelurahan, survey=page,
                           form=form or survey_form(kelurahan, page),
                           subsector_names=dict(subsector_choices(current_language()))), status


@bp.get("/potensi/<code>/survei")
@admin_required
def survey_edit(code: str):
    """The survey form with the version in force, its history and photos. :raise 404: unknown code."""
    return _render(_kelurahan(code))


def _uploads(form: SurveyForm) -> list[surveys.SurveyPhoto]:
    files = [f for f in request.files.getlist(form.photos.name) if f and f.filename]
    if len(files) > surveys.MAX_PHOTOS_PER_SAVE:
        raise surveys.SurveyError({"photos": "too_many"})
    return [surveys.process_photo(f.read(surveys.MAX_PHOTO_BYTES + 1)) for f in files]


@bp.post("/potensi/<code>/survei")
@admin_required
def survey_save(code: str):
    """Save a new version (with photos). 422 with everything typed kept when a field is refused."""
    kelurahan = _kelurahan(code)
    form = survey_form(kelurahan, surveys.survey_page(kelurahan), formdata=True)
    if not form.validate_on_submit():
        return _render(kelurahan, form, 422)
    data = surveys.SurveyInput(raw_materials=form.raw_materials.data or "", artisans=form.artisans.data or "",
                               cultural_assets=form.cultural_assets.data or "", notes=form.notes.data or "",
                               subsectors=tuple(form.subsectors.data or ()))
    try:
        survey = surveys.save_survey(kelurahan, data, current_user, _uploads(form))
    except surveys.SurveyError as error:
        db.session.rollback()
        for name, kind in error.fields.items():
            field = getattr(form, name)
            field.errors = [*field.errors, PHOTO_PROBLEMS.get(kind) if name == "photos" else TEXT_PROBLEMS.get(kind)]
        return _render(kelurahan, form, 422)
    except StorageError:
        db.session.rollback()
        log.exception("survey photos of %s could not be stored", code)
        form.photos.errors = [*form.photos.errors, _("The photos could not be stored. Try again in a moment.")]
        return _render(kelurahan, form, 503)
    db.session.commit()
    flash(_("Survey of %(name)s saved as version %(version)d.", name=kelurahan.name, version=survey.version),
          "success")
    return redirect(url_for("admin.potential_kelurahan", code=code, _anchor="survey"))


@bp.get("/potensi/foto/<int:photo_id>")
@admin_required
def survey_photo(photo_id: int):
    """A survey photo, for the office only (it may show people). :raise 404: unknown or unreadable."""
    photo = db.session.get(KelurahanSurveyPhoto, photo_id)
    if photo is None:
        abort(404)
    try:
        data = surveys.read_photo(photo)
    except StorageError:
        log.warning("survey photo %s could not be read", photo.key)
        abort(404)
    response = Response(data, mimetype="image/webp")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_CSP
    return response
