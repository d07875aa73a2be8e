"""Storage: one port (``port.py``), two adapters (``sqlite/``, ``mongo/``)."""

from __future__ import annotations

from pathlib import Path

from .errors import Conflict, ConfigurationError, StorageError, StoreUnavailable
from .port import Store


def make_store(*, data_dir: Path, mongodb_uri: str | None = None, mongodb_database: str | None = None) -> Store:
    """The embedded SQLite store unless a MongoDB URI is given."""
    if mongodb_uri:
        from .mongo.store import MongoStore

        return MongoStore(mongodb_uri, mongodb_database)
    from .sqlite.store import SqliteStore

    return SqliteStore(data_dir)


__all__ = ["Conflict", "ConfigurationError", "StorageError", "Store", "StoreUnavailable", "make_store"]
