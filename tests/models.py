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
import io
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

import pytest

from vikno.nlu.cli import main as nlu_main


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


class TrainedFile(NamedTuple):
    """A model file ``vikno nlu train`` wrote, and what the command said as it trained it."""

    path: Path
    code: int
    out: str
    err: str


def trained_by_the_command(folder: Path, name: str, argv: Sequence[str] = ()) -> TrainedFile:
    """``vikno nlu train --out folder/name *argv``, run once per test run (``trained_once``).

    Its exit code and printout are kept beside the file, so that a test of the command (tests/nlu/test_cli.py)
    checks them whichever worker trained it, without a training of its own.
    """
    said = folder / f"{name}.said.json"

    def train(path: Path) -> None:
        # written under another name and renamed last: the model file never stands there without its printout
        fresh = path.with_name(f"{name}.training")
        out, err = io.StringIO(), io.StringIO()
        code = nlu_main(["train", "--out", str(fresh), *argv], stdin=io.StringIO(), stdout=out, stderr=err)
        said.write_text(json.dumps({"code": code, "out": out.getvalue(), "err": err.getvalue()}), encoding="utf-8")
        assert code == 0 and fresh.exists(), err.getvalue()
        fresh.replace(path)

    return trained_once(folder, name, train, lambda path: TrainedFile(path, **json.loads(said.read_text("utf-8"))))
