"""The openings' codes in words, in the current language (pages never show a raw code)."""
from __future__ import annotations

from flask_babel import gettext as _

from orders.openings.models import ApplicationStatus, Hours, OpeningRole, Pay


def role_labels() -> dict[str, str]:
    return {OpeningRole.PRODUCTION: _("Production"), OpeningRole.DESIGN: _("Design"),
            OpeningRole.PHOTOGRAPHY: _("Product photography"), OpeningRole.ONLINE_SHOP_ADMIN: _("Online shop admin"),
            OpeningRole.COURIER: _("Courier"), OpeningRole.TRAINER: _("Trainer"), OpeningRole.OTHER: _("Other work")}


def hours_labels() -> dict[str, str]:
    return {Hours.PART_TIME: _("Part-time"), Hours.FULL_TIME: _("Full-time"), Hours.PER_PROJECT: _("Per project")}


def pay_labels() -> dict[str, str]:
    return {Pay.SALES_SHARE: _("A share of sales"), Pay.PER_PIECE: _("Per piece"), Pay.FIXED: _("A fixed amount")}


def status_labels() -> dict[str, str]:
    return {ApplicationStatus.SUBMITTED: _("Waiting for an answer"), ApplicationStatus.SHORTLISTED: _("Shortlisted"),
            ApplicationStatus.TRIAL: _("Trial day"), ApplicationStatus.ACCEPTED: _("Accepted"),
            ApplicationStatus.REJECTED: _("Not accepted"), ApplicationStatus.WITHDRAWN: _("Withdrawn")}


def all_labels() -> dict[str, dict[str, str]]:
    """Every label table, for the templates."""
    return {"role": role_labels(), "hours": hours_labels(), "pay": pay_labels(), "status": status_labels()}
