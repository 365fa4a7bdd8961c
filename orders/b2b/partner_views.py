"""(being written)"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("b2b_partner", __name__)
