"""Demo data: plausible, deterministic, loaded through the real pipeline and marked as demo."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlmodel import Session

from etl.demo import KOPLOPER_CENTRES, build_quarters, load_demo_data, quarter_ends
from etl.errors import EtlError
from etl.lookups import load_reference
from etvi.upload.service import load_file
from models.db import engine, get_meta
from models.queries import status_asof, status_history
from models.tables import Upload
from tests.support.etl import FX

TODAY = date(2026, 6, 30)


def test_quarter_ends():
    assert quarter_ends(date(2022, 1, 1), date(2022, 12, 30)) == [date(2022, 3, 31), date(2022, 6, 30), date(2022, 9, 30)]
    assert quarter_ends(date(2022, 1, 1), date(2022, 12, 31))[-1] == date(2022, 12, 31)


def test_demo_is_deterministic(ref_db):
    ref = load_reference(ref_db)
    assert build_quarters(ref, TODAY) == build_quarters(ref, TODAY)
    assert build_quarters(ref, TODAY, seed=1) != build_quarters(ref, TODAY)


def test_demo_data_loads_through_the_pipeline_and_is_plausible(ref_db, tmp_path):
    result = load_demo_data(tmp_path / "demo", load_file=load_file, url=ref_db, today=TODAY)
    assert not result.skipped and len(result.files) == len(quarter_ends(date(2022, 1, 1), TODAY)) == 18
    assert all(p.exists() and p.suffix == ".xlsx" for p in result.files)
    assert result.seconds < 60
    with Session(engine(ref_db)) as s:
        logged = list(s.execute(select(Upload)).scalars())
    assert len(logged) == 18 and all(u.is_demo and u.outcome == "geladen" and u.channel == "demo" for u in logged)
    assert get_meta("demo_data", url=ref_db) == "ja"

    history = status_history(ref_db)
    assert history.peildatum.min() >= date(2022, 1, 1) and history.peildatum.max() <= TODAY
    reporting = set(history.gemeente_code)
    assert 0.03 * 342 <= 342 - len(reporting) <= 0.15 * 342  # some gemeenten never report

    members = {code for codes in result.koploperregios.values() for code in codes}
    assert set(result.koploperregios) == set(KOPLOPER_CENTRES) and all(KOPLOPER_CENTRES[r] in c for r, c in result.koploperregios.items())
    koploper = status_asof(TODAY, ref_db)
    koploper = koploper[koploper.onderdeel == "koploper"]
    assert set(koploper[koploper.status == "ja"].gemeente_code) == members
    assert koploper[koploper.status == "ja"].koploperregio.notna().all()

    def share_done(when: date, codes: set[str]) -> float:
        state = status_asof(when, ref_db)
        wzv = state[(state.onderdeel == "woonzorgvisie") & state.gemeente_code.isin(codes)]
        return wzv.status.isin(["vastgesteld", "opgenomen in volkshuisvestingsprogramma"]).sum() / len(codes)

    others = reporting - members
    assert share_done(date(2024, 6, 30), members) > share_done(date(2024, 6, 30), others) + 0.2  # koplopers ahead
    assert share_done(TODAY, others) > share_done(date(2023, 6, 30), others)  # everyone moves over time

    final = status_asof(TODAY, ref_db)
    wzv = final[final.onderdeel == "woonzorgvisie"]
    not_done = wzv[wzv.status.isin(["geen", "in voorbereiding", "in concept"])]
    assert len(not_done) > 10  # some stall


def test_demo_runs_once_and_never_mixes_with_real_data(ref_db, tmp_path):
    load_demo_data(tmp_path / "demo", load_file=load_file, url=ref_db, today=TODAY)
    before = len(status_history(ref_db))
    again = load_demo_data(tmp_path / "demo", load_file=load_file, url=ref_db, today=TODAY)
    assert again.skipped and len(status_history(ref_db)) == before


def test_demo_refuses_a_database_with_real_uploads(ref_db, tmp_path):
    assert load_file(FX / "template_ingevuld.xlsx").outcome == "geladen"
    with pytest.raises(EtlError, match="echte aanleveringen"):
        load_demo_data(tmp_path / "demo", load_file=load_file, url=ref_db, today=TODAY)
