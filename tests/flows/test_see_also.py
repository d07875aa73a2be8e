"""The runner-up topic under a typed question's answer (flows/see_also.py, issue 23), end to end on both stores."""

from __future__ import annotations

import pytest

from vikno.flows.content import Helpline, TopicHandoff, load_helplines, shipped_helpline_folders
from vikno.flows.engine import Engine
from vikno.flows.messages import Inbound, Kind, Turn
from vikno.flows.see_also import (
    SAFETY_RATIO,
    SAFETY_TOPICS,
    SEE_ALSO_RATIO,
    close_runner_up,
    runner_up,
    safety_instead,
    tail,
)
from vikno.nlu.builtin import BuiltinNLU
from vikno.nlu.types import FALLBACK_INTENT, Parse
from vikno.storage.identity import IdentityVault
from vikno.storage.port import Store

from .conftest import Clock, ScriptedNLU, intent

LINE = "community-1620"
#: disability answered; health nearly as likely (0.35 of 0.5: over SEE_ALSO_RATIO)
CLOSE = (("disability", 0.5), ("health", 0.35), ("elderly_care", 0.05))
#: disability answered; health far behind
FAR = (("disability", 0.8), ("health", 0.1), ("elderly_care", 0.05))
#: "my husband beats me, and the subsidy too": benefits answered, violence at home far behind (0.1 of 0.6)
TWO_PROBLEMS = (("social_benefits", 0.6), ("domestic_violence", 0.1), ("disability", 0.01))


def text(user: str, body: str, **kw) -> Inbound:
    return Inbound(channel="rest", user_id=user, text=body, **kw)


def press(user: str, payload: str, **kw) -> Inbound:
    return Inbound(channel="rest", user_id=user, button=payload, kind=Kind.BUTTON, **kw)


def payloads(turn: Turn) -> list[str]:
    return [b.payload for r in turn.replies for b in r.buttons]


