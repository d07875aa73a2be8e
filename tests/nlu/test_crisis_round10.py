"""Kinds of message a fresh blind table (round 10) got wrong, as our own rows in every language.

The integrator's fresh table (run once on main before round 10) described its
errors as kinds; these rows are the table's own examples of them and messages
of the same kinds written for this file (none of them is in the corpus). Each
row of ``FRAGMENT_ROWS``, ``FALSE_ALARM``, ``ORDINARY_NOW``, ``ASKED``,
``FORCED_MARRIAGE`` and ``RELAPSE`` was at the wrong level on the code before it, judged by the
triage as shipped (the rules with the model trained on the shipped corpus):

* a short last sentence read alone as a window of the story ("...without me
  being there? she's 15": "she's 15" 0.89, a crisis; nlu/risk.py);
* false alarms: a coach or a teacher who "will kill us" at training, a past
  attempt told to help others, a harassment already over ("я уже дома"), a
  hunting gun in a safe and the range, a song's lyric, a friend's dramatic
  catchphrase said to be fine, a pet's death, a blood donation's dizziness;
* safety questions that should be none: the same kinds, "she'll strangle me
  for taking her dress", a polite goodbye to the chat, knives of a trade;
* a child married off against their will (Azerbaijani and Russian got
  nothing, the others only the model's question);
* a past attempt told, then "today again" (``RELAPSE``): the past overruled the
  rule where the model said none, though crisis.py's resolved past already knew
  "again" (nlu/risk_context.py, ``RELAPSE``).

Left as they are, and so not asserted here (the shipped model's scores, a question
each): the Azerbaijani coach (0.49), "фух, вже не злякалась..." (0.47), "some man
followed me ... he's gone, i'm at home" (a crisis, 0.89), "вы помогаете только
детям или взрослым тоже?" (0.25), the roof garden with a railing (0.62), and the
everyday rows of the table the model still asks about (GCSEs, decluttering,
shaving, texting, a parrot, "сдохну 😴", a party, blood donation in uk: 0.29-0.67).

Rows green before and after (``STAY_*``) stand beside those kinds. The triage is
built once for the module (the shipped model is trained once per run,
tests/conftest.py) and the rules once for the file.
"""

from __future__ import annotations

import pytest

from tests.nlu.crisis_table import Table, alarmed, cases, table
from vikno.nlu.crisis import ASK_RULES, CrisisDetector
from vikno.nlu.risk import Risk, RiskTriage, _windows
from vikno.nlu.risk_context import safe_contexts
from vikno.nlu.textnorm import normalize

FRAGMENT = "fragment_window"
COACH = "coach_hyperbole_group"
PAST = "past_attempt_telling_story"
OVER = "incident_over_home"
HUNT = "hunting_range_safe"
SONG = "song_lyric_annoying"
PHRASE = "friend_dramatic_catchphrase"
PET = "pet_died_children"
INJURY = "minor_injury_over"
MISDEED = "strangle_me_for_misdeed"
GOODBYE = "polite_goodbye_thanks"
KNIVES = "knives_at_work"
ADVENTURE = "nervous_adventure"
PARENT = "parent_too_much"
SERVICE = "service_question"
MARRIAGE = "forced_marriage_minor"
WEDDING = "wedding_everyday"

FORCED = "forced_marriage_minor"

#: The rules, built once for the file.
RULES = CrisisDetector()


#: Everyday questions with a short last sentence: each was a crisis by the window of that sentence alone.
FRAGMENT_ROWS: Table = table(
    {
        "uk": [(FRAGMENT, "коли в нас ліфт полагодять? на 16 поверх пішки вже не можу")],
        "en": [
            (FRAGMENT, "can my daughter see a counsellor without me being there? she's 15"),
            (FRAGMENT, "is it safe to let my 10 year old on the roof garden at our block? there's a railing"),
            (FRAGMENT, "how do i sign my son up for the after school club? he's 8"),
            (FRAGMENT, "does the clinic do flu jabs for kids? she's 6"),
        ],
    }
)

