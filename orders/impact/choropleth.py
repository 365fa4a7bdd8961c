"""Geometry of the dashboard's kelurahan map: one shaded area per kelurahan, with its name.

The places data has each kelurahan's centroid, not its boundary, so the areas are the Voronoi
cells of the 56 centroids (every spot belongs to the nearest centre), clipped to the city's outline
drawn as the centroids' convex hull widened by ``OUTLINE_PAD``. Centroids go on an equirectangular
projection, exact enough for a city 20 km across. A cell's shade is one of ``SHADES`` steps of the
chosen figure (0 has a shade of its own). Names are placed greedily, largest value first, at the
centroid or just beside it, never overlapping another name and never outside the map; the map is
drawn at ``MAP_WIDTH`` CSS pixels so 11 px names stay 11 px (a phone scrolls it inside its frame).
Only numbers and strings here; ``templates/impact/_charts.html`` draws them (no script, no CDN).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from orders.impact.queries import KelurahanRow

MAP_WIDTH = 480
MAP_PAD = 24
OUTLINE_PAD = 14.0
SHADES = 5
LABEL_FONT = 11  # px; the template's CSS uses the same size
CHAR_WIDTH = 0.62 * LABEL_FONT  # a generous average for a sans-serif face, so estimates err wide
# The figures a map can show: key -> whether it is money.
MAP_VALUES = {"gmv_idr": True, "orders": False, "active_members": False, "buyers": False,
              "partner_gmv_idr": True, "earned_idr": True, "paid_out_idr": True}
DEFAULT_VALUE = "gmv_idr"

Point = tuple[float, float]


@dataclass(frozen=True)
class Label:
    x: float  # the middle of the text
    y: float  # its baseline
    text: str


@dataclass(frozen=True)
class Cell:
    code: str
    name: str
    kecamatan_name: str
    path: str  # SVG path data of the area
    cx: float  # the centroid
    cy: float
    shade: int  # 0 (nothing) .. SHADES
    value: int
    label: Label


@dataclass(frozen=True)
class LegendStep:
    shade: int
    low: int  # from this (0 for shade 0)
    high: int  # up to this


@dataclass(frozen=True)
class KelurahanMap:
    width: int
    height: int
    key: str
    money: bool
    cells: list[Cell]
    outline: str
    legend: list[LegendStep]
    max_value: int


def _project(rows: Sequence[Any]) -> tuple[list[Point], int]:
    lats = [row.lat for row in rows]
    lons = [row.lon for row in rows]
    squeeze = math.cos(math.radians(sum(lats) / len(lats)))  # a degree of longitude is shorter here
    span_x = max((max(lons) - min(lons)) * squeeze, 1e-9)
    span_y = max(max(lats) - min(lats), 1e-9)
    scale = (MAP_WIDTH - 2 * MAP_PAD) / span_x
    points = [(MAP_PAD + (row.lon - min(lons)) * squeeze * scale, MAP_PAD + (max(lats) - row.lat) * scale)
              for row in rows]
    return points, round(span_y * scale + 2 * MAP_PAD)


def _hull(points: Sequence[Point]) -> list[Point]:
    """Convex hull, counter-clockwise in SVG's y-down space (Andrew's monotone chain)."""
    ordered = sorted(set(points))
    if len(ordered) < 3:
        return ordered

    def cross(o: Point, a: Point, b: Point) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[Point] = []
    upper: list[Point] = []
    for p in ordered:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(ordered):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def _widen(polygon: Sequence[Point], pad: float) -> list[Point]:
    cx = sum(p[0] for p in polygon) / len(polygon)
    cy = sum(p[1] for p in polygon) / len(polygon)
    out = []
    for x, y in polygon:
        distance = math.hypot(x - cx, y - cy) or 1.0
        out.append((x + (x - cx) / distance * pad, y + (y - cy) / distance * pad))
    return out


def _clip_nearer(polygon: list[Point], own: Point, other: Point) -> list[Point]:
    """The part of a convex polygon nearer to ``own`` than to ``other`` (one Sutherland-Hodgman pass)."""
    nx, ny = other[0] - own[0], other[1] - own[1]
    limit = (nx * (own[0] + other[0]) + ny * (own[1] + other[1])) / 2

    def side(p: Point) -> float:
        return nx * p[0] + ny * p[1] - limit  # <= 0: nearer to own

    out: list[Point] = []
    for i, current in enumerate(polygon):
        previous = polygon[i - 1]
        a, b = side(previous), side(current)
        if (a <= 0) != (b <= 0):
            t = a / (a - b)
            out.append((previous[0] + t * (current[0] - previous[0]), previous[1] + t * (current[1] - previous[1])))
        if b <= 0:
            out.append(current)
    return out


def voronoi_cells(points: Sequence[Point], outline: Sequence[Point]) -> list[list[Point]]:
    """Each point's area inside the convex ``outline``: the places nearer to it than to any other point."""
    cells = []
    for i, own in enumerate(points):
        cell = list(outline)
        for j, other in enumerate(points):
            if i != j and cell and own != other:
                cell = _clip_nearer(cell, own, other)
        cells.append(cell)
    return cells


