"""``vikno nlu train / evaluate / parse`` through main()."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from vikno.nlu.builtin import load_or_train, default_model_path, shipped_data_dir
from vikno.nlu.cli import main
from vikno.nlu.crisis_model import CrisisModel

from tests.models import TrainedFile

SMALL = """version: "3.1"
nlu:
- intent: greet
  examples: |
    - hi
    - hello
    - hey there
    - good morning
- intent: bye
  examples: |
    - bye
    - goodbye
    - see you later
    - farewell
- intent: weather
  examples: |
    - what is the weather
    - will it rain
    - forecast for tomorrow
    - is it sunny
- intent: food
  examples: |
    - order a pizza
    - i am hungry
    - find a restaurant
    - dinner ideas
"""


@pytest.fixture(autouse=True)
def shipped_crisis_in_memory(shipped_crisis_model: CrisisModel) -> CrisisModel:
    """The commands ask for the shipped corpus's crisis model (``load_or_train_crisis_model``) and get the run's
    shared one, remembered for this process (tests/conftest.py) as a second load in one ``vikno serve`` would.

    Without it the first command of this file trained that model again (some fifteen seconds of CPU) and, with
    no VIKNO_DATA_DIR set, left it in ./.vikno-data of the folder the tests ran from, for the next run to read.
    """
    return shipped_crisis_model


def run(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def shipped_model(shipped_intents_file: TrainedFile) -> Path:
    """``vikno nlu train --out <file>`` on the shipped data, and what it printed.

    The run's shared intent model is trained by this very command (tests/conftest.py), once for every worker:
    training it here again was the same model at some forty seconds of CPU.
    """
    code, out, path = shipped_intents_file.code, shipped_intents_file.out, shipped_intents_file.path
    assert code == 0 and "cross-validated accuracy" in out and path.exists()
    assert "per language, each on its own unseen topics: az " in out  # every shipped language has its own line
    return path


def test_evaluate_json(shipped_model: Path) -> None:
    code, out, _ = run(
        ["evaluate", "--model", str(shipped_model), "--data", str(shipped_data_dir() / "en" / "test.yml"), "--json"]
    )
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 1
    d = json.loads(lines[0])
    for key in ("accuracy", "macro_f1", "per_intent", "oos_recall", "n"):
        assert key in d
    assert d["n"] > 200 and d["accuracy"] > 0.8 and "greet" in d["per_intent"]


def test_evaluate_text(shipped_model: Path) -> None:
    code, out, _ = run(
        ["evaluate", "--model", str(shipped_model), "--data", str(shipped_data_dir() / "uk" / "test.yml")]
    )
    assert code == 0 and "in-scope accuracy" in out and "OOS recall" in out and "worst confusions" in out


def test_parse_args_and_stdin(shipped_model: Path) -> None:
    code, out, _ = run(["parse", "--model", str(shipped_model), "--json", "привіт", "I want to kill myself"])
    recs = [json.loads(line) for line in out.strip().splitlines()]
    assert code == 0 and len(recs) == 2
    assert recs[0]["intent"] == "greet" and recs[0]["language"] == "uk" and recs[0]["crisis"] is False
    assert recs[1]["crisis"] is True and recs[1]["crisis_score"] > 0.9
    assert set(recs[0]) >= {"text", "language", "intent", "confidence", "crisis", "crisis_score"}
    many = "\n".join(["як оформити субсидію", "", "salam"] * 500)
    code, out, _ = run(["parse", "--model", str(shipped_model), "--json"], stdin=many)
    assert code == 0 and len(out.strip().splitlines()) == 1000
    code, out, _ = run(["parse", "--model", str(shipped_model), "hello"])
    assert code == 0 and "greet" in out


def test_train_other_data_and_env_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "d.yml"
    data.write_text(SMALL, encoding="utf-8")
    monkeypatch.setenv("VIKNO_DATA_DIR", str(tmp_path / "vd"))
    code, out, _ = run(["train", "--data", str(data)])
    assert code == 0
    assert (tmp_path / "vd" / "nlu" / "model.pkl").exists()
    code, out, _ = run(["parse", "--json", "will it rain tomorrow"])
    assert json.loads(out)["ranking"][0][0] == "weather"


def test_errors(tmp_path: Path) -> None:
    code, _, err = run(["parse", "--model", str(tmp_path / "none.pkl"), "hi"])
    assert code == 2 and "vikno nlu train" in err
    bad = tmp_path / "bad.yml"
    bad.write_text("nlu:\n- intent: x\n", encoding="utf-8")
    code, _, err = run(["train", "--data", str(bad), "--out", str(tmp_path / "m.pkl")])
    assert code == 2 and "bad.yml" in err
    assert run(["nonsense"])[0] == 2


def test_load_or_train(tmp_path: Path) -> None:
    """No training data named: the shipped data, trained once and saved where ``vikno serve`` looks, then loaded."""
    nlu = load_or_train(tmp_path)
    path = default_model_path(tmp_path)
    assert path.exists()
    mtime = path.stat().st_mtime
    again = load_or_train(tmp_path)  # loads, does not retrain
    assert path.stat().st_mtime == mtime
    assert again.parse_sync("дякую").intent == nlu.parse_sync("дякую").intent == "thanks"


# A line's own few topics in Ukrainian: what load_or_train does with an unreadable file is the same on any data.
SMALL_UK = """version: "3.1"
nlu:
- intent: greet
  examples: |
    - привіт
    - добрий день
    - вітаю
    - доброго ранку
    - привіт, як справи
