"""Round 7's rules raised false alarms, and their exclusions left real crises at a question (crisis triage, round 8).

Each row of ``FALSE_ALARM``, ``ASKED_NOT_ALARMED`` and ``CRISIS`` was at the wrong level on the code before the
fix (main at 4a1b2eb), judged by the triage as shipped: the rules with the model trained on the shipped corpus.

* false alarms, each a ``crisis`` before (the full emergency answer, the top of the queue):
  - a chat's ordinary ending after an errand: medicines bought for mum, things given to a shelter, "I don't need
    anything else, thanks" (``means_want_nothing`` now needs "for myself" or "I want nothing", and no thanks at
    the end of an errand; ``give_all_money`` not the money of a collection or a bill);
  - a commute: on the platform, waiting for the train until eight (``tracks_waiting``: the train awaited, a delay,
    a commute are a journey; a station alone is not);
  - legs over a balcony rail with a coffee, fishing off a bridge with the legs dangling (``legs_over_edge``: a
    pastime in hand);
  - a holiday shift: "celebrate without me, I'm on the night shift" (``celebrate_without_me``);
  - a bureaucratic last hope: "...if you can't help, I'm out of options" (``last_try``);
  - an injury: "he fell on the ice and is not moving his arm" (``fallen_not_responding`` reads only not speaking,
    responding, waking or breathing; ``fallen_not_getting_up`` not a limb nor a fall whose pain is told);
* crises that were only asked about (``check``): a last hope and then a bridge or a roof ("я піду до мосту": the
  ultimatum's exclusions left out every place); a day chosen "щоб піти назавжди" (``chosen_day`` left out every
  "щоб"); the railway at a station or with a late train, and a step when the train comes (``train_step``); a roof
  with a repair on it and a jump (the model, taught by the roof-work kind, scored them 0.01-0.02).

Where a question is honestly reasonable (legs over a rail, an old woman fallen who does not get up) the row asks
only that it is no longer the full alarm (``ASKED_NOT_ALARMED``).
"""

from __future__ import annotations

import pytest

from tests.nlu.crisis_table import Table, alarmed, cases, table
from vikno.nlu.crisis import CrisisDetector
from vikno.nlu.risk import Risk, RiskTriage

ERRAND = "errand_then_thanks"
COMMUTE = "commute"
PASTIME = "pastime_at_height"
SHIFT = "holiday_shift"
OFFICE = "bureaucratic_last_hope"
INJURY = "injury_fall"
LAST = "last_hope_then_place"
DAY = "day_chosen_to_go"
RAIL = "railway_station_step"
ROOF = "roof_repair_jump"


#: False alarms: each was a crisis before; now nothing.
FALSE_ALARM: Table = table(
    {
        "uk": [
            (ERRAND, "Я купила ліки для мами, більше нічого не треба, дякую"),
            (ERRAND, "Купила ліки для мами в аптеці, мені більше нічого не треба, дякую"),
            (ERRAND, "Переказала всі гроші зі збору на притулок, мені більше нічого не треба, дякую за звіт"),
            (COMMUTE, "стою на платформі, чекаю електричку до восьмої"),
            (COMMUTE, "Стою на платформі, чекаю до восьмої, електричка запізнюється"),
        ],
        "ru": [
            (ERRAND, "Я купила лекарства для мамы, больше ничего не нужно, спасибо"),
        ],
        "az": [
            (ERRAND, "Anam üçün dərmanları aldım, artıq heç nə lazım deyil, təşəkkür edirəm"),
            (OFFICE, "Oğlum üçün məktəbdə yer barədə son ümidim sizsiniz, kömək etməsəniz, gedirəm nazirliyə"),
        ],
        "en": [
            (ERRAND, "Got the tablets for my dad from the pharmacy, don't need anything any more, thank you!"),
            (OFFICE, "You're my last hope about a school place for my son. If you can't help, I'm out of options"),
        ],
    }
)

