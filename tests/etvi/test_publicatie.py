"""A publicatie taken while an upload is being written: its moment K never lets in an upload that
commits later (``models.kennis_moment``). Two real connections in two threads, on SQLite and
PostgreSQL; every wait has a timeout, so a deadlock fails the test instead of hanging it."""

from __future__ import annotations

import csv
import io
import threading
from datetime import date

from sqlalchemy import text
from sqlmodel import Session, select

from etvi import publicatie as publicaties
from etvi.upload import originals, service
from models import kennis_moment
from models.db import engine
from models.tables import Upload
from tests.support.etl import simple_rows, write_xlsx

TIMEOUT = 30


def _file(tmp_path, name: str, status: str):
    return write_xlsx(tmp_path / name, simple_rows(["GM0363", "Amsterdam", status, None, "in voorbereiding", ""], peildatum=date(2024, 3, 1)))


def _amsterdam(data: bytes) -> str:
    rows = {r["gemeentecode"]: r for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")}
    return rows["GM0363"]["woonzorgvisie"]


class _Run(threading.Thread):
    """``fn`` in a thread of its own (its own pooled connection); ``value`` or ``error`` after ``finish``."""

    def __init__(self, fn):
        super().__init__(daemon=True)
        self.fn, self.value, self.error = fn, None, None

    def run(self):
        try:
            self.value = self.fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            self.error = exc

    def finish(self):
        self.join(TIMEOUT)
        assert not self.is_alive(), "vastgelopen (deadlock?)"
        if self.error is not None:
            raise self.error
        return self.value


def _paused(monkeypatch, module, name: str) -> tuple[threading.Event, threading.Event]:
    """Make ``module.name`` stop after doing its work until ``go`` is set; ``there`` says it got there."""
    real, there, go = getattr(module, name), threading.Event(), threading.Event()

    def wrapper(*args, **kwargs):
        out = real(*args, **kwargs)
        there.set()
        assert go.wait(TIMEOUT), "de test gaf het sein niet"
        return out

    monkeypatch.setattr(module, name, wrapper)
    return there, go


def _upload(tmp_path, url, name="correctie.xlsx", status="vastgesteld"):
    return _Run(lambda: service.load_file(_file(tmp_path, name, status), username="test", url=url))


def _publish(url):
    return _Run(lambda: publicaties.make("Kamerbrief", "test", peildatum=date(2024, 6, 30), url=url))


def _upload_moment(url, upload_id):
    with Session(engine(url)) as s:
        return s.exec(select(Upload.created_at).where(Upload.id == upload_id)).one()


def _waiting_for_lock(url) -> bool:
    with engine(url).connect() as conn:
        return bool(conn.execute(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).scalar())


def test_an_upload_written_but_not_committed_stays_out_of_a_publicatie(ref_db, tmp_path, monkeypatch):
    assert service.load_file(_file(tmp_path, "eerste.xlsx", "in voorbereiding"), username="test", url=ref_db).outcome == "geladen"
    written, go = _paused(monkeypatch, originals, "save")  # records written, upload not committed
    upload = _upload(tmp_path, ref_db)
    upload.start()
    assert written.wait(TIMEOUT)
    publish = _publish(ref_db)
    publish.start()
    if ref_db.startswith("postgresql"):  # the upload does not hold the publicatie back before its commit
        made = publish.finish()
        published = publicaties.csv_bytes(made, ref_db)
        go.set()
    else:  # SQLite: one writer at a time; the publicatie waits for the upload's commit and stamps K after it
        go.set()
        made = publish.finish()
        published = publicaties.csv_bytes(made, ref_db)
    result = upload.finish()
    assert result.outcome == "geladen", result.problems
    known_since = _upload_moment(ref_db, result.upload_id)
    assert publicaties.csv_bytes(publicaties.get(made.id, ref_db), ref_db) == published  # the same figures forever
    if ref_db.startswith("postgresql"):
        assert known_since > made.kennis and _amsterdam(published) == "in voorbereiding"
    else:
        assert known_since <= made.kennis and _amsterdam(published) == "vastgesteld"


def test_a_publicatie_waits_for_an_upload_that_is_committing(ref_db, tmp_path, monkeypatch):
    """An upload stamped but not yet committed: the publicatie waits for the commit, then includes it."""
    assert service.load_file(_file(tmp_path, "eerste.xlsx", "in voorbereiding"), username="test", url=ref_db).outcome == "geladen"
    stamped, go = _paused(monkeypatch, kennis_moment, "stamp_upload")
    upload = _upload(tmp_path, ref_db)
    upload.start()
    assert stamped.wait(TIMEOUT)
    publish = _publish(ref_db)
    publish.start()
    if ref_db.startswith("postgresql"):  # seen waiting on the lock, not merely slow
        for _ in range(TIMEOUT * 20):
            if _waiting_for_lock(ref_db) or not publish.is_alive():
                break
            threading.Event().wait(0.05)
        assert publish.is_alive() and _waiting_for_lock(ref_db)
    go.set()
    result = upload.finish()
    made = publish.finish()
    assert result.outcome == "geladen", result.problems
    assert _upload_moment(ref_db, result.upload_id) <= made.kennis
    assert _amsterdam(publicaties.csv_bytes(made, ref_db)) == "vastgesteld"