@pytest.fixture
def nlu() -> ScriptedNLU:
    return ScriptedNLU(
        dict(
            [
                intent("привіт", "greet"),
                intent("крісло колісне для тата після інсульту", "disability", confidence=0.5, ranking=CLOSE),
                intent("де взяти крісло колісне", "disability", confidence=0.8, ranking=FAR),
                intent("wheelchair for dad after a stroke", "disability", "en", confidence=0.5, ranking=CLOSE),
                intent(
                    "крісло колісне, привіт",
                    "disability",
                    confidence=0.5,
                    ranking=(("disability", 0.5), ("greet", 0.45), ("health", 0.04)),
                ),
                intent(
                    "добрий день, щодо пенсії",
                    "greet",
                    confidence=0.5,
                    ranking=(("greet", 0.5), ("social_benefits", 0.45), ("thanks", 0.02)),
                ),
                intent(
                    "дякую, а пенсія",
                    "thanks",
                    confidence=0.5,
                    ranking=(("thanks", 0.5), ("social_benefits", 0.45), ("greet", 0.02)),
                ),
                intent(
                    "тато після інсульту, не хочу більше жити",
                    "disability",
                    confidence=0.5,
                    ranking=CLOSE,
                    crisis=True,
                    crisis_score=0.97,
                ),
                intent(
                    "муж бьет меня, во сколько вы работаете",
                    "working_hours",
                    "ru",
                    confidence=0.5,
                    ranking=(("working_hours", 0.5), ("domestic_violence", 0.4), ("legal", 0.02)),
                ),
                intent(
                    "коли ви працюєте",
                    "working_hours",
                    confidence=0.9,
                    ranking=(("working_hours", 0.9), ("domestic_violence", 0.05)),
                ),
                intent(
                    "мене бʼє чоловік, а ще треба оформити субсидію",
                    "social_benefits",
                    confidence=0.6,
                    ranking=TWO_PROBLEMS,
                ),
                intent(
                    "субсидія, а ще щось зі здоровʼям",
                    "social_benefits",
                    confidence=0.6,
                    ranking=(("social_benefits", 0.6), ("health", 0.1), ("disability", 0.01)),
                ),
                # one sentence names violence at home; the message as a whole is read as something else
                intent(
                    "дякую. а ще чоловік підіймає руку",
                    "thanks",
                    confidence=0.3,
                    ranking=(("thanks", 0.3), ("domestic_violence", 0.26)),
                    parts=(("domestic_violence", 0.57),),
                ),
                intent(
                    "коли ви працюєте? чоловік бʼє",
                    "working_hours",
                    confidence=0.81,
                    ranking=(("working_hours", 0.81), ("domestic_violence", 0.1)),
                    parts=(("working_hours", 0.99), ("domestic_violence", 0.99)),
                ),
                intent(
                    "треба оформити субсидію. чоловік бʼє",
                    "social_benefits",
                    confidence=0.6,
                    ranking=(("social_benefits", 0.6), ("disability", 0.3), ("domestic_violence", 0.05)),
                    parts=(("social_benefits", 0.9), ("domestic_violence", 0.95)),
                ),
                intent(
                    "я не знаю з чого почати. бʼє мене",
                    FALLBACK_INTENT,
                    confidence=0.1,
                    ranking=(("psychological_support", 0.1),),
                    parts=(("domestic_violence", 0.8),),
                ),
                intent(
                    "дякую. до побачення",
                    "thanks",
                    confidence=0.8,
                    ranking=(("thanks", 0.8),),
                    parts=(("goodbye", 0.9),),
                ),
                # no sentence ends: the second half is read alone by the engine (see_also.tail)
                intent("дякую а ще чоловік мене бє", "thanks", confidence=0.6, ranking=(("thanks", 0.6),)),
                intent("коли ви працюєте чоловік мене бє", "working_hours", ranking=(("working_hours", 0.9),)),
                intent("чоловік мене бє", "domestic_violence", confidence=0.96),
                intent("дякую мій син забив гол", "thanks", ranking=(("thanks", 0.9),)),
                intent(
                    "сусідка літня сама не виходить",
                    "report_person_in_need",
                    confidence=0.5,
                    ranking=(("report_person_in_need", 0.5), ("elderly_care", 0.45), ("health", 0.02)),
                ),
            ]
        )
    )


def _with_topic(engine: Engine, topic_id: str, **changes: object) -> None:
    """The line with one topic changed (phrases, a hand-over at once), built anew as a reload would."""
    line = engine.helplines[LINE]
    topics = [line.topics[t].model_copy(update=changes) if t == topic_id else line.topics[t] for t in line.topic_order]
    engine.helplines[LINE] = Helpline(line.settings, line.texts, topics, line.folder, line.canned)


@pytest.mark.parametrize(
    ("ranking", "answered", "want"),
    [
        (CLOSE, "disability", "health"),
        (FAR, "disability", None),
        ((("disability", 0.5), ("greet", 0.45)), "disability", None),  # small talk second: no topic to offer
        ((("disability", 0.5), ("mobile_brigades", 0.45)), "disability", None),  # not a topic of this line
        ((("disability", 0.5),), "disability", None),  # nothing second
        (CLOSE, "health", None),  # the answer was not the NLU's first choice (a phrase chose it)
    ],
)
def test_the_runner_up_is_offered_only_when_it_is_another_close_topic_of_the_line(
    ranking: tuple[tuple[str, float], ...], answered: str, want: str | None, engine: Engine
) -> None:
    parse = Parse("x", "uk", ranking[0][0], ranking[0][1], ranking=ranking)
    assert runner_up(parse, answered, engine.helplines[LINE].topics) == want
    assert runner_up(None, answered, engine.helplines[LINE].topics) is None


def test_close_means_at_least_the_chosen_share_of_the_answer_s_confidence() -> None:
    assert close_runner_up(0.5, SEE_ALSO_RATIO * 0.5)
    assert not close_runner_up(0.5, SEE_ALSO_RATIO * 0.5 - 0.001)
    assert close_runner_up(0.2, 0.1) and not close_runner_up(0.9, 0.3)  # a ratio, not a margin


