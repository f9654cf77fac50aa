"""Figure builders are pure: frames in, figures out. Synthetic GeoJSON, no server."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.io.json import to_json_plotly

from dashboard import texts
from dashboard.figures import charts, maps, palette
from tests.support.shapes import square

GEOJSON = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "id": code, "properties": {"code": code, "name": code}, "geometry": square(4 + i * 0.1, 52)}
        for i, code in enumerate(["GM0001", "GM0002", "GM0003"])
    ],
}
FRAME = pd.DataFrame(
    {"code": ["GM0001", "GM0002", "GM0003"], "name": ["Aa", "Bb", "Cc"], "index": [-1, 0, 2], "label": ["Geen gegevens", "Geen", "Vastgesteld"]}
)
# trace types in the vendored plotly.js geo bundle (dashboard/vendor): nothing else may be used
BUNDLE_TRACES = {"choropleth", "scatter", "scattergeo"}


def test_status_map_uses_the_geometry_by_reference_and_encodes_status_as_class():
    fig = maps.status_map(FRAME, 3, "/kaartvormen/gemeente.geojson?v=abc")
    t = fig.data[0]
    assert t.type == "choropleth" and t.geojson == "/kaartvormen/gemeente.geojson?v=abc"
    assert t.featureidkey == "id" and list(t.locations) == ["GM0001", "GM0002", "GM0003"]
    assert list(t.z) == [0, 1, 3]  # 0 = geen gegevens, then status index + 1
    assert list(t.customdata) == ["Geen gegevens", "Geen", "Vastgesteld"]
    assert list(t.text) == ["Aa", "Bb", "Cc"]
    assert (t.zmin, t.zmax) == (-0.5, 3.5) and t.showscale is False
    # four classes, each a flat colour; class 0 is the no-data colour
    scale = [tuple(x) for x in t.colorscale]
    assert len(scale) == 8 and scale[0][1] == scale[1][1] == palette.NO_DATA_COLOR
    assert fig.layout.geo.visible is False and fig.layout.geo.fitbounds == "locations"


def test_patch_update_gives_the_same_figure_as_a_rebuild():
    fig = maps.status_map(FRAME, 3, GEOJSON)
    new = FRAME.assign(index=[1, 2, 2], label=["In voorbereiding", "Vastgesteld", "Vastgesteld"])
    update = maps.status_update(new, 3)
    assert set(update) == {"z", "customdata", "colorscale", "zmax", "marker"}
    assert "geojson" not in json.dumps(update)
    patched = maps.apply_update(fig, update)
    rebuilt = maps.status_map(new, 3, GEOJSON).to_plotly_json()
    assert patched["data"][0] == rebuilt["data"][0]
    # the update is small: no geometry, a few bytes per gemeente
    assert len(json.dumps(update)) < len(json.dumps(fig.to_plotly_json())) / 2


def test_compact_update_expands_to_the_full_update():
    new = FRAME.assign(index=[1, 2, 2], label=["In voorbereiding", "Vastgesteld", "Vastgesteld"])
    compact = maps.compact_status_update(new, 3)
    assert compact["labels"][0] == "Geen gegevens" and "customdata" not in compact
    assert maps.expand_update(compact) == maps.status_update(new, 3)
    odd = FRAME.assign(index=[-1, 0, -1], label=["Geen gegevens", "Geen", "iets (onbekende status)"])
    compact = maps.compact_status_update(odd, 3)
    assert compact["overrides"] == {"2": "iets (onbekende status)"}
    assert maps.expand_update(compact) == maps.status_update(odd, 3)
    big = pd.concat([FRAME] * 114, ignore_index=True)  # 342 gemeenten
    assert len(json.dumps(maps.compact_status_update(big, 3))) < len(json.dumps(maps.status_update(big, 3))) / 3


def test_share_map_in_percent_with_text_for_hover():
    frame = pd.DataFrame({"group_code": ["PV20", "PV21"], "group_name": ["Groningen", "Fryslân"], "share": [0.5, 1 / 3], "n_done": [5, 6], "n": [10, 18]})
    fig = maps.share_map(frame, GEOJSON)
    t = fig.data[0]
    assert list(t.z) == [50.0, 33.3] and (t.zmin, t.zmax) == (0, 100)
    assert t.customdata[0] == "50% gereed (5 van 10 gemeenten)"
    assert maps.share_update(frame)["z"] == [50.0, 33.3]


def test_message_figure_for_missing_boundaries():
    fig = maps.message_figure("De kaart is niet beschikbaar")
    assert fig.layout.annotations[0].text == "De kaart is niet beschikbaar"


def _types(fig: go.Figure) -> set[str]:
    return {t.type for t in fig.data}


def test_ranking_puts_the_furthest_behind_on_top_with_target_and_national_lines():
    frame = pd.DataFrame({"group_name": ["A", "B", "C"], "share": [0.9, 0.2, 0.5], "n_done": [9, 2, 5], "n": [10, 10, 10]})
    fig = charts.ranking_bar(frame, national_share=0.5, target_share=1.0, target_label="Doel 100% uiterlijk 31 december 2026")
    assert list(fig.layout.yaxis.categoryarray) == ["A", "C", "B"]  # plotly draws the last category on top: B (20%)
    assert fig.data[1].text[0] == "20% (2 van 10)"
    texts_ = [a.text for a in fig.layout.annotations]
    assert "Doel 100% uiterlijk 31 december 2026" in texts_ and "Nederland 50%" in texts_
    dashes = {s.line.dash for s in fig.layout.shapes}
    assert dashes == {"dash", "dot"}  # target and national are told apart by line style, not colour alone
    assert _types(fig) <= BUNDLE_TRACES


def test_progress_lines_draw_milestones_and_the_national_line():
    series = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-12-31", "2025-12-31"] * 2),
            "group_code": ["PV20", "PV20", "NL", "NL"],
            "group_name": ["Groningen", "Groningen", "Nederland", "Nederland"],
            "share": [0.1, 0.3, 0.2, 0.4],
        }
    )
    ms = pd.DataFrame(
        {
            "deadline": [date(2026, 12, 31), date(2027, 7, 1)],
            "title": ["Urgentieregeling in alle gemeenten", "Een heel lange titel van een mijlpaal die vroeger werd afgekapt"],
            "confidence": ["bevestigd", "onbevestigd"],
        }
    )
    fig = charts.progress_lines(series, ms, date(2025, 12, 31), highlight=["PV20"])
    assert [t.name for t in fig.data][:2] == ["Groningen", "Nederland"]
    assert list(fig.data[1].y) == [20.0, 40.0] and fig.data[1].line.width == 4
    # milestones are legend entries with their full title, never vertical text that gets cut off
    names = [t.name for t in fig.data[2:]]
    assert names == [
        "Mijlpaal: Urgentieregeling in alle gemeenten (uiterlijk 31 december 2026)",
        "Mijlpaal: Een heel lange titel van een mijlpaal die vroeger werd afgekapt (uiterlijk 1 juli 2027) (onbevestigd)",
    ]
    assert [t.line.dash for t in fig.data[2:]] == ["dash", "dot"]  # unconfirmed: another line style
    assert not any(a.textangle for a in fig.layout.annotations)
    assert len(fig.layout.shapes) == 1  # the peildatum
    # the axis starts at the data (a month before the first progress), not at the oldest adoption date
    assert pd.Timestamp(fig.layout.xaxis.range[0]) == pd.Timestamp("2024-12-31")
    zeros = pd.DataFrame({"date": pd.to_datetime(["2015-01-31", "2015-01-31"]), "group_code": ["PV20", "NL"], "group_name": ["Groningen", "Nederland"], "share": [0.0, 0.0]})
    fig = charts.progress_lines(pd.concat([zeros, series]), ms, date(2025, 12, 31))
    assert pd.Timestamp(fig.layout.xaxis.range[0]) == pd.Timestamp("2024-11-30")  # not 2015, where nothing happens
    assert pd.Timestamp(fig.layout.xaxis.range[1]) > pd.Timestamp("2027-07-01")
    assert _types(fig) <= BUNDLE_TRACES


def test_milestone_strip_marks_today_and_peildatum_and_patch_moves_peildatum():
    m = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "title": ["Wet", "Doel", "Onbekend"],
            "date": [date(2024, 3, 7), date(2026, 1, 1), None],
            "date_precision": ["dag", "jaar", "onbekend"],
            "deadline": [date(2024, 3, 7), date(2026, 12, 31), None],
            "kind": ["wet", "programmadoel", "wet"],
            "confidence": ["bevestigd", "doel", "onbekend"],
        }
    )
    fig = charts.milestone_strip(m, date(2026, 11, 21), date(2025, 1, 1))
    markers = [t for t in fig.data if t.mode == "markers"]
    assert sum(len(t.x) for t in markers) == 2  # the milestone without a date is not drawn
    symbols = {t.name: t.marker.symbol for t in markers}
    assert symbols == {"Bevestigd": "circle", "Beoogd (doel)": "diamond"}  # confidence by shape too
    # a year-precise target sits inside its year (not on the next year's gridline) and says until when
    doel = next(t for t in markers if t.name == "Beoogd (doel)")
    assert pd.Timestamp(doel.x[0]).year == 2026 and pd.Timestamp(doel.x[0]).month in (6, 7)
    assert doel.customdata[0][1] == "2026 (uiterlijk 31 december 2026)"
    # the today and peildatum labels sit above the plot, on either side of their lines
    assert all(a.y == 1.0 and a.yanchor == "bottom" for a in fig.layout.annotations)
    assert {a.xanchor for a in fig.layout.annotations} == {"left", "right"}
    i = charts.STRIP_PEILDATUM_INDEX
    assert fig.layout.shapes[i].name == "peildatum" and fig.layout.annotations[i].name == "peildatum"
    update = charts.strip_peildatum_update(date(2024, 6, 30), "peildatum (30 juni 2024)")
    assert update[("shapes", i)] == {"x0": "2024-06-30T00:00:00", "x1": "2024-06-30T00:00:00"}
    # what the browser needs to do the same (assets/etvi.js stripPeildatum; tested in Chromium)
    strip_texts = charts.strip_texts("stand op ({datum})")
    assert strip_texts["index"] == i and strip_texts["months"][5] == "juni"
    assert strip_texts["bron"].format(datum="30 juni 2024") == charts.stand_meta(date(2024, 6, 30))["bron"]
    assert _types(fig) <= BUNDLE_TRACES


def _strip_milestones() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["a", "b"],
            "title": ["Wet", "Doel"],
            "date": [date(2024, 3, 7), date(2026, 1, 1)],
            "date_precision": ["dag", "jaar"],
            "deadline": [date(2024, 3, 7), date(2026, 12, 31)],
            "kind": ["wet", "programmadoel"],
            "confidence": ["bevestigd", "doel"],
        }
    )


def test_strip_at_a_peildatum_equals_the_strip_built_for_it():
    m, today = _strip_milestones(), date(2026, 11, 21)
    base = charts.milestone_strip(m, today, today).to_plotly_json()
    for day in (date(2024, 1, 1), date(2025, 6, 30), date(2026, 12, 31)):
        moved = charts.strip_at(base, day, f"stand op ({texts.fmt_date(day)})")
        built = charts.milestone_strip(m, today, day)
        assert json.loads(to_json_plotly(moved)) == json.loads(to_json_plotly(built))  # as Dash sends them
    # outside the strip's time axis the strip must be drawn wider: no shortcut
    assert charts.strip_at(base, date(2023, 12, 31), "x") is None
    assert charts.strip_at(base, date(2027, 1, 1), "x") is None
    # the cached base is not changed
    assert base["layout"]["shapes"][charts.STRIP_PEILDATUM_INDEX]["x0"] == pd.Timestamp(today)


def test_comparison_and_projection_charts():
    f = pd.DataFrame({"onderdeel_title": ["Woonzorgvisie", "Verordening"], "share_a": [0.5, 0.25], "share_b": [0.6, 0.2]})
    fig = charts.comparison_dots(f, "Groningen", "Nederland")
    assert {t.name for t in fig.data if t.name} == {"Groningen", "Nederland"}
    assert {t.marker.symbol for t in fig.data if t.name} == {"circle", "diamond"}
    s = pd.DataFrame({"date": pd.to_datetime(["2025-01-31", "2025-12-31"]), "share": [0.2, 0.5]})
    p = charts.projection_chart(s, date(2026, 12, 31), date(2027, 6, 1), 1.0, date(2025, 12, 31), title="X")
    assert [t.name for t in p.data] == ["Gemeten (volgens vaststellingsdatum)", "Bij huidig tempo"]
    assert list(p.data[1].y) == [50.0, 100.0]
    assert _types(fig) | _types(p) <= BUNDLE_TRACES


def test_projection_chart_stops_at_the_horizon_and_marks_unconfirmed_deadlines():
    s = pd.DataFrame({"date": pd.to_datetime(["2015-01-31", "2022-06-30", "2025-12-31"]), "share": [0.0, 0.01, 0.1]})
    p = charts.projection_chart(s, date(2027, 7, 1), date(2165, 9, 9), 1.0, date(2025, 12, 31), confidence="onbevestigd")
    assert [t.name for t in p.data] == ["Gemeten (volgens vaststellingsdatum)"]  # no line to 2165
    lo, hi = (pd.Timestamp(x) for x in p.layout.xaxis.range)
    assert hi <= pd.Timestamp("2036-04-01") and lo >= pd.Timestamp("2022-01-01")
    texts_ = [a.text for a in p.layout.annotations]
    assert "bij dit tempo niet binnen 10 jaar" in texts_
    assert "uiterste datum 1 juli 2027 (onbevestigd)" in texts_
    assert p.layout.shapes[0].line.dash == "dot"


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 8])
def test_status_palette_is_ordered_light_to_dark(n):
    def luminance(hex_colour: str) -> float:
        r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    colours = palette.status_colors(n)
    assert len(colours) == n == len(set(colours))
    lum = [luminance(c) for c in colours]
    assert lum == sorted(lum, reverse=True)
    assert all(luminance(palette.NO_DATA_COLOR) > x for x in lum)


def test_dutch_formatting():
    assert texts.fmt_date(date(2022, 5, 11)) == "11 mei 2022"
    assert texts.fmt_milestone_date(date(2026, 1, 1), "jaar") == "2026"
    assert texts.fmt_milestone_date(date(2023, 2, 1), "maand") == "februari 2023"
    assert texts.fmt_milestone_date(None, "onbekend") == "datum onbekend"
    assert texts.fmt_pct(0.3635, 1) == "36,4%" and texts.fmt_pct(None) == "—"
    assert texts.fmt_pp(3.46) == "+3,5 procentpunt" and texts.fmt_pp(-2.0) == "−2,0 procentpunt"
    assert texts.fmt_number(12345.5, 1) == "12.345,5"
    assert palette.GRAPH_CONFIG["locale"] == "nl" and palette.GRAPH_CONFIG["locales"]["nl"]["format"]["decimal"] == ","
