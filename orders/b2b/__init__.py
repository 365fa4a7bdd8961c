"""Business buying (B2B): requests for quote, quotes, approvals, invoices and handover records."""
