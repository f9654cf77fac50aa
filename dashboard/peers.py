"""The "Zo deden anderen het" block: the examples of ``models.peers`` as links to their bron, on the
gemeente page (per onderdeel) and on the round page (per gemeente). Nothing to show, no block."""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboard.components import NEW_TAB
from dashboard.texts import OKEC_URL, onderdeel_title
from models import peers

HEADING = "Zo deden anderen het"
NEAR = {peers.REGIO: "zelfde regio", peers.KOPLOPER: "zelfde koploperregio", peers.PROVINCIE: "zelfde provincie"}


def _item(row, onderdeel: str) -> html.Li:
    text = f"{row.name}: bron"
    link = html.A(text, href=row.source_url, target="_blank", rel="noopener noreferrer",
                  **{"aria-label": f"{text} over {onderdeel_title(onderdeel).lower()} {NEW_TAB}"})  # fmt: skip
    return html.Li([link, f" ({NEAR[row.tier]}: {row.via})"])


def examples(found: pd.DataFrame, id_: str, heading: str = "h4", okec: bool = False, name_onderdelen: bool = False) -> html.Div | None:
    """The block for ``found`` (``models.peers.COLUMNS``): a list of links per onderdeel, under the
    onderdeel's name with ``name_onderdelen`` (the round page; the gemeente page shows it inside
    the onderdeel's own section); ``okec`` adds the link to OKEC ETVI. None when ``found`` is empty."""
    if found.empty:
        return None
    parts: list = [getattr(html, heading.capitalize())(HEADING, id=f"{id_}-kop")]
    if not name_onderdelen:
        parts.append(html.P("Gemeenten in de buurt die dit onderdeel al gereed hebben, met hun document:", className="hint"))
    for o in dict.fromkeys(found["onderdeel"]):
        if name_onderdelen:
            parts.append(html.P(html.Strong(f"{onderdeel_title(o)}: gemeenten in de buurt die dit al gereed hebben")))
        parts.append(html.Ul([_item(r, o) for r in found[found["onderdeel"] == o].itertuples(index=False)]))
    if okec:
        okec_link = html.A("OKEC ETVI", href=OKEC_URL, target="_blank", rel="noopener noreferrer", **{"aria-label": f"OKEC ETVI {NEW_TAB}"})
        parts.append(html.P(["Meer voorbeelden en hulp: ", okec_link, "."]))
    return html.Div(parts, id=id_, className="peers")
