"""Kinds of crisis a fresh blind table (round 6) missed or under-rated, and its false alarms.

The integrator's fresh table (written blind, run once on main) described what
it missed as kinds; these rows are our own messages of those kinds, written
before the fix and seen at the wrong level on the code before it (none or
check where a crisis is due; crisis where none is). Each row is judged by the
triage as shipped: the rules with the model trained on the shipped corpus.

* someone else with the means at hand, saying they will do it, told by
  someone who sees it (petrol, a rope, a blade);
* a child: a parent beating or "killing" the other parent now, or again
  (Azerbaijani above all: "atam anamı döyür", "atam yenə vurur");
* a story (a move, a lost job, a death), then a place of danger said
  indirectly: on the rocks and not going back, the way onto the roof;
* goodbyes and preparations the model alone rated a check: "forgive me,
  it's not your fault, goodbye", pills laid out and counted, alone for days
  with no food, antifreeze;
* a bare cry for help and a bare "I did it": a safety question (check), not
  nothing, and not the full alarm on their own;
* false alarms: a pension question ("I'll be 60 soon"), a first-aid lesson,
  a past overdose told by someone now helping others, "mum will kill me 😂".
"""

from __future__ import annotations

import pytest

from tests.nlu.crisis_table import Table, cases, table
from vikno.nlu.risk import Risk, RiskTriage

MEANS = "third_person_means"
PARENT = "parent_hurts_parent"
STORY = "story_then_danger"
GOODBYE = "goodbye_pills_alone"


#: Crises: each was "check" or "none" before.
CRISIS: Table = table(
    {
        "uk": [
            (MEANS, "Сусід сидить на подвірʼї з каністрою бензину і каже, що зараз підпалить себе"),
            (PARENT, "тато вбиває маму"),
            (PARENT, "тато знову бʼє 😭"),
            (PARENT, "тато маму бʼє"),
            (PARENT, "Сусідські діти прибігли до нас, бо їхній тато бʼє маму"),
            (
                STORY,
                "Минулого року ми переїхали, тато втратив роботу, бабуся померла. Зараз я сиджу на скелях біля моря"
                " і не хочу повертатися додому.",
            ),
            (STORY, "Я змінила школу, нікого не знаю, вдома всі сваряться. Я вже знаю як вилізти на дах."),
            (GOODBYE, "Я третій день сама вдома, їсти нічого нема, мами нема"),
            (GOODBYE, "Таблетки розкладені на ліжку, я їх порахувала"),
        ],
        "ru": [
            (PARENT, "папа убивает маму 😭😭"),
            (PARENT, "папа опять бьёт"),
            (PARENT, "папа маму бьёт"),
            (PARENT, "к нам прибежали соседские дети, их отец избивает мать"),
            (
                STORY,
                "В прошлом году мы переехали, папа потерял работу, бабушка умерла. Сейчас я сижу на скалах у моря"
                " и не хочу возвращаться домой.",
            ),
            (STORY, "Я сменила школу, никого не знаю, дома все ругаются. Я уже знаю как залезть на крышу."),
            (GOODBYE, "Я третий день одна дома, еды нет, мамы нет"),
            (GOODBYE, "Мама, прости меня, это не твоя вина. Прощай."),
        ],
        "az": [
            (MEANS, "Qonşumuz özünə benzin töküb, əlində alışqan, deyir yandıracaq"),
            (PARENT, "atam anamı döyür"),
            (PARENT, "atam anamı öldürür 😭😭"),
            (PARENT, "atam yenə vurur"),
            (PARENT, "ata anani doyur"),
            (PARENT, "atam anamı yenə döyür 😭"),
            (PARENT, "Qonşunun uşaqları bizə qaçıb gəldi, ataları analarını döyür"),
            (
                STORY,
                "Keçən il Bakıya köçdük, atam işini itirdi, nənəm də öldü. Hər şey pisləşdi. İndi dənizin kənarında"
                " qayaların üstündə oturmuşam və evə qayıtmaq istəmirəm.",
            ),
            (STORY, "Məktəbi dəyişdim, heç kimi tanımıram, evdə hamı dalaşır. Damın üstünə necə çıxmağı öyrəndim."),
            (GOODBYE, "Ana, məni bağışla, sənin günahın deyil. Əlvida."),
            (GOODBYE, "Dərmanlar çarpayının üstündə düzülüb, saymışam"),
        ],
        "en": [
            (MEANS, "my neighbour doused himself in petrol and is holding a lighter"),
            (PARENT, "dad is killing mom"),
            (PARENT, "the neighbours kids ran to our flat because their dad is beating their mum"),
            (
                STORY,
                "Last year we moved, dad lost his job, grandma died. Now I'm sitting on the rocks by the sea and I"
                " don't want to go back home.",
            ),
            (GOODBYE, "Mum packed all her medicines and left, she said I have to look after my little brothers now"),
        ],
    }
)

