"""Hand-made frames for the aggregate tests: status levels, four gemeenten in two provincies, and
a status history built from short rows."""

from __future__ import annotations

import pandas as pd

from dashboard import aggregates as agg

LEVELS = pd.DataFrame(
    [
        ("verordening", 0, "geen", False, "Geen verordening"),
        ("verordening", 1, "in voorbereiding", False, "In voorbereiding"),
        ("verordening", 2, "vastgesteld", True, "Vastgesteld"),
        ("woonzorgvisie", 0, "geen", False, "Geen woonzorgvisie"),
        ("woonzorgvisie", 1, "in concept", False, "In concept"),
        ("woonzorgvisie", 2, "vastgesteld", True, "Vastgesteld"),
        ("woonzorgvisie", 3, "opgenomen in volkshuisvestingsprogramma", True, "Opgenomen in VHP"),
    ],
    columns=["onderdeel", "rank", "status", "is_done", "label"],
)
GEMEENTEN = pd.DataFrame(
    {
        "code": ["GM0001", "GM0002", "GM0003", "GM0004"],
        "name": ["Aa", "Bb", "Cc", "Dd"],
        "provincie_code": ["PV20", "PV20", "PV21", "PV21"],
        "provincie_name": ["Groningen", "Groningen", "Fryslân", "Fryslân"],
    }
)


def history(rows) -> pd.DataFrame:
    """rows: (gemeente, onderdeel, status, peildatum, upload_id, adopted_on)."""
    frame = pd.DataFrame(
        [
            {"gemeente_code": g, "onderdeel": o, "status": s, "adopted_on": a, "peildatum": p, "comment": None, "source_url": None, "koploperregio": None, "upload_id": u}
            for g, o, s, p, u, a in rows
        ]
    )
    return agg.prepare_history(frame)