#: False alarms: each was a crisis before; now at most the safety question.
FALSE_ALARM: Table = table(
    {
        "uk": [
            (COACH, "тренер сказав що вб'є нас на тренуванні завтра, бо програли матч"),
            (PHRASE, "брат щоразу як програє в доту каже що стрибне з вікна, з ним все ок, він просто драматизує"),
        ],
        "ru": [
            (COACH, "физрук сказал что завтра убьет нас на кроссе, мы сорвали урок"),
            (
                PAST,
                "в 16 лет я наглоталась таблеток, меня спасли, прошло 10 лет, хочу рассказать школьникам свою историю",
            ),
            (OVER, "вчера в маршрутке пьяный приставал, водитель его высадил, я уже дома"),
            (HUNT, "на охоту с отцом поедем, ружье у него в сейфе, сколько лет надо чтобы стрелять с ним в тире?"),
        ],
        "az": [(INJURY, "bu gün qan verdim, başım bir az gicəlləndi, artıq keçib")],
        "en": [
            (COACH, "coach is gonna kill us at practice tomorrow after that 5-0"),
            (SONG, 'my little brother sings "another one bites the dust" all day and it\'s driving me mad'),
            (PHRASE, "my mate says \"i'll jump off the pier\" every time city lose, he's fine, he's just dramatic"),
            (PET, "our hamster died this morning and my daughter won't stop crying"),
        ],
    }
)

#: Safety questions (or alarms) that should be none: each was "check" or "crisis" before, none now.
ORDINARY_NOW: Table = table(
    {
        "uk": [
            (COACH, "вчителька фізкультури нас вб'є на нормативах у п'ятницю"),
            (PAST, "років три тому я різала руки, зараз все добре, хочу розповісти свою історію"),
            (OVER, "в електричці чіплявся п'яний, контролер його вивів, я вже вдома і все добре"),
            (HUNT, "дід бере мене на полювання, рушниця в нього в сейфі, з якого віку можна стріляти в тирі?"),
            (SONG, "брат цілий день наспівує highway to hell, я вже не можу це слухати"),
            (MISDEED, "мама мене вб'є за те що я взяла її сукню без дозволу"),
        ],
        "ru": [
            (PAST, "лет пять назад я резала руки, сейчас все хорошо, хочу рассказать свою историю в блоге"),
            (
                PHRASE,
                "подруга каждый раз когда видит ценники говорит что повесится, с ней все хорошо, это ее присказка",
            ),
            (MISDEED, "мама меня убьет за то что я разбила ее любимую вазу"),
        ],
        "az": [
            (GOODBYE, "vsyo, daha yazmıram bu çata, sağolun cavablara görə"),
            (KNIVES, "dayım qəssabdır, bıçaqları həmişə stolun üstündə qalır"),
            (MISDEED, "maşını cızdığım üçün atam məni öldürəcək"),
        ],
        "en": [
            (COACH, "PE teacher is going to kill us on the bleep test tomorrow"),
            (COACH, "our dance teacher will murder us if we miss another rehearsal"),
            (
                PAST,
                "i took an overdose at 15, it's been 9 years, i'm well now and want to tell my story to sixth formers",
            ),
            (
                HUNT,
                "going hunting with my uncle, his rifle is kept in the gun safe, what age can i shoot at the range?",
            ),
            (SONG, "my daughter sings highway to hell at full volume every morning, help"),
            (
                PHRASE,
                "my dad says he'll throw himself off the balcony whenever the wifi drops, he's fine, his catchphrase",
            ),
            (MISDEED, "my mum will strangle me for taking her dress"),
            (MISDEED, "my sister will strangle me for taking her dress"),
            (KNIVES, "my uncle is a chef and leaves his knives out on the counter, is that ok with my toddler around?"),
        ],
    }
)

#: A child married off against their will, imminent: nothing before; now the safety question at least.
ASKED: Table = table(
    {
        "ru": [(MARRIAGE, "мне 14 меня хотят выдать замуж за родственника, свадьба послезавтра, хочу сбежать")],
        "az": [
            (
                MARRIAGE,
                "məni 15 yaşımda ərə verirlər, sabah nikahdır, razı olmasam atam öldürəcək, qaçmaq istəyirəm amma hara",
            )
        ],
    }
)

