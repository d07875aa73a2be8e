"""Session 14's kinds as rows in every language: a child abused by whoever cares for them, and false alarms.

A child or a teenager who says they are abused, mistreated or hurt by a foster
family, a guardian, a step-parent, a parent, relatives, the staff of a
children's home or a boarding school, a coach or a teacher, without naming a
beating or an age, got nothing before ("I'm being abused in my foster family":
the topic classifier answered with the adoption paperwork). Each row of
``ASKED`` was "none" on the code before; now the rule ``child_abused_by_carer``
(nlu/crisis_rules.yml, it only asks) reads it: the safety question with the
emergency numbers at least, a crisis where the model is sure. ``STAY_ORDINARY``
holds the same words in everyday life (an adult's past, a parent's question, a
foster family's papers, a sibling, a strict teacher, a game's ban): ordinary
before and after. An adult's ongoing abuse by a partner stays the
domestic_violence topic's (``PARTNER``: ordinary before and after, and the new
rule never reads it; with the new crises alone in the corpus the model scored
"муж издевается надо мной дома" 0.98, so the corpus holds the partner's twins too).

The by-kind cross-validation's everyday twins that went to crisis (bench/README.md, session 14) named rules that
alarmed everyday messages: giving up in a game with a goodbye, a day and a place set for a parents' meeting or a
fair, apples picked off a shed's roof, a place one is tired of living in, "not gonna kill myself" and an overdose
"a long time ago". Each row of ``FALSE_ALARM`` was a crisis before and is at most the question now; each row of
``ASKED_BEFORE`` was the question and is ordinary now; ``STAY_CRISIS`` are the rules' own crises, crises before
and after. None of these rows is in the corpus. The triage is built once for the module (the shipped model is
trained once per run, tests/conftest.py) and the rules once for the file.
"""

from __future__ import annotations

import pytest

from tests.nlu.crisis_table import Table, alarmed, cases, table
from vikno.nlu.crisis import ASK_RULES, CHILD, CrisisDetector
from vikno.nlu.risk import Risk, RiskTriage

RULE = "child_abused_by_carer"

#: The rules, built once for the file.
RULES = CrisisDetector()


#: A child abused by whoever cares for them, in words everyday life says too: each got nothing before.
ASKED: Table = table(
    {
        "uk": [
            "мене кривдять у прийомній родині",
            "опікун знущається з мене вже пів року",
            "в інтернаті мене мучать, а виховательки мовчать",
            "вітчим мене постійно ображає і принижує",
            "тренерка з гімнастики знущається з мене",
            "mene vdoma kryvdiat",
            "мачуха мене гнобить",
            "у прийомній сімʼї зі мною погано поводяться",
        ],
        "ru": [
            "меня обижают в приёмной семье",
            "опекун издевается надо мной уже полгода",
            "в интернате меня мучают, а воспитательницы молчат",
            "отчим меня постоянно унижает и обижает",
            "тренерша по гимнастике издевается надо мной",
            "nado mnoy izdevayutsya v priyomnoy seme",
            "мачеха меня гнобит",
            "в приёмной семье со мной плохо обращаются",
        ],
        "az": [
            "himayədar ailədə məni incidirlər",
            "qəyyumum yarım ildir mənə əziyyət verir",
            "internatda mənə pis davranırlar, tərbiyəçilər susur",
            "ögey anam məni daim alçaldır",
            "gimnastika məşqçisi mənə əziyyət verir",
            "evde meni incidirler",
            "dayım mənə əziyyət verir, evə getmək istəmirəm",
            "himayedar ailede mene eziyyet verirler",
        ],
        "en": [
            "I'm being abused in my foster family",
            "my guardian is abusing me",
            "they mistreat me at the children's home and the staff do nothing",
            "my stepmum humiliates me all the time",
            "my gymnastics coach mistreats me",
            "im bullied at home, my stepdad calls me useless every day",
            "my foster mum treats me like dirt",
            "me foster parents r abusing me",
        ],
    }
)

#: The same words in everyday life: ordinary before and after.
STAY_ORDINARY: Table = table(
    {
        "uk": [
            "батько знущався з мене в дитинстві, тепер я дорослий і все гаразд",
            "як дізнатися, чи дитину цькують у садочку?",
            "ми прийомна родина, коли приходить виплата на дитину?",
            "брат мене бісить, весь час співає",
            "вчитель фізкультури дуже суворий, ганяє нас по колу",
        ],
        "ru": [
            "отец издевался надо мной в детстве, теперь я взрослый и всё нормально",
            "как узнать, травят ли ребёнка в садике?",
            "мы приёмная семья, когда приходит выплата на ребёнка?",
            "брат меня бесит, всё время поёт",
            "учитель физкультуры очень строгий, гоняет нас по кругу",
        ],
        "az": [
            "atam uşaqlıqda mənə pis davranırdı, indi böyümüşəm və hər şey qaydasındadır",
            "uşağın bağçada incidildiyini necə bilmək olar?",
            "biz himayədar ailəyik, uşaq pulu nə vaxt gəlir?",
            "qardaşım məni əsəbiləşdirir, bütün günü mahnı oxuyur",
            "bədən tərbiyəsi müəllimi çox sərtdir, bizi dövrə vurdurur",
        ],
        "en": [
            "i was abused by my stepdad as a child, i'm 40 now and fine",
            "how do i know if my kid is being bullied at nursery?",
            "foster carer here, when does the allowance get paid?",
            "got a chat ban for abuse in fortnite lol how long does it last",
            "my little brother is so annoying, he sings all day",
        ],
    }
)

