"""Load the user-editable reference files in ``data/`` and the geo reference tables into the database.

Every loader replaces its table's content inside the caller's transaction and validates the
whole file first, so a typo in ``mijlpalen.csv`` names its line and leaves the database unchanged.
Loading the same content twice changes nothing.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy import Integer, delete
from sqlmodel import Session, select

from etvi.config import PACKAGED_DATA_DIR
from etvi.errors import UserError
from geo.boundaries import parse_file_name
from geo.membership import MEMBERSHIP_COLUMNS
from models.tables import Gemeente, Merger, Milestone, Provincie, RegionMembership, StatusLevel

GEMEENTE_CODE = re.compile(r"^GM\d{4}$")
PROVINCIE_CODE = re.compile(r"^PV\d{2}$")
YES = {"ja", "j", "yes", "true", "1"}
NO = {"nee", "n", "no", "false", "0", ""}
PRECISIONS = ("dag", "maand", "jaar", "onbekend")
KINDS = ("wet", "programmadoel", "deadline")
LEVELS = ("landelijk", "provincie", "regio", "gemeente")
CONFIDENCES = ("bevestigd", "doel", "onbevestigd", "onbekend")


class ReferenceDataError(UserError, ValueError):
    """Problems in a reference file; ``str()`` is a Dutch message listing every line at fault."""

    def __init__(self, path: Path, problems: list[str]):
        self.path = path
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:30])
        more = f"\n  … en nog {len(problems) - 30} fouten" if len(problems) > 30 else ""
        super().__init__(f"Fouten in {path.name}:\n{shown}{more}")


def _read_csv(path: Path, required: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows with their line number in the file (header is line 1)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            header = [h.strip().lower() for h in (reader.fieldnames or [])]
            missing = [c for c in required if c not in header]
            if missing:
                raise ReferenceDataError(path, [f"regel 1: kolom(men) ontbreken: {', '.join(missing)}"])
            rows = []
            for line_no, row in enumerate(reader, start=2):
                clean = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
                if any(clean.values()):
                    rows.append((line_no, clean))
            return rows
    except FileNotFoundError:
        raise ReferenceDataError(path, ["het bestand bestaat niet"]) from None
    except UnicodeDecodeError:
        raise ReferenceDataError(path, ["het bestand is geen UTF-8-tekst; sla het op als CSV UTF-8"]) from None


@dataclass(frozen=True)
class ParsedDate:
    value: date | None
    precision: str


def parse_milestone_date(text: str) -> ParsedDate:
    """'2026-07-01', '2023-02' or '2026'; empty or 'onbekend' means unknown."""
    text = text.strip().lower()
    if text in ("", "onbekend"):
        return ParsedDate(None, "onbekend")
    if re.fullmatch(r"\d{4}", text):
        return ParsedDate(date(int(text), 1, 1), "jaar")
    if re.fullmatch(r"\d{4}-\d{2}", text):
        year, month = map(int, text.split("-"))
        return ParsedDate(date(year, month, 1), "maand")
    return ParsedDate(date.fromisoformat(text), "dag")


def read_status_levels(path: Path) -> list[StatusLevel]:
    rows = _read_csv(path, ["onderdeel", "volgorde", "status", "gereed"])
    problems: list[str] = []
    levels: list[StatusLevel] = []
    seen: set[tuple[str, str]] = set()
    for line, row in rows:
        onderdeel, status = row["onderdeel"].lower(), row["status"].lower()
        if not onderdeel or not status:
            problems.append(f"regel {line}: onderdeel en status zijn verplicht")
            continue
        if not row["volgorde"].isdigit():
            problems.append(f"regel {line}, kolom volgorde: {row['volgorde']!r} is geen geheel getal")
            continue
        if row["gereed"].lower() not in YES | NO:
            problems.append(f"regel {line}, kolom gereed: {row['gereed']!r}; toegestaan: ja of nee")
            continue
        if (onderdeel, status) in seen:
            problems.append(f"regel {line}: status {status!r} staat al eerder bij {onderdeel}")
            continue
        seen.add((onderdeel, status))
        levels.append(
            StatusLevel(
                onderdeel=onderdeel,
                rank=int(row["volgorde"]),
                status=status,
                is_done=row["gereed"].lower() in YES,
                label=row.get("label") or status,
            )
        )
    for onderdeel in {lv.onderdeel for lv in levels}:
        ranks = sorted(lv.rank for lv in levels if lv.onderdeel == onderdeel)
        if len(set(ranks)) != len(ranks):
            problems.append(f"onderdeel {onderdeel}: twee statussen hebben dezelfde volgorde")
        if not any(lv.is_done for lv in levels if lv.onderdeel == onderdeel):
            problems.append(f"onderdeel {onderdeel}: geen enkele status telt als gereed")
    if problems:
        raise ReferenceDataError(path, problems)
    return levels


def read_milestones(path: Path, status_levels: list[StatusLevel]) -> list[Milestone]:
    rows = _read_csv(path, ["id", "titel", "datum", "soort", "niveau", "zekerheid"])
    known = {(lv.onderdeel, lv.status) for lv in status_levels}
    onderdelen = {lv.onderdeel for lv in status_levels}
    problems: list[str] = []
    result: list[Milestone] = []
    ids: set[str] = set()
    for line, row in rows:
        where = f"regel {line}"
        mid = row["id"]
        if not mid or mid in ids:
            problems.append(f"{where}, kolom id: leeg of dubbel ({mid!r})")
            continue
        ids.add(mid)
        try:
            parsed = parse_milestone_date(row["datum"])
        except ValueError:
            problems.append(
                f"{where}, kolom datum: {row['datum']!r}; toegestaan: JJJJ-MM-DD, JJJJ-MM, JJJJ of leeg (onbekend)"
            )
            continue
        precision = (row.get("precisie") or parsed.precision).lower()
        checks = [
            ("soort", row["soort"].lower(), KINDS),
            ("niveau", row["niveau"].lower(), LEVELS),
            ("zekerheid", row["zekerheid"].lower(), CONFIDENCES),
            ("precisie", precision, PRECISIONS),
        ]
        bad = [f"{where}, kolom {col}: {val!r}; toegestaan: {', '.join(allowed)}" for col, val, allowed in checks if val not in allowed]
        onderdeel = (row.get("onderdeel") or "").lower() or None
        min_status = (row.get("min_status") or "").lower() or None
        if onderdeel and onderdeel not in onderdelen:
            bad.append(f"{where}, kolom onderdeel: {onderdeel!r}; toegestaan: {', '.join(sorted(onderdelen))}")
        elif min_status and not onderdeel:
            bad.append(f"{where}: min_status zonder onderdeel")
        elif min_status and (onderdeel, min_status) not in known:
            allowed = [lv.status for lv in sorted(status_levels, key=lambda x: x.rank) if lv.onderdeel == onderdeel]
            bad.append(f"{where}, kolom min_status: {min_status!r}; toegestaan bij {onderdeel}: {', '.join(allowed)}")
        source = row.get("bron") or None
        if source and not source.startswith(("http://", "https://")):
            bad.append(f"{where}, kolom bron: alleen http- of https-links zijn toegestaan")
        if bad:
            problems.extend(bad)
            continue
        result.append(
            Milestone(
                id=mid,
                title=row["titel"],
                date=parsed.value,
                date_precision=precision if parsed.value else "onbekend",
                kind=row["soort"].lower(),
                onderdeel=onderdeel,
                min_status=min_status,
                level=row["niveau"].lower(),
                confidence=row["zekerheid"].lower(),
                source_url=source,
                note=row.get("toelichting", ""),
            )
        )
    if problems:
        raise ReferenceDataError(path, problems)
    return result


def read_mergers(path: Path) -> list[Merger]:
    rows = _read_csv(path, ["oude_code", "oude_naam", "nieuwe_code", "datum"])
    problems, result = [], []
    for line, row in rows:
        old, new = row["oude_code"].upper(), row["nieuwe_code"].upper()
        if not GEMEENTE_CODE.match(old) or not GEMEENTE_CODE.match(new):
            problems.append(f"regel {line}: gemeentecodes moeten de vorm GM0000 hebben")
            continue
        try:
            when = date.fromisoformat(row["datum"])
        except ValueError:
            problems.append(f"regel {line}, kolom datum: {row['datum']!r} is geen datum JJJJ-MM-DD")
            continue
        result.append(Merger(old_code=old, old_name=row["oude_naam"], new_code=new, effective_date=when))
    if problems:
        raise ReferenceDataError(path, problems)
    return result


def read_name_variants(path: Path) -> dict[str, str]:
    """Names people type (Den Haag, Den Bosch, ...) mapped to a gemeentecode."""
    rows = _read_csv(path, ["variant", "gemeentecode"])
    problems = [f"regel {line}: ongeldige gemeentecode {r['gemeentecode']!r}" for line, r in rows if not GEMEENTE_CODE.match(r["gemeentecode"].upper())]
    if problems:
        raise ReferenceDataError(path, problems)
    return {r["variant"]: r["gemeentecode"].upper() for _, r in rows}


def _contents(model, objects, key) -> list[dict]:
    """Rows as plain dicts in ``key`` order, without a generated integer ``id`` (a milestone's
    own ``id`` is content): what two versions of a table are compared by."""
    id_column = model.__table__.c.get("id")
    surrogate = {"id"} if id_column is not None and isinstance(id_column.type, Integer) else set()
    return sorted(({k: v for k, v in o.model_dump().items() if k not in surrogate} for o in objects), key=key)


def sync(s: Session, model, objects: list, key, where=None) -> bool:
    """Replace a table's rows (those matching ``where``) with ``objects`` unless they are already
    equal; True when changed."""
    current = s.exec(select(model) if where is None else select(model).where(where)).all()
    if _contents(model, current, key) == _contents(model, objects, key):
        return False
    s.exec(delete(model) if where is None else delete(model).where(where))
    s.add_all(objects)
    s.flush()
    return True


REFERENCE_FILES = ("statussen.csv", "mijlpalen.csv", "fusies.csv", "naamvarianten.csv")


def reference_file(data_dir: Path, name: str) -> Path:
    """``name`` in the data folder when it is there (the user's copy wins), else the copy the
    installed package carries; so ``etvi init`` works from any folder after ``pip install``.
    When neither exists, the data folder's path, so the error names the place to put it."""
    own = data_dir / name
    packaged = PACKAGED_DATA_DIR / name
    return packaged if not own.exists() and packaged.exists() else own


def read_data_files(data_dir: Path) -> dict[str, list]:
    """Status levels, milestones and mergers from ``data_dir`` (each file falling back to the
    packaged copy), validated, by the name ``etvi init`` reports."""
    levels = read_status_levels(reference_file(data_dir, "statussen.csv"))
    return {
        "statussen": levels,
        "mijlpalen": read_milestones(reference_file(data_dir, "mijlpalen.csv"), levels),
        "fusies": read_mergers(reference_file(data_dir, "fusies.csv")),
    }


def load_data_files(s: Session, data_dir: Path, files: dict[str, list] | None = None) -> dict[str, bool]:
    """Status levels, milestones and mergers from ``data_dir`` (or already read ``files``); returns
    which tables changed."""
    files = files or read_data_files(data_dir)
    return {
        "statussen": sync(s, StatusLevel, files["statussen"], key=lambda d: (d["onderdeel"], d["rank"])),
        "mijlpalen": sync(s, Milestone, files["mijlpalen"], key=lambda d: d["id"]),
        "fusies": sync(s, Merger, files["fusies"], key=lambda d: d["old_code"]),
    }


def load_geography(s: Session, provincies: pd.DataFrame, gemeenten: pd.DataFrame) -> bool:
    """Replace provincies and current gemeenten; status records keep pointing at unchanged codes."""
    bad = [c for c in gemeenten["code"] if not GEMEENTE_CODE.match(c)]
    bad += [c for c in provincies["code"] if not PROVINCIE_CODE.match(c)]
    if bad:
        raise ValueError(f"Ongeldige codes in de grensbestanden: {', '.join(bad[:10])}")
    prov = [Provincie(code=r.code, name=r.name) for r in provincies.itertuples()]
    changed = sync(s, Provincie, prov, key=lambda d: d["code"])
    existing = {g.code: g for g in s.exec(select(Gemeente)).all()}
    for r in gemeenten.itertuples():
        current = existing.pop(r.code, None)
        if current is None:
            s.add(Gemeente(code=r.code, name=r.name, provincie_code=r.provincie_code))
            changed = True
        elif (current.name, current.provincie_code, current.valid_to) != (r.name, r.provincie_code, None):
            current.name, current.provincie_code, current.valid_to = r.name, r.provincie_code, None
            s.add(current)
            changed = True
    for gone in existing.values():
        if gone.valid_to is None:
            gone.valid_to = date.today()
            s.add(gone)
            changed = True
    s.flush()
    return changed


def load_region_memberships(s: Session, memberships: pd.DataFrame) -> bool:
    """Replace the memberships of each region type present in ``memberships``; other types stay."""
    changed = False
    for region_type, group in memberships.groupby("region_type"):
        rows = [
            RegionMembership(
                region_type=region_type,
                region_code=str(r.region_code),
                region_name=str(r.region_name),
                gemeente_code=r.gemeente_code,
                source=str(getattr(r, "source", "") or ""),
            )
            for r in group.drop_duplicates(["region_code", "gemeente_code"]).itertuples()
        ]
        key = lambda d: (d["region_code"], d["gemeente_code"])  # noqa: E731
        changed |= sync(s, RegionMembership, rows, key, where=RegionMembership.region_type == region_type)
    s.flush()
    return changed


def boundary_memberships(s: Session, region_types: set[str]) -> pd.DataFrame:
    """The stored memberships of ``region_types`` that came from a boundary file, not from a list."""
    stored = s.exec(select(RegionMembership).where(RegionMembership.region_type.in_(sorted(region_types)))).all()
    rows = [[getattr(m, c) for c in MEMBERSHIP_COLUMNS] for m in stored if parse_file_name(m.source) is not None]
    return pd.DataFrame(rows, columns=MEMBERSHIP_COLUMNS)