@pytest.mark.parametrize("topic", sorted(SAFETY_TOPICS))
def test_a_safety_topic_is_close_at_its_own_lower_share(topic: str) -> None:
    assert SAFETY_RATIO < SEE_ALSO_RATIO
    assert close_runner_up(0.6, SAFETY_RATIO * 0.6, topic)
    assert not close_runner_up(0.6, SAFETY_RATIO * 0.6 - 0.001, topic)
    assert not close_runner_up(0.6, SAFETY_RATIO * 0.6, "health")  # any other topic: the usual share


async def test_violence_at_home_behind_another_topic_is_still_offered(engine: Engine, any_store: Store) -> None:
    """A message about two problems, one of them danger at home: the answer is the other topic's, and the
    violence-at-home topic is one press away even though the classifier put it far behind."""
    await engine.handle(text("sa-dv", "привіт"))
    turn = await engine.handle(text("sa-dv", "мене бʼє чоловік, а ще треба оформити субсидію"))
    assert turn.conversation.topic == "social_benefits"
    assert payloads(turn)[0] == "topic:domestic_violence"
    assert await any_store.events.count_by("topic", kind="see_also_offered") == {"social_benefits": 1}
    same_distance = await engine.handle(text("sa-h", "субсидія, а ще щось зі здоровʼям"))
    assert payloads(same_distance) == ["menu", "person"]  # health that far behind is no button


async def test_a_close_second_topic_is_one_button_under_the_answer(engine: Engine, any_store: Store) -> None:
    await engine.handle(text("sa-1", "привіт"))
    turn = await engine.handle(text("sa-1", "крісло колісне для тата після інсульту"))
    assert turn.conversation.topic == "disability" and "крісел колісних" in turn.replies[0].text
    way_on = turn.replies[-1]
    assert way_on.text == "Чим ще можемо допомогти?\nАбо, можливо, питання було про це:"
    assert [(b.title, b.payload) for b in way_on.buttons] == [
        ("🩺 Здоровʼя", "topic:health"),
        ("☰ Меню", "menu"),
        ("🙋 Поговорити з людиною", "person"),
    ]
    assert await any_store.events.count_by("topic", kind="see_also_offered") == {"disability": 1}


async def test_the_line_is_said_in_the_conversation_s_language(engine: Engine) -> None:
    turn = await engine.handle(text("sa-en", "wheelchair for dad after a stroke", locale="en"))
    assert turn.replies[-1].text == "Is there anything else we can help with?\nOr was your question about:"
    assert turn.replies[-1].buttons[0].title == "🩺 Health"


async def test_a_far_second_topic_leaves_the_usual_way_on(engine: Engine, any_store: Store) -> None:
    await engine.handle(text("sa-2", "привіт"))
    turn = await engine.handle(text("sa-2", "де взяти крісло колісне"))
    assert turn.replies[-1].text == "Чим ще можемо допомогти?" and payloads(turn) == ["menu", "person"]
    assert await any_store.events.count_by("kind", kind="see_also_offered") == {}


async def test_small_talk_second_is_no_topic_to_offer(engine: Engine) -> None:
    await engine.handle(text("sa-3", "привіт"))
    turn = await engine.handle(text("sa-3", "крісло колісне, привіт"))
    assert turn.conversation.topic == "disability" and payloads(turn) == ["menu", "person"]


async def test_pressing_it_answers_the_second_topic_as_the_menu_would(engine: Engine, any_store: Store) -> None:
    await engine.handle(text("sa-4", "привіт"))
    await engine.handle(text("sa-4", "крісло колісне для тата після інсульту"))
    pressed = await engine.handle(press("sa-4", "topic:health"))
    from_menu = await engine.handle(press("sa-5", "topic:health"))
    assert pressed.conversation.topic == "health"
    assert [r.text for r in pressed.replies] == [r.text for r in from_menu.replies]
    assert payloads(pressed) == payloads(from_menu) == ["menu", "person"]  # a press is no typed guess: no button
    assert await any_store.events.count_by("topic", kind="see_also_pressed") == {"health": 1}
    # the offer stands for one message: the same topic chosen later from the menu is the menu's
    await engine.handle(press("sa-4", "menu"))
    await engine.handle(press("sa-4", "topic:health"))
    assert await any_store.events.count_by("topic", kind="see_also_pressed") == {"health": 1}


