"""Deterministic status history for dashboard tests and the benchmark.

Writes Upload and StatusRecord rows directly (the documented contract of the schema), one
upload per quarter with a record for every gemeente and onderdeel, plus two synthetic region
types loaded as membership lists. Statuses only move up, except a few deliberate set-backs;
done statuses carry an adoption date some weeks before the peildatum of the report.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import insert, select

from etl import referencedata
from models import db, queries
from models.tables import Gemeente, StatusLevel, StatusRecord, Upload

ONDERDEEL_SPEED = {"woonzorgvisie": 0.22, "verordening": 0.12, "verdeling opgave": 0.10, "koploper": 0.01}


def quarter_ends(start: date, end: date) -> list[date]:
    out = []
    y, q = start.year, (start.month - 1) // 3
    while True:
        month = 3 * q + 3
        d = date(y, month, 31 if month in (3, 12) else 30)
        if d > end:
            break
        if d >= start:
            out.append(d)
        q += 1
        if q == 4:
            y, q = y + 1, 0
    return out


@dataclass
class Sample:
    peildatums: list[date]
    records: int


def synthetic_memberships(gemeenten: pd.DataFrame) -> pd.DataFrame:
    """woningmarktregio: each provincie split into two halves by code; koploperregio: 3 small regions."""
    rows = []
    for prov, group in gemeenten.sort_values("code").groupby("provincie_code"):
        codes = list(group["code"])
        half = (len(codes) + 1) // 2
        pname = group["provincie_name"].iloc[0] if "provincie_name" in group else prov
        for i, part in enumerate((codes[:half], codes[half:])):
            for code in part:
                rows.append(("woningmarktregio", f"WR{prov[2:]}{i + 1}", f"Woningmarktregio {pname} {'Noord' if i == 0 else 'Zuid'}", code, "test"))
    koploper = {"KR01": ("Haaglanden", ["GM0518", "GM0603", "GM0637"]), "KR02": ("Metropoolregio Amsterdam", ["GM0363", "GM0384", "GM0362"]), "KR03": ("Groningen", ["GM0014"])}
    for code, (name, members) in koploper.items():
        for m in members:
            if m in set(gemeenten["code"]):
                rows.append(("koploperregio", code, name, m, "test"))
    return pd.DataFrame(rows, columns=["region_type", "region_code", "region_name", "gemeente_code", "source"])


def populate(url: str, start: date = date(2023, 3, 31), end: date = date(2026, 9, 30), seed: int = 7, memberships: bool = True, demo: bool = False) -> Sample:
    rng = random.Random(seed)
    with db.session(url) as s:
        gem = [g.code for g in s.exec(select(Gemeente).where(Gemeente.valid_to.is_(None))).scalars()]
        levels = s.exec(select(StatusLevel)).scalars().all()
    by_onderdeel: dict[str, list[StatusLevel]] = {}
    for lv in levels:
        by_onderdeel.setdefault(lv.onderdeel, []).append(lv)
    for lst in by_onderdeel.values():
        lst.sort(key=lambda x: x.rank)
    state = {(g, o): 0 for g in sorted(gem) for o in by_onderdeel}
    adopted: dict[tuple[str, str], date] = {}
    peildatums = quarter_ends(start, end)
    total = 0
    with db.session(url) as s:
        if memberships:
            gframe = queries.gemeenten(url)
            referencedata.load_region_memberships(s, synthetic_memberships(gframe))
        for peil in peildatums:
            up = Upload(file_name=f"test_{peil.isoformat()}.xlsx", sha256=f"{peil.isoformat():0<64}"[:64], outcome="geladen", peildatum=peil, channel="demo" if demo else "cli", is_demo=demo)
            s.add(up)
            s.flush()
            rows = []
            for (g, o), rank in state.items():
                lv = by_onderdeel[o]
                if rank < len(lv) - 1 and rng.random() < ONDERDEEL_SPEED[o]:
                    rank += 1
                    if lv[rank].is_done and (g, o) not in adopted:
                        adopted[(g, o)] = peil - timedelta(days=rng.randint(5, 80))
                state[(g, o)] = rank
                rows.append(
                    {
                        "gemeente_code": g,
                        "onderdeel": o,
                        "status": lv[rank].status,
                        "adopted_on": adopted.get((g, o)) if lv[rank].is_done else None,
                        "peildatum": peil,
                        "source_url": f"https://example.org/{g.lower()}/{o.replace(' ', '-')}" if lv[rank].is_done else None,
                        "upload_id": up.id,
                    }
                )
            s.execute(insert(StatusRecord), rows)
            total += len(rows)
            up.records_written = len(rows)
            s.add(up)
        if demo:
            db.set_meta(s, "demo_data", "ja")
        db.bump_data_version(s)
    return Sample(peildatums=peildatums, records=total)


def set_demo(url: str, on: bool) -> None:
    with db.session(url) as s:
        db.set_meta(s, "demo_data", "ja" if on else "nee")