def _path(polygon: Sequence[Point]) -> str:
    return "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in polygon) + " Z" if polygon else ""


def shade_of(value: int, top: int) -> int:
    """0 for nothing, else 1..SHADES by equal steps of the largest value."""
    if value <= 0 or top <= 0:
        return 0
    return max(1, min(SHADES, math.ceil(SHADES * value / top)))


def place_labels(points: Sequence[Point], names: Sequence[str], order: Sequence[int],
                 width: int, height: int) -> list[Label]:
    """A name for every point, taken in ``order``: at the point, else the first free spot beside it.

    The boxes are estimated generously (``CHAR_WIDTH``) so that drawn names do not touch.
    """
    h = LABEL_FONT + 2
    taken: list[tuple[float, float, float, float]] = []
    labels: dict[int, Label] = {}
    for i in order:
        (x, y), text = points[i], names[i]
        w = len(text) * CHAR_WIDTH + 2
        spots = [(0, 0), (0, -h), (0, h), (w / 2 + 4, 0), (-w / 2 - 4, 0), (w / 2, -h), (-w / 2, -h),
                 (w / 2, h), (-w / 2, h), (0, -2 * h), (0, 2 * h)]
        chosen = None
        for dx, dy in spots:
            box = (x + dx - w / 2, y + dy - h / 2, x + dx + w / 2, y + dy + h / 2)
            inside = box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height
            if inside and not any(box[0] < o[2] and o[0] < box[2] and box[1] < o[3] and o[1] < box[3]
                                  for o in taken):
                chosen = box
                break
        if chosen is None:  # crowded beyond every spot: at the point (the test of the map says it never is)
            chosen = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
        taken.append(chosen)
        # The baseline sits a little below the box's middle, so the glyphs are centred in it.
        labels[i] = Label(round((chosen[0] + chosen[2]) / 2, 1), round(chosen[3] - 3.5, 1), text)
    return [labels[i] for i in range(len(points))]


def kelurahan_map(rows: Sequence[KelurahanRow], key: str = DEFAULT_VALUE) -> KelurahanMap:
    """The map of ``rows`` shaded by the figure ``key`` (one of :data:`MAP_VALUES`; others: GMV)."""
    key = key if key in MAP_VALUES else DEFAULT_VALUE
    return shaded_map(rows, [int(getattr(row.figures, key)) for row in rows], key, MAP_VALUES[key])


def shaded_map(rows: Sequence[Any], values: Sequence[int], key: str, money: bool) -> KelurahanMap:
    """The map of ``rows`` (anything with ``code``, ``name``, ``kecamatan_name``, ``lat``, ``lon``) shaded
    by ``values``, one per row; ``key`` names the figure for the template."""
    if not rows:
        return KelurahanMap(MAP_WIDTH, MAP_WIDTH, key, money, [], "", [], 0)
    points, height = _project(rows)
    outline = _widen(_hull(points), OUTLINE_PAD)
    areas = voronoi_cells(points, outline)
    values = list(values)
    top = max(values)
    order = sorted(range(len(rows)), key=lambda i: (-values[i], rows[i].name))
    labels = place_labels(points, [row.name for row in rows], order, MAP_WIDTH, height)
    cells = [Cell(row.code, row.name, row.kecamatan_name, _path(area), round(x, 1), round(y, 1),
                  shade_of(value, top), value, label)
             for row, area, (x, y), value, label in zip(rows, areas, points, values, labels, strict=True)]
    legend = [LegendStep(0, 0, 0)] + [
        LegendStep(step, math.floor(top * (step - 1) / SHADES) + 1, math.floor(top * step / SHADES))
        for step in range(1, SHADES + 1) if math.floor(top * (step - 1) / SHADES) < math.floor(top * step / SHADES)]
    return KelurahanMap(MAP_WIDTH, height, key, money, cells, _path(outline), legend, top)
