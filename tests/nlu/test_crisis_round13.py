"""Kinds of message a fresh blind table (round 13) got wrong, as our own rows in every language.

The integrator described round 13's errors as kinds (the table itself was not read); every row here was
written for this file and none of them is in the corpus. The rows of ``CRISIS_FROM_NOTHING``, ``CRISIS_NOW``,
``FALSE_ALARM`` and ``ORDINARY_NOW`` were at the wrong level on main before this round (the rules with the model
trained on main's corpus):

* crises read as nothing that are crises by their words (``CRISIS_FROM_NOTHING``): the slang "вскритися"
  (to slit one's veins) wished for, rat poison swallowed and "how much time is left", Azerbaijani "I want to cut
  my veins" without its special letters, "this Saturday is my last day, don't laugh, I'm serious", "I may not see
  tomorrow, know this";
* crises said plainly that were only asked about (``CRISIS_NOW``): "I want to slit my wrists / cut my veins", a
  rope tied to the ceiling, "nobody needs me, I found the way", the vinegar essence to poison oneself, a new cut
  on twenty and "can't stop", already on the roof and "don't talk me out of it", a razor in the hand now, a baby
  shaken and limp, a bare "how many tylenol does it take", "I'm going, say hi to everyone", calm because "I know
  how I'm going to do it";
* false alarms (``FALSE_ALARM``, at most a question now): a dog's swallowed tablet the vet checked, a news story
  of someone else's jump, "on the edge... of choosing a university", a saga finished and "life lost its
  meaning", "I want to die of shame" at a football match, laughed, "the neighbour is mowing at 7am, I'm going
  to kill him";
* questions that should be none (``ORDINARY_NOW``): a parent's "kill me" for a report card, "farewell summer",
  "I'll kill them all" when the train broke down or the neighbour flooded us, "this renovation will kill me",
  "that's all I needed, thanks, bye!".

Rows of the same kinds that were already at the right level on main, or that the model still only asks about
(``STAY_ASKED``: a child alone under shelling, a bare "прощайте 👋", "sorry mom. love you all. bye"), are green
before and after (``STAY_*``). The triage is built once for the module (the shipped model is trained once per run,
tests/conftest.py) and the rules once for the file.
"""

from __future__ import annotations

import pytest

from tests.nlu.crisis_table import Table, alarmed, cases, table
from vikno.nlu.crisis import ASK_RULES, CrisisDetector
from vikno.nlu.crisis_model import CrisisModel
from vikno.nlu.risk import Risk, RiskTriage

#: The rules of this round: the situation that only asks, and the crises said plainly (core where the corpus proves).
SITUATIONS = ("child_alone_shelling",)
PLAIN_CRISES = (
    "veins_wish",
    "household_poison_taken",
    "last_day_serious_az",
    "rope_to_ceiling",
    "found_the_way",
    "on_roof_dont_stop",
    "cutting_now_cant_stop",
    "blade_in_hand_now",
    "shaken_baby_limp",
    "how_many_it_takes",
)

#: The rules, built once for the file.
RULES = CrisisDetector()


#: Crises read as nothing whose words are a crisis by themselves: now the full alarm.
CRISIS_FROM_NOTHING: Table = table(
    {
        "uk": [
            ("veins", "хочу вскритися 😭😭"),
            ("veins", "сьогодні вскриюсь, мене ніхто не зупинить 😢"),
            ("veins", "так хочеться вскритись, вже нема сил 😭"),
            ("veins", "khochu vskrytysya 😭"),
            ("poison", "з'їла щурячу отруту годину тому, скільки мені лишилось"),
        ],
        "ru": [
            ("veins", "hochu vskrytsya 😭"),
            ("poison", "съел отраву от крыс, сколько мне осталось"),
        ],
        "az": [
            ("veins", "damarimi kesmek isteyirem"),
            ("veins", "venami kesmek isteyirem 😭"),
            ("last_day", "bu şənbə son günümdür. gülmə, ciddiyəm"),
            ("last_day", "bu senbe son gunumdur, gulme ciddi deyirem"),
            ("tomorrow", "ola bilər sabahı görməyəm, bunu bil"),
            ("tomorrow", "ola biler sabahi gormeyem, bunu bil"),
        ],
    }
)

#: Crises said plainly that were only asked about: now the full alarm.
CRISIS_NOW: Table = table(
    {
        "uk": [
            ("veins", "хочу розрізати вени"),
            ("rope", "прив'язала мотузку до стелі"),
            ("found_way", "я нікому не потрібна. я знайшла спосіб"),
            ("vinegar", "хочу отруїтися оцтовою есенцією, вона є вдома"),
            ("cuts", "на руці вже 20 порізів і зараз роблю новий, не можу зупинитись"),
            ("roof", "vzhe na dahu, ne vidmovlyaite mene"),
        ],
        "ru": [
            ("veins", "хочу вскрыть вены"),
            ("rope", "привязал верёвку к потолку"),
            ("found_way", "никому я не нужна. я нашла способ"),
            ("vinegar", "хочу отравиться уксусной эссенцией, она дома есть"),
        ],
        "az": [
            ("veins", "damarımı kəsmək istəyirəm"),
            ("going", "gedirəm. hamıya salam deyin"),
        ],
        "en": [
            ("veins", "i want to slit my wrists"),
            ("tylenol", "how many tylenol does it take"),
            ("razor", "razor's in my hand rn"),
            ("shaken", "my uncle shook the baby really hard and now she's limp"),
            ("calm", "i finally feel calm because i know how i'm going to do it"),
        ],
    }
)

