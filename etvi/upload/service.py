"""The upload service: the one way a status file reaches the database, for the CLI, the API and the pages.

It checks who may upload for which gemeente (``etvi.accounts``), validates, previews, loads or
only tries (dry run), and it alone writes the upload log: every attempt that gets as far as a
user leaves an ``Upload`` row (except dry runs, which write nothing), one without a valid account
an ``AuditEvent``. The outcomes:

- ``geladen``: the Upload row, the status records (bulk insert; COPY on PostgreSQL) and the
  original file (``originals``), committed together.
- ``ongewijzigd``: the same bytes (sha256) were loaded before and would produce exactly the same
  records; only the Upload row recording the attempt is written. Decided under the write lock,
  so of several identical loads at once exactly one is ``geladen``.
- ``geweigerd``: any error; no status record is written, the Upload row holds the error report
  (a JSON list of problems) and the warnings.
- ``proef``: a dry run; validated and compared with the database, nothing written.

The preview of a dry run and the changes of a load are the same computation (``preview``). A file
checked in the browser waits for its confirm in the database (``pending``), so the confirm may
reach another app server than the check.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from sqlmodel import Session

from etl import load, names
from etl.errors import EtlError, Problem
from etl.load import CHANGE_COLUMNS, GELADEN, GEWEIGERD, ONGEWIJZIGD, PROEF, LoadResult, Progress
from etl.lookups import Reference, load_reference
from etl.validate import Record
from etvi.accounts import audit, policy
from etvi.accounts.errors import AccountError
from etvi.upload import originals, pending
from etvi.upload.log import upload_gemeenten
from models import db, kennis_moment
from models.tables import Upload, User

log = logging.getLogger(__name__)

OUTCOME_LABELS = {
    GELADEN: "geladen",
    ONGEWIJZIGD: "ongewijzigd (al eerder geladen)",
    GEWEIGERD: "geweigerd",
    PROEF: "proef",
}
OUTCOME_MESSAGES = {
    GELADEN: "Het bestand is geladen.",
    ONGEWIJZIGD: "Dit bestand was al geladen; er is niets veranderd.",
    PROEF: "Proefrun: het bestand is goedgekeurd, er is niets opgeslagen.",
    GEWEIGERD: "Het bestand is geweigerd; er is niets opgeslagen. Zie de lijst met problemen.",
}
UPLOAD_REFUSED = "Uw account mag geen gegevens aanleveren."
NOTHING_WAITING = "Er staat geen gecontroleerd bestand klaar (al opgeslagen of verlopen). Upload het bestand opnieuw."
CHECK_FAILED = "Er ging iets mis bij het controleren van het bestand. Probeer het later opnieuw."


class NotKept(Exception):
    """The bytes could not be written to a temporary file (folder full, read-only, not a folder);
    the attempt is logged (``upload_id``; ``None`` for a dry run)."""

    def __init__(self, message: str, upload_id: int | None):
        super().__init__(message)
        self.upload_id = upload_id


class AlreadyConfirmed(Exception):
    """Another confirm of the same checked file took it first and is loading it."""


class NothingWaiting(Exception):
    """No checked file waits under this token for this user (confirmed, cancelled or expired)."""


# --- the upload log --------------------------------------------------------------------------


def _log(s: Session, **values) -> Upload:
    upload = Upload(**values)
    s.add(upload)
    s.flush()
    return upload


def _report(problems) -> str | None:
    items = problem_dicts(problems)
    return json.dumps(items, ensure_ascii=False) if items else None


def record_refusal(
    username: str,
    channel: str,
    message: str,
    file_name: str = "(geen bestand)",
    content: bytes | None = None,
    url: str | None = None,
) -> int:
    """Log an attempt of a known user that stopped before the file was checked (no rights, no
    file, too big, bad parameters); returns its upload id."""
    renamed = names.note(file_name) if file_name else None
    with db.session(url) as s:
        return int(
            _log(
                s,
                file_name=names.clean(file_name) if file_name else "(geen bestand)",
                sha256=hashlib.sha256(content).hexdigest() if content is not None else "",
                username=username,
                channel=channel,
                outcome=GEWEIGERD,
                error_report=_report([{"message": message, "severity": "error", "text": message}]),
                warnings=_report([renamed]) if renamed else None,
            ).id
        )


def record_anonymous_attempt(
    label: str, channel: str, message: str, file_name: str | None = None, address: str | None = None, url: str | None = None
) -> None:
    """Log an upload attempt without a valid account as an AuditEvent (it has no user to name)."""
    with db.session(url) as s:
        audit.record(
            s, label, "upload_geweigerd", kanaal=channel, reden=message, bestand=names.clean(file_name) if file_name else None, adres=address
        )


def log_refused_check(result: LoadResult, username: str, channel: str, url: str | None = None) -> int:
    """Log a refused dry run as a refused attempt, exactly as a refused load is logged: the web
    flow checks with a dry run first, so a refusal there is the end of that upload attempt."""
    with db.session(url) as s:
        return int(_log(s, **_attempt(result, username, channel), outcome=GEWEIGERD, error_report=_report(result.problems)).id)


def refuse_unknown_web_attempt(message: str, file_name, user, session_uid: int | None, url: str | None = None) -> None:
    """A page upload refused before the file is looked at: in the upload log for a known account
    without upload rights, else an AuditEvent naming what is known of the caller."""
    name = str(file_name or "bestand")
    if user is not None:
        record_refusal(user.username, "web", message, name, None, url)
        return
    label = "anoniem"
    if session_uid is not None:
        with db.session(url) as s:
            known = s.get(User, session_uid)
            if known is not None:
                label = f"{known.username} (uitgeschakeld of sessie verlopen)"
    record_anonymous_attempt(label, "web", message, name, url=url)


def _attempt(result: LoadResult, username: str, channel: str, is_demo: bool = False) -> dict:
    """The Upload columns every logged attempt of a checked file has."""
    return dict(
        file_name=result.file_name,
        sha256=result.sha256 or "",
        username=username,
        channel=channel,
        is_demo=is_demo,
        peildatum=result.peildatum,
        rows_read=result.rows_read,
        warnings=_report(result.warnings),
        gemeente_codes=",".join(result.gemeente_codes) or None,
    )


# --- loading ---------------------------------------------------------------------------------


def preview(records: list[Record], ref: Reference, url: str | None = None) -> pd.DataFrame:
    """What loading ``records`` changes: shown by a dry run, reported by the load itself."""
    return load.compute_changes(records, ref, url)


def _commit(url: str | None, values: dict, checked: load.Checked) -> tuple[str, int, Upload | None]:
    """One transaction: Upload row, records, original, data version; or only the Upload row when
    the same bytes already wrote these records (decided under the write lock)."""
    sha = checked.result.sha256
    with load.write_transaction(url, sha) as s:
        earlier = load.same_as_earlier(s, sha, checked.records)
        if earlier is not None:
            upload = _log(s, **values, outcome=ONGEWIJZIGD, stored_path=earlier.stored_path)
            s.commit()
            return ONGEWIJZIGD, upload.id, earlier
        upload = _log(s, **values, outcome=GELADEN, records_written=len(checked.records))
        load.write_records(s, upload.id, checked.records)
        upload.stored_path = originals.save(s, checked.data, sha, checked.suffix)
        kennis_moment.stamp_upload(s, upload)  # known from its commit on: a publicatie's K never lets it in later
        s.commit()
        return GELADEN, upload.id, None


def load_file(
    path: str | Path,
    *,
    original_name: str | None = None,
    peildatum: date | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
    username: str = "cli",
    channel: str = "cli",
    allowed_gemeenten: set[str] | None = None,
    is_demo: bool = False,
    progress: Progress | None = None,
    url: str | None = None,
    reference: Reference | None = None,
) -> LoadResult:
    """Check and load one file (see the module docstring for the outcomes).

    ``allowed_gemeenten``: the codes this caller may report on (``scope``); the CLI and the demo
    run as the operator, with all. Raises EtlError only when no file can be loaded at all
    (missing file, database not initialised); everything about the file is in the result.
    """
    started = time.perf_counter()
    ref = reference or load_reference(url)
    checked = load.check_file(
        path, original_name=original_name, peildatum=peildatum, sheet=sheet,
        allowed_gemeenten=allowed_gemeenten, progress=progress, url=url, reference=ref,
    )  # fmt: skip
    result = checked.result

    def finish(outcome: str, **extra) -> LoadResult:
        result.outcome = outcome
        result.seconds = time.perf_counter() - started
        for key, value in extra.items():
            setattr(result, key, value)
        return result

    if result.problems:
        if not dry_run:
            with db.session(url) as s:
                result.upload_id = _log(
                    s, **_attempt(result, username, channel, is_demo), outcome=GEWEIGERD, error_report=_report(result.problems)
                ).id
        return finish(GEWEIGERD)
    if dry_run:
        return finish(PROEF, changes=preview(checked.records, ref, url))

    values = _attempt(result, username, channel, is_demo)
    with Session(db.engine(url)) as s:  # a quick look first; _commit decides under the write lock
        seen = load.same_as_earlier(s, result.sha256, checked.records) is not None
    if not seen:  # against the database before this load
        result.changes = preview(checked.records, ref, url)
    for attempt in range(load.RETRIES):
        try:
            outcome, upload_id, earlier = _commit(url, values, checked)
            if outcome == ONGEWIJZIGD:
                return finish(ONGEWIJZIGD, upload_id=upload_id, previous_upload_id=earlier.id, changes=pd.DataFrame(columns=CHANGE_COLUMNS, dtype=object))
            return finish(GELADEN, upload_id=upload_id, records_written=len(checked.records))
        except Exception as exc:  # noqa: BLE001 - any failure: nothing written, attempt logged
            if load.is_transient(exc) and attempt < load.RETRIES - 1:
                time.sleep(0.2 * (attempt + 1))
                continue
            log.exception("Laden van %s mislukt", result.file_name)
            first_line = (str(exc).splitlines() or [""])[0][:200]
            failure = Problem(
                f"het opslaan in de database is mislukt; er is niets opgeslagen ({type(exc).__name__}: {first_line})", file=result.file_name
            )
            result.problems, result.error_count = [failure], 1
            try:
                with db.session(url) as s:
                    result.upload_id = _log(s, **values, outcome=GEWEIGERD, error_report=_report(result.problems)).id
            except Exception:  # noqa: BLE001 - the database itself is gone; report the first failure
                raise exc from None
            return finish(GEWEIGERD, records_written=0)
    raise AssertionError("unreachable")


def run_load(path: Path, *, principal, channel: str, original_name: str, peildatum: date | None = None,
             sheet: str | None = None, dry_run: bool = False, url: str | None = None, progress=None) -> LoadResult:  # fmt: skip
    """A load on behalf of a logged-in user (API, page): always with that user's scope."""
    return load_file(
        path, original_name=original_name, peildatum=peildatum, sheet=sheet, dry_run=dry_run, username=principal.username,
        channel=channel, allowed_gemeenten=policy.upload_scope(principal), progress=progress, url=url,
    )  # fmt: skip


