"""(being written) Emails for each B2B step, as outbox handlers (b2b.*)."""
from __future__ import annotations
