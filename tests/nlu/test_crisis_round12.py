"""Kinds of message a fresh blind table (round 12) got wrong, as our own rows in every language.

The integrator described round 12's errors as kinds (the table itself was not read); every row here was
written for this file and none of them is in the corpus. The rows of ``ASKED``, ``CRISIS_NOW``,
``FALSE_ALARM`` and ``ORDINARY_NOW`` were at the wrong level on main before this round (the rules with
the model trained on main's corpus):

* crises read as nothing (``ASKED``, now at least the safety question): a child afraid to go home to a
  parent who burns him, told by a teacher or by the child; a rope bought "tonight in the basement"; the gas
  on and the windows shut; a death planned for a month with the date set;
* crises said plainly that were only asked about (``CRISIS_NOW``): a belt or a rope already on the neck, a
  knife at the throat right now, a loaded gun and "can't do this anymore", a full bath and a razor, a third
  attempt "this time it will work", a small child hanging out of a high window with nobody home, tied up
  and they will be back soon, "they'll sell me today", "how many paracetamol ... two boxes next to me";
* false alarms (``FALSE_ALARM``, at most a question now): a husband's "I'll kill you" over burnt cutlets,
  joking, a graduation's farewell to a class, the hamster only asleep, "I want to croak" after a 24-hour
  shift, a friend who wanted to die and is better now, a goodbye letter to a retiring nursery teacher;
* questions that should be none (``ORDINARY_NOW``): a lost birth certificate, a daughter grown withdrawn,
  no hot water for three weeks, the neighbour's boy kicking a ball against the wall.

Rows of the same kinds that were already at the right level on main (``STAY_ASKED``, ``STAY_NOT_CRISIS``) and
rows beside them (``STAY_CRISIS``, ``STAY_ORDINARY``) are green before and after. The triage is built once for the
module (the shipped model is trained once per run, tests/conftest.py) and the rules once for the file.
"""

from __future__ import annotations

import pytest

from tests.nlu.crisis_table import Table, alarmed, cases, table
from vikno.nlu.crisis import ASK_RULES, CrisisDetector
from vikno.nlu.crisis_model import CrisisModel
from vikno.nlu.risk import Risk, RiskTriage

#: The situations that only ask, and the crises said plainly (ordinary rules, core where the corpus proves them).
SITUATIONS = ("child_afraid_home_told", "rope_bought_tonight", "gas_on_windows_shut")
PLAIN_CRISES = (
    "death_planned",
    "noose_on_neck",
    "blade_at_throat_now",
    "bath_and_razor",
    "child_out_window",
    "tied_coming_back",
    "sold_to_others",
    "third_attempt_this_time",
    "pills_asked_for_me",
)

#: The rules, built once for the file.
RULES = CrisisDetector()


#: Crises read as nothing: now the safety question at least.
ASKED: Table = table(
    {
        "uk": [
            (
                "burns",
                "Я вчителька в сільській школі. Учень прийшов з опіками від цигарок, батько гасить їх об нього. Уроки "
                "закінчились, а хлопчик боїться йти додому, бо тато пообіцяв його провчити.",
            ),
            ("burns", "u uchnya opiky vid sygaret, batko gasyt yih ob nyogo, khlopets boyitsya ity dodomu"),
            ("date", "я місяць планую свою смерть. дата вже визначена, мій день народження, вівторок"),
        ],
        "ru": [
            (
                "burns",
                "Я учительница в деревне. У ученика ожоги от сигарет, отец тушит их об него. Уроки закончились, а "
                "мальчик боится идти домой, потому что отец обещал его проучить.",
            ),
            ("date", "уже месяц планирую свою смерть, дата назначена, мой день рождения в четверг"),
        ],
        "az": [
            (
                "burns",
                "Kənd məktəbində müəlliməm. Şagirdin qolunda siqaret yanıqları var, atası siqareti onun üstündə "
                "söndürür. Dərslər bitib, uşaq evə getməyə qorxur, atası onu 'dərsini verəcəm' deyib.",
            ),
            ("gas", "qaz sobasını açdım, pəncərələri bağladım"),
            ("gas", "qaz sobasini acdim, pencereleri bagladim"),
        ],
        "en": [
            ("date", "ive been planning my death for a month. the date is set, my birthday, a wednesday"),
            ("date", "been planning my death for weeks, the date is set"),
        ],
    }
)

