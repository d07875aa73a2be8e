"""First-start training in a child process (nlu/train_apart.py): files written whole or not at all, the
serving process only loads them, a child that dies is reported and leaves the service answering."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from vikno.nlu import builtin
from vikno.nlu.builtin import default_model_path, load_or_train
from vikno.nlu.crisis_model import default_crisis_model_path
from vikno.nlu.train_apart import CANNOT_SAVE, TrainingFailed, describe_exit

INTENTS = """version: "3.1"
nlu:
- intent: greet
  examples: |
    - hi
    - hello
    - hey there
    - good morning
    - hello there friend
- intent: bye
  examples: |
    - bye
    - goodbye
    - see you later
    - farewell
    - bye for now
- intent: weather
  examples: |
    - what is the weather
    - will it rain
    - forecast for tomorrow
    - is it sunny
    - will it rain tomorrow
- intent: food
  examples: |
    - order a pizza
    - i am hungry
    - find a restaurant
    - dinner ideas
    - where can i eat
"""

CRISIS = """version: "3.1"
nlu:
- intent: crisis__suicidal_direct
  examples: |
    - I want to kill myself
    - i'm going to kill myself tonight
    - I don't want to live anymore
    - I want to end my life
    - i want to die tonight
    - I am going to end it all
- intent: safe__figurative
  examples: |
    - this homework is killing me
    - my mum will kill me if i am late
    - i'm dying to see that film
    - that joke killed me
    - i could die of boredom
    - the traffic is killing me
