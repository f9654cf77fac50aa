"""The database schema (SQLModel). Alembic migrations in ``models/migrations`` follow it.

Status records are append-only: a correction is a newer record, never an update, so the
state at any peildatum can be reconstructed and every record traces back to its upload.
"""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime, timezone

from sqlalchemy import BigInteger, Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Provincie(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=4)  # PV27
    name: str


class Gemeente(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=6)  # GM0363
    name: str = Field(index=True)
    provincie_code: str | None = Field(default=None, foreign_key="provincie.code", index=True)
    valid_from: date | None = None
    valid_to: date | None = None


class Merger(SQLModel, table=True):
    """An old gemeente code/name that now belongs to a current gemeente."""

    old_code: str = Field(primary_key=True, max_length=6)
    old_name: str
    new_code: str = Field(max_length=6, index=True)
    effective_date: date


class RegionMembership(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("region_type", "region_code", "gemeente_code"),)

    id: int | None = Field(default=None, primary_key=True)
    region_type: str = Field(index=True)  # ggdregio, woningmarktregio, koploperregio, ...
    region_code: str
    region_name: str
    gemeente_code: str = Field(index=True)
    source: str = ""  # boundary file or membership list it came from


class StatusLevel(SQLModel, table=True):
    """The ordered status words per onderdeel, loaded from ``data/statussen.csv``."""

    __table_args__ = (UniqueConstraint("onderdeel", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    onderdeel: str = Field(index=True)
    rank: int
    status: str
    is_done: bool = False
    label: str = ""


class Milestone(SQLModel, table=True):
    """A programme or Wvrv milestone, loaded from ``data/mijlpalen.csv``; dates may be unknown."""

    id: str = Field(primary_key=True)
    title: str
    date: dt.date | None = None
    date_precision: str = "onbekend"  # dag, maand, jaar, onbekend
    kind: str  # wet, programmadoel, deadline
    onderdeel: str | None = None
    min_status: str | None = None
    level: str = "landelijk"  # landelijk, provincie, regio, gemeente
    confidence: str = "onbevestigd"  # bevestigd, doel, onbevestigd, onbekend
    source_url: str | None = None
    note: str = ""


class StoredFile(SQLModel, table=True):
    """The original bytes of every loaded file, once per content (SHA-256): in the database, so
    every app server sharing it can hand out any original (``Upload.stored_path`` marks an
    upload that has one)."""

    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class PendingUpload(SQLModel, table=True):
    """A file checked on /aanleveren and waiting for its confirm: in the database, so the check
    on one app server can be confirmed on another. ``meta`` is JSON (ASCII-escaped: a name may
    hold any character, also NUL); ``claimed_at`` is set by the one confirm that takes it."""

    token_hash: str = Field(primary_key=True, max_length=64)
    username: str
    meta: str = Field(sa_column=Column(Text, nullable=False))
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, index=True)
    claimed_at: datetime | None = None


class ProblemList(SQLModel, table=True):
    """The whole problem list of a long check report on /aanleveren, for its next pages and CSV.

    In the database so any app server can page through a list another server made. Bound to
    the user who checked the file; ``items`` is JSON; rows older than a day count as gone."""

    token_hash: str = Field(primary_key=True, max_length=64)
    username: str
    items: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, index=True)


class Upload(SQLModel, table=True):
    """Every load attempt, accepted or refused: the audit trail."""

    id: int | None = Field(default=None, primary_key=True)
    file_name: str
    sha256: str = Field(index=True, max_length=64)
    stored_path: str | None = None
    username: str = "cli"
    channel: str = "cli"  # cli, web, api, demo
    created_at: datetime = Field(default_factory=utcnow, index=True)
    peildatum: date | None = None
    rows_read: int = 0
    records_written: int = 0
    outcome: str = "geweigerd"  # geladen, ongewijzigd, geweigerd
    error_report: str | None = Field(default=None, sa_column=Column(Text))
    warnings: str | None = Field(default=None, sa_column=Column(Text))
    is_demo: bool = False
    gemeente_codes: str | None = Field(default=None, sa_column=Column(Text))  # comma-separated, the gemeenten the file was about


class StatusRecord(SQLModel, table=True):
    """Append-only status history.

    No declared foreign keys: PostgreSQL checks those one row at a time, which was most of a
    100,000-row load. Migration 0003 enforces ``gemeente_code`` with triggers instead (one check
    per statement on PostgreSQL; deleting or renaming a gemeente with records is refused).
    ``upload_id`` is written in the same transaction as its Upload, and uploads are never deleted.
    """

    __table_args__ = (Index("ix_status_asof", "onderdeel", "gemeente_code", "peildatum", "upload_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    gemeente_code: str = Field(max_length=6)
    onderdeel: str
    status: str
    adopted_on: date | None = None
    peildatum: date
    comment: str | None = Field(default=None, sa_column=Column(Text))
    source_url: str | None = None
    koploperregio: str | None = None
    upload_id: int | None = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=utcnow)


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True)
    role: str  # beheerder, provincie, gemeente
    gemeente_codes: str = ""  # comma-separated, for role gemeente
    provincie_code: str | None = None  # for role provincie
    password_hash: str | None = None
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    failed_logins: int = 0
    locked_until: datetime | None = None
    email: str | None = None  # where reminders of a round (uitvraag) go; required for new gemeente/provincie accounts