#: Crises said plainly that were only asked about: now the full alarm.
CRISIS_NOW: Table = table(
    {
        "uk": [
            ("neck", "ремінь вже на шиї. пишу останнє"),
            ("bath", "набрала повну ванну і взяла бритву"),
            ("third", "це третя спроба. цього разу вийде"),
            ("window", "дитині 4 роки, висить з вікна 6 поверху, дорослих вдома нема"),
            ("tied", "мене зв'язали, вони скоро повернуться"),
            ("sold", "мене тримають у квартирі, паспорт забрали, сьогодні продадуть іншим"),
            ("pills", "скільки треба парацетамолу? питаю для себе, дві пачки поруч"),
        ],
        "ru": [
            ("neck", "ремень уже на шее. пишу последнее"),
            ("bath", "набрала полную ванну и взяла бритву"),
            ("third", "третья попытка. в этот раз получится"),
            ("window", "ребёнку 4 года, висит из окна 6 этажа, взрослых дома нет"),
            ("tied", "меня связали, они скоро вернутся"),
            ("pills", "сколько нужно парацетамола? спрашиваю для себя, две пачки рядом"),
        ],
        "az": [
            ("knife", "bıçaq indi boğazımdadır"),
            ("third", "bu üçüncü cəhddir. bu dəfə alınacaq"),
            ("window", "4 yaşlı uşaq 6-cı mərtəbədə pəncərədən asılıb, evdə böyük yoxdur"),
        ],
        "en": [
            ("neck", "the belt is already around my neck. writing my last"),
            ("knife", "knife at my throat rn"),
            ("bath", "filled the bath and got the razor"),
            ("third", "third attempt. this time it will work"),
            ("tied", "they tied me up, they'll be back soon"),
            ("sold", "they keep me in a flat, took my passport, they'll sell me to others today"),
            ("pills", "how many paracetamol does it take, asking for me, 2 boxes next to me"),
        ],
    }
)

#: False alarms: each was a crisis before; now at most the safety question.
FALSE_ALARM: Table = table(
    {
        "uk": [
            ("cutlets", "чоловік сказав що вб'є мене за підгорілі котлети 😂 жартує звісно, сам їх зараз смажить"),
            ("bell", "останній дзвоник! прощавай, 11-Б 😭🎓"),
            ("shift", "після добової зміни в лікарні хочу здохнути, але спершу поїм і посплю"),
            (
                "friend",
                "подруга казала що не хоче жити, ми разом сходили до психолога, їй краще. що ще я можу зробити?",
            ),
        ],
        "ru": [
            ("cutlets", "муж сказал что убьёт меня за сгоревшие котлеты 😂 шутит конечно, сам их сейчас жарит"),
            ("shift", "после суточной смены в больнице хочу сдохнуть, но сначала поем и посплю"),
            (
                "friend",
                "подруга говорила что не хочет жить, мы вместе сходили к психологу, ей лучше. что ещё я могу сделать?",
            ),
            ("nursery", "помогаю дочке написать прощальное письмо воспитательнице, которая уходит на пенсию"),
        ],
        "az": [
            ("hamster", "hamsterimiz uzanıb nəfəs almır... yox, sadəcə yatır, bağışlayın"),
            ("nursery", "qızıma pensiyaya çıxan tərbiyəçisinə vida məktubu yazmağa kömək edirəm"),
        ],
        "en": [
            ("hamster", "our hamster is lying there not breathing... oh no, he's just sleeping, sorry"),
            ("nursery", "helping my daughter write a goodbye letter to her nursery teacher who is retiring"),
        ],
    }
)

