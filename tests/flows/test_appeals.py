"""Citizens' appeals in the dialogue (issue 27, cherkasy-1545): the form, the number, the status in words,
and the limits on guessing numbers; on both stores."""

from __future__ import annotations

import re

import pytest

from vikno.flows import appeals as appeals_module
from vikno.flows.appeal_numbers import check_digit, digits_of, looks_like_number, new_number, normalize
from vikno.flows.appeals import USER_ATTEMPTS
from vikno.flows.engine import Engine
from vikno.flows.messages import Inbound, Kind
from vikno.storage.models import Appeal, utcnow

from .conftest import Clock, intent

LINE = "cherkasy-1545"
NUMBER = re.compile(r"\d{4}-\d{4}-\d{4}-\d{4}")


@pytest.fixture
def clock() -> Clock:
    """Now, not the suite's fixed day: MongoDB forgets login attempts a day after their time (a TTL index),
    and the attempts counted here must live while the test runs (the line is open at every hour anyway)."""
    return Clock(utcnow())


def msg(user: str, body: str | None = None, button: str | None = None, channel: str = "telegram", **kw) -> Inbound:
    if button is not None:
        return Inbound(channel=channel, user_id=user, button=button, kind=Kind.BUTTON, helpline=LINE, **kw)
    return Inbound(channel=channel, user_id=user, text=body, helpline=LINE, **kw)


async def register(engine: Engine, user: str = "citizen-1", topic: str = "communal", lang: str = "uk") -> str:
    """Through the form by buttons; the number the citizen was given."""
    await engine.handle(msg(user, "Добрий день", locale=lang))
    asked = await engine.handle(msg(user, button="topic:appeal"))
    assert f"appeal:topic:{topic}" in [b.payload for b in asked.replies[0].buttons]
    await engine.handle(msg(user, button=f"appeal:topic:{topic}"))
    done = await engine.handle(
        msg(user, "Третій тиждень немає гарячої води в будинку на вул. Смілянській 5, прошу втрутитися")
    )
    found = NUMBER.search(done.replies[0].text)
    assert found, done.replies[0].text
    return found.group(0)


def test_numbers_are_sixteen_digits_with_a_check_digit_typed_any_way() -> None:
    number = new_number()
    digits = number.replace("-", "")
    assert len(digits) == 16 and digits.isdigit() and check_digit(digits[:15]) == digits[15]
    for typed in (number, digits, number.replace("-", " "), f"№ {number}", f"#{digits}", number.replace("-", ".")):
        assert normalize(typed) == number and looks_like_number(typed), typed
    for i in range(16):  # every single mistyped digit is caught before any lookup
        for d in "0123456789":
            if d != digits[i]:
                assert normalize(digits[:i] + d + digits[i + 1 :]) is None
    for i in range(15):  # and every swap of two different neighbours
        if digits[i] != digits[i + 1]:
            assert normalize(digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]) is None
    assert not looks_like_number("+380 50 123 45 67") and digits_of("+380501234567") is None  # phones never
    assert not looks_like_number(f"мій номер {number}") and not looks_like_number("1234")


def test_a_drafts_number_is_a_number_with_its_check_digit_and_the_same_for_the_same_bytes() -> None:
    import hashlib

    from vikno.flows.appeal_numbers import number_of

    made = [number_of(hashlib.sha256(str(n).encode()).digest()) for n in range(200)]
    assert all(normalize(m) == m for m in made) and len(set(made)) == 200
    assert number_of(hashlib.sha256(b"7").digest()) == made[7]
    with pytest.raises(ValueError):
        number_of(b"short")


async def test_a_citizen_registers_an_appeal_routed_to_its_authority_and_gets_a_number(engine: Engine) -> None:
    number = await register(engine)
    (appeal,) = await engine.store.appeals.of_helplines([LINE])
    assert appeal.topic == "communal" and appeal.authority == "community" and appeal.status == "registered"
    assert "гарячої води" in appeal.text and appeal.number_tail == number[-4:] and appeal.channel == "telegram"
    assert number not in str(appeal) and number.replace("-", "") not in str(appeal)  # only its keyed hash
    assert await engine.store.appeals.by_number(LINE, engine.appeals.number_hash(number)) == appeal
    counted = await engine.store.events.count_by("kind", helpline=LINE, kind="appeal_registered")
    assert counted == {"appeal_registered": 1}