async def test_something_else_after_the_offer_is_no_press(engine: Engine, any_store: Store) -> None:
    await engine.handle(text("sa-6", "привіт"))
    await engine.handle(text("sa-6", "крісло колісне для тата після інсульту"))
    await engine.handle(press("sa-6", "menu"))
    await engine.handle(press("sa-6", "topic:health"))
    assert await any_store.events.count_by("kind", kind="see_also_pressed") == {}


async def test_no_button_after_a_topic_chosen_by_a_button(engine: Engine) -> None:
    await engine.handle(text("sa-7", "привіт"))
    turn = await engine.handle(press("sa-7", "topic:disability"))
    assert payloads(turn) == ["menu", "person"]


@pytest.mark.parametrize(
    ("words", "answer"), [("добрий день, щодо пенсії", "Служба"), ("дякую, а пенсія", "Будь ласка")]
)
async def test_no_button_under_a_greeting_or_thanks(engine: Engine, any_store: Store, words: str, answer: str) -> None:
    await engine.handle(text("sa-8", "привіт"))
    turn = await engine.handle(text("sa-8", words))
    assert answer in turn.replies[0].text and all("питання було про це" not in r.text for r in turn.replies)
    assert await any_store.events.count_by("kind", kind="see_also_offered") == {}


async def test_no_button_in_a_crisis(engine: Engine, any_store: Store) -> None:
    await engine.handle(text("sa-9", "привіт"))
    turn = await engine.handle(text("sa-9", "тато після інсульту, не хочу більше жити"))
    assert turn.conversation.priority == "crisis"
    assert "topic:health" not in payloads(turn) and all("питання було про це" not in r.text for r in turn.replies)
    assert await any_store.events.count_by("kind", kind="see_also_offered") == {}


async def test_no_button_when_the_topic_starts_a_form(engine: Engine) -> None:
    """The report form's first question is what comes after the topic: nothing under it to add."""
    await engine.handle(text("sa-10", "привіт"))
    turn = await engine.handle(text("sa-10", "сусідка літня сама не виходить"))
    assert turn.conversation.topic == "report_person_in_need"
    assert "topic:elderly_care" not in payloads(turn)


async def test_no_button_when_the_topic_s_own_phrase_chose_it(engine: Engine) -> None:
    _with_topic(engine, "disability", phrases={"uk": ["крісло колісне"]})
    await engine.handle(text("sa-11", "привіт"))
    turn = await engine.handle(text("sa-11", "крісло колісне для тата після інсульту"))
    assert turn.conversation.topic == "disability" and payloads(turn) == ["menu", "person"]


async def test_no_button_when_the_topic_hands_over_at_once(engine: Engine) -> None:
    _with_topic(engine, "disability", handoff=TopicHandoff(at_once=True))
    await engine.handle(text("sa-12", "привіт"))
    turn = await engine.handle(text("sa-12", "крісло колісне для тата після інсульту"))
    assert turn.conversation.state == "waiting" and "topic:health" not in payloads(turn)


async def test_a_first_message_answered_with_a_topic_gets_it_too(engine: Engine) -> None:
    turn = await engine.handle(text("sa-13", "крісло колісне для тата після інсульту"))
    assert "Служба підтримки 1620" in turn.replies[0].text  # the greeting, then the answer
    assert payloads(turn)[-3:] == ["topic:health", "menu", "person"]


