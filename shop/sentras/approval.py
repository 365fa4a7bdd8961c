"""The program office's decisions on sentras: approve, reject, suspend, reactivate.

Every decision goes through one transition table, records who decided and when,
and tells the applicant (or the owner) by email. Services flush, never commit.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from shop.accounts.models import User
from shop.audit.services import record
from shop.db import utcnow
from shop.extensions import db
from shop.mail import send_mail
from shop.sentras.models import Role, Sentra, SentraMembership, SentraStatus


class SentraStateError(Exception):
    """A decision that the sentra's current status does not allow (e.g. approving twice)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Decision:
    source: SentraStatus
    target: SentraStatus
    needs_reason: bool


# action -> the one status it starts from, the status it leads to, whether a reason is required
TRANSITIONS: dict[str, Decision] = {
    "approve": Decision(SentraStatus.PENDING, SentraStatus.ACTIVE, needs_reason=False),
    "reject": Decision(SentraStatus.PENDING, SentraStatus.REJECTED, needs_reason=True),
    "suspend": Decision(SentraStatus.ACTIVE, SentraStatus.SUSPENDED, needs_reason=True),
    "reactivate": Decision(SentraStatus.SUSPENDED, SentraStatus.ACTIVE, needs_reason=False),
}


def allowed_actions(sentra: Sentra) -> list[str]:
    """The decisions the office can take on ``sentra`` now (for showing the right forms)."""
    return [action for action, decision in TRANSITIONS.items() if decision.source == sentra.status]


def _refusal(action: str, sentra: Sentra) -> str:
    status = sentra.status
    if action == "approve":
        return _("Only a pending application can be approved; this sentra is %(status)s.", status=status)
    if action == "reject":
        return _("Only a pending application can be rejected; this sentra is %(status)s.", status=status)
    if action == "suspend":
        return _("Only an active sentra can be suspended; this sentra is %(status)s.", status=status)
    return _("Only a suspended sentra can be reactivated; this sentra is %(status)s.", status=status)


def _decide(sentra: Sentra, actor: User, action: str, reason: str | None = None) -> Sentra:
    decision = TRANSITIONS[action]
    if sentra.status != decision.source:
        raise SentraStateError(_refusal(action, sentra))
    reason = (reason or "").strip() or None
    if decision.needs_reason and reason is None:
        raise SentraStateError(_("Give a reason; the applicant will read it."))
    sentra.status = decision.target
    sentra.status_reason = reason if decision.needs_reason else None
    sentra.decided_at = utcnow()
    sentra.decided_by_id = actor.id
    if decision.target == SentraStatus.REJECTED:
        # The kelurahan is free for a new application; applied_kelurahan_code keeps the record.
        sentra.kelurahan_code = None
    db.session.flush()
    record(actor, f"sentra.{action}", "sentra", sentra.id,
           f"{sentra.name}: {action}" + (f" ({reason})" if reason else ""), reason=reason)
    _notify(sentra, action)
    return sentra


def approve_sentra(sentra: Sentra, actor: User) -> Sentra:
    """Approve a pending application: the sentra becomes active and public; flushes, emails the applicant.

    :raise SentraStateError: when the sentra is not pending (e.g. approved already).
    """
    return _decide(sentra, actor, "approve")


def reject_sentra(sentra: Sentra, actor: User, reason: str) -> Sentra:
    """Reject a pending application with a reason and free its kelurahan; flushes, emails the applicant.

    :raise SentraStateError: when the sentra is not pending or no reason is given.
    """
    return _decide(sentra, actor, "reject", reason)


def suspend_sentra(sentra: Sentra, actor: User, reason: str) -> Sentra:
    """Suspend an active sentra (its storefront and products leave the marketplace); flushes, emails the owner.

    :raise SentraStateError: when the sentra is not active or no reason is given.
    """
    return _decide(sentra, actor, "suspend", reason)


def reactivate_sentra(sentra: Sentra, actor: User) -> Sentra:
    """Make a suspended sentra active again; flushes, emails the owner.

    :raise SentraStateError: when the sentra is not suspended.
    """
    return _decide(sentra, actor, "reactivate")


def _recipient(sentra: Sentra) -> User | None:
    owner = db.session.scalar(
        select(User)
        .join(SentraMembership, SentraMembership.user_id == User.id)
        .where(SentraMembership.sentra_id == sentra.id, SentraMembership.role == Role.OWNER)
    )
    if owner is None and sentra.applied_by_id is not None:
        owner = db.session.get(User, sentra.applied_by_id)
    if owner is None or owner.deleted_at is not None:
        return None
    return owner


def _manage_link(sentra: Sentra) -> str:
    if not has_request_context():  # e.g. the CLI: no host to build an absolute link from
        return ""
    return url_for("sentras.manage_home", sentra_slug=sentra.slug, _external=True)


def _notify(sentra: Sentra, action: str) -> None:
    user = _recipient(sentra)
    if user is None:
        return
    name, reason, link = sentra.name, sentra.status_reason or "", _manage_link(sentra)
    with force_locale(user.locale or "id"):
        if action == "approve":
            subject = _("Your sentra %(name)s has been approved", name=name)
            body = _("Congratulations! %(name)s is now open in Pasar Sentra.", name=name)
        elif action == "reject":
            subject = _("Your application for %(name)s was not approved", name=name)
            body = _("The program office did not approve %(name)s. Reason: %(reason)s", name=name, reason=reason)
        elif action == "suspend":
            subject = _("Your sentra %(name)s has been suspended", name=name)
            body = _("The program office has suspended %(name)s. Reason: %(reason)s", name=name, reason=reason)
        else:
            subject = _("Your sentra %(name)s is active again", name=name)
            body = _("%(name)s is open in Pasar Sentra again.", name=name)
        if link and action in ("approve", "reactivate"):
            body = "\n\n".join([body, _("Manage your sentra here: %(link)s", link=link)])
        send_mail(user.email, subject, body)
