"""Routes that fail on purpose, to test the answers of dashboard.faults."""

from __future__ import annotations


def add_failing_routes(app, error: Exception, page: str | None = "/kapot", api: str | None = "/api/v1/kapot") -> None:
    """Add to ``app``'s Flask server a page route ``page`` and an API route ``api`` (``None``:
    leave it out) that raise ``error``."""

    def failing():
        raise error

    for path in (page, api):
        if path is not None:
            app.server.add_url_rule(path, f"failing{path.replace('/', '_')}", failing)
