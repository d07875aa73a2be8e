"""A language the person or the client chose stays until the person chooses another (issue 20, item 13).

The scripted NLU below reports what the old detector said of such messages
(English for HTML, a link or English words); the chosen language must
stand against it. The real detector's side (links and HTML are no
language) is in tests/nlu/test_language.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest

from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.flows.engine import Engine
from vikno.flows.messages import Inbound, Kind
from vikno.nlu.types import FALLBACK_INTENT, Parse
from vikno.storage.identity import IdentityVault
from vikno.storage.port import Store

from .conftest import Clock

ENGLISH_LOOKING = ["<b>hello</b> <i>there</i>", "see https://example.com/help/page please", "I need help with payments"]


class DetectsEnglish:
    """An NLU whose language guess is English for every message that looks English."""

    async def parse(self, text: str, languages: Sequence[str] | None = None) -> Parse:
        low = text.lower()
        lang = (
            "uk"
            if any("а" <= ch <= "я" or ch in "іїєґ" for ch in low)
            else "en"
            if any("a" <= ch <= "z" for ch in low)
            else None
        )
        return Parse(text=text, language=lang, intent=FALLBACK_INTENT, confidence=0.1)


@pytest.fixture
def engine(any_store: Store) -> Engine:
    return Engine(
        any_store,
        IdentityVault(b"test-secret-key-0123456789"),
        load_helplines(shipped_helpline_folders()),
        DetectsEnglish(),
        clock=Clock(),
    )


def text(body: str, **kw) -> Inbound:
    return Inbound(channel="rest", user_id="k", text=body, **kw)


def press(payload: str, **kw) -> Inbound:
    return Inbound(channel="rest", user_id="k", button=payload, kind=Kind.BUTTON, **kw)


async def test_the_clients_locale_stands_against_english_looking_messages(engine: Engine) -> None:
    first = await engine.handle(text("Добрий день", locale="uk"))
    assert first.conversation.language == "uk"
    for body in ENGLISH_LOOKING:
        turn = await engine.handle(text(body, locale="uk"))
        assert turn.conversation.language == "uk", body
        assert re.search("[а-яіїєґ]", turn.replies[0].text), turn.replies[0].text


async def test_a_locale_chosen_before_anything_else_holds_from_the_first_message(engine: Engine) -> None:
    turn = await engine.handle(text("I need help with payments", locale="uk"))
    assert turn.conversation.language == "uk" and "Вітаємо" in turn.replies[0].text


async def test_the_persons_button_outranks_a_client_that_keeps_sending_its_locale(engine: Engine) -> None:
    await engine.handle(text("Добрий день", locale="uk"))
    chosen = await engine.handle(press("lang:en", locale="uk"))
    assert chosen.conversation.language == "en"
    turn = await engine.handle(text("Добрий день ще раз", locale="uk"))  # the same locale again: no new choice
    assert turn.conversation.language == "en"
    switched = await engine.handle(text("hello", locale="ru"))  # the client now chooses another
    assert switched.conversation.language == "ru"


async def test_a_device_language_is_only_a_hint(engine: Engine) -> None:
    # Telegram's language_code: good for a first "hi", not against what the person writes
    hint = await engine.handle(Inbound(channel="telegram", user_id="t1", text="👋", locale_hint="ru"))
    assert hint.conversation.language == "ru"
    written = await engine.handle(
        Inbound(channel="telegram", user_id="t2", text="Добрий день, потрібна допомога", locale_hint="en")
    )
    assert written.conversation.language == "uk"


async def test_without_a_choice_detection_still_decides(engine: Engine) -> None:
    turn = await engine.handle(text("I need help with payments"))
    assert turn.conversation.language == "en"