async def test_the_status_is_told_in_plain_words_from_another_channel_in_the_citizens_language(
    engine: Engine,
) -> None:
    number = await register(engine)
    (appeal,) = await engine.store.appeals.of_helplines([LINE])
    now = engine.clock()
    appeal, _ = await engine.appeals.set_status(appeal, "sent", operator_id="op-1", note="лист вих. 17/3", now=now)
    await engine.appeals.set_status(appeal, "answered", operator_id="op-1", note="Олена: відповідь є", now=now)
    asked = await engine.handle(msg("en-person", number.replace("-", " "), channel="viber", locale="en"))
    said = asked.replies[0].text
    assert said.startswith(f"Appeal No. {number}: answered") and "territorial community" in said
    assert "Олена" not in said and "17/3" not in said and "op-1" not in said
    ru = await engine.handle(msg("ru-person", button="topic:appeal_status", channel="webchat", locale="ru"))
    assert ru.replies[0].text.startswith("Напишите номер вашего обращения")
    told = await engine.handle(msg("ru-person", f"№{number}", channel="webchat"))
    assert told.replies[0].text.startswith(f"Обращение № {number}: орган власти")


async def test_a_wrong_number_is_told_and_guessing_is_limited_per_person_and_per_line(engine: Engine) -> None:
    number = await register(engine)
    digits = number.replace("-", "")
    typo = digits[:3] + str((int(digits[3]) + 1) % 10) + digits[4:]
    said = await engine.handle(msg("guesser", typo))
    assert said.replies[0].text.startswith("У номері, схоже, помилка")  # the check digit: no attempt counted
    guesses = [new_number() for _ in range(USER_ATTEMPTS)]
    for guess in guesses:
        said = await engine.handle(msg("guesser", guess))
        assert said.replies[0].text.startswith("Звернення з таким номером не знайдено")
    limited = await engine.handle(msg("guesser", number))  # even the right number, once limited
    assert limited.replies[0].text.startswith("Забагато спроб") and "15-45" in limited.replies[0].text
    ceiling = appeals_module.GLOBAL_ATTEMPTS_PER_HOUR
    appeals_module.GLOBAL_ATTEMPTS_PER_HOUR = 6 + USER_ATTEMPTS  # the line's ceiling, lowered to keep it short
    try:
        for n in range(8):
            await engine.handle(msg(f"many-{n}", new_number()))
        fresh = await engine.handle(msg("honest", number))
    finally:
        appeals_module.GLOBAL_ATTEMPTS_PER_HOUR = ceiling
    assert fresh.replies[0].text.startswith("Забагато спроб")
    elsewhere = await engine.handle(Inbound(channel="telegram", user_id="honest", text=number))  # line 1620
    assert "Звернення №" not in elsewhere.replies[0].text  # a number is its own line's


async def test_cancel_and_a_short_text_and_a_number_in_the_form(engine: Engine) -> None:
    user = "citizen-2"
    await engine.handle(msg(user, "Добрий день"))
    await engine.handle(msg(user, button="topic:appeal"))
    typed = await engine.handle(msg(user, "2"))  # the second topic, typed
    assert typed.replies[0].text.startswith("Опишіть ситуацію")
    short = await engine.handle(msg(user, "вода"))
    assert short.replies[0].text.startswith("Напишіть, будь ласка, трохи докладніше")
    done = await engine.handle(msg(user, "немає з понеділка, вулиця Шевченка 3"))
    assert NUMBER.search(done.replies[0].text)
    (appeal,) = await engine.store.appeals.of_helplines([LINE])
    assert appeal.text == "вода\nнемає з понеділка, вулиця Шевченка 3"
    await engine.handle(msg(user, button="topic:appeal"))
    cancelled = await engine.handle(msg(user, "скасувати"))
    assert cancelled.replies[0].text.startswith("Звернення не зареєстровано")
    assert len(await engine.store.appeals.of_helplines([LINE])) == 1


