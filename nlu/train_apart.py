"""Train the NLU models in a process of their own, which writes the model files and exits.

Why: training imports scikit-learn and SciPy and allocates the fold models, the feature matrices and the
sentence embeddings of every example; a process that trained keeps most of that memory for the rest of its
life (round 4 measured ``vikno serve`` at 440-450 MB after a first start that trained, 281 MB after a
restart that loaded the same models; ``malloc_trim`` gave nothing back). A fresh interpreter (spawned, not
forked from the serving process) trains and saves; the serving process then loads the files exactly as on
a restart, and the memory training used goes back to the system when the child exits.

The child writes each model to a temporary file, syncs it and renames it (``IntentClassifier.save``,
``CrisisModel.save``), so a child killed at any moment (kill -9, the out-of-memory killer) leaves either
the complete new file or none; a later start never loads half a model. The parent reports how the child
ended (:class:`TrainingFailed`) and keeps serving with the crisis rules meanwhile.

Run as ``python -m vikno.nlu.train_apart --data-dir DIR --source DIR [--only crisis] [--catch SHARE]``; exit
codes below.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

__all__ = ["CANNOT_SAVE", "TrainingFailed", "describe_exit", "run_training_child"]

log = logging.getLogger(__name__)

#: The child trained but could not write the model files (a read-only data folder): the caller may train in
#: its own process instead, as vikno did before, rather than answer without a model.
CANNOT_SAVE = 3
_PR_SET_PDEATHSIG = 1


class TrainingFailed(RuntimeError):
    """The training process ended without leaving usable model files (killed, or an error in the data)."""

    def __init__(self, message: str, returncode: int | None) -> None:
        super().__init__(message)
        self.returncode = returncode


def describe_exit(returncode: int) -> str:
    """How a child ended, in words for the journal: 'was killed by signal 9 (SIGKILL)', 'exited with code 1'."""
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = "unknown signal"
        return f"was killed by signal {-returncode} ({name})"
    if returncode == CANNOT_SAVE:
        return f"could not write the model files (exit code {CANNOT_SAVE})"
    return f"exited with code {returncode}"


def run_training_child(
    data_dir: Path,
    source: Path,
    *,
    only_crisis: bool = False,
    catch: float | None = None,
    on_start: Callable[[subprocess.Popen[bytes]], None] | None = None,
) -> None:
    """Train (what is missing or stale) in a fresh interpreter and wait for it; raise :class:`TrainingFailed`.

    The child's stderr is this process's stderr, so its progress lines and any traceback reach the journal.
    ``on_start`` is handed the child process (the serving app keeps it to stop it on shutdown).
    """
    argv = [sys.executable, "-m", "vikno.nlu.train_apart", "--data-dir", str(data_dir), "--source", str(source)]
    if only_crisis:
        argv += ["--only", "crisis"]
    if catch is not None:
        argv += ["--catch", repr(catch)]
    what = "crisis model" if only_crisis else "NLU models"
    log.info("training the %s in a separate process (the service answers with the crisis rules meanwhile)", what)
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, close_fds=True)
    if on_start is not None:
        on_start(proc)
    code = proc.wait()
    if code != 0:
        raise TrainingFailed(
            f"the process training the {what} (pid {proc.pid}) {describe_exit(code)}; no model file was replaced",
            code,
        )
    log.info("the training process wrote the %s", what)


def _die_with_parent() -> None:
    """Linux: end this child if the serving process dies (else an orphan would train on, holding memory)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not fatal: the parent also stops the child on a clean shutdown
        pass
    if os.getppid() == 1:  # the parent died before prctl took hold
        raise SystemExit(1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m vikno.nlu.train_apart", description=__doc__)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--source", type=Path, required=True)
    ap.add_argument("--only", choices=["crisis"], default=None)
    ap.add_argument("--catch", type=float, default=None)
    args = ap.parse_args(argv)
    _die_with_parent()
    logging.basicConfig(level=logging.INFO, format="vikno-nlu-train: %(levelname)s %(message)s", stream=sys.stderr)
    with_lower_priority()
    from .builtin import train_missing
    from .types import CATCH_DEFAULT

    catch = CATCH_DEFAULT if args.catch is None else args.catch
    if not train_missing(args.data_dir, args.source, only_crisis=args.only == "crisis", catch=catch):
        log.error("could not write the model files under %s", args.data_dir)
        return CANNOT_SAVE
    return 0


def with_lower_priority() -> None:
    """People's messages before training: the serving process shares the cores with this one."""
    try:
        os.nice(5)
    except OSError:  # not permitted: train at the same priority
        pass


if __name__ == "__main__":
    raise SystemExit(main())
