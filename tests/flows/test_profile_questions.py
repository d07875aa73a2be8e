"""The optional age-group and gender questions (issue 26): asked only when nothing waits for them, always skippable.

On both stores (``any_store`` under the engine fixture); a conversation's
answers are events only, and the figures count them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from vikno.flows.content import ProfileSettings
from vikno.flows.engine import Engine
from vikno.flows.messages import Inbound, Kind, Turn
from vikno.handoff.accounts import create_operator
from vikno.handoff.service import Handoff
from vikno.storage.figures import Period
from vikno.handoff.console.views import message_view
from vikno.storage.models import PROFILE_ANSWER, State
from vikno.storage.port import Store

from .conftest import ScriptedNLU, intent
from .test_content import edit, line, problems  # noqa: F401  (line is a fixture)
from .test_engine import payloads, press, text

AGE = ["profile:age_group:child", "profile:age_group:adult", "profile:skip"]
GENDER = ["profile:gender:female", "profile:gender:male", "profile:gender:other", "profile:skip"]
CRISIS = "не хочу більше жити"
CHECK = "мені страшно, він знову прийде"


@pytest.fixture
def nlu() -> ScriptedNLU:
    return ScriptedNLU(
        dict(
            [
                intent("де взяти крісло колісне", "disability"),
                intent("хочу поговорити з людиною", "human_handoff"),
                intent("дякую", "thanks"),
                intent("спасибо", "thanks", language="ru"),
                intent("sağ olun, təşəkkür edirəm", "thanks", language="az"),
                intent("thank you so much", "thanks", language="en"),
                intent("до побачення", "goodbye"),
                intent("привіт", "greet"),
                intent(CRISIS, "nlu_fallback", confidence=0.2, crisis=True, crisis_score=0.97),
                intent(CHECK, "nlu_fallback", confidence=0.2, risk="check", crisis_score=0.6),
            ]
        )
    )


def ask(engine: Engine, how: str) -> None:
    shipped = engine.helplines["community-1620"]
    shipped.settings = shipped.settings.model_copy(update={"profile_questions": ProfileSettings(ask=how)})


async def thank(engine: Engine, user: str, thanks: str = "дякую", **kw: str) -> Turn:
    """A hello, then thanks: the end of a short conversation (a first message is always greeted)."""
    await engine.handle(text(user, "привіт", **kw))
    return await engine.handle(text(user, thanks, **kw))


def asked(turn: Turn) -> bool:
    return any(p.startswith("profile:") for p in payloads(turn))


async def test_the_shipped_line_asks_at_the_end_and_the_answers_are_events(engine: Engine, any_store: Store) -> None:
    hello = await engine.handle(text("p1", "привіт"))
    assert not asked(hello)  # the shipped line never asks at the start
    answer = await engine.handle(text("p1", "де взяти крісло колісне"))
    assert not asked(answer)  # nor after an answer: the person may have more to ask
    thanks = await engine.handle(text("p1", "дякую"))
    assert thanks.replies[0].text.startswith("Будь ласка")  # the thanks is answered first
    question = thanks.replies[-1]
    assert "можна пропустити" in question.text and question.text.endswith("Вік того, хто пише:")
    assert [b.payload for b in question.buttons] == AGE
    assert [b.title for b in question.buttons] == ["до 18", "18 і старше", "Пропустити"]
    age = await engine.handle(press("p1", "profile:age_group:adult"))
    assert age.replies[0].text == "Стать:" and payloads(age) == GENDER
    gender = await engine.handle(press("p1", "profile:gender:female"))
    assert gender.replies[0].text.startswith("Дякуємо") and "topic:disability" in payloads(gender)
    assert await engine.handle(text("p1", "до побачення")) and not asked(await engine.handle(text("p1", "дякую")))
    conv = await engine.find("rest", "p1")
    assert await any_store.events.count_by("kind", kind="profile_answered") == {"profile_answered": 2}
    assert "adult" not in str(conv.data) and "female" not in str(conv.data)  # the answer is the event only
    pressed = [m for m in await engine.history(conv) if m.direction == "in" and m.kind == PROFILE_ANSWER]
    assert len(pressed) == 2 and all(m.text is None and m.buttons == [] for m in pressed)  # nor in the chat
    assert message_view(pressed[0], "en")["text"] == (
        "[an answer to the optional age or gender question: counted in the figures only]"
    )
    assert await any_store.events.count_by("topic", kind="profile_answered") == {None: 2}  # tied to no topic
    found = await any_store.figures(Period("community-1620", date(2026, 11, 1), date(2026, 11, 30), "Europe/Kyiv"))
    assert found.by_age_group == {"adult": 1} and found.by_gender == {"female": 1}


async def test_the_figures_count_an_answered_conversation_and_the_rest_as_unknown(
    engine: Engine, any_store: Store
) -> None:
    for user, age, gender in (("f1", "child", "male"), ("f2", "adult", None), ("f3", None, None)):
        await engine.handle(text(user, "де взяти крісло колісне"))
        await engine.handle(text(user, "дякую"))
        if age is None:
            await engine.handle(press(user, "profile:skip"))
            continue
        await engine.handle(press(user, f"profile:age_group:{age}"))
        await engine.handle(press(user, f"profile:gender:{gender}") if gender else text(user, "пропустити"))
    found = await any_store.figures(Period("community-1620", date(2026, 11, 1), date(2026, 11, 30), "Europe/Kyiv"))
    assert found.conversations == 3
    assert found.by_age_group == {"adult": 1, "child": 1, "unknown": 1}
    assert found.by_gender == {"male": 1, "unknown": 2}
    events = await any_store.events.count_by("kind", kind="profile_answered")
    assert events == {"profile_answered": 3}  # a skip writes nothing


async def test_start_asks_after_a_greeting_that_says_nothing_yet(engine: Engine) -> None:
    ask(engine, "start")
    hello = await engine.handle(text("s1", "Добрий день"))
    assert hello.replies[0].text.startswith("Вітаємо") and "topic:disability" in payloads(hello)  # the menu first
    assert [b.payload for b in hello.replies[-1].buttons] == AGE
    start = await engine.handle(Inbound(channel="telegram", user_id="s2", text="/start", kind=Kind.START))
    assert [b.payload for b in start.replies[-1].buttons] == AGE


async def test_start_never_stands_before_an_opening_question_and_asks_at_the_end_instead(engine: Engine) -> None:
    ask(engine, "start")
    answer = await engine.handle(text("s3", "де взяти крісло колісне"))
    assert "крісел колісних" in answer.replies[1].text and not asked(answer)
    thanks = await engine.handle(text("s3", "дякую"))
    assert [b.payload for b in thanks.replies[-1].buttons] == AGE
    unclear = await engine.handle(text("s4", "мені потрібна допомога з пенсією"))  # not understood: greeted
    assert unclear.replies[0].text.startswith("Вітаємо") and not asked(unclear)  # but it may hold trouble


async def test_never_asks_nothing(engine: Engine) -> None:
    ask(engine, "never")
    assert not asked(await engine.handle(text("n1", "Добрий день")))
    assert not asked(await engine.handle(text("n1", "дякую")))
    forged = await engine.handle(press("n1", "profile:age_group:child"))
    assert forged.replies[0].text.startswith("Оберіть тему")


@pytest.mark.parametrize("first", [CRISIS, CHECK])
async def test_a_crisis_at_the_start_never_gets_the_question_in_that_conversation(
    engine: Engine, any_store: Store, first: str
) -> None:
    ask(engine, "start")
    turn = await engine.handle(text("c1", first))
    assert not asked(turn) and turn.conversation.state == State.WAITING
    conv = await engine.find("rest", "c1")
    conv.state, conv.priority, conv.enqueued_at = State.CLOSED, None, None  # as an operator's close leaves it
    conv.data.clear()  # even with the console's risk marks gone, the conversation remembers: no question
    conv.data["profile"] = (await engine.find("rest", "c1")).data["profile"]
    await any_store.conversations.save(conv)
    engine._recent.forget(conv)
    for later in (text("c1", "Добрий день"), text("c1", "дякую"), text("c1", "до побачення")):
        assert not asked(await engine.handle(later))
    forged = await engine.handle(press("c1", "profile:age_group:child"))
    assert not asked(forged)
    assert await any_store.events.count_by("kind", kind="profile_answered") == {}


async def test_a_crisis_while_the_question_is_open_closes_it(engine: Engine, any_store: Store) -> None:
    ask(engine, "start")
    await engine.handle(text("c2", "Добрий день"))
    crisis = await engine.handle(text("c2", CRISIS))
    assert "112" in crisis.replies[0].text and not asked(crisis)
    late = await engine.handle(press("c2", "profile:age_group:child"))  # the old button, pressed in the queue
    assert late.conversation.state == State.WAITING and not asked(late)
    assert await any_store.events.count_by("kind", kind="profile_answered") == {}


async def test_skip_by_writing_something_else_answers_what_was_written(engine: Engine, any_store: Store) -> None:
    ask(engine, "start")
    await engine.handle(text("k1", "Добрий день"))
    answer = await engine.handle(text("k1", "де взяти крісло колісне"))
    assert "крісел колісних" in answer.replies[0].text and answer.conversation.topic == "disability"
    assert not asked(answer)
    assert not asked(await engine.handle(text("k1", "дякую")))  # asked once per conversation: a skip counts
    assert await any_store.events.count_by("kind", kind="profile_answered") == {}


async def test_writing_to_a_person_or_a_crisis_word_while_asked_is_never_held_up(engine: Engine) -> None:
    ask(engine, "start")
    await engine.handle(text("k2", "Добрий день"))
    person = await engine.handle(text("k2", "хочу поговорити з людиною"))
    assert person.conversation.state == State.WAITING and not asked(person)
    await engine.handle(text("k3", "Добрий день"))
    pressed = await engine.handle(press("k3", "person"))
    assert pressed.conversation.state == State.WAITING
    waiting = await engine.handle(text("k3", "дякую"))
    assert not asked(waiting)  # never in the queue
    assert not asked(await engine.handle(press("k3", "profile:age_group:adult")))


@pytest.mark.parametrize(
    ("lang", "thanks", "word", "said"),
    [
        ("uk", "дякую", "пропустити", "Оберіть тему"),
        ("ru", "спасибо", "Пропустить", "Выберите тему"),
        ("az", "sağ olun, təşəkkür edirəm", "keç", "Kömək lazım olan"),
        ("en", "thank you so much", "skip", "Choose what"),
    ],
)
async def test_skip_typed_or_pressed_in_every_language(
    engine: Engine, any_store: Store, lang: str, thanks: str, word: str, said: str
) -> None:
    user = f"w-{lang}"
    turn = await thank(engine, user, thanks, locale=lang)
    question = turn.replies[-1]
    assert [b.payload for b in question.buttons] == AGE and question.buttons[-1].title.lower().startswith(
        word.lower()[:3]
    )
    skipped = await engine.handle(text(user, word, locale=lang))
    assert skipped.replies[0].text.startswith(said) and "topic:disability" in payloads(skipped)
    pressed_user = f"b-{lang}"
    await thank(engine, pressed_user, thanks, locale=lang)
    pressed = await engine.handle(press(pressed_user, "profile:skip", locale=lang))
    assert pressed.replies[0].text.startswith(said)
    assert await any_store.events.count_by("kind", kind="profile_answered") == {}


async def test_an_option_typed_exactly_is_an_answer(engine: Engine, any_store: Store) -> None:
    await thank(engine, "t1")
    typed = await engine.handle(text("t1", "18 і старше"))
    assert typed.replies[0].text == "Стать:"
    history = await engine.history(await engine.find("rest", "t1"))
    assert "18 і старше" not in [m.text for m in history] and history[-2].kind == PROFILE_ANSWER
    assert await any_store.events.count_by("kind", kind="profile_answered") == {"profile_answered": 1}


async def test_a_forged_or_repeated_answer_counts_nothing(engine: Engine, any_store: Store) -> None:
    forged = await engine.handle(press("r1", "profile:age_group:child"))  # never asked
    assert not asked(forged)
    await thank(engine, "r2")
    await engine.handle(press("r2", "profile:gender:male"))  # another question's option: no answer, a skip
    await engine.handle(press("r2", "profile:age_group:child"))  # too late
    await thank(engine, "r3")
    await engine.handle(press("r3", "profile:age_group:made_up"))
    await thank(engine, "r4")
    await engine.handle(press("r4", "profile:age_group:child"))
    await engine.handle(press("r4", "profile:age_group:child"))  # pressed twice: counted once
    found = await any_store.figures(Period("community-1620", date(2026, 11, 1), date(2026, 11, 30), "Europe/Kyiv"))
    assert found.by_age_group == {"child": 1, "unknown": 3}


async def test_asked_after_the_survey_of_a_chat_with_a_specialist(engine: Engine, any_store: Store) -> None:
    handoff = Handoff(any_store, engine.helplines, channels=engine.channels, clock=engine.clock)
    olena = await create_operator(any_store, "olena", "correct horse battery")
    olena.presence = "online"
    olena = await any_store.operators.save(olena)
    await engine.handle(press("v1", "person"))
    cid = (await engine.find("rest", "v1")).id
    await handoff.take_next(olena)
    assert not asked(await engine.handle(text("v1", "дякую")))  # with a specialist the bot says nothing
    await handoff.close(olena, cid, category="topic:elderly_care", outcome="resolved")
    survey = await engine.handle(press("v1", "survey:yes"))
    assert survey.replies[0].text.startswith("Дякуємо за відповідь")
    assert [b.payload for b in survey.replies[-1].buttons] == AGE


def test_the_setting_is_checked_with_a_clear_error(line: Path) -> None:  # noqa: F811
    helpline = line / "helpline.yml"
    edit(helpline, "  ask: end", "  ask: sometimes")
    edit(helpline, "  questions: [age_group, gender]", "  questions: [age_group, age_group, shoe_size]")
    message = problems(line)
    assert "(profile_questions.ask): Input should be 'never', 'start' or 'end'" in message
    assert "(profile_questions.questions[2]): Input should be 'age_group' or 'gender'" in message


def test_a_line_that_asks_needs_the_texts_of_its_questions(line: Path) -> None:  # noqa: F811
    texts = line / "texts.yml"
    content = texts.read_text(encoding="utf-8")
    start, end = content.index("profile_ask_gender:"), content.index("profile_gender_female:")
    texts.write_text(content[:start] + content[end:], encoding="utf-8")
    assert "missing text 'profile_ask_gender' (needed by profile_questions in helpline.yml" in problems(line)
    edit(line / "helpline.yml", "  questions: [age_group, gender]", "  questions: [age_group]")
    from vikno.flows.content import load_helpline

    assert load_helpline(line).settings.profile_questions.questions == ["age_group"]


def test_twice_the_same_question_is_refused() -> None:
    with pytest.raises(ValueError, match="listed twice"):
        ProfileSettings(ask="end", questions=["gender", "gender"])
    assert ProfileSettings().ask == "never"