#: An adult abused by a partner: the domestic_violence topic's (ordinary before and after), which the new rule
#: never reads.
PARTNER: Table = table(
    {
        "uk": ["мій чоловік знущається з мене вдома", "чоловік мене постійно принижує і ображає"],
        "ru": ["муж издевается надо мной дома", "муж меня постоянно унижает и обижает"],
        "az": ["ərim mənə evdə pis davranır", "ərim məni daim incidir"],
        "en": ["my husband abuses me at home", "my boyfriend puts me down in front of his friends"],
    }
)

#: False alarms of the narrowed rules: each was a crisis before; now at most the safety question.
FALSE_ALARM: Table = table(
    {
        "uk": [
            "день обрали, місце теж — батьківські збори в четвер",
            "сиджу на даху гаража, знімаю яблука для бабусі",
        ],
        "ru": [
            "сижу на подоконнике, учу билеты и пью какао",
            "Я когда-то наглоталась таблеток, лежала в больнице. Теперь хочу быть волонтёром.",
        ],
        "az": ["şahmatda təslim oluram, hələlik"],
        "en": [
            "picked the day and the place for the parents' evening",
            "i'm on the roof of the shed picking apples",
            "gg i give up, you win, bye",
        ],
    }
)

#: Safety questions that should be none: each was "check" before (a rule or the model).
ASKED_BEFORE: Table = table(
    {
        "ru": ["всё, сдаюсь в этой викторине, пока", "день выбрали, место тоже — ярмарка на площади"],
        "az": [
            "bu kənddə yaşamaqdan bezmişəm, şəhərə köçmək istəyirəm",
            "Ölüm haqqında düşünmürəm, sadəcə yorulmuşam, psixoloqa yazılmaq istəyirəm",
        ],
        "en": [
            "i give up, you won at chess again, bye",
            "I don't want to live by my dad's rules anymore, I'm 18, can I rent a room?",
            "i don't want to live under my parents' roof anymore, i'm 22, how do i rent?",
            "i'm not gonna kill myself, relax, i just want to know about free summer camps",
            "I took an overdose once, that was a long time ago. Now I want to volunteer with teens.",
        ],
    }
)

#: The narrowed rules' own crises: crises before and after.
STAY_CRISIS: Table = table(
    {
        "uk": ["все, здаюсь. бувайте", "все продумала. день обрала, місце теж"],
        "ru": ["сдаюсь. пока"],
        "en": ["i give up. bye", "i'm standing on the roof"],
    }
)


@pytest.mark.parametrize("lang, text", cases(ASKED))
def test_a_child_abused_by_a_carer_is_asked_about_at_least(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert alarmed(found), found.reasons


@pytest.mark.parametrize("lang, text", cases(ASKED))
def test_the_rule_reads_a_child_abused_by_a_carer_and_only_asks(lang: str, text: str) -> None:
    found = RULES.detect(text)
    assert RULE in found.matched and found.category == CHILD, found.matched


def test_the_rule_only_asks() -> None:
    assert RULE in ASK_RULES


@pytest.mark.parametrize("lang, text", cases(STAY_ORDINARY))
def test_the_same_words_in_everyday_life_stay_ordinary(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.NONE, found.reasons


@pytest.mark.parametrize("lang, text", cases(PARTNER))
def test_an_adults_abuse_by_a_partner_stays_the_topics(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.NONE, found.reasons


@pytest.mark.parametrize("lang, text", cases(STAY_ORDINARY) + cases(PARTNER))
def test_the_rule_reads_no_everyday_twin_and_no_partner(lang: str, text: str) -> None:
    assert RULE not in RULES.detect(text).matched


@pytest.mark.parametrize("lang, text", cases(FALSE_ALARM))
def test_the_narrowed_rules_false_alarms_are_at_most_asked_about(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is not Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(ASKED_BEFORE))
def test_a_game_a_fair_a_place_and_a_past_told_are_ordinary(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.NONE, found.reasons


@pytest.mark.parametrize("lang, text", cases(STAY_CRISIS))
def test_the_narrowed_rules_own_crises_stay_crises(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.CRISIS, found.reasons
