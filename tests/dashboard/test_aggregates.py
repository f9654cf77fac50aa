"""Aggregates: pure pandas, checked on hand-made frames, and against the SQL as-of query."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard import aggregates as agg
from models import queries
from tests.support import reference_aggregates as reference
from tests.support.aggregate_frames import GEMEENTEN, LEVELS, history


def test_asof_takes_latest_peildatum_and_newest_upload_on_ties():
    h = history(
        [
            ("GM0001", "verordening", "geen", date(2023, 1, 1), 1, None),
            ("GM0001", "verordening", "in voorbereiding", date(2024, 1, 1), 1, None),
            ("GM0001", "verordening", "vastgesteld", date(2024, 1, 1), 2, date(2023, 12, 1)),
            ("GM0002", "verordening", "vastgesteld", date(2025, 6, 1), 1, None),
        ]
    )
    before = agg.asof(h, date(2023, 6, 1)).set_index("gemeente_code")
    assert before.loc["GM0001", "status"] == "geen"
    assert "GM0002" not in before.index
    later = agg.asof(h, date(2025, 12, 31)).set_index("gemeente_code")
    assert later.loc["GM0001", "status"] == "vastgesteld"
    assert later.loc["GM0002", "status"] == "vastgesteld"
    assert agg.asof(h, date(2020, 1, 1)).empty


def test_counting_from_adoption_date_with_later_knowledge_winning():
    h = history(
        [
            ("GM0001", "verordening", "in voorbereiding", date(2024, 1, 1), 1, None),
            # reported later: adopted before the earlier report said "in voorbereiding"
            ("GM0001", "verordening", "vastgesteld", date(2025, 1, 1), 2, date(2023, 6, 1)),
            ("GM0002", "verordening", "vastgesteld", date(2024, 1, 1), 1, date(2023, 12, 1)),
            # a later report of a lower status overrides
            ("GM0002", "verordening", "in voorbereiding", date(2025, 1, 1), 2, None),
        ]
    )
    at = lambda d: agg.effective_at(h, d).set_index("gemeente_code")["status"].to_dict()  # noqa: E731
    assert at(date(2023, 5, 31)) == {}
    assert at(date(2023, 7, 1)) == {"GM0001": "vastgesteld"}
    assert at(date(2024, 6, 1)) == {"GM0001": "vastgesteld", "GM0002": "vastgesteld"}
    assert at(date(2025, 2, 1)) == {"GM0001": "vastgesteld", "GM0002": "in voorbereiding"}
    # the vectorised grid gives the same answers
    dates = [date(2023, 5, 31), date(2023, 7, 1), date(2024, 6, 1), date(2025, 2, 1)]
    grid = agg.effective_grid(h, "verordening", GEMEENTEN["code"], dates)
    for d in dates:
        g = grid[grid["date"] == pd.Timestamp(d)].set_index("gemeente_code")["status"].dropna().to_dict()
        assert g == at(d)


def test_adoption_date_after_peildatum_is_clamped():
    h = history([("GM0001", "verordening", "vastgesteld", date(2024, 1, 1), 1, date(2024, 6, 1))])
    assert h["effective"].iloc[0] == pd.Timestamp(2024, 1, 1)


def test_gemeente_status_marks_missing_and_unknown_statuses():
    h = history(
        [
            ("GM0001", "verordening", "vastgesteld", date(2024, 1, 1), 1, date(2023, 5, 1)),
            ("GM0002", "verordening", "iets anders", date(2024, 1, 1), 1, None),
        ]
    )
    g = agg.gemeente_status(agg.asof(h, date(2024, 2, 1)), GEMEENTEN, LEVELS, "verordening").set_index("code")
    assert list(g.index) == list(GEMEENTEN["code"])
    assert (g.loc["GM0001", "index"], g.loc["GM0001", "is_done"], g.loc["GM0001", "label"]) == (2, True, "Vastgesteld")
    assert g.loc["GM0002", "index"] == agg.NO_DATA_RANK and "onbekende status" in g.loc["GM0002", "label"]
    assert g.loc["GM0003", "label"] == agg.NO_DATA_LABEL and not g.loc["GM0003", "is_done"]
    counts = agg.status_counts(g.reset_index(), LEVELS, "verordening")
    assert counts["count"].sum() == 4
    assert counts.set_index("label").loc[agg.NO_DATA_LABEL, "count"] == 3


def test_share_counts_gemeenten_without_report_as_not_done():
    h = history([("GM0001", "verordening", "vastgesteld", date(2024, 1, 1), 1, None), ("GM0003", "verordening", "geen", date(2024, 1, 1), 1, None)])
    gs = agg.gemeente_status(agg.asof(h, date(2024, 1, 1)), GEMEENTEN, LEVELS, "verordening")
    s = agg.share_by_group(gs, agg.provincie_groups(GEMEENTEN)).set_index("group_code")
    assert s.loc["PV20", ["n", "n_done", "n_reported"]].tolist() == [2, 1, 1]
    assert s.loc["PV21", "share"] == 0.0
    nat = agg.share_by_group(gs, agg.national_groups(GEMEENTEN)).iloc[0]
    assert (nat["n"], nat["n_done"], nat["share"]) == (4, 1, 0.25)
    # a milestone threshold (minimum rank) instead of "done"
    s1 = agg.share_by_group(gs, agg.national_groups(GEMEENTEN), threshold=0).iloc[0]
    assert s1["n_done"] == 2


def test_cards_compare_with_one_year_earlier():
    h = history(
        [
            ("GM0001", "verordening", "vastgesteld", date(2023, 3, 1), 1, None),
            ("GM0002", "verordening", "vastgesteld", date(2024, 3, 1), 2, None),
            ("GM0003", "woonzorgvisie", "opgenomen in volkshuisvestingsprogramma", date(2024, 3, 1), 2, None),
        ]
    )
    cards = {c.onderdeel: c for c in agg.cards(h, GEMEENTEN, LEVELS, date(2024, 2, 29))}
    assert list(cards) == ["woonzorgvisie", "verordening"]  # programme order
    v = cards["verordening"]
    assert v.prev_date == date(2023, 2, 28)
    assert (v.n_done, v.n_done_prev, v.delta_done) == (1, 0, 1)
    assert v.delta_pp == pytest.approx(25.0)
    later = {c.onderdeel: c for c in agg.cards(h, GEMEENTEN, LEVELS, date(2024, 3, 1))}
    assert later["verordening"].n_done == 2 and later["woonzorgvisie"].n_done == 1
    assert later["woonzorgvisie"].done_labels == ("Vastgesteld", "Opgenomen in VHP")


@pytest.mark.parametrize(
    "value, precision, expected",
    [
        (date(2026, 1, 1), "jaar", date(2026, 12, 31)),
        (date(2023, 2, 1), "maand", date(2023, 2, 28)),
        (date(2024, 2, 1), "maand", date(2024, 2, 29)),
        (date(2026, 7, 1), "dag", date(2026, 7, 1)),
        (None, "onbekend", None),
        ("2027-07-01", "dag", date(2027, 7, 1)),
    ],
)
def test_milestone_deadline_keeps_precision(value, precision, expected):
    assert agg.milestone_deadline(value, precision) == expected


def milestones() -> pd.DataFrame:
    return agg.milestone_frame(
        pd.DataFrame(
            [
                ("a", "Verordening 2024", date(2024, 1, 1), "jaar", "programmadoel", "verordening", "vastgesteld", "gemeente", "onbevestigd", None, ""),
                ("b", "Verordening 2026", date(2026, 1, 1), "jaar", "programmadoel", "verordening", "vastgesteld", "gemeente", "bevestigd", "https://x", ""),
                ("c", "Wet", date(2025, 7, 3), "dag", "wet", None, None, "landelijk", "bevestigd", None, ""),
                ("d", "Onbekend", None, "onbekend", "wet", "verordening", "vastgesteld", "landelijk", "onbekend", None, ""),
            ],
            columns=["id", "title", "date", "date_precision", "kind", "onderdeel", "min_status", "level", "confidence", "source_url", "note"],
        ),
        LEVELS,
    )


def test_relevant_milestone_is_the_next_deadline():
    m = milestones()
    assert list(m["has_target"]) == [True, True, False, False]
    assert agg.relevant_milestone(m, "verordening", date(2024, 6, 1))["id"] == "a"  # 31-12-2024 still ahead
    assert agg.relevant_milestone(m, "verordening", date(2025, 6, 1))["id"] == "b"
    assert agg.relevant_milestone(m, "verordening", date(2023, 6, 1))["id"] == "a"
    assert agg.relevant_milestone(m, "verordening", date(2027, 6, 1))["id"] == "b"  # all passed: the latest
    assert agg.relevant_milestone(m, "woonzorgvisie", date(2024, 6, 1)) is None


def series(points) -> pd.DataFrame:
    return pd.DataFrame({"date": [pd.Timestamp(d) for d, _ in points], "share": [s for _, s in points]})


def test_projection_at_the_pace_of_the_last_twelve_months():
    now = date(2026, 1, 1)
    pts = [(date(2025, 1, 1), 0.2), (date(2025, 7, 2), 0.35), (date(2026, 1, 1), 0.5)]
    p = agg.projection(series(pts), now)
    assert p["state"] == "op_tempo"
    assert p["slope_per_year"] == pytest.approx(0.3, rel=0.01)
    assert abs((p["projected"] - date(2027, 8, 31)).days) <= 3  # 0.5 more at 0.3 a year: 1 year and 8 months
    # older points do not count
    p2 = agg.projection(series([(date(2020, 1, 1), 0.0)] + pts), now)
    assert p2["projected"] == p["projected"]


def test_projection_states():
    now = date(2026, 1, 1)
    assert agg.projection(series([(date(2025, 1, 1), 0.5), (date(2026, 1, 1), 0.5)]), now)["state"] == "geen_voortgang"
    assert agg.projection(series([(date(2025, 1, 1), 0.6), (date(2026, 1, 1), 0.5)]), now)["state"] == "geen_voortgang"
    done = agg.projection(series([(date(2025, 1, 1), 0.9), (date(2025, 6, 30), 1.0), (date(2026, 1, 1), 1.0)]), now)
    assert (done["state"], done["projected"]) == ("bereikt", date(2025, 6, 30))
    assert agg.projection(series([(date(2026, 1, 1), 0.5)]), now)["state"] == "te_weinig_gegevens"
    assert agg.projection(series([]), now)["state"] == "te_weinig_gegevens"


def test_milestone_progress_per_group():
    h = history(
        [
            ("GM0001", "verordening", "vastgesteld", date(2023, 6, 30), 1, date(2023, 3, 1)),
            ("GM0002", "verordening", "vastgesteld", date(2025, 6, 30), 2, None),
            ("GM0003", "verordening", "in voorbereiding", date(2025, 6, 30), 2, None),
        ]
    )
    p = agg.milestone_progress(h, GEMEENTEN, LEVELS, milestones(), agg.provincie_groups(GEMEENTEN), date(2025, 12, 31))
    a = p[p["milestone_id"] == "a"].set_index("group_code")
    assert a.loc["PV20", "share_at_deadline"] == 0.5  # at 31-12-2024 only GM0001 (adopted 2023)
    assert a.loc["PV20", "share_now"] == 1.0 and a.loc["PV20", "state"] == "bereikt"
    assert not a.loc["PV20", "on_time"]  # the deadline passed at 50%
    b = p[p["milestone_id"] == "b"].set_index("group_code")
    assert pd.isna(b.loc["PV20", "share_at_deadline"])  # deadline ahead
    assert b.loc["PV20", "on_time"]
    assert b.loc["PV21", "share_now"] == 0.0 and b.loc["PV21", "state"] == "geen_voortgang"


def test_progress_series_long_format():
    h = history([("GM0001", "verordening", "vastgesteld", date(2024, 1, 15), 1, None)])
    dates = agg.month_ends(date(2023, 12, 1), date(2024, 2, 10))
    assert dates == [date(2023, 12, 31), date(2024, 1, 31), date(2024, 2, 10)]
    s = agg.progress_series(h, GEMEENTEN, LEVELS, "verordening", agg.national_groups(GEMEENTEN), dates)
    assert list(s["share"]) == [0.0, 0.25, 0.25]
    assert set(s.columns) >= {"date", "group_code", "group_name", "n", "n_done", "share"}


def test_leap_day_moves_to_28_february_both_ways():
    assert agg.one_year_earlier(date(2024, 2, 29)) == date(2023, 2, 28)
    assert agg.horizon(date(2024, 2, 29)) == date(2034, 2, 28)
    assert agg.horizon("2025-06-30") == date(2035, 6, 30)


def test_asof_series_and_progress_series_keep_their_own_basis():
    """A later report of an earlier adoption: as known on the date it was not there yet; counting
    from adoption dates it was."""
    h = history(
        [
            ("GM0001", "verordening", "geen", date(2024, 1, 31), 1, None),
            ("GM0001", "verordening", "vastgesteld", date(2024, 6, 30), 2, date(2024, 1, 10)),
        ]
    )
    groups = agg.national_groups(GEMEENTEN)
    dates = [date(2024, 1, 31), date(2024, 6, 30)]
    known = agg.asof_series(h, GEMEENTEN, LEVELS, "verordening", groups, dates)
    adopted = agg.progress_series(h, GEMEENTEN, LEVELS, "verordening", groups, dates)
    assert list(known.columns) == list(adopted.columns) == agg.SERIES_COLUMNS
    assert list(known["share"]) == [0.0, 0.25] and list(adopted["share"]) == [0.25, 0.25]
    assert list(known["n_reported"]) == [1, 1]
    now = agg.share_with_change(h, GEMEENTEN, LEVELS, "verordening", groups, date(2024, 6, 30)).iloc[0]
    assert now["share"] == known["share"].iloc[-1]
    assert agg.asof_series(h, GEMEENTEN, LEVELS, "verordening", groups, []).columns.tolist() == agg.SERIES_COLUMNS


@pytest.mark.parametrize("seed", range(6))
def test_shares_known_on_many_dates_equal_the_frame_by_frame_definition(seed):
    """The array path behind ``asof_series`` and ``share_known_on`` gives exactly what
    ``share_by_group(gemeente_status(asof(...)))`` gives, on random histories with ties,
    unknown and missing statuses, records of gemeenten outside the list and groups with
    members outside it."""
    rng = np.random.default_rng(seed)
    codes = [f"GM{i:04d}" for i in range(1, 13)]
    gemeenten = pd.DataFrame({"code": codes[:10], "name": codes[:10], "provincie_code": ["PV20"] * 5 + ["PV21"] * 5, "provincie_name": ["Groningen"] * 5 + ["Fryslân"] * 5})
    choices = ["geen", "in voorbereiding", "vastgesteld", "in concept", "opgenomen in volkshuisvestingsprogramma", "onbekend woord", None]
    rows = []
    for _ in range(int(rng.integers(0, 60))):
        rows.append((
            str(rng.choice(codes)),
            str(rng.choice(["verordening", "woonzorgvisie"])),
            choices[int(rng.integers(0, len(choices)))],
            date(2023, 1, 1) + pd.Timedelta(days=int(rng.integers(0, 900))),
            int(rng.integers(1, 4)),
            None,
        ))
    h = history(rows) if rows else history([("GM0001", "verordening", "geen", date(2023, 1, 1), 1, None)]).iloc[0:0]
    groups = pd.concat(
        [
            agg.provincie_groups(gemeenten),
            pd.DataFrame({"gemeente_code": ["GM0009", "GM0011", "GM0012", "GM0001"], "group_code": ["R1", "R1", "R2", None], "group_name": ["Regio 1", "Regio 1", "Regio 2", "zonder code"]}),
            agg.national_groups(gemeenten),
        ],
        ignore_index=True,
    )
    dates = [date(2022, 12, 31), date(2024, 2, 29), date(2023, 6, 30), date(2025, 12, 31), date(2024, 2, 29)]
    for onderdeel in ["verordening", "woonzorgvisie"]:
        for threshold in [None, 0, 1, 2, 3]:
            per_date = [reference.share_known_on(h, gemeenten, LEVELS, onderdeel, groups, d, threshold) for d in dates]
            got = agg.asof_series(h, gemeenten, LEVELS, onderdeel, groups, dates, threshold)
            want = pd.concat([f.assign(date=pd.Timestamp(d)) for f, d in zip(per_date, dates)], ignore_index=True)[agg.SERIES_COLUMNS]
            pd.testing.assert_frame_equal(got, want)
            for d, f in zip(dates, per_date):
                pd.testing.assert_frame_equal(agg.share_known_on(h, gemeenten, LEVELS, onderdeel, groups, d, threshold), f)


@pytest.mark.parametrize("seed", range(6))
def test_progress_series_equals_its_frame_definition(seed):
    rng = np.random.default_rng(seed)
    codes = [f"GM{i:04d}" for i in range(1, 13)]
    gemeenten = pd.DataFrame({"code": codes[:10], "name": codes[:10], "provincie_code": ["PV20"] * 5 + ["PV21"] * 5, "provincie_name": ["Groningen"] * 5 + ["Fryslân"] * 5})
    choices = ["geen", "in voorbereiding", "vastgesteld", "onbekend woord", None]
    rows = [
        (
            str(rng.choice(codes)),
            str(rng.choice(["verordening", "woonzorgvisie"])),
            choices[int(rng.integers(0, len(choices)))],
            date(2023, 1, 1) + pd.Timedelta(days=int(rng.integers(0, 900))),
            int(rng.integers(1, 4)),
            None if rng.random() < 0.5 else date(2022, 6, 1) + pd.Timedelta(days=int(rng.integers(0, 900))),
        )
        for _ in range(int(rng.integers(1, 60)))
    ]
    h = history(rows)
    groups = pd.concat(
        [
            agg.provincie_groups(gemeenten),
            pd.DataFrame({"gemeente_code": ["GM0009", "GM0011", "GM0012", "GM0001"], "group_code": ["R1", "R1", "R2", None], "group_name": ["Regio 1", "Regio 1", "Regio 2", "zonder code"]}),
            agg.national_groups(gemeenten),
        ],
        ignore_index=True,
    )
    dates = [date(2025, 12, 31), date(2022, 12, 31), date(2024, 2, 29), date(2023, 6, 30)]
    for onderdeel in ["verordening", "woonzorgvisie"]:
        for threshold in [None, 0, 1, 2]:
            pd.testing.assert_frame_equal(
                agg.progress_series(h, gemeenten, LEVELS, onderdeel, groups, dates, threshold),
                reference.progress_series(h, gemeenten, LEVELS, onderdeel, groups, dates, threshold),
            )


@pytest.mark.parametrize("seed", range(8))
def test_projection_equals_its_frame_definition(seed):
    rng = np.random.default_rng(seed)
    now = date(2026, 11, 22)
    for _ in range(40):
        k = int(rng.integers(0, 16))
        days = sorted(set(int(x) for x in rng.integers(-800, 60, size=k)))
        shares = [None if rng.random() < 0.1 else float(rng.choice([0.0, 0.25, 0.5, 0.9, 1.0]) if rng.random() < 0.3 else rng.random()) for _ in days]
        series = pd.DataFrame({"date": [now + pd.Timedelta(days=d).to_pytimedelta() for d in days], "share": shares})
        series = series.sample(frac=1, random_state=int(rng.integers(0, 1000)))  # any order
        target = float(rng.choice([1.0, 0.8]))
        assert agg.projection(series, now, target) == reference.projection(series, now, target)


def test_data_quality_lists():
    h = history([("GM0001", "verordening", "vastgesteld", date(2023, 1, 1), 1, None), ("GM0002", "verordening", "geen", date(2025, 1, 1), 1, None)])
    never = agg.never_reported(h, GEMEENTEN)
    assert list(never["code"]) == ["GM0003", "GM0004"]
    stale = agg.stale_reports(agg.asof(h, date(2025, 6, 1)), GEMEENTEN, date(2025, 6, 1), 365)
    assert list(stale["code"]) == ["GM0001"] and stale["age_days"].iloc[0] == (date(2025, 6, 1) - date(2023, 1, 1)).days


def test_asof_matches_the_sql_query(dash_db):
    """The dashboard computes as-of in pandas from the cached history: it must agree with
    ``models.queries.status_asof`` on every backend."""
    h = agg.prepare_history(queries.status_history(dash_db))
    for d in [date(2024, 3, 30), date(2024, 3, 31), date(2025, 5, 17), date(2026, 11, 1)]:
        ours = agg.asof(h, d).set_index(["gemeente_code", "onderdeel"])["status"].sort_index()
        sql = queries.status_asof(d, dash_db).set_index(["gemeente_code", "onderdeel"])["status"].sort_index()
        assert ours.to_dict() == sql.to_dict(), d
    assert np.all(np.diff(h["seq"].to_numpy()) > 0)
