"""The server-side SVG map is a pure function: shapes and the map's frame in, an SVG string out.
Synthetic squares for the details; the real boundary files for the count and the size."""

from __future__ import annotations

import gzip
import math
import os
import re
import xml.etree.ElementTree as ET
from datetime import date

import pandas as pd
import pytest

from dashboard.figures import maps, palette, svg_map
from geo import shapes as geo_shapes
from tests.support.shapes import square

NS = {"s": "http://www.w3.org/2000/svg"}
PEILDATUM = date(2025, 6, 30)
SOURCE = "Bron: ETVI-monitor, stand op 30 juni 2025, grenzen CBS/PDOK"
LABELS = ["Geen gegevens", "Geen", "In voorbereiding", "Vastgesteld"]


def _shapes(codes, size=0.05, lat=52.0):
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": c, "properties": {"code": c, "name": c}, "geometry": square(4 + i * 0.1, lat, size)} for i, c in enumerate(codes)
        ],
    }


def _frame(codes, index, names=None):
    return pd.DataFrame({"code": codes, "name": names or [f"Naam {c}" for c in codes], "index": index, "label": [LABELS[i + 1] for i in index]})


def _counts(index):
    return pd.DataFrame(
        {"index": [-1, 0, 1, 2], "label": LABELS, "is_done": [False, False, False, True], "count": [list(index).count(i) for i in (-1, 0, 1, 2)]}
    )


def _status_svg(codes=("GM0001", "GM0002", "GM0003"), index=(-1, 0, 2), shapes=None, **kw):
    frame = _frame(list(codes), list(index))
    return svg_map.status_svg(frame, _counts(index), 3, shapes or _shapes(codes), "Woonzorgvisie per gemeente op 30 juni 2025", PEILDATUM, **kw)


def _paths(root):
    return root.findall(".//s:path", NS)


def _texts(root) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{{{NS['s']}}}text")]


def _points(d: str) -> list[list[tuple[int, int]]]:
    """The absolute points of each ring of a path written by ``path_data`` (M x y l dx dy ... z)."""
    rings = []
    for ring in re.findall(r"M([^z]*)z", d):
        start, rel = ring.split("l")
        x, y = (int(v) for v in re.findall(r"-?\d+", start))
        nums = [int(v) for v in re.findall(r"-?\d+", rel)]
        pts = [(x, y)]
        for dx, dy in zip(nums[::2], nums[1::2]):
            x, y = x + dx, y + dy
            pts.append((x, y))
        rings.append(pts)
    return rings


def test_one_path_per_gemeente_with_code_name_and_status_and_the_plotly_colours():
    root = ET.fromstring(_status_svg())
    paths = _paths(root)
    assert sorted(p.get("data-code") for p in paths) == ["GM0001", "GM0002", "GM0003"]
    titles = {p.get("data-code"): p.find("s:title", NS).text for p in paths}
    assert titles["GM0003"] == "Naam GM0003 (GM0003): Vastgesteld"
    assert titles["GM0001"] == "Naam GM0001 (GM0001): Geen gegevens"
    # the colour of each class is the colour of that class in the Plotly map's colour scale
    scale = maps.status_update(_frame(["GM0001", "GM0002", "GM0003"], [-1, 0, 2]), 3)["colorscale"]
    class_colour = [scale[2 * z][1] for z in range(4)]
    fills = {p.get("data-code"): p.get("fill") for p in paths}
    assert fills == {"GM0001": class_colour[0], "GM0002": class_colour[1], "GM0003": class_colour[3]}
    assert fills["GM0001"] == palette.NO_DATA_COLOR


def test_geen_gegevens_has_the_thick_dark_outline_and_is_drawn_last():
    root = ET.fromstring(_status_svg(index=(-1, 0, 2)))
    paths = _paths(root)
    assert paths[-1].get("data-code") == "GM0001"
    assert paths[-1].get("stroke") == palette.NO_DATA_LINE_COLOR
    assert float(paths[-1].get("stroke-width")) == palette.NO_DATA_LINE_WIDTH * svg_map.GRID
    assert all(p.get("stroke") is None for p in paths[:-1])  # the thin grey border of the group
    group = root.find(".//s:g[@class='etvi-kaart-gebieden']", NS)
    assert group.get("stroke") == palette.BORDER_COLOR
    assert float(group.get("stroke-width")) == palette.MAP_LINE_WIDTH * svg_map.GRID
    # the legend's swatch for geen gegevens has the same thick outline
    swatches = root.findall(".//s:g[@class='etvi-kaart-legenda']/s:rect", NS)
    assert swatches[0].get("stroke") == palette.NO_DATA_LINE_COLOR and swatches[0].get("fill") == palette.NO_DATA_COLOR