@contextmanager
def as_file(content: bytes, original_name: str) -> Iterator[Path]:
    """The bytes as a private temporary file for the ETL (the name itself is never part of a
    path). Raises OSError when the temporary folder cannot take it."""
    with tempfile.TemporaryDirectory(prefix="etvi-upload-") as tmp:
        path = Path(tmp) / f"bestand{names.suffix(names.clean(original_name))}"
        path.write_bytes(content)
        yield path


def not_kept_message(original_name: str, exc: OSError) -> str:
    return (
        f"De server kon het bestand niet tijdelijk bewaren in {tempfile.gettempdir()}: {originals.reason(exc)}. "
        f"‘{names.clean(original_name)}’ is niet gecontroleerd en er is niets opgeslagen; probeer het later opnieuw "
        "of meld het aan de beheerder."
    )


def load_bytes(content: bytes, original_name: str, *, principal, channel: str, peildatum: date | None = None,
               sheet: str | None = None, dry_run: bool = False, url: str | None = None, progress=None) -> LoadResult:  # fmt: skip
    """Check (``dry_run``) or load posted bytes for ``principal``. A file the ETL refuses as a
    whole comes back as a ``geweigerd`` result (logged unless a dry run); a temporary folder
    that cannot take the bytes raises ``NotKept``."""
    try:
        with as_file(content, original_name) as path:
            return run_load(
                path, principal=principal, channel=channel, original_name=original_name, peildatum=peildatum, sheet=sheet,
                dry_run=dry_run, url=url, progress=progress,
            )  # fmt: skip
    except OSError as exc:
        message = not_kept_message(original_name, exc)
        upload_id = None if dry_run else record_refusal(principal.username, channel, message, original_name, content, url)
        raise NotKept(message, upload_id) from None
    except EtlError as exc:
        problems = getattr(exc, "problems", None) or [Problem(str(exc))]
        upload_id = None if dry_run else record_refusal(principal.username, channel, str(exc), original_name, content, url)
        return LoadResult(file_name=names.clean(original_name), outcome=GEWEIGERD, upload_id=upload_id, problems=problems, error_count=len(problems))


