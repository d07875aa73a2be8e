"""Storage: one port (``port.py``), two adapters (``sqlite/``, ``mongo/``)."""

from __future__ import annotations

from pathlib import Path

from .errors import Conflict, ConfigurationError, StorageError, StoreDamaged, StoreUnavailable
from .identity import load_or_create_secret
from .port import Store


def make_store(
    *, data_dir: Path, mongodb_uri: str | None = None, mongodb_database: str | None = None, secret: bytes | None = None
) -> Store:
    """The embedded SQLite store unless a MongoDB URI is given.

    ``secret`` is the deployment's secret key (``load_or_create_secret``): the
    store keeps platform message ids only as keyed hashes made with it.
    """
    if secret is None:
        secret = load_or_create_secret(data_dir, None)
    if mongodb_uri:
        from .mongo.store import MongoStore

        return MongoStore(mongodb_uri, mongodb_database, secret=secret)
    from .sqlite.store import SqliteStore

    return SqliteStore(data_dir, secret=secret)


__all__ = ["Conflict", "ConfigurationError", "StorageError", "Store", "StoreDamaged", "StoreUnavailable", "make_store"]
