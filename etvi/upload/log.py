"""Reading the upload log: who delivered what and when, which attempts were refused, and which
uploads an account may see. (Only ``etvi.upload.service`` writes the log.)"""

from __future__ import annotations

from sqlalchemy import func, or_
from sqlmodel import Session, select

from etvi.accounts import policy
from etvi.accounts.clock import aware
from models.tables import Gemeente, StatusRecord, Upload, User


def delivery_overview(s: Session, provincie_code: str | None = None) -> list[dict]:
    """Per gemeente (of one provincie, or all): the newest peildatum delivered, when, by whom and
    how, and the latest attempt of any outcome (refused ones included).

    Gemeenten that never delivered are included with empty fields. The ``laatste_poging_*`` fields
    describe the newest upload attempt for the gemeente, whether it was loaded, unchanged or refused
    (see ``latest_attempts``); ``geweigerd_sinds_levering`` counts the refused attempts after the
    last delivery (all of them when there was none), so "tried but refused" is visible.
    """
    gq = select(Gemeente).where(Gemeente.valid_to.is_(None))
    if provincie_code:
        gq = gq.where(Gemeente.provincie_code == provincie_code)
    gemeenten = {g.code: g for g in s.exec(gq.order_by(Gemeente.name)).all()}
    rows = {
        code: {
            "gemeente_code": code,
            "gemeente": g.name,
            "provincie_code": g.provincie_code,
            "laatste_peildatum": None,
            "laatst_aangeleverd": None,
            "door": None,
            "kanaal": None,
            "upload_id": None,
            "laatste_poging": None,
            "laatste_poging_uitkomst": None,
            "laatste_poging_door": None,
            "laatste_poging_bestand": None,
            "laatste_poging_id": None,
            "geweigerd_sinds_levering": 0,
        }
        for code, g in gemeenten.items()
    }
    if not rows:
        return []
    latest = (
        select(
            StatusRecord.gemeente_code,
            func.max(StatusRecord.upload_id).label("upload_id"),
            func.max(StatusRecord.peildatum).label("peildatum"),
        )
        .where(StatusRecord.gemeente_code.in_(list(rows)))
        .group_by(StatusRecord.gemeente_code)
        .subquery()
    )
    q = select(
        latest.c.gemeente_code, latest.c.peildatum, Upload.id, Upload.created_at, Upload.username, Upload.channel, Upload.file_name
    ).join(Upload, Upload.id == latest.c.upload_id, isouter=True)
    for code, peildatum, upload_id, created_at, username, channel, file_name in s.execute(q).all():
        row = rows[code]
        row.update(laatste_peildatum=peildatum, laatst_aangeleverd=created_at, door=username, kanaal=channel, upload_id=upload_id)
        if upload_id is not None:
            row.update(
                laatste_poging=created_at,
                laatste_poging_uitkomst="geladen",
                laatste_poging_door=username,
                laatste_poging_bestand=file_name,
                laatste_poging_id=upload_id,
            )
    for code, attempts in latest_attempts(s, set(rows)).items():
        row = rows[code]
        newest = attempts[0]
        if row["laatste_poging_id"] is None or (newest["tijdstip"], newest["id"]) > (aware(row["laatste_poging"]), row["laatste_poging_id"]):
            row.update(
                laatste_poging=newest["tijdstip"],
                laatste_poging_uitkomst=newest["uitkomst"],
                laatste_poging_door=newest["door"],
                laatste_poging_bestand=newest["bestand"],
                laatste_poging_id=newest["id"],
            )
        since = aware(row["laatst_aangeleverd"])
        row["geweigerd_sinds_levering"] = sum(
            1 for a in attempts if a["uitkomst"] == "geweigerd" and (since is None or a["tijdstip"] > since)
        )
    return list(rows.values())


def attempt_gemeenten(file_codes: str | None, scope: set[str] | None) -> set[str]:
    """The gemeenten an upload attempt was for.

    ``file_codes``: the gemeenten the file was about (``Upload.gemeente_codes``, known once the
    file could be read, also when it was refused); ``scope``: the uploading gemeente account's own
    gemeenten (``None`` for the beheerder, the CLI and other accounts). A gemeente account delivers
    only for itself, so its attempt counts for its own gemeenten in the file, or for all of them
    when the file names none of them (unreadable, too large, someone else's rows only).
    """
    codes = set(policy.split_codes(file_codes))
    if scope is None:
        return codes
    return (codes & scope) or set(scope)


