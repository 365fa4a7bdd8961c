"""Messages about applications, sent by outbox handlers (payload ``{"application_id": int}``, and
``"decision"`` for a decision). Plain text in the recipient's language; a decision also goes on
WhatsApp where the applicant chose it (template ``lamaran_diperbarui``)."""
from __future__ import annotations

import logging
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from orders.notify import external_url, tell, whatsapp_template
from orders.openings.models import ApplicationStatus, JobApplication
from shop.accounts.models import User
from shop.extensions import db
from shop.i18n import wib
from shop.outbox.services import register
from shop.sentras.models import Role, SentraMembership

log = logging.getLogger(__name__)


def _load(application_id: int) -> JobApplication | None:
    application = db.session.get(JobApplication, application_id)
    if application is None:
        log.warning("application %s is gone; no message sent", application_id)
    return application


def _managers(sentra_id: int) -> list[User]:
    return list(db.session.scalars(
        select(User).join(SentraMembership, SentraMembership.user_id == User.id)
        .where(SentraMembership.sentra_id == sentra_id, SentraMembership.role.in_([Role.OWNER, Role.MANAGER]),
               User.deleted_at.is_(None)).order_by(User.id)))


@register("opening.application_received")
def application_received(payload: dict[str, Any]) -> None:
    """To the sentra's owner and managers: someone applied (no contact details: those come after shortlisting)."""
    application = _load(payload["application_id"])
    if application is None:
        return
    opening = application.opening
    link = external_url("openings_kelola.application", sentra_slug=opening.sentra.slug,
                        application_id=application.id)
    for manager in _managers(application.sentra_id):
        tell(manager, lambda: _("New application: %(title)s", title=opening.title),
             lambda: "\n".join([_("%(name)s applied to %(title)s.", name=application.applicant.name,
                                  title=opening.title), "", link]))


def _news(application: JobApplication, decision: str) -> str:
    if decision == ApplicationStatus.TRIAL:
        news = _("You are invited to a trial day on %(when)s.", when=wib(application.trial_at))
        return f"{news} {application.trial_note}".strip()
    news = {
        ApplicationStatus.SHORTLISTED: _("You are on the shortlist."),
        ApplicationStatus.ACCEPTED: _("You are accepted: you are a member of the sentra now."),
        ApplicationStatus.REJECTED: _("Your application was not accepted this time."),
    }.get(decision, "")
    return f"{news} {application.decision_note}".strip()


@register("opening.application_decided")
def application_decided(payload: dict[str, Any]) -> None:
    """To the applicant: shortlisted, invited to a trial day (when, and the note), accepted or rejected."""
    application = _load(payload["application_id"])
    if application is None or application.applicant is None or application.applicant.deleted_at is not None:
        return
    applicant, opening = application.applicant, application.opening
    decision = payload.get("decision", application.status)
    link = external_url("openings.my_applications")

    def body() -> str:
        return "\n".join([_("Hello %(name)s,", name=applicant.name), "",
                          _("News about your application to %(title)s at %(sentra)s:", title=opening.title,
                            sentra=opening.sentra.name),
                          _news(application, decision), "", link])

    tell(applicant, lambda: _("Your application: %(title)s", title=opening.title), body,
         lambda user: whatsapp_template("lamaran_diperbarui", user.name, opening.sentra.name, opening.title,
                                        _news(application, decision), link))