@pytest.mark.parametrize("lang", ["uk", "ru", "en"])
async def test_every_language_of_the_line_has_every_status(engine: Engine, lang: str) -> None:
    line = engine.helplines[LINE]
    for status in ("registered", "sent", "answered", "closed"):
        appeal = Appeal(
            helpline=LINE, number_hash="h", number_tail="0000", topic="health", authority="health", text="t"
        )
        appeal.status = status
        from vikno.flows.appeals import told_status

        said = told_status(line, appeal, "1111-2222-3333-4444", lang)
        assert "1111-2222-3333-4444" in said and "{" not in said


@pytest.mark.parametrize("risk", ["check", "crisis"])
async def test_a_possible_crisis_in_the_appeals_words_gets_safety_first_and_the_appeal_still_registered(
    engine: Engine, risk: str
) -> None:
    from vikno.flows.content import Helpline  # noqa: F401  (the scripted NLU below stands for the model)
    from vikno.nlu.types import FALLBACK_INTENT, Parse

    words = "Третій тиждень без опалення, діти хворіють, допоможіть, більше не можу"
    engine.nlu.table[words] = Parse(
        text=words, language="uk", intent=FALLBACK_INTENT, confidence=0.2, risk=risk, crisis_score=0.6
    )
    user = f"cold-{risk}"
    await engine.handle(msg(user, "Добрий день"))
    await engine.handle(msg(user, button="topic:appeal"))
    await engine.handle(msg(user, button="appeal:topic:communal"))
    said = await engine.handle(msg(user, words))
    texts = [r.text for r in said.replies]
    assert "112" in texts[0]  # safety first: the numbers lead
    assert NUMBER.search(texts[-1]) and texts[-1].startswith("Ваше звернення зареєстровано")
    assert said.conversation.state == "waiting"
    (appeal,) = await engine.store.appeals.of_helplines([LINE])
    assert appeal.text == words and appeal.authority == "community"


@pytest.mark.parametrize(
    ("first", "form"),
    [
        ("хочу подати звернення", True),
        ("Добрий день, як мені написати звернення щодо ремонту дороги?", True),
        ("хочу подать звернення", True),  # surzhyk
        ("хочу подать обращение", True),
        ("I want to file an appeal", True),
        ("khochu podaty zvernennia", True),
        ("який статус мого звернення", False),
        ("що з моїм зверненням?", False),
        ("статус обращения", False),
        ("what is the status of my appeal", False),
        # what else a citizen types (native reading, issue 27): a complaint is an appeal; the number, the answer
        ("хочу поскаржитися на керуючу компанію", True),
        ("Як подати скаргу на лікарню?", True),
        ("хочу пожаловаться на ЖЭК", True),
        ("I want to make a complaint about the roads", True),
        ("у мене є номер звернення, що там?", False),
        ("коли буде відповідь на моє звернення", False),
        ("где мое обращение?", False),
        ("where is my appeal", False),
    ],
)
async def test_an_appeal_or_its_status_asked_for_in_words_as_a_first_message(
    engine: Engine, first: str, form: bool
) -> None:
    """Typed, not tapped: "хочу подати звернення" opens the form, "статус мого звернення" asks for the number
    (the NLU has no appeal intent; the topics' phrases say it)."""
    replies = (await engine.handle(msg("writer", first))).replies
    assert len(replies) == 2 and "15-45" in replies[0].text  # the greeting, then what was asked for
    reply = replies[1]
    if form:
        assert "appeal:topic:communal" in [b.payload for b in reply.buttons], reply.text
    else:
        assert "16" in reply.text and not any(b.payload.startswith("appeal:topic:") for b in reply.buttons)


