"""nlu/evaluate.py: what cross-validation keeps of each message (the CLI's tables are in test_cli.py)."""

from __future__ import annotations

from pathlib import Path

from vikno.nlu.classifier import IntentClassifier
from vikno.nlu.evaluate import cross_validate
from vikno.nlu.rasa_yaml import Example, load_examples

from .test_cli import OOS_DATA


def _examples(tmp_path: Path) -> list[Example]:
    path = tmp_path / "nlu.yml"
    path.write_text(OOS_DATA, encoding="utf-8")
    return load_examples(path)


def _train(examples: list[Example]) -> IntentClassifier:
    return IntentClassifier().fit([e.text for e in examples], [e.intent for e in examples])


def test_cross_validation_keeps_each_message_s_best_intents_as_deep_as_asked(tmp_path: Path) -> None:
    """bench/see_also.py reads the runner-up of messages no model saw; the other tables need only the top."""
    examples = _examples(tmp_path)
    scored, known = cross_validate(examples, 3, _train, top=2)
    assert sorted(s.text for s in scored) == sorted(e.text for e in examples)
    for s in scored:
        (first, conf), (second, second_conf) = s.ranking
        assert (first, conf) == (s.top, s.confidence)
        assert second != first and second in known and second_conf <= conf
    alone, _ = cross_validate(examples, 3, _train)
    assert [s.ranking for s in alone] == [((s.top, s.confidence),) for s in alone]