# --- check in the browser, confirm later (maybe on another server) ---------------------------


def check(
    content: bytes, original_name: str, principal, peildatum: date | None, url: str | None = None, channel: str = "web"
) -> tuple[LoadResult, str | None]:
    """Check a file with a dry run and keep it for its confirm: ``(result, token)``; the token is
    ``None`` when the file was refused (then logged as a refused attempt). Raises ``NotKept``
    (logged) or EtlError (logged) when the file could not be checked at all. ``channel``: "web" for
    a file on /aanleveren, "formulier" for the answer form of a round; its confirm keeps it."""
    token = pending.save(content, original_name, principal.username, peildatum, url, channel)
    keep = False
    try:
        result = load_bytes(content, original_name, principal=principal, channel=channel, peildatum=peildatum, dry_run=True, url=url)
        if result.outcome == GEWEIGERD:
            if result.upload_id is None:
                result.upload_id = log_refused_check(result, principal.username, channel, url)
            return result, None
        keep = True
        return result, token
    except NotKept as exc:
        exc.upload_id = record_refusal(principal.username, channel, str(exc), original_name, content, url)
        raise
    except AccountError:
        raise
    except Exception as exc:  # noqa: BLE001 - anything unexpected: logged, told in Dutch
        log.exception("Controle van %s mislukt", names.clean(original_name))
        record_refusal(principal.username, channel, CHECK_FAILED, original_name, content, url)
        raise EtlError(CHECK_FAILED) from exc
    finally:
        if not keep:
            pending.drop(token, url)


