"""Settings are parsed once and kept while the ``ETVI_`` variables and the working folder stay the
same (a request asks for them several times), and a changed variable is seen at the next call."""

from __future__ import annotations

import pytest

from etvi import config


def test_settings_are_kept_while_the_environment_is_unchanged(monkeypatch):
    monkeypatch.setenv("ETVI_MAX_ROWS", "1234")
    first = config.settings()
    assert config.settings() is first
    assert first.max_rows == 1234


def test_a_changed_or_removed_variable_is_seen_at_once(monkeypatch):
    monkeypatch.setenv("ETVI_MAX_ROWS", "1234")
    assert config.settings().max_rows == 1234
    monkeypatch.setenv("ETVI_MAX_ROWS", "99")
    assert config.settings().max_rows == 99
    monkeypatch.delenv("ETVI_MAX_ROWS")
    assert config.settings().max_rows == 200_000


def test_a_bad_value_is_refused_on_every_call(monkeypatch):
    monkeypatch.setenv("ETVI_PORT", "acht")
    for _ in range(2):
        with pytest.raises(config.ConfigError, match="ETVI_PORT moet een geheel getal zijn"):
            config.settings()
    monkeypatch.setenv("ETVI_PORT", "8123")
    assert config.settings().port == 8123


def test_the_working_folder_is_part_of_the_key(monkeypatch, tmp_path):
    """Outside a clone the default data folder is ``data/`` of the working folder."""
    monkeypatch.setattr(config, "REPO_ROOT", tmp_path / "geen-kloon")
    monkeypatch.delenv("ETVI_DATA_DIR", raising=False)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    monkeypatch.chdir(tmp_path / "a")
    assert config.settings().data_dir == tmp_path / "a" / "data"
    monkeypatch.chdir(tmp_path / "b")
    assert config.settings().data_dir == tmp_path / "b" / "data"
