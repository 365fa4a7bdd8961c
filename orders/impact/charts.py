"""Geometry of the dashboard's server-drawn SVG: monthly bar and line charts, and the kelurahan map.

Only numbers are computed here; ``templates/impact/_charts.html`` draws them (escaped by Jinja,
no script, no CDN). The map puts each kelurahan at its centroid (latitude and longitude from the
places data) on an equirectangular projection, which is exact enough for a city 20 km across.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from orders.impact.queries import KelurahanRow, MonthRow

CHART_WIDTH = 640
CHART_HEIGHT = 200
CHART_PAD = 28  # room for the axis labels below and the top value
MAP_WIDTH = 640
MAP_PAD = 24
MIN_RADIUS = 3.0
MAX_RADIUS = 20.0


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


@dataclass(frozen=True)
class Chart:
    """A bar chart (``bars``) or a line chart (``bars`` give the points, ``line`` the polyline)."""

    key: str  # which figure: orders, gmv_idr, active_members, paid_out_idr
    width: int
    height: int
    baseline: float
    max_value: int
    bars: list[Bar]
    line: str  # "x,y x,y ..." for a line chart; "" for bars
    label_every: int  # show one month label in this many


@dataclass(frozen=True)
class MapPoint:
    code: str
    name: str
    kecamatan_name: str
    x: float
    y: float
    r: float
    gmv_idr: int
    orders: int
    active_members: int


@dataclass(frozen=True)
class KelurahanMap:
    width: int
    height: int
    points: list[MapPoint]
    max_gmv_idr: int


def monthly_chart(months: Sequence[MonthRow], key: str, *, line: bool = False) -> Chart:
    """Bars (or a line) of one monthly figure, scaled to the largest month."""
    values = [int(getattr(month, key)) for month in months]
    top = max(values, default=0)
    plot_height = CHART_HEIGHT - 2 * CHART_PAD
    slot = (CHART_WIDTH - 2 * CHART_PAD) / max(len(values), 1)
    baseline = CHART_HEIGHT - CHART_PAD
    bars = []
    for index, (month, value) in enumerate(zip(months, values, strict=True)):
        height = round(plot_height * value / top, 1) if top else 0.0
        bars.append(Bar(x=round(CHART_PAD + index * slot + slot * 0.15, 1), y=round(baseline - height, 1),
                        width=round(slot * 0.7, 1), height=height, label=month.month, value=value))
    polyline = " ".join(f"{b.x + b.width / 2:.1f},{b.y:.1f}" for b in bars) if line else ""
    return Chart(key, CHART_WIDTH, CHART_HEIGHT, baseline, top, bars, polyline, max(1, math.ceil(len(bars) / 12)))


def kelurahan_map(rows: Sequence[KelurahanRow]) -> KelurahanMap:
    """Every kelurahan as a point at its centroid, its area proportional to its GMV in the period."""
    if not rows:
        return KelurahanMap(MAP_WIDTH, MAP_WIDTH, [], 0)
    lats = [row.lat for row in rows]
    lons = [row.lon for row in rows]
    squeeze = math.cos(math.radians(sum(lats) / len(lats)))  # a degree of longitude is shorter here
    span_x = max((max(lons) - min(lons)) * squeeze, 1e-9)
    span_y = max(max(lats) - min(lats), 1e-9)
    scale = (MAP_WIDTH - 2 * MAP_PAD) / span_x
    height = round(span_y * scale + 2 * MAP_PAD)
    top = max((row.figures.gmv_idr for row in rows), default=0)
    points = []
    for row in rows:
        share = row.figures.gmv_idr / top if top else 0.0
        points.append(MapPoint(
            code=row.code, name=row.name, kecamatan_name=row.kecamatan_name,
            x=round(MAP_PAD + (row.lon - min(lons)) * squeeze * scale, 1),
            y=round(MAP_PAD + (max(lats) - row.lat) * scale, 1),
            r=round(MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(share), 1),
            gmv_idr=row.figures.gmv_idr, orders=row.figures.orders, active_members=row.figures.active_members,
        ))
    # Big circles first, so a small neighbour drawn later stays visible (and hoverable) on top.
    points.sort(key=lambda p: -p.r)
    return KelurahanMap(MAP_WIDTH, height, points, top)
