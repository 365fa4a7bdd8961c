"""Placeholder: replaced by the accounts work (POST /auth/register, /auth/token)."""
