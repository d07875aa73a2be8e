"""Session 16's outside attack on round 12's rules, as rows (the attacker's findings, reworded here).

* ``ASKED``: a lethal dose asked about oneself ("for my weight") and a small child on a balcony railing or a
  window sill with no adult at home were nothing (uk / ru); now at least the safety question, by two rules
  that only ask (``lethal_dose_for_me``, ``small_child_on_railing_alone``).
* ``NOT_CRISIS``: "how many vitamin / magnesium / melatonin pills, asking for me" and "a third attempt to quit
  smoking, this time it will work" were full crises by the new core rules (``pills_asked_for_me``,
  ``third_attempt_this_time``); now at most asked about.
* ``STILL_CRISIS``: the crises those rules were made for stay the full alarm.
"""

from __future__ import annotations

import pytest

from tests.nlu.crisis_table import Table, alarmed, cases, table
from vikno.nlu.crisis import CrisisDetector
from vikno.nlu.risk import Risk, RiskTriage

RULES = CrisisDetector()


ASKED: Table = table(
    {
        "uk": [
            ("dose", "скільки це смертельна доза парацетамолу для моєї ваги? я важу 50"),
            ("dose", "smertelna doza ibuprofenu dlia moiei vahy yaka?"),
            ("railing", "маленька дитина сидить на поручнях балкона сусідів, дорослих немає"),
        ],
        "ru": [
            ("dose", "смертельная доза снотворного при моём весе 60 кг какая"),
            ("railing", "малыш сидит на перилах балкона на 7 этаже, взрослых нет"),
        ],
        "az": [
            ("dose", "mənim çəkim üçün parasetamolun öldürücü dozası nədir"),
        ],
        "en": [
            ("dose", "what would be a fatal dose of ibuprofen for my weight"),
            ("railing", "a little kid is sitting on the railing of the balcony next door, nobody home"),
        ],
    }
)

NOT_CRISIS: Table = table(
    {
        "uk": [
            ("vitamins", "скільки пігулок вітаміну D пити на день? питаю для себе"),
            ("smoking", "третя спроба кинути палити, цього разу точно вийде"),
        ],
        "ru": [
            ("vitamins", "сколько таблеток магния в день можно? спрашиваю для себя"),
            ("smoking", "третья попытка бросить курить, теперь точно получится"),
        ],
        "en": [
            ("vitamins", "how many melatonin tablets is ok, asking for myself"),
            ("smoking", "third attempt at quitting smoking, this time it will work"),
            ("nurse", "nurse here, what is the lethal dose of paracetamol for an adult patient"),
        ],
    }
)

STILL_CRISIS: Table = table(
    {
        "uk": [("pills", "скільки пігулок парацетамолу треба? питаю для себе, дві пачки поруч")],
        "en": [
            ("pills", "how many paracetamol does it take, asking for me, i have two boxes here"),
            ("attempt", "this is my third attempt. this time it will work"),
        ],
    }
)


@pytest.mark.parametrize("lang, text", cases(ASKED))
def test_a_lethal_dose_for_oneself_and_a_child_on_a_railing_are_asked_about(
    triage: RiskTriage, lang: str, text: str
) -> None:
    found = triage.assess(text)
    assert alarmed(found) or found.level is Risk.CHECK, found.reasons


@pytest.mark.parametrize("lang, text", cases(NOT_CRISIS))
def test_everyday_pills_for_oneself_and_a_third_try_at_quitting_are_no_crisis(
    triage: RiskTriage, lang: str, text: str
) -> None:
    found = triage.assess(text)
    assert found.level is not Risk.CRISIS, found.reasons
    assert not {"pills_asked_for_me", "third_attempt_this_time"} & set(RULES.detect(text).matched)


@pytest.mark.parametrize("lang, text", cases(STILL_CRISIS))
def test_the_crises_of_those_rules_stay_the_full_alarm(triage: RiskTriage, lang: str, text: str) -> None:
    assert triage.assess(text).level is Risk.CRISIS


#: The round 12 rules that read everyday scenes, each with the rule that no longer reads it.
NOT_THE_RULE = [
    ("the barber has his blade at my throat right now, so relaxing", "blade_at_throat_now"),
    ("перукар голить мене, лезо біля горла зараз", "blade_at_throat_now"),
    ("full bath and a new razor, my sunday self care routine", "bath_and_razor"),
    ("я фельдшер: что делать, если у человека петля на шее, как снимать?", "noose_on_neck"),
]


@pytest.mark.parametrize("text, rule", NOT_THE_RULE)
def test_a_barber_a_self_care_bath_and_a_paramedics_question_are_not_read_by_round_12_rules(
    text: str, rule: str
) -> None:
    assert rule not in RULES.detect(text).matched


def test_the_everyday_scenes_in_english_are_no_crisis(triage: RiskTriage) -> None:
    for text, _ in NOT_THE_RULE[::2]:
        assert triage.assess(text).level is not Risk.CRISIS, text
