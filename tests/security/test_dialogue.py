"""The dialogue's table of attacks: what a client can make the bot say that is not true.

Issue 20, item 13: a message holding HTML, a link or English words switched
a conversation whose client sent ``"locale": "uk"`` with every message to
English, the console's canned replies too. Item 14: whether someone can
answer now was decided by the schedule alone, so a crisis with nobody
online heard "I am already calling a specialist" and "you are 1st in the
queue", and a request with operators online heard "nobody is working".
Every row runs against a real vikno on a real socket, on both stores, at
whatever hour the suite runs: who is online decides, not the clock.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from vikno.bots.app import build_app
from vikno.bots.config import load_settings
from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.nlu.builtin import BuiltinNLU
from vikno.storage.port import Store

from tests.handoff.conftest import CRISIS_TEXT, ConsoleSite, app_store, serving

from .table import Attack, rows

UKRAINIAN = re.compile("[а-яіїєґ]")
ENGLISH_LOOKING = [
    "<b>hello</b> <a href='https://example.com/help'>click here</a>",
    "https://example.com/help/page?id=1 please look at this page",
    "I need help with payments for my mother",
    "<script>alert('hi there')</script> hello hello hello",
]
# What the old texts promised whether or not anyone was there.
SOMEONE_IS_COMING = ("кличу фахівця", "скоро відповість", "Передаю вашу розмову фахівцю")


async def say(site: ConsoleSite, key: str, **body: Any) -> dict[str, Any]:
    person = site.agent()
    resp = await person.http.post(
        person.url(f"/api/v1/conversations/{key}/messages"), json=body, headers=person.rest_headers(key)
    )  # the token of the first answer
    assert resp.status == 200, await resp.text()
    answer = await resp.json()
    person.tokens.setdefault(key, answer.get("token"))
    return answer


async def locale_kept_through_html_links_and_english(site: ConsoleSite) -> None:
    first = await say(site, "lang-uk", text="Добрий день", locale="uk")
    assert first["conversation"]["language"] == "uk"
    for text in ENGLISH_LOOKING:
        body = await say(site, "lang-uk", text=text, locale="uk")
        assert body["conversation"]["language"] == "uk", text
        assert all(UKRAINIAN.search(r["text"]) for r in body["replies"]), body["replies"]
    await say(site, "lang-uk", button="person", locale="uk")
    # the operator's canned replies for this conversation are Ukrainian too
    await site.operator("olena", display_name="Олена")
    op = site.agent("en")
    assert (await op.log_in("olena")).status == 303
    taken = await op.post("/console/take-next", json_reply=True)
    assert taken.status == 200, await taken.text()
    page = await (await op.get(f"/console/c/{(await taken.json())['conversation_id']}")).text()
    assert "мене звати Олена" in page and "my name is" not in page


async def a_language_chosen_by_button_outlives_the_clients_locale(site: ConsoleSite) -> None:
    await say(site, "lang-btn", text="Добрий день", locale="uk")
    chosen = await say(site, "lang-btn", button="lang:en", locale="uk")
    assert chosen["conversation"]["language"] == "en"
    later = await say(site, "lang-btn", text="Добрий день, мені потрібна допомога", locale="uk")
    assert later["conversation"]["language"] == "en"


async def crisis_with_nobody_online_is_told_to_call_now(site: ConsoleSite) -> None:
    await site.operator("off-duty", online=False)
    body = await say(site, "crisis-alone", text=CRISIS_TEXT)
    (reply,) = body["replies"]
    assert reply["text"].index("☎ 112") < reply["text"].index("немає онлайн")  # the numbers first
    assert not any(p in reply["text"] for p in SOMEONE_IS_COMING) and "в черзі" not in reply["text"]
    conv = body["conversation"]
    assert (conv["state"], conv["priority"], conv["queue_position"]) == ("waiting", "crisis", 1)


async def crisis_with_someone_online_is_told_someone_is_coming(site: ConsoleSite) -> None:
    await site.operator("on-duty")
    body = await say(site, "crisis-staffed", text=CRISIS_TEXT)
    assert "☎ 112" in body["replies"][0]["text"] and "кличу фахівця" in body["replies"][0]["text"]
    assert "Ваше місце в черзі — 1" in body["replies"][1]["text"]


async def request_with_an_operator_online_is_told_someone_will_answer(site: ConsoleSite) -> None:
    await site.operator("on-duty")
    body = await say(site, "staffed", button="person")
    (reply,) = body["replies"]
    assert "Передаю вашу розмову фахівцю" in reply["text"] and "Ваше місце в черзі — 1" in reply["text"]
    assert "не працюють" not in reply["text"] and "немає онлайн" not in reply["text"]


async def request_with_nobody_online_is_told_the_truth(site: ConsoleSite) -> None:
    await site.operator("other-team", teams=["protection"])  # online, but may not take a social request
    body = await say(site, "alone", button="person")
    assert not any(p in body["replies"][0]["text"] for p in SOMEONE_IS_COMING)
    assert "☎ 112" in body["replies"][0]["text"]
    again = await say(site, "alone", button="person")
    assert "немає онлайн" in again["replies"][0]["text"]
    assert not any(p in again["replies"][0]["text"] for p in SOMEONE_IS_COMING)


async def crisis_with_invisible_characters_inside_is_still_a_crisis(site: ConsoleSite) -> None:
    """Issue 23's outside attack: a zero-width space, a joiner, a soft hyphen or a stress mark inside the words
    cut them into letters, and "не хочу більше жити" got a greeting."""
    await site.operator("off-duty", online=False)
    for i, mark in enumerate(("\u200b", "\u200d", "\u00ad", "\u0301", "\ufeff")):
        text = CRISIS_TEXT[:4] + mark + CRISIS_TEXT[4:9] + mark + CRISIS_TEXT[9:]
        body = await say(site, f"hidden-{i}", text=text)
        assert "☎ 112" in body["replies"][0]["text"], (repr(text), body["replies"])
        conv = body["conversation"]
        assert (conv["state"], conv["priority"]) == ("waiting", "crisis"), repr(text)


ATTACKS = [
    Attack(
        id="locale-uk-kept-through-html-links-and-english",
        item="20.13",
        what='REST with "locale": "uk" on every message sends HTML, links and English words: the '
        "conversation, the bot's replies and the console's canned replies stay Ukrainian",
        run=locale_kept_through_html_links_and_english,
    ),
    Attack(
        id="button-choice-outlives-the-clients-locale",
        item="20.13",
        what="the person picks English while the client keeps sending uk: English stays until they choose again",
        run=a_language_chosen_by_button_outlives_the_clients_locale,
    ),
    Attack(
        id="crisis-with-nobody-online",
        item="20.14",
        what='a crisis while nobody is online is not told "I am calling a specialist" or "1st in the queue": '
        "the numbers to call come first, and it still waits at the top of the queue",
        run=crisis_with_nobody_online_is_told_to_call_now,
    ),
    Attack(
        id="crisis-with-invisible-characters-inside",
        item="23.1",
        what="a crisis typed with zero-width characters, a soft hyphen or a stress mark inside its words is "
        "still a crisis: the numbers at once, the top of the queue",
        run=crisis_with_invisible_characters_inside_is_still_a_crisis,
    ),
    Attack(
        id="crisis-with-someone-online",
        item="20.14",
        what="a crisis while an operator is online is told a specialist is being called, at any hour",
        run=crisis_with_someone_online_is_told_someone_is_coming,
    ),
    Attack(
        id="request-with-an-operator-online",
        item="20.14",
        what="asking for a person while an operator is online is never told to leave a message for the next shift",
        run=request_with_an_operator_online_is_told_someone_will_answer,
    ),
    Attack(
        id="request-with-nobody-who-may-take-it",
        item="20.14",
        what='asking for a person while nobody who may take it is online is never told "a specialist will answer soon"',
        run=request_with_nobody_online_is_told_the_truth,
    ),
]


@rows(ATTACKS)
async def test_dialogue_attack(attack: Attack, any_site: ConsoleSite) -> None:
    await attack.run(any_site)


# --- with the learned models: the crisis model's veto and language detection -------------------------------------


@pytest.fixture
async def model_site(
    tmp_path: Path, any_store: Store, request: pytest.FixtureRequest, shipped_nlu: BuiltinNLU
) -> AsyncIterator[ConsoleSite]:
    """A real vikno with the built-in NLU as ``vikno serve`` has it: the intent model and the crisis model."""
    settings = load_settings(environ={"VIKNO_DATA_DIR": str(tmp_path / "data")})
    helplines = load_helplines(shipped_helpline_folders())
    app = build_app(settings, helplines, store=app_store(any_store, request), nlu=shipped_nlu)
    async with serving(app) as site:
        yield site


#: The first line of the emergency reply, per language (flows/content/_common/texts.yml).
CALL_NOW = {
    "uk": "Якщо є загроза життю — телефонуйте просто зараз:",
    "ru": "Если есть угроза жизни — звоните прямо сейчас:",
    "en": "If there is a danger to life, call right now:",
}


async def assert_crisis(site: ConsoleSite, key: str, text: str, language: str) -> None:
    body = await say(site, key, text=text)
    first = body["replies"][0]["text"]
    assert CALL_NOW[language] in first and "☎ 112" in first, (text, body["replies"])
    conv = body["conversation"]
    assert (conv["state"], conv["priority"], conv["language"]) == ("waiting", "crisis", language), (text, conv)


async def a_crisis_after_a_sentence_of_circumstances_is_a_crisis(site: ConsoleSite) -> None:
    """The model scored the whole message 0.04 and vetoed the rule down to "are you safe right now?"."""
    await site.operator("on-duty")
    await assert_crisis(site, "diluted-en", "We moved here two years ago for work. I don't want to live anymore.", "en")
    await assert_crisis(
        site,
        "diluted-ru",
        "Здравствуйте, подскажите, пожалуйста, какие документы нужны для субсидии. Хочу убить себя.",
        "ru",
    )


async def a_lone_word_or_danger_emoji_are_a_crisis(site: ConsoleSite) -> None:
    """ "суїцид" alone and "🔪🩸 не можу більше" were a crisis with the rules alone, a check once the model loaded."""
    await site.operator("on-duty")
    await assert_crisis(site, "one-word", "суїцид", "uk")
    await assert_crisis(site, "emoji", "🔪🩸 не можу більше", "uk")


async def latin_typed_ukrainian_crisis_is_answered_in_ukrainian(site: ConsoleSite) -> None:
    await site.operator("on-duty")
    await assert_crisis(site, "latin-uk", "ya hochu vmerty", "uk")


async def latin_typed_russian_question_is_answered_in_russian(site: ConsoleSite) -> None:
    """Both were answered in English or Azerbaijani before: the Latin letters outweighed the words."""
    for i, text in enumerate(("podskazhite gde oformit subsidiyu", "gde poluchit subsidiyu na kommunalku")):
        body = await say(site, f"latin-ru-{i}", text=text)
        conv = body["conversation"]
        assert (conv["language"], conv["state"], conv["topic"]) == ("ru", "bot", "social_benefits"), (text, conv)
        replies = " ".join(r["text"] for r in body["replies"])
        assert re.search("[а-яё]", replies) and not re.search("[іїєґ]", replies), body["replies"]
        assert "Служба поддержки" in replies, body["replies"]  # the Russian texts, not the English ones


MODEL_ATTACKS = [
    Attack(
        id="crisis-after-a-sentence-of-circumstances",
        item="21.C1",
        what="a crisis said after a sentence of ordinary circumstances (a move, a question about a subsidy) is a "
        "crisis: the numbers at once and the top of the queue, not a safety question",
        run=a_crisis_after_a_sentence_of_circumstances_is_a_crisis,
    ),
    Attack(
        id="crisis-in-one-word-or-danger-emoji",
        item="21.C1",
        what='"суїцид" alone, or danger emoji and three words, are a crisis as with the rules alone: the model '
        "cannot judge a lone word or emoji it never reads",
        run=a_lone_word_or_danger_emoji_are_a_crisis,
    ),
    Attack(
        id="latin-typed-ukrainian-crisis",
        item="21.C2",
        what='"ya hochu vmerty" (Ukrainian in Latin letters) is a crisis answered with the Ukrainian emergency '
        "texts, not the English ones",
        run=latin_typed_ukrainian_crisis_is_answered_in_ukrainian,
    ),
    Attack(
        id="latin-typed-russian-question",
        item="21.C2",
        what="a question about a subsidy in Russian typed in Latin letters gets the Russian replies, not English",
        run=latin_typed_russian_question_is_answered_in_russian,
    ),
]


@rows(MODEL_ATTACKS)
async def test_dialogue_attack_with_the_models(attack: Attack, model_site: ConsoleSite) -> None:
    await attack.run(model_site)
