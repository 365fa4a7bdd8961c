"""Record an office action in the audit log, in the transaction of the action itself."""
from __future__ import annotations

from typing import Any

from shop.audit.models import AuditEvent
from shop.extensions import db


def record(actor: Any | None, action: str, target_type: str, target_id: Any, summary: str,
           **details: Any) -> AuditEvent:
    """Append one audit event (``details`` must be JSON-serialisable). Flushes."""
    event = AuditEvent(actor_id=getattr(actor, "id", None), action=action, target_type=target_type,
                       target_id=str(target_id), summary=summary[:2000], details=details)
    db.session.add(event)
    db.session.flush()
    return event