- intent: thanks
  examples: |
    - дякую
    - дуже дякую
    - спасибі за допомогу
    - дякую, ви допомогли
    - щиро дякую
- intent: social_benefits
  examples: |
    - як оформити субсидію
    - де отримати допомогу на дитину
    - коли прийде пенсія
    - як подати на субсидію
    - яка допомога малозабезпеченим
- intent: education
  examples: |
    - як записати дитину до школи
    - де знайти гурток для дитини
    - дитина не ходить до школи
    - як перевестися в іншу школу
    - чи є безкоштовні курси
"""


def test_load_or_train_trains_again_over_an_unreadable_model(tmp_path: Path) -> None:
    """A corrupt model file is trained again, not a failed start.

    On a small data folder: the shipped data's own training is ``test_load_or_train``'s, and training it a
    second time here (some twenty seconds) would test nothing more of how the file is handled.
    """
    source = tmp_path / "source" / "uk"
    source.mkdir(parents=True)
    (source / "nlu.yml").write_text(SMALL_UK, encoding="utf-8")
    data_dir = tmp_path / "vd"
    assert load_or_train(data_dir, source.parent).parse_sync("привіт").intent == "greet"
    path = default_model_path(data_dir)
    path.write_bytes(b"corrupt")  # newer than the data: read, found unreadable, trained again
    assert load_or_train(data_dir, source.parent).parse_sync("привіт").intent == "greet"
    assert path.read_bytes() != b"corrupt"  # and saved again


OOS_DATA = (
    SMALL
    + """- intent: oos
  examples: |
    - what is the capital of peru
    - how tall is mount everest
    - play some jazz music
    - who won the football match
    - tell me a joke about cats
    - how many calories in an apple
- intent: out_of_scope
  examples: |
    - book a flight to rome
    - what is my credit score
- intent: no
  examples: |
    - no
    - nope
    - no thanks
    - not really
