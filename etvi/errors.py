"""The one mark of an error written for users: a Dutch message that says what went wrong and where.

The CLI prints such a message without a traceback (exit code 2); anything else is unexpected.
"""

from __future__ import annotations


class UserError(Exception):
    """A failure whose ``str()`` is a Dutch message for the user."""