async def test_an_old_button_in_the_appeal_form_is_answered_and_the_form_comes_back_with_its_answers(
    engine: Engine,
) -> None:
    """The report form's keep-and-come-back, for the appeal form too (session 15): any other button (the menu, a
    topic, a person, the chat opened again) dropped the appeal without a word, and what the citizen had chosen
    and written was gone."""
    user = "keeps-appeal"
    await engine.handle(msg(user, "Добрий день"))
    await engine.handle(msg(user, button="topic:appeal"))
    await engine.handle(msg(user, button="appeal:topic:communal"))
    short = await engine.handle(msg(user, "Нема води"))  # a few words: asked once for more, and kept
    assert short.replies[0].text.startswith("Напишіть, будь ласка, трохи докладніше")
    menu = await engine.handle(msg(user, button="menu"))
    assert menu.replies[0].text.startswith("Оберіть тему")
    back = menu.replies[-1]
    assert back.text.startswith("Ваше звернення ще не зареєстроване. Продовжимо з того місця, де ви зупинилися:\n")
    assert "Опишіть ситуацію одним повідомленням" in back.text
    assert [b.payload for b in back.buttons] == ["appeal:cancel"]
    queued = await engine.handle(msg(user, button="person"))
    assert queued.conversation.state == "waiting"
    returned = await engine.handle(msg(user, button="cancel_waiting"))
    assert returned.conversation.state == "bot" and returned.replies[-1].text == back.text
    opened = await engine.handle(Inbound(channel="telegram", user_id=user, kind=Kind.START, helpline=LINE))
    assert [r.text for r in opened.replies] == [back.text]
    done = await engine.handle(msg(user, "Третій тиждень у будинку на вул. Смілянській 5, прошу втрутитися"))
    assert NUMBER.search(done.replies[0].text)
    appeal = (await engine.store.appeals.of_helplines([LINE]))[0]
    assert appeal.topic == "communal" and appeal.text.startswith("Нема води\nТретій тиждень")


@pytest.mark.parametrize(
    ("typed", "topic"),
    [("²", None), ("³", None), ("①", None), ("①②③", None), ("2", "communal"), ("٢", "communal"), ("２", "communal")],
)
async def test_a_digit_typed_at_the_appeal_topic_is_its_topic_or_the_question_again(
    engine: Engine, typed: str, topic: str | None
) -> None:
    """Outside attack: "²" or "①" typed at "what is it about?" was an HTTP 500 (the report form's ``match``)."""
    user = "odd-topic"
    await engine.handle(msg(user, "Добрий день"))
    asked = await engine.handle(msg(user, button="topic:appeal"))
    said = await engine.handle(msg(user, typed))
    draft = (await engine.find("telegram", user, LINE)).data["appeal_draft"]
    assert draft.get("topic") == topic
    if topic is None:
        assert said.replies[-1].text == asked.replies[-1].text
    else:
        assert said.replies[0].text.startswith("Опишіть ситуацію")


async def _at_the_last_text(engine: Engine, user: str) -> None:
    await engine.handle(msg(user, "Добрий день"))
    await engine.handle(msg(user, button="topic:appeal"))
    await engine.handle(msg(user, button="appeal:topic:communal"))


WORDS = "Третій тиждень немає гарячої води в будинку на вул. Смілянській 5, прошу втрутитися"


async def test_the_last_text_sent_twice_to_two_workers_registers_one_appeal(engine: Engine, other, clock) -> None:
    """Outside attack: the appeal's last text sent twice at once, each to its own worker on one store (one MongoDB,
    one SQLite folder), registered two appeals with two numbers. The second worker here still holds the
    conversation as it was before the first one's commit (its own recent copy)."""
    from vikno.flows.content import load_helplines, shipped_helpline_folders
    from vikno.storage.identity import IdentityVault

    helplines = load_helplines(shipped_helpline_folders())
    second = Engine(other, IdentityVault(b"test-secret-key-0123456789"), helplines, engine.nlu, clock=clock)
    user = "sent-twice"
    await _at_the_last_text(second, user)
    first = await engine.handle(msg(user, WORDS))
    again = await second.handle(msg(user, WORDS))
    numbers = {n for turn in (first, again) for r in turn.replies for n in NUMBER.findall(r.text)}
    assert len(numbers) == 1
    (appeal,) = await engine.store.appeals.of_helplines([LINE])
    assert appeal.number_hash == engine.appeals.number_hash(numbers.pop())
    counted = await engine.store.events.count_by("kind", helpline=LINE, kind="appeal_registered")
    assert counted == {"appeal_registered": 1}