#: Asked about: each was "none" before (a bare cry, a bare "I did it", the chat going quiet).
ASKED: Table = table(
    {
        "uk": ["я це зробила"],
        "ru": ["помогите пожалуйста"],
        "az": ["kömək edin", "Kömək edin!!!"],
        "en": [
            "help",
            "help me",
            "help us",
            "HELP!!!",
            "SOS",
            "I did it",
            "if this chat goes quiet it's because I went through with it",
        ],
    }
)

#: False alarms of the table's kinds: each was "crisis" or "check" before.
PENSION: Table = table(
    {
        "uk": ["Які документи потрібні для пенсії за віком? Мені скоро 60"],
        "ru": ["Какие документы нужны для пенсии по возрасту? Мне скоро 60"],
        "az": ["Yaşa görə pensiya üçün hansı sənədlər lazımdır? Tezliklə 60 yaşım olur"],
        "en": ["Which documents do I need for an old-age pension? I'll be 60 soon"],
    }
)
HARMLESS: Table = table(
    {
        "uk": [
            "Коли мені було 15, я наковталась таблеток. Тепер я психолог і шукаю роботу на лінії довіри.",
        ],
        "ru": [
            "Когда мне было 15, я наглоталась таблеток. Теперь я психолог и ищу работу на линии доверия.",
            "Сегодня у дочки был урок первой помощи: человек не дышит, без сознания, передозировка. Как потренироваться"
            " дома?",
        ],
        "az": [
            "15 yaşımda bütün dərmanları içmişdim. İndi psixoloqam və iş axtarıram.",
            "anam məni öldürəcək, telefonu sındırdım 😂",
        ],
        "en": [
            "When I was 15 I swallowed a bottle of pills. Now I'm a psychologist and looking for a job on your line.",
            "My son had a first aid lesson today: what to do if someone is unconscious or not breathing, gas, an"
            " overdose. How do I practise it with him?",
        ],
    }
)


@pytest.mark.parametrize("lang, text", cases(CRISIS))
def test_the_kinds_the_table_missed_are_crises(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(ASKED))
def test_a_bare_cry_for_help_or_i_did_it_is_asked_about(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is not Risk.NONE, found.reasons


@pytest.mark.parametrize("text", ["help", "допоможіть", "помогите", "kömək edin", "SOS", "I did it", "я це зробила"])
def test_a_bare_cry_alone_is_a_question_not_the_alarm(text: str) -> None:
    # with the rules alone (the model not ready yet) too: the answer to the question decides
    assert RiskTriage().assess(text).level is Risk.CHECK


def test_rules_that_only_ask_never_become_core(triage: RiskTriage) -> None:
    assert triage.model is not None
    assert not {"bare_cry", "bare_did_it"} & triage.model.core_rules


@pytest.mark.parametrize("text", ["рятуйте", "help me he is hitting mum", "помогите, папа бьёт маму"])
def test_a_cry_with_danger_in_it_stays_a_crisis(triage: RiskTriage, text: str) -> None:
    assert triage.assess(text).level is Risk.CRISIS, triage.assess(text).reasons


@pytest.mark.parametrize("lang, text", cases(PENSION))
def test_a_pension_question_is_no_warning_sign(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.NONE, found.reasons


@pytest.mark.parametrize("lang, text", cases(HARMLESS))
def test_a_lesson_a_past_overdose_or_laughter_is_no_crisis(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is not Risk.CRISIS, found.reasons