def test_title_legend_with_counts_and_source_line():
    root = ET.fromstring(_status_svg(index=(-1, 0, 2)))
    texts = _texts(root)
    assert texts[0] == "Woonzorgvisie per gemeente op 30 juni 2025"
    assert root.find("s:title", NS).text == texts[0]
    assert "Geen gegevens (1)" in texts and "Geen (1)" in texts and "In voorbereiding (0)" in texts
    assert "Vastgesteld ✓ gereed (1)" in texts
    assert texts[-1] == SOURCE
    assert SOURCE in root.find("s:desc", NS).text and "Legenda:" in root.find("s:desc", NS).text
    assert root.get("role") == "img" and root.get("aria-labelledby") == "etvi-kaart-titel etvi-kaart-bron"


def test_mercator_projection_fitted_to_the_areas_shown():
    """A 1 x 1 degree square at 52 N is 1/cos(lat) times taller than wide, as on Plotly's Mercator map;
    the map is fitted to the areas in the frame (fitbounds="locations"), not to every shape."""
    shapes = _shapes(["GM0001", "GM0002"], size=1.0, lat=52.0)
    shapes["features"][1]["geometry"] = square(30, 10, 1.0)  # far away, not in the frame
    root = ET.fromstring(svg_map.status_svg(_frame(["GM0001"], [0]), _counts([0]), 3, shapes, "t", PEILDATUM))
    (ring,) = _points(_paths(root)[0].get("d"))
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    expected = (math.log(math.tan(math.pi / 4 + math.radians(53) / 2)) - math.log(math.tan(math.pi / 4 + math.radians(52) / 2))) / math.radians(1)
    assert height / width == pytest.approx(expected, rel=0.01)
    assert height == pytest.approx(svg_map.MAP_MAX_HEIGHT * svg_map.GRID, abs=1)  # taller than wide: the height is the limit
    assert min(xs) == 0 and min(ys) == 0  # north is up: the top edge of the square is at y = 0
    assert [p.get("data-code") for p in _paths(root)] == ["GM0001"]


def test_path_data_is_relative_integer_and_drops_rings_that_rounding_collapses():
    project = svg_map.Projection.fit([[[4.0, 52.0], [5.0, 53.0]]], 100, 100)
    tiny = {"type": "MultiPolygon", "coordinates": [square(4.0, 52.0, 0.5)["coordinates"], square(4.9, 52.9, 0.0001)["coordinates"]]}
    d = svg_map.path_data(tiny, project)
    assert d.count("M") == 1 and re.fullmatch(r"(M-?\d+ -?\d+l(-?\d+[ -]?)+z)+", d.replace(" -", "-"))
    (ring,) = _points(d)
    corners = {(round(x * svg_map.GRID), round(y * svg_map.GRID)) for x, y in (project(4.0, 52.0), project(4.0, 52.5), project(4.5, 52.5), project(4.5, 52.0))}
    assert set(ring) == corners


def test_frame_rows_without_a_shape_still_count_and_names_are_escaped():
    root = ET.fromstring(
        svg_map.status_svg(
            _frame(["GM0001", "GM0009"], [0, 0], names=["A & <B>", "Zonder vorm"]), _counts([0, 0]), 3, _shapes(["GM0001"]), "t & t", PEILDATUM
        )
    )
    assert [p.get("data-code") for p in _paths(root)] == ["GM0001"]
    assert _paths(root)[0].find("s:title", NS).text == "A & <B> (GM0001): Geen"
    assert "Geen (2)" in _texts(root)


def test_links_per_area():
    root = ET.fromstring(_status_svg(link=lambda code: f"/gemeente/{code}?peildatum=2025-06-30"))
    links = root.findall(".//s:a", NS)
    assert len(links) == 3 and links[0].get("href").startswith("/gemeente/GM")
    assert links[0].find("s:path", NS) is not None and links[0].get("aria-label")