#: The same shapes that were a safety question before (the model alone, 0.25-0.74): now nothing.
QUESTION_BEFORE: Table = table(
    {
        "uk": [
            (ERRAND, "Я віддала речі у притулок, мені більше нічого не треба, дякую"),
            (SHIFT, "Я не буду вдома на Новий рік, святкуйте без мене, чергую в лікарні"),
        ],
        "ru": [
            (ERRAND, "Отдала вещи в приют, мне больше ничего не нужно, спасибо"),
            (COMMUTE, "Сижу на станции у путей, жду до восьми, потом на работу"),
        ],
        "az": [
            (ERRAND, "Əşyaları sığınacağa verdim, mənə artıq heç nə lazım deyil, təşəkkürlər"),
            (SHIFT, "Mənsiz bayram edin, növbədəyəm"),
            (SHIFT, "Məni gözləməyin, mənsiz bayram edin, gecə növbəsindəyəm"),
        ],
        "en": [
            (ERRAND, "I gave the clothes to the shelter, I don't need anything any more, thanks"),
            (SHIFT, "celebrate without me, I'm working the night shift"),
            (OFFICE, "This is my last chance to get the benefit. If it doesn't work I'm done with this office"),
        ],
    }
)

#: Everyday messages of those shapes that were, and stay, ordinary.
ORDINARY: Table = table(
    {
        "uk": [
            (COMMUTE, "Чекаю на вокзалі потяг до Львова до девʼятої, він затримується"),
            (OFFICE, "Ви моя остання надія щодо місця в школі для сина. Я не знаю, куди ще звернутися"),
        ],
        "ru": [(INJURY, "Сын упал с турника и не может пошевелить рукой, где травмпункт?")],
        "en": [
            (ERRAND, "I don't need anything else, thanks"),
            (COMMUTE, "At the station by the tracks, the train's delayed, I'll wait until nine then go to work"),
        ],
    }
)

#: False alarms where a question is the most left: each was a crisis before; now no longer the full alarm.
ASKED_NOT_ALARMED: Table = table(
    {
        "uk": [
            (ERRAND, "Купив таблетки батькові за рецептом, більше нічого не потрібно, дякую за допомогу"),
            (COMMUTE, "Сиджу на станції біля колії, чекаю до восьмої, потім на роботу"),
            (PASTIME, "Сиджу на балконі з кавою, ноги звісила через перила, гарний ранок"),
            (PASTIME, "Ловлю рибу з мосту, ноги звисають, вже дві плітки"),
            (PASTIME, "рибалю з мосту, ноги звісив, кайф"),
            (PASTIME, "Пʼю чай на балконі, ноги звісила вниз, тепло сьогодні"),
            (SHIFT, "святкуйте без мене, я на зміні"),
            (SHIFT, "Не чекайте мене, святкуйте без мене, я на нічній зміні"),
            (INJURY, "Бабуся впала і не встає, болить стегно"),
        ],
        "ru": [
            (ERRAND, "Купил таблетки отцу по рецепту, мне больше ничего не надо, спасибо за помощь"),
            (COMMUTE, "стою на платформе, жду электричку до восьми"),
            (PASTIME, "Сижу на балконе с кофе, ноги свесила через перила, хорошее утро"),
            (PASTIME, "Рыбачу с моста, ноги свесил вниз, уже два окуня"),
            (SHIFT, "празднуйте без меня, я на смене"),
            (INJURY, "Папа упал на льду и не двигает рукой"),
            (INJURY, "Бабушка упала и не встает, болит бедро"),
        ],
        "az": [
            (ERRAND, "Atam üçün dərman almışam, mənə artıq heç nə lazım deyil, sağ olun"),
            (COMMUTE, "Stansiyada relslərin yanındayam, qatar gecikir, saat doqquzadək gözləyəcəyəm"),
            (PASTIME, "Eyvanda qəhvə içirəm, ayaqlarımı aşağı sallamışam, gözəl səhərdir"),
            (PASTIME, "Körpüdən balıq tuturam, ayaqlarım aşağı sallanır"),
        ],
        "en": [
            (COMMUTE, "I'm on the platform waiting for the train until eight"),
            (PASTIME, "sitting with my legs over the balcony with a coffee"),
            (PASTIME, "Sitting on the balcony with my legs over the rail and a coffee, lovely morning"),
            (PASTIME, "fishing off the bridge with my legs dangling, caught two perch already"),
            (SHIFT, "I won't be around for Christmas, celebrate without me, I'm on call at the hospital"),
            (OFFICE, "You're my last hope with the school place, if you can't help I'm going elsewhere"),
            (INJURY, "He fell on the ice and is not moving his arm"),
            (INJURY, "She fell off the bike and isn't moving her leg, should we go to A&E?"),
            (INJURY, "Mum fell on the stairs and can't move her wrist"),
        ],
    }
)

