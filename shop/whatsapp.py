"""WhatsApp beside email: template messages through the WhatsApp Business Cloud API, sent by the outbox.

Each user chooses where updates reach them (``User.notify_channel``): ``email``, ``whatsapp`` or
``both``. Until they choose, a user with a phone number gets ``both`` and one without gets
``email``. WhatsApp needs a valid phone number: without one every message goes by email.
A message that has no WhatsApp version always goes by email, whatever the choice.

Sending: :func:`notify` emails at once (as before) and queues one ``whatsapp.send`` outbox job
per WhatsApp message, in the caller's transaction. The job POSTs
``{WHATSAPP_API_BASE}/{WHATSAPP_PHONE_NUMBER_ID}/messages`` with ``Authorization: Bearer
{WHATSAPP_TOKEN}`` and a ``template`` message in Indonesian (language ``id``) whose body
parameters are texts. A 5xx answer, a 429 (rate limit), a time-out or a connection error raises,
so the outbox tries again later with backoff; any other 4xx closes the job as failed
(:class:`~shop.outbox.services.PermanentJobError`, logged) since sending it again would be refused
again. A message still unsent after :data:`MAX_AGE` is dropped the same way (old news).

Without ``WHATSAPP_TOKEN`` and ``WHATSAPP_PHONE_NUMBER_ID`` the message goes to the log instead,
as emails do without ``MAIL_SERVER``.
"""
from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale

from shop.accounts.models import NOTIFY_BOTH, NOTIFY_CHANNELS, NOTIFY_EMAIL, NOTIFY_WHATSAPP, User
from shop.db import utcnow
from shop.mail import send_mail
from shop.outbox.services import PermanentJobError, enqueue, register
from shop.validation import InvalidPhoneError, normalize_phone

log = logging.getLogger("shop.whatsapp")

EMAIL, WHATSAPP, BOTH, CHANNELS = NOTIFY_EMAIL, NOTIFY_WHATSAPP, NOTIFY_BOTH, NOTIFY_CHANNELS

JOB = "whatsapp.send"
DEFAULT_API_BASE = "https://graph.facebook.com/v21.0"
LANGUAGE = "id"  # every template is registered in Indonesian
TIMEOUT_SECONDS = 10
MAX_AGE = timedelta(hours=24)  # "ready for pickup" a day late is worse than nothing
PARAM_CHARS = 500  # a body parameter longer than this is cut (a problem's answer can be long)
ERROR_CHARS = 300

_SPACES = re.compile(r"\s+")

Params = Sequence[Any]


class WhatsAppUnavailableError(RuntimeError):
    """The API could not take the message now (5xx, 429, time-out, no connection): try again later."""


# --- the user's choice -------------------------------------------------------------------------------


def whatsapp_number(user: User) -> str | None:
    """The user's number as the API wants it (``62...``, digits only), or None without a valid one."""
    if not user.phone:
        return None
    try:
        return normalize_phone(user.phone).lstrip("+")
    except InvalidPhoneError:
        return None


def channel_of(user: User) -> str:
    """The user's choice, or the default: ``both`` with a phone number, ``email`` without."""
    chosen = getattr(user, "notify_channel", None)
    if chosen in CHANNELS:
        return chosen
    return BOTH if user.phone else EMAIL


def by_email(user: User) -> bool:
    """Whether messages that have a WhatsApp version also go to the user by email."""
    return channel_of(user) != WHATSAPP or whatsapp_number(user) is None


def by_whatsapp(user: User) -> bool:
    return channel_of(user) in (WHATSAPP, BOTH) and whatsapp_number(user) is not None


def notify(user: User, subject: Callable[[], str], body: Callable[[], str],
           whatsapp: Callable[[], tuple[str, Params] | None] | None = None) -> None:
    """Tell ``user`` by email, WhatsApp or both, as they chose. The caller sets the language.

    ``whatsapp`` returns the template name and its body parameters, or None; it is called in
    Indonesian, the templates' language. Without a template (a message with no WhatsApp
    version) the email is always sent.
    """
    message = None
    if whatsapp is not None and by_whatsapp(user):  # (someone not on WhatsApp gets email anyway)
        with force_locale(LANGUAGE):  # the parameters fill an Indonesian template: Rp50.000, 6 Des 2026
            message = whatsapp()
    if message is None or by_email(user):
        send_mail(user.email, subject(), body())
    if message is not None:
        queue(user, *message)


