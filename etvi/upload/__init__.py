"""The upload service: the one way a status file (or form) reaches the database.

The CLI, the API and the pages call it; it alone writes the upload log (``upload`` rows).
"""
