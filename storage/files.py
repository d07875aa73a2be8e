"""The data folder is private: the folder 0700, every file in it 0600.

It holds the database (what children wrote about abuse), its WAL and
shared-memory files, and the secret key: nobody but the account vikno runs
as may read any of it. Files are created private, and a folder that
already exists with looser modes (made by an older vikno, by hand, or
under a lax umask) is tightened whenever the store opens it.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: Path) -> Path:
    """Create ``path`` (and missing parents) 0700; tighten it when it exists looser."""
    path = Path(path)
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    _tighten(path, FOLDER_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty with mode 0600 unless it exists; tighten it when it is looser.

    SQLite gives a database's ``-wal`` and ``-shm`` files the mode of the
    database file, so creating that one 0600 first keeps them private too.
    """
    path = Path(path)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        _tighten(path, FILE_MODE)
    return path


def tighten_folder(folder: Path) -> None:
    """Take group and other permissions off the folder and everything in it."""
    folder = Path(folder)
    if not folder.is_dir():
        return
    _tighten(folder, FOLDER_MODE)
    for root, dirs, files in os.walk(folder):
        for name in dirs:
            _tighten(Path(root) / name, FOLDER_MODE)
        for name in files:
            _tighten(Path(root) / name, FILE_MODE)


def _tighten(path: Path, most: int) -> None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:  # e.g. a WAL removed by a checkpoint meanwhile
        return
    if stat.S_ISLNK(st.st_mode):
        return  # never follow a link out of the folder
    mode = stat.S_IMODE(st.st_mode)
    if mode & ~most:
        try:
            os.chmod(path, mode & most)
        except PermissionError:
            log.warning("cannot make %s private (mode %o): it belongs to another account", path, mode)
            return
        log.info("made %s private (mode %o was %o)", path, mode & most, mode)
