from pathlib import Path

import pytest

from vikno.nlu.rasa_yaml import RasaDataError, load_examples, parse_examples_block, strip_entities
from vikno.nlu.builtin import shipped_data_dir

GOOD = """version: "3.1"
nlu:
- intent: greet
  examples: |
    - hi
    - hello [Kyiv](city) team
    -   spaced   
- synonym: kyiv
  examples: |
    - kiev
- lookup: city
  examples: |
    - Lviv
- regex: phone
  examples: |
    - \\d{10}
- intent: bye
  examples:
  - text: bye now
    metadata: {source: x}
"""


def test_reads_examples_and_strips_entities(tmp_path: Path) -> None:
    f = tmp_path / "a.yml"
    f.write_text(GOOD, encoding="utf-8")
    ex = load_examples(f)
    assert [(e.text, e.intent) for e in ex] == [
        ("hi", "greet"),
        ("hello Kyiv team", "greet"),
        ("spaced", "greet"),
        ("bye now", "bye"),
    ]


def test_entity_forms() -> None:
    assert strip_entities("[Kyiv](city)") == "Kyiv"
    assert strip_entities('[Kyiv]{"entity": "city"}') == "Kyiv"
    assert strip_entities("[two words](x:y) after") == "two words after"
    assert parse_examples_block("- a\n\n# comment\n- b\n") == ["a", "b"]


def test_directories_recursive_and_only(tmp_path: Path) -> None:
    (tmp_path / "uk").mkdir()
    (tmp_path / "uk" / "nlu.yml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "uk" / "test.yml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "domain.yml").write_text("intents: [greet]\n", encoding="utf-8")  # no nlu: key -> ignored
    assert len(load_examples(tmp_path)) == 8
    assert len(load_examples(tmp_path, only="nlu.yml")) == 4


@pytest.mark.parametrize(
    "body, fragment",
    [
        ("nlu: [\n", "not valid YAML"),
        ("- a\n- b\n", "top level must be a mapping"),
        ("nlu: {intent: x}\n", "'nlu' must be a list"),
        ("nlu:\n- intent: x\n", "has no 'examples'"),
        ("nlu:\n- intent: ''\n  examples: '- a'\n", "non-empty name"),
        ("nlu:\n- foo: bar\n", "unknown entry"),
        ("nlu:\n- intent: x\n  examples: 5\n", "'examples' must be"),
    ],
)
def test_errors_name_file_and_problem(tmp_path: Path, body: str, fragment: str) -> None:
    f = tmp_path / "bad.yml"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(RasaDataError) as exc:
        load_examples(f)
    assert str(f) in str(exc.value) and fragment in str(exc.value)


def test_missing_path() -> None:
    with pytest.raises(RasaDataError, match="no such file"):
        load_examples(Path("/nonexistent/nlu"))


def test_shipped_data_shape() -> None:
    intents = {
        "social_benefits",
        "disability",
        "elderly_care",
        "homelessness",
        "domestic_violence",
        "idp_support",
        "veterans",
        "family_forms",
        "housing_compensation",
        "psychological_support",
        "health",
        "education",
        "legal",
        "report_person_in_need",
        "human_handoff",
        "working_hours",
        "greet",
        "goodbye",
        "thanks",
    }
    for lang in ("uk", "ru", "az", "en"):
        train = load_examples(shipped_data_dir() / lang / "nlu.yml")
        test = load_examples(shipped_data_dir() / lang / "test.yml")
        counts = {i: sum(e.intent == i for e in train) for i in intents}
        assert set(e.intent for e in train) == intents, lang
        assert min(counts.values()) >= 25, (lang, counts)
        assert "nlu_fallback" in {e.intent for e in test}
        # held-out data must not be copied from training data
        overlap = {e.text.lower() for e in train} & {e.text.lower() for e in test}
        assert len(overlap) <= 0.15 * len(test), (lang, sorted(overlap))


def test_situation_data_covers_every_topic_and_is_held_out_apart() -> None:
    """situations.yml (people describing what happens) covers every shared intent in every language, trains;
    test_situations.yml is never trained on and is not copied from any training file."""
    from vikno.nlu.builtin import training_files

    intents = {e.intent for e in load_examples(shipped_data_dir() / "en" / "nlu.yml")}
    for lang in ("uk", "ru", "az", "en"):
        folder = shipped_data_dir() / lang
        files = {p.name for p in training_files(folder)}
        assert "situations.yml" in files and "test_situations.yml" not in files, (lang, files)
        situations = load_examples(folder / "situations.yml")
        counts = {i: sum(e.intent == i for e in situations) for i in intents}
        assert min(counts.values()) >= 3, (lang, counts)
        topics = {
            i: n for i, n in counts.items() if i not in {"greet", "goodbye", "thanks", "human_handoff", "working_hours"}
        }
        assert min(topics.values()) >= 20, (lang, topics)
        held = load_examples(folder / "test_situations.yml")
        assert {e.intent for e in held} == intents | {"nlu_fallback"}, lang
        trained = {e.text.lower() for e in load_examples(training_files(folder))}
        assert not trained & {e.text.lower() for e in held}, lang


def test_yaml_1_2_booleans_are_intent_names(tmp_path) -> None:
    from vikno.nlu.rasa_yaml import load_examples as _load

    f = tmp_path / "n.yml"
    f.write_text(
        "nlu:\n- intent: yes\n  examples: |\n    - yes please\n- intent: off\n  examples: |\n    - turn it off\n",
        encoding="utf-8",
    )
    assert [(e.text, e.intent) for e in _load(f)] == [("yes please", "yes"), ("turn it off", "off")]
