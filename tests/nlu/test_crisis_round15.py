"""Kinds of message a fresh blind table (round 15) got wrong, as our own rows in every language.

The integrator described round 15's errors as kinds (the table itself was not read); every row here was
written for this file and none of them is in the corpus. The rows of ``CRISIS_NOW``, ``FALSE_ALARM`` and
``NOW_ASKED`` were at the wrong level on main before this round (the rules with the model trained on main's corpus),
and the rules of ``SITUATIONS`` and ``PLAIN_CRISES`` did not exist:

* situations read as nothing that now at least ask (``SITUATION_ROWS``, read by the rules of ``SITUATIONS``): "I'll
  write my last message, you don't know me but thank you" (also in Latin letters), a friend who swam far out and is
  not coming back, "may God keep you all" with a white heart, a new rope tied to the wall, "talk me off this ledge";
* crises said plainly that were only asked about (``CRISIS_NOW``): "i want to kms", "kys time", "вскроюсь", az "daha
  yaşamaq istəmirəm", charcoal bought and the windows taped, "I'm on the bridge already, who is with me to the end", a
  knife and "I'll kill you and the kids", burned with a hot iron, a baby of 8 months not breathing, a group's last
  task to kill oneself, and an az plain wish to die after "I don't understand" (in Latin letters);
* false alarms (``FALSE_ALARM``, at most a question now): "last day at school! goodbye everyone, see you at uni", a
  brother's joking threat to throw one off the balcony over an Xbox.

Rows of the same kinds that were already at the right level on main, or that the model still only asks about, are
green before and after (``STAY_*``). The triage is built once for the module (the shipped model is trained once per
run, tests/conftest.py) and the rules once for the file.
"""

from __future__ import annotations

import pytest

from tests.nlu.crisis_table import Table, alarmed, cases, table
from vikno.nlu.crisis import ASK_RULES, CrisisDetector
from vikno.nlu.crisis_model import CrisisModel
from vikno.nlu.risk import Risk, RiskTriage

#: The rules of this round: the situations that only ask, and the crises said plainly (core: the corpus proves them).
SITUATIONS = ("last_message_written", "swam_far_not_back", "god_keep_you_all", "rope_tied_up", "talk_me_off_ledge")
PLAIN_CRISES = (
    "kms_self",
    "vskroyus",
    "no_more_live_az",
    "charcoal_windows_taped",
    "on_bridge_to_the_end",
    "knife_kill_you_and_kids",
    "burned_with_iron",
    "baby_not_breathing",
    "group_last_task",
)

#: The rules, built once for the file.
RULES = CrisisDetector()

#: Situations read as nothing or only by the model on round 15's table, each now read by a rule that asks.
SITUATION_ROWS: Table = table(
    {
        "uk": [
            "napyshu ostannie povidomlennia. vy mene ne znaiete, ale diakuiu vam",
            "напишу останнє повідомлення. ви мене не знаєте, але дякую",
            "друг заплив далеко в море і не повертається, рятувальників немає",
            "хай Бог береже вас усіх 🤍",
            "прив'язав нову мотузку до стіни, не знаю що відчуваю",
            "pryviazav motuzku do steli, ne znayu shcho vidchuvayu",
        ],
        "ru": [
            "пишу последнее сообщение. вы меня не знаете, но спасибо вам",
            "pishu poslednee soobshchenie. vy menya ne znaete, no spasibo",
            "друг заплыл далеко в море и не возвращается, спасателей нет",
            "бережи вас всех Бог 🤍",
            "привязал новую верёвку к стене, не знаю что чувствую",
        ],
        "az": [
            "son mesajımı yazıram. məni tanımırsınız, amma sağ olun",
            "son mesajimi yaziram, meni tanimirsiniz, amma sag olun",
            "dostum dənizdə çox uzağa üzdü, geri qayıtmır, xilasedici yoxdur",
            "dostum denizde uzaga uzdu, geri qayitmir, xilasedici yoxdur",
            "Allah hamınızı qorusun 🤍",
            "allah haminizi qorusun 🤍",
            "yeni ipi divara bağladım, nə hiss etdiyimi bilmirəm",
            "yeni ipi divara bagladim, ne hiss etdiyimi bilmirem",
        ],
        "en": [
            "i'll write my last message here. you don't know me, but thank you all",
            "my friend swam far out to sea and isn't coming back, there are no lifeguards",
            "may God keep you all 🤍",
            "i tied the new rope to the wall, i don't know what i feel",
            "please, i just need someone to talk me off this ledge. literally",
            "can someone talk me down off the ledge, not a metaphor",
        ],
    }
)

