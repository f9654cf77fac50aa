"""The shared read queries give each text column one shape on every backend, whatever the rows
hold: a column that may be empty is ``object`` with None for a missing value (pandas 3 would give
its ``str`` dtype with NaN as soon as the column holds any text); a NOT NULL one is pandas' ``str``
dtype, as the dashboard's own frames are, also when there are no rows."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

from models import db, queries
from models.tables import StatusRecord, Upload

OPTIONAL = {  # text columns that may be empty
    "status": ["comment", "source_url", "koploperregio"],
    "gemeenten": ["provincie_code", "provincie_name"],
    "milestones": ["onderdeel", "min_status", "source_url"],
    "regions": [],
}
REQUIRED = {  # NOT NULL text columns
    "status": ["gemeente_code", "onderdeel", "status"],
    "gemeenten": ["code", "name"],
    "milestones": ["id", "title", "date_precision", "kind", "level", "confidence", "note"],
    "regions": ["region_type", "region_code", "region_name", "gemeente_code"],
}


def assert_text(frame: pd.DataFrame, kind: str) -> None:
    for column in OPTIONAL[kind]:
        assert frame[column].dtype == object, (column, frame[column].dtype)
        for value in frame[column]:
            assert value is None or isinstance(value, str), (column, value)
            assert not (isinstance(value, float) and math.isnan(value)), column
    for column in REQUIRED[kind]:
        assert pd.api.types.is_string_dtype(frame[column]) and frame[column].dtype != object, (column, frame[column].dtype)
        assert frame[column].notna().all(), column


def test_missing_text_is_none_not_nan(ref_db):
    with db.session(ref_db) as s:
        up = Upload(file_name="a.xlsx", sha256="a" * 64, outcome="geladen")
        s.add(up)
        s.flush()
        s.add_all(
            [
                StatusRecord(gemeente_code="GM0363", onderdeel="verordening", status="geen", peildatum=date(2024, 1, 1),
                             comment="loopt", upload_id=up.id),
                StatusRecord(gemeente_code="GM0518", onderdeel="verordening", status="vastgesteld", peildatum=date(2024, 1, 1),
                             adopted_on=date(2023, 12, 1), upload_id=up.id),
                StatusRecord(gemeente_code="GM0363", onderdeel="koploper", status="ja", peildatum=date(2024, 1, 1),
                             koploperregio="Metropoolregio Amsterdam", upload_id=up.id),
                StatusRecord(gemeente_code="GM0518", onderdeel="koploper", status="nee", peildatum=date(2024, 1, 1), upload_id=up.id),
            ]
        )
    for frame in (queries.status_asof(date(2025, 1, 1), ref_db), queries.status_history(ref_db)):
        assert_text(frame, "status")
        by_key = frame.set_index(["gemeente_code", "onderdeel"])
        assert by_key.loc[("GM0518", "verordening"), "comment"] is None
        assert by_key.loc[("GM0363", "verordening"), "comment"] == "loopt"
        assert by_key.loc[("GM0518", "koploper"), "koploperregio"] is None
        assert (by_key["comment"].map(lambda v: v or "") != "").sum() == 1  # `value or ""` is safe
    assert_text(queries.gemeenten(ref_db), "gemeenten")
    milestones = queries.milestones(ref_db)
    assert_text(milestones, "milestones")
    assert milestones["onderdeel"].isna().any() and milestones["onderdeel"].notna().any()
    regions = queries.region_memberships(url=ref_db)  # koploperregio derived from the records
    assert_text(regions, "regions")
    assert regions["region_code"].tolist() == ["metropoolregio-amsterdam"]


def test_empty_results_keep_the_same_shape(ref_db):
    assert_text(queries.status_asof(date(2025, 1, 1), ref_db), "status")
    assert_text(queries.region_memberships(url=ref_db), "regions")
