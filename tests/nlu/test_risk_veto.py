"""When the learned model may veto a crisis rule, and what it reads to do so (nlu/risk.py).

Found by an outside attack on the crisis layer: the model was trained on whole
messages, so a sentence of ordinary circumstances before the alarm dragged
its score under the veto ("We moved here two years ago for work. I don't
want to live anymore." scored 0.04 and got a safety question, not the
numbers); and it vetoed what it cannot judge: a lone word the rule already
read ("суїцид" 0.10) and emoji it never sees. Each table below was at CHECK
before the fix. The harmless contexts must keep working: long messages that
tell a lesson, a past that is over or an explicit no stay out of CRISIS.
"""

from __future__ import annotations

from itertools import product
from string import ascii_lowercase

import pytest

from vikno.nlu.crisis_model import CrisisModel
from vikno.nlu.risk import READ_WINDOWS, Risk, RiskTriage


#: Ordinary circumstances first, the alarm last: the whole message scored 0.00-0.04 on the shipped model.
DILUTED = [
    "We moved here two years ago for work. I don't want to live anymore.",
    "Hello, I wanted to ask about the housing subsidy and the certificate for displaced people. I want to kill myself.",
    "Ми переїхали до Львова два роки тому, я працюю на складі, донька ходить у садочок. Я більше не хочу жити.",
    "Доброго дня, хотіла спитати про субсидію на комуналку і довідку для переселенців. Я не хочу більше жити.",
    "Здравствуйте, я хотела узнать про субсидию на коммуналку и справку для переселенцев. Я больше не хочу жить.",
    "Мы переехали в Днепр два года назад, я работаю на складе, дочка ходит в садик. Я больше не хочу жить.",
    "Здравствуйте, подскажите, пожалуйста, какие документы нужны для субсидии. Хочу убить себя.",
    "Salam, kommunal xərclər üçün subsidiya və köçkün arayışı haqqında soruşmaq istəyirdim. Özümü öldürmək istəyirəm.",
]


@pytest.mark.parametrize("text", DILUTED, ids=[f"diluted-{i}" for i in range(len(DILUTED))])
def test_a_sentence_of_circumstances_before_the_alarm_does_not_veto_it(triage: RiskTriage, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.CRISIS, found.reasons
    assert any(r.startswith("sentence:") for r in found.reasons)  # the operator sees the model read the sentence


@pytest.mark.parametrize("text", ["суїцид", "самогубство", "самоубийство", "suicide", "intihar", "суицид!!"])
def test_one_word_a_rule_reads_is_the_rules_to_judge(triage: RiskTriage, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.CRISIS, found.reasons
    assert "rule-decides:short" in found.reasons


@pytest.mark.parametrize("text", ["🔪🩸 не можу більше", "🔪🩸", "💊💊💊💊💊😵", "хочу 💀", "I want to 💀"])
def test_danger_emoji_are_the_rules_to_judge(triage: RiskTriage, text: str) -> None:
    # normalisation drops emoji before the model reads: its score is of the words beside them, or a bare prior
    found = triage.assess(text)
    assert found.level is Risk.CRISIS, found.reasons
    assert "rule-decides:emoji" in found.reasons


#: Long hard negatives a rule fires in: a lesson, a past that is over, an explicit no, a film, a book, a grief.
#: None is a crisis; whether a core rule asks a safety question is the contexts' matter (test_risk_context.py).
HARMLESS = [
    "We are preparing a lesson for teenagers. What should a teacher answer a pupil who writes 'I want to die'?",
    "Ми готуємо урок для підлітків. Що відповісти дитині, яка пише «хочу померти»?",
    "Три роки тому я хотіла вбити себе. Зараз я волонтерка і хочу допомагати іншим.",
    "Five years ago I tried to kill myself. Now I'm fine and I want to volunteer on your line.",
    "Думок убити себе нема, просто втомилася від роботи. Де можна безкоштовно поговорити з психологом?",
    "Мыслей убить себя нет, просто устала от работы. Где можно бесплатно поговорить с психологом?",
    "I'm not self-harming anymore and I won't again. Can I get a referral to have my old scars treated?",
    "Подруга покінчила з собою чотири роки тому. Я це прийняла, але хочу в групу для тих, хто втратив близьких.",
    "Yesterday we watched a film. The hero jumped off a bridge and I cried all evening.",
    "Əvvəl sözgəlişi 'ölmək istəyirəm' yazdım, bağışlayın. Əslində əlil arabası üçün ərizəyə kömək lazımdır.",
    # three words are enough for the model to tell "mum will kill me" from a threat: not the rule's alone
    "мама мене вбʼє",
    "мама меня убьёт",
]


@pytest.mark.parametrize("text", HARMLESS, ids=[f"harmless-{i}" for i in range(len(HARMLESS))])
def test_long_hard_negatives_stay_out_of_crisis(triage: RiskTriage, text: str) -> None:
    assert triage.assess(text).level is not Risk.CRISIS, triage.assess(text).reasons


class _Counting:
    """The shipped model, counting how many texts the triage asks it to score."""

    def __init__(self, model: CrisisModel) -> None:
        self.model, self.core_rules, self.scored = model, model.core_rules, 0

    def score(self, text: str) -> float:
        self.scored += 1
        return self.model.score(text)


@pytest.mark.parametrize("sentence", ["суїцид.", "Суїцид? Ні.", "Suicide Squad."])
def test_a_long_message_of_alarm_sentences_is_read_in_a_bounded_number_of_windows(
    triage: RiskTriage, sentence: str
) -> None:
    """64 KB of one short alarm sentence took 0.75-1 s of model scores, one window per sentence (outside attack):
    now at most READ_WINDOWS distinct windows of the first READ_SENTENCES sentences, and still no less than a
    check, since a rule fired."""
    counting = _Counting(triage.model)  # type: ignore[arg-type]
    bounded = RiskTriage(rules=triage.rules, model=counting, thresholds=triage.thresholds)  # type: ignore[arg-type]
    # each with a tag of its own, so that no two windows are alike (identical ones are scored once); letters, not
    # digits, which the model reads as a warning sign and scores the whole high
    tags = ("".join(letters) for letters in product(ascii_lowercase, repeat=3))
    text = " ".join(f"{sentence[:-1]} {tag}{sentence[-1]}" for tag in tags)[:65_536]
    assessed = bounded.assess(text)
    assert assessed.level in (Risk.CHECK, Risk.CRISIS)
    assert counting.scored <= 1 + READ_WINDOWS