#: Safety questions that should be none: each was "check" before, none now.
ORDINARY_NOW: Table = table(
    {
        "uk": [
            ("withdrawn", "донька стала замкнутою, ні з ким не говорить. до кого звернутися?"),
            ("water", "гарячої води немає три тижні, ЖЕК не бере трубку"),
            ("ball", "Дякую. Сусідський хлопчик б'є м'ячем у мою стіну."),
        ],
        "ru": [
            ("water", "горячей воды нет три недели, ЖЭК не берёт трубку"),
            ("ball", "Спасибо. Соседский мальчик бьёт мячом в мою стену."),
        ],
    }
)

#: Crises beside those kinds: the full alarm before and after.
STAY_CRISIS: Table = table(
    {
        "uk": [
            ("neck", "мотузка вже на шиї, пишу останнє повідомлення"),
            ("knife", "ніж біля горла прямо зараз"),
            ("gun", "пістолет заряджений, лежить переді мною. я більше не можу"),
            ("neck", "хочу повіситись, мотузка вже готова"),
        ],
        "ru": [
            ("knife", "нож у горла прямо сейчас"),
            ("gun", "заряженный пистолет передо мной. я больше не могу"),
            ("sold", "меня держат в квартире, паспорт забрали, сегодня продадут другим"),
            ("neck", "хочу повеситься, верёвка уже готова"),
        ],
        "az": [
            ("neck", "kəmər artıq boynumdadır. sonuncunu yazıram"),
            ("gun", "dolu tapança qarşımdadır. daha dözə bilmirəm"),
            ("tied", "məni bağlayıblar, tezliklə qayıdacaqlar"),
        ],
        "en": [
            ("gun", "loaded gun in front of me. i cant do this anymore"),
            ("window", "a 4 year old is hanging out of a 6th floor window, no adult home"),
            ("neck", "i want to hang myself, the rope is ready"),
        ],
    }
)

#: Crises of those kinds that were caught before and after (at least the safety question).
STAY_ASKED: Table = table(
    {
        "uk": [
            ("burns", "тато гасить цигарки об мою руку. я боюсь іти додому"),
            ("rope", "купила мотузку. сьогодні вночі в підвалі"),
            ("gas", "увімкнула газ на плиті і зачинила всі вікна"),
        ],
        "ru": [
            ("burns", "папа тушит сигареты об меня, я боюсь идти домой"),
            ("rope", "купил верёвку. сегодня ночью в подвале"),
            ("gas", "включила газ на плите и закрыла все окна"),
        ],
        "az": [
            ("burns", "atam siqareti qolumda söndürür, evə getməyə qorxuram"),
            ("rope", "ip aldım. bu gecə zirzəmidə"),
            ("rope", "ip aldim. bu gece zirzemide"),
            ("date", "bir aydır ölümümü planlaşdırıram, tarix bəllidir, ad günüm"),
        ],
        "en": [
            (
                "burns",
                "I teach in a village school. A boy came in with cigarette burns, his dad puts his cigarettes out on "
                "him. School's over and he's scared to go home because his father promised to teach him a lesson.",
            ),
            ("burns", "my dad puts his cigarettes out on my arm, im scared to go home"),
            ("rope", "bought a rope. tonight in the basement"),
            ("gas", "turned the gas on and shut all the windows"),
        ],
    }
)

#: False alarms of those kinds that were already at most a question: so after too.
STAY_NOT_CRISIS: Table = table(
    {
        "uk": [
            ("hamster", "наш хом'ячок лежить і не дихає... ой ні, він просто спить, вибачте"),
            ("nursery", "допомагаю доньці написати прощальний лист вихователці, яка йде на пенсію"),
        ],
        "ru": [
            ("bell", "последний звонок! прощай, 11-Б 😭🎓"),
            ("hamster", "наш хомяк лежит и не дышит... ой нет, он просто спит, извините"),
        ],
        "az": [
            ("cutlets", "ərim yanmış kotletə görə məni öldürəcəyini dedi 😂 zarafat edir, özü indi qızardır"),
            ("bell", "son zəng! əlvida, 11-B 😭🎓"),
            ("shift", "xəstəxanada 24 saatlıq növbədən sonra ölmək istəyirəm, amma əvvəl yeyib yatacam"),
        ],
        "en": [
            ("cutlets", "husband said he'd kill me for burning the cutlets 😂 joking of course, he's frying them now"),
            ("bell", "last bell! farewell class 11-B 😭🎓"),
            ("shift", "after a 24 hour hospital shift i want to croak, but first i'll eat and sleep"),
            (
                "friend",
                "my friend said she didnt want to live, we went to a psychologist together, she's better now. what "
                "else can i do?",
            ),
        ],
    }
)

