"""Learning from peers ("Zo deden anderen het", issue 12 item 5): for each onderdeel a gemeente has
not done yet, up to ``LIMIT`` gemeenten near it that have, each with its bron, so the gemeente can
see how they did it (the programme's koploper idea: koplopers are the examples for the rest).

- *Done* is the status levels' ``is_done`` (``data/statussen.csv``), never a status word in code.
- *Near*, in order of preference (``TIERS``): a shared region of any type other than the
  koploperregio (woningmarktregio, GGD-regio, …), then a shared koploperregio, then the same
  provincie. A gemeente near in more ways counts in its best tier; within a tier by name, then
  code. The gemeente itself is never its own example.
- Only a peer with a bron that is an http/https address is an example (the address is what it
  offers; uploads already refuse other schemes, this keeps a stray one out of a link).
- The state is the one as-of rule (``models.asof``): ``select`` takes a state frame from
  ``queries.status_asof`` or ``asof.asof`` (the dashboard's, with its kennis moment); ``at``
  reads it from the database with one query for all gemeenten. Vectorised: no query per gemeente.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd

from models import queries

LIMIT = 5
REGIO, KOPLOPER, PROVINCIE = "regio", queries.KOPLOPER, "provincie"
TIERS = (REGIO, KOPLOPER, PROVINCIE)  # order of preference
COLUMNS = ["onderdeel", "gemeente_code", "name", "tier", "via", "source_url"]
WEB_ADDRESS = r"^https?://\S+$"


def nearby(code: str, gemeenten: pd.DataFrame, memberships: pd.DataFrame) -> pd.DataFrame:
    """The current gemeenten near ``code`` (``gemeente_code``, ``name``, ``tier`` as the position in
    ``TIERS``, ``via``: the shared region or provincie), in order of preference, ``code`` left out."""
    m = memberships[["region_type", "region_code", "region_name", "gemeente_code"]]
    mine = m[m["gemeente_code"] == code]
    shared = m.merge(mine[["region_type", "region_code"]], on=["region_type", "region_code"])
    shared = shared.assign(tier=np.where(shared["region_type"] == KOPLOPER, TIERS.index(KOPLOPER), np.where(shared["region_type"] == PROVINCIE, TIERS.index(PROVINCIE), TIERS.index(REGIO))))
    shared = shared.rename(columns={"region_name": "via"})[["gemeente_code", "tier", "via"]]
    own = gemeenten.loc[gemeenten["code"] == code, "provincie_code"]
    provincie = own.iloc[0] if len(own) else None
    if isinstance(provincie, str) and provincie:
        same = gemeenten[gemeenten["provincie_code"] == provincie]
        via = same["provincie_name"] if "provincie_name" in same.columns else same["provincie_code"]
        shared = pd.concat([shared, pd.DataFrame({"gemeente_code": same["code"].astype(object), "tier": TIERS.index(PROVINCIE), "via": via.astype(object)})], ignore_index=True)
    names = gemeenten[["code", "name"]].rename(columns={"code": "gemeente_code"})
    near = shared[shared["gemeente_code"] != code].astype({"gemeente_code": object}).merge(names.astype({"gemeente_code": object}), on="gemeente_code")
    near = near.sort_values(["tier", "via", "name", "gemeente_code"], kind="stable").drop_duplicates("gemeente_code", keep="first")
    return near.sort_values(["tier", "name", "gemeente_code"], kind="stable").reset_index(drop=True)[["gemeente_code", "name", "tier", "via"]]


def done(status: pd.DataFrame, levels: pd.DataFrame) -> pd.Series:
    """Per row of ``status`` (onderdeel, status) whether it is a done status by the levels."""
    finished = levels.loc[levels["is_done"].astype(bool), ["onderdeel", "status"]].drop_duplicates()
    keys = pd.MultiIndex.from_frame(finished.astype(object))
    rows = pd.MultiIndex.from_arrays([status["onderdeel"].astype(object), status["status"].astype(object)])
    return pd.Series(rows.isin(keys), index=status.index)


def select(status: pd.DataFrame, gemeenten: pd.DataFrame, memberships: pd.DataFrame, levels: pd.DataFrame, code: str,
           onderdelen: list[str], limit: int = LIMIT) -> pd.DataFrame:  # fmt: skip
    """The examples for ``code``: for each of ``onderdelen`` it has not done in ``status`` (a state
    by the as-of rule: gemeente_code, onderdeel, status, source_url), up to ``limit`` nearby gemeenten
    that have, with an http/https bron; columns ``COLUMNS``, in order of preference per onderdeel."""
    is_done = done(status, levels)
    own_done = set(status.loc[is_done & (status["gemeente_code"] == code), "onderdeel"])
    wanted = [o for o in onderdelen if o not in own_done]
    source = status["source_url"].astype(object).where(status["source_url"].notna(), "").astype(str).str.strip()
    examples = status.loc[is_done & status["onderdeel"].isin(wanted) & source.str.match(WEB_ADDRESS, case=False), ["gemeente_code", "onderdeel"]]
    examples = examples.assign(source_url=source[examples.index], gemeente_code=examples["gemeente_code"].astype(object))
    near = nearby(code, gemeenten, memberships).assign(order=lambda f: np.arange(len(f)))
    found = near.merge(examples, on="gemeente_code").sort_values(["onderdeel", "order"], kind="stable")
    found = found.groupby("onderdeel", sort=False).head(limit)
    found = found.assign(onderdeel=pd.Categorical(found["onderdeel"], categories=wanted, ordered=True)).sort_values(["onderdeel", "order"], kind="stable")
    found = found.assign(onderdeel=found["onderdeel"].astype(object), tier=[TIERS[t] for t in found["tier"]])
    return found[COLUMNS].reset_index(drop=True)


def at(peildatum: date, codes: list[str], onderdelen: list[str], url: str | None = None, kennis: datetime | None = None) -> dict[str, pd.DataFrame]:
    """``select`` for each of ``codes`` at ``peildatum`` (as known at ``kennis``; None: now), read
    from the database once for all of them."""
    status = queries.status_asof(peildatum, url, kennis)
    gemeenten, memberships, levels = queries.gemeenten(url), queries.region_memberships(url=url), queries.status_levels(url)
    return {code: select(status, gemeenten, memberships, levels, code, onderdelen) for code in codes}
