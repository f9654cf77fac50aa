"""Logging in, and the limits on trying: per account and per client address.

Repeated failed logins lock the account for a while, and repeated failures from one client address
(whatever the usernames) block that address for a while. A refused login answers the same, in words
and in time, whether the name exists, is locked or disabled, so account names cannot be discovered.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from etvi.accounts import audit, passwords
from etvi.accounts.clock import aware, utcnow
from etvi.accounts.errors import AccountError, LoginError
from etvi.accounts.users import normalise_username
from etvi.config import settings
from models.tables import AuditEvent, User

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15

LOGIN_FAILED_MESSAGE = (
    "Inloggen is niet gelukt: de gebruikersnaam of het wachtwoord klopt niet, of het account is na "
    f"{MAX_FAILED_LOGINS} mislukte pogingen op rij tijdelijk ({LOCK_MINUTES} minuten) geblokkeerd. "
    "Probeer het later opnieuw, of vraag de beheerder om een nieuw wachtwoord."
)
# Audit actions of a refused login for an account; they count towards the limit per client address.
# Every such refusal counts alike (unknown name, wrong password, locked, disabled), so that limit
# does not reveal which names exist either; refusals of a blocked address do not count.
FAILED_LOGIN_ACTIONS = ("inloggen_mislukt", "account_geblokkeerd")


def _minutes(until: datetime, now: datetime) -> str:
    minutes = max(1, int((until - now).total_seconds() + 59) // 60)
    return f"{minutes} {'minuut' if minutes == 1 else 'minuten'}"


def _address_message(until: datetime, now: datetime) -> str:
    return (
        "Te veel mislukte inlogpogingen vanaf uw internetadres. Inloggen vanaf dit adres is tijdelijk "
        f"geblokkeerd; probeer het over {_minutes(until, now)} opnieuw. Werkt u met collega's achter "
        "hetzelfde adres, wacht dan even of neem contact op met de beheerder bij VNG."
    )


def address_blocked_until(
    s: Session, address: str | None, now: datetime | None = None, max_failures: int | None = None, window_minutes: int | None = None
) -> datetime | None:
    """Until when logins from ``address`` are refused, or ``None`` when they are not.

    Counts the refused logins for accounts (unknown name, wrong password, locked or disabled
    account, whatever the usernames) from that address
    in the last ``window_minutes`` (``ETVI_LOGIN_IP_WINDOW_MINUTES``); at ``max_failures``
    (``ETVI_LOGIN_IP_MAX_FAILURES``; 0 switches the check off) the address waits until the oldest
    of those leaves the window. The failures are the audit trail's own login events, so every
    server worker and both database backends see the same count.
    """
    if not address:
        return None
    if max_failures is None or window_minutes is None:
        cfg = settings()
        max_failures = cfg.login_ip_max_failures if max_failures is None else max_failures
        window_minutes = cfg.login_ip_window_minutes if window_minutes is None else window_minutes
    if max_failures <= 0:
        return None
    now = now or utcnow()
    window = timedelta(minutes=window_minutes)
    q = (
        select(AuditEvent.created_at)
        .where(AuditEvent.address == address)
        .where(AuditEvent.created_at > now - window, AuditEvent.created_at <= now)
        .where(AuditEvent.action.in_(FAILED_LOGIN_ACTIONS))
        .order_by(AuditEvent.created_at.desc())
        .limit(max_failures)
    )
    times = list(s.exec(q).all())
    if len(times) < max_failures:
        return None
    return aware(times[-1]) + window


def _refuse(s: Session, actor: str, action: str, **detail) -> LoginError:
    """Record a refused login (committed: the caller's session rolls back on the error) and
    return the one answer every refusal for an account gets."""
    audit.record(s, actor, action, **detail)
    s.commit()
    return LoginError(LOGIN_FAILED_MESSAGE)


def authenticate(
    s: Session, username: str, password: str, now: datetime | None = None, source: str = "", address: str | None = None
) -> User:
    """Check a username and password; returns the user or raises ``LoginError`` (Dutch message).

    Two limits:

    - per client ``address`` (the web layer passes the request's address), checked first: after
      ``ETVI_LOGIN_IP_MAX_FAILURES`` failed logins from one address within
      ``ETVI_LOGIN_IP_WINDOW_MINUTES``, whatever the usernames, that address is refused until the
      window has moved on (``LoginError.per_address``, with the time to wait); see
      ``address_blocked_until``;
    - per account: after ``MAX_FAILED_LOGINS`` wrong passwords in a row the account is locked for
      ``LOCK_MINUTES``; while locked even the right password is refused. Success resets the
      counter. The counter is incremented in SQL so concurrent attempts in several workers all count.

    Account names cannot be discovered: an unknown name, a wrong password, a locked and a
    disabled account all get the same ``LOGIN_FAILED_MESSAGE`` (which mentions the lock), and
    every one of them costs exactly one Argon2 verification (against a dummy hash when there is
    no usable one), so neither the answer nor its time tells them apart. Why it was refused is
    in the audit trail for the beheerder.
    """
    now = now or utcnow()
    where = {"bron": source, **({"adres": address} if address else {})}
    try:
        name = normalise_username(username)
    except AccountError:
        name = None
    actor = (name or (username or "")[:64]) or "onbekend"
    blocked_until = address_blocked_until(s, address, now)
    if blocked_until is not None:
        audit.record(s, actor, "inloggen_geweigerd", reden="te veel mislukte pogingen vanaf dit adres", **where)
        s.commit()
        raise LoginError(_address_message(blocked_until, now), blocked_until, per_address=True)
    user = s.exec(select(User).where(User.username == name)).first() if name else None
    locked_until = aware(user.locked_until) if user is not None else None
    usable = user is not None and user.active and not (locked_until is not None and locked_until > now)
    # Exactly one Argon2 verification on every path.
    correct = passwords.verify_password(user.password_hash if usable else passwords.dummy_hash(), password or "") and usable
    if user is None:
        raise _refuse(s, actor, "inloggen_mislukt", reden="onbekende gebruiker", **where)
    if locked_until is not None and locked_until > now:
        raise _refuse(s, user.username, "inloggen_mislukt", reden="geblokkeerd", tot=locked_until.isoformat(), **where)
    if not user.active:
        raise _refuse(s, user.username, "inloggen_mislukt", reden="uitgeschakeld", **where)
    if not correct:
        s.execute(update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1))
        s.flush()
        s.refresh(user)
        detail = {"reden": "onjuist wachtwoord", "pogingen": user.failed_logins, **where}
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            s.add(user)
            raise _refuse(s, user.username, "account_geblokkeerd", tot=user.locked_until.isoformat(), **detail)
        raise _refuse(s, user.username, "inloggen_mislukt", **detail)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    s.add(user)
    audit.record(s, user.username, "ingelogd", **where)
    return user
