"""Who acts at the command line, as the audit trail names them."""

from __future__ import annotations

import getpass


def cli_actor() -> str:
    """``cli:<login name>`` (``cli:onbekend`` where a container has no login name)."""
    try:
        who = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        who = "onbekend"
    return f"cli:{who}"
