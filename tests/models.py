"""Models trained on the shipped data once per test run, shared by every pytest-xdist worker.

Why: the intent model on the shipped data takes some 20-30 s to train and the crisis model some 6 s, and
several files need the very same ones (the end-to-end tests, the REST channel with free text, the
classifier's accuracy floors, the crisis tables). Trained by each file, or by each worker, they were
minutes of the CI budget. The first worker that needs a model trains it under a file lock and saves it
in the run's own folder; every worker, that one included, then loads the file, so each test sees the same
model whichever worker trained it, and sees it as ``vikno serve`` does (trained apart, loaded from a file).

The file's name carries a hash of the training data, so a run never loads a model of other data. Nothing
is kept between runs: the folder is the run's (the parent of the workers' temporary folders under xdist,
the temporary folder itself in a plain ``pytest``), so a change to the classifier's code is always tested
on a model it trained.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest


def run_folder(factory: pytest.TempPathFactory) -> Path:
    """A folder of this run that every worker of it shares."""
    base = factory.getbasetemp()
    # xdist gives each worker <run>/popen-gwN; a plain pytest has <run> itself
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared-models"
    folder.mkdir(exist_ok=True)
    return folder


def data_hash(folder: Path) -> str:
    """The hash of every file under ``folder`` (names and bytes): a model's key."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def trained_once[T](folder: Path, name: str, train: Callable[[Path], None], load: Callable[[Path], T]) -> T:
    """``load`` of ``folder/name``, which ``train`` writes first if no worker of this run has yet.

    The lock is held while training, so a second worker that needs the same model waits for the first one's
    file instead of training it too.
    """
    path = folder / name
    with open(folder / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not path.exists():
                train(path)  # the models save through a temporary file renamed into place
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return load(path)
