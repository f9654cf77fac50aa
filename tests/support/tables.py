"""Reading a table the pages built: Dash components, or the one element with a JSON payload that
assets/tables.js draws (dashboard.components.fast_table)."""

from __future__ import annotations

import json


def cell_text(cell) -> str:
    if cell is None:
        return "—"
    return cell.get("t", "") if isinstance(cell, dict) else str(cell)


def payload(node) -> dict | None:
    """The fast_table payload of a component or of its JSON form, else None."""
    if isinstance(node, dict):
        raw = node.get("props", {}).get("data-table")
    else:
        raw = getattr(node, "data-table", None) if node is not None else None
    return json.loads(raw) if raw else None


def payload_rows(node) -> tuple[list[str], list[list[str]]]:
    """(header texts, body rows as texts) of a fast_table, in the order sent."""
    spec = payload(node)
    return [c["n"] for c in spec["cols"]], [[cell_text(c) for c in row] for row in spec["rows"]]
