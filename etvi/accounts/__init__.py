"""Accounts: roles and the access policy (``policy``), passwords, API tokens, login throttling,
browser sessions, user management and the audit trail. Import the module you need.
"""
