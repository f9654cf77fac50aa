"""A round with a known history, for the tests of etvi/uitvraag and ``etvi uitvraag``.

Accounts (password ``PASSWORD``): ``ams`` (GM0363 Amsterdam), ``utr`` (GM0344 Utrecht), ``rdm``
(GM0599 Rotterdam), ``noord`` (GM0014 Groningen and GM0080 Leeuwarden, one address), ``zonder``
(GM0518 's-Gravenhage, no address), ``uit`` (GM0153 Enschede, disabled), ``nh`` (provincie
PV27) and ``vng`` (beheerder). A baseline at ``BASE`` for Amsterdam, Utrecht and Rotterdam.

The round tests start from ``prepare`` (accounts and baseline, no round) or ``build`` (also an
open round, and the answers by file of the accounts named), and log in with ``client_as``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import select

from etvi.accounts import users
from etvi.uitvraag import rounds
from etvi.upload import service
from models import db
from models.tables import Gemeente
from tests.support.app import login

BASE = date(2026, 1, 1)
PEILDATUM = date(2026, 11, 30)
DEADLINE = date(2026, 12, 31)
PASSWORD = "een-lang-testwachtwoord"
ADDRESSES = {"ams": "ams@amsterdam.example", "utr": "utr@utrecht.example", "rdm": "rdm@rotterdam.example", "noord": "noord@noorden.example"}
GEMEENTE = {"ams": "GM0363", "utr": "GM0344", "rdm": "GM0599"}  # the gemeente of each account with a baseline
HEADER = "gemeentecode;peildatum;verordening;verordening vastgesteld op;woonzorgvisie;toelichting;bron"


def status_csv(rows: list[tuple[str, str, str, str, str, str]], peildatum: date) -> bytes:
    """(code, verordening, vastgesteld op, woonzorgvisie, toelichting, bron) rows as a semicolon CSV."""
    lines = [HEADER] + [f"{code};{peildatum.isoformat()};{v};{d};{w};{t};{b}" for code, v, d, w, t, b in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


BASELINE = [
    ("GM0363", "vastgesteld", "2025-06-01", "in concept", "besluit raad", "https://amsterdam.example/verordening"),
    ("GM0344", "in voorbereiding", "", "geen", "", ""),
    ("GM0599", "geen", "", "vastgesteld", "", ""),
]


@dataclass
class Scene:
    url: str
    round_id: int

    def user(self, name: str):
        with db.session(self.url) as s:
            found = users.get_user(s, name)
            s.expunge(found)
            return found


def make_accounts(url: str) -> None:
    with db.session(url) as s:
        for name, codes in [("ams", ["GM0363"]), ("utr", ["GM0344"]), ("rdm", ["GM0599"]), ("noord", ["GM0014", "GM0080"])]:
            users.create_user(s, name, "gemeente", codes, password=PASSWORD, email=ADDRESSES[name])
        users.create_user(s, "zonder", "gemeente", ["GM0518"], password=PASSWORD)
        users.create_user(s, "uit", "gemeente", ["GM0153"], password=PASSWORD, email="uit@enschede.example")
        users.disable_user(s, "uit")
        users.create_user(s, "nh", "provincie", provincie_code="PV27", password=PASSWORD, email="nh@provincie.example")
        users.create_user(s, "vng", "beheerder", password=PASSWORD, email="vng@vng.example")


def load_baseline(url: str, tmp_path: Path) -> None:
    path = tmp_path / "basis.csv"
    path.write_bytes(status_csv(BASELINE, BASE))
    result = service.load_file(path, url=url)
    assert result.outcome == "geladen", result.problems


def prepare(url: str, tmp_path: Path) -> None:
    """The accounts and the baseline, no round yet."""
    make_accounts(url)
    load_baseline(url, tmp_path)


def new_round(url: str, title: str = "Uitvraag najaar 2026", peildatum: date = PEILDATUM, deadline: date = DEADLINE,
              actor: str = "vng", opened: bool = True) -> int:  # fmt: skip
    """A round made (and opened unless told) by ``actor`` through the rounds service; its id."""
    with db.session(url) as s:
        made = rounds.create_round(s, title, peildatum, deadline, actor=actor, url=url)
        if opened:
            rounds.open_round(s, made.id, actor=actor)
        return made.id


def build(url: str, tmp_path: Path, open_round: bool = True, answered: tuple[str, ...] = ()) -> Scene:
    """Accounts, the baseline and a round at ``PEILDATUM`` (open unless told), answered with a
    file by the gemeente of each account in ``answered`` (``"ams"``, ``"utr"``, ``"rdm"``)."""
    prepare(url, tmp_path)
    scene = Scene(url, new_round(url, opened=open_round))
    for username in answered:
        answer_with_file(url, tmp_path, GEMEENTE[username], username)
    return scene


def gemeenten_in(provincie: str):
    """A query for the current gemeentecodes of ``provincie``."""
    return select(Gemeente.code).where(Gemeente.provincie_code == provincie, Gemeente.valid_to.is_(None))


def answer_with_file(url: str, tmp_path: Path, code: str, username: str, peildatum: date = PEILDATUM) -> None:
    """A gemeente's file at ``peildatum`` through the upload service (the page's channel): its answer to the round."""
    path = tmp_path / f"{code}-{peildatum.isoformat()}.csv"
    path.write_bytes(status_csv([(code, "vastgesteld", "2026-11-01", "in concept", "antwoord op de uitvraag", "")], peildatum))
    result = service.load_file(path, url=url, username=username, channel="web")
    assert result.outcome == "geladen", result.problems


def make_round_on_page(page, title: str, peildatum: str, deadline: str, open_now: bool) -> None:
    """Fill in the form on /uitvragen (``open_now``: tick "Meteen openen") and press "Uitvraag maken"."""
    page.get_by_label("Titel").fill(title)
    page.get_by_label("Gemeld per").fill(peildatum)
    page.get_by_label("Deadline").fill(deadline)
    page.get_by_label("Meteen openen").set_checked(open_now)
    page.get_by_role("button", name="Uitvraag maken").click()


def client_as(app, username: str):
    """A Flask test client of ``app``, logged in through the form as the account ``username``."""
    client = app.server.test_client()
    login(client, username, PASSWORD)
    return client
