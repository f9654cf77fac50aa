"""The one Dutch short date format, for values as they come from frames, the database and text."""

from datetime import date, datetime

import pandas as pd
import pytest

from dashboard.texts import fmt_date_short, nl_date


@pytest.mark.parametrize(
    "value, shown",
    [
        (date(2026, 1, 2), "02-01-2026"),
        (datetime(2026, 1, 2, 23, 59), "02-01-2026"),
        (pd.Timestamp("2026-03-01"), "01-03-2026"),
        ("2026-03-01T10:00:00+01:00", "01-03-2026"),
        (None, "—"),
        ("", "—"),
        (float("nan"), "—"),
        (pd.NaT, "—"),
    ],
)
def test_dates_are_shown_day_month_year(value, shown):
    assert nl_date(value) == shown == fmt_date_short(value)


def test_text_that_is_no_date_is_shown_as_it_is():
    assert nl_date("onbekend") == "onbekend"
    with pytest.raises(ValueError):
        fmt_date_short("onbekend")
