"""``vikno store migrate``: bring the database to this vikno's schema, and say what was done.

``vikno serve`` migrates at every start too; this is for doing it
beforehand (say, before switching workers over), or to check. Running it
again does nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from vikno.storage import make_store
from vikno.storage.errors import ConfigurationError, StoreDamaged, StoreUnavailable
from vikno.storage.identity import load_or_create_secret

from .config import Settings


def run_store_command(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_migrate(settings))


async def _migrate(settings: Settings) -> int:
    secret = load_or_create_secret(settings.data_dir,
                                   settings.secret_key.get_secret_value() if settings.secret_key else None)
    store = make_store(data_dir=settings.data_dir,
                       mongodb_uri=settings.mongodb_uri.get_secret_value() if settings.mongodb_uri else None,
                       mongodb_database=settings.mongodb_database, secret=secret)
    try:
        await store.open()
    except (StoreUnavailable, StoreDamaged, ConfigurationError) as exc:
        print(f"vikno: the store cannot be migrated: {exc}", file=sys.stderr)
        return 2
    finally:
        await store.close()
    if store.migrated:
        print(f"vikno: the {store.kind} store is now at schema version {store.schema_version}; migrated:")
        for done in store.migrated:
            print(f"  - {done}")
    else:
        print(f"vikno: the {store.kind} store is at schema version {store.schema_version}: up to date")
    return 0