def queue(user: User, template: str, params: Params) -> bool:
    """Queue a template message to ``user`` (in the caller's transaction) if they get WhatsApp."""
    number = whatsapp_number(user)
    if number is None or not by_whatsapp(user):
        return False
    enqueue(JOB, {
        "to": number,
        "template": template,
        "params": [clean_param(value) for value in params],
        "user_id": user.id,
        "queued_at": utcnow().isoformat(),
    })
    return True


def clean_param(value: Any) -> str:
    """A body parameter as the API accepts it: one line (no newlines or tabs, no runs of spaces),
    not empty, at most :data:`PARAM_CHARS` characters."""
    text = _SPACES.sub(" ", str(value if value is not None else "")).strip() or "-"
    return text if len(text) <= PARAM_CHARS else text[: PARAM_CHARS - 1].rstrip() + "…"


# --- sending -----------------------------------------------------------------------------------------


def request_body(to: str, template: str, params: Params) -> dict[str, Any]:
    """The Cloud API's JSON for a template message with text body parameters."""
    return {
        "messaging_product": "whatsapp",
        "to": to,
        "type": "template",
        "template": {
            "name": template,
            "language": {"code": LANGUAGE},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": str(p)} for p in params]}],
        },
    }


def is_configured() -> bool:
    config = current_app.config
    return bool(config.get("WHATSAPP_TOKEN") and config.get("WHATSAPP_PHONE_NUMBER_ID"))


def messages_url() -> str:
    config = current_app.config
    base = (config.get("WHATSAPP_API_BASE") or DEFAULT_API_BASE).rstrip("/")
    return f"{base}/{config['WHATSAPP_PHONE_NUMBER_ID']}/messages"


def _api_error(error: urllib.error.HTTPError) -> str:
    """The API's own message for a refused request (``{"error": {"message", "code"}}``), short."""
    try:
        detail = json.loads(error.read() or b"{}").get("error") or {}
        text = f"{detail.get('code', '')} {detail.get('message', '')}".strip()
    except (ValueError, AttributeError, OSError):
        text = ""
    return f"HTTP {error.code}" + (f": {text}" if text else "")[:ERROR_CHARS]


def send_template(to: str, template: str, params: Params) -> None:
    """Send one template message now; without the configuration it goes to the log.

    :raise WhatsAppUnavailableError: 5xx, 429, time-out or connection error (retry later).
    :raise PermanentJobError: any other 4xx (the request itself is wrong; never retried).
    """
    body = request_body(to, template, params)
    collected = current_app.extensions.get("whatsapp_outbox")
    if collected is not None:  # tests collect messages here
        collected.append(body)
    if not is_configured():
        log.info("whatsapp (no WHATSAPP_TOKEN / WHATSAPP_PHONE_NUMBER_ID configured)\nTo: +%s\nTemplate: %s\n"
                 "Parameters: %s", to, template, " | ".join(str(p) for p in params))
        return
    request = urllib.request.Request(
        messages_url(),
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {current_app.config['WHATSAPP_TOKEN']}",
                 "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (configured URL)
            response.read()
    except urllib.error.HTTPError as error:
        reason = _api_error(error)
        if error.code >= 500 or error.code == 429:
            raise WhatsAppUnavailableError(reason) from None
        raise PermanentJobError(f"WhatsApp refused template {template!r}: {reason}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise WhatsAppUnavailableError(f"no answer from the WhatsApp API: {error}") from None


def _too_old(payload: dict[str, Any]) -> bool:
    try:
        queued = datetime.fromisoformat(payload.get("queued_at") or "")
    except ValueError:
        return False
    return utcnow() - queued > MAX_AGE


@register(JOB)
def send_job(payload: dict[str, Any]) -> None:
    """The outbox handler of ``whatsapp.send`` ``{"to", "template", "params", "user_id", "queued_at"}``."""
    if _too_old(payload):
        raise PermanentJobError(f"not sent within {MAX_AGE}: dropped")
    send_template(payload["to"], payload["template"], payload.get("params") or [])
