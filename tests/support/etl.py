"""Helpers for the ETL tests: fixture paths, small spreadsheets written on the fly, and database
counts for "nothing changed" assertions."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlmodel import Session

from models import db
from models.db import engine
from models.tables import Meta, StatusRecord, Upload
from tests.support.paths import FIXTURES

FX = FIXTURES / "etl"


def write_xlsx(path: Path, rows: list[list], sheet: str = "Status") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list], delimiter: str = ";", encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def simple_rows(*rows: list, peildatum: object = date(2024, 3, 1), header: list | None = None) -> list[list]:
    """A peildatum line, a header and the given data rows."""
    top = [["Peildatum", peildatum]] if peildatum is not None else []
    return top + [header or ["gemeentecode", "gemeente", "woonzorgvisie", "woonzorgvisie vastgesteld op", "verordening", "bron"]] + list(rows)


def counts(url: str) -> dict[str, int]:
    with Session(engine(url)) as s:
        records = s.execute(select(func.count()).select_from(StatusRecord)).scalar_one()
        by_outcome = dict(s.execute(select(Upload.outcome, func.count()).group_by(Upload.outcome)).all())
        version = s.get(Meta, "data_version")
    return {"records": records, **{f"uploads_{k}": v for k, v in by_outcome.items()}, "data_version": int(version.value) if version else 0}


def uploads(url: str) -> list[Upload]:
    with Session(engine(url)) as s:
        return list(s.execute(select(Upload).order_by(Upload.id)).scalars())


def refused(url: str, result, *fragments: str) -> list[str]:
    """Assert the file was refused with these fragments among its problems, nothing written and the
    attempt logged with exactly these problems; return the rendered problems."""
    texts = [p.render() for p in result.problems]
    assert result.outcome == "geweigerd", texts
    for fragment in fragments:
        assert any(fragment in t for t in texts), (fragment, texts)
    assert counts(url)["records"] == 0
    logged = uploads(url)[-1]
    assert logged.id == result.upload_id and logged.outcome == "geweigerd" and logged.records_written == 0
    assert [p["text"] for p in json.loads(logged.error_report)] == texts
    return texts


def record_upload(url: str, made: datetime, rows: list[tuple[str, str, date]], onderdeel: str = "verordening") -> None:
    """An accepted upload made at ``made`` with ``rows`` (gemeente, status, peildatum): the
    "kennis" time axis needs uploads at chosen moments, which a real load cannot give."""
    with db.session(url) as s:
        upload = Upload(file_name="u.xlsx", sha256=f"{int(made.timestamp()):064x}", outcome="geladen", created_at=made)
        s.add(upload)
        s.flush()
        for code, status, peildatum in rows:
            s.add(StatusRecord(gemeente_code=code, onderdeel=onderdeel, status=status, peildatum=peildatum, upload_id=upload.id, created_at=made))
