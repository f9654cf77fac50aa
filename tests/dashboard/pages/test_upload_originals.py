"""``/aanleveren`` in Chromium: a gemeente delivers a file, sees it under ‘Eerdere aanleveringen’
with a link to its original, and downloading it gives exactly the bytes it sent ("wat hebben wij
aangeleverd?"). Another gemeente's delivery is not listed, so it has no link; axe-core finds nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from etvi.accounts import users
from etvi.accounts.policy import Principal
from etvi.upload import service
from models import db
from tests.support.app import csv_file
from tests.support.axe import ALL_IMPACTS, run_axe
from tests.support.browser import wait_for_dash

pytestmark = [pytest.mark.browser, pytest.mark.geodata]


def test_a_gemeente_downloads_the_file_it_delivered(live, role_page, tmp_path):
    with db.session(live.db_url) as s:
        rotterdam = Principal.from_user(users.get_user(s, "rotterdam"))
    other = service.load_bytes(csv_file([("GM0599", "vastgesteld", "van Rotterdam")]), "rotterdam-bewijs.csv", principal=rotterdam, channel="api", url=live.db_url)
    assert other.outcome == "geladen"
    sent = csv_file([("GM0363", "in voorbereiding", "ons bewijs van aanlevering")])
    path = tmp_path / "amsterdam-bewijs.csv"
    path.write_bytes(sent)

    page = role_page("gemeente_a")
    page.goto(live.url + "/aanleveren")
    wait_for_dash(page, 30)
    page.locator("#aanl-upload input[type=file]").set_input_files(str(path))
    expect(page.locator("#aanl-goedgekeurd")).to_be_visible(timeout=30_000)
    page.locator("#aanl-bevestig").click()
    expect(page.locator("#aanl-opgeslagen")).to_be_visible(timeout=30_000)

    history = page.locator("#aanl-geschiedenis")
    expect(history).to_contain_text("amsterdam-bewijs.csv")
    expect(history).not_to_contain_text("rotterdam-bewijs.csv")
    expect(history.get_by_role("columnheader", name="Origineel")).to_be_visible()
    row = history.locator("tbody tr").filter(has_text="amsterdam-bewijs.csv")
    link = row.get_by_role("link", name="downloaden")
    expect(link).to_have_count(1)
    expect(link).to_have_accessible_name(re.compile(r"^Origineel amsterdam-bewijs\.csv van \d.+ downloaden$"))
    expect(history.get_by_role("link", name="downloaden")).to_have_count(1)  # only its own delivery has one
    assert run_axe(page, ALL_IMPACTS) == []  # the column and its links are accessible (WCAG 2.1 AA)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "amsterdam-bewijs.csv"
    assert Path(download.path()).read_bytes() == sent
    assert page.errors == []
