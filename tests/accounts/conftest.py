import pytest
from argon2 import PasswordHasher

from etvi.accounts import passwords


@pytest.fixture(autouse=True)
def _secret_key(monkeypatch):
    """Keep tests from generating data/secret_key in the working tree."""
    monkeypatch.setenv("ETVI_SECRET_KEY", "test-secret-key-not-for-production")


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch):
    """Cheap Argon2id parameters in this process (each real hash takes ~0.2 s); the CLI in a
    subprocess and production keep the library's recommended ones."""
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
