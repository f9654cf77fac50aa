"""Passwords: hashed with Argon2id (argon2-cffi), generated in groups that are easy to copy.

The plain password is never stored; a generated one is shown to its owner exactly once.
"""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from etvi.accounts.errors import AccountError

MIN_PASSWORD_LENGTH = 12
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters (RFC 9106 low-memory)
_dummy: dict[str, str] = {}


def dummy_hash() -> str:
    """A hash to verify against when the user does not exist (or is locked or disabled), so that
    case takes as long as a wrong password. Made on first use, not at import (every ``etvi``
    command imports this); the web server makes it at start-up (``prepare_login``)."""
    params = _hasher.time_cost, _hasher.memory_cost, _hasher.parallelism
    key = repr(params)
    if key not in _dummy:
        _dummy[key] = _hasher.hash(secrets.token_urlsafe(16))
    return _dummy[key]


def prepare_login() -> None:
    """Make the dummy hash now, so the first refused login of a server process does not take
    a hash longer than the others."""
    dummy_hash()


def generate_password() -> str:
    """A random password of about 115 bits, in groups that are easy to copy: xxxxx-xxxxx-xxxxx-xxxxx."""
    groups = ["".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(4)]
    return "-".join(groups)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether a stored hash was made with older parameters (rehashed at the next good login)."""
    return _hasher.check_needs_rehash(password_hash)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Het wachtwoord is te kort: gebruik minstens {MIN_PASSWORD_LENGTH} tekens.")
    if password.strip() != password:
        raise AccountError("Het wachtwoord mag niet met een spatie beginnen of eindigen.")
    if len(set(password)) < 4:
        raise AccountError("Het wachtwoord is te eenvoudig: gebruik meer verschillende tekens.")


def new_password(password: str | None) -> tuple[str, str | None]:
    """The password to set and the generated one to show (``None`` when the caller gave one,
    which must then be strong enough)."""
    if password is None:
        generated = generate_password()
        return generated, generated
    check_password_strength(password)
    return password, None
