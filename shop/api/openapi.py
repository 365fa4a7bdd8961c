"""Placeholder: replaced by the API work."""
