"""(being written) B2B routes on the API blueprint: /api/v1/mitra/... and /api/v1/kelola/<slug>/rfqs."""
from __future__ import annotations
