"""The preview of an upload's changes (what a check shows before the confirm), shared by the
upload page (/aanleveren) and the answer form of a round (/uitvraag/<id>), so a file and a form
show the same thing the same way."""

from __future__ import annotations

from dash import html

from dashboard.components import data_table
from dashboard.texts import GEMELD_PER, nl_date


def _what(c: dict) -> str:
    """What a change stores, in words: "status", or "vastgesteld op: 01-02-2026 → 15-02-2026", …"""
    if c.get("wat") == "nieuw":
        return "nieuw: nog niets bekend"
    parts = [w.strip() for w in str(c.get("wat") or "").split(",") if w.strip()]
    shown = (["status"] if "status" in parts else []) + ([str(c["details"])] if c.get("details") else [])
    return "; ".join(shown) or ", ".join(parts) or "status"


def changes_table(
    changes: list[dict], total: int | None = None, summary: list[dict] | None = None, unchanged: int = 0, prefix: str = "aanl",
    source: str = "dit bestand",
) -> html.Div:
    """The preview: every record the load stores that changes what is known (``etl.load.compute_changes``),
    and how many it stores that change nothing, so the page never says "nothing" when a save writes something.
    ``prefix`` starts the element ids (``aanl`` on /aanleveren), ``source`` names what was checked."""
    total = len(changes) if total is None else total
    same = ""
    if unchanged:
        same = (
            f" {count(unchanged, 'status staat', 'statussen staan')} al precies zo in de monitor, met dezelfde datum bij gemeld per; "
            "opslaan legt die opnieuw vast met deze aanlevering, zonder dat de kaart verandert."
        )
    if not total:
        return quiet_notice(
            f"Er verandert niets ten opzichte van de huidige stand: alle statussen in {source} zijn al bekend, "
            "met dezelfde vastgesteld-op-datum, toelichting, bron en datum bij gemeld per." + same,
            "info",
            f"{prefix}-niets-nieuw",
        )
    parts = []
    if same:
        parts.append(html.P(same.strip(), id=f"{prefix}-ongewijzigd-aantal"))
    if summary and total > len(changes):
        parts.append(
            data_table(
                ["Onderdeel", "Nieuwe status", "Aantal wijzigingen"],
                [[s["onderdeel"], s["nieuwe_status"], str(s["aantal"])] for s in summary],
                f"Samenvatting van alle {total} wijzigingen",
                id_=f"{prefix}-samenvatting",
                numeric={2},
            )
        )
    rows = [
        [
            f"{c.get('gemeente') or ''} ({c.get('gemeente_code')})",
            c.get("onderdeel"),
            nl_date(c.get("peildatum")),
            _what(c),
            c.get("huidige_status") or "nog niets bekend",
            c.get("nieuwe_status"),
        ]
        for c in changes
    ]
    caption = f"Wat er verandert ({total} wijziging{'en' if total != 1 else ''})"
    if total > len(changes):
        caption = f"De eerste {len(changes)} van {total} wijzigingen"
    headers = ["Gemeente", "Onderdeel", GEMELD_PER, "Wat verandert", "Huidige status", "Nieuwe status"]
    parts.append(data_table(headers, rows, caption, id_=f"{prefix}-wijzigingen"))
    return html.Div(parts)


def count(n, one: str, many: str) -> str:
    n = int(n or 0)
    return f"{n} {one if n == 1 else many}"


def quiet_notice(children, kind: str, id_: str) -> html.Div:
    """A notice of the report or the result that is no live region of its own: the flow's one live
    region carries the short outcome, so the full text is not read twice."""
    return html.Div(children, className=f"notice notice-{kind}", id=id_)