#: Crises said plainly that were only asked about (or read as nothing): now the full alarm.
CRISIS_NOW: Table = table(
    {
        "uk": [
            "вскроюсь нарешті. набридло",
            "купила вугілля і заклеїла вікна",
            "я вже на мосту, хто зі мною до кінця",
            "дитина 8 місяців не дихає",
            "мачуха обпекла мене праскою, завтра буде гірше",
        ],
        "ru": [
            "вскроюсь нахрен. надоело",
            "купил уголь и заклеил окна",
            "муж взял нож и говорит убью тебя и детей",
            "ребёнок 8 месяцев не дышит",
            "мачеха обожгла меня утюгом, завтра будет хуже",
            "я уже на мосту, кто со мной до конца",
        ],
        "az": [
            "daha yaşamaq istəmirəm",
            "basa dusmurem, yasamaq istemirem",
            "kömür aldım və pəncərələri bantladım",
            "8 aylıq körpə nəfəs almır",
            "qrupda son tapşırıq özünü öldürməkdir, sabah son gündür",
        ],
        "en": [
            "i want to kms",
            "kys time i guess. no point anymore",
            "bought charcoal and taped the windows",
            "my stepmother burned me with a hot iron, tomorrow will be worse",
            "the group's last task is to kill yourself, tomorrow is the last day",
        ],
    }
)

#: Crises of those kinds that were the full alarm before and are after (now also by a rule of this round).
STAY_CRISIS: Table = table(
    {
        "uk": [
            "не розумію, не хочу жити",
            "чоловік взяв ніж і каже вб'ю тебе і дітей",
            "в групі останнє завдання вбити себе, завтра останній день",
        ],
        "ru": [
            "vskroyus nahren, nadoelo",
            "не понимаю, не хочу жить",
            "последнее задание в группе убить себя, завтра последний день",
        ],
        "az": [
            "daha yasamaq istemirem",
            "artıq körpüdəyəm, sona qədər mənimlə kim var",
        ],
        "en": [
            "this is my last message. you don't know me but thank you",
            "my husband took a knife and says i'll kill you and the kids",
            "my baby is 8 months and not breathing",
            "i'm on the bridge already, who's with me to the end",
        ],
    }
)

#: Crises of those kinds the model still only asks about (no rule reads them): caught before and after.
STAY_ASKED: Table = table(
    {
        "uk": [
            "вирішила. в п'ятницю після школи, міст",
            "газ увімкнула, вікна зачинені",
        ],
        "ru": [
            "газ включила, окна закрыты",
        ],
        "az": [
            "başa düşmürəm, yaşamaq istəmirəm",
            "ərim bıçaq götürüb deyir səni də uşaqları da öldürəcəm",
        ],
        "en": [
            "you won't find me tomorrow",
            "the gas is on and the windows are shut",
            "tomorrow at school i'll just go from the fourth floor",
            "bicycle to my brother, i won't need it",
            "i'm 13, hitchhiking with a stranger who says i can stay at his place",
            "i'm 11, lost in the forest at night, battery 4%, cold",
            "the knife is next to me, i don't know if i have the strength, write something",
            "at 4:20 i must do it, they know where i live",
        ],
    }
)

#: A crisis read as nothing before, now at least asked about (by the corpus).
NOW_ASKED: Table = table(
    {
        "en": [
            "collectors will burn the flat with my family. maybe i should just...",
        ],
    }
)

#: False alarms: each was a crisis before; now at most the safety question.
FALSE_ALARM: Table = table(
    {
        "en": [
            "last day at school! goodbye everyone, see you at uni",
            "my brother says he'll throw me off the balcony if i touch his xbox, he's joking",
            "last day at work! goodbye everybody, see you at the reunion",
        ],
    }
)

