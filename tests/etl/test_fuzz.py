"""A few hundred mutated xlsx, ods, xls and csv files through the real loader in child processes:
no crash (a Rust abort or a signal), no traceback, no hang, bounded memory.

Each child loads a batch of files (``load_file`` with ``dry_run=True``: the whole read and
validation, nothing written) under an address-space limit (``RLIMIT_AS``) and prints one JSON
line per file; a file that kills the child is found again by loading the rest of the batch one
file at a time. The files are generated from a fixed seed (``tests/support/fuzz_files.py``), so a
failure names a file that can be regenerated; set ETVI_FUZZ_SEED to try other seeds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from etl import referencedata
from models import db
from tests.support import fuzz_files
from tests.support.database import sample_geography
from tests.support.etl import FX
from tests.support.paths import REPO

SEED = int(os.environ.get("ETVI_FUZZ_SEED", "20261205"))
COUNT = 300
BATCH = 60
MEMORY_LIMIT = 2 * 1024**3
SECONDS_PER_FILE = 10
OUTCOMES = {"geweigerd", "proef"}
SOURCES = [
    "template_ingevuld.xlsx", "template_ingevuld_libreoffice.xlsx", "template_ingevuld_libreoffice.ods",
    "template_ingevuld_libreoffice.xls", "windows1252_puntkomma.csv", "rommelig.xlsx", "foutwaarden_libreoffice.ods",
    "samengevoegd.xlsx", "formule_tekst_libreoffice.xls",
]  # fmt: skip

DRIVER = """
import json, logging, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
from etvi.upload.service import load_file
from etl.lookups import load_reference

class Caught(logging.Handler):
    # a failure the loader caught and logged with its traceback: a refusal for the user, a bug here
    def emit(self, record):
        if record.exc_info:
            caught.append(f"{{record.exc_info[0].__name__}}: {{record.exc_info[1]}}"[:300])

caught = []
logging.getLogger().addHandler(Caught())
url = sys.argv[1]
ref = load_reference(url)
for path in sys.argv[2:]:
    caught.clear()
    started = time.perf_counter()
    result = load_file(path, dry_run=True, url=url, reference=ref)
    print(json.dumps({{"file": path, "outcome": result.outcome, "seconds": round(time.perf_counter() - started, 2),
                      "caught": caught, "problems": [p.render()[:300] for p in result.problems[:3]]}}), flush=True)
"""


@pytest.fixture(scope="module")
def reference_url(tmp_path_factory) -> str:
    """One SQLite database with the reference data for every child (the fuzz test is about reading
    files; a dry run writes nothing, so the backend does not matter and it runs once)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'ref.sqlite'}"
    db.upgrade(url)
    provincies, gemeenten = sample_geography()
    with db.session(url) as s:
        referencedata.load_data_files(s, REPO / "data")
        referencedata.load_geography(s, provincies, gemeenten)
    db.dispose_all()
    return url


def _run(url: str, paths: list[Path], tmp_path: Path) -> tuple[subprocess.CompletedProcess | None, list[dict]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ETVI_")}
    env.update(ETVI_DATABASE_URL=url, ETVI_DATA_DIR=str(REPO / "data"), PYTHONPATH=str(REPO))
    try:
        proc = subprocess.run(
            [sys.executable, "-c", DRIVER.format(limit=MEMORY_LIMIT), url, *map(str, paths)],
            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=20 + SECONDS_PER_FILE * len(paths),
        )  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        lines = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return None, [json.loads(line) for line in lines.splitlines() if line.startswith("{")]
    return proc, [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


def test_mutated_files_never_crash_the_loader(reference_url, tmp_path):
    sources = {name: (FX / name).read_bytes() for name in SOURCES} | fuzz_files.small_sources()
    folder = tmp_path / "fuzz"
    folder.mkdir()
    paths = fuzz_files.generate(folder, sources, COUNT, SEED)
    failures, outcomes = [], {}
    for start in range(0, len(paths), BATCH):
        batch = paths[start : start + BATCH]
        proc, lines = _run(reference_url, batch, tmp_path)
        for line in lines:
            outcomes[Path(line["file"]).name] = line["outcome"]
            if line["outcome"] not in OUTCOMES:
                failures.append(f"{line['file']}: outcome {line['outcome']}")
            if line["seconds"] > SECONDS_PER_FILE:
                failures.append(f"{line['file']}: {line['seconds']} s")
            if line["caught"]:
                failures.append(f"{line['file']}: an unexpected exception, caught and logged: {line['caught']}")
        if proc is not None and proc.returncode == 0 and len(lines) == len(batch):
            assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
            continue
        # the child died or hung: find the file(s) that did it, the rest of the batch one by one
        for path in batch[len(lines) :]:
            single, single_lines = _run(reference_url, [path], tmp_path)
            if single is None:
                failures.append(f"{path.name}: no answer within {20 + SECONDS_PER_FILE} s")
            elif single.returncode != 0 or len(single_lines) != 1:
                failures.append(f"{path.name}: exit {single.returncode}: {(single.stderr or single.stdout)[-600:]}")
            else:
                outcomes[path.name] = single_lines[0]["outcome"]
    assert not failures, "\n".join(failures)
    assert len(outcomes) == COUNT
    # the mutations are not all trivially broken: some files still load (a dry run: proef)
    assert 0 < sum(o == "proef" for o in outcomes.values()) < COUNT
