import pytest


@pytest.fixture(autouse=True)
def _accounts_defaults(fixed_secret_key, fast_hashing):
    """Every test here: a fixed secret key and cheap password hashing (tests/conftest.py)."""
