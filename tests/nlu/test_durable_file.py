"""Model files written durably (nlu/durable_file.py): private, whole, synced, and the old one kept on failure."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pytest

from vikno.nlu import durable_file
from vikno.nlu.durable_file import write_durably


def test_the_file_is_written_private_in_a_private_folder(tmp_path: Path) -> None:
    path = tmp_path / "data" / "nlu" / "model.pkl"
    write_durably(path, lambda fh: fh.write(b"a model"))
    assert path.read_bytes() == b"a model"
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert sorted(p.name for p in path.parent.iterdir()) == ["model.pkl"]  # no temporary file left


def test_a_failure_mid_write_keeps_the_old_file_and_leaves_no_temporary_one(tmp_path: Path) -> None:
    path = tmp_path / "model.pkl"
    write_durably(path, lambda fh: fh.write(b"the old model"))

    def half(fh: BinaryIO) -> None:
        fh.write(b"half a new mo")
        raise OSError("no space left on device")

    with pytest.raises(OSError, match="no space"):
        write_durably(path, half)
    assert path.read_bytes() == b"the old model"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.pkl"]


def test_the_file_and_its_folder_are_synced_before_and_after_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rename that reaches the disk before the data leaves an empty model after a power cut: fsync both."""
    path = tmp_path / "model.pkl"
    seen: list[str] = []
    real_fsync, real_replace = os.fsync, Path.replace

    def fsync(fd: int) -> None:
        target = os.readlink(f"/proc/self/fd/{fd}")
        seen.append("folder" if Path(target) == tmp_path else "file:" + Path(target).read_bytes().decode())
        real_fsync(fd)

    def replace(self: Path, target: Path) -> Path:
        seen.append("rename")
        return real_replace(self, target)

    monkeypatch.setattr(durable_file.os, "fsync", fsync)
    monkeypatch.setattr(Path, "replace", replace)
    write_durably(path, lambda fh: fh.write(b"new"))
    assert seen == ["file:new", "rename", "folder"]


def test_both_models_are_written_through_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vikno.nlu.classifier import IntentClassifier
    from vikno.nlu.crisis_model import CrisisModel

    written: list[Path] = []
    real = durable_file.write_durably

    def spy(path: Path | str, write: Callable[[BinaryIO], None]) -> None:
        written.append(Path(path))
        real(path, write)

    import vikno.nlu.classifier as classifier
    import vikno.nlu.crisis_model as crisis_model

    monkeypatch.setattr(classifier, "write_durably", spy)
    monkeypatch.setattr(crisis_model, "write_durably", spy)
    texts = ["хочу померти", "не хочу жити", "де субсидія", "привіт"] * 3
    crisis = CrisisModel().fit(texts, [1, 1, 0, 0] * 3)
    crisis.save(tmp_path / "crisis.pkl")
    intents = IntentClassifier().fit(texts, ["a", "a", "b", "b"] * 3)
    intents.save(tmp_path / "model.pkl")
    assert written == [tmp_path / "crisis.pkl", tmp_path / "model.pkl"]
    assert (tmp_path / "crisis.pkl").stat().st_mode & 0o777 == 0o600
    again = CrisisModel.load(tmp_path / "crisis.pkl")
    assert again.score("хочу померти") == pytest.approx(crisis.score("хочу померти"))
    assert pickle.loads((tmp_path / "model.pkl").read_bytes())["intents"]


def test_a_dead_writer_s_temporary_file_is_removed_by_the_next_write_and_a_live_one_kept(tmp_path: Path) -> None:
    """kill -9 mid-write leaves ``.model.pkl.<random>.tmp``; a training killed again and again kept adding them
    (outside attack). The next write of the same file removes those older than STALE_AFTER; a newer one may be
    another writer's at work, and another file's are not this write's business."""
    path = tmp_path / "model.pkl"
    dead = tmp_path / ".model.pkl.k1ll3d.tmp"
    live = tmp_path / ".model.pkl.wr1t1ng.tmp"
    other = tmp_path / ".crisis.pkl.k1ll3d.tmp"
    for left in (dead, live, other):
        left.write_bytes(b"half a model")
    long_ago = dead.stat().st_mtime - durable_file.STALE_AFTER - 60
    for old in (dead, other):
        os.utime(old, (long_ago, long_ago))
    write_durably(path, lambda fh: fh.write(b"a model"))
    assert path.read_bytes() == b"a model"
    assert not dead.exists() and live.exists() and other.exists()
