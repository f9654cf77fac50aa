"""The map as a self-contained SVG, drawn on the server: shapes and statuses in, an SVG string out.

One renderer for everything that needs the map without Plotly: the image downloads
(``/kaart.svg``, ``/kaart.png``), the embeddable map (``/embed/kaart``) and pages without
JavaScript. It draws what the Plotly map (``dashboard.figures.maps``) and its legend
(``dashboard.components.status_legend``) show: the same colours per status, the same thick dark
outline for "geen gegevens", the same Mercator projection fitted to the areas shown; plus, so a
copied picture carries its provenance, the title with the peildatum, the legend with counts and
the source line.

Every area is one ``<path>`` with ``data-code`` and a ``<title>`` (name, code, status), optionally
inside a link. Coordinates are integers on a grid of ``1 / GRID`` pixel, written relative to the
previous point (``l``), so the 342 gemeenten stay well under 40 KB gzip. Text is wrapped here (an
estimate of glyph widths) because SVG 1.1 does not wrap. No inline script, no stylesheet:
presentation attributes only, so the image works inline under the site's CSP, as a file and in resvg.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Callable, Iterable
from xml.sax.saxutils import escape, quoteattr

import pandas as pd

from dashboard.aggregates import NO_DATA_LABEL
from dashboard.figures.palette import (
    BORDER_COLOR,
    MAP_LINE_WIDTH,
    MUTED_TEXT,
    NO_DATA_COLOR,
    NO_DATA_LINE_COLOR,
    NO_DATA_LINE_WIDTH,
    PAGE_BACKGROUND,
    TEXT_COLOR,
    YLGNBU,
    status_colors,
)
from dashboard.texts import BRON, fmt_date, fmt_pct

WIDTH = 900  # the whole image, px (the legend needs ~260 px for "volkshuisvestingsprogramma" in DejaVu Sans)
MAP_WIDTH = 560  # the box the map is fitted into (Plotly: fitbounds="locations")
MAP_MAX_HEIGHT = 680
MARGIN = 16
LEGEND_X = MARGIN + MAP_WIDTH + 24
LEGEND_WIDTH = WIDTH - LEGEND_X - MARGIN
GRID = 2  # coordinate units per pixel: half a pixel is about 240 m on the national map
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif"
TITLE_SIZE = 18
TEXT_SIZE = 14
SOURCE_SIZE = 12
SWATCH_BORDER = "#333333"  # style.css .swatch
SWATCH_NODATA_WIDTH = 3  # style.css .swatch-nodata
SHARE_TICKS = (0, 25, 50, 75, 100)
SOURCE = BRON + ", grenzen CBS/PDOK"
DONE_MARK = " ✓ gereed"


@dataclass(frozen=True)
class Area:
    """One area on the map: its code (the shape's id), name, fill, hover text and link."""

    code: str
    name: str
    fill: str
    text: str
    no_data: bool = False
    href: str | None = None


@dataclass(frozen=True)
class LegendItem:
    fill: str
    label: str
    no_data: bool = False


def source_line(peildatum: date) -> str:
    """The provenance every image carries."""
    return SOURCE.format(datum=fmt_date(peildatum))


# --- projection ------------------------------------------------------------------------------


def _mercator(lon: float, lat: float) -> tuple[float, float]:
    """Spherical Mercator (Plotly's ``projection_type="mercator"``), in radians; y grows northwards."""
    lat = max(-85.0, min(85.0, lat))
    return math.radians(lon), math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _polygons(geometry: dict | None) -> list[list[list[list[float]]]]:
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"]]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry["coordinates"])
    return []


@dataclass(frozen=True)
class Projection:
    """Mercator, scaled and shifted so the given bounds fill a box of ``width`` x at most ``max_height`` px."""

    x0: float
    y1: float
    scale: float
    width: float
    height: float

    @classmethod
    def fit(cls, rings: Iterable[list[list[float]]], width: float, max_height: float) -> "Projection":
        xs, ys = [], []
        for ring in rings:
            for lon, lat, *_ in ring:
                x, y = _mercator(lon, lat)
                xs.append(x)
                ys.append(y)
        if not xs:
            return cls(0.0, 0.0, 1.0, width, max_height)
        dx = max(max(xs) - min(xs), 1e-9)
        dy = max(max(ys) - min(ys), 1e-9)
        scale = min(width / dx, max_height / dy)
        return cls(min(xs), max(ys), scale, dx * scale, dy * scale)

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = _mercator(lon, lat)
        return (x - self.x0) * self.scale, (self.y1 - y) * self.scale


def path_data(geometry: dict | None, project: Projection, offset: tuple[float, float] = (0.0, 0.0)) -> str:
    """SVG path data of a (Multi)Polygon: integers in 1/GRID px, relative moves; rings that
    rounding shrinks below a triangle are left out."""
    out = []
    ox, oy = offset
    for polygon in _polygons(geometry):
        for ring in polygon:
            points = []
            last = None
            for lon, lat, *_ in ring:
                x, y = project(lon, lat)
                p = (round((x + ox) * GRID), round((y + oy) * GRID))
                if p != last:
                    points.append(p)
                    last = p
            if len(points) > 1 and points[0] == points[-1]:
                points.pop()
            if len(points) < 3:
                continue
            (x, y), rest = points[0], points[1:]
            parts = [f"M{x} {y}l"]
            for px, py in rest:
                parts.append(f"{px - x} {py - y} ")
                x, y = px, py
            out.append("".join(parts).rstrip() + "z")
    return "".join(out).replace(" -", "-")


# --- text ------------------------------------------------------------------------------------


def _text_width(text: str, size: float) -> float:
    """An estimate of the rendered width (average sans-serif glyph ~0.55 em; capitals wider)."""
    return sum(0.68 if c.isupper() else 0.3 if c in " .,:;il'|!" else 0.56 for c in text) * size


def wrap(text: str, width: float, size: float) -> list[str]:
    """Words onto lines no wider than ``width`` (a word longer than a line gets a line of its own)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and _text_width(candidate, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line or not lines:
        lines.append(line)
    return lines


def _text(x: float, y: float, lines: list[str], size: float, *, weight: str | None = None, fill: str = TEXT_COLOR, line_height: float = 1.3, cls: str = "") -> str:
    attrs = f' x="{x:g}" y="{y:g}" font-size="{size:g}" fill="{fill}"'
    if weight:
        attrs += f' font-weight="{weight}"'
    if cls:
        attrs += f' class="{cls}"'
    if len(lines) == 1:
        return f"<text{attrs}>{escape(lines[0])}</text>"
    # a space ends every line but the last, so the text reads (and copies) as the words it wraps
    spans = "".join(
        f'<tspan x="{x:g}" dy="{0 if i == 0 else size * line_height:g}">{escape(line)}{" " if i < len(lines) - 1 else ""}</tspan>' for i, line in enumerate(lines)
    )
    return f"<text{attrs}>{spans}</text>"


# --- the image -------------------------------------------------------------------------------


_PROJECTED: OrderedDict[tuple, tuple] = OrderedDict()
_PROJECTED_LOCK = threading.Lock()
PROJECTED_CACHE_SIZE = 16


def projected(shapes: dict, codes: list[str]) -> tuple[Projection, dict[str, str]]:
    """The projection that fits the areas of ``codes`` that have a shape, and their path data.

    Projecting every point is most of an SVG's cost, and it depends only on the boundary file
    and which areas are drawn, not on the figures: kept for the last few (boundary file, areas)
    pairs. The entry holds ``shapes`` itself, so its ``id`` cannot be reused while cached."""
    key = (id(shapes), tuple(sorted(set(codes))))
    with _PROJECTED_LOCK:
        hit = _PROJECTED.get(key)
        if hit is not None and hit[0] is shapes:
            _PROJECTED.move_to_end(key)
            return hit[1], hit[2]
    by_code = {str(f.get("id", (f.get("properties") or {}).get("code"))): f.get("geometry") for f in shapes.get("features", [])}
    drawn = {code: by_code[code] for code in codes if by_code.get(code)}
    project = Projection.fit((ring for g in drawn.values() for poly in _polygons(g) for ring in poly), MAP_WIDTH, MAP_MAX_HEIGHT)
    paths = {code: path_data(geometry, project) for code, geometry in drawn.items()}
    with _PROJECTED_LOCK:
        _PROJECTED[key] = (shapes, project, paths)
        while len(_PROJECTED) > PROJECTED_CACHE_SIZE:
            _PROJECTED.popitem(last=False)
    return project, paths


def render(
    shapes: dict,
    areas: list[Area],
    legend: list[str],
    legend_height: float,
    title: str,
    peildatum: date,
    description: str = "",
) -> str:
    """The SVG document: title, map (``areas`` with their shape from ``shapes``), legend, source line.

    ``legend`` is the legend's SVG markup drawn from (0, 0), ``legend_height`` its height.
    Areas without a shape are left out of the map (they still count in the legend); the map
    is fitted to the areas that have one, as Plotly's ``fitbounds="locations"`` does.
    """
    project, path_of = projected(shapes, [a.code for a in areas])
    drawn = [(a, path_of[a.code]) for a in areas if a.code in path_of]

    title_lines = wrap(title, WIDTH - 2 * MARGIN, TITLE_SIZE)
    map_top = MARGIN + len(title_lines) * TITLE_SIZE * 1.3 + 8
    body_height = max(project.height, legend_height)
    source = source_line(peildatum)
    source_top = map_top + body_height + 16
    height = math.ceil(source_top + SOURCE_SIZE + MARGIN)

    # areas without data last: their thick outline stays on top of the neighbours' thin ones
    ordered = [d for d in drawn if not d[0].no_data] + [d for d in drawn if d[0].no_data]
    paths = []
    for area, d in ordered:
        if not d:
            continue
        extra = f' stroke="{NO_DATA_LINE_COLOR}" stroke-width="{NO_DATA_LINE_WIDTH * GRID:g}"' if area.no_data else ""
        label = f"{area.name} ({area.code}): {area.text}"
        path = f'<path d="{d}" fill="{area.fill}"{extra} data-code={quoteattr(area.code)}><title>{escape(label)}</title></path>'
        if area.href:
            path = f"<a href={quoteattr(area.href)} aria-label={quoteattr(label)}>{path}</a>"
        paths.append(path)

    labelled = "etvi-kaart-titel etvi-kaart-bron"
    # with links the areas must stay reachable: an image's children are hidden from assistive technology
    role = "group" if any(a.href for a in areas) else "img"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="{role}" aria-labelledby="{labelled}" font-family="{escape(FONT_FAMILY)}" class="etvi-kaart">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(' '.join(x for x in (description, source) if x))}</desc>",
        f'<rect width="{WIDTH}" height="{height}" fill="{PAGE_BACKGROUND}"/>',
        _text(MARGIN, MARGIN + TITLE_SIZE, title_lines, TITLE_SIZE, weight="600").replace("<text", '<text id="etvi-kaart-titel"', 1),
        f'<g transform="translate({MARGIN:g} {map_top:g}) scale({1 / GRID:g})" stroke="{BORDER_COLOR}" '
        f'stroke-width="{MAP_LINE_WIDTH * GRID:g}" stroke-linejoin="round" class="etvi-kaart-gebieden">',
        *paths,
        "</g>",
        f'<g transform="translate({LEGEND_X:g} {map_top:g})" class="etvi-kaart-legenda">',
        *legend,
        "</g>",
        _text(MARGIN, source_top + SOURCE_SIZE, [source], SOURCE_SIZE, fill=MUTED_TEXT).replace("<text", '<text id="etvi-kaart-bron"', 1),
        "</svg>",
    ]
    return "".join(parts)


def _legend_rows(items: list[LegendItem], heading: str) -> tuple[list[str], float]:
    """Swatch and label per item, as ``components.status_legend`` shows them."""
    out = [_text(0, TEXT_SIZE, [heading], TEXT_SIZE, weight="600")]
    y = TEXT_SIZE * 1.3 + 10
    for item in items:
        lines = wrap(item.label, LEGEND_WIDTH - 30, TEXT_SIZE)
        border = f'stroke="{NO_DATA_LINE_COLOR}" stroke-width="{SWATCH_NODATA_WIDTH}"' if item.no_data else f'stroke="{SWATCH_BORDER}" stroke-width="1"'
        inset = SWATCH_NODATA_WIDTH / 2 if item.no_data else 0.5
        out.append(f'<rect x="{inset:g}" y="{y + inset:g}" width="{20 - 2 * inset:g}" height="{16 - 2 * inset:g}" fill="{item.fill}" {border}/>')
        out.append(_text(30, y + 13, lines, TEXT_SIZE))
        y += len(lines) * TEXT_SIZE * 1.3 + 8
    return out, y


def status_svg(
    frame: pd.DataFrame,
    counts: pd.DataFrame,
    n_levels: int,
    shapes: dict,
    title: str,
    peildatum: date,
    link: Callable[[str], str] | None = None,
    description: str = "",
) -> str:
    """A status map: ``frame`` as for ``maps.status_map`` (``code``, ``name``, ``index``, ``label``),
    ``counts`` from ``aggregates.status_counts`` (``index``, ``label``, ``is_done``, ``count``)."""
    colors = [NO_DATA_COLOR] + status_colors(n_levels)
    areas = [
        Area(str(code), str(name), colors[int(i) + 1] if int(i) < n_levels else NO_DATA_COLOR, str(label), int(i) < 0, link(str(code)) if link else None)
        for code, name, i, label in zip(frame["code"], frame["name"], frame["index"], frame["label"])
    ]
    items = [
        LegendItem(colors[int(r.index) + 1], f"{r.label}{DONE_MARK if r.is_done else ''} ({int(r.count)})", int(r.index) < 0)
        for r in counts.itertuples()
    ]
    legend, height = _legend_rows(items, "Legenda")
    spoken = "Legenda: " + "; ".join(item.label for item in items) + "."
    return render(shapes, areas, legend, height, title, peildatum, f"{description} {spoken}".strip())


def share_color(share: float) -> str:
    """The colour of a share (0..1) on ``SHARE_COLORSCALE`` (YlGnBu, linear in RGB as Plotly interpolates)."""
    t = min(1.0, max(0.0, float(share))) * (len(YLGNBU) - 1)
    i = min(int(t), len(YLGNBU) - 2)
    f = t - i
    a = [int(YLGNBU[i][k : k + 2], 16) for k in (1, 3, 5)]
    b = [int(YLGNBU[i + 1][k : k + 2], 16) for k in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * f):02x}" for x, y in zip(a, b))


def share_svg(
    frame: pd.DataFrame,
    shapes: dict,
    title: str,
    peildatum: date,
    link: Callable[[str], str] | None = None,
    description: str = "",
) -> str:
    """A share map: ``frame`` as for ``maps.share_map`` (``group_code``, ``group_name``, ``share``, ``n_done``, ``n``)."""
    areas = []
    for code, name, share, n_done, n in zip(frame["group_code"], frame["group_name"], frame["share"], frame["n_done"], frame["n"]):
        missing = share is None or pd.isna(share)
        text = NO_DATA_LABEL if missing else f"{fmt_pct(share)} gereed ({int(n_done)} van {int(n)} gemeenten)"
        areas.append(Area(str(code), str(name), NO_DATA_COLOR if missing else share_color(share), text, missing, link(str(code)) if link else None))
    stops = "".join(f'<stop offset="{t / 100:g}" stop-color="{share_color(t / 100)}"/>' for t in range(0, 101, 12) if t <= 100) + f'<stop offset="1" stop-color="{share_color(1)}"/>'
    bar_top, bar_height = TEXT_SIZE * 1.3 + 10, 200
    legend = [
        _text(0, TEXT_SIZE, ["% gereed"], TEXT_SIZE, weight="600"),
        f'<defs><linearGradient id="etvi-kaart-schaal" x1="0" y1="1" x2="0" y2="0">{stops}</linearGradient></defs>',
        f'<rect x="0.5" y="{bar_top:g}" width="18" height="{bar_height}" fill="url(#etvi-kaart-schaal)" stroke="{SWATCH_BORDER}" stroke-width="1"/>',
    ]
    for tick in SHARE_TICKS:
        y = bar_top + bar_height * (1 - tick / 100)
        legend.append(f'<line x1="19" x2="24" y1="{y:g}" y2="{y:g}" stroke="{SWATCH_BORDER}"/>')
        legend.append(_text(28, y + 5, [f"{tick}%"], TEXT_SIZE))
    y = bar_top + bar_height + 24
    if any(a.no_data for a in areas):
        rows, _ = _legend_rows([LegendItem(NO_DATA_COLOR, NO_DATA_LABEL, True)], "")
        legend.append(f'<g transform="translate(0 {y - TEXT_SIZE * 1.3 - 10:g})">{"".join(rows[1:])}</g>')
        y += 28
    return render(shapes, areas, legend, y, title, peildatum, description)