"""
)


@pytest.mark.parametrize("label", ["oos", "out_of_scope", "nlu_fallback"])
def test_out_of_scope_labels_train_a_rejection_class(tmp_path: Path, label: str) -> None:
    data = tmp_path / "train" / "nlu.yml"
    data.parent.mkdir()
    data.write_text(OOS_DATA.replace("intent: oos", f"intent: {label}"), encoding="utf-8")
    model = tmp_path / "m.pkl"
    code, out, err = run(["train", "--data", str(data.parent), "--out", str(model)])
    assert code == 0, err
    from vikno.nlu.builtin import BuiltinNLU

    nlu = BuiltinNLU.load(model)
    clf = nlu.classifier
    assert clf.has_reject and clf.report.n_oos_examples == 8
    assert set(clf.intents) == {"greet", "bye", "weather", "food", "no"}  # YAML 1.1 'no' is an intent name, not False
    ranking = nlu.parse_sync("what is the capital of peru").ranking
    assert all(i not in {"oos", "out_of_scope", "nlu_fallback"} for i, _ in ranking)
    test = tmp_path / "test.yml"
    test.write_text(
        'version: "3.1"\nnlu:\n- intent: weather\n  examples: |\n    - will it rain today\n'
        f"- intent: {label}\n  examples: |\n    - who is the president of chile\n    - recipe for lasagna\n",
        encoding="utf-8",
    )
    code, out, _ = run(["evaluate", "--model", str(model), "--data", str(test), "--json"])
    d = json.loads(out)
    assert code == 0 and d["n"] == 3 and d["n_oos"] == 2 and d["n_in_scope"] == 1
    assert "nlu_fallback" in d["per_intent"] and d["per_intent"]["nlu_fallback"]["support"] == 2
    assert label == "nlu_fallback" or label not in d["per_intent"]
    assert "operating threshold" in d["accuracy_definition"]


# A helpline's own table: a `crisis` intent (one is written the corpus's way, crisis__<kind>) and others.
# Its levels pin the shipped crisis model (see tests/bots/test_risk_e2e.py), each well inside its level:
# three crises (0.98-0.99 and a core rule), a check (0.67, no rule), one crisis the model misses (0.02; the row
# before it, "lately I feel so bad, I don't see the point of anything", scored 0.17 and after round 8's corpus 0.30,
# a check, too near the line to pin);
# among the others two ordinary questions (below 0.02), a school poster the 'suicide' rule makes a check
# (model 0.04), and a neighbour on a roof (0.98) that this file files as an ordinary report: a false alarm.
CRISIS_TABLE = """version: "3.1"
nlu:
- intent: crisis
  examples: |
    - я не хочу більше жити, сьогодні вночі все закінчу
    - Я выпила все таблетки из аптечки, мне очень плохо
    - I'm very scared and feel really bad, I don't know what to do
    - I have been feeling low for weeks and nothing helps
- intent: crisis__suicide_plan
  examples: |
    - I have a plan to kill myself tonight, I've written the notes
- intent: disability
  examples: |
    - Hello, my mother needs a wheelchair, how do we get one?
- intent: social_benefits
  examples: |
    - Доброго дня, як оформити субсидію на оплату комуналки?
- intent: education
  examples: |
    - our school is making a poster about suicide prevention, what should it say?
- intent: report_person_in_need
  examples: |
    - мій сусід стоїть на даху і каже, що зараз стрибне