def test_share_map_colours_on_the_plotly_scale_and_no_data_outlined():
    frame = pd.DataFrame(
        {"group_code": ["PV20", "PV21", "PV22"], "group_name": ["Groningen", "Fryslân", "Drenthe"], "share": [0.0, 1.0, None], "n_done": [0, 18, 0], "n": [10, 18, 0]}
    )
    root = ET.fromstring(svg_map.share_svg(frame, _shapes(["PV20", "PV21", "PV22"]), "Aandeel", PEILDATUM))
    fills = {p.get("data-code"): p.get("fill") for p in _paths(root)}
    assert fills["PV20"] == palette.SHARE_COLORSCALE[0][1] and fills["PV21"] == palette.SHARE_COLORSCALE[-1][1]
    assert fills["PV22"] == palette.NO_DATA_COLOR and _paths(root)[-1].get("stroke") == palette.NO_DATA_LINE_COLOR
    assert svg_map.share_color(0.5) == "#41b6c4"  # the middle stop of YlGnBu
    titles = {p.get("data-code"): p.find("s:title", NS).text for p in _paths(root)}
    assert titles["PV21"] == "Fryslân (PV21): 100% gereed (18 van 18 gemeenten)"
    texts = _texts(root)
    assert {"0%", "50%", "100%", "Geen gegevens", SOURCE} <= set(texts)


def test_wrap_keeps_lines_within_the_width():
    lines = svg_map.wrap("Verordening met urgentieregeling per gemeente op 30 september 2025", 200, 14)
    assert len(lines) > 1 and " ".join(lines) == "Verordening met urgentieregeling per gemeente op 30 september 2025"
    assert all(svg_map._text_width(line, 14) <= 200 for line in lines if " " in line)


@pytest.mark.geodata
def test_real_gemeenten_342_paths_and_the_map_under_40_kb_compressed(tmp_path, monkeypatch):
    if not os.environ.get("ETVI_GEO_DIR"):
        pytest.fail("ETVI_GEO_DIR is niet gezet: deze test gebruikt de echte grensbestanden")
    gemeenten = geo_shapes.load_shapes("gemeente", 2025)
    codes = [f["id"] for f in gemeenten["features"]]
    names = [f["properties"]["name"] for f in gemeenten["features"]]
    index = [(i % 4) - 1 for i in range(len(codes))]
    frame = _frame(codes, index, names=names)
    svg = svg_map.status_svg(frame, _counts(index), 3, gemeenten, "Woonzorgvisie per gemeente op 30 juni 2025", PEILDATUM)
    root = ET.fromstring(svg)
    paths = _paths(root)
    assert len(paths) == 342 and {p.get("data-code") for p in paths} == set(codes)
    assert any(p.find("s:title", NS).text.startswith("Súdwest-Fryslân (GM1900)") for p in paths)
    assert len(gzip.compress(svg.encode("utf-8"), 6)) <= 40_000  # the whole image, not only the map part
    # the country fits the box: as wide as the map box or as high as allowed
    group = root.find(".//s:g[@class='etvi-kaart-gebieden']", NS)
    xs = [x for p in paths for ring in _points(p.get("d")) for x, _ in ring]
    assert max(xs) - min(xs) <= svg_map.MAP_WIDTH * svg_map.GRID and group is not None


def test_the_longest_status_word_fits_in_the_legend():
    """"volkshuisvestingsprogramma" cannot be wrapped: the legend's text column must hold it, with
    room for a font wider than the estimate (resvg draws with DejaVu Sans, ~0.6 em a glyph)."""
    room = svg_map.WIDTH - svg_map.MARGIN - (svg_map.LEGEND_X + 30)
    assert len("volkshuisvestingsprogramma") * 0.62 * svg_map.TEXT_SIZE <= room
    lines = svg_map.wrap("Opgenomen in volkshuisvestingsprogramma ✓ gereed (36)", svg_map.LEGEND_WIDTH - 30, svg_map.TEXT_SIZE)
    assert "volkshuisvestingsprogramma" in " ".join(lines).split()
