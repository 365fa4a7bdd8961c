"""The program office's view of openings and applications at /admin/lowongan (routes on the admin blueprint):
per kelurahan, how many openings and applications, and how long applications wait for an answer."""
from __future__ import annotations

from flask import render_template

from orders.openings.office import openings_by_kelurahan
from shop.admin.access import admin_required
from shop.admin.views import bp
from shop.db import utcnow


@bp.get("/lowongan")
@admin_required
def openings():
    """Openings and applications per kelurahan, with the median and longest wait of unanswered ones."""
    rows, city = openings_by_kelurahan(utcnow())
    return render_template("shop/admin/openings.html", rows=rows, city=city)