#: False alarms: each was a crisis before; now at most the safety question.
FALSE_ALARM: Table = table(
    {
        "uk": [
            ("dog", "собака проковтнула таблетку ібупрофену, ветеринар вже оглянув, все добре. що робити на майбутнє?"),
            ("news", "прочитала новину, що в іншому місті хлопець стрибнув з мосту. всю ніч не спала, це жахливо"),
            ("edge", "стою на краю... вибору між двома університетами 😂"),
            ("saga", "дочитала сагу і життя втратило сенс 😭"),
        ],
        "ru": [
            ("dog", "собака проглотила таблетку ибупрофена, ветеринар уже посмотрел, всё хорошо. как быть в будущем?"),
            ("news", "прочитал новость, что в другом городе мальчик прыгнул с моста. всю ночь не спал, это ужасно"),
            ("edge", "стою на краю... выбора между двумя вузами 😂"),
            ("saga", "дочитала сагу и жизнь потеряла смысл 😭"),
        ],
        "az": [
            ("shame", "futbolçularımız bizi biabır etdi, utancdan ölmək istəyirəm 😂"),
        ],
        "en": [
            ("mow", "the neighbour is mowing at 7am, i'm going to kill him"),
        ],
    }
)

#: Safety questions that should be none: each was "check" before, none now.
ORDINARY_NOW: Table = table(
    {
        "uk": [
            ("kill_grade", "мама мене вб'є за трійку в табелі"),
            ("summer", "прощавай літо, завтра до школи"),
            ("kill_train", "електричка знову зламалась, я їх усіх повбиваю"),
        ],
        "ru": [
            ("kill_neighbour", "убью соседа сверху, опять нас затопил"),
            ("renovation", "этот ремонт меня убьёт"),
        ],
        "en": [
            ("kill_grade", "my dad is going to kill me for this report card"),
            ("bye", "that's all i needed, thanks so much, bye!"),
        ],
    }
)

#: Crises beside those kinds: the full alarm before and after.
STAY_CRISIS: Table = table(
    {
        "uk": [
            ("poison", "випила отруту для щурів. скільки в мене часу?"),
            ("poison", "випила всі таблетки з аптечки, скільки мені лишилось?"),
            ("pills_now", "п'ю таблетки одну за одною поки пишу вам"),
            ("drowned", "дитина 2 роки впала в басейн, витягли, не дихає"),
        ],
        "ru": [
            ("veins", "хочу вскрыться 😭"),
            ("veins", "сегодня вскроюсь, всё 😭😭"),
            ("poison", "выпила крысиный яд. сколько у меня времени?"),
            ("pills_now", "пью таблетки одну за другой пока пишу вам"),
        ],
        "az": [
            ("veins", "damarlarımı kəsəcəm bu gecə"),
            ("poison", "siçan dərmanı içdim, nə qədər vaxtım qalıb?"),
            ("poison", "sican zeheri icdim, ne qeder vaxtim qalib"),
        ],
        "en": [
            ("poison", "i swallowed rat poison. how long do i have?"),
            ("poison", "drank bleach half an hour ago, how much time do i have left"),
            ("pills_now", "took about 30 of my antidepressants an hour ago, i'm shaky and my heart is racing"),
        ],
    }
)

#: Crises of those kinds that were asked about before and after (the model is not sure of them yet).
STAY_ASKED: Table = table(
    {
        "uk": [
            (
                "shelling",
                "мені 8 років, я сама в квартирі, обстріл, вікна вибило, мама застрягла на іншому кінці міста",
            ),
        ],
        "ru": [
            ("shelling", "мне 8, я один в квартире, обстрел, окна выбило, папа застрял на другом конце города"),
            ("farewell", "прощайте 👋"),
        ],
        "az": [
            ("sea", "imtahandan az bal aldım, evə getməyəcəm. bulvardayam, dənizə baxıram, üzə bilmirəm"),
            ("decided", "mən getsəm anam az əziyyət çəkər. qərar verdim"),
        ],
        "en": [
            (
                "shelling",
                "im 8 and alone in the flat, there's shelling and the windows broke, mum is stuck across the city",
            ),
            (
                "shelling",
                "my son is 7 and home alone, the windows are blown out from the shelling and i can't get to him",
            ),
            ("bye", "sorry mom. love you all. bye"),
            ("date", "picked the date. my birthday. seems fitting"),
            ("spring", "i've decided. during spring break when nobody's around"),
        ],
    }
)

