"""The single exception type of the geo package.

Users never see a traceback: the CLI and the dashboard catch ``GeoError`` and show its
text, so the message itself must be Dutch, name the file involved and say what to do.
"""

from __future__ import annotations

from etvi.errors import UserError


class GeoError(UserError):
    """A problem with boundary files or regio lists; ``str()`` is a Dutch message for users."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
