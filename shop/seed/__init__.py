"""Seeding: reference places and the demo marketplace."""
