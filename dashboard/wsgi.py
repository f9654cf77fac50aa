"""WSGI entry point: ``gunicorn dashboard.wsgi:server`` (``etvi serve`` does this for you).

Each worker process imports this module and builds its own app, engine and caches; the
caches of all workers follow the database's data version, so they agree.
"""

from dashboard.app import complete_setup, create_app, warm_up
from etvi import logging_config

logging_config.configure()  # the same lines under ``gunicorn dashboard.wsgi:server`` as under ``etvi serve``

app = create_app()
server = app.server
complete_setup(app)  # before this worker accepts its first request (plotly/dash#3971)
warm_up(app)