class ApiToken(SQLModel, table=True):
    """An API token of a user; only its SHA-256 is stored. An account may have several (one per
    system that calls the API, each with a ``label``), so one can be replaced or revoked without
    stopping the others. Disabling the account stops them all (``etvi.accounts.tokens``)."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    label: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = ""
    expires_at: datetime | None = None  # from this moment on it is no credential (migration 0014)


class UserSession(SQLModel, table=True):
    """A browser login. The signed cookie carries the session id; only its SHA-256 is stored.

    Deleting the row ends the session on every worker and app server at once (logout, password
    reset, disabling the account, "log out everywhere"); the cookie alone is not enough.
    """

    id_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)


class AuditEvent(SQLModel, table=True):
    """Actions other than uploads (user management, logins, reference reloads).

    ``address`` repeats the client address of a login or API event (``detail["adres"]``) in a
    column of its own, so the login limit per address is an indexed equality, not a text search.
    """

    __table_args__ = (Index("ix_auditevent_address_time", "address", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    username: str
    action: str
    detail: str | None = Field(default=None, sa_column=Column(Text))
    address: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Meta(SQLModel, table=True):
    """Small key/value facts: geo year, demo flag, data version for cache invalidation."""

    key: str = Field(primary_key=True)
    value: str


class Publicatie(SQLModel, table=True):
    """Figures that never change: the state at ``peildatum`` as known at ``kennis`` (UTC), made by a
    beheerder. Rows are never updated; ``ronde_id`` will name the reporting round it closes."""

    id: int | None = Field(default=None, primary_key=True)
    titel: str
    peildatum: date
    kennis: datetime
    username: str
    created_at: datetime = Field(default_factory=utcnow, index=True)
    ronde_id: int | None = None
    # frozen when made (models.frozen_reference, etl.export): the reference data its pages read
    # and the exact bytes of its csv, so a reloaded gemeente list, region or milestone changes neither
    referentie: str | None = Field(default=None, sa_column=Column(Text))
    csv: bytes | None = Field(default=None, sa_column=Column(LargeBinary))


class Uitvraag(SQLModel, table=True):
    """A reporting round: VNG asks every gemeente for its status at ``peildatum`` before ``deadline``.

    ``state`` goes concept → open → gesloten. Answers are not stored here: they are the accepted
    uploads at the round's peildatum (``etvi.uitvraag.responses``), so a file, the API and the
    form all count. ``onderdelen`` is comma-separated, fixed when the round is made.
    """

    id: int | None = Field(default=None, primary_key=True)
    title: str
    peildatum: date = Field(index=True)
    deadline: date
    onderdelen: str
    state: str = Field(default="concept", index=True)  # concept, open, gesloten
    created_by: str
    created_at: datetime = Field(default_factory=utcnow)
    opened_by: str | None = None
    opened_at: datetime | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None


class UitvraagMail(SQLModel, table=True):
    """Every mail of a round, sent or failed: the guard against a second reminder the same day to
    the same address (an indexed lookup), next to the AuditEvent each mail also writes."""

    __table_args__ = (Index("ix_uitvraagmail_email_time", "email", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    uitvraag_id: int = Field(index=True)
    kind: str  # herinnering, aankondiging
    email: str
    username: str
    gemeente_codes: str = ""
    outcome: str  # verstuurd, mislukt
    error: str | None = Field(default=None, sa_column=Column(Text))
    sent_by: str
    created_at: datetime = Field(default_factory=utcnow)


class RateCount(SQLModel, table=True):
    """Requests per API client in one time window (``etvi.accounts.ratelimit``): the limits are
    counted in the database, so every worker and app server shares them without a new service.

    ``client`` is ``token:`` and the SHA-256 of the API token (never the token) or ``ip:`` and the
    client address; ``window_start`` is the start of the window in seconds since 1970 (UTC). Old windows
    are deleted as new ones start.
    """

    client: str = Field(primary_key=True, max_length=80)
    bucket: str = Field(primary_key=True, max_length=16)  # lezen, upload
    window_start: int = Field(primary_key=True, sa_type=BigInteger)
    hits: int = 0


class CachedAnswer(SQLModel, table=True):
    """A ready answer for anonymous viewers (``dashboard.response_cache``), shared by every worker
    and app server. Only a cache: any row may be deleted at any time."""

    key: str = Field(primary_key=True, max_length=64)  # SHA-256 of the request and the data version
    version: str = Field(max_length=64, index=True)
    status: int
    headers: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of [name, value]
    body: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, index=True)
