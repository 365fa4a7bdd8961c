"""(being written) Periodic B2B work: overdue invoices."""
from __future__ import annotations
