"""Benchmarks: ``make bench`` prints their figures (never asserted in tests)."""
