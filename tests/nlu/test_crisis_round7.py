"""What the last outside attack and the crisis engineer left noticed (crisis triage, round 7).

Each table was at the wrong level on the code before its fix, judged by the
triage as shipped (the rules with the model trained on the shipped corpus):

* a child's short everyday answer mid-conversation ("не знаю", "I don't know",
  "ne bilirem", "мабуть") was a safety question (model 0.41-0.67): short
  messages get the whole weight of their few n-grams, and "знаю", "мабуть",
  "bilirəm" lean to a crisis (crises say "я не знаю що робити"), while no
  short ordinary answer like them was among the negatives. A kind of short
  replies in every language; short crises stay what they were;
* the model trained against its own core rule: the domestic-violence topic
  examples "тато бʼє маму", "atam anamı döyür" were its negatives while
  ``parent_hurts_parent`` makes them a crisis (nlu/crisis_model.py);
* ``way_onto_roof`` fired on roofers and roof repairs;
* digits leaned to a crisis ("10 000 гривень" scored 0.71): the model no
  longer reads digits; plans with a date stay crises;
* a crisis no rule sees, told at the end of a long story, was scored only on
  the whole message and fell under the check (nlu/risk.py: sentence windows).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.nlu.crisis_table import Table, cases, table
from vikno.nlu.builtin import shipped_data_dir
from vikno.nlu.crisis import CrisisDetector
from vikno.nlu.crisis_model import CrisisModel, load_corpus, rule_hits
from vikno.nlu.risk import Risk, RiskTriage


#: Short everyday answers: each of the first rows of a language was a check before.
SHORT_REPLIES: Table = table(
    {
        "uk": [
            ("short_reply", "не знаю"),
            ("short_reply", "я не знаю"),
            ("short_reply", "мабуть"),
            ("short_reply", "та не знаю я"),
            ("short_reply", "нічого"),
            ("short_reply", "ок"),
        ],
        "ru": [("short_reply", "не знаю даже"), ("short_reply", "я не знаю"), ("short_reply", "ничего")],
        "az": [("short_reply", "ne bilirem"), ("short_reply", "bilmirəm"), ("short_reply", "heç nə")],
        "en": [("short_reply", "i don't know"), ("short_reply", "I don't know"), ("short_reply", "nothing")],
    }
)

#: Short crises: what they were before the short replies joined the corpus.
SHORT_CRISES: Table = table(
    {
        "uk": [("short_crisis", "не хочу жити"), ("short_crisis", "хочу вмерти"), ("short_crisis", "😭🔪")],
        "ru": [("short_crisis", "не хочу жить"), ("short_crisis", "хочу умереть")],
        "az": [("short_crisis", "ölmək istəyirəm")],
        "en": [("short_crisis", "i want to die")],
    }
)


@pytest.mark.parametrize("lang, text", cases(SHORT_REPLIES))
def test_a_short_everyday_answer_is_no_safety_question(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.NONE, found.reasons


@pytest.mark.parametrize("lang, text", cases(SHORT_CRISES))
def test_a_short_crisis_stays_a_crisis(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.CRISIS, found.reasons


def test_a_bare_help_me_stays_a_question(triage: RiskTriage) -> None:
    assert triage.assess("help me").level is Risk.CHECK


# ---------------------------------------------------------------- the model against its own core rules

#: A help-topic example is labelled by its topic; these are crises by the core rule parent_hurts_parent.
PARENT_CRISES = ["тато бʼє маму зараз", "тато знову бʼє маму", "папа бьет маму сейчас", "батько бʼє маму, я боюся"]
PARENT_CRISES += ["тато маму бʼє", "папа опять бьет маму", "atam anamı döyür indi", "батько знову бʼє маму"]
ORDINARY = ["як отримати субсидію", "де взяти довідку", "коли прийде пенсія", "як записатися до лікаря"]
ORDINARY += ["чи є гуртки для дітей", "де безкоштовний юрист", "як оформити ID-картку", "коли працює ЦНАП"]


def test_a_topic_example_a_core_rule_fires_on_is_not_the_models_negative() -> None:
    topic_example = "тато бʼє маму"
    texts = PARENT_CRISES + ORDINARY + [topic_example]
    labels = [1] * len(PARENT_CRISES) + [0] * len(ORDINARY) + [0]
    topic = [False] * (len(texts) - 1) + [True]
    judged = CrisisModel(latin_twins=False).fit(texts, labels, topic=topic)
    assert "parent_hurts_parent" in judged.core_rules
    taught_wrong = CrisisModel(latin_twins=False).fit(texts, labels)  # the topic example as a plain negative
    assert judged.score(topic_example) > taught_wrong.score(topic_example) + 0.1
    # a topic example only a non-core rule misfires on stays a negative: that is how the model learns a veto
    loan = "на мене повісили кредит"
    assert rule_hits([loan])[0] and not rule_hits([loan])[0] & judged.core_rules


def test_the_shipped_model_no_longer_contradicts_its_core_rules_on_topic_examples(triage: RiskTriage) -> None:
    """The shipped model scored "Atam içəndə anamı vurur, nə etməliyəm" 0.08: trained on it as ordinary."""
    assert triage.model is not None
    core = triage.model.core_rules
    contradicted = [
        (e.text, round(triage.model.score(e.text), 2))
        for e in load_corpus(shipped_data_dir())
        if e.topic and rule_hits([e.text])[0] & core and triage.model.score(e.text) < triage.thresholds.check_at
    ]
    assert contradicted == []


def test_the_topic_classifier_keeps_them() -> None:
    nlu = (Path(shipped_data_dir()) / "uk" / "nlu.yml").read_text(encoding="utf-8")
    assert "тато бʼє маму" in nlu


# ---------------------------------------------------------------- the way onto the roof is also work

ROOF_WORK: Table = table(
    {
        "uk": [
            ("roof_work", "Я покрівельник, знаю як вилізти на дах будь-якої багатоповерхівки. Де шукати замовлення?"),
            ("roof_work", "Сусід знайшов як вилізти на дах, щоб полагодити антену. Хто за це платить, ОСББ?"),
        ],
        "ru": [("roof_work", "Узнал как попасть на крышу, чтобы починить антенну. Кто отвечает за ключи от чердака?")],
        "az": [("roof_work", "Damın üstünə necə çıxmağı öyrəndim, antenanı düzəltmək lazımdır. Kim kömək edə bilər?")],
        "en": [
            ("roof_work", "We found out how to get onto the roof to fix the leak after the storm. Who pays for it?"),
        ],
    }
)
ROOF_CRISES: Table = table(
    {
        "uk": [("way_onto_roof", "Я вже знаю як вилізти на дах.")],
        "ru": [("way_onto_roof", "Мне никто не нужен. Я знаю как залезть на крышу нашей девятиэтажки.")],
        "en": [("way_onto_roof", "Nobody would notice. I found out how to get onto the roof of our block.")],
    }
)


@pytest.mark.parametrize("lang, text", cases(ROOF_WORK))
def test_a_roofer_or_a_roof_repair_is_no_crisis_rule(triage: RiskTriage, lang: str, text: str) -> None:
    assert not CrisisDetector().detect(text).crisis
    found = triage.assess(text)
    assert found.level is Risk.NONE, found.reasons


@pytest.mark.parametrize("lang, text", cases(ROOF_CRISES))
def test_the_way_onto_the_roof_without_work_stays_a_crisis(triage: RiskTriage, lang: str, text: str) -> None:
    assert "way_onto_roof" in CrisisDetector().detect(text).matched
    assert triage.assess(text).level is Risk.CRISIS


# ---------------------------------------------------------------- digits say nothing of danger

NUMBERS: Table = table(
    {
        "uk": [("numbers", "10 000 гривень"), ("numbers", "Мені 15, коли можна оформити паспорт самостійно?")],
        "ru": [("numbers", "Пенсия 3 200, а лекарства 1 500 в месяц. Есть ли компенсация?")],
        "az": [("numbers", "1000 manat yardım hər uşağa düşür?")],
        "en": [("numbers", "My appointment is on 15/03 at 10:00, can I move it?")],
    }
)
DATED_PLANS: Table = table(
    {
        "uk": [("plan_with_date", "Я вирішила: 15 березня все закінчиться")],
        "en": [("plan_with_date", "I took 30 pills")],
    }
)


def test_the_model_does_not_read_digits(triage: RiskTriage) -> None:
    """ "10" weighed +1.9 towards a crisis; as a class ("00") a bare "15" scored 0.81."""
    assert triage.model is not None
    assert triage.model.score("мені 15") == triage.model.score("мені 99")
    assert triage.model.score("1. паспорт 2. довідка") == triage.model.score("7. паспорт 9. довідка")


@pytest.mark.parametrize("lang, text", cases(NUMBERS))
def test_a_number_is_no_warning_sign(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.NONE, found.reasons


@pytest.mark.parametrize("lang, text", cases(DATED_PLANS))
def test_a_plan_with_a_date_or_a_count_stays_a_crisis(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.CRISIS, found.reasons


# ---------------------------------------------------------------- a long story with one dangerous sentence

_STORY_UK = (
    "Добрий день. Хотіла спитати про субсидію на комуналку. Документи подала в березні, довідку ВПО теж. Нам"
    " казали чекати місяць. Уже травень, а грошей нема. Телефон управління не відповідає. Донька ходить до школи,"
    " син у садочок."
)
_STORY_EN = (
    "Hello. I wanted to ask about the housing subsidy. I handed in the papers in March with the certificate. They"
    " said to wait a month. It is May now and nothing came. Nobody answers the phone at the office. My daughter"
    " goes to school, my son to nursery."
)
#: No rule fires; the whole message scored under the crisis bar (en 0.04-0.12), the last sentence far over it.
DILUTED_BY_LENGTH = [
    f"{_STORY_UK} Сьогодні я зібрала всі свої таблетки в одну коробочку.",
    f"{_STORY_UK} Сьогодні я нарешті вирішила, що це мій останній вечір.",
    f"{_STORY_EN} Today I put all my pills together in one box.",
    f"{_STORY_EN} In my head I have already said goodbye to the kids.",
    f"{_STORY_EN} Tonight I decided this is my last evening.",
]
#: The same stories ending in an ordinary request stay ordinary.
STORY_ENDS_ORDINARY = [
    f"{_STORY_UK} Підкажіть, куди ще можна звернутися?",
    f"{_STORY_EN} Where else can I ask about it?",
]


@pytest.mark.parametrize("text", DILUTED_BY_LENGTH, ids=[f"diluted-{i}" for i in range(len(DILUTED_BY_LENGTH))])
def test_a_dangerous_sentence_no_rule_reads_is_read_in_its_window(triage: RiskTriage, text: str) -> None:
    found = triage.assess(text)
    assert not found.rules.crisis
    assert found.level is Risk.CRISIS, found.reasons
    assert any(r.startswith("window:") for r in found.reasons)  # the operator sees why


@pytest.mark.parametrize("text", STORY_ENDS_ORDINARY, ids=["uk", "en"])
def test_a_long_story_ending_in_a_request_stays_ordinary(triage: RiskTriage, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.NONE, found.reasons
