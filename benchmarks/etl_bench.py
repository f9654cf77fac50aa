"""Benchmark of the spreadsheet load against a naive baseline (a script, not a test).

    /work/venv/bin/python benchmarks/etl_bench.py [--postgres URL] [--rows 100000]

Two files: a filled-in template (342 gemeenten, 4 onderdelen each) and a history file of
100,000 rows (every gemeente at ~290 peildata, 4 onderdelen per row: 400,000 status records).
Each measurement runs in a fresh process on a fresh copy of a temporary SQLite database
(and, with --postgres, a temporary PostgreSQL database), so peak memory (ru_maxrss) belongs
to that load alone. Times are for the load itself, file to committed rows, in a warm process;
the `etvi load` line adds interpreter start-up and imports, as a user experiences it.

The naive baseline does what a first version would: pandas.read_excel, then one ORM object per
record (session.add) and a commit per file, or per row ("commit per rij"; only for the small
file: per row it would take many minutes for 100,000 rows). It does no validation at all beyond
a dictionary lookup of the gemeente, so it is a lower bound for any naive implementation.

Targets (issue 3): 342 rows under 0.5 s end to end; 100,000 rows under 15 s and 500 MB.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from queue import Empty

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from preconditions import Missing, data_dir, fail, postgres  # noqa: E402

ONDERDELEN = ["woonzorgvisie", "verordening", "verdeling opgave", "koploper"]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def prepare_database(url: str) -> None:
    import pandas as pd

    from etl import referencedata
    from models import db

    db.upgrade(url)
    provincies = pd.read_csv(REPO / "tests" / "fixtures" / "provincies_2026.csv")
    gemeenten = pd.read_csv(REPO / "tests" / "fixtures" / "gemeenten_2026.csv")
    with db.session(url) as s:
        referencedata.load_data_files(s, REPO / "data")
        referencedata.load_geography(s, provincies, gemeenten)
    db.dispose_all()


def make_files(url: str, folder: Path, history_rows: int) -> tuple[Path, Path, int, int]:
    """The template file and the history file; returns their header rows (1-based) too."""
    from openpyxl import Workbook

    from etl.contract import date_column
    from etl.lookups import load_reference
    from etl.template import HEADER_ROW, write_template

    ref = load_reference(url, REPO / "data")
    rng = random.Random(3)
    values = {}
    for code in ref.names:
        row = {}
        for onderdeel in ONDERDELEN:
            words = ref.contract.levels[onderdeel]
            row[onderdeel] = rng.choice(words)
            if onderdeel != "koploper" and row[onderdeel] in ref.done[onderdeel]:
                row[date_column(onderdeel)] = date(2019, 1, 1) + timedelta(days=rng.randint(0, 360))
        if row["koploper"] == "ja":
            row["koploperregio"] = "Groningen"
        values[code] = row
    template = write_template(folder / "sjabloon_342.xlsx", peildatum=date(2024, 3, 1), values=values, reference=ref)

    codes = sorted(ref.names)
    header = ["gemeentecode", "gemeente", "peildatum"]
    for onderdeel in ONDERDELEN:
        header.append(onderdeel)
        if onderdeel != "koploper":
            header.append(date_column(onderdeel))
    header += ["koploperregio", "toelichting", "bron"]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Historie")
    ws.append(header)
    weeks = -(-history_rows // len(codes))
    peildata = [date(2020, 1, 5) + timedelta(weeks=w) for w in range(weeks)]
    written = 0
    for peildatum in peildata:
        for code in codes:
            if written == history_rows:
                break
            row = [code, ref.names[code], peildatum]
            for onderdeel in ONDERDELEN:
                status = values[code][onderdeel]
                row.append(status)
                if onderdeel != "koploper":
                    row.append(values[code].get(date_column(onderdeel)))
            row += [values[code].get("koploperregio"), "Wekelijkse stand" if written % 7 == 0 else None, None]
            ws.append(row)
            written += 1
    history = folder / "historie_100k.xlsx"
    wb.save(history)
    return template, history, HEADER_ROW, 1


def _ours(path: str, url: str, queue) -> None:
    from etl.lookups import load_reference
    from etvi.upload.service import load_file

    load_reference(url, REPO / "data")  # warm imports and the engine, as a running server has them
    before = _rss_mb()
    started = time.perf_counter()
    result = load_file(Path(path), url=url)
    seconds = time.perf_counter() - started
    if result.outcome != "geladen":
        queue.put(MeasureFailed(f"{Path(path).name} werd {result.outcome}: " + "; ".join(p.render() for p in result.problems[:3])))
        return
    queue.put((seconds, before, _rss_mb(), result.records_written))


def _naive(path: str, url: str, header_row: int, per_row: bool, queue) -> None:
    import pandas as pd
    from sqlmodel import Session, select

    from models.db import engine
    from models.tables import Gemeente, StatusRecord, Upload

    eng = engine(url)
    with Session(eng) as s:
        s.exec(select(Gemeente)).all()
    before = _rss_mb()
    started = time.perf_counter()
    frame = pd.read_excel(path, sheet_name=1 if "sjabloon" in path else 0, header=header_row - 1)
    peildatum_default = date(2024, 3, 1)
    written = 0
    with Session(eng) as s:
        names = {g.code for g in s.exec(select(Gemeente)).all()}
        upload = Upload(file_name=Path(path).name, sha256=uuid.uuid4().hex * 2, outcome="geladen")
        s.add(upload)
        s.commit()
        for row in frame.itertuples(index=False):
            data = row._asdict()
            code = data.get("gemeentecode")
            if code not in names:
                continue
            peildatum = pd.Timestamp(data["peildatum"]).date() if "peildatum" in data else peildatum_default
            for i, onderdeel in enumerate(ONDERDELEN):
                status = row[frame.columns.get_loc(onderdeel)]
                if isinstance(status, str):
                    s.add(StatusRecord(gemeente_code=code, onderdeel=onderdeel, status=status, peildatum=peildatum, upload_id=upload.id))
                    written += 1
            if per_row:
                s.commit()
        s.commit()
    queue.put((time.perf_counter() - started, before, _rss_mb(), written))


class MeasureFailed(Exception):
    """A measurement did not produce a result; the message says why (a picklable string)."""


def _measure(target, args) -> tuple[float, float, float, int]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, queue))
    proc.start()
    while True:
        try:
            result = queue.get(timeout=1)
            break
        except Empty:
            if proc.exitcode is not None:
                raise MeasureFailed(f"het meetproces ({target.__name__.strip('_')}) stopte zonder resultaat (exit {proc.exitcode})") from None
    proc.join()
    if isinstance(result, MeasureFailed):
        raise result
    return result


def _fresh_sqlite(template_db: Path, folder: Path) -> str:
    copy = folder / f"run-{uuid.uuid4().hex[:8]}.sqlite"
    shutil.copy(template_db, copy)
    return f"sqlite:///{copy}"


def _fresh_postgres(admin_url: str) -> tuple[str, callable]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"etvi_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    prepare_database(url)

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", help="also time our load on PostgreSQL (admin URL; a temporary database is created)")
    args = parser.parse_args()
    if args.rows < 1:
        return fail("--rows moet minstens 1 zijn.")
    try:
        data_dir(REPO)
        if args.postgres:
            postgres(args.postgres)
        run(args)
    except Missing as exc:
        return fail(str(exc))
    except MeasureFailed as exc:
        print(f"Benchmark afgebroken: {exc}", file=sys.stderr)
        return 1
    return 0


def run(args) -> None:
    with tempfile.TemporaryDirectory(prefix="etvi-bench-") as tmp:
        folder = Path(tmp)
        base_db = folder / "base.sqlite"
        base_url = f"sqlite:///{base_db}"
        print("Voorbereiden: database en bestanden …", flush=True)
        prepare_database(base_url)
        t = time.perf_counter()
        template, history, template_header, history_header = make_files(base_url, folder, args.rows)
        print(f"  bestanden gemaakt in {time.perf_counter() - t:.1f} s: {template.name} {template.stat().st_size // 1024} kB, "
              f"{history.name} {history.stat().st_size // 1024} kB")  # fmt: skip
        rows = []
        cases = [("342 rijen (sjabloon)", template, template_header), (f"{args.rows:,} rijen (historie)".replace(",", "."), history, history_header)]
        for label, path, header in cases:
            ours = _measure(_ours, (str(path), _fresh_sqlite(base_db, folder)))
            naive = _measure(_naive, (str(path), _fresh_sqlite(base_db, folder), header, False))
            rows.append((label, "SQLite", ours, naive, "commit per bestand"))
            if path is template:
                per_row = _measure(_naive, (str(path), _fresh_sqlite(base_db, folder), header, True))
                rows.append((label, "SQLite", ours, per_row, "commit per rij"))
            if args.postgres:
                url, drop = _fresh_postgres(args.postgres)
                try:
                    ours_pg = _measure(_ours, (str(path), url))
                finally:
                    drop()
                url, drop = _fresh_postgres(args.postgres)
                try:
                    naive_pg = _measure(_naive, (str(path), url, header, False))
                finally:
                    drop()
                rows.append((label, "PostgreSQL", ours_pg, naive_pg, "commit per bestand"))

        cli_url = _fresh_sqlite(base_db, folder)
        env = {**os.environ, "ETVI_DATABASE_URL": cli_url, "ETVI_DATA_DIR": str(REPO / "data")}
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", "from etvi.cli import main; main()", "load", str(template)], env=env, capture_output=True, text=True)
        cli_seconds = time.perf_counter() - t

    print()
    print(f"{'bestand':24} {'database':11} {'records':>8} {'ons (s)':>8} {'naïef (s)':>10} {'factor':>7} "
          f"{'piek ons (MB)':>14} {'piek naïef (MB)':>16}  baseline")  # fmt: skip
    for label, backend, ours, naive, variant in rows:
        print(
            f"{label:24} {backend:11} {ours[3]:>8} {ours[0]:>8.2f} {naive[0]:>10.2f} {naive[0] / ours[0]:>6.1f}x "
            f"{ours[2]:>14.0f} {naive[2]:>16.0f}  {variant}"
        )
    print(f"\n`etvi load` op het sjabloon, inclusief opstarten van Python en imports: {cli_seconds:.2f} s (exit {proc.returncode})")
    print("Piek = maximale RSS van het meetproces (ru_maxrss), inclusief de geïmporteerde bibliotheken.")
    n = f"{args.rows:,}".replace(",", ".")
    for backend in dict.fromkeys(r[1] for r in rows):
        small = [r for r in rows if "sjabloon" in r[0] and r[1] == backend][0][2]
        big = [r for r in rows if "historie" in r[0] and r[1] == backend][0][2]
        print(f"Doelen {backend}: 342 rijen < 0,5 s: {'gehaald' if small[0] < 0.5 else 'NIET gehaald'} ({small[0]:.2f} s); "
              f"{n} rijen < 15 s en < 500 MB: {'gehaald' if big[0] < 15 and big[2] < 500 else 'NIET gehaald'} "
              f"({big[0]:.1f} s, {big[2]:.0f} MB)")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
