"""Write a model file so that a crash or a power cut leaves the old file or the new one, never neither.

Both model files (the intent classifier's and the crisis model's) were written to a private temporary
file and renamed into place, but nothing was flushed to the disk: after a power cut the rename could
reach the disk before the data (ext4 and XFS may order them so), and the next start found an empty or
truncated model where a good one had been. The helper fsyncs the file before the rename and the folder
after it (the rename itself is an entry in the folder). The temporary file has a name of its own in the
same folder (a rename never crosses file systems; two writers never share one), mode 0600, and is removed
when writing fails.
"""

from __future__ import annotations

import glob
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

__all__ = ["STALE_AFTER", "write_durably"]

#: Seconds after which a temporary model file is a dead writer's: training writes a model in seconds.
STALE_AFTER = 600


def write_durably(path: Path | str, write: Callable[[BinaryIO], None]) -> None:
    """Create or replace ``path`` (mode 0600) with what ``write`` writes to the file it is given.

    The folder is created private (0700) if it is missing: it lies inside vikno's data folder.
    """
    path = Path(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _remove_stale(path)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # mode 0600
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _remove_stale(path: Path) -> None:
    """Temporary files of ``path`` older than STALE_AFTER: a writer killed mid-write (kill -9, a power cut)
    leaves its file behind, and a training killed over and over would fill the data folder with them. A newer
    one may be another writer's, under way: kept."""
    now = time.time()
    for left in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        try:
            if now - left.stat().st_mtime > STALE_AFTER:
                left.unlink()
        except OSError:  # gone already, or not ours to remove: the write goes on
            pass


def _sync_folder(folder: Path) -> None:
    """Make the rename durable: the new name is an entry of the folder, written when the folder is synced."""
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
