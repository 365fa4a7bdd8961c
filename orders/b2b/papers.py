"""(being written)"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("b2b_papers", __name__)
