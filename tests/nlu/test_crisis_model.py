"""The learned crisis model and the three levels it gives with the rules (nlu/crisis_model.py, nlu/risk.py).

The model is the one trained on the shipped corpus once per test run (``shipped_crisis_model``,
tests/conftest.py, by ``train_crisis_model`` as here before), not trained again by this file. These pin
the mechanics (levels, core rules, caching, the corpus format); how well it does on text it never saw is
measured by bench/crisis_triage_bench.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vikno.nlu import crisis_model
from vikno.nlu.builtin import shipped_data_dir
from vikno.nlu.crisis_model import (
    CrisisModel,
    default_crisis_model_path,
    load_corpus,
    load_or_train_crisis_model,
    train_crisis_model,
)
from vikno.nlu.rasa_yaml import RasaDataError
from vikno.nlu.risk import Risk, RiskTriage


@pytest.fixture(scope="module")
def model(shipped_crisis_model: CrisisModel) -> CrisisModel:
    """The shipped corpus's model: some fifteen seconds of CPU that this file spent again on the same model.

    Only read here (scored, saved to a file of its own), never changed, so every file shares it safely.
    """
    return shipped_crisis_model


def test_the_corpus_has_both_labels_in_every_language() -> None:
    corpus = load_corpus(shipped_data_dir())
    for lang in ("uk", "ru", "az", "en"):
        rows = [e for e in corpus if e.language == lang and not e.kind.startswith("ordinary__")]
        assert sum(e.label for e in rows) >= 400 and sum(1 - e.label for e in rows) >= 400, lang


def test_levels_from_rules_and_model(model: CrisisModel) -> None:
    triage = RiskTriage(model=model)
    assert triage.assess("я не хочу більше жити").level is Risk.CRISIS
    assert triage.assess("Я хочу вбити себе").level is Risk.CRISIS
    assert triage.assess("Де отримати крісло колісне для мами?").level is Risk.NONE
    assert triage.assess("Привіт").level is Risk.NONE
    # a rule that fires on a place is no longer the suicide phrase, and the model does not alarm on it
    assert triage.assess("не хочу більше жити в цьому гуртожитку, як переселитися?").level is not Risk.CRISIS
    found = triage.assess("я не хочу більше жити")
    assert any(r.startswith("rule:") for r in found.reasons) and any(r.startswith("model:") for r in found.reasons)
    fields = found.parse_fields()
    assert fields["crisis"] is True and fields["risk"] == "crisis" and isinstance(fields["crisis_score"], float)


#: Everyday questions a chatbot gets that are in no training file: the model has nothing crisis-like to go on.
UNFAMILIAR = [
    "як приготувати борщ без буряка?",
    "какая погода будет в субботу в Харькове",
    "futbol oyunu saat neçədə başlayır?",
    "what is the capital of Australia",
    "порекомендуйте серіал на вечір",
    "сколько стоит проезд в метро",
]


def test_an_unfamiliar_everyday_question_is_not_checked(model: CrisisModel) -> None:
    # A plain regression gave such text 0.2-0.6 (many weak character n-grams that every message has added
    # up; two of these rows were over 0.2, "what is photosynthesis" 0.42), the naive-Bayes ratios keep it low.
    assert {text: round(model.score(text), 2) for text in UNFAMILIAR if model.score(text) >= 0.2} == {}


def test_nb_ratios_favour_what_only_crises_contain() -> None:
    import numpy as np
    from scipy import sparse

    from vikno.nlu.crisis_model import nb_ratios

    # features: 0 only in crises, 1 only in the rest, 2 in both alike
    X = sparse.csr_matrix(np.array([[1, 0, 1], [1, 0, 1], [0, 1, 1], [0, 1, 1]], dtype=np.float32))
    r = nb_ratios(X, np.array([1, 1, 0, 0]), alpha=0.1)
    assert r[0] > 0 > r[1] and abs(r[2]) < 1e-6


def test_without_a_model_the_rules_decide_crisis_or_none() -> None:
    triage = RiskTriage()
    assert triage.assess("я не хочу більше жити").level is Risk.CRISIS
    assert triage.assess("Мама мене вбʼє за двійку, ха").level in (Risk.CRISIS, Risk.NONE)
    assert triage.assess("Де отримати крісло колісне?").level is Risk.NONE


def test_core_rules_are_the_precise_ones(model: CrisisModel) -> None:
    assert "want_die" in model.core_rules  # "хочу померти": right on the corpus
    assert "suicide_word" not in model.core_rules  # "suicide" in a school project: often wrong


def test_saved_private_loaded_the_same_and_cached(
    tmp_path: Path, model: CrisisModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    # as in a fresh process: the shared model is remembered in this one (tests/conftest.py), and the file just
    # saved is what load_or_train_crisis_model must read, once
    monkeypatch.setattr(crisis_model, "_trained", {})
    path = default_crisis_model_path(tmp_path)
    model.save(path)
    assert path.stat().st_mode & 0o777 == 0o600
    again = CrisisModel.load(path)
    for text in ("я не хочу більше жити", "де взяти довідку"):
        assert again.score(text) == pytest.approx(model.score(text))
    assert again.core_rules == model.core_rules
    loaded = load_or_train_crisis_model(tmp_path, shipped_data_dir())
    assert loaded is load_or_train_crisis_model(tmp_path, shipped_data_dir())  # trained or read once a process


def test_a_corpus_intent_must_say_its_label(tmp_path: Path) -> None:
    lang = tmp_path / "uk"
    lang.mkdir()
    (lang / "crisis.yml").write_text('version: "3.1"\nnlu:\n- intent: scary\n  examples: |\n    - щось\n')
    with pytest.raises(RasaDataError, match="crisis__"):
        load_corpus(tmp_path)


def test_topic_examples_that_may_be_a_danger_teach_the_topics_and_not_the_crisis_model(tmp_path: Path) -> None:
    """``danger_situations.yml`` trains the topic classifier; the crisis model never takes it as ordinary.

    Round 10 (topicdata): "afraid to go home, he will hit again" and "a baby crying for hours behind the wall, nobody
    with it" scored check / crisis; in situations.yml they became the crisis model's negatives and scored none.
    """
    from vikno.nlu.builtin import training_files
    from vikno.nlu.rasa_yaml import load_examples

    lang = tmp_path / "az"
    lang.mkdir()
    (lang / "crisis.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: crisis__violence_now_or_threat\n  examples: |\n    - məni döyür kömək edin\n'
    )
    (lang / "situations.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: domestic_violence\n  examples: |\n    - ərim pulumu əlimdən alır\n'
    )
    (lang / crisis_model.TOPIC_ONLY_FILE).write_text(
        'version: "3.1"\nnlu:\n- intent: domestic_violence\n  examples: |\n    - evə getməyə qorxuram yenə vuracaq\n'
    )
    corpus = {e.text: e.kind for e in load_corpus(tmp_path)}
    assert corpus == {
        "məni döyür kömək edin": "crisis__violence_now_or_threat",
        "ərim pulumu əlimdən alır": "ordinary__domestic_violence",
    }
    topics = {(e.text, e.intent) for e in load_examples(training_files(tmp_path))}
    assert topics == {
        ("ərim pulumu əlimdən alır", "domestic_violence"),
        ("evə getməyə qorxuram yenə vuracaq", "domestic_violence"),
    }
    shipped = {e.text for e in load_corpus(shipped_data_dir())}
    for folder in ("uk", "ru", "az", "en"):
        for name in sorted(crisis_model.TOPIC_ONLY_FILES):  # danger_situations.yml and topics_only.yml
            apart = load_examples(shipped_data_dir() / folder / name)
            assert apart and not shipped & {e.text for e in apart}, (folder, name)
            assert shipped_data_dir() / folder / name in training_files(shipped_data_dir())


def test_no_corpus_means_no_model(tmp_path: Path) -> None:
    lang = tmp_path / "uk"
    lang.mkdir()
    (lang / "nlu.yml").write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - привіт\n')
    assert train_crisis_model(tmp_path) is None


def test_danger_emoji_alone_are_a_crisis_as_with_the_rules_alone(model: CrisisModel) -> None:
    # the model sees nothing in emoji (a fixed prior), so it cannot veto the emoji rule: the alarm, not a question
    # (it was a check before the crisis layer's last attack; tests/nlu/test_risk_veto.py)
    triage = RiskTriage(model=model)
    assert [triage.assess(t).level for t in ("🔪🩸", "💊💊💊💊💊😵", "хочу 💀")] == [Risk.CRISIS] * 3
