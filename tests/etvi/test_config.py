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


def test_token_lifetimes_are_validated(monkeypatch):
    """ETVI_TOKEN_DAYS (default 365) and ETVI_TOKEN_MAX_DAYS (730): whole days, at least 1, the
    default not beyond the maximum (else every token without a chosen date would be refused)."""
    monkeypatch.delenv("ETVI_TOKEN_DAYS", raising=False)
    monkeypatch.delenv("ETVI_TOKEN_MAX_DAYS", raising=False)
    assert (config.settings().token_days, config.settings().token_max_days) == (365, 730)
    for days, most, message in (("0", "730", "ETVI_TOKEN_DAYS moet een geheel getal van minstens 1"), ("een jaar", "730", "ETVI_TOKEN_DAYS moet een geheel getal"), ("400", "300", "ETVI_TOKEN_DAYS (400) mag niet groter zijn dan ETVI_TOKEN_MAX_DAYS (300)")):
        monkeypatch.setenv("ETVI_TOKEN_DAYS", days)
        monkeypatch.setenv("ETVI_TOKEN_MAX_DAYS", most)
        with pytest.raises(config.ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
            config.settings()
    monkeypatch.setenv("ETVI_TOKEN_DAYS", "30")
    assert config.settings().token_days == 30


def test_token_warning_window_is_validated(monkeypatch):
    """ETVI_TOKEN_WARN_DAYS (default 30): whole days, at least 1, not beyond ETVI_TOKEN_MAX_DAYS
    (a longer window would warn about every token the day it is made)."""
    for key in ("ETVI_TOKEN_WARN_DAYS", "ETVI_TOKEN_DAYS", "ETVI_TOKEN_MAX_DAYS"):
        monkeypatch.delenv(key, raising=False)
    assert config.settings().token_warn_days == 30
    for warn, message in (("0", "ETVI_TOKEN_WARN_DAYS moet een geheel getal van minstens 1"), ("een maand", "ETVI_TOKEN_WARN_DAYS moet een geheel getal"), ("800", r"ETVI_TOKEN_WARN_DAYS \(800\) mag niet groter zijn dan ETVI_TOKEN_MAX_DAYS \(730\)")):
        monkeypatch.setenv("ETVI_TOKEN_WARN_DAYS", warn)
        with pytest.raises(config.ConfigError, match=message):
            config.settings()
    monkeypatch.setenv("ETVI_TOKEN_WARN_DAYS", "14")
    assert config.settings().token_warn_days == 14