async def test_the_hours_asked_with_a_topic_nearly_as_likely_offer_that_topic(engine: Engine, any_store: Store) -> None:
    # the outside attack of session 13: "my husband beats me, when are you open" got the hours and a menu only
    await engine.handle(text("sa-h1", "привет", locale="ru"))
    turn = await engine.handle(text("sa-h1", "муж бьет меня, во сколько вы работаете", locale="ru"))
    assert turn.replies[-1].text.endswith("\nИли, может быть, вопрос был об этом:")
    assert payloads(turn)[0] == "topic:domestic_violence" and payloads(turn)[-1] == "menu"
    assert await any_store.events.count_by("topic", kind="see_also_offered") == {"working_hours": 1}
    pressed = await engine.handle(press("sa-h1", "topic:domestic_violence"))
    assert pressed.conversation.topic == "domestic_violence"
    assert await any_store.events.count_by("topic", kind="see_also_pressed") == {"domestic_violence": 1}


async def test_the_hours_alone_keep_the_menu_button_only(engine: Engine, any_store: Store) -> None:
    await engine.handle(text("sa-h2", "привіт"))
    turn = await engine.handle(text("sa-h2", "коли ви працюєте"))
    assert payloads(turn) == ["menu"]
    assert await any_store.events.count_by("kind", kind="see_also_offered") == {}


# A safety topic one sentence of a longer message names (Parse.parts, nlu/message_parts.py): session 14's outside
# attack found "коли ви працюєте? чоловік б'є" (violence at home at 0.05 of the hours) and a thanks with violence in
# its second sentence answered "you're welcome".


@pytest.mark.parametrize(
    ("parts", "answered", "want_also", "want_instead"),
    [
        ((("domestic_violence", 0.9),), "working_hours", "domestic_violence", None),
        ((("report_person_in_need", 0.9),), "elderly_care", "report_person_in_need", None),
        ((("domestic_violence", 0.9),), "thanks", "domestic_violence", "domestic_violence"),
        ((("domestic_violence", 0.9),), FALLBACK_INTENT, "domestic_violence", "domestic_violence"),
        ((("domestic_violence", 0.9),), "domestic_violence", None, None),  # already the answer
        ((("health", 0.9),), "thanks", None, None),  # not a safety topic: the whole message's reading stands
        ((("domestic_violence", 0.9),), "legal", "domestic_violence", None),  # a topic answered: a button only
        ((), "thanks", None, None),
    ],
)
def test_a_safety_sentence_is_offered_and_answered_instead_only_of_a_pleasantry_or_nothing(
    parts: tuple[tuple[str, float], ...], answered: str, want_also: str | None, want_instead: str | None, engine: Engine
) -> None:
    topics = engine.helplines[LINE].topics
    parse = Parse("x", "uk", answered, 0.5, ranking=((answered, 0.5),), parts=parts)
    assert runner_up(parse, answered, topics) == want_also
    assert safety_instead(parse, answered, topics) == want_instead


async def test_thanks_with_violence_in_the_next_sentence_is_answered_with_violence_at_home(
    engine: Engine, any_store: Store
) -> None:
    await engine.handle(text("sp-1", "привіт"))
    turn = await engine.handle(text("sp-1", "дякую. а ще чоловік підіймає руку"))
    assert turn.conversation.topic == "domestic_violence"
    assert all("Будь ласка" not in r.text for r in turn.replies)
    assert await any_store.events.count_by("topic", kind="topic_answered") == {"domestic_violence": 1}


async def test_a_first_message_of_nothing_understood_and_violence_gets_the_greeting_and_the_answer(
    engine: Engine,
) -> None:
    turn = await engine.handle(text("sp-2", "я не знаю з чого почати. бʼє мене"))
    assert "Служба підтримки 1620" in turn.replies[0].text
    assert turn.conversation.topic == "domestic_violence"


async def test_the_hours_with_violence_in_another_sentence_offer_violence_at_home(
    engine: Engine, any_store: Store
) -> None:
    await engine.handle(text("sp-3", "привіт"))
    turn = await engine.handle(text("sp-3", "коли ви працюєте? чоловік бʼє"))
    assert payloads(turn)[0] == "topic:domestic_violence"
    assert await any_store.events.count_by("topic", kind="see_also_offered") == {"working_hours": 1}