async def test_an_appeal_registered_by_a_worker_killed_before_its_turn_is_told_with_its_own_number(
    engine: Engine, other, clock
) -> None:
    """`kill -9` after the appeal was stored and before the citizen's turn was: the draft was still open, and the
    text sent again registered a second appeal with another number. It now finds the appeal and its number, and
    the event the killed worker never wrote is written by the retry's turn."""
    from vikno.flows.content import load_helplines, shipped_helpline_folders
    from vikno.storage.identity import IdentityVault

    user = "killed"
    await _at_the_last_text(engine, user)
    conv = await engine.find("telegram", user, LINE)
    draft = conv.data["appeal_draft"]
    made = await engine.appeals.register(  # what the killed worker did before it died
        engine.helplines[LINE],
        topic="communal",
        text=WORDS,
        channel="telegram",
        language="uk",
        conversation_id=conv.id,
        now=clock(),
        seed=f"{conv.id}/{draft['id']}",
    )
    helplines = load_helplines(shipped_helpline_folders())
    restarted = Engine(other, IdentityVault(b"test-secret-key-0123456789"), helplines, engine.nlu, clock=clock)
    retry = await restarted.handle(msg(user, WORDS))
    assert NUMBER.findall(retry.replies[0].text) == [made.number]
    assert [a.id for a in await engine.store.appeals.of_helplines([LINE])] == [made.appeal.id]
    assert "appeal_draft" not in (await engine.find("telegram", user, LINE)).data
    # the killed worker's event was never written: the retry's turn writes it, once (the figures count by it)
    counted = await engine.store.events.count_by("kind", helpline=LINE, kind="appeal_registered")
    assert counted == {"appeal_registered": 1}


@pytest.mark.parametrize("lang", ["uk", "en"])
async def test_a_long_appeal_is_kept_to_its_limit_and_the_citizen_is_told(engine: Engine, lang: str) -> None:
    """Outside attack: an appeal's text was cut at 4,000 characters without a word; the citizen believed the whole
    letter had gone to the authority. It is kept to the limit and the citizen is told, in the report form's words
    for the cut ("text_shortened") and the appeal's own for what to do with the rest."""
    user = f"long-letter-{lang}"
    letter = "Третій тиждень немає гарячої води в будинку на вул. Смілянській 5, діти хворіють. " * 60
    assert len(letter.strip()) > 4000
    await engine.handle(msg(user, "Добрий день", locale=lang))
    if lang != "uk":
        await engine.handle(msg(user, button=f"lang:{lang}"))
    await engine.handle(msg(user, button="topic:appeal"))
    await engine.handle(msg(user, button="appeal:topic:communal"))
    done = await engine.handle(msg(user, letter))
    said = done.replies[0].text
    lead, registered = said.split("\n", 1)
    assert (
        lead
        == {
            "uk": "Ваш текст довгий, тож ми зберегли перші 4000 символів. "
            "Те, що не вмістилося, можна надіслати окремим зверненням.",
            "en": "Your text was long, so we kept the first 4000 characters. "
            "Anything that didn't fit you can send as another appeal.",
        }[lang]
    )
    assert NUMBER.search(registered) and registered.startswith(("Ваше звернення зареєстровано", "Your appeal is"))
    (appeal,) = await engine.store.appeals.of_helplines([LINE])
    assert appeal.text == letter.strip()[:4000].rstrip()  # (the 4000th is a space between words)
    short = await engine.handle(msg("short-letter", button="topic:appeal"))
    await engine.handle(msg("short-letter", button="appeal:topic:communal"))
    short = await engine.handle(msg("short-letter", WORDS))
    assert short.replies[0].text.startswith("Ваше звернення зареєстровано")  # nothing cut: nothing said


