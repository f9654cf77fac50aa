"""``etvi load`` on a real folder whose name and file names are not valid UTF-8 (or hold control
characters, right-to-left overrides, or run long): every file loads, the names are stored and
printed cleaned with their exact bytes in the upload log, no traceback. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os

from etl import names
from tests.support.app import csv_file
from tests.support.cli import run_cli
from tests.support.etl import uploads

FILES = {
    b"caf\xe9 latin-1.csv": "GM0363",
    b"normaal.csv": "GM0599",
    b"rtl \xe2\x80\xaevsc.csv": "GM0344",
    b"lang-" + b"x" * 230 + b".csv": "GM0518",
    b"escape \x1b[31mrood.csv": "GM0014",
}


def test_load_a_folder_with_names_in_invalid_utf8(ref_db, tmp_path):
    folder = os.path.join(os.fsencode(tmp_path), b"aanlevering-\xff\xfe")
    os.mkdir(folder)
    for raw, code in FILES.items():
        with open(os.path.join(folder, raw), "wb") as f:
            f.write(csv_file([(code, "vastgesteld", "")]))
    proc = run_cli("load", os.fsdecode(folder), url=ref_db, tmp_path=tmp_path)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "Traceback" not in out and "UnicodeEncodeError" not in out, out
    logged = uploads(ref_db)
    assert sorted(u.outcome for u in logged) == ["geladen"] * len(FILES), [(u.file_name, u.outcome, u.error_report) for u in logged]
    by_name = {u.file_name: u for u in logged}
    for raw in FILES:
        given = os.fsdecode(raw)
        shown = names.clean(given)
        assert shown in by_name, (shown, list(by_name))
        shown.encode("utf-8")
        if given != shown:
            notes = [w["message"] for w in json.loads(by_name[shown].warnings or "[]")]
            assert any(repr(raw) in n for n in notes), notes
    assert "caf\ufffd latin-1.csv" in by_name and "normaal.csv" in by_name
    assert "caf\ufffd latin-1.csv" in out  # printed, cleaned