async def test_another_topic_with_violence_in_another_sentence_offers_it_before_the_usual_runner_up(
    engine: Engine,
) -> None:
    await engine.handle(text("sp-4", "привіт"))
    turn = await engine.handle(text("sp-4", "треба оформити субсидію. чоловік бʼє"))
    assert turn.conversation.topic == "social_benefits"
    assert payloads(turn)[0] == "topic:domestic_violence" and "topic:disability" not in payloads(turn)


async def test_two_pleasantries_stay_a_pleasantry(engine: Engine) -> None:
    await engine.handle(text("sp-5", "привіт"))
    turn = await engine.handle(text("sp-5", "дякую. до побачення"))
    assert "Будь ласка" in turn.replies[0].text and turn.conversation.topic is None


async def test_with_the_shipped_model_a_thanks_then_violence_is_answered_as_violence_at_home(
    any_store: Store, shipped_nlu: BuiltinNLU
) -> None:
    """The attack's messages through the real NLU: the hours with the violence-at-home button; the thanks
    answered with violence at home."""
    lines = load_helplines(shipped_helpline_folders())
    engine = Engine(any_store, IdentityVault(b"test-secret-key-0123456789"), lines, shipped_nlu, clock=Clock())
    await engine.handle(text("sp-real", "привіт"))
    hours = await engine.handle(text("sp-real", "коли ви працюєте? чоловік бʼє"))
    assert "topic:domestic_violence" in payloads(hours)
    thanks = await engine.handle(text("sp-real", "дякую. а ще чоловік підіймає руку"))
    assert thanks.conversation.topic == "domestic_violence"
    # session 15's attack: the same without punctuation (the engine reads the second half alone)
    unpunctuated = await engine.handle(text("sp-real", "дякую а ще чоловік мене бє"))
    assert unpunctuated.conversation.topic == "domestic_violence"
    hours_ru = await engine.handle(text("sp-real", "Когда вы работаете муж бьет", locale="ru"))
    assert "topic:domestic_violence" in payloads(hours_ru)


@pytest.mark.parametrize(
    ("text", "understood", "parts", "want"),
    [
        ("дякую а ще чоловік мене бє", "thanks", (), "чоловік мене бє"),
        ("коли ви працюєте чоловік мене бє", "working_hours", (), "чоловік мене бє"),
        ("я не знаю що робити він мене бє", FALLBACK_INTENT, (), "робити він мене бє"),
        ("дякую, бувай друже", "thanks", (), None),  # three words: what it says
        ("дякую а ще чоловік мене бє", "thanks", (("thanks", 0.9),), None),  # sentences were read apart
        ("треба оформити субсидію чоловік бʼє", "social_benefits", (), None),  # a topic: its own runner-up rule
    ],
)
def test_the_second_half_is_read_alone_only_behind_a_pleasantry_the_hours_or_nothing(
    text: str, understood: str, parts: tuple[tuple[str, float], ...], want: str | None
) -> None:
    assert tail(Parse(text, "uk", understood, 0.5, parts=parts)) == want
    assert tail(None) is None


async def test_thanks_and_violence_without_punctuation_is_answered_with_violence_at_home(engine: Engine) -> None:
    await engine.handle(text("st-1", "привіт"))
    turn = await engine.handle(text("st-1", "дякую а ще чоловік мене бє"))
    assert turn.conversation.topic == "domestic_violence"


async def test_the_hours_and_violence_without_punctuation_offer_violence_at_home(engine: Engine) -> None:
    await engine.handle(text("st-2", "привіт"))
    turn = await engine.handle(text("st-2", "коли ви працюєте чоловік мене бє"))
    assert payloads(turn)[0] == "topic:domestic_violence" and "Будь ласка" not in turn.replies[0].text


async def test_a_tail_that_is_no_safety_topic_leaves_the_pleasantry(engine: Engine) -> None:
    await engine.handle(text("st-3", "привіт"))
    turn = await engine.handle(text("st-3", "дякую мій син забив гол"))
    assert "Будь ласка" in turn.replies[0].text and turn.conversation.topic is None