def confirm(token, principal, url: str | None = None) -> LoadResult:
    """Load the checked file waiting under ``token`` for real, with the scope ``principal`` has
    now. Raises AlreadyConfirmed or NothingWaiting."""
    claimed = pending.claim(token, principal.username, url)
    if claimed is None:
        if pending.being_confirmed(token, principal.username, url):
            raise AlreadyConfirmed()
        raise NothingWaiting(NOTHING_WAITING)
    content, meta = claimed
    try:
        with as_file(content, meta["original_name"]) as path:
            return run_load(
                path, principal=principal, channel=meta.get("channel") or "web", original_name=meta["original_name"],
                peildatum=meta["peildatum"], url=url,
            )  # fmt: skip
    finally:
        pending.release(token, url)


def waiting(token, principal, url: str | None = None) -> dict | None:
    """The checked file waiting under ``token`` for ``principal`` (``original_name``, ``peildatum``), or None."""
    return pending.load(token, principal.username, url) if principal is not None else None


def cancel(token, principal, url: str | None = None) -> None:
    """Forget a checked file of ``principal`` that no confirm has taken."""
    if waiting(token, principal, url) is not None:
        pending.drop(token, url)


# --- results as data (the API answers with it, the page renders it) --------------------------


def problem_dicts(problems) -> list[dict]:
    out = []
    for p in problems or []:
        if hasattr(p, "to_dict"):
            out.append(p.to_dict())
        elif isinstance(p, dict):
            out.append(p)
        else:
            out.append({"message": str(p), "text": str(p)})
    return out


def jsonable(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, pd.DataFrame):
        return jsonable(value.to_dict(orient="records"))
    if hasattr(value, "to_dict"):
        return jsonable(value.to_dict())
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        return jsonable(asdict(value))
    if isinstance(value, float) and value != value:  # NaN from pandas
        return None
    return value


def result_dict(result: LoadResult, max_changes: int | None = 5000) -> dict:
    """A ``LoadResult`` as JSON-ready data (the same fields for the API and the web page).

    ``changes`` holds at most ``max_changes`` rows; ``changes_total`` is the full count and
    ``changes_summary`` counts them per onderdeel and new status.
    """
    changes = result.changes if isinstance(result.changes, pd.DataFrame) else pd.DataFrame(list(result.changes or []), columns=CHANGE_COLUMNS)
    total = len(changes)
    summary: list[dict] = []
    if total:
        grouped = changes.groupby(["onderdeel", "nieuwe_status"], sort=True).size().reset_index(name="aantal")
        summary = [{k: jsonable(v) for k, v in row.items()} for row in grouped.to_dict(orient="records")]
    shown = changes if max_changes is None else changes.head(max_changes)
    return {
        "outcome": result.outcome,
        "upload_id": result.upload_id,
        "rows_read": result.rows_read,
        "records_written": result.records_written,
        "records_valid": result.records_valid,
        "error_count": result.error_count or len(result.problems),
        "problems": problem_dicts(result.problems),
        "warnings": problem_dicts(result.warnings),
        "changes": jsonable(shown.to_dict(orient="records")),
        "changes_total": total,
        "changes_summary": summary,
    }


# --- originals -------------------------------------------------------------------------------


def original(upload_id: int, principal, url: str | None = None) -> tuple[str, bytes | None] | None:
    """``(file name, bytes)`` of the kept original of an upload, logged as downloaded by
    ``principal``; the bytes are None when it kept none (refused). The whole answer is None when
    there is no such upload, and also when ``principal`` may not download it
    (``policy.can_download_original``), so a guessed id of another gemeente's upload tells nothing."""
    with db.session(url) as s:
        upload = s.get(Upload, upload_id)
        if upload is None:
            return None
        if not policy.can_download_original(principal, upload.username, upload_gemeenten(s, [upload])[upload.id]):
            return None
        name = names.clean(upload.file_name)  # also for rows logged before names were cleaned
        content = originals.read(s, upload.sha256) if upload.stored_path else None
        if content is not None:
            audit.record(s, principal.username, "origineel_gedownload", upload_id=upload_id, bestand=upload.file_name)
        return name, content
