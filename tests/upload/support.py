"""Helpers shared by the upload page tests (HTTP and browser)."""

from __future__ import annotations

from etl.errors import WARNING, Problem


def add_row_warnings(monkeypatch, count: int) -> None:
    """Every check on the page (``dashboard.api.run_load``) returns ``count`` extra warnings, one
    per row and each different, as a report with that many distinct warnings would: the load
    itself is real, only its report is made long. (The validation folds repeated warnings, so
    no small file yields 100,000 distinct ones; the page must cope with such a list anyway.)"""
    from dashboard import api

    real = api.run_load

    def run_load(*args, **kwargs):
        result = real(*args, **kwargs)
        result.warnings = list(result.warnings) + [
            Problem(f"testmelding {i}: waarde '{i}' wijkt af", result.file_name, None, i + 2, "toelichting", str(i), (), WARNING)
            for i in range(count)
        ]
        return result

    monkeypatch.setattr(api, "run_load", run_load)
