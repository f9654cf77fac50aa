"""``etvi load`` when the upload store cannot take the original (full, read-only, a plain file):
a Dutch message naming the store and the reason, a non-zero exit, no traceback, no word about
the database; nothing loaded and the attempt logged. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.conftest import REPO
from tests.etl.conftest import FX, counts, run_cli, uploads
from tests.store_faults import FAULTS, store_path


@pytest.mark.parametrize("fault", list(FAULTS))
def test_cli_says_what_failed_when_the_store_cannot_keep_the_original(ref_db, tmp_path, fault):
    store = store_path(fault, tmp_path)
    proc = run_cli(
        "load", str(FX / "template_ingevuld.xlsx"),
        url=ref_db, tmp_path=tmp_path,
        extra_env={"ETVI_STORE_DIR": str(store), "PYTHONPATH": str(REPO)},
        prelude=f"from tests.store_faults import install; install({fault!r})",
    )  # fmt: skip
    out = proc.stdout + proc.stderr
    assert proc.returncode not in (0, None), out
    assert "Traceback" not in out and "database" not in out.lower(), out
    assert f"Het origineel kon niet worden bewaard in {store}" in " ".join(out.split()), out
    assert FAULTS[fault] in out, out
    after = counts(ref_db)
    assert after["records"] == 0 and after["data_version"] == 0
    logged = uploads(ref_db)
    assert [(u.outcome, u.stored_path, u.records_written) for u in logged] == [("geweigerd", None, 0)]
    assert FAULTS[fault] in logged[0].error_report