#: Everyday messages beside those kinds: none before and after.
STAY_ORDINARY: Table = table(
    {
        "uk": [
            ("papers", "загубили оригінал свідоцтва про народження дитини, як отримати новий?"),
            ("papers", "як отримати довідку про склад сім'ї?"),
        ],
        "en": [
            ("water", "no hot water for three weeks and the housing office doesn't answer the phone"),
            ("ball", "Thanks. The neighbour's boy kicks a ball against my wall."),
            ("knife", "how do i sharpen a blunt kitchen knife?"),
        ],
    }
)


@pytest.mark.parametrize("lang, text", cases(ASKED))
def test_round_12_crises_read_as_nothing_are_asked_about_at_least(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert alarmed(found) or found.level is Risk.CHECK, found.reasons


@pytest.mark.parametrize("lang, text", cases(CRISIS_NOW))
def test_round_12_crises_said_plainly_are_the_full_alarm(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(FALSE_ALARM))
def test_round_12_false_alarms_are_at_most_asked_about(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is not Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(ORDINARY_NOW))
def test_round_12_everyday_questions_are_ordinary(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.NONE, found.reasons


@pytest.mark.parametrize("lang, text", cases(STAY_CRISIS))
def test_crises_beside_round_12_kinds_stay_the_full_alarm(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(STAY_ASKED))
def test_crises_of_round_12_kinds_caught_before_stay_caught(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert alarmed(found) or found.level is Risk.CHECK, found.reasons


@pytest.mark.parametrize("lang, text", cases(STAY_NOT_CRISIS))
def test_false_alarm_kinds_that_were_no_crisis_stay_so(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is not Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(STAY_ORDINARY))
def test_everyday_messages_beside_round_12_kinds_stay_ordinary(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.NONE, found.reasons


#: The kinds' everyday twins: no rule of this round reads them.
TWINS = [
    "купила мотузку для білизни, сьогодні повішу на балконі",
    "bought a rope for the tent, camping tonight",
    "ip aldım, bu gün paltar sərəcəyəm",
    "увімкнула газ, варю суп, вікна закрила бо холодно",
    "turned the gas on for the kettle and shut the windows, it's freezing",
    "планую свій день народження, дата вже є",
    "planning my death scene for the school play, the date is set",
    "шарф на шиї, бо холодно",
    "how do i sharpen a blunt knife, it won't even cut a tomato",
    "набрала ванну для малого, де безпечно тримати бритву?",
    "прапор висить з вікна 6 поверху",
    "третья попытка сдать на права, в этот раз получится!",
    "third attempt at sourdough, this time it will work",
    "скільки парацетамолу можна дитині 5 років при температурі?",
    "продадут мне машину сегодня",
    "they'll sell me the flat today",
    "син боїться йти додому сам, бо там темно",
    "донька стала замкнутою, ні з ким не говорить",
]


@pytest.mark.parametrize("text", TWINS)
def test_no_rule_of_round_12_reads_the_everyday_twins(text: str) -> None:
    matched = RULES.detect(text).matched
    assert not set(matched) & {*SITUATIONS, *PLAIN_CRISES}, matched


def test_round_12_situations_only_ask_and_the_plain_crises_do_not(shipped_crisis_model: CrisisModel) -> None:
    """A situation is everyday life as often as a crisis; a crisis said plainly is proven on the corpus."""
    assert set(SITUATIONS) <= ASK_RULES
    assert not set(PLAIN_CRISES) & ASK_RULES
    assert {"noose_on_neck", "tied_coming_back", "death_planned"} <= shipped_crisis_model.core_rules
