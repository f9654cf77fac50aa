"""The ETVI-monitor dashboard (Dash): ``create_app`` in ``dashboard.app``, WSGI entry ``dashboard.wsgi``.

See dashboard/README.md for the structure, the pages and their query parameters, caching and
speed, accessibility, tests and the benchmark.
"""
