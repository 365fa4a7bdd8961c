"""(being written)"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("b2b_sentra", __name__)