def latest_attempts(s: Session, codes: set[str]) -> dict[str, list[dict]]:
    """Per gemeente in ``codes``: its upload attempts that did not load (refused or unchanged),
    newest first, as dicts with ``id``, ``tijdstip``, ``uitkomst``, ``door``, ``bestand``.

    Loaded uploads are found through their status records (``delivery_overview``); these are the
    attempts that left no record, attributed with ``attempt_gemeenten``.
    """
    scopes = {u.username: set(policy.split_codes(u.gemeente_codes)) for u in s.exec(select(User).where(User.role == "gemeente")).all()}
    q = (
        select(Upload.id, Upload.created_at, Upload.outcome, Upload.username, Upload.file_name, Upload.gemeente_codes)
        .where(Upload.outcome != "geladen")
        .order_by(Upload.created_at.desc(), Upload.id.desc())
    )
    found: dict[str, list[dict]] = {}
    for upload_id, created_at, outcome, username, file_name, file_codes in s.execute(q).all():
        hit = attempt_gemeenten(file_codes, scopes.get(username)) & codes
        if not hit:
            continue
        attempt = {"id": upload_id, "tijdstip": aware(created_at), "uitkomst": outcome, "door": username, "bestand": file_name}
        for code in hit:
            found.setdefault(code, []).append(attempt)
    return found


def uploads_visible_to(s: Session, user, limit: int = 50) -> list[Upload]:
    """Upload history a user may see, newest first: everything for the beheerder; for a gemeente
    user its own attempts, and other accounts' attempts that were only about its gemeenten.

    An attempt is about the gemeenten in its file (``Upload.gemeente_codes``; for an old upload
    without them, those of the records it wrote), or, when the file named none (unreadable), the
    uploading gemeente account's own gemeenten. So an account sharing a gemeente with another sees
    the other's uploads for that gemeente, but not those that touch gemeenten outside its own
    scope; a file that also covered other gemeenten (a beheerder's national load) is not listed,
    as its name and counts are about those too. Other roles see nothing.
    """
    newest = select(Upload).order_by(Upload.created_at.desc(), Upload.id.desc())
    if policy.can_see_audit(user):
        return list(s.exec(newest.limit(limit)).all())
    own = set(policy.gemeenten_of(user)) if policy.is_active(user) and user.role == "gemeente" else set()
    if not own:
        return []
    scopes = {u.username: set(policy.split_codes(u.gemeente_codes)) for u in s.exec(select(User).where(User.role == "gemeente")).all()}
    colleagues = sorted(name for name, scope in scopes.items() if scope & own) or [user.username]
    # A cheap pre-selection in SQL (uploads by accounts that share a gemeente, or naming one of
    # ours, or with a record for one of ours); the exact rule is applied below.
    with_records = select(StatusRecord.upload_id).where(StatusRecord.gemeente_code.in_(sorted(own))).distinct()
    candidates = newest.where(
        Upload.username.in_(colleagues)
        | or_(*(Upload.gemeente_codes.contains(code) for code in sorted(own)))
        | Upload.id.in_(with_records)
    )
    found: list[Upload] = []
    batch, offset = max(limit * 4, 200), 0
    while len(found) < limit:
        uploads = list(s.exec(candidates.offset(offset).limit(batch)).all())
        if not uploads:
            break
        offset += len(uploads)
        missing = [u.id for u in uploads if not policy.split_codes(u.gemeente_codes)]
        written: dict[int, set[str]] = {}
        if missing:
            rows = s.execute(
                select(StatusRecord.upload_id, StatusRecord.gemeente_code).where(StatusRecord.upload_id.in_(missing)).distinct()
            ).all()
            for upload_id, code in rows:
                written.setdefault(upload_id, set()).add(code)
        for u in uploads:
            about = set(policy.split_codes(u.gemeente_codes)) or written.get(u.id) or scopes.get(u.username) or set()
            if u.username == user.username or (about and about <= own):
                found.append(u)
                if len(found) == limit:
                    break
    return found


def upload_gemeenten(s: Session, uploads) -> dict[int, set[str]]:
    """Per upload id: the gemeenten the upload was about — those in its file
    (``Upload.gemeente_codes``), or for an old upload without them, those of the records it wrote;
    empty when neither is known."""
    about = {u.id: set(policy.split_codes(u.gemeente_codes)) for u in uploads}
    missing = [upload_id for upload_id, codes in about.items() if not codes]
    if missing:
        rows = s.execute(select(StatusRecord.upload_id, StatusRecord.gemeente_code).where(StatusRecord.upload_id.in_(missing)).distinct())
        for upload_id, code in rows.all():
            about[upload_id].add(code)
    return about


def downloadable_originals(s: Session, user, uploads) -> set[int]:
    """The ids of those ``uploads`` that kept an original ``user`` may download
    (``policy.can_download_original``): what the upload log offers and the download route hands out."""
    about = upload_gemeenten(s, uploads)
    return {u.id for u in uploads if u.stored_path and policy.can_download_original(user, u.username, about[u.id])}
