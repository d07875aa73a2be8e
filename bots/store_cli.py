"""``vikno store migrate|backup|restore``: look after the store from the shell.

``migrate`` brings the database to this vikno's schema and says what was
done (``vikno serve`` migrates at every start too; this is for doing it
beforehand, or to check; running it again does nothing).

``backup`` and ``restore`` are for the embedded store. A backup without the
secret key is worth nothing (stored ids cannot be decrypted, a platform's
retry is no longer recognised, REST tokens change), so the key goes with
it, or, when it is ``VIKNO_SECRET_KEY``, the output says to keep it with
the backup. MongoDB has its own tools (``mongodump``/``mongorestore``);
these commands say so instead of doing half a job.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from vikno.flows.content import Helpline
from vikno.flows.renamed_lines import move_renamed_lines
from vikno.storage.errors import ConfigurationError, StoreDamaged, StoreUnavailable
from vikno.storage.files import private_folder
from vikno.storage.identity import SECRET_FILENAME
from vikno.storage.sqlite.backup import backup, key_opens, restore, summary
from vikno.storage.sqlite.inuse import exclusively
from vikno.storage.sqlite.store import FILENAME

from .config import Settings
from .stores import data_folder, store_for

MONGODB_BACKUP = (
    'the store is MongoDB: back it up with `mongodump --uri "$MONGODB_URI" --out FOLDER` and restore '
    'it with `mongorestore --uri "$MONGODB_URI" FOLDER`; keep the secret key with the dump '
    "({key}): without it the stored ids cannot be read"
)


def run_store_command(
    args: argparse.Namespace, settings: Settings, helplines: Mapping[str, Helpline] | None = None
) -> int:
    if args.store_command == "backup":
        return _backup(settings, args.path)
    if args.store_command == "restore":
        return _restore(settings, args.path, force=args.force)
    return asyncio.run(_migrate(settings, helplines or {}))


def _refuse(message: str) -> int:
    print(f"vikno: {message}", file=sys.stderr)
    return 2


def _key_source(settings: Settings) -> str:
    return "VIKNO_SECRET_KEY" if settings.secret_key else str(data_folder(settings) / SECRET_FILENAME)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _backup(settings: Settings, target: Path) -> int:
    if settings.mongodb_uri:
        return _refuse(MONGODB_BACKUP.format(key=_key_source(settings)))
    folder = data_folder(settings)
    target = target.absolute()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        return _refuse(f"{target} exists and is not an empty folder: name a new folder for the backup")
    if target == folder or folder in target.parents:
        return _refuse(f"{target} is inside the data folder: keep backups elsewhere (another disk, another machine)")
    private_folder(target)
    try:
        found = backup(folder / FILENAME, target / FILENAME)
    except StoreDamaged as exc:
        return _refuse(f"the store cannot be backed up: {exc}")
    print(f"vikno: backed up {folder / FILENAME} ({found}) to {target / FILENAME}")
    if settings.secret_key:
        print(
            "vikno: the secret key is VIKNO_SECRET_KEY and was not copied: keep it with this backup "
            "(without it the backup's ids cannot be read)"
        )
    else:
        _write_private(target / SECRET_FILENAME, (folder / SECRET_FILENAME).read_bytes())
        print(
            f"vikno: the secret key copied to {target / SECRET_FILENAME}: keep the backup as private as the data folder"
        )
    return 0


def _restore(settings: Settings, source: Path, *, force: bool) -> int:
    if settings.mongodb_uri:
        return _refuse(MONGODB_BACKUP.format(key=_key_source(settings)))
    source = source.absolute()
    backed_up = source / FILENAME
    if not backed_up.is_file():
        return _refuse(f"no backup in {source} (no {FILENAME}); name a folder made by `vikno store backup`")
    try:
        summary(backed_up)
    except StoreDamaged as exc:
        return _refuse(str(exc))
    folder = data_folder(settings)
    database, key_file = folder / FILENAME, folder / SECRET_FILENAME
    backup_key = (source / SECRET_FILENAME).read_bytes().strip() if (source / SECRET_FILENAME).is_file() else None
    configured = settings.secret_key.get_secret_value().encode() if settings.secret_key else None
    existing_key = key_file.read_bytes().strip() if key_file.is_file() else None
    if backup_key and configured and backup_key != configured:
        return _refuse(
            f"the backup's {SECRET_FILENAME} is not VIKNO_SECRET_KEY: the data was written with the "
            f"backup's key; unset VIKNO_SECRET_KEY or set it to that key"
        )
    key = backup_key or configured or existing_key
    if key is None:
        return _refuse(
            f"the backup holds no {SECRET_FILENAME} and VIKNO_SECRET_KEY is not set: set it to the key "
            "this data was written with"
        )
    if key_opens(backed_up, key) is False:
        which = "the backup's" if backup_key else _key_source(settings)
        return _refuse(f"the secret key ({which}) does not open this backup's data: it was written with another key")
    replaced_key = backup_key is not None and existing_key is not None and existing_key != backup_key
    private_folder(folder)
    stamp = f".before-restore-{datetime.now():%Y%m%dT%H%M%S}"
    try:
        with exclusively(database):
            if (database.exists() or replaced_key) and not force:
                return _refuse(
                    f"{folder} holds a store already: add --force to replace it (the files there are "
                    f"kept beside it, renamed *{stamp})"
                )
            found = restore(backed_up, database, keep_replaced_as=stamp)
            if backup_key is not None and existing_key != backup_key:
                if existing_key is not None:
                    os.replace(key_file, key_file.with_name(key_file.name + stamp))
                _write_private(key_file, backup_key + b"\n")
    except (ConfigurationError, StoreDamaged) as exc:  # in use, or a newer vikno's backup
        return _refuse(f"nothing was restored: {exc}")
    except sqlite3.Error as exc:  # e.g. a process that opened the file without vikno's lock
        return _refuse(f"the restore stopped: {exc}; nothing was restored, the data folder is as it was")
    print(f"vikno: restored {database} from {backed_up} ({found})")
    if backup_key is not None:
        print(f"vikno: the secret key restored to {key_file}")
    else:
        print(f"vikno: the backup had no secret key; it is read with {_key_source(settings)}")
    print("vikno: start `vikno serve`: it brings an older backup to this vikno's schema")
    return 0


async def _migrate(settings: Settings, helplines: Mapping[str, Helpline]) -> int:
    store = store_for(settings)
    try:
        await store.open()
        renamed = await move_renamed_lines(store, helplines)
    except (StoreUnavailable, StoreDamaged, ConfigurationError) as exc:
        print(f"vikno: the store cannot be migrated: {exc}", file=sys.stderr)
        return 2
    finally:
        await store.close()
    for done in renamed:
        print(f"vikno: {done}")
    if store.migrated:
        print(f"vikno: the {store.kind} store is now at schema version {store.schema_version}; migrated:")
        for done in store.migrated:
            print(f"  - {done}")
    else:
        print(f"vikno: the {store.kind} store is at schema version {store.schema_version}: up to date")
    return 0
