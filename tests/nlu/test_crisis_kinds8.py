"""Kinds of message a fresh blind table (round 8) got wrong, as our own rows in every language.

The integrator's fresh table (run once on main before round 8) described its
errors as kinds; these rows are the table's own examples of them and messages
of the same kinds written for this file (none of them is in the corpus). Each
row of ``CRISIS``, ``FALSE_ALARM`` and ``ORDINARY_NOW`` was at the wrong level
on the code before it, judged by the triage as shipped (the rules with the
model trained on the shipped corpus):

* crises that got nothing: held captive, trafficked or in debt bondage ("they
  won't let me out till I pay off the debt", a passport taken and not let out);
  giving up with a goodbye in a few words ("сдаюсь. пока"); a plan said without
  its method ("day chosen, the place too"); wanting to vanish for good
  (Azerbaijani without its letters, the time said apart); a note for whoever
  reads it ("if you're reading this it's probably too late");
* false alarms (a crisis, now at most the safety question): a goodbye because
  all is resolved; an exaggeration with a defusing context; someone else's
  threat told with a laughing emoji and a trivial condition; how to store a
  licensed shotgun away from children; graduation photos on a bridge, a
  nosebleed that stopped, "tomorrow it all ends: the last exam!", jumping
  between roofs in a game;
* safety questions that should be none: a teacher or a nurse asking how to
  notice self-harm or ask about suicidal thoughts; "I wrote to you last year
  when I was suicidal, I'm better now"; at what age a child may stay home
  alone; a social-media break; a past crisis now over.

``STAY_CRISIS`` holds real crises next to those kinds that were crises before
and must stay so (a goodbye that is not resolved, one's own threat with a
laughing emoji, a third person's threat without a joke); ``STAY_ORDINARY`` the
everyday twins of the new crisis kinds, ordinary before and after.
"""

from __future__ import annotations

import pytest

from tests.nlu.crisis_table import Table, cases, table
from vikno.nlu.crisis import ASK_RULES, JOKED_THIRD_RULE, CrisisDetector
from vikno.nlu.risk import Risk, RiskTriage

HELD = "held_captive"
GIVE_UP = "giving_up_goodbye"
PLAN = "plan_ready_no_method"
VANISH = "vanish_for_good"
NOTE = "note_if_reading"
RESOLVED = "goodbye_resolved"
DEFUSED = "hyperbole_defused"
JOKE = "joke_about_friend"
SAFELY = "dangerous_things_safely"
EVERYDAY = "everyday_danger_words"
PRO = "professional_question"
PAST = "past_crisis_thanks"
AGE = "child_age_question"
BREAK = "vanish_for_a_while"
STATION = "farewell_at_station"
MISHAP = "minor_mishap"

#: The round-8 rules: none of them may fire on an everyday twin.
NEW_RULES = frozenset(
    {
        "held_captive",
        "passport_taken_held",
        "forced_work_held",
        "give_up_goodbye",
        "plan_without_method",
        "vanish_for_good",
        "note_if_reading",
    }
)


#: Crises that got nothing or a question: each was "none" or "check" before.
CRISIS: Table = table(
    {
        "uk": [
            (HELD, "мене тримають в підвалі знайомі брата, кажуть не випустять поки не віддам борг"),
            (HELD, "нас привезли на ферму, паспорти забрали, кажуть не випустять поки не відпрацюємо дорогу"),
            (HELD, "мене тримають в чужій квартирі вже тиждень і не випускають, я боюсь"),
            (GIVE_UP, "все, я здаюсь. бувайте"),
            (GIVE_UP, "все досить я здаюсь бувайте"),
            (PLAN, "все обдумала. дату вибрала, місце теж"),
            (VANISH, "нічого вже не треба. просто зникнути, назовсім"),
            (NOTE, "якщо ви читаєте це, мене вже немає. вибачте"),
        ],
        "ru": [
            (HELD, "обещали работу в Турции, забрали паспорт и не выпускают из квартиры"),
            (HELD, "нас держат на складе, не выпускают, говорят пока не отработаем долг"),
            (HELD, "меня держат взаперти, телефон отобрали"),
            (GIVE_UP, "сдаюсь. пока"),
            (GIVE_UP, "всё хватит я сдаюсь прощайте"),
            (PLAN, "всё продумал. день выбрал, место тоже"),
            (PLAN, "дату выбрала и место тоже. всё продумано"),
            (NOTE, "если ты это читаешь, значит меня уже нет"),
        ],
        "az": [
            (VANISH, "hec ne istemirem, sadece yox olmaq. birdefelik"),
            (HELD, "meni bir evde saxlayirlar, pasportumu aliblar, cixmaga qoymurlar"),
            (GIVE_UP, "pes edirem. elvida"),
            (PLAN, "her seyi dusunmusem. gunu secdim, yeri de"),
            (NOTE, "bunu oxuyursansa men artiq yoxam"),
        ],
        "en": [
            (HELD, "some men are keeping me in a house, they said i cant leave till i pay off what i owe them"),
            (HELD, "they took my passport at the farm and won't let us leave, we work for no pay"),
            (GIVE_UP, "ok. i give up. bye"),
            (PLAN, "thought it all through. day picked, place too"),
            (VANISH, "nothing left for me. i just want to vanish forever"),
            (NOTE, "if you're reading this its probably too late"),
            (NOTE, "if u read this im already gone"),
        ],
    }
)

