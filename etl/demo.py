"""Synthetic but plausible demo data: a quarterly history from 2022 to today for every gemeente.

Everything here is fiction and marked as such (Upload.is_demo, Meta 'demo_data' = 'ja', a title
on every sheet): koploper regions move first and fastest, some gemeenten never report, some
stall at a status. The six koploperregio names are public; which gemeenten belong to them is not
published, so the demo picks members itself (the region's central gemeente plus neighbours from
the same provincie). The history is written as template spreadsheets, one per quarter, and loaded
through the same upload service as real files, so the demo exercises the real pipeline.
Deterministic for a given seed and end date.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

from sqlalchemy import select
from sqlmodel import Session

from etl.contract import KOPLOPER, date_column, has_date
from etl.errors import EtlError
from etl.load import GELADEN, LoadResult
from etl.lookups import Reference, load_reference
from etl.template import write_template
from etvi.config import settings
from models.db import engine, get_meta, set_meta
from models.tables import Upload

SEED = 20220511  # the programme went to the Tweede Kamer on 2022-05-11
START = date(2022, 1, 1)
DEMO_TITLE = "DEMOGEGEVENS (fictief): Een thuis voor iedereen, stand van zaken per gemeente"
# Region name → central gemeente (CBS code). Members beyond the centre are picked by the demo.
KOPLOPER_CENTRES = {
    "Metropoolregio Amsterdam": "GM0363",
    "Parkstad Limburg": "GM0917",
    "Haaglanden": "GM0518",
    "Groene Metropoolregio Arnhem-Nijmegen": "GM0202",
    "Groningen": "GM0014",
    "Enschede (Twente)": "GM0153",
}
NEVER_REPORTS = 0.06
STALLS = 0.15
ALREADY_HAD_VERORDENING = 0.45  # 2018: 176 of 380 gemeenten had an urgentieregeling


@dataclass
class DemoResult:
    directory: Path
    files: list[Path] = field(default_factory=list)
    uploads: int = 0
    records: int = 0
    seconds: float = 0.0
    skipped: bool = False
    koploperregios: dict[str, list[str]] = field(default_factory=dict)


def quarter_ends(start: date, end: date) -> list[date]:
    result, year, quarter = [], start.year, (start.month - 1) // 3 + 1
    while True:
        month = quarter * 3
        last = (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)
        if last > end:
            return result
        if last >= start:
            result.append(last)
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def pick_koploper_members(ref: Reference, rng: random.Random) -> dict[str, list[str]]:
    """Demo membership: each centre plus 3–7 gemeenten from its provincie, no gemeente twice."""
    taken: set[str] = set()
    regions: dict[str, list[str]] = {}
    for region, centre in KOPLOPER_CENTRES.items():
        if centre not in ref.names:
            continue
        provincie = ref.provincies.get(centre)
        pool = sorted(c for c, p in ref.provincies.items() if p == provincie and c != centre and c not in taken)
        members = [centre] + rng.sample(pool, min(len(pool), rng.randint(3, 7)))
        taken.update(members)
        regions[region] = sorted(members)
    return regions


VHP_FROM = date(2026, 7, 1)  # the volkshuisvestingsprogramma exists once the Wvrv is in force (target date)


def _path(
    rng: random.Random, words: list[str], start: date, gap: tuple[int, int], cap: int
) -> list[tuple[date, int]]:
    """(date reached, level) steps from level 0 on ``start``, at most up to ``cap``."""
    steps, when = [(start, 0)], start
    for level in range(1, min(cap, len(words) - 1) + 1):
        when = when + timedelta(days=rng.randint(*gap))
        if "volkshuisvestingsprogramma" in words[level]:
            when = max(when, VHP_FROM + timedelta(days=rng.randint(0, 150)))
        steps.append((when, level))
    return steps


def simulate(ref: Reference, today: date, seed: int = SEED) -> tuple[dict[str, dict[str, list[tuple[date, int]]]], dict[str, str], set[str]]:
    """Per gemeente and onderdeel the (date, level) steps; the koploper region per member; non-reporters."""
    rng = random.Random(seed)
    regions = pick_koploper_members(ref, rng)
    member_of = {code: region for region, codes in regions.items() for code in codes}
    levels = ref.contract.levels
    # The distribution of the opgave is agreed regionally: one date per provincie (a stand-in for
    # the woningmarktregio in this demo) that its gemeenten follow with some spread.
    regional_start = {p: START + timedelta(days=rng.randint(60, 720)) for p in sorted(set(ref.provincies.values()))}
    silent = set()
    paths: dict[str, dict[str, list[tuple[date, int]]]] = {}
    for code in sorted(ref.names):
        koploper = code in member_of
        if not koploper and rng.random() < NEVER_REPORTS:
            silent.add(code)
            continue
        stalls = not koploper and rng.random() < STALLS
        speed = (45, 220) if koploper else (150, 600)
        mine: dict[str, list[tuple[date, int]]] = {}
        for onderdeel, words in levels.items():
            top = len(words) - 1
            cap = rng.randint(1, max(1, top - 1)) if stalls else top
            if onderdeel == KOPLOPER:
                yes = words.index("ja") if "ja" in words else top
                no = words.index("nee") if "nee" in words else 0
                mine[onderdeel] = [(START, yes if koploper else no)]
            elif onderdeel == "verordening" and rng.random() < ALREADY_HAD_VERORDENING:
                mine[onderdeel] = [(date(2015, 1, 1) + timedelta(days=rng.randint(0, 2500)), top)]
            elif onderdeel == "verdeling opgave":
                base = regional_start[ref.provincies.get(code, "")] - timedelta(days=150 if koploper else 0)
                slow = (speed[0] + 60, speed[1] + 300)
                mine[onderdeel] = _path(rng, words, base + timedelta(days=rng.randint(0, 120)), slow, cap)
            else:
                begin = START + timedelta(days=rng.randint(0, 200) if koploper else rng.randint(60, 900))
                mine[onderdeel] = _path(rng, words, begin, speed, cap)
        paths[code] = mine
    return paths, member_of, silent


def _level_at(steps: list[tuple[date, int]], when: date, done: set[int]) -> tuple[int, date] | None:
    """The level on ``when`` and the date it was adopted: when the first done level was reached."""
    reached = [(level, day) for day, level in steps if day <= when]
    if not reached:
        return None
    level, day = reached[-1]
    adopted = next((d for lv, d in reached if lv in done), day)
    return level, adopted


def build_quarters(ref: Reference, today: date, seed: int = SEED) -> list[tuple[date, dict[str, dict[str, object]]]]:
    """Per quarter end the filled-in template cells per gemeente code."""
    paths, member_of, _ = simulate(ref, today, seed)
    rng = random.Random(seed + 1)
    levels = ref.contract.levels
    done = {o: {i for i, w in enumerate(words) if w in ref.done.get(o, set())} for o, words in levels.items()}
    quarters = []
    last_reported: dict[str, dict[str, int]] = {}
    stale_after = {code: START + timedelta(days=rng.randint(500, 1400)) for code in paths if rng.random() < 0.1}
    for peildatum in quarter_ends(START, today):
        values: dict[str, dict[str, object]] = {}
        for code, mine in paths.items():
            if code in stale_after and peildatum > stale_after[code]:
                continue  # stopped reporting: its last status grows old
            state = {o: _level_at(steps, peildatum, done[o]) for o, steps in mine.items()}
            known = {o: s for o, s in state.items() if s is not None}
            if not known:
                continue
            before = last_reported.get(code)
            news = before is None or any(before.get(o) != s[0] for o, s in known.items())
            chance = 0.95 if news else (0.5 if code in member_of else 0.3)
            if rng.random() > chance:
                continue
            row: dict[str, object] = {}
            for onderdeel, (level, reached) in known.items():
                status = ref.contract.levels[onderdeel][level]
                row[onderdeel] = status
                if has_date(onderdeel) and status in ref.done.get(onderdeel, set()):
                    row[date_column(onderdeel)] = reached
                if onderdeel == KOPLOPER and code in member_of:
                    row["koploperregio"] = member_of[code]
            if rng.random() < 0.15:
                row["toelichting"] = "Demogegevens (fictief)."
                row["bron"] = f"https://example.org/etvi-demo/{code.lower()}"
            values[code] = row
            last_reported[code] = {o: s[0] for o, s in known.items()}
        quarters.append((peildatum, values))
    return quarters


def load_demo_data(
    directory: Path | None = None,
    *,
    load_file: Callable[..., LoadResult],
    url: str | None = None,
    today: date | None = None,
    seed: int = SEED,
    progress: Callable[[int, int], None] | None = None,
) -> DemoResult:
    """Write the quarterly demo files into ``directory`` and load them; skips when already loaded.

    Refuses a database that holds real (non-demo) uploads, so demo data never mixes with real data.
    ``load_file`` is the upload service's (``etvi.upload.service.load_file``), which logs each file
    as an upload marked as demo; passed in because the service sits above ``etl``.
    """
    started = time.perf_counter()
    directory = Path(directory or settings().data_dir / "demo")
    ref = load_reference(url)
    result = DemoResult(directory=directory)
    with Session(engine(url)) as s:
        real = s.execute(select(Upload.id).where(Upload.outcome == GELADEN, Upload.is_demo.is_(False)).limit(1)).first()
        demo = s.execute(select(Upload.id).where(Upload.outcome == GELADEN, Upload.is_demo.is_(True)).limit(1)).first()
    if real:
        raise EtlError(
            "De database bevat al echte aanleveringen; demogegevens worden daar niet bij geladen. "
            "Gebruik een lege database (een ander ETVI_DATABASE_URL) voor de demo."
        )
    if demo and get_meta("demo_data", url=url) == "ja":
        result.skipped = True
        result.seconds = time.perf_counter() - started
        return result
    today = today or date.today()
    quarters = build_quarters(ref, today, seed)
    _, member_of, _ = simulate(ref, today, seed)
    for region in KOPLOPER_CENTRES:
        result.koploperregios[region] = sorted(c for c, r in member_of.items() if r == region)
    directory.mkdir(parents=True, exist_ok=True)
    for index, (peildatum, values) in enumerate(quarters, start=1):
        path = directory / f"demo_{peildatum.year}_K{(peildatum.month - 1) // 3 + 1}.xlsx"
        write_template(path, peildatum=peildatum, values=values, title=DEMO_TITLE, reference=ref)
        outcome = load_file(path, channel="demo", username="demo", is_demo=True, url=url, reference=ref)
        if outcome.outcome not in (GELADEN, "ongewijzigd"):
            problems = "; ".join(p.render() for p in outcome.problems[:5])
            raise EtlError(f"Het demobestand {path.name} werd geweigerd: {problems}")
        result.files.append(path)
        result.uploads += outcome.outcome == GELADEN
        result.records += outcome.records_written
        if progress:
            progress(index, len(quarters))
    with Session(engine(url)) as s:
        set_meta(s, "demo_data", "ja")
        s.commit()
    result.seconds = time.perf_counter() - started
    return result
