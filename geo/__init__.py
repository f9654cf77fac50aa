"""Boundaries, reference tables and browser shapes for gemeenten, provincies and regio's.

Modules: ``errors`` (the one exception users see), ``boundaries`` (finding, downloading and
reading boundary files), ``reference`` (code/name tables and regio memberships) and
``shapes`` (small GeoJSON for the browser).
"""