async def test_an_old_topic_button_at_describe_the_situation_changes_the_topic_says_so_and_keeps_the_words(
    engine: Engine,
) -> None:
    """Outside attack: another topic pressed under "what is it about?" once the appeal was at "describe the
    situation" was ignored without a word: the appeal kept the first topic (and went to its authority). The
    press is the citizen changing their mind: the topic changes, and they are told; what they wrote is kept."""
    line = engine.helplines[LINE]
    health = line.local(line.appeal_topic("health").title, "uk")
    user = "changes-mind"
    await engine.handle(msg(user, "Добрий день"))
    await engine.handle(msg(user, button="topic:appeal"))
    await engine.handle(msg(user, button="appeal:topic:communal"))
    await engine.handle(msg(user, "Нема ліків"))  # a few words: asked once for more, and kept
    changed = await engine.handle(msg(user, button="appeal:topic:health"))
    (said,) = changed.replies
    assert said.text == (
        f"Гаразд, тепер тема звернення — «{health}». Те, що ви вже написали, збережено.\n"
        "Напишіть, будь ласка, трохи докладніше: що сталося і чого ви просите."
    )
    assert [b.payload for b in said.buttons] == ["appeal:cancel"]
    again = await engine.handle(msg(user, button="appeal:topic:health"))  # pressed twice: said again, no harm
    assert again.replies[0].text == said.text
    done = await engine.handle(msg(user, "У лікарні на вул. Гоголя 3 другий тиждень немає інсуліну для діабетиків"))
    assert NUMBER.search(done.replies[0].text)
    (appeal,) = await engine.store.appeals.of_helplines([LINE])
    assert appeal.topic == "health" and appeal.authority == line.appeal_topic("health").authority
    assert appeal.text.startswith("Нема ліків\nУ лікарні")


async def test_another_topic_before_any_words_changes_it_and_asks_for_the_words(engine: Engine) -> None:
    line = engine.helplines[LINE]
    health = line.local(line.appeal_topic("health").title, "en")
    user = "changes-mind-early"
    await engine.handle(msg(user, "Hello there", locale="en"))
    await engine.handle(msg(user, button="lang:en"))
    await engine.handle(msg(user, button="topic:appeal"))
    await engine.handle(msg(user, button="appeal:topic:communal"))
    changed = await engine.handle(msg(user, button="appeal:topic:health"))
    lead, question = changed.replies[0].text.split("\n", 1)
    assert lead == f"Okay, the appeal's topic is now “{health}”."
    assert question.startswith("Describe the situation in one message")
    assert (await engine.find("telegram", user, LINE)).data["appeal_draft"]["topic"] == "health"


async def test_words_typed_at_the_topic_question_are_kept_in_the_appeal(engine: Engine) -> None:
    """Session 16's attack: a citizen who described the problem at "what is it about?" and then pressed a topic
    had that description dropped (the appeal kept only what came after). Now it is the appeal's first words."""
    user = "words-first"
    await engine.handle(msg(user, "Добрий день"))
    await engine.handle(msg(user, button="topic:appeal"))
    first = "У під'їзді на Смілянській 5 третій місяць не працює ліфт, мама на візку не може вийти"
    again = await engine.handle(msg(user, first))
    assert again.replies[-1].text.startswith("Те, що ви вже написали, збережено.\nПро що ваше звернення?")
    asked = await engine.handle(msg(user, button="appeal:topic:communal"))
    assert asked.replies[0].text.startswith("Те, що ви вже написали, збережено.\nОпишіть ситуацію")
    await engine.handle(msg(user, "Прошу направити комісію. Олена, 0501234567"))
    (appeal,) = await engine.store.appeals.of_helplines([LINE])
    assert appeal.text == f"{first}\nПрошу направити комісію. Олена, 0501234567"


