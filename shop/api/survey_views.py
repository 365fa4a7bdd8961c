"""``PUT /api/v1/admin/potential/<kelurahan_code>/survey``: the office records its field survey of a
kelurahan (issue 22). Each save is a new version; the latest is in the office's potential figures."""
from __future__ import annotations

from typing import Required

from flask import g, jsonify
from pydantic import StrictStr
from typing_extensions import TypedDict

from shop.api import bp
from shop.api.auth import api_login_required
from shop.api.operations import ERROR_DESCRIPTION, BodyError, operation, path, read_body
from shop.api.schemas import Body, Place, described
from shop.errors import api_error
from shop.extensions import db
from shop.places import surveys
from shop.places.models import Kelurahan

KELURAHAN_CODE = path("kelurahan_code", str, "a Kota Bekasi Kemendagri code, e.g. 32.75.12.1003")
_TEXT = "free text, at most 2,000 characters (null or absent: empty)"
_PROBLEMS = {"too_long": "At most 2,000 characters.", "unknown": "Unknown subsector code."}


class SurveyInput(Body):
    raw_materials: described(StrictStr | None, "local raw materials; " + _TEXT) = None
    artisans: described(StrictStr | None, "artisans and workshops already at work; " + _TEXT) = None
    cultural_assets: described(StrictStr | None, "cultural assets, traditions, events; " + _TEXT) = None
    notes: described(StrictStr | None, _TEXT) = None
    subsectors: described(list[StrictStr] | None, "codes of the 17 creative-economy subsectors judged "
                                                  "promising here (null or absent: none)") = None


class Survey(TypedDict):
    version: Required[described(int, "1 for the first save, then one more for each save")]
    raw_materials: str
    artisans: str
    cultural_assets: str
    notes: str
    subsectors: list[str]
    saved_at: described(str, "ISO 8601, UTC")
    saved_by: described(str | None, "the office member's name (null when the account is gone)")


class SurveyAnswer(TypedDict):
    kelurahan: Place
    survey: Survey


@bp.put("/admin/potential/<kelurahan_code>/survey")
@operation("Record the office's field survey of a kelurahan: a new version, kept with who saved it and when",
           security=True, params=[KELURAHAN_CODE], body=SurveyInput,
           body_description="The survey; every field optional, a missing one is saved empty",
           responses={200: (SurveyAnswer, "The version now in force"),
                      400: "bad_request: not a JSON object, or a field of the wrong JSON type",
                      401: ERROR_DESCRIPTION,
                      403: "forbidden: the token's user is not program-office staff (admin)",
                      404: "not_found: no Kota Bekasi kelurahan has this code",
                      422: "validation_failed: a text over 2,000 characters, an unknown subsector code; fields "
                           "name them"})
@api_login_required
def admin_survey_put(kelurahan_code: str):
    """Save a version. :raise 403: not an admin. :raise 404: unknown kelurahan. :raise 422: field errors."""
    if not g.api_user.is_admin:
        return api_error(403, "forbidden", "Only the program office may record surveys.")
    kelurahan = db.session.get(Kelurahan, kelurahan_code)
    if kelurahan is None:
        return api_error(404, "not_found", "No Kota Bekasi kelurahan has this code.")
    try:
        body = read_body(SurveyInput)
    except BodyError as error:
        return api_error(400, "bad_request", "Send a JSON object with text fields and a list of subsector codes.",
                         {name: "invalid" for name in error.problems})
    data = surveys.SurveyInput(raw_materials=body.raw_materials or "", artisans=body.artisans or "",
                               cultural_assets=body.cultural_assets or "", notes=body.notes or "",
                               subsectors=tuple(body.subsectors or ()))
    try:
        survey = surveys.save_survey(kelurahan, data, g.api_user)
    except surveys.SurveyError as error:
        db.session.rollback()
        return api_error(422, "validation_failed", "Some fields are not valid.",
                         {name: _PROBLEMS.get(kind, kind) for name, kind in error.fields.items()})
    db.session.commit()
    return jsonify({"kelurahan": {"code": kelurahan.code, "name": kelurahan.name},
                    "survey": surveys.survey_json(survey)})
