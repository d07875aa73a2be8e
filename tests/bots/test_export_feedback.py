"""`vikno nlu export-feedback`: operators' marks as Rasa YAML, under the retention setting (issue 21 item 3).

The marks are written through the storage port into a real data folder;
the command runs as a helpline runs it (a subprocess with the same
settings). What it writes must load with vikno's own Rasa reader as the
corpus's intents, and every text must come back as the person wrote it
(on one line).
"""

from __future__ import annotations

import asyncio
import os
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from vikno.nlu.crisis_model import CRISIS_LABEL, SAFE_LABEL, label_of
from vikno.nlu.feedback_yaml import example_line, feedback_yaml
from vikno.nlu.rasa_yaml import load_file
from vikno.storage.models import Feedback, utcnow
from vikno.storage.sqlite.store import SqliteStore

NOW = utcnow()
TRICKY = [
    "я стою на мосту\nі мені страшно",
    "- list? # not a comment: [мама](mother) каже {x}",
    "key: value \"quoted\" 'single' | > & * ! % @ `",
    "emoji 🙂 and tab\there\u2028and a line separator",
    "control \x07 bell",
]


def vikno(data: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {**os.environ, "VIKNO_DATA_DIR": str(data), **env}
    environ.pop("MONGODB_URI", None)
    return subprocess.run(
        [sys.executable, "-m", "vikno.bots", "nlu", "export-feedback", *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def mark(
    message_id: str,
    text: str,
    label: str,
    language: str | None = "uk",
    days_ago: float = 0,
    helpline: str = "community-1620",
) -> Feedback:
    return Feedback(
        message_id=message_id,
        conversation_id="c-" + message_id,
        helpline=helpline,
        text=text,
        label=label,
        operator_id="op",
        language=language,
        level="check",
        reasons=["model:0.55"],
        marked_at=NOW - timedelta(days=days_ago),
    )


def write(data: Path, *marks: Feedback) -> None:
    async def go() -> None:
        store = SqliteStore(data, writer="thread")
        await store.open()
        try:
            for m in marks:
                await store.feedback.mark(m)
        finally:
            await store.close()

    asyncio.run(go())


def stored(data: Path) -> list[str]:
    async def go() -> list[str]:
        store = SqliteStore(data, writer="thread")
        await store.open()
        try:
            return [m.message_id for m in await store.feedback.since()]
        finally:
            await store.close()

    return asyncio.run(go())


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    write(
        folder,
        mark("m1", "я вже все вирішила, сьогодні ввечері це закінчиться", "crisis", days_ago=3),
        mark("m2", "мама мене вбʼє за двійку", "not_crisis", days_ago=2),
        mark("m3", "I'm on the roof and I can't do this anymore", "crisis", language="en", days_ago=1),
        mark("m4", "Bu yataqxanada yaşamaq istəmirəm", "not_crisis", language="az", days_ago=1),
        mark("m5", "дуже старе повідомлення", "crisis", days_ago=400),
        *[mark(f"t{i}", t, "crisis", language="ru", days_ago=1) for i, t in enumerate(TRICKY)],
    )
    return folder


def test_the_export_loads_as_the_corpus_intents_per_language(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "feedback.yml"
    done = vikno(data, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert "exported 9 mark(s)" in done.stderr and "deleted 1 mark(s) older than 365 days" in done.stderr
    examples = load_file(out)
    got = {(e.intent, e.text) for e in examples}
    assert ("crisis__feedback", "я вже все вирішила, сьогодні ввечері це закінчиться") in got
    assert ("safe__feedback", "мама мене вбʼє за двійку") in got
    assert ("crisis__feedback", "I'm on the roof and I can't do this anymore") in got
    assert ("safe__feedback", "Bu yataqxanada yaşamaq istəmirəm") in got
    assert not any("старе" in text for _, text in got)  # past the retention time: gone, also from the store
    assert {label_of(e.intent) for e in examples} == {CRISIS_LABEL, SAFE_LABEL}
    for original in TRICKY:  # each on one line, its words intact, nothing read as an entity or a comment
        assert ("crisis__feedback", example_line(original)) in got, original
    assert ("crisis__feedback", "- list? # not a comment: [мама] (mother) каже {x}") in got
    assert ("crisis__feedback", "control bell") in got  # the bell YAML cannot hold is dropped
    text = out.read_text(encoding="utf-8")
    assert text.count('version: "3.1"') == 1
    for lang in ("uk", "ru", "az", "en"):
        assert f"-> nlu/data/{lang}/crisis.yml" in text
        assert f"lang: {lang}}}" in text
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # people's words: the owner's alone
    assert "m5" not in stored(data)


def test_since_and_helpline_choose_marks_and_stdout_is_the_default(data: Path, tmp_path: Path) -> None:
    write(data, mark("x1", "інша лінія", "crisis", helpline="line2000"))
    # The day of the marks made one day ago: those from two days ago are before it at any time of day
    # (a day and a half ago fell on the two-days-ago date before noon UTC, and the test failed then).
    since = (NOW - timedelta(days=1)).date().isoformat()
    done = vikno(data, "--since", since, "--helpline", "community-1620")
    assert done.returncode == 0, done.stderr
    path = tmp_path / "stdout.yml"
    path.write_text(done.stdout, encoding="utf-8")
    texts = {e.text for e in load_file(path)}
    assert "I'm on the roof and I can't do this anymore" in texts
    assert "мама мене вбʼє за двійку" not in texts and "інша лінія" not in texts
    assert vikno(data, "--since", "yesterday").returncode == 2


def test_the_retention_setting_decides_what_is_kept(data: Path) -> None:
    done = vikno(data, VIKNO_FEEDBACK_RETENTION_DAYS="2")
    assert done.returncode == 0, done.stderr
    assert "deleted 3 mark(s) older than 2 days" in done.stderr
    kept = stored(data)
    assert "m1" not in kept and "m2" not in kept and "m3" in kept  # m2 is two days and a few seconds old


def test_it_refuses_without_the_store_it_is_meant_for(tmp_path: Path) -> None:
    missing = tmp_path / "typo"
    done = vikno(missing)
    assert done.returncode == 2 and "no vikno store in" in done.stderr
    assert not missing.exists()  # and makes none
    empty = tmp_path / "empty"
    empty.mkdir()
    done = vikno(empty)
    assert done.returncode == 2 and "no vikno store in" in done.stderr
    assert list(empty.iterdir()) == []


def test_the_same_text_marked_twice_is_one_example_with_its_latest_label() -> None:
    marks = [
        mark("a", "я  не знаю\nщо робити", "crisis", days_ago=2),
        mark("b", "я не знаю що робити", "not_crisis"),
        mark("c", "   ", "crisis"),
        mark("d", "інше", "maybe"),
    ]
    text = feedback_yaml(marks)
    assert text.count("я не знаю що робити") == 1
    assert "- intent: safe__feedback" in text and "- intent: crisis__feedback" not in text
    assert feedback_yaml([]).endswith('version: "3.1"\nnlu: []\n')


def test_phone_numbers_addresses_links_and_long_numbers_are_taken_out(tmp_path: Path) -> None:
    """Attack on issue 21, D1: a name, a street address and a phone number were exported as written."""
    folder = tmp_path / "data"
    write(
        folder,
        mark(
            "p1",
            "My name is Jenny Smith, 12 Oak Road, call me on +44 7700 900123, I feel really bad and "
            "I don't know who to turn to",
            "crisis",
            language="en",
        ),
        mark(
            "p2",
            "мій номер 050-123-45-67, пишіть на olena2010@ukr.net або @olena_k2010, "
            "ось мій профіль https://instagram.com/olena.k, картка 4149 4993 1234 5678, мені 14",
            "crisis",
        ),
    )
    done = vikno(folder)
    assert done.returncode == 0, done.stderr
    got = {e.text for e in load_file_text(done.stdout, tmp_path)}
    assert (
        "My name is Jenny Smith, 12 Oak Road, call me on <phone>, I feel really bad and I don't know who to "
        "turn to" in got
    )
    assert "мій номер <phone>, пишіть на <email> або <handle>, ось мій профіль <link>, картка <number>, мені 14" in got
    for found in ("7700", "900123", "050", "olena2010", "ukr.net", "olena_k2010", "instagram", "4149"):
        assert found not in done.stdout
    assert "names and addresses" in done.stdout  # the file says what it could not take out


def load_file_text(text: str, folder: Path):
    path = folder / "export.yml"
    path.write_text(text, encoding="utf-8")
    return load_file(path)
