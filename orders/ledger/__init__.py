"""What the platform owes each sentra: an append-only ledger, payouts, and how payouts are shared."""
