"""The store and the secret a deployment's settings name, for the server and every command alike.

``vikno serve``, ``vikno operator``, ``vikno store`` and ``vikno nlu
export-feedback`` must open the same database with the same secret (the
store keeps platform ids only as hashes keyed with it); one function each
keeps them from drifting apart.

Each command also says first which data folder and store it uses
(:func:`describe`): the data folder defaults to ``.vikno-data`` in the
folder the command runs from, and a command run from the wrong folder
would otherwise quietly work on another, empty store. Commands that only
read or change what exists refuse a store that is not there
(:func:`missing_store`) instead of making a new empty one.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from vikno.storage import make_store
from vikno.storage.identity import SECRET_FILENAME, load_or_create_secret
from vikno.storage.port import Store
from vikno.storage.sqlite.store import FILENAME as SQLITE_FILENAME

from .config import Settings


def deployment_secret(settings: Settings) -> bytes:
    """``VIKNO_SECRET_KEY``, else the data folder's key (made on first use)."""
    return load_or_create_secret(
        settings.data_dir, settings.secret_key.get_secret_value() if settings.secret_key else None
    )


def store_for(settings: Settings, secret: bytes | None = None) -> Store:
    """The embedded store, or MongoDB when the settings give a URI; not opened yet."""
    return make_store(
        data_dir=settings.data_dir,
        mongodb_uri=settings.mongodb_uri.get_secret_value() if settings.mongodb_uri else None,
        mongodb_database=settings.mongodb_database,
        secret=secret if secret is not None else deployment_secret(settings),
    )


def data_folder(settings: Settings) -> Path:
    return Path(settings.data_dir).absolute()


def mongodb_where(uri: str, database: str | None) -> str:
    """``database 'vikno' at db1,db2:27018``: the hosts without user name or password."""
    parts = urlsplit(uri)
    hosts = parts.netloc.rsplit("@", 1)[-1]
    name = database or parts.path.strip("/") or "vikno"
    return f"database {name!r} at {hosts}"


def describe(settings: Settings) -> str:
    """One line: the data folder (and whether it exists), the store, and where the secret key comes from."""
    folder = data_folder(settings)
    state = "" if folder.is_dir() else " (does not exist yet)"
    if settings.mongodb_uri:
        store = f"MongoDB {mongodb_where(settings.mongodb_uri.get_secret_value(), settings.mongodb_database)}"
    else:
        store = f"SQLite {folder / SQLITE_FILENAME}"
    key = "VIKNO_SECRET_KEY" if settings.secret_key else str(folder / SECRET_FILENAME)
    return f"data folder {folder}{state}; store: {store}; secret key: {key}"


def missing_store(settings: Settings) -> str | None:
    """Why there is no existing store to read here, or None.

    SQLite: the database file must exist. MongoDB: the database is on the
    server, but without ``VIKNO_SECRET_KEY`` its key lives in the data
    folder, and a new key would make every stored id unreadable.
    """
    folder = data_folder(settings)
    hint = (
        "run the command where `vikno serve` keeps its data, or name that folder with VIKNO_DATA_DIR "
        "or --config (the data folder defaults to .vikno-data in the current folder)"
    )
    if not settings.mongodb_uri:
        if not (folder / SQLITE_FILENAME).is_file():
            what = "does not exist" if not folder.exists() else f"holds no {SQLITE_FILENAME}"
            return f"no vikno store here: the data folder {folder} {what}; {hint}"
        return None
    if not settings.secret_key and not (folder / SECRET_FILENAME).is_file():
        what = "does not exist" if not folder.exists() else f"holds no {SECRET_FILENAME}"
        return (
            f"no secret key for this MongoDB store: VIKNO_SECRET_KEY is not set and the data folder {folder} "
            f"{what}; {hint}"
        )
    return None