#: False alarms: each was a crisis before; now at most the safety question.
FALSE_ALARM: Table = table(
    {
        "uk": [
            (RESOLVED, "вибачте, я більше не буду писати сюди, все вирішилось, дякую"),
            (DEFUSED, "так втомилась від роботи що хочеться вмерти 🙄 але завтра вихідний"),
            (DEFUSED, "так задовбали ці пари що хочеться вмерти, але вже пʼятниця"),
            (JOKE, "брат сказав що повіситься якщо ще раз почує цей трек 😂"),
            (SAFELY, "у чоловіка мисливська рушниця з дозволом, як зберігати щоб діти не дістали?"),
            (PAST, "писала вам торік, коли хотіла накласти на себе руки, зараз мені краще, дякую"),
        ],
        "ru": [
            (RESOLVED, "всё решилось, больше не буду писать, спасибо вам"),
            (DEFUSED, "сессия выпила из меня всю кровь"),
            (JOKE, "подруга сказала что повесится если ещё раз услышит эту песню 😂"),
        ],
        "az": [
            (JOKE, "rəfiqəm zarafat etdi ki bu dərsdə bir də otursa özünü asacaq 😂"),
            (JOKE, "bacım dedi ki, o mahnını bir də eşitsə özünü asacaq 😂"),
            (EVERYDAY, "buraxılışda körpünün üstündə şəkil çəkdirəcəyik"),
            (EVERYDAY, "burnumdan qan gəldi, artıq dayandı"),
            (EVERYDAY, "sabah hər şey bitəcək — nəhayət son imtahan! 🎉"),
            (MISHAP, "kartof soyanda barmağımı kəsdim, artıq sarımışam"),
        ],
        "en": [
            (RESOLVED, "it's all sorted now, won't be messaging again. thank you so much"),
            (EVERYDAY, "in this game you have to jump from roof to roof and i cant get past level 4"),
            (EVERYDAY, "this game is driving me mad, you jump off the tower onto the bridge and i'm stuck on level 7"),
            (STATION, "said goodbye to my sister at the station, she's moving to Canada"),
        ],
    }
)

#: Safety questions (and one alarm) that should be none: each was "check" or "crisis" before.
ORDINARY_NOW: Table = table(
    {
        "uk": [
            (PRO, "я вчителька, як помітити що дитина себе ріже?"),
            (AGE, "чи можна залишати 11-річну дитину саму вдома на годину?"),
            (DEFUSED, "я ніяка після зміни, 14 годин на ногах, хоч здихай"),
            (HELD, "мама не випустить гуляти поки не зроблю уроки"),
            (STATION, "проводила сестру на вокзалі, попрощались, тепер тиждень її не побачу"),
        ],
        "ru": [
            (PRO, "я учитель, как распознать самоповреждения у ученика?"),
            (DEFUSED, "я никакая после смены, 14 часов на ногах, сдохнуть можно"),
        ],
        "az": [
            (BREAK, "sosial şəbəkələrdən bir aylıq yox olmaq istəyirəm"),
            (PAST, "keçən il intihar fikirləri olanda sizə yazmışdım, indi yaxşıyam, sağ olun"),
            (AGE, "11 yaşlı uşağı bir saatlıq evdə tək qoymaq olar?"),
            (STATION, "qardaşımı vağzalda yola saldım, sağollaşdıq"),
        ],
        "en": [
            (PAST, "I messaged you last year when I was suicidal, I'm better now, thank you"),
            (AGE, "is it ok to leave my 11 year old home alone for an hour"),
            (PRO, "I'm a teacher, how do I recognise self-harm in a pupil?"),
            (PRO, "I'm a nurse, how should I ask a patient about suicidal thoughts?"),
            (HELD, "I'm locked out of my flat, who do I call?"),
            (SAFELY, "best rope for a tree swing?"),
        ],
    }
)

#: Crises beside those kinds: crises before and after.
STAY_CRISIS: Table = table(
    {
        "uk": [
            (GIVE_UP, "я здаюсь, бувайте. таблетки вже випила"),
            (JOKE, "подруга каже що повіситься сьогодні, я дуже боюсь за неї"),
        ],
        "az": [(JOKE, "rəfiqəm deyir ki özünü asacaq, qorxuram")],
        "en": [
            (RESOLVED, "I won't write again, thank you for everything, forgive me"),
            (JOKE, "i'm going to hang myself tonight 😂"),
        ],
    }
)

