"""Same account fixtures as tests/accounts: a fixed secret key and cheap password hashing."""

from tests.accounts.conftest import _fast_hashing, _secret_key  # noqa: F401  (fixtures)
