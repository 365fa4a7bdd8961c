"""The openings in the JSON API (on ``shop.api.bp``): the public list, posting an opening, applying, and the
sentra's applications and decisions.

Managers reach an application by (sentra, id) through :func:`~shop.api.auth.api_sentra_required`, so
another sentra's application is a 404. Domain errors answer with their documented status, rolled back.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import g, jsonify, request

from orders.classes.api import BadBody, guarded, read, when
from orders.openings import applications, services
from orders.openings.api_schemas import (
    APPLICATION_422,
    BAD_BODY,
    BAD_FILTER,
    DECISION_422,
    FILTERS,
    OPENING_422,
    STATUS,
    ApplicationAnswer,
    ApplicationInput,
    ApplicationList,
    DecisionInput,
    OpeningAnswer,
    OpeningInput,
    OpeningList,
)
from orders.openings.models import ApplicationStatus, JobApplication, Opening
from shop.api import bp
from shop.api.auth import api_login_required, api_sentra_required
from shop.api.operations import ERROR_DESCRIPTION, operation
from shop.api.paging import filtered_list, list_envelope, page_params
from shop.api.schemas import PAGE_PARAMS
from shop.errors import api_error
from shop.extensions import db

NO_SUCH_APPLICATION = "not_found: no such application to this sentra"
MANAGER_ONLY = "forbidden: a member below manager"


def opening_json(opening: Opening) -> dict[str, Any]:
    sentra = opening.sentra
    return {"id": opening.id, "sentra": {"slug": sentra.slug, "name": sentra.name,
                                         "kelurahan_code": sentra.kelurahan_code},
            "title": opening.title, "role": opening.role, "positions": opening.positions,
            "closes_on": opening.closes_on.isoformat(), "hours": opening.hours, "pay": opening.pay,
            "skills": list(opening.skills), "description": opening.description, "status": opening.status}


def application_json(application: JobApplication, for_sentra: bool = True) -> dict[str, Any]:
    """An application as the sentra sees it: the phone only once it is shortlisted."""
    body: dict[str, Any] = {"id": application.id, "status": application.status}
    if for_sentra:
        body.update(
            opening_id=application.opening_id, applicant=application.applicant.name,
            motivation=application.motivation, skills=list(application.skills), birth_year=application.birth_year,
            kelurahan_code=application.kelurahan_code,
            phone=application.phone if application.phone_visible_to_sentra else None,
            portfolio_url=application.portfolio_url, has_portfolio_photo=application.portfolio_key is not None,
            trial_at=application.trial_at.isoformat() if application.trial_at else None,
            note=application.trial_note if application.status == ApplicationStatus.TRIAL
            else application.decision_note,
            created_at=application.created_at.isoformat())
    return body


def _day(raw: str, name: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadBody({name: "not a day YYYY-MM-DD"}) from None


@bp.get("/openings")
@operation("Open openings of active sentras, closing soonest first", params=[*FILTERS, *PAGE_PARAMS],
           responses={200: (OpeningList, "A page of openings"), 400: BAD_FILTER})
def list_openings():
    """Open openings, filtered. :raise 400: an unknown role."""
    return filtered_list(services.parse_filters, services.find_openings, opening_json)


@bp.post("/kelola/<sentra_slug>/openings")
@operation("Post an opening of the sentra (a manager or owner)", security=True, body=OpeningInput,
           body_description="The opening: title, role, description, skills, positions, hours, pay, closes_on",
           responses={201: (OpeningAnswer, "The opening"), 400: BAD_BODY, 401: ERROR_DESCRIPTION,
                      403: MANAGER_ONLY, 404: "not a member of this sentra", 422: OPENING_422})
@api_sentra_required("manager")
@guarded
def create_opening(sentra_slug: str):
    """Post an opening. :raise 400: :raise 422: field errors."""
    body = read(OpeningInput)
    data = services.OpeningInput(title=body.title, role=body.role, description=body.description,
                                 skills=body.skills, positions=body.positions, hours=body.hours, pay=body.pay,
                                 closes_on=_day(body.closes_on, "closes_on"))
    opening = services.post_opening(g.sentra, g.api_user, data)
    db.session.commit()
    return jsonify({"opening": opening_json(opening)}), 201


@bp.post("/openings/<int:opening_id>/applications")
@operation("Apply to an opening (one application per opening)", security=True, body=ApplicationInput,
           body_description="Motivation, skills, birth year, kelurahan of residence and WhatsApp phone",
           responses={201: (ApplicationAnswer, "The application"), 400: BAD_BODY, 401: ERROR_DESCRIPTION,
                      404: "not_found: no such opening",
                      409: "already_applied: one application per opening; opening_closed: closed or past its "
                           "closing day",
                      422: APPLICATION_422})
@api_login_required
@guarded
def apply_to_opening(opening_id: int):
    """Apply. :raise 409: already_applied or opening_closed. :raise 422: field errors."""
    body = read(ApplicationInput)
    data = applications.ApplicationInput(motivation=body.motivation, skills=body.skills, birth_year=body.birth_year,
                                         kelurahan_code=body.kelurahan_code, phone=body.phone,
                                         portfolio_url=body.portfolio_url)
    application = applications.apply_to_opening(g.api_user, opening_id, data)
    db.session.commit()
    return jsonify({"application": application_json(application, for_sentra=False)}), 201


@bp.get("/kelola/<sentra_slug>/applications")
@operation("Applications to the sentra's openings, waiting longest first (a manager or owner)", security=True,
           params=[STATUS, *PAGE_PARAMS],
           responses={200: (ApplicationList, "A page of applications"), 400: "invalid_filter: an unknown status",
                      401: ERROR_DESCRIPTION, 403: MANAGER_ONLY, 404: "not a member of this sentra"})
@api_sentra_required("manager")
def list_applications(sentra_slug: str):
    """The sentra's applications. :raise 400: an unknown status."""
    page, per_page = page_params()
    status = (request.args.get("status") or "").strip() or None
    if status is not None and status not in set(ApplicationStatus):
        return api_error(400, "invalid_filter", "A filter is malformed.", {"status": "unknown status"})
    items, total = applications.sentra_applications(g.sentra.id, status, page, per_page)
    return list_envelope([application_json(a) for a in items], total, page, per_page)


@bp.post("/kelola/<sentra_slug>/applications/<int:application_id>/decision")
@operation("Decide on an application: shortlist, invite to a trial day, accept (a membership) or reject",
           security=True, body=DecisionInput, body_description="The decision, a note to the applicant, and for a "
                                                               "trial its time",
           responses={200: (ApplicationAnswer, "The application"), 400: BAD_BODY, 401: ERROR_DESCRIPTION,
                      403: MANAGER_ONLY, 404: NO_SUCH_APPLICATION,
                      409: "invalid_transition: the application is decided or withdrawn already, or is past that "
                           "step",
                      422: DECISION_422})
@api_sentra_required("manager")
@guarded
def decide_application(sentra_slug: str, application_id: int):
    """Decide. :raise 404: another sentra's. :raise 409: decided already. :raise 422: field errors."""
    applications.load_sentra_application(g.sentra.id, application_id)  # another sentra's: 404 before the body
    body = read(DecisionInput)
    trial_at: datetime | None = when(body.trial_at, "trial_at") if body.trial_at is not None else None
    application = applications.decide(g.sentra, application_id, body.decision, body.note, trial_at)
    db.session.commit()
    return jsonify({"application": application_json(application)})
