"""Geometry of the dashboard's server-drawn SVG monthly bar and line charts (the map: ``choropleth``).

Only numbers are computed here; ``templates/impact/_charts.html`` draws them (escaped by Jinja,
no script, no CDN). A chart is drawn 360 units wide, about its size on a phone, so its 12-unit
labels stay legible there; month labels are thinned out so that they never overlap.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from orders.impact.queries import MonthRow

CHART_WIDTH = 360
CHART_HEIGHT = 180
CHART_PAD = 28  # room for the axis labels below and the top value
LABEL_FONT = 12  # units of the chart; the CSS uses the same size
CHAR_WIDTH = 0.62 * LABEL_FONT  # generous, so that estimated label widths err wide
LABEL_GAP = 8


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


def label_step(labels: Sequence[str], slot: float) -> int:
    """Show one label in this many so that none overlaps its neighbour (each is centred on its slot)."""
    widest = max((len(label) for label in labels), default=0) * CHAR_WIDTH + LABEL_GAP
    return max(1, math.ceil(widest / slot)) if slot > 0 else 1


def monthly_chart(months: Sequence[MonthRow], key: str, *, line: bool = False,
                  label: Callable[[str], str] = str) -> Chart:
    """Bars (or a line) of one monthly figure, scaled to the largest month; ``label`` names a month
    ("2025-03" -> "Mar 25")."""
    values = [int(getattr(month, key)) for month in months]
    top = max(values, default=0)
    plot_height = CHART_HEIGHT - 2 * CHART_PAD
    slot = (CHART_WIDTH - 2 * CHART_PAD) / max(len(values), 1)
    baseline = CHART_HEIGHT - CHART_PAD
    bars = []
    for index, (month, value) in enumerate(zip(months, values, strict=True)):
        height = round(plot_height * value / top, 1) if top else 0.0
        bars.append(Bar(x=round(CHART_PAD + index * slot + slot * 0.15, 1), y=round(baseline - height, 1),
                        width=round(slot * 0.7, 1), height=height, label=label(month.month), value=value))
    polyline = " ".join(f"{b.x + b.width / 2:.1f},{b.y:.1f}" for b in bars) if line else ""
    return Chart(key, CHART_WIDTH, CHART_HEIGHT, baseline, top, bars, polyline,
                 label_step([bar.label for bar in bars], slot))
