"""The built-in classifier on the shipped data (held-out test.yml per language),
save/load, and a synthetic many-intent data set of another domain."""

from __future__ import annotations

from pathlib import Path

import pytest

from vikno.nlu.builtin import BuiltinNLU, shipped_data_dir
from vikno.nlu.classifier import IntentClassifier, ModelFormatError
from vikno.nlu.rasa_yaml import load_examples
from vikno.nlu.synthetic import synthetic_examples
from vikno.nlu.types import FALLBACK_INTENT

# Measured on the held-out files (see the report); floors are those minus a margin,
# so a regression fails but retraining noise does not.
# measured .917 .912 .890 .886; fallback counted as wrong
ACCURACY_FLOOR = {"uk": 0.87, "ru": 0.87, "az": 0.85, "en": 0.84}
TOP1_FLOOR = {"uk": 0.90, "ru": 0.91, "az": 0.90, "en": 0.88}  # measured .939 .952 .939 .921, before the threshold
OOS_FLOOR = 0.65  # measured .762, all languages together
# test_situations.yml: messages that describe a situation instead of naming the topic (131 in-scope a language
# since round 5's data, one message = 0.8 points; the first 49 gave .612 .633 .673 .531 before situations.yml).
# Round 5 (sentence model, catch 0.8, round 5's data) on the 131: .832 .847 .824 .863.
# Round 6 grew the file to 174 in-scope a language (one message = 0.6 points); round 6's data on the 174:
# .856 .862 .851 .897 (bench/NLU_STEPS.md, "round 6 (data)").
SITUATION_FLOOR = {"uk": 0.81, "ru": 0.81, "az": 0.80, "en": 0.84}


@pytest.fixture(scope="module")
def nlu(shipped_intents: IntentClassifier) -> BuiltinNLU:
    """The intent model on the shipped data (trained once per run: tests/conftest.py), with the crisis rules."""
    return BuiltinNLU(shipped_intents)


@pytest.mark.parametrize("lang", ["uk", "ru", "az", "en"])
def test_held_out_accuracy(nlu: BuiltinNLU, lang: str) -> None:
    ex = [e for e in load_examples(shipped_data_dir() / lang / "test.yml") if e.intent != FALLBACK_INTENT]
    parses = [nlu.parse_sync(e.text) for e in ex]
    acc = sum(p.intent == e.intent for p, e in zip(parses, ex, strict=True)) / len(ex)
    top1 = sum(p.ranking[0][0] == e.intent for p, e in zip(parses, ex, strict=True)) / len(ex)
    assert acc >= ACCURACY_FLOOR[lang], acc
    assert top1 >= TOP1_FLOOR[lang], top1


@pytest.mark.parametrize("lang", ["uk", "ru", "az", "en"])
def test_situations_understood(nlu: BuiltinNLU, lang: str) -> None:
    """People describe what happens ("mum hasn't got up for three days"); most of it must reach its topic."""
    ex = [e for e in load_examples(shipped_data_dir() / lang / "test_situations.yml") if e.intent != FALLBACK_INTENT]
    acc = sum(nlu.parse_sync(e.text).intent == e.intent for e in ex) / len(ex)
    assert acc >= SITUATION_FLOOR[lang], acc


def test_out_of_scope_recall(nlu: BuiltinNLU) -> None:
    ex = [e for e in load_examples(shipped_data_dir()) if e.intent == FALLBACK_INTENT]
    caught = sum(nlu.parse_sync(e.text).intent == FALLBACK_INTENT for e in ex) / len(ex)
    assert caught >= OOS_FLOOR, caught


def test_parse_shape_and_crisis(nlu: BuiltinNLU) -> None:
    p = nlu.parse_sync("не хочу жити")
    assert p.crisis and p.crisis_score >= 0.9 and p.crisis_category == "suicide_self_harm"
    assert p.language == "uk"
    p = nlu.parse_sync("як оформити субсидію")
    assert p.intent == "social_benefits" and 0.0 < p.confidence <= 1.0 and not p.crisis
    assert p.ranking[0][0] == "social_benefits" and len(p.ranking) <= 5
    assert [c for _, c in p.ranking] == sorted((c for _, c in p.ranking), reverse=True)
    empty = nlu.parse_sync("   ")
    assert empty.intent == FALLBACK_INTENT


async def test_async_parse(nlu: BuiltinNLU) -> None:
    p = await nlu.parse("Salam", ["az", "ru"])
    assert p.intent == "greet" and p.language == "az"


def test_save_load_roundtrip(nlu: BuiltinNLU, tmp_path: Path) -> None:
    path = tmp_path / "m" / "model.pkl"
    nlu.classifier.save(path)
    assert path.stat().st_mode & 0o777 == 0o600  # it lives in vikno's private data folder
    loaded = BuiltinNLU.load(path)
    for text in ["привіт", "мне нужна инвалидная коляска", "evsizəm", "thanks a lot", "what is the weather"]:
        a, b = nlu.parse_sync(text), loaded.parse_sync(text)
        assert (a.intent, round(a.confidence, 6)) == (b.intent, round(b.confidence, 6))
    assert loaded.classifier.threshold == nlu.classifier.threshold


def test_load_rejects_foreign_files(tmp_path: Path) -> None:
    bad = tmp_path / "x.pkl"
    bad.write_bytes(b"not a pickle")
    with pytest.raises(ModelFormatError):
        IntentClassifier.load(bad)
    import pickle

    bad.write_bytes(pickle.dumps({"magic": "vikno-nlu-intent-classifier", "format_version": 999}))
    with pytest.raises(ModelFormatError, match="retrain"):
        IntentClassifier.load(bad)


def test_other_domain_many_intents() -> None:
    data = synthetic_examples(n_intents=60, per_intent=40, seed=3)
    train = [d for i, d in enumerate(data) if i % 5]
    test = [d for i, d in enumerate(data) if not i % 5]
    clf = IntentClassifier().fit([t for t, _ in train], [y for _, y in train])
    assert len(clf.intents) == 60
    acc = sum(clf.rank(t, 1)[0][0] == y for t, y in test) / len(test)
    assert acc >= 0.78, acc  # measured 0.85: noisy synthetic data with typos and shared noise words
    assert 0.0 <= clf.threshold < 1.0


def test_two_intents_and_errors() -> None:
    clf = IntentClassifier().fit(
        ["hi", "hello", "hey there", "bye", "goodbye", "see you"], ["g", "g", "g", "b", "b", "b"]
    )
    assert clf.rank("hello there", 1)[0][0] == "g"
    with pytest.raises(ValueError):
        IntentClassifier().fit(["a", "b"], ["x", "x"])
