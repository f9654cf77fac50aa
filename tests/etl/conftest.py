"""Fixtures for the ETL tests: the reference data as the loader reads it, a gemeente resolver and
the input contract without a database. (Their helpers are in tests/support/etl.py.)"""

from __future__ import annotations

import pytest

from etl.contract import contract_from_levels
from etl.gemeenten import GemeenteResolver
from etl.lookups import load_reference
from etl.referencedata import read_mergers, read_name_variants, read_status_levels
from tests.support.database import sample_geography
from tests.support.paths import REPO


@pytest.fixture
def ref(ref_db):
    return load_reference(ref_db)


@pytest.fixture(scope="session")
def resolver() -> GemeenteResolver:
    """Without a database: the same inputs the loader reads from it."""
    _, gemeenten = sample_geography()
    mergers = {m.old_code: (m.old_name, m.new_code, m.effective_date) for m in read_mergers(REPO / "data" / "fusies.csv")}
    return GemeenteResolver(dict(zip(gemeenten.code, gemeenten.name)), read_name_variants(REPO / "data" / "naamvarianten.csv"), mergers)


@pytest.fixture(scope="session")
def contract():
    levels = read_status_levels(REPO / "data" / "statussen.csv")
    return contract_from_levels([(lv.onderdeel, lv.rank, lv.status) for lv in levels])