"""


@pytest.fixture
def crisis_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VIKNO_DATA_DIR", str(tmp_path / "vd"))  # the crisis model is kept there, not in the cwd
    path = tmp_path / "table.yml"
    path.write_text(CRISIS_TABLE, encoding="utf-8")
    return path


def test_evaluate_reports_crisis_triage_json(shipped_model: Path, crisis_table: Path) -> None:
    code, out, err = run(["evaluate", "--model", str(shipped_model), "--data", str(crisis_table), "--json"])
    assert code == 0, err
    d = json.loads(out)
    assert d["crisis"] == {
        "n_crisis": 5,
        "n_other": 4,
        "caught": pytest.approx(4 / 5),  # crisis or check: asked or helped at once
        "crisis": pytest.approx(3 / 5),  # the full alarm
        "false_crisis": pytest.approx(1 / 4),  # the neighbour's report filed as ordinary
        # the school poster: a rule sees "suicide", the model and the words "poster about
        # suicide prevention" say it is a lesson, not a danger (nlu/risk_context.py)
        "other_check": 0.0,
    }
    assert d["n"] == 4 and "crisis" not in d["per_intent"]  # crises are no intent of the classifier


def test_evaluate_reports_crisis_triage_text(shipped_model: Path, crisis_table: Path) -> None:
    code, out, err = run(["evaluate", "--model", str(shipped_model), "--data", str(crisis_table)])
    assert code == 0, err
    assert "in-scope accuracy" in out  # the intent report comes first, on the other examples
    report = out[out.index("crisis triage:") :].splitlines()
    assert report[:3] == [
        "crisis triage: 5 crisis examples, 4 others",
        "crises caught (crisis or check):  80.0%   full crisis alarm:  60.0%",
        "others sent to crisis (false alarms):  25.0%   others asked 'are you safe' (check):   0.0%",
    ]
    assert report[3:] == [
        "missed crises:",
        "  I have been feeling low for weeks and nothing helps",
        "false crisis alarms:",
        "  мій сусід стоїть на даху і каже, що зараз стрибне",
    ]


def test_evaluate_without_crisis_examples_has_no_crisis_report(shipped_model: Path, crisis_table: Path) -> None:
    ordinary = crisis_table.with_name("ordinary.yml")
    others = CRISIS_TABLE[CRISIS_TABLE.index("- intent: disability") :]
    ordinary.write_text('version: "3.1"\nnlu:\n' + others, encoding="utf-8")
    code, out, _ = run(["evaluate", "--model", str(shipped_model), "--data", str(ordinary), "--json"])
    assert code == 0 and "crisis" not in json.loads(out)
    code, out, _ = run(["evaluate", "--model", str(shipped_model), "--data", str(ordinary)])
    assert code == 0 and "crisis triage" not in out


# --------------------------------------------------------- issue 23: --cv, the trade-off table, progress, pipes
def _cv_data(tmp_path: Path) -> Path:
    folder = tmp_path / "line"
    folder.mkdir()
    (folder / "nlu.yml").write_text(OOS_DATA, encoding="utf-8")
    # a folder's held-out file and crisis corpus are not training data: --cv leaves them out
    (folder / "test.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: weather\n  examples: |\n    - sunny?\n', encoding="utf-8"
    )
    return folder


def test_evaluate_cv_scores_every_example_with_a_model_that_never_saw_it(tmp_path: Path) -> None:
    code, out, err = run(["evaluate", "--cv", "3", "--data", str(_cv_data(tmp_path)), "--json"])
    assert code == 0, err
    d = json.loads(out)
    # OOS_DATA: 4 intents x 4 + 'no' x 4 in scope, 8 out of scope; test.yml's example is not among them
    assert (d["n"], d["n_in_scope"], d["n_oos"]) == (28, 20, 8)
    assert d["method"].startswith("3-fold cross-validation")
    assert d["threshold"] is None  # each fold had its own
    assert [fold.split(":")[0].strip() for fold in err.splitlines() if fold.strip().startswith("fold")] == [
        "fold 1/3",
        "fold 2/3",
        "fold 3/3",
    ]
    thresholds = [p["threshold"] for p in d["curve"]]
    assert thresholds == sorted(thresholds) and thresholds[0] == 0.0
    assert d["curve"][0]["in_scope_fallback"] == 0.0 and d["curve"][0]["oos_recall"] == 0.0
    caught = [p["oos_recall"] for p in d["curve"]]
    assert caught == sorted(caught)  # a higher threshold never catches fewer


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--cv", "1"], "at least 2 folds"),
        (["--cv", "3", "--model", "m.pkl"], "leave out --model"),
    ],
)
def test_evaluate_cv_refuses_what_it_cannot_do(tmp_path: Path, argv: list[str], message: str) -> None:
    code, out, err = run(["evaluate", "--data", str(_cv_data(tmp_path)), *argv])
    assert code == 2 and message in err and out == ""


def test_evaluate_prints_the_threshold_trade_off(shipped_model: Path) -> None:
    code, out, _ = run(
        ["evaluate", "--model", str(shipped_model), "--data", str(shipped_data_dir() / "az" / "test.yml")]
    )
    assert code == 0
    table = out[out.index("accuracy / out-of-scope trade-off") :].splitlines()
    rows = [line.split() for line in table[2:] if line.strip() and line.split()[0][0].isdigit()]
    assert len(rows) >= 9
    assert sum("<- this model's threshold" in line for line in table) == 1
    code, out, _ = run(
        ["evaluate", "--model", str(shipped_model), "--data", str(shipped_data_dir() / "az" / "test.yml"), "--json"]
    )
    d = json.loads(out)
    if d["threshold"] is None:  # a threshold per language, messages in several: the operating point is its own row
        assert set(d["thresholds"]) >= {"az", ""}
        assert any(abs(p["threshold"] - d["thresholds"]["az"]) < 1e-3 for p in d["curve"])  # its line in the table
        at_model = d["operating_point"]
    else:
        assert any(abs(p["threshold"] - d["threshold"]) < 1e-3 for p in d["curve"])
        at_model = min(d["curve"], key=lambda p: abs(p["threshold"] - d["threshold"]))
    assert at_model["accuracy"] == pytest.approx(d["accuracy"])
    assert at_model["oos_recall"] == pytest.approx(d["oos_recall"])


def test_train_prints_progress_lines(tmp_path: Path) -> None:
    code, out, err = run(["train", "--data", str(_cv_data(tmp_path)), "--out", str(tmp_path / "m.pkl")])
    assert code == 0
    lines = [line.strip() for line in err.splitlines()]
    assert lines[0].startswith("training on ")
    features = next(line for line in lines if line.startswith("features:"))
    assert "28 examples (8 out of scope" in features and "5 intents" in features and " features (" in features
    assert features.endswith(" s CPU)")  # CPU seconds beside the wall clock (a shared machine)
    assert any(line.startswith("cross-validation 3/3") for line in lines)
    assert lines[-1].startswith("final model (")


def test_evaluate_into_a_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    """`vikno nlu evaluate ... | head`: head leaves after a few lines; no BrokenPipeError traceback."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "VIKNO_DATA_DIR": str(tmp_path / "vd")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "vikno.bots", "nlu", "evaluate", "--cv", "2", "--data", str(_cv_data(tmp_path))],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # the reader is gone before the report is written
    _, err = proc.communicate(timeout=120)
    assert b"Traceback" not in err and b"BrokenPipeError" not in err, err.decode()
    assert proc.returncode == 141


@pytest.mark.parametrize(("arg", "catch"), [("0.6", 0.6), ("90%", 0.9)])
def test_train_at_an_operating_point(tmp_path: Path, arg: str, catch: float) -> None:
    from vikno.nlu.classifier import IntentClassifier

    model = tmp_path / "m.pkl"
    code, out, _ = run(["train", "--data", str(_cv_data(tmp_path)), "--out", str(model), "--catch", arg])
    assert code == 0
    assert f"of unseen topics on held-out folds; asked for {round(100 * catch)}%)" in out
    clf = IntentClassifier.load(model)
    assert clf.params.catch == catch and clf.report.pseudo_oos_recall >= catch


@pytest.mark.parametrize(
    ("arg", "said"),
    [("1.5", "must be between 0.5 and 0.99"), ("0.3", "must be between 0.5 and 0.99"), ("most", "is not a share")],
)
def test_train_refuses_an_operating_point_out_of_range(
    tmp_path: Path, arg: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(["train", "--data", str(_cv_data(tmp_path)), "--out", str(tmp_path / "m.pkl"), "--catch", arg])
    assert code == 2 and said in capsys.readouterr().err  # argparse's own usage error
    assert not (tmp_path / "m.pkl").exists()
