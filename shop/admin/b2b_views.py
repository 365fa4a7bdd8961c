"""(being written) The office's side of B2B: partner terms and credit, PKP sentras, invoices on terms."""
from __future__ import annotations
