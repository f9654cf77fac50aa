"""The per-server objects pages and callbacks use: data source and shape store.

Stored on the Flask app (``server.extensions['etvi']``) so several apps (tests, other
databases) can live in one process; pages reach them through ``current()``.
"""

from __future__ import annotations

from dataclasses import dataclass

import flask

from dashboard.data import DataSource, Version
from dashboard.shapes import ShapeFile, ShapeStore, ShapesUnavailable

INCOMPLETE = "etvi_answer_incomplete"  # flask.g: this answer lacks what may come back (boundaries), keep it nowhere


@dataclass
class Runtime:
    data: DataSource
    shapes: ShapeStore

    def shape(self, level: str, version: Version | None = None) -> ShapeFile:
        """The browser shapes for ``level`` (gemeente, provincie or a loaded region type)."""
        v = version or self.data.version()
        memberships = None
        if level not in ("gemeente", "provincie"):
            ref = self.data.reference(v)
            if level not in ref.region_types:
                raise ShapesUnavailable(f"Er is geen regio-indeling {level!r} geladen.")
            memberships = ref.memberships
        return self.shapes.get(level, v.geo_year, memberships)

    def shape_or_none(self, level: str, version: Version | None = None) -> tuple[ShapeFile | None, str | None]:
        try:
            return self.shape(level, version), None
        except ShapesUnavailable as exc:
            if flask.has_request_context():
                setattr(flask.g, INCOMPLETE, True)
            return None, str(exc)

    def resolve_shape(self, level: str) -> ShapeFile | None:
        """For the shapes route: the current file of ``level`` (None for unknown levels)."""
        if not level.replace("_", "").replace("-", "").isalnum():
            return None
        return self.shape(level)


def current() -> Runtime:
    return flask.current_app.extensions["etvi"]