#: Everyday twins of the new crisis kinds: ordinary before and after.
STAY_ORDINARY: Table = table(
    {
        "uk": [(GIVE_UP, "я здаюсь з цією задачею, бувайте до завтра")],
        "ru": [(PLAN, "день выбрал, место тоже — свадьба в июне")],
        "az": [(HELD, "pasportum vizaya görə səfirlikdədir, nə vaxt qaytararlar?")],
        "en": [
            (HELD, "a debt collector's letter says I owe the bank, what now?"),
            (BREAK, "i want to disappear from social media for a week, how do i mute everything?"),
        ],
    }
)


@pytest.mark.parametrize("lang, text", cases(CRISIS))
def test_the_kinds_round_8_missed_are_crises(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(FALSE_ALARM))
def test_round_8_false_alarms_are_at_most_asked_about(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is not Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(ORDINARY_NOW))
def test_a_question_of_ones_trade_a_past_or_an_age_is_ordinary(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.NONE, found.reasons


@pytest.mark.parametrize("lang, text", cases(STAY_CRISIS))
def test_crises_beside_those_kinds_stay_crises(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(STAY_ORDINARY))
def test_everyday_twins_stay_ordinary(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.NONE, found.reasons


@pytest.mark.parametrize(
    "text",
    [
        "мама не випустить гуляти поки не зроблю уроки",  # no debt: a mother and homework
        "mum won't let me out till I finish my homework",
        "мій паспорт в посольстві на візу, коли заберу?",  # a passport at an embassy
        "the embassy kept my passport for the visa, is that normal?",
        "чоловік забрав документи і не відпускає",  # "won't let me go" is the domestic-violence topic
        "колектори пишуть що не відстануть поки не віддам борг",
        "я здаюсь з цією задачею, бувайте до завтра",  # giving up on a task, a goodbye till tomorrow
        "всё, с ремонтом сдаюсь, зову мастера. пока",
        "ok ok i give up, you win the argument 😄 bye",
        "pəhrizlə təslim oldum, əlvida incə bel 😅",
        "день выбрал, место тоже — свадьба в июне",  # a day and a place for an event
        "we picked the date and the place for the wedding",
        "toy üçün günü və yeri seçdik",
        "sosial şəbəkələrdən bir aylıq yox olmaq istəyirəm",  # a break
        "хочу зникнути з соцмереж на місяць",
        "if you're reading this, the party already started",  # a note that is late, not final
        "if you're reading this it's too late to sign up for the trip",
        "якщо ти це читаєш, вже пізно записуватись",
        "bunu oxuyursunuzsa, ekskursiyaya yazılmaq üçün artıq gecdir?",
    ],
)
def test_the_new_rules_leave_everyday_twins_alone(text: str) -> None:
    found = CrisisDetector().detect(text)
    assert not set(found.matched) & NEW_RULES, found.matched


@pytest.mark.parametrize(
    "text",
    [
        "подруга сказала что повесится если ещё раз услышит эту песню 😂",
        "rəfiqəm zarafat etdi ki bu dərsdə bir də otursa özünü asacaq 😂",
        "сестра обіцяє вистрибнути у вікно якщо мама знову увімкне цей серіал 😂",
        "my sister swears she'll jump out the window if mum puts that show on again 😂",
    ],
)
def test_someone_elses_threat_laughed_at_only_asks(text: str) -> None:
    found = CrisisDetector().detect(text)
    assert found.crisis and JOKED_THIRD_RULE in found.matched and set(found.matched) <= ASK_RULES, found.matched
    assert RiskTriage(model=None).assess(text).level is Risk.CHECK


@pytest.mark.parametrize(
    "text",
    [
        "подруга сказала что повесится если её бросят",  # no laughter: the alarm
        "я повішусь якщо ще раз 😂",  # one's own words, laughing or not
        "özümü asacam 😂 əgər sabah da belə olsa",
        "i told him i'm going to jump off the bridge tonight if he leaves me 😂",  # one's own, and a time
        "she said she'd hang herself if he leaves, she wasn't joking",
    ],
)
def test_no_joke_or_ones_own_words_keep_the_alarm(text: str) -> None:
    found = CrisisDetector().detect(text)
    assert found.crisis and not set(found.matched) <= ASK_RULES, found.matched


def test_a_game_level_cancels_only_the_jump_rules() -> None:
    detector = CrisisDetector()
    assert not detector.detect("в цій грі треба стрибати з даху на дах, а я не можу пройти 4 рівень").crisis
    assert not detector.detect("bu oyunda damdan dama tullanmaq lazımdır, 4-cü səviyyəni keçə bilmirəm").crisis
    assert "want_die_en" in detector.detect("stuck on level 4 in this game and i want to die").matched
    assert detector.detect("i'm going to jump off the roof, nothing matters").crisis
