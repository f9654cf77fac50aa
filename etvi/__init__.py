"""ETVI-monitor: application glue (configuration and the ``etvi`` command)."""
