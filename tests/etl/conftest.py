"""Helpers for the ETL tests: fixture paths, small spreadsheets written on the fly, the real CLI
in a subprocess, and database counts for "nothing changed" assertions."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlmodel import Session

from etl.contract import contract_from_levels
from etl.gemeenten import GemeenteResolver
from etl.lookups import load_reference
from etl.referencedata import read_mergers, read_name_variants, read_status_levels
from models.db import engine
from models.tables import Meta, StatusRecord, Upload
from tests.conftest import REPO, sample_geography

FX = REPO / "tests" / "fixtures" / "etl"


@pytest.fixture
def ref(ref_db):
    return load_reference(ref_db)


@pytest.fixture(scope="session")
def resolver() -> GemeenteResolver:
    """Without a database: the same inputs the loader reads from it."""
    _, gemeenten = sample_geography()
    mergers = {m.old_code: (m.old_name, m.new_code, m.effective_date) for m in read_mergers(REPO / "data" / "fusies.csv")}
    return GemeenteResolver(dict(zip(gemeenten.code, gemeenten.name)), read_name_variants(REPO / "data" / "naamvarianten.csv"), mergers)


@pytest.fixture(scope="session")
def contract():
    levels = read_status_levels(REPO / "data" / "statussen.csv")
    return contract_from_levels([(lv.onderdeel, lv.rank, lv.status) for lv in levels])


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


def run_cli(
    *args: str, url: str, tmp_path: Path, extra_env: dict | None = None, timeout: int = 180, prelude: str = ""
) -> subprocess.CompletedProcess:
    """The real entry point (``etvi.cli.main``) in a fresh interpreter; ``prelude``: Python code
    run first (fault injection)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ETVI_")}
    env.update(
        ETVI_DATABASE_URL=url,
        ETVI_DATA_DIR=str(REPO / "data"),
        ETVI_CACHE_DIR=str(tmp_path / "cache"),
        COLUMNS="200",
    )
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "-c", prelude + "\nfrom etvi.cli import main; main()", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
