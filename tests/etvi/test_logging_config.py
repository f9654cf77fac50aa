"""The server's log goes to whatever stderr is at the moment of each line."""

import io
import logging
import sys

import pytest

from etvi import logging_config


@pytest.fixture
def restored_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_a_swapped_stderr_gets_the_lines_and_a_closed_one_is_not_written(monkeypatch, restored_logging):
    first, second = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    logging_config.configure("text")
    logging.getLogger("etvi.test").info("eerste regel")
    first.close()
    monkeypatch.setattr(sys, "stderr", second)
    logging.getLogger("etvi.test").info("tweede regel")
    assert "etvi.test: tweede regel" in second.getvalue()
    assert "Logging error" not in second.getvalue()