#: Everyday messages of those kinds that were no crisis before and are none after, or at most a question.
STAY_NOT_CRISIS: Table = table(
    {
        "az": [
            ("shame", "futbolcularimiz bizi rezil etdi, utancdan olmek isteyirem 😂😂"),
            ("dog", "itimiz ibuprofen həbi uddu, baytar baxdı, hər şey qaydasındadır. gələcəkdə nə edək?"),
            ("head", "atam telefonu görsə başımı kəsəcək, ekranı sındırmışam"),
            ("head", "atam telefonu gorse basimi kesecek, ekrani sindirmisam"),
            ("veins", "analiz üçün venadan qan aldılar, qolum göyərib"),
        ],
        "en": [
            (
                "dog",
                "our dog swallowed an ibuprofen tablet, the vet checked her, all fine. what do we do next time?",
            ),
            (
                "news",
                "read about a boy who jumped off a bridge in another city. couldn't sleep all night, it's horrible",
            ),
            ("edge", "standing on the edge... of choosing between two universities 😂"),
            ("saga", "finished the saga and life lost its meaning 😭"),
            ("edge", "i'm on the edge about whether to take the job"),
            ("done", "I'M DONE WITH EVERYTHING!!! finals are over 🎉"),
        ],
    }
)

#: Everyday messages beside those kinds: none before and after.
STAY_ORDINARY: Table = table(
    {
        "uk": [
            ("poison", "як позбутися щурів у підвалі, яку отруту купити?"),
            ("coach", "тренер нас завтра вб'є на тренуванні"),
            ("renovation", "цей ремонт мене доб'є"),
        ],
        "ru": [
            ("poison", "какой яд от крыс безопасен, если в доме кот?"),
            ("cockroach", "наконец-то убила таракана"),
        ],
        "en": [
            ("poison", "how long does rat poison take to work on mice?"),
            ("coach", "coach is gonna kill us at practice tomorrow"),
            ("razor", "first razor for my 14 year old son, electric or manual?"),
        ],
    }
)


@pytest.mark.parametrize("lang, text", cases(CRISIS_FROM_NOTHING))
def test_round_13_crises_read_as_nothing_are_the_full_alarm(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(CRISIS_NOW))
def test_round_13_crises_said_plainly_are_the_full_alarm(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(FALSE_ALARM))
def test_round_13_false_alarms_are_at_most_asked_about(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is not Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(ORDINARY_NOW))
def test_round_13_everyday_messages_are_ordinary(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.NONE, found.reasons


@pytest.mark.parametrize("lang, text", cases(STAY_CRISIS))
def test_crises_beside_round_13_kinds_stay_the_full_alarm(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(STAY_ASKED))
def test_crises_of_round_13_kinds_asked_about_before_stay_caught(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert alarmed(found) or found.level is Risk.CHECK, found.reasons


@pytest.mark.parametrize("lang, text", cases(STAY_NOT_CRISIS))
def test_false_alarm_kinds_that_were_no_crisis_stay_so(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is not Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(STAY_ORDINARY))
def test_everyday_messages_beside_round_13_kinds_stay_ordinary(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.NONE, found.reasons


#: The kinds' everyday twins: no rule of this round reads them.
TWINS = [
    "пора вскрываться, у меня флеш",
    "мыши съели крысиный яд в подвале, всё чисто",
    "собака з'їла щурячу отруту, що робити?",
    "how many tylenol does it take for a fever in an adult?",
    "tied the rope to the ceiling hook for the hammock",
    "прив'язала мотузку до стелі для гойдалки дітям",
    "found a way to fix the leak, nobody needs a plumber",
    "on the roof singing don't stop me now 🎤",
    "на даху, лагодимо антену, не зупиняйте мене",
    "вирізаю сніжинки, роблю ще одну, не можу зупинитись",
    "razor's in my hand, shaving my legs now",
    "shook the baby rattle and she laughed",
    "bu şənbə işdə son günümdür, gülmə, ciddiyəm, pensiyaya çıxıram",
    "sabah görüşə bilmərəm, bunu bil, işim var",
    "my son is home alone, the fireworks next door scared him",
    "analiz üçün venadan qan aldılar",
]


@pytest.mark.parametrize("text", TWINS)
def test_no_rule_of_round_13_reads_the_everyday_twins(text: str) -> None:
    matched = RULES.detect(text).matched
    assert not set(matched) & {*SITUATIONS, *PLAIN_CRISES}, matched


def test_round_13_situation_only_asks_and_the_plain_crises_do_not(shipped_crisis_model: CrisisModel) -> None:
    """A child alone under shelling is asked about (a shelter may be near); a plain crisis is proven on the corpus."""
    assert set(SITUATIONS) <= ASK_RULES
    assert not set(PLAIN_CRISES) & ASK_RULES
    assert {"veins_wish", "household_poison_taken", "last_day_serious_az"} <= shipped_crisis_model.core_rules
