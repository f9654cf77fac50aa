"""Migration 0012 (``publicatie.referentie`` and ``publicatie.csv``): a publicatie made before it
is frozen at upgrade time, from the reference data of then, and its page and csv keep working;
downgrading drops both columns and keeps the publicaties. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from alembic import command
from sqlalchemy import inspect, text

from etvi import publicatie as publicaties
from models import db, frozen_reference
from tests.support.app import make_app, page_content
from tests.support.database import create_database, load_reference_data


def test_migration_0012_freezes_existing_publicaties_and_downgrades(backend, tmp_path):
    url, drop = create_database(backend, tmp_path)
    try:
        db.upgrade(url, "0011")
        load_reference_data(url)
        kennis = datetime.now(timezone.utc) - timedelta(days=1)
        with db.engine(url).begin() as conn:
            conn.execute(
                text("INSERT INTO statusrecord (gemeente_code, onderdeel, status, peildatum, created_at) VALUES ('GM0363', 'verordening', 'vastgesteld', :p, :t)"),
                {"p": date(2024, 6, 1), "t": kennis - timedelta(days=1)},
            )
            conn.execute(
                text("INSERT INTO publicatie (titel, peildatum, kennis, username, created_at) VALUES ('Oud', :p, :k, 'vng', :k)"),
                {"p": date(2024, 12, 31), "k": kennis if backend == "postgresql" else kennis.replace(tzinfo=None)},
            )
        db.dispose_all()
        db.upgrade(url, "0012")
        assert db.current_revision(url) == "0012"
        [p] = publicaties.all_publicaties(url)
        stored = publicaties.csv_bytes(p, url)
        assert stored == publicaties.frozen_csv(p.peildatum, p.kennis, url) and b"GM0363;Amsterdam;Noord-Holland;" in stored
        with db.engine(url).connect() as conn:
            referentie = conn.execute(text("SELECT referentie FROM publicatie")).scalar_one()
        frames, _ = frozen_reference.thaw(referentie)
        assert frames["gemeenten"].equals(frozen_reference.live_frames(url)["gemeenten"])
        c = make_app(url).server.test_client()
        assert "1 van 342 gemeenten" in page_content(c, f"/publicatie/{p.id}") and c.get(f"/publicatie/{p.id}.csv").get_data() == stored
        db.dispose_all()
        command.downgrade(db.alembic_config(url), "0011")
        db.dispose_all()
        assert db.current_revision(url) == "0011"
        assert {"referentie", "csv"}.isdisjoint(c["name"] for c in inspect(db.engine(url)).get_columns("publicatie"))
        with db.engine(url).connect() as conn:
            assert conn.execute(text("SELECT titel FROM publicatie")).scalars().all() == ["Oud"]
        db.dispose_all()
        db.upgrade(url)  # and up again
        assert publicaties.csv_bytes(publicaties.get(p.id, url), url) == stored
    finally:
        db.dispose_all()
        drop()