#: Crises: each was only a check before.
CRISIS: Table = table(
    {
        "uk": [
            (LAST, "Ви моя остання надія. Якщо не допоможете, я піду до мосту"),
            (LAST, "Ви моя остання надія, якщо не допоможете, я піду на міст і все"),
            (LAST, "Це мій останній шанс. Якщо не спрацює, я піду на дах"),
            (DAY, "Я вибрав неділю, щоб піти з життя"),
            (DAY, "Я вже обрала пʼятницю, щоб усе закінчити"),
            (RAIL, "Я на станції, коли підʼїде товарний, я ступлю вперед"),
            (RAIL, "Я на станції, де товарні не зупиняються, почекаю до десятої"),
            (ROOF, "полізу на дах, де ремонт, і стрибну"),
        ],
        "ru": [
            (LAST, "Вы моя последняя надежда. Если не поможете, я пойду на мост"),
            (LAST, "Это моя последняя попытка. Если не поможете, я уйду на крышу"),
            (LAST, "Вы моя последняя надежда. Если не поможете, я пойду к реке"),
            (DAY, "Я выбрала субботу, чтобы уйти навсегда"),
            (DAY, "Я выбрал воскресенье, чтобы уйти из жизни"),
            (DAY, "Я уже выбрала пятницу, чтобы всё закончить"),
            (RAIL, "Я на станции, как только подойдёт товарняк, я шагну вперёд"),
            (RAIL, "Последний поезд опаздывает, но когда он придёт, я брошусь"),
            (RAIL, "Я на станции, где товарные не останавливаются, подожду до десяти"),
            (ROOF, "полезу на крышу, где ремонт, и прыгну"),
        ],
        "az": [
            (LAST, "Siz mənim son ümidimsiniz. Kömək etməsəniz, körpüyə gedirəm"),
            (RAIL, "Stansiyadayam, qatar gələndə addım atacağam"),
            (ROOF, "Dam təmirdədir, ora çıxıb tullanacağam"),
        ],
        "en": [
            (RAIL, "I'm at the station, when the train comes I'll step in front of it"),
            (RAIL, "The last train is late, but when it comes I'm stepping off the platform"),
            (RAIL, "I'm at the station where the freight trains don't stop, I'll wait until ten"),
        ],
    }
)

#: Crises of the same shapes that were crises before: they stay crises.
ALREADY: Table = table(
    {
        "uk": [
            (DAY, "Я обрала суботу, щоб піти назавжди"),
            (RAIL, "стою на станції, коли прийде поїзд, я зроблю крок"),
            (RAIL, "Останній потяг запізнюється, але коли він прийде, я зроблю крок"),
            (ROOF, "Дах у нас на ремонті, драбина стоїть, я вилізу і стрибну"),
            (PASTIME, "сиджу на даху, ноги звісив, мені вже все одно"),
        ],
        "ru": [
            (RAIL, "стою на станции, когда придет поезд, я сделаю шаг"),
            (ROOF, "Крышу ремонтируют, лестница стоит, я залезу и прыгну"),
        ],
        "az": [(DAY, "Şənbəni seçmişəm ki, həmişəlik gedim")],
        "en": [
            (LAST, "You're my last hope. If you can't help, I'm going to the bridge"),
            (LAST, "My last try is you. If this doesn't help, I'm going to the tracks"),
            (DAY, "I've chosen Saturday to go for good"),
            (ROOF, "I'll climb onto the roof where the repairs are and jump"),
            (ROOF, "they're fixing the roof, the ladder's still up, i'm climbing it and jumping"),
        ],
    }
)

#: A coffee on the balcony: the first three were a safety question before (the uk model, 0.51-0.81).
COFFEE: Table = table(
    {
        "uk": [
            (PASTIME, "пʼю каву на балконі"),
            (PASTIME, "kava na balkoni"),
            (PASTIME, "Сиджу на балконі, пʼю каву, а ви працюєте сьогодні?"),
        ],
        "ru": [(PASTIME, "пью кофе на балконе, а вы работаете сегодня?")],
        "az": [(PASTIME, "eyvanda qəhvə içirəm, bu gün işləyirsiniz?")],
        "en": [(PASTIME, "having a coffee on the balcony, are you open today?")],
    }
)