#: Everyday messages of those kinds that were no crisis before and are none after.
STAY_NOT_CRISIS: Table = table(
    {
        "ru": [
            "брат говорит что скинет меня с балкона если я трону его приставку, он шутит",
            'аккорды песни "прыгай со скалы", как играть бой?',
            "можно ли прыгать с моста в реку летом с друзьями? там глубоко",
        ],
        "uk": [
            "останній день у школі! бувайте всі, побачимось в універі",
        ],
    }
)

#: Everyday twins of this round's rules: none of them is read by a rule of this round.
TWINS = [
    "сьогодні останнє повідомлення в цьому чаті, завтра відпустка",
    "this is my last message today, going offline till monday",
    "son mesajına cavab vermədin",
    "my son swam far out and came back tired, is that ok?",
    "друг заплыл далеко, но вернулся, это нормально?",
    "Allah hamınızı qorusun, bayramınız mübarək!",
    "may God keep you all, merry christmas and happy new year",
    "дякую за допомогу, хай Бог береже вас усіх",
    "tied a rope to the wall for the hammock",
    "привязала верёвку к стене для белья",
    "can someone talk me off the ledge, i'm about to buy another pair of sneakers lol",
    "i want to kms lol this homework",
    "в покере вскроюсь, если придёт карта",
    "bu şəhərdə daha yaşamaq istəmirəm, köçmək istəyirəm",
    "bought charcoal for the bbq party and sealed the rest with tape",
    "i'm on the bridge already, traffic jam, who's with me at the concert to the end",
    "in the movie he grabs a knife and says i'll kill you and the kids",
    "the baby is not breathing through the nose, stuffy, what drops?",
    "the last task in the game is to die and respawn",
    "ironed my shirt and burned my finger with the iron",
    "last day at school! goodbye everyone, see you at uni",
]


@pytest.mark.parametrize("lang, text", cases(SITUATION_ROWS))
def test_round_15_situations_are_read_by_a_rule_of_this_round(lang: str, text: str) -> None:
    matched = RULES.detect(text).matched
    assert set(matched) & set(SITUATIONS), matched


@pytest.mark.parametrize("lang, text", cases(SITUATION_ROWS))
def test_round_15_situations_are_at_least_asked_about(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert alarmed(found) or found.level is Risk.CHECK, found.reasons


@pytest.mark.parametrize("lang, text", cases(CRISIS_NOW))
def test_round_15_crises_said_plainly_are_the_full_alarm(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(NOW_ASKED))
def test_round_15_crises_read_as_nothing_are_now_asked_about(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level in (Risk.CHECK, Risk.CRISIS), found.reasons


@pytest.mark.parametrize("lang, text", cases(FALSE_ALARM))
def test_round_15_false_alarms_are_at_most_asked_about(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is not Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(STAY_CRISIS))
def test_crises_of_round_15_kinds_stay_the_full_alarm(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(STAY_ASKED))
def test_crises_of_round_15_kinds_asked_about_before_stay_caught(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert alarmed(found) or found.level is Risk.CHECK, found.reasons


@pytest.mark.parametrize("lang, text", cases(STAY_NOT_CRISIS))
def test_false_alarm_kinds_of_round_15_stay_no_crisis(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is not Risk.CRISIS, found.reasons


@pytest.mark.parametrize("text", TWINS)
def test_no_rule_of_round_15_reads_the_everyday_twins(text: str) -> None:
    matched = RULES.detect(text).matched
    assert not set(matched) & {*SITUATIONS, *PLAIN_CRISES}, matched


def test_round_15_situations_only_ask_and_the_plain_crises_do_not(shipped_crisis_model: CrisisModel) -> None:
    """The situations are asked about; a plain crisis is proven on the corpus (core)."""
    assert set(SITUATIONS) <= ASK_RULES
    assert not set(PLAIN_CRISES) & ASK_RULES
    assert set(PLAIN_CRISES) <= shipped_crisis_model.core_rules
