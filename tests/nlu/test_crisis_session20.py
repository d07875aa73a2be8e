"""Sold for sex, or forced to sleep with men for money, now: never silence, in every language (session 20).

Session 19 found that the en row "they force me to have sex for money, took my passport, i can only text" (round
14) was a crisis by the model alone (0.92, the alarm at 0.85) and fell to a question when 400 everyday topic lines
were added to the model's negatives. Rows of that kind, written for this file (none is in the corpus), were a
question or nothing on main in twelve cases of nineteen: no rule read forced prostitution, and ``sold_to_others``
is not trusted alone. ``forced_sex_trade`` reads them and asks (the safety question with the emergency numbers);
the corpus's rows of the kind (``crisis__forced_sex_trade``) teach the model, whose certainty is the full alarm. A
first version raised the full alarm on its own (a core rule): an outside attack found a pimple, solar panels, a
CPAP mask, selling to customers and a brother-in-law in its reach, so the rule only asks. Its everyday twins (a
film, a book, a lecture, the law, the signs, volunteering) are not read by it and stay at most a question.

The same session's run of these tests showed round 10's "три роки тому я різала руки, зараз все добре було, але
сьогодні знову порізалась" at 0.50 by the model, under the veto of ``cut_veins`` with any change of the corpus:
cutting again today after a time without is ``cut_again_today``, proven on the corpus's rows of the kind (core); an
outside attack found cut pay, tyres, meat and "cut myself off" in a first version's reach, so now only oneself or
a body part is read, and a cut finger, bread, glass, paper or shaving is not.
"""

from __future__ import annotations

import pytest

from tests.nlu.crisis_table import Table, cases, table
from vikno.nlu.crisis import ASK_RULES, CrisisDetector
from vikno.nlu.crisis_model import CrisisModel
from vikno.nlu.risk import Risk, RiskTriage

RULE = "forced_sex_trade"
RELAPSE = "cut_again_today"

#: Forced to sell sex now, or sold to men: a question or nothing on main before this rule, at least asked now.
CRISIS_NOW: Table = table(
    {
        "uk": [
            "мене змушують спати з чоловіками за гроші, я не можу втекти",
            "мене продають чоловікам кожного вечора",
            "mene zmushuiut spaty z cholovikamy za hroshi",
        ],
        "ru": [
            "меня заставляют спать с мужчинами за деньги, документы забрали",
            "мне 15, меня принуждают к проституции",
        ],
        "az": [
            "məni pul üçün kişilərlə yatmağa məcbur edirlər",
            "meni fahiseliye mecbur edirler, komek edin",
            "sahibkar məni müştərilərlə yatmağa məcbur edir, pasportumu alıb",
            "məni kişilərə satırlar, qaça bilmirəm",
        ],
        "en": [
            "my boyfriend makes me sleep with his friends for money",
            "being forced into prostitution, they watch me all the time",
        ],
    }
)

#: The same kind, the full alarm before and after (the model's certainty); the rule reads them too.
STAY_CRISIS: Table = table(
    {
        "uk": ["мені 16, мене змусили займатися проституцією, допоможіть"],
        "ru": [
            "сутенер заставляет меня обслуживать клиентов, я хочу уйти",
            "меня продают мужчинам, я боюсь",
            "menya zastavlyayut spat s muzhchinami za dengi",
        ],
        "en": [
            "they sell me to men and keep all the money, i can't leave",
            "they force me to have sex for money, took my passport, i can only text",
        ],
    }
)

