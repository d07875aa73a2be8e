"""Free text through REST with the real built-in NLU, in every language."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from vikno.bots.app import build_app
from vikno.bots.config import load_settings
from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.nlu.builtin import BuiltinNLU
from vikno.nlu.classifier import IntentClassifier


@pytest.fixture(scope="module")
def nlu(shipped_intents: IntentClassifier) -> BuiltinNLU:
    """The intent model on the shipped data (trained once per run: tests/conftest.py), with the crisis rules."""
    return BuiltinNLU(shipped_intents)


@pytest.fixture
async def client(tmp_path: Path, nlu: BuiltinNLU) -> AsyncIterator[TestClient]:
    settings = load_settings(environ={"VIKNO_DATA_DIR": str(tmp_path / "data")})
    app = build_app(settings, load_helplines(shipped_helpline_folders()), nlu=nlu)
    async with TestClient(TestServer(app)) as c:
        yield c


#: key -> its conversation's token, per test
TOKENS: dict[str, str | None] = {}


@pytest.fixture(autouse=True)
def fresh_tokens() -> None:
    TOKENS.clear()


async def say(client: TestClient, key: str, text: str | None = None, button: str | None = None) -> dict:
    """One message; the conversation's token (from its first answer) is kept on the client, as an app would."""
    tokens = TOKENS
    headers = {"Authorization": f"Bearer {tokens[key]}"} if key in tokens else {}
    body = {"text": text} if button is None else {"button": button}
    resp = await client.post(f"/api/v1/conversations/{key}/messages", json=body, headers=headers)
    assert resp.status == 200, await resp.text()
    answer = await resp.json()
    tokens.setdefault(key, answer.get("token"))
    return answer


# (language, first message, topic, a phrase of that topic's answer in that language)
OPENINGS = [
    ("uk", "Добрий день, підкажіть як отримати крісло колісне для мами", "disability", "крісел колісних"),
    ("en", "Hello, my mother needs a wheelchair, how do we get one?", "disability", "wheelchairs"),
    ("uk", "наш будинок зруйновано після обстрілу, яка компенсація", "housing_compensation", "компенсацію"),
    ("en", "our flat was damaged by shelling, can we get compensation", "housing_compensation", "compensation"),
    ("ru", "Здравствуйте, маме нужна инвалидная коляска, куда обращаться?", "disability", "инвалидностью"),
    ("ru", "дом разрушен после обстрела, положена ли компенсация за жилье", "housing_compensation", "компенсаци"),
    ("az", "Salam, anama əlil arabası lazımdır, hara müraciət edək?", "disability", "əlil arabalarının"),
    ("az", "evimiz atəşdən dağılıb, kompensasiya almaq olar?", "housing_compensation", "kompensasiya"),
]


@pytest.mark.parametrize(("language", "text", "topic", "phrase"), OPENINGS)
async def test_free_text_reaches_the_topic_in_the_persons_language(
    client: TestClient, language: str, text: str, topic: str, phrase: str
) -> None:
    body = await say(client, f"free-{language}-{topic}", text)
    assert body["conversation"]["language"] == language
    assert body["conversation"]["topic"] == topic
    assert any(phrase in r["text"] for r in body["replies"])


@pytest.mark.parametrize(
    ("key", "text", "emergency"),
    [
        ("crisis-uk", "я не хочу більше жити", "7333"),
        ("crisis-en", "I want to kill myself tonight", "112"),
        ("crisis-ru", "не хочу больше жить, всё бессмысленно", "7333"),
        ("crisis-az", "artıq yaşamaq istəmirəm, özümü öldürəcəm", "112"),
    ],
)
async def test_crisis_text_is_queued_first_with_emergency_contacts(
    client: TestClient, key: str, text: str, emergency: str
) -> None:
    await say(client, "someone-else", "хочу поговорити з оператором")
    body = await say(client, key, text)
    assert body["conversation"]["priority"] == "crisis" and body["conversation"]["state"] == "waiting"
    assert body["conversation"]["queue_position"] == 1
    assert emergency in body["replies"][0]["text"]


async def test_crisis_in_the_middle_of_a_menu(client: TestClient) -> None:
    await say(client, "mid", "привіт")
    await say(client, "mid", button="topic:elderly_care")
    body = await say(client, "mid", "мене б'ють вдома, я боюся, він зараз тут")
    assert body["conversation"]["priority"] == "crisis" and "102" in body["replies"][0]["text"]


async def test_asking_for_a_person_in_words(client: TestClient) -> None:
    body = await say(client, "person-words", "можна поговорити з живою людиною?")
    assert body["conversation"]["state"] == "waiting" and body["conversation"]["priority"] == "request"


async def test_out_of_scope_gets_help_not_a_guess(client: TestClient) -> None:
    await say(client, "oos", "привіт")
    body = await say(client, "oos", "який завтра буде курс біткоїна")
    assert body["conversation"]["topic"] is None
    assert body["replies"][0]["buttons"]  # a clarifying question or the menu, never a wrong answer