#: The same kind that the model alone asked about before (a check with no rule): now the rule reads it.
FORCED_MARRIAGE: Table = table(
    {
        "uk": [
            (MARRIAGE, "мені 15, мене в неділю видають заміж, тато сказав що якщо втечу то вб'є"),
            (MARRIAGE, "нас з сестрою забирають зі школи щоб віддати заміж, мені 14, як втекти"),
        ],
        "ru": [(MARRIAGE, "меня насильно выдают замуж, мне 16, если откажусь отец меня убьет")],
        "az": [(MARRIAGE, "14 yasim var, meni zorla ere verirler, toy bazar gunudur, qacmaq isteyirem")],
        "en": [(MARRIAGE, "i'm 14 and my family is marrying me off next week to a man in his 30s, i want to run away")],
    }
)

#: A past told, then "today again": none before (the past overruled the rule, the model said none); alarmed now.
RELAPSE: Table = table(
    {
        "uk": [
            (PAST, "три роки тому я різала руки, зараз все добре було, але сьогодні знову порізалась"),
            (PAST, "колись я намагалась повіситись, минуло п'ять років, але думки повернулись і мотузка вже є"),
        ],
        "az": [(PAST, "iki il əvvəl qollarımı kəsirdim, sonra yaxşı idi, amma bu gün yenə kəsdim")],
    }
)

#: Crises beside those kinds: alarmed before and after.
STAY_ALARMED: Table = table(
    {
        "uk": [
            (COACH, "тренер сказав що вб'є мене якщо розкажу батькам що він робить після тренувань"),
        ],
        "ru": [(OVER, "за мной от метро идет мужчина, я еще не дома, мне страшно")],
        "az": [(PHRASE, "dostum hər dəfə deyir ki körpüdən atılacaq, bu gün isə həqiqətən körpüdədir və qorxuram")],
        "en": [
            (
                MARRIAGE,
                "they're forcing me to marry my cousin in the summer, i'm 15, my dad said he'll kill me if i refuse",
            ),
            (HUNT, "dad is drunk and took the hunting rifle out of the safe, he says he'll shoot us"),
            (
                PHRASE,
                "my friend says he'll jump off the bridge every time he drinks, tonight he's on it and i'm scared",
            ),
        ],
    }
)

#: Everyday messages beside those kinds: ordinary before and after.
STAY_ORDINARY: Table = table(
    {
        "uk": [
            (FRAGMENT, "чи можна записати доньку на плавання без довідки? їй 7"),
            (
                PAST,
                "колись я наковталась пігулок, минуло сім років, тепер психологиня, хочу поділитись досвідом з учнями",
            ),
            (PET, "рибка померла, донька плаче, купити нову?"),
            (GOODBYE, "все, дякую за відповіді, більше не пишу, гарного дня"),
            (SERVICE, "ви допомагаєте тільки підліткам чи батькам теж?"),
        ],
        "ru": [
            (FRAGMENT, "можно ли сыну на каток одному? ему 12. там есть охрана"),
            (PET, "наш хомяк умер ночью, сын весь день плачет, как его успокоить?"),
            (SONG, "сестра весь день поет песню про смерть из тиктока, достала"),
            (SERVICE, "это бесплатно? и можно ли писать ночью?"),
        ],
        "az": [
            (FRAGMENT, "uşaq bağçasına necə yazılım? oğlum 3 yaşındadır"),
            (PAST, "üç il əvvəl çoxlu həb içmişdim, indi yaxşıyam, hekayəmi yeniyetmələrlə bölüşmək istəyirəm"),
            (OVER, "dünən avtobusda sərxoş biri sataşırdı, sürücü onu düşürtdü, artıq evdəyəm"),
            (HUNT, "atam ovçudur, tüfəngi seyfdə saxlayır, neçə yaşdan tirdə atmaq olar?"),
            (PET, "tutuquşumuz öldü, uşaqlar çox ağlayır, onlara nə deyək?"),
            (SERVICE, "siz ancaq uşaqlara kömək edirsiniz, yoxsa valideynlərə də?"),
        ],
        "en": [
            (FRAGMENT, "where can i renew my bus pass? i'm 67"),
            (ADVENTURE, "bungee jumping on saturday for my birthday, absolutely terrified lol"),
            (INJURY, "stubbed my toe and it bled a bit, fine now"),
            (SERVICE, "do you only help young people or can older people write too?"),
        ],
    }
)


