"""The store and the secret a deployment's settings name, for the server and every command alike.

``vikno serve``, ``vikno operator``, ``vikno store migrate`` and ``vikno nlu
export-feedback`` must open the same database with the same secret (the
store keeps platform ids only as hashes keyed with it); one function each
keeps them from drifting apart.
"""

from __future__ import annotations

from vikno.storage import make_store
from vikno.storage.identity import load_or_create_secret
from vikno.storage.port import Store

from .config import Settings


def deployment_secret(settings: Settings) -> bytes:
    """``VIKNO_SECRET_KEY``, else the data folder's key (made on first use)."""
    return load_or_create_secret(settings.data_dir,
                                 settings.secret_key.get_secret_value() if settings.secret_key else None)


def store_for(settings: Settings, secret: bytes | None = None) -> Store:
    """The embedded store, or MongoDB when the settings give a URI; not opened yet."""
    return make_store(data_dir=settings.data_dir,
                      mongodb_uri=settings.mongodb_uri.get_secret_value() if settings.mongodb_uri else None,
                      mongodb_database=settings.mongodb_database,
                      secret=secret if secret is not None else deployment_secret(settings))