#: A holiday shift and a commute: no rule fires on them, and after round 8's crisis kinds joined the corpus the model
#: scores them 0.25-0.29, just over ``check_at``: a question, never the alarm (they were ``none`` before those kinds).
ASKED_BY_THE_MODEL: Table = table(
    {
        "uk": [
            (SHIFT, "Святкуйте без мене, я на зміні до ранку"),
        ],
        "ru": [
            (COMMUTE, "Стою на платформе, жду до восьми, электричка опаздывает"),
            (SHIFT, "Не ждите меня, празднуйте без меня, я на ночной смене"),
            (SHIFT, "Меня не будет дома на Новый год, празднуйте без меня, дежурю в больнице"),
        ],
        "en": [
            (
                COMMUTE,
                "Standing by the tracks waiting until eight for the commuter train, does the travel pass cover it?",
            ),
        ],
    }
)


@pytest.mark.parametrize("lang, text", cases(FALSE_ALARM))
def test_everyday_shapes_of_round_7s_rules_are_no_crisis(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.NONE, found.reasons


@pytest.mark.parametrize("lang, text", cases(QUESTION_BEFORE) + cases(ORDINARY))
def test_everyday_shapes_that_were_asked_about_are_ordinary(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.NONE, found.reasons


#: Pills bought and "I don't need anything any more" said with thanks: the rule asks (thanks do not cancel it since
#: "bought the pills, I want nothing any more, thanks for listening" is the crisis said politely; outside attack).
ASKED_NOW: Table = table(
    {"en": [(ERRAND, "I bought the pills my doctor prescribed, I don't need anything any more, thanks for your help")]}
)


@pytest.mark.parametrize("lang, text", cases(ASKED_NOT_ALARMED) + cases(ASKED_NOW) + cases(ASKED_BY_THE_MODEL))
def test_everyday_shapes_are_at_most_asked_about(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is not Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(CRISIS))
def test_crises_the_exclusions_only_asked_about_are_crises(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert alarmed(found), found.reasons


@pytest.mark.parametrize("lang, text", cases(ALREADY))
def test_crises_of_those_shapes_stay_crises(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(COFFEE))
def test_a_coffee_on_the_balcony_is_ordinary(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.NONE, found.reasons


# ---------------------------------------------------------------- the rules alone


#: None of round 7's rules (nor any other) fires on the false alarms any more.
@pytest.mark.parametrize("lang, text", cases(FALSE_ALARM) + cases(ASKED_NOT_ALARMED))
def test_no_rule_fires_on_the_everyday_shapes(lang: str, text: str) -> None:
    assert not CrisisDetector().detect(text).crisis


@pytest.mark.parametrize(
    "rule, text",
    [
        ("last_try", "Ви моя остання надія. Якщо не допоможете, я піду до мосту"),
        ("last_try", "Вы моя последняя надежда. Если не поможете, я пойду к реке"),
        ("last_try", "You're my last hope. If you can't help, I'm going to the bridge"),
        ("last_try", "Siz mənim son ümidimsiniz. Kömək etməsəniz, körpüyə gedirəm"),
        ("chosen_day", "Я обрала суботу, щоб піти назавжди"),
        ("chosen_day", "Я выбрала субботу, чтобы уйти навсегда"),
        ("chosen_day", "I've already chosen Sunday to go for good"),
        ("chosen_day", "Bazar gününü seçmişəm ki, həmişəlik gedim"),
        ("train_step", "стою на станції, коли прийде поїзд, я зроблю крок"),
        ("train_step", "Последний поезд опаздывает, но когда он придёт, я брошусь"),
        ("train_step", "I'm at the station, when the train comes I'll step in front of it"),
        ("train_step", "Stansiyadayam, qatar gələndə addım atacağam"),
        ("tracks_waiting", "Я на станції, де товарні не зупиняються, почекаю до десятої"),
        ("tracks_waiting", "I'm at the station where the freight trains don't stop, I'll wait until ten"),
        ("legs_over_edge", "сиджу на даху, ноги звісив, мені вже все одно"),
        # the crises round 7's rules read stay read: a child alone with a fallen father who does not get up
        ("fallen_not_getting_up", "тато впав у ванній і не встає, він якось хрипить, я сама вдома, мені 8"),
        ("fallen_not_getting_up", "Mum fell in the kitchen and she's not moving, we're far from town"),
        ("fallen_not_responding", "Мама впала, каже що болить голова, а тепер не відповідає"),
        ("fallen_not_responding", "Бабушка упала и не дышит"),
        ("means_want_nothing", "Таблетки купила, мені самій більше нічого не треба."),
        ("means_want_nothing", "Bought the pills, I want nothing for myself any more, thank you for everything"),
        ("give_all_money", "Переказала всі свої гроші на притулок. Мені більше нічого не потрібно."),
    ],
)
def test_the_narrowed_rules_still_read_their_crises(rule: str, text: str) -> None:
    assert rule in CrisisDetector().detect(text).matched


@pytest.mark.parametrize(
    "text",
    [
        "Коли прийде потяг, я стрибну в останній вагон, бо запізнююсь",  # boarding a train is no step in front of it
        "When the train comes I'll step onto it and call you from the carriage",
        "Коли прийде поїзд, я зроблю крок до нового життя: переїжджаю до Львова",
        "Я віддала всі гроші за квартиру, більше нічого не треба платити?",  # a bill, and something still to pay
        "Вы моя последняя надежда, если не поможете, я пойду в суд",  # an ordinary destination
        "Це моя остання спроба, якщо не вийде, піду на третій поверх до директора",
        "Я обрала суботу, щоб піти на концерт",  # a day chosen for something
        "Celebrate without me and save me some cake",  # "save me" a piece is no cry for help
        "save me a seat please",
    ],
)
def test_the_new_and_widened_rules_leave_everyday_words_alone(text: str) -> None:
    assert not CrisisDetector().detect(text).crisis


#: A bare "Dam" (a roof) is read by no rule: the model decides that one, as before.
RULED_CRISES = [(lang, text) for lang, text in cases(CRISIS) if not text.startswith("Dam ")]


@pytest.mark.parametrize("lang, text", RULED_CRISES)
def test_the_crises_are_crises_without_a_model_too(lang: str, text: str) -> None:
    found = RiskTriage(model=None).assess(text)
    assert alarmed(found), found.reasons


# ---------------------------------------------------------------- after the outside attack (session 12)

#: Real crises the narrowed rules let through to nothing (each ``none`` on 7b47585): thanks after the pills, a
#: bill paid ahead, the sea as the place, "save me the man...", "в петлю", "in front of the next train". The
#: situations now ask, so their exclusions no longer need to cancel them; these must be caught (a crisis, or the
#: safety question with the emergency numbers).
ATTACK_CRISES: Table = table(
    {
        "uk": ["полізу в петлю"],
        "ru": ["пойду в петлю"],
        "az": [
            "dermanlari aldim. artiq hec ne istemirem. her sheye gore tesekkur edirem",
            "təşəkkür edirəm ki, cavab verirsiniz. dərmanları aldım, artıq heç nə istəmirəm",
            "dərman aldım. artıq heç nə istəmirəm. sağ olun",
            "son ümidim sizsiniz kömək etməsəniz gedirəm dənizə birdəfəlik",
        ],
        "en": [
            "bought all the pills i could get. i dont want anything anymore. thanks for listening",
            "paid all my money for the rent ahead for my kids, i don't need anything anymore",
            "save me the man is in my house",
            "gonna jump in front of the next train. its delayed lol but not for long",
        ],
    }
)

#: Everyday messages the attack found at the full alarm on 7b47585: a pension, a bot or a grade that "fell" and
#: "is not answering", a son who fell off his bike and sulks ("не разговаривает со мной"), a day chosen to finish
#: the paperwork or to leave a job for good.
ATTACK_EVERYDAY: Table = table(
    {
        "uk": [
            "Вайбер впав і оператор не відповідає вже годину",
            "бабуся впала духом і ні з ким не розмовляє",
            "Після похорону тата обрала суботу, щоб закінчити все з документами на спадщину",
        ],
        "ru": [
            "у вас бот упал? никто не отвечает",
            "сын упал с велика и не разговаривает со мной, обиделся что я накричала",
            "после смерти мужа выбрала пятницу чтобы уйти навсегда с этой работы",
        ],
        "az": ["oğlum velosipeddən yıxıldı, mənimlə danışmır, küsüb"],
        "en": [
            "my pension fell by 30% and the office isn't answering the phone",
            "my son's grades fell and he isn't talking to me",
        ],
    }
)


@pytest.mark.parametrize("lang, text", cases(ATTACK_CRISES))
def test_the_attacks_crises_are_caught(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is not Risk.NONE, found.reasons


@pytest.mark.parametrize("lang, text", cases(ATTACK_CRISES))
def test_the_attacks_crises_are_caught_without_a_model_too(lang: str, text: str) -> None:
    assert RiskTriage(model=None).assess(text).level is not Risk.NONE


@pytest.mark.parametrize("lang, text", cases(ATTACK_EVERYDAY))
def test_the_attacks_everyday_messages_are_no_alarm(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is not Risk.CRISIS, found.reasons
