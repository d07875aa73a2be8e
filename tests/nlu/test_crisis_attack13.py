"""Session 13's outside attack: messages that got nothing from the crisis layer, and their everyday twins.

An attacker writing to the real service found four kinds at level none (an ordinary topic answer followed):

* a child missing now, in Azerbaijani "uşağım itkin düşüb" (uk/ru/en "зникла", "пропал", "is missing" were
  already asked about by child_danger): now the safety question at least (police 102, 112);
* shelling or an explosion happening now ("обстріл, що робити", "вибух поруч, я в укритті"): the question
  (shelter, 112);
* a son threatening with a knife in Ukrainian, "погрожує мені ножем" (the instrumental case with a word between;
  the en version was a crisis by weapon/weapon_more): a crisis as in English;
* an old person fallen and unable to get up, "бабуся впала і не може встати" (the en words were
  fallen_not_getting_up's question): asked about in uk/ru/az as in English.

The twins stay ordinary: a relative missing at the front for months (the veterans topic), a lost pet, phone or
paper, a son "disappeared into his room"; compensation for a house shelled last month, news of shelling
elsewhere; a threat with no weapon; a fall one got up from, a price or a laptop that fell. None of these rows is
in the corpus (nlu/data/<lang>/crisis.yml has their kinds, in other words).
"""

from __future__ import annotations

import pytest

from tests.nlu.crisis_table import Table, alarmed, cases, table
from vikno.nlu.risk import Risk, RiskTriage

MISSING = "child_missing_now"
SHELLING = "shelling_now"
WEAPON = "weapon_threat_relative"
FALLEN = "old_person_fallen_cannot_rise"


#: A child missing now: at least the safety question (a rule of child_danger's is not one that only asks, so
#: its question is asserted as the level, not with alarmed()).
MISSING_CHILD: Table = table(
    {
        "az": [
            (MISSING, "uşağım itkin düşüb"),
            (MISSING, "qızım itib, tapa bilmirəm"),
            (MISSING, "qizim itkin dusub"),
            (MISSING, "oğlum axşamdan itkin düşüb, telefonu söndürülüb"),
        ],
        "uk": [
            (MISSING, "дитина зникла, не можу знайти"),
            (MISSING, "донька зникла, шукаємо з поліцією, що робити"),
            (MISSING, "син загубився в тц, не можу знайти"),
        ],
        "ru": [
            (MISSING, "сын пропал, не отвечает на телефон с утра"),
            (MISSING, "мой сын пропал вчера вечером, до сих пор нет"),
        ],
        "en": [(MISSING, "my 8 year old is missing")],
    }
)

#: Shelling now, a relative's weapon, a fall one cannot get up from: the question or the full alarm.
ALARMED: Table = table(
    {
        "uk": [
            (SHELLING, "обстріл, що робити"),
            (SHELLING, "вибух поруч, я в укритті"),
            (SHELLING, "прильоти, що робити??"),
            (SHELLING, "зараз вибухи, діти в коридорі"),
            (FALLEN, "бабуся впала і не може встати"),
            (FALLEN, "дід упав і не може встати"),
        ],
        "ru": [
            (SHELLING, "обстрел, что делать"),
            (SHELLING, "взрыв рядом что делать"),
            (FALLEN, "бабушка упала и не может встать"),
            (FALLEN, "дедушка упал, не может встать, что делать"),
        ],
        "az": [
            (SHELLING, "partlayış var, nə edək"),
            (FALLEN, "nənəm yıxılıb qalxa bilmir"),
            (FALLEN, "babam yixilib qalxa bilmir"),
        ],
        "en": [
            (SHELLING, "shelling, what do I do"),
            (SHELLING, "explosion right outside, what do we do"),
            (FALLEN, "grandma fell and can't get up"),
            (FALLEN, "my grandma fell and she can't get up"),
        ],
    }
)

#: A family member's weapon threat: a crisis, in Ukrainian as in Russian, Azerbaijani and English.
WEAPON_CRISIS: Table = table(
    {
        "uk": [
            (WEAPON, "син погрожує мені ножем і забирає пенсію"),
            (WEAPON, "брат погрожує мені ножем"),
        ],
        "ru": [(WEAPON, "сын угрожает мне ножом и забирает пенсию")],
        "az": [(WEAPON, "oğlum məni bıçaqla hədələyir, pensiyamı alır")],
        "en": [(WEAPON, "my son threatens me with a knife and takes my pension")],
    }
)

#: Everyday twins of the four kinds: nothing from the crisis layer.
TWINS: Table = table(
    {
        "uk": [
            (MISSING, "син зник безвісти на фронті пів року тому, які виплати"),
            (MISSING, "наш кіт зник ще вчора"),
            (MISSING, "дочка загубила телефон на тренуванні, що робити"),
            (SHELLING, "будинок пошкоджено обстрілом минулого місяця, як отримати компенсацію"),
            (SHELLING, "бачила в новинах обстріл Харкова"),
            (SHELLING, "компенсація за пошкоджене обстрілом вікно"),
            (WEAPON, "чоловік погрожує розлученням"),
        ],
        "ru": [
            (MISSING, "брат пропал без вести на фронте полгода назад, как получить статус"),
            (MISSING, "ребенок потерял свидетельство о рождении, как восстановить"),
            (MISSING, "дочка весь вечер пропадает в телефоне"),
        ],
        "en": [
            (MISSING, "my son disappeared into his room all day playing games"),
            (MISSING, "my dog is missing since yesterday"),
            (MISSING, "my son went missing in action last year, what benefits"),
        ],
    }
)


@pytest.mark.parametrize("lang, text", cases(MISSING_CHILD))
def test_a_child_missing_now_is_at_least_asked_about(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is not Risk.NONE, found.reasons


@pytest.mark.parametrize("lang, text", cases(ALARMED))
def test_shelling_now_and_a_fall_without_getting_up_are_asked_about(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert alarmed(found), found.reasons


@pytest.mark.parametrize("lang, text", cases(WEAPON_CRISIS))
def test_a_relatives_knife_threat_is_a_crisis_in_every_language(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(TWINS))
def test_everyday_twins_get_nothing(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.NONE, found.reasons