#: Words about it that are not someone in it now: never the full alarm, and the rule does not read them.
EVERYDAY: Table = table(
    {
        "uk": [
            "дивилась документальний фільм про те, як дівчат змушують займатися проституцією, жах",
            "готую доповідь про торгівлю людьми: як жінок змушують працювати в секс-індустрії",
            "подруга 10 років тому вирвалась з проституції, зараз хоче стати волонтеркою, куди звернутись?",
            "які закони в Україні проти примусу до проституції?",
        ],
        "ru": [
            "читаю роман, где героиню заставляют заниматься проституцией",
            "какие признаки, что подростка принуждают к проституции? я школьный психолог",
            "мы волонтёры, помогаем женщинам, которых заставляли обслуживать клиентов, нужна консультация юриста",
            "статья про секс-работу и закон, где почитать?",
        ],
        "az": [
            "film izlədim, qızları fahişəliyə məcbur edirdilər, çox ağır idi",
            "məktəb layihəsi üçün insan alveri haqqında yazıram, məlumat lazımdır",
            "insan alverinin qurbanlarına kömək edən təşkilat var?",
        ],
        "en": [
            "watched a documentary about girls forced into prostitution",
            "doing a school project on how traffickers force victims to have sex for money",
            "what are the signs that a teen is being made to sell sex? I'm a teacher",
            "my aunt escaped forced prostitution 20 years ago and now runs a shelter, can we volunteer?",
        ],
    }
)

RULES = CrisisDetector()


@pytest.mark.parametrize("lang, text", cases(CRISIS_NOW) + cases(STAY_CRISIS))
def test_forced_sex_trade_is_read_by_its_rule(lang: str, text: str) -> None:
    assert RULE in RULES.detect(text).matched


@pytest.mark.parametrize("lang, text", cases(CRISIS_NOW))
def test_forced_sex_trade_now_is_at_least_asked_about(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level in (Risk.CHECK, Risk.CRISIS), found.reasons


@pytest.mark.parametrize("lang, text", cases(STAY_CRISIS))
def test_forced_sex_trade_that_was_the_full_alarm_stays_it(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(EVERYDAY))
def test_words_about_sex_trade_are_not_read_by_the_rule(lang: str, text: str) -> None:
    assert RULE not in RULES.detect(text).matched


@pytest.mark.parametrize("lang, text", cases(EVERYDAY))
def test_words_about_sex_trade_are_at_most_asked_about(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is not Risk.CRISIS, found.reasons


def test_sex_trade_only_asks_and_cutting_again_is_proven(shipped_crisis_model: CrisisModel) -> None:
    """forced_sex_trade's hit is the safety question (the full alarm is the model's); cut_again_today is core."""
    assert RULE in ASK_RULES
    assert RULE not in shipped_crisis_model.core_rules
    assert RELAPSE not in ASK_RULES
    assert RELAPSE in shipped_crisis_model.core_rules


#: Cutting again today after a time without: the full alarm whatever the model says.
CUT_AGAIN: Table = table(
    {
        "uk": [
            "три роки тому я різала руки, зараз все добре було, але сьогодні знову порізалась",
            "вчора ввечері знову порізала руки, хоча обіцяла мамі",
        ],
        "ru": ["полгода держалась, а вчера вечером снова порезала руки"],
        "az": ["bu gün yenə qollarımı kəsdim, heç kim bilmir"],
        "en": ["8 months clean and last night i cut my wrists again"],
    }
)

#: Cuts again today that are everyday: the rule does not read them.
CUT_AGAIN_EVERYDAY: Table = table(
    {
        "uk": ["сьогодні знову порізалась ножем, коли чистила овочі", "знову порізала палець сьогодні, йде кров"],
        "ru": [
            "сегодня опять порезалась, когда брила ноги",
            "опять порезала палец консервной банкой сегодня",
            "опять порезали зарплату сегодня",
        ],
        "en": [
            "cut my thumb again today opening a tin",
            "just now i cut myself again on a sheet of paper",
            "cut myself off from the group chat again today",
        ],
    }
)


@pytest.mark.parametrize("lang, text", cases(CUT_AGAIN))
def test_cutting_again_today_is_read_and_the_full_alarm(triage: RiskTriage, lang: str, text: str) -> None:
    assert RELAPSE in RULES.detect(text).matched
    found = triage.assess(text)
    assert found.level is Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(CUT_AGAIN_EVERYDAY))
def test_an_everyday_cut_again_is_not_read_as_one(lang: str, text: str) -> None:
    assert RELAPSE not in RULES.detect(text).matched