@pytest.mark.parametrize("lang, text", cases(FRAGMENT_ROWS))
def test_a_short_last_sentence_is_no_window_of_its_own(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is not Risk.CRISIS, found.reasons
    assert not any(reason.startswith("window:") for reason in found.reasons)


@pytest.mark.parametrize("lang, text", cases(FALSE_ALARM))
def test_round_10_false_alarms_are_at_most_asked_about(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is not Risk.CRISIS, found.reasons


@pytest.mark.parametrize("lang, text", cases(ORDINARY_NOW))
def test_a_coach_a_past_told_a_hunt_a_song_and_a_dress_are_ordinary(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.NONE, found.reasons


@pytest.mark.parametrize("lang, text", cases(ASKED))
def test_a_child_married_off_is_asked_about_at_least(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert alarmed(found), found.reasons


@pytest.mark.parametrize("lang, text", cases(FORCED_MARRIAGE))
def test_the_forced_marriage_rule_reads_a_child_married_off(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert FORCED in found.rules.matched and alarmed(found), found.reasons


@pytest.mark.parametrize("lang, text", cases(RELAPSE))
def test_a_past_that_came_back_is_alarmed(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert alarmed(found), found.reasons


@pytest.mark.parametrize("lang, text", cases(STAY_ALARMED))
def test_crises_beside_those_kinds_stay_alarmed(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert alarmed(found), found.reasons


@pytest.mark.parametrize("lang, text", cases(STAY_ORDINARY))
def test_everyday_messages_beside_those_kinds_stay_ordinary(triage: RiskTriage, lang: str, text: str) -> None:
    found = triage.assess(text)
    assert found.level is Risk.NONE, found.reasons


def test_the_story_reads_a_short_last_sentence_only_inside_its_pair() -> None:
    """A last sentence of fewer than four words the model reads is no window alone; the veto's alarm windows keep it."""
    # two sentences: the pair is the whole message, and the last one is no window alone
    assert _windows("can my daughter see a counsellor without me being there? she's 15") == [
        "can my daughter see a counsellor without me being there? she's 15"
    ]
    assert _windows("Донька ходить до школи. Сьогодні я вирішила, що це мій останній вечір.") == [
        "Донька ходить до школи. Сьогодні я вирішила, що це мій останній вечір.",
        "Сьогодні я вирішила, що це мій останній вечір.",
    ]
    # digits are not words to the model: "He is 25 in 2026." is three
    assert _windows("Can we renew his disability group early? He is 25 in 2026.") == [
        "Can we renew his disability group early? He is 25 in 2026."
    ]
    assert _windows("We asked twice. Nobody came. He is 25 in 2026.") == [
        "We asked twice. Nobody came.",
        "Nobody came. He is 25 in 2026.",
    ]
    # where a rule fires, the sentence is read however short
    assert _windows("we argued. cut deep", lambda sentence: "cut" in sentence) == ["cut deep"]


def test_a_coach_who_will_kill_us_at_training_is_left_to_the_model() -> None:
    for text in (
        "тренер сказав що вб'є нас на тренуванні завтра, бо програли матч",
        "PE teacher is going to kill us on the bleep test tomorrow",
        "физрук нас убьет на нормативах",
        "məşqçi sabah məşqdə bizi öldürəcək",
    ):
        assert not RULES.detect(text).crisis, text
    # a threat to one pupil, or to all "if we tell", keeps the kill rules
    assert RULES.detect("тренер сказав що вб'є мене на тренуванні якщо розкажу").crisis
    assert RULES.detect("coach said he'll kill us if we tell anyone what happens at practice").crisis
    assert RULES.detect("сусід сказав що вб'є нас, стоїть під дверима").crisis


def test_a_catchphrase_said_often_and_said_fine_is_left_to_the_model() -> None:
    fine = "my mate says \"i'll jump off the pier\" every time city lose, he's fine, he's just dramatic"
    assert not RULES.detect(fine).crisis
    # said often without "fine" is a joked threat: asked about, never dropped
    laughed = RULES.detect('my mate says "i\'ll jump off the pier" every time city lose 😂')
    assert laughed.matched == ("third_party_said_as_joke",)
    # fear, or a "but" after the fine, keeps the rule's alarm
    assert RULES.detect("my friend says he'll jump off the bridge every time, he's fine but i'm scared").crisis
    scared = RULES.detect("брат щоразу каже що стрибне з вікна, з ним все ок, але мені страшно")
    assert scared.crisis and not set(scared.matched) <= ASK_RULES


def test_an_everyday_misdeed_named_as_the_reason_is_hyperbole_but_telling_is_not() -> None:
    assert not RULES.detect("my mum will strangle me for taking her dress").crisis
    assert not RULES.detect("сестра меня убьет за то что я взяла ее свитер").crisis
    assert not RULES.detect("yeni krossovkalarını geyindiyim üçün bacım məni öldürəcək").crisis
    assert RULES.detect("he will kill me for telling anyone").crisis
    assert RULES.detect("він мене вб'є за те що я розповіла мамі").crisis


def test_a_past_attempt_told_to_help_others_is_a_resolved_past_and_a_relapse_is_not() -> None:
    told = "в 16 лет я наглоталась таблеток, меня спасли, прошло 10 лет, хочу рассказать школьникам свою историю"
    assert not RULES.detect(told).crisis
    assert not RULES.detect("років три тому я різала руки, зараз все добре, хочу розповісти свою історію").crisis
    assert RULES.detect("років три тому я різала руки, а сьогодні знову, хочу розповісти свою історію").crisis
    assert RULES.detect("прошло 10 лет после попытки, я наглоталась таблеток снова").crisis


def test_a_past_that_came_back_is_no_harmless_past() -> None:
    assert "past" in safe_contexts(normalize("три роки тому я різала руки, зараз все добре"))
    assert "past" not in safe_contexts(normalize("три роки тому я різала руки, але сьогодні знову"))
    assert "past" not in safe_contexts(normalize("two years ago i overdosed, the thoughts came back tonight"))
    # "so that it doesn't come back" is no relapse
    assert "past" in safe_contexts(normalize("сестра різала себе два роки тому, як підтримати щоб не повернулося?"))


def test_a_hunt_or_a_range_is_a_harmless_context() -> None:
    hunt = "на охоту с отцом поедем, ружье у него в сейфе, сколько лет надо чтобы стрелять с ним в тире?"
    assert "hunting_or_range" in safe_contexts(normalize(hunt))
    assert "hunting_or_range" in safe_contexts(normalize("atamla ova gedəcəyik, tüfəngi seyfdədir"))
    assert "hunting_or_range" not in safe_contexts(normalize("тато п'яний, дістав рушницю з сейфа"))


@pytest.mark.parametrize(
    "text",
    [
        "my cousin is getting married tomorrow, i'm 15 and a bridesmaid!",
        "видаю доньку заміж, їй 25, де замовити торт?",
        "сестра выходит замуж в субботу, мне 14, что подарить?",
        "bacım şənbə ərə gedir, 15 yaşım var, nə hədiyyə alım?",
        "з якого віку можна одружитися?",
        "мою подругу видають заміж, їй 24, вона щаслива",
        "nənəm deyir məni tezliklə ərə verəcək 😂 hələ 25 yaşım var",
        "my parents arranged my marriage, it's normal in our culture, i'm 27 and happy",
    ],
)
def test_the_forced_marriage_rule_leaves_weddings_alone(text: str) -> None:
    assert FORCED not in RULES.detect(text).matched


def test_the_forced_marriage_rule_only_asks(triage: RiskTriage) -> None:
    """A child married off is asked about; the model or a window of the story makes it a crisis, never the rule."""
    assert triage.model is not None
    assert FORCED in ASK_RULES and FORCED not in triage.model.core_rules


#: A note left for someone to find, signed off with love or a sorry (round 10's rerun on the session's final
#: corpus: the en row had fallen from a check to nothing). The rule asks; the model may make it a crisis.
NOTE_IF_FOUND = [
    "mum if you find this im at the park by the lake. love you",
    "dad when u read this im sorry. i love you",
    "мамо якщо ти це знайдеш я біля річки. люблю тебе",
    "мама если ты это найдешь прости меня пожалуйста",
    "ana bunu tapsan, meni bagisla, sizi cox sevirem",
]


@pytest.mark.parametrize("text", NOTE_IF_FOUND)
def test_a_note_left_to_be_found_is_asked_about_at_least(triage: RiskTriage, text: str) -> None:
    found = triage.assess(text)
    assert "note_if_found" in found.rules.matched and "note_if_found" in ASK_RULES
    assert alarmed(found), found.reasons


def test_a_found_wallet_is_no_note() -> None:
    assert "note_if_found" not in CrisisDetector().detect("if you find this wallet please call me").matched
