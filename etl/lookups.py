"""A snapshot of the reference data one load needs: gemeenten, mergers, name variants, status words.

Read once per load so validating a 100,000-row file never goes back to the database per row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, select
from sqlmodel import Session

from etl.contract import Contract, contract_from_levels
from etl.errors import EtlError
from etl.gemeenten import GemeenteResolver
from etl.referencedata import ReferenceDataError, read_name_variants, reference_file
from etvi.config import settings
from models.db import engine
from models.tables import Gemeente, Merger, Provincie, StatusLevel

NOT_INITIALISED = "De database is nog niet ingericht (er zijn geen gemeenten). Voer eerst `etvi init` uit."


@dataclass
class Reference:
    contract: Contract
    resolver: GemeenteResolver
    names: dict[str, str]  # current code → name
    provincies: dict[str, str]  # current code → provincie name
    done: dict[str, set[str]]  # onderdeel → statuses that count as done


def gemeente_resolver(names: dict[str, str], mergers: Iterable, data_dir: Path | None = None) -> GemeenteResolver:
    """The resolver for the current gemeenten (code → name), the mergers (Merger rows or anything
    with their ``old_code``, ``old_name``, ``new_code``, ``effective_date``) and the name variants
    in ``data_dir``; a bad naamvarianten.csv is a ReferenceDataError."""
    variants_path = reference_file(data_dir or settings().data_dir, "naamvarianten.csv")
    variants = read_name_variants(variants_path) if variants_path.exists() else {}
    return GemeenteResolver(names, variants, {m.old_code: (m.old_name, m.new_code, m.effective_date) for m in mergers})


def load_reference(url: str | None = None, data_dir: Path | None = None) -> Reference:
    """Raises EtlError with a Dutch hint when the database has not been initialised."""
    eng = engine(url)
    if not inspect(eng).has_table("gemeente"):
        raise EtlError(NOT_INITIALISED)
    with Session(eng) as s:
        current = s.execute(
            select(Gemeente.code, Gemeente.name, Provincie.name)
            .join(Provincie, Provincie.code == Gemeente.provincie_code, isouter=True)
            .where(Gemeente.valid_to.is_(None))
        ).all()
        levels = s.execute(select(StatusLevel.onderdeel, StatusLevel.rank, StatusLevel.status, StatusLevel.is_done)).all()
        mergers = s.execute(select(Merger.old_code, Merger.old_name, Merger.new_code, Merger.effective_date)).all()
    if not current:
        raise EtlError(NOT_INITIALISED)
    if not levels:
        raise EtlError("De statussen (data/statussen.csv) zijn nog niet geladen. Voer eerst `etvi init` uit.")
    names = {code: name for code, name, _ in current}
    try:
        resolver = gemeente_resolver(names, mergers, data_dir)
    except ReferenceDataError as exc:
        raise EtlError(str(exc)) from None
    return Reference(
        contract=contract_from_levels([(o, r, st) for o, r, st, _ in levels]),
        resolver=resolver,
        names=names,
        provincies={code: prov or "" for code, _, prov in current},
        done={o: {st for oo, _, st, d in levels if oo == o and d} for o, _, _, _ in levels},
    )
