"""The dashboard's kelurahan map and chart labels: geometry only (orders.impact.choropleth, charts)."""
from __future__ import annotations

import csv
from importlib import resources
from itertools import pairwise

import pytest

from orders.impact import charts, choropleth
from orders.impact.queries import Figures, KelurahanRow, MonthRow


def _kelurahan(gmv: dict[str, int] | None = None) -> list[KelurahanRow]:
    text = resources.files("shop").joinpath("data/kelurahan.csv").read_text(encoding="utf-8")
    rows = []
    for row in csv.DictReader(text.splitlines()):
        figures = Figures(gmv_idr=(gmv or {}).get(row["name"], 0), orders=1 if row["name"] == "Pejuang" else 0)
        rows.append(KelurahanRow(row["code"], row["name"], row["kecamatan_code"], "Kec", float(row["lat"]),
                                 float(row["lon"]), figures))
    return rows


def _area(polygon) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1], strict=True))) / 2


def _inside(point, polygon) -> bool:
    x, y = point
    signs = {((bx - ax) * (y - ay) - (by - ay) * (x - ax)) > 0
             for (ax, ay), (bx, by) in zip(polygon, polygon[1:] + polygon[:1], strict=True)}
    return len(signs) == 1


def test_every_kelurahan_gets_an_area_holding_its_centre_and_the_areas_tile_the_outline():
    rows = _kelurahan()
    points, _height = choropleth._project(rows)
    outline = choropleth._widen(choropleth._hull(points), choropleth.OUTLINE_PAD)
    cells = choropleth.voronoi_cells(points, outline)
    assert len(cells) == 56 and all(len(cell) >= 3 for cell in cells)
    assert all(_inside(point, cell) for point, cell in zip(points, cells, strict=True))
    assert sum(_area(cell) for cell in cells) == pytest.approx(_area(outline), rel=1e-6)


def test_all_56_names_are_placed_inside_the_map_without_overlapping():
    m = choropleth.kelurahan_map(_kelurahan())
    h = choropleth.LABEL_FONT + 2
    boxes = []
    for cell in m.cells:
        w = len(cell.label.text) * choropleth.CHAR_WIDTH + 2
        boxes.append((cell.label.x - w / 2, cell.label.y + 3.5 - h, cell.label.x + w / 2, cell.label.y + 3.5))
    assert sorted(cell.label.text for cell in m.cells) == sorted(row.name for row in _kelurahan())
    for i, a in enumerate(boxes):
        assert a[0] >= -0.1 and a[1] >= -0.1 and a[2] <= m.width + 0.1 and a[3] <= m.height + 0.1
        for b in boxes[i + 1:]:
            assert a[2] <= b[0] + 0.1 or b[2] <= a[0] + 0.1 or a[3] <= b[1] + 0.1 or b[3] <= a[1] + 0.1


def test_a_name_sits_near_its_centre():
    m = choropleth.kelurahan_map(_kelurahan())
    for cell in m.cells:
        assert abs(cell.label.y - cell.cy) <= 3 * (choropleth.LABEL_FONT + 2)


def test_the_largest_value_gets_the_darkest_shade_and_nothing_gets_shade_0():
    m = choropleth.kelurahan_map(_kelurahan({"Jatiwaringin": 1_000_000, "Pejuang": 150_000, "Kranji": 999_999}))
    shades = {cell.name: cell.shade for cell in m.cells}
    assert shades["Jatiwaringin"] == 5 and shades["Kranji"] == 5 and shades["Pejuang"] == 1
    assert shades["Bintara"] == 0
    assert m.max_value == 1_000_000 and m.money
    assert [(s.shade, s.low, s.high) for s in m.legend] == [
        (0, 0, 0), (1, 1, 200_000), (2, 200_001, 400_000), (3, 400_001, 600_000), (4, 600_001, 800_000),
        (5, 800_001, 1_000_000)]


def test_the_map_shades_by_the_chosen_figure_and_falls_back_to_gmv_for_an_unknown_one():
    rows = _kelurahan({"Jatiwaringin": 500_000})
    by_orders = choropleth.kelurahan_map(rows, "orders")
    assert by_orders.key == "orders" and not by_orders.money
    assert {cell.name for cell in by_orders.cells if cell.shade} == {"Pejuang"}
    assert choropleth.kelurahan_map(rows, "<script>").key == "gmv_idr"


def test_a_period_with_nothing_shades_every_area_as_nothing():
    m = choropleth.kelurahan_map(_kelurahan())
    assert {cell.shade for cell in m.cells} == {0} and [s.shade for s in m.legend] == [0]


@pytest.mark.parametrize(("value", "top", "shade"), [(0, 0, 0), (0, 10, 0), (1, 10, 1), (2, 10, 1), (3, 10, 2),
                                                      (10, 10, 5), (-5, 10, 0)])
def test_shade_steps(value, top, shade):
    assert choropleth.shade_of(value, top) == shade


@pytest.mark.parametrize("count", [1, 3, 12, 24, 60])
def test_month_labels_shown_never_overlap(count):
    months = [MonthRow(f"{2020 + i // 12}-{i % 12 + 1:02d}", orders=i) for i in range(count)]
    chart = charts.monthly_chart(months, "orders", label=lambda key: "Agu 26")
    shown = [bar for i, bar in enumerate(chart.bars) if i % chart.label_every == 0]
    width = len("Agu 26") * charts.CHAR_WIDTH
    centres = [bar.x + bar.width / 2 for bar in shown]
    assert all(b - a >= width for a, b in pairwise(centres))
    assert centres[0] - width / 2 >= 0 and centres[-1] + width / 2 <= chart.width
