"""Several processes loading different files at the same moment, also for the same gemeente and
peildatum: every load succeeds and nothing is lost; several processes loading the same file at
the same moment: it loads once. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import multiprocessing as mp
import time
from datetime import date
from pathlib import Path

from etl import load as load_module
from etvi.upload import service
from models.queries import status_history
from tests.support.etl import counts, simple_rows, uploads, write_xlsx

WORKERS = 4
HOLD_SECONDS = 0.5


def _worker(path: str, url: str, start, inside, results) -> None:
    """Load one file. With ``inside`` (PostgreSQL) every worker waits inside its transaction, after
    inserting its records, until all have got there: the transactions then surely overlap and all
    reach the shared data-version row at once. SQLite serialises writers, so there they queue."""
    real_insert = load_module._insert_records
    inserted = []

    def insert_and_wait(s, upload_id, records):
        real_insert(s, upload_id, records)
        inserted.append(time.time())
        if inside is not None:
            inside.wait(timeout=60)
        else:
            time.sleep(HOLD_SECONDS)

    load_module._insert_records = insert_and_wait
    start.wait(timeout=60)
    result = service.load_file(Path(path), url=url)
    window = (inserted[-1] if inserted else None, time.time())
    results.put((Path(path).name, result.outcome, result.records_written, [p.render() for p in result.problems], window))


def test_parallel_loads_all_succeed_and_lose_nothing(ref_db, tmp_path, backend):
    files = []
    for i in range(WORKERS):
        rows = simple_rows(
            ["GM0363", "", ["geen", "in voorbereiding", "in concept", "vastgesteld"][i], None, "in voorbereiding", None],
            [["GM0599", "GM0344", "GM0518", "GM0014"][i], "", "in concept", None, None, None],
            peildatum=date(2024, 3, 1) if i < 2 else date(2024, 3 + i, 1),  # two files share GM0363's peildatum
        )
        files.append(str(write_xlsx(tmp_path / f"bestand_{i}.xlsx", rows)))
    assert counts(ref_db)["data_version"] == 0  # the shared counter row does not exist yet: a race to create it

    ctx = mp.get_context("spawn")
    start, results = ctx.Barrier(WORKERS), ctx.Queue()
    inside = ctx.Barrier(WORKERS) if backend == "postgres" else None
    procs = [ctx.Process(target=_worker, args=(f, ref_db, start, inside, results)) for f in files]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert all(p.exitcode == 0 for p in procs), [p.exitcode for p in procs]
    outcomes = sorted(results.get(timeout=5) for _ in procs)
    assert [o[1] for o in outcomes] == ["geladen"] * WORKERS, outcomes
    assert sum(o[2] for o in outcomes) == WORKERS * 3

    after = counts(ref_db)
    assert after["records"] == WORKERS * 3 and after["data_version"] == WORKERS and after["uploads_geladen"] == WORKERS
    history = status_history(ref_db)
    logged = {u.file_name: u.id for u in uploads(ref_db)}
    for i, name in enumerate(sorted(logged)):
        mine = history[history.upload_id == logged[name]]
        assert len(mine) == 3, name
    amsterdam = history[(history.gemeente_code == "GM0363") & (history.onderdeel == "woonzorgvisie")]
    assert sorted(amsterdam.status) == ["geen", "in concept", "in voorbereiding", "vastgesteld"]
    if backend == "postgres":
        # the transactions really ran at the same time: every worker had inserted its records
        # before the first one committed
        windows = [o[4] for o in outcomes]
        assert max(w[0] for w in windows) < min(w[1] for w in windows)


def _same_file_worker(path: str, url: str, start, results) -> None:
    """Load ``path`` holding the write open a moment, so all workers are past the quick look for
    an earlier identical load before the first commits."""
    real_insert = load_module._insert_records

    def insert_and_wait(s, upload_id, records):
        real_insert(s, upload_id, records)
        time.sleep(HOLD_SECONDS)

    load_module._insert_records = insert_and_wait
    start.wait(timeout=60)
    result = service.load_file(Path(path), url=url)
    results.put((result.outcome, result.records_written, result.previous_upload_id, [p.render() for p in result.problems]))


def test_the_same_file_loaded_at_once_loads_once(ref_db, tmp_path, backend):
    path = write_xlsx(tmp_path / "zelfde.xlsx", simple_rows(["GM0363", "", "in concept", None, "geen", None]))
    ctx = mp.get_context("spawn")
    start, results = ctx.Barrier(WORKERS), ctx.Queue()
    procs = [ctx.Process(target=_same_file_worker, args=(str(path), ref_db, start, results)) for _ in range(WORKERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert all(p.exitcode == 0 for p in procs), [p.exitcode for p in procs]
    outcomes = sorted((results.get(timeout=5) for _ in procs), key=lambda o: o[0])
    assert [o[0] for o in outcomes] == ["geladen"] + ["ongewijzigd"] * (WORKERS - 1), outcomes
    after = counts(ref_db)
    assert after["records"] == 2 and after["data_version"] == 1
    loaded = [u for u in uploads(ref_db) if u.outcome == "geladen"]
    assert len(loaded) == 1 and all(o[2] == loaded[0].id for o in outcomes[1:])
