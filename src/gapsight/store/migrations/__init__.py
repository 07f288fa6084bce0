"""Alembic migrations of the gapsight schema (run them with :mod:`gapsight.store.migrate`)."""