"""


def small_source(root: Path, intents: str = INTENTS) -> Path:
    lang = root / "source" / "en"
    lang.mkdir(parents=True)
    (lang / "nlu.yml").write_text(intents, encoding="utf-8")
    (lang / "crisis.yml").write_text(CRISIS, encoding="utf-8")
    return root / "source"


# What a serving process does on a first start, in a fresh interpreter so that its imports can be seen.
SERVING = """
import json, sys
from pathlib import Path
from vikno.nlu.builtin import load_or_train
nlu = load_or_train(Path(sys.argv[1]), Path(sys.argv[2]), apart=True)
p = nlu.parse_sync("will it rain tomorrow")
print(json.dumps({
    "trained_here": [m for m in ("sklearn", "scipy") if m in sys.modules],
    "intent": p.intent,
    "crisis_model": nlu.triage.model is not None,
    "crisis_score": nlu.triage.assess("I want to kill myself tonight").model_score,
}))
"""


def serve_like(data_dir: Path, source: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", SERVING, str(data_dir), str(source)], capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.splitlines()[-1])


def test_first_start_trains_in_a_child_and_the_serving_process_only_loads(tmp_path: Path) -> None:
    source, data = small_source(tmp_path), tmp_path / "data"
    first = serve_like(data, source)
    # the model files are there, and the process that answers never imported what training needs
    assert default_model_path(data).exists() and default_crisis_model_path(data).exists()
    assert first["trained_here"] == []
    assert first["intent"] == "weather" and first["crisis_model"] and first["crisis_score"] > 0.5
    assert not list((data / "nlu").glob("*.tmp"))
    # a restart loads the same files: nothing is trained again
    mtimes = {p.name: p.stat().st_mtime_ns for p in (data / "nlu").iterdir()}
    again = serve_like(data, source)
    assert again == first
    assert {p.name: p.stat().st_mtime_ns for p in (data / "nlu").iterdir()} == mtimes


def test_a_child_that_fails_leaves_no_model_and_says_how_it_ended(tmp_path: Path) -> None:
    # one intent only: training raises inside the child
    one = 'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hi\n    - hello\n'
    source, data = small_source(tmp_path, one), tmp_path / "data"
    with pytest.raises(TrainingFailed, match=r"exited with code 1; no model file was replaced"):
        load_or_train(data, source, apart=True)
    assert not default_model_path(data).exists()
    assert not list((data / "nlu").glob("*.tmp")) if (data / "nlu").exists() else True


def test_a_child_killed_mid_training_leaves_no_model_that_a_later_start_loads(tmp_path: Path) -> None:
    source, data = small_source(tmp_path), tmp_path / "data"
    # a leftover temporary file of an earlier killed child is never taken for a model
    (data / "nlu").mkdir(parents=True)
    default_model_path(data).with_suffix(".pkl.tmp").write_bytes(b"half a model")
    started = threading.Event()
    children: list[subprocess.Popen] = []

    def on_start(proc: subprocess.Popen) -> None:
        children.append(proc)
        proc.send_signal(signal.SIGKILL)  # at once: before it can have written anything
        started.set()

    real = builtin._on_child
    builtin._on_child = on_start  # type: ignore[assignment]  # the hook the serving app stops children with
    try:
        with pytest.raises(TrainingFailed, match=r"was killed by signal 9 \(SIGKILL\)") as err:
            load_or_train(data, source, apart=True)
    finally:
        builtin._on_child = real  # type: ignore[assignment]
    assert started.is_set() and err.value.returncode == -signal.SIGKILL
    assert not default_model_path(data).exists()
    # the next start trains afresh and uses what it trained
    nlu = load_or_train(data, source, apart=True)
    assert nlu.parse_sync("order a pizza").intent == "food"
    assert default_model_path(data).exists()


def test_a_data_folder_that_cannot_be_written_still_gets_a_model(tmp_path: Path) -> None:
    source, data = small_source(tmp_path), tmp_path / "data"
    data.mkdir()
    (data / "nlu").write_text("not a folder")  # every save fails, for root too
    nlu = load_or_train(data, source, apart=True)  # the child cannot save: this process trains, as before
    assert nlu.parse_sync("order a pizza").intent == "food"
    assert nlu.triage.model is not None


@pytest.mark.parametrize(
    ("code", "said"),
    [
        (-9, "was killed by signal 9 (SIGKILL)"),
        (-15, "was killed by signal 15 (SIGTERM)"),
        (1, "exited with code 1"),
        (CANNOT_SAVE, f"could not write the model files (exit code {CANNOT_SAVE})"),
        (-200, "was killed by signal 200 (unknown signal)"),
    ],
)
def test_describe_exit(code: int, said: str) -> None:
    assert describe_exit(code) == said


def test_a_model_made_for_another_operating_point_is_trained_again(tmp_path: Path) -> None:
    source, data = small_source(tmp_path), tmp_path / "data"
    load_or_train(data, source, apart=True)
    path = default_model_path(data)
    before = path.stat().st_mtime_ns
    nlu = load_or_train(data, source, apart=True, catch=0.6)  # nlu.catch changed: retrained on this start
    assert nlu.classifier.params.catch == 0.6 and path.stat().st_mtime_ns != before
    again = path.stat().st_mtime_ns
    assert load_or_train(data, source, apart=True, catch=0.6).classifier.params.catch == 0.6
    assert path.stat().st_mtime_ns == again  # the same setting: loaded, not trained


# A pickle that names a class this vikno no longer has: what a model file written by another version of vikno
# (or of numpy / scikit-learn) looks like to pickle.
_FROM_ANOTHER_VERSION = b"\x80\x04cvikno.nlu.crisis_model\n_OldBlock\n."


@pytest.mark.parametrize("damage", [_FROM_ANOTHER_VERSION, b"\x80\x04cnumpy.core._gone\nthing\n.", b"\x00junk"])
def test_an_unreadable_crisis_model_file_is_trained_again_not_a_failed_start(tmp_path: Path, damage: bytes) -> None:
    source, data = small_source(tmp_path), tmp_path / "data"
    load_or_train(data, source, apart=True)
    default_crisis_model_path(data).write_bytes(damage)  # newer than the data: taken as fresh
    nlu = load_or_train(data, source, apart=True)
    assert nlu.triage.model is not None and nlu.triage.assess("I want to kill myself tonight").model_score > 0.5
    assert builtin.crisis_model_apart(data, source) is not None


def test_training_data_broken_by_an_edit_keeps_the_model_trained_before(tmp_path: Path) -> None:
    # a helpline's technical person edits nlu.yml into something that cannot train (one intent) and restarts:
    # people keep the topics they had, and the journal says why the new data was not used
    source, data = small_source(tmp_path), tmp_path / "data"
    load_or_train(data, source, apart=True)
    edited = source / "en" / "nlu.yml"
    edited.write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hi\n    - hello\n', encoding="utf-8")
    later = default_model_path(data).stat().st_mtime + 10
    os.utime(edited, (later, later))
    nlu = load_or_train(data, source, apart=True)
    assert nlu.parse_sync("order a pizza").intent == "food"
    assert nlu.triage.model is not None


def test_broken_training_data_without_an_earlier_model_still_fails_loudly(tmp_path: Path) -> None:
    one = 'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hi\n    - hello\n'
    source, data = small_source(tmp_path, one), tmp_path / "data"
    (data / "nlu").mkdir(parents=True)
    default_model_path(data).write_bytes(b"\x00junk")
    with pytest.raises(TrainingFailed):
        load_or_train(data, source, apart=True)


def test_a_process_that_builds_many_apps_trains_the_crisis_model_once(tmp_path: Path) -> None:
    # tests and a CLI build many apps on one corpus: the first gets a training child, the rest the model it made
    source = small_source(tmp_path)
    first = builtin.crisis_model_apart(tmp_path / "data-1", source)
    assert first is not None and default_crisis_model_path(tmp_path / "data-1").exists()
    children = len(builtin._children)
    again = builtin.crisis_model_apart(tmp_path / "data-2", source)
    assert again is first and len(builtin._children) == children
    assert not default_crisis_model_path(tmp_path / "data-2").exists()  # no second child wrote one
