"""Accounts: registration, login, verification, password reset, profile, API tokens."""
