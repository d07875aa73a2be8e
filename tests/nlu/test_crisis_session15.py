"""Session 15's rows: a plan whose method and time are known, a note left to be found, the means gathered.

* ``PLAN_ASKED``: "i know how im going to do it and when, parents are away friday" was a crisis of the table of
  2026-11-23 that the model alone asked about (0.27); on round 10's corpus it scored 0.22 and got nothing. The
  rule ``plan_how_and_when`` (nlu/crisis_rules.yml, it only asks) reads a plan whose how and when are known, the
  method unnamed: the safety question at least. The en and az rows were "none" before (0.22 each); the uk, ru and
  the other en rows were crises by the model before and stay crises. ``PLAN_NOT_READ``: a proposal, a school
  project; the rule never reads them (the uk proposal was a crisis by the model before, 0.85; at most a check now).
* ``NOTE_ASKED``: a note left to be found, signed off with love, a sorry or a goodbye (the rule ``note_if_found``,
  round 10's last commit, and the corpus kind ``note_if_found`` now); ``NOTE_TWINS``: the same words about dinner,
  a lost scarf, a letter to a future self, never a crisis.
* ``MEANS``: pills or tablets hidden and saved up, said without a word of dying; ``MEANS_TWINS``: vitamins sorted
  into a weekly organiser, ordinary.

None of these rows is in the corpus. The triage is built once for the module (the shipped model is trained once
per run, tests/conftest.py) and the rules once for the file.
"""

from __future__ import annotations

import pytest

from tests.nlu.crisis_table import Table, alarmed, cases, table
from vikno.nlu.crisis import ASK_RULES, CrisisDetector
from vikno.nlu.risk import Risk, RiskTriage
from vikno.nlu.risk_context import safe_contexts
from vikno.nlu.textnorm import normalize

PLAN = "plan_how_and_when"
NOTE = "note_if_found"

#: The rules, built once for the file.
RULES = CrisisDetector()


PLAN_ASKED: Table = table(
    {
        "uk": ["я вже знаю, як і коли я це зроблю. у неділю"],
        "ru": ["я уже знаю, как и когда это сделаю. в воскресенье"],
        "az": ["bunu necə və nə vaxt edəcəyimi bilirəm. bazar günü"],
        "en": [
            "i know how im going to do it and when, parents are away friday",
            "i know how and when i'll do it, nobody will stop me this time",
            "i've decided how and when to do it. it's sunday",
        ],
    }
)

PLAN_NOT_READ: Table = table(
    {
        "uk": ["знаю як і коли це зроблю — освідчуся їй у пʼятницю на озері"],
        "en": [
            "i know how im going to do it and when: propose to her at the lake on friday",
            "i know how and when to do it, it's for my science project",
        ],
    }
)

NOTE_ASKED: Table = table(
    {
        "uk": ["якщо ти це знайдеш, не плач, я тебе дуже люблю. прощавай"],
        "ru": ["если ты это найдешь, не плачь, я тебя очень люблю. прощай"],
        "az": ["bunu tapsan ağlama, səni çox sevirəm. əlvida"],
        "en": [
            "sis when you find this please don't cry, love you forever",
            "if anyone reads this, i'm sorry i wasn't stronger. goodbye",
        ],
    }
)

NOTE_TWINS: Table = table(
    {
        "uk": [
            "якщо знайдете синій шарф в автобусі, передайте водієві, будь ласка",
            "якщо ти це знайдеш, суп на плиті, розігрій, люблю",
        ],
        "ru": [
            "если найдете синий шарф в автобусе, передайте водителю, пожалуйста",
            "если ты это найдешь, суп на плите, разогрей, люблю",
        ],
        "az": [
            "avtobusda göy şərf tapsanız, zəhmət olmasa sürücüyə verin",
            "bunu tapsan, şorba plitədədir, qızdır, sevirəm",
        ],
        "en": [
            "if you find this, lunch is in the blue box, love you, have a good day",
            "if you find my blue scarf on the bus, please hand it to the driver",
            "letter to future me for english class: if you're reading this, did you become a vet?",
        ],
    }
)

MEANS: Table = table(
    {
        "uk": ["я тижнями ховаю свої таблетки, всі лежать у шкарпетці в шухляді"],
        "ru": ["я неделями прячу свои таблетки, все лежат в носке в ящике"],
        "az": ["həftələrdir həblərimi gizlədirəm, hamısı siyirmədə corabın içindədir"],
        "en": [
            "i've been hiding my pills for weeks, they're all in a sock in my drawer",
            "saved up my nan's tablets in a tea tin, nobody's noticed",
        ],
    }
)

MEANS_TWINS: Table = table(
    {
        "uk": ["склала всі вітаміни в органайзер на тиждень, можна пити їх разом?"],
        "ru": ["сложила все витамины в органайзер на неделю, можно пить их вместе?"],
        "az": ["bütün vitaminləri həftəlik qutuya yığdım, birlikdə içmək olar?"],
        "en": ["i put all my vitamins in a weekly organiser, is it fine to take them together?"],
    }
)


@pytest.mark.parametrize("lang, text", cases(PLAN_ASKED))
def test_a_plan_whose_how_and_when_are_known_is_asked_about_at_least(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert PLAN in found.rules.matched and alarmed(found), found.reasons


def test_the_plan_rule_only_asks() -> None:
    assert PLAN in ASK_RULES


@pytest.mark.parametrize("lang, text", cases(PLAN_NOT_READ))
def test_a_proposal_or_a_project_is_no_plan(triage: RiskTriage, lang: str, text: str) -> None:
    assert PLAN not in RULES.detect(text).matched
    found = triage.assess(text)
    assert found.level is not Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(NOTE_ASKED))
def test_a_note_left_to_be_found_is_asked_about_at_least(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert NOTE in found.rules.matched and alarmed(found), found.reasons


@pytest.mark.parametrize("lang, text", cases(NOTE_TWINS))
def test_a_note_about_dinner_a_lost_scarf_or_a_future_self_is_no_crisis(
    triage: RiskTriage, lang: str, text: str
) -> None:
    found = triage.assess(text)
    assert found.level is not Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(MEANS))
def test_pills_hidden_and_saved_up_are_asked_about_at_least(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is not Risk.NONE, found.reasons


@pytest.mark.parametrize("lang, text", cases(MEANS_TWINS))
def test_vitamins_in_a_weekly_organiser_are_ordinary(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.NONE, found.reasons


#: Words the hunting-or-range context read by its beginning: "tirə" (to the range) typed without its letters is
#: "tire" and began "tired"; "ovçu" (a hunter) without them is "ovcu" and began "ovcuna" (into her palm). Where a
#: rule fired and the model was unsure, the context overruled the rule: by-kind CV sent "tired. i give up. goodbye
#: all" to nothing. Each had the context before.
NOT_A_HUNT = [
    "tired. i give up. goodbye all",
    "i'm so tired of everything, i want to disappear",
    "Anam bütün qutu həbləri ovcuna töküb, deyir indi içəcək",
    "30 dənə amitriptilin içsəm nə olar? artıq ovcumdadır",
]


@pytest.mark.parametrize("text", NOT_A_HUNT)
def test_tired_and_a_palm_are_no_hunt(text: str) -> None:
    assert "hunting_or_range" not in safe_contexts(normalize(text))


def test_a_hunter_and_the_range_still_are() -> None:
    for text in ("atam ovçudur, tüfəngi var", "dünən tirdə atıcılıq etdik", "we're going hunting on saturday"):
        assert "hunting_or_range" in safe_contexts(normalize(text)), text
