"""``vikno store migrate``: bring the database to this vikno's schema, and say what was done.

``vikno serve`` migrates at every start too; this is for doing it
beforehand (say, before switching workers over), or to check. Running it
again does nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from vikno.storage.errors import ConfigurationError, StoreDamaged, StoreUnavailable

from .config import Settings
from .stores import store_for


def run_store_command(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_migrate(settings))


async def _migrate(settings: Settings) -> int:
    store = store_for(settings)
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
