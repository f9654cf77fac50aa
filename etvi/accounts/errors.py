"""The errors of the accounts package; ``str()`` of each is a Dutch message for the user."""

from __future__ import annotations

from datetime import datetime

from etvi.errors import UserError


class AccountError(UserError, ValueError):
    """A user-management or login problem; ``str()`` is a Dutch message for the user."""


class TokenLimitError(AccountError):
    """The account already has as many API tokens as one account may (``ETVI_MAX_TOKENS_PER_USER``):
    a conflict with its state, not bad input; revoking one makes room."""


class TokenExpiryError(AccountError):
    """The chosen date of a new API token is not a date, not after today, or further away than
    ``ETVI_TOKEN_MAX_DAYS``."""


class LoginError(AccountError):
    """Login refused. ``locked_until`` is set (with ``per_address``) when the client address is
    temporarily blocked; a refusal for the account itself never says why, see ``throttle.authenticate``."""

    def __init__(self, message: str, locked_until: datetime | None = None, per_address: bool = False):
        super().__init__(message)
        self.locked_until = locked_until
        self.per_address = per_address