async def test_the_number_inside_a_sentence_where_it_was_asked_for_tells_the_status(engine: Engine) -> None:
    """Where the number was asked for, "мій номер 4821-…, дякую" (three words and more) was taken for a
    question: the number step ended and the status was not told. Unasked, a sentence's sixteen digits stay a
    sentence (a bank card's number is sixteen digits too)."""
    number = await register(engine)
    await engine.handle(msg("asks-in-words", button="topic:appeal_status", locale="uk"))
    told = await engine.handle(msg("asks-in-words", f"мій номер звернення {number}, дякую"))
    assert told.replies[0].text.startswith(f"Звернення № {number}:")
    unasked = await engine.handle(msg("card-holder", f"у мене заблокували картку {number}, що робити", locale="uk"))
    assert "Звернення №" not in unasked.replies[0].text


@pytest.mark.parametrize("typed", ["коммунальные услуги", "housing and utilities"])
async def test_a_topic_typed_in_another_language_of_the_line_is_that_topic(engine: Engine, typed: str) -> None:
    """Session 16's attack: "коммунальные услуги" typed in a Ukrainian form (the form keeps its language) was
    kept as the appeal's words and the topic asked again without a word: the titles were read in one language."""
    user = f"other-language-{len(typed)}"
    await engine.handle(msg(user, "Добрий день"))
    await engine.handle(msg(user, button="topic:appeal"))
    asked = await engine.handle(msg(user, typed))
    assert asked.replies[0].text.startswith("Опишіть ситуацію")
    await engine.handle(msg(user, "Третій тиждень немає гарячої води в будинку, прошу втрутитися"))
    (appeal,) = await engine.store.appeals.of_helplines([LINE])
    assert appeal.topic == "communal" and appeal.text == "Третій тиждень немає гарячої води в будинку, прошу втрутитися"


async def test_a_description_that_names_the_topic_is_kept_and_a_title_typed_later_changes_the_topic(
    engine: Engine,
) -> None:
    """Session 17's attack: at "what is it about?" a whole description naming the topic ("коммунальные службы
    не отвечают…") chose the topic and was dropped; at "describe the situation" a topic's title typed
    ("Здравоохранение") was registered as the appeal's whole text."""
    user = "describes-first"
    await engine.handle(msg(user, "Добрий день"))
    await engine.handle(msg(user, button="topic:appeal"))
    first = "Коммунальные услуги: третью неделю нет отопления в доме на Смелянской 5"
    asked = await engine.handle(msg(user, first))
    assert asked.replies[0].text.startswith("Те, що ви вже написали, збережено.\nОпишіть ситуацію")
    await engine.handle(msg(user, "Прошу направити комісію"))
    (appeal,) = await engine.store.appeals.of_helplines([LINE])
    assert appeal.topic == "communal" and appeal.text == f"{first}\nПрошу направити комісію"

    user = "changes-topic"
    await engine.handle(msg(user, "Добрий день"))
    await engine.handle(msg(user, button="topic:appeal"))
    await engine.handle(msg(user, button="appeal:topic:communal"))
    changed = await engine.handle(msg(user, "Здравоохранение"))
    assert "Охорона здоров" in changed.replies[0].text and len(await engine.store.appeals.of_helplines([LINE])) == 1


async def test_status_asked_with_the_number_in_the_same_words_is_told_at_once(engine: Engine) -> None:
    """Session 17's attack: "статус мого звернення 7608-…" was understood as "status of my appeal" and the
    number it had just given was asked for."""
    number = await register(engine)
    asking = f"статус мого звернення {number}"
    engine.nlu.table[asking] = intent(asking, "appeal_status")[1]
    told = await engine.handle(msg("asks-at-once", asking, locale="uk"))  # a first message: the welcome first
    assert told.replies[-1].text.startswith(f"Звернення № {number}:")


async def test_a_word_of_the_appeal_s_own_topic_at_describe_the_situation_is_no_change_of_topic(
    engine: Engine,
) -> None:
    """A title typed at "describe the situation" changes the topic; a word of the topic already chosen
    ("комунальні" in a communal appeal) is the citizen's words, asked for more as any short text."""
    user = "own-topic-word"
    await engine.handle(msg(user, "Добрий день"))
    await engine.handle(msg(user, button="topic:appeal"))
    await engine.handle(msg(user, button="appeal:topic:communal"))
    said = await engine.handle(msg(user, "комунальні"))
    assert "тепер тема звернення" not in said.replies[0].text
