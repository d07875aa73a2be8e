"""The three levels of crisis risk end to end over REST, Telegram and the web chat, in uk, ru, az, en (issue 21).

Each channel runs the real vikno app on a real socket, on the embedded
store, with the real built-in NLU: the intent classifier and the learned
crisis model trained on the shipped corpus (``shipped_nlu``, once per
session), not a scripted NLU. So a row here passes only when the whole
chain holds: the channel's edge, language detection, the crisis rules and
model, the dialogue's answer, the queue, and what the channel sends out.

What each level must look like to the person:

* ``crisis``: the first reply holds the emergency numbers at once (the line
  that says "call right now", then ☎ 112), the conversation waits in the
  queue as ``crisis``;
* ``check``: the first reply asks "are you safe right now?" with the numbers
  and three buttons (in danger / safe / a person), the conversation waits as
  ``urgent``; "I'm in danger" then makes it a crisis;
* ``none``: the ordinary dialogue answers the help topic; no queue, no
  numbers, no safety question.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from vikno.bots.app import build_app
from vikno.bots.config import WebchatSettings, load_settings
from vikno.bots.keys import ENGINE, SAFETY_CHECKS, STORE
from vikno.bots.telegram import SECRET_HEADER, WEBHOOK_PATH, TelegramChannel
from vikno.flows.content import Helpline, load_helplines, shipped_helpline_folders
from vikno.handoff.accounts import create_operator
from vikno.nlu.builtin import BuiltinNLU
from vikno.storage.models import Conversation, utcnow

from tests.bots.fake_telegram import Call, FakeTelegram
from tests.bots.telegram_payloads import CALLBACK, CHAT, PERSON, message
from tests.bots.test_webchat import EMBEDDER, frame, hello, turn
from tests.handoff.conftest import PASSWORD, Agent


@dataclass(frozen=True, slots=True)
class Case:
    language: str
    level: str  # crisis, check or none
    text: str
    #: for ``none``: the help topic the ordinary dialogue answers
    topic: str | None = None

    @property
    def id(self) -> str:
        return f"{self.language}-{self.level}"


# This table pins behaviour of the *shipped* crisis model and rules (nlu/data/<lang>/crisis.yml at the time of
# writing): every message was placed at its level by `vikno nlu parse --json`, and chosen well inside it (model
# scores: crises 0.99-1.00 with rules as well; checks 0.52-0.57, no rule, between check_at 0.25 and
# crisis_at 0.85; ordinary questions below 0.01). A retrained model may move a row; then
# test_the_table_is_what_the_shipped_model_says says which, before any channel does, and the row needs a
# message that is clearly at its level again, not a changed expectation. (Round 10's data moved the en check
# "I feel really bad and I don't know who to turn to" from 0.299 to 0.249, under check_at; its row is now the
# other languages' "very scared and feel bad, don't know what to do", 0.49 before and after.)
CASES = [
    Case("uk", "crisis", "я не хочу більше жити, сьогодні вночі все закінчу"),
    Case("uk", "check", "мені дуже страшно і погано, не знаю що робити"),
    Case("uk", "none", "Доброго дня, як оформити субсидію на оплату комуналки?", "social_benefits"),
    Case("ru", "crisis", "Я выпила все таблетки из аптечки, мне очень плохо"),
    Case("ru", "check", "мне страшно и очень плохо, не знаю что делать"),
    Case("ru", "none", "Здравствуйте, маме нужна инвалидная коляска, куда обращаться?", "disability"),
    Case("az", "crisis", "artıq yaşamaq istəmirəm, bu gecə özümü öldürəcəm"),
    Case("az", "check", "nə edəcəyimi bilmirəm, çox qorxuram"),
    Case("az", "none", "evimiz atəşdən dağılıb, kompensasiya almaq olar?", "housing_compensation"),
    Case("en", "crisis", "I'm standing on the roof and I want to jump"),
    Case("en", "check", "I'm very scared and feel really bad, I don't know what to do"),
    Case("en", "none", "Hello, my mother needs a wheelchair, how do we get one?", "disability"),
]
CHECKS = [c for c in CASES if c.level == "check"]
#: An ordinary question whose topic belongs to one team (social), so that a chat has a team before a crisis.
TOPIC_OF_A_TEAM = "Доброго дня, як оформити субсидію на оплату комуналки?"

# What the person must see, per language (flows/content/community-1620/texts.yml).
EMERGENCY = "☎ 112"
CALL_NOW = {
    "uk": "Якщо є загроза життю — телефонуйте просто зараз:",
    "ru": "Если есть угроза жизни — звоните прямо сейчас:",
    "az": "Əgər həyat üçün təhlükə varsa — elə indi zəng edin:",
    "en": "If there is a danger to life, call right now:",
}
SAFETY_QUESTION = {
    "uk": "Ви зараз у безпеці?",
    "ru": "Вы сейчас в безопасности?",
    "az": "Siz indi təhlükəsizsiniz?",
    "en": "Are you safe right now?",
}
SAFETY_BUTTONS = {
    "uk": [
        ("Мені загрожує небезпека", "safety:danger"),
        ("Я в безпеці", "safety:safe"),
        ("🙋 Поговорити з людиною", "person"),
    ],
    "ru": [
        ("Мне угрожает опасность", "safety:danger"),
        ("Я в безопасности", "safety:safe"),
        ("🙋 Поговорить с человеком", "person"),
    ],
    "az": [
        ("Mənə təhlükə var", "safety:danger"),
        ("Mən təhlükəsizəm", "safety:safe"),
        ("🙋 Operatorla danışmaq", "person"),
    ],
    "en": [("I'm in danger now", "safety:danger"), ("I'm safe", "safety:safe"), ("🙋 Talk to a person", "person")],
}


@dataclass
class Seen:
    """What one channel showed the person after one message, in the same shape for every channel."""

    replies: list[tuple[str, list[tuple[str, str]]]]  # (text, [(button title, payload)]) in the order sent
    state: str
    priority: str | None
    language: str | None
    topic: str | None


def assert_level(case: Case, seen: Seen) -> None:
    assert seen.replies, f"{case.id}: no reply at all"
    first, buttons = seen.replies[0]
    everything = "\n".join(text for text, _ in seen.replies)
    payloads = [p for _, bs in seen.replies for _, p in bs]
    assert seen.language == case.language
    if case.level == "crisis":
        # before anything else: the first reply opens with the line that says to call now, then the numbers
        lines = first.splitlines()
        assert lines[0].endswith(CALL_NOW[case.language]) and lines[1].startswith(EMERGENCY), first
        assert not any(q in everything for q in SAFETY_QUESTION.values())  # no question: the alarm
        assert (seen.state, seen.priority) == ("waiting", "crisis")
    elif case.level == "check":
        assert SAFETY_QUESTION[case.language] in first and EMERGENCY in first, first
        assert buttons == SAFETY_BUTTONS[case.language]
        assert (seen.state, seen.priority) == ("waiting", "urgent")
    else:
        assert EMERGENCY not in everything and not any(q in everything for q in SAFETY_QUESTION.values())
        assert not any(p.startswith("safety:") for p in payloads)
        assert (seen.state, seen.priority) == ("bot", None)
        assert seen.topic == case.topic


def test_the_table_is_what_the_shipped_model_says(shipped_nlu: BuiltinNLU) -> None:
    """The rows' levels come from the shipped model: if a retrained model moves one, this names it."""
    moved = []
    for case in CASES:
        parse = shipped_nlu.parse_sync(case.text)
        if (parse.risk, parse.language) != (case.level, case.language):
            moved.append((case.id, case.text, parse.language, parse.risk, parse.risk_reasons))
    assert moved == []


@pytest.fixture(scope="module")
def helplines() -> dict[str, Helpline]:
    return load_helplines(shipped_helpline_folders())


# --- REST ---------------------------------------------------------------------------------------------


@pytest.fixture
async def rest_base(
    tmp_path: Path, shipped_nlu: BuiltinNLU, helplines: dict[str, Helpline]
) -> AsyncIterator[tuple[str, Any]]:
    settings = load_settings(environ={"VIKNO_DATA_DIR": str(tmp_path / "data")})
    server = TestServer(build_app(settings, helplines, nlu=shipped_nlu), host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("/")), server.app
    finally:
        await server.close()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_rest(rest_base: tuple[str, Any], case: Case) -> None:
    base, app = rest_base
    # an operator is online (so a crisis hears "I am calling a specialist"), and someone asked for a person first
    operator = await create_operator(app[STORE], "duty", PASSWORD)
    operator.presence = "online"
    await app[STORE].operators.save(operator)
    person = Agent(base)
    try:
        await person.say("earlier", button="person")
        answer = await person.say(f"rest-{case.id}", case.text)
    finally:
        await person.close()
    conv = answer["conversation"]
    assert answer["token"]  # the conversation's credential for its next messages
    assert_level(
        case,
        Seen(
            [(r["text"], [(b["title"], b["payload"]) for b in r["buttons"]]) for r in answer["replies"]],
            conv["state"],
            conv["priority"],
            conv["language"],
            conv["topic"],
        ),
    )
    # a crisis and a check go ahead of the earlier request; an ordinary question is not queued at all
    assert conv["queue_position"] == (None if case.level == "none" else 1)


# --- Telegram --------------------------------------------------------------------------------------------

SECRET = "risk-e2e-webhook-secret"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.close()


@pytest.fixture
async def telegram(
    tmp_path: Path,
    fake: FakeTelegram,
    shipped_nlu: BuiltinNLU,
    helplines: dict[str, Helpline],
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[TestClient]:
    # Telegram's pace (1 s per chat, back-off from 1 s) would only make the test slow
    monkeypatch.setattr(TelegramChannel, "per_chat_interval", 0.0)
    monkeypatch.setattr(TelegramChannel, "retry_first", 0.05)
    settings = load_settings(
        environ={
            "VIKNO_DATA_DIR": str(tmp_path / "data"),
            "VIKNO_PUBLIC_URL": "https://help.example.org",
            "VIKNO_TELEGRAM_TOKEN": fake.token,
            "VIKNO_TELEGRAM_API": fake.url,
            "VIKNO_TELEGRAM_MODE": "webhook",
            "VIKNO_TELEGRAM_SECRET": SECRET,
        }
    )
    async with TestClient(TestServer(build_app(settings, helplines, nlu=shipped_nlu))) as client:
        yield client


async def deliver(client: TestClient, fake: FakeTelegram, update: dict[str, Any]) -> tuple[list[Call], Conversation]:
    """Post an update as Telegram does; returns the sendMessage calls it caused and the conversation after it.

    The webhook answers once the turn and its replies are committed, so the
    stored outgoing messages say how many sendMessage calls to wait for.
    """
    before = len(fake.sent_to(CHAT))
    resp = await client.post(
        WEBHOOK_PATH,
        data=json.dumps(update).encode(),
        headers={"Content-Type": "application/json", SECRET_HEADER: SECRET},
    )
    assert resp.status == 200, await resp.text()
    conv = await client.app[ENGINE].find("telegram", str(CHAT))
    assert conv is not None
    out = [m for m in await client.app[STORE].messages.history(conv.id) if m.direction == "out"]
    calls = await fake.wait_for("sendMessage", len(out), chat_id=CHAT)
    return calls[before:], conv


def keyboard(call: Call) -> list[tuple[str, str]]:
    rows = call.params.get("reply_markup", {}).get("inline_keyboard", [])
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


def seen_on_telegram(calls: list[Call], conv: Conversation) -> Seen:
    return Seen([(c.params["text"], keyboard(c)) for c in calls], conv.state, conv.priority, conv.language, conv.topic)


def press(callback_id: str, data: str) -> dict[str, Any]:
    cq = json.loads(json.dumps(CALLBACK["callback_query"]))
    cq.update(id=callback_id, data=data, **{"from": PERSON})
    cq["message"]["chat"] = {"id": CHAT, "type": "private"}
    return {"update_id": 900_001_000, "callback_query": cq}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_telegram(telegram: TestClient, fake: FakeTelegram, case: Case) -> None:
    # the phone's language is Ukrainian (a hint); what the person writes decides
    calls, conv = await deliver(telegram, fake, message(1, text=case.text))
    assert all(c.params["chat_id"] == CHAT for c in calls)
    assert_level(case, seen_on_telegram(calls, conv))


@pytest.mark.parametrize("case", CHECKS, ids=[c.id for c in CHECKS])
async def test_telegram_in_danger_after_a_check_is_a_crisis(
    telegram: TestClient, fake: FakeTelegram, case: Case
) -> None:
    asked, _ = await deliver(telegram, fake, message(1, text=case.text))
    danger = next(data for title, data in keyboard(asked[0]) if title == SAFETY_BUTTONS[case.language][0][0])
    calls, conv = await deliver(telegram, fake, press("cb-danger", danger))
    assert_level(Case(case.language, "crisis", case.text), seen_on_telegram(calls, conv))
    kinds = await telegram.app[STORE].events.count_by("kind")
    assert kinds.get("risk_check") == 1 and kinds.get("risk_escalated") == 1 and kinds.get("crisis_detected") == 1


def later(app: Any, minutes: float) -> None:
    """Let the safety question sweep see the world ``minutes`` from now (the sweep itself runs for real)."""
    app[SAFETY_CHECKS].clock = lambda: utcnow() + timedelta(minutes=minutes)


def assert_told_to_call_now(language: str, text: str) -> None:
    lines = text.splitlines()
    assert lines[0].endswith(CALL_NOW[language]) and lines[1].startswith(EMERGENCY), text


@pytest.mark.parametrize("case", CHECKS, ids=[c.id for c in CHECKS])
async def test_telegram_no_answer_to_the_safety_question_becomes_a_crisis(
    telegram: TestClient, fake: FakeTelegram, case: Case
) -> None:
    """Silence after "are you safe?" escalates: the numbers are sent on their own and the chat tops the queue."""
    await deliver(telegram, fake, message(1, text=case.text))
    sent = len(fake.sent_to(CHAT))
    later(telegram.app, 4)  # the shipped helpline waits 5 minutes: not yet
    assert await telegram.app[SAFETY_CHECKS].sweep() == []
    later(telegram.app, 6)
    escalated = await telegram.app[SAFETY_CHECKS].sweep()
    assert [c.channel for c in escalated] == ["telegram"]
    calls = await fake.wait_for("sendMessage", sent + 1, chat_id=CHAT)
    assert len(calls) == sent + 1, "the escalation is sent once"
    assert_told_to_call_now(case.language, calls[-1].params["text"])
    conv = await telegram.app[ENGINE].find("telegram", str(CHAT))
    assert conv is not None and (conv.state, conv.priority) == ("waiting", "crisis")
    assert await telegram.app[SAFETY_CHECKS].sweep() == []  # once
    kinds = await telegram.app[STORE].events.count_by("kind")
    assert kinds.get("risk_escalated") == 1


# --- the web chat ------------------------------------------------------------------------------------------


@pytest.fixture
async def webchat(tmp_path: Path, shipped_nlu: BuiltinNLU, helplines: dict[str, Helpline]) -> AsyncIterator[TestClient]:
    settings = load_settings(environ={"VIKNO_DATA_DIR": str(tmp_path / "data")})
    settings = settings.model_copy(update={"webchat": WebchatSettings(allowed_origins=[EMBEDDER])})
    async with TestClient(TestServer(build_app(settings, helplines, nlu=shipped_nlu))) as client:
        yield client


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_webchat(webchat: TestClient, case: Case) -> None:
    # the site chose no language (the widget then sends none): what the person writes decides
    ws, _ = await hello(webchat, lang=None)
    try:
        ack, replies, conv = await turn(ws, {"type": "message", "id": "m1", "text": case.text})
    finally:
        await ws.close()
    assert ack["message"]["text"] == case.text
    assert_level(
        case,
        Seen(
            [(r["text"], [(b["title"], b["payload"]) for b in r["buttons"]]) for r in replies],
            conv["state"],
            conv["priority"],
            conv["language"],
            conv["topic"],
        ),
    )


@pytest.mark.parametrize("case", CHECKS, ids=[c.id for c in CHECKS])
async def test_webchat_no_answer_to_the_safety_question_becomes_a_crisis(webchat: TestClient, case: Case) -> None:
    """The open socket gets the numbers pushed when the unanswered question escalates, and the new priority."""
    ws, _ = await hello(webchat, lang=None)
    try:
        await turn(ws, {"type": "message", "id": "m1", "text": case.text})
        later(webchat.app, 6)
        assert len(await webchat.app[SAFETY_CHECKS].sweep()) == 1
        pushed = await frame(ws)
        while pushed["type"] != "system_message":  # the queue's own news may come first
            pushed = await frame(ws)
        assert_told_to_call_now(case.language, pushed["message"]["text"])
    finally:
        await ws.close()
    conv = next(iter(await webchat.app[STORE].conversations.waiting(["community-1620"], limit=5)))
    assert (conv.channel, conv.priority) == ("webchat", "crisis")


# --- the attack after issue 21: typed answers, a further signal, a crisis told to an operator -----------------

#: What people type instead of pressing a button, per language (flows/safety_answers.py).
TYPED_NO = {"uk": "ні", "ru": "нет", "az": "yox", "en": "NOT safe"}
TYPED_YES = {"uk": "так", "ru": "да", "az": "hə", "en": "yes"}
#: The reply to "I'm safe" (pressed or typed), per language, while an operator is online.
SAFE_THANKS = {
    "uk": "Дякую, що відповіли.",
    "ru": "Спасибо, что ответили.",
    "az": "Cavab verdiyiniz üçün təşəkkür edirəm.",
    "en": "Thank you for answering.",
}


def seen_on_rest(answer: dict[str, Any]) -> Seen:
    conv = answer["conversation"]
    return Seen(
        [(r["text"], [(b["title"], b["payload"]) for b in r["buttons"]]) for r in answer["replies"]],
        conv["state"],
        conv["priority"],
        conv["language"],
        conv["topic"],
    )


@pytest.mark.parametrize("case", CHECKS, ids=[c.id for c in CHECKS])
async def test_rest_a_typed_no_to_the_safety_question_is_a_crisis(rest_base: tuple[str, Any], case: Case) -> None:
    """ "ні", "нет", "yox", "NOT safe" answer "are you safe?" as the "in danger" button does (attack A3)."""
    base, app = rest_base
    person = Agent(base)
    try:
        await person.say(f"no-{case.id}", case.text)
        answer = await person.say(f"no-{case.id}", TYPED_NO[case.language])
    finally:
        await person.close()
    assert_level(Case(case.language, "crisis", case.text), seen_on_rest(answer))
    kinds = await app[STORE].events.count_by("kind")
    assert kinds.get("risk_escalated") == 1 and kinds.get("crisis_detected") == 1


@pytest.mark.parametrize("case", CHECKS, ids=[c.id for c in CHECKS])
async def test_rest_a_typed_yes_is_safe_and_small_talk_leaves_the_question_open(
    rest_base: tuple[str, Any], case: Case
) -> None:
    """ "так"/"yes" answers the question; a stray button answers nothing and the silence still escalates."""
    base, app = rest_base
    operator = await create_operator(app[STORE], "duty", PASSWORD)
    operator.presence = "online"
    await app[STORE].operators.save(operator)
    person = Agent(base)
    try:
        await person.say(f"yes-{case.id}", case.text)
        safe = await person.say(f"yes-{case.id}", TYPED_YES[case.language])
        await person.say(f"odd-{case.id}", case.text)
        odd = await person.say(f"odd-{case.id}", button="SAFETY:DANGER")  # malformed: no answer at all
    finally:
        await person.close()
    (reply,) = safe["replies"]
    assert reply["text"].startswith(SAFE_THANKS[case.language]) and EMERGENCY in reply["text"]
    assert [b["payload"] for b in reply["buttons"]] == ["safety:danger"]  # and no "leave the queue"
    assert (safe["conversation"]["state"], safe["conversation"]["priority"]) == ("waiting", "urgent")
    assert odd["conversation"]["priority"] == "urgent"
    later(app, 6)
    escalated = await app[SAFETY_CHECKS].sweep()
    assert [c.channel for c in escalated] == ["rest"]  # one: the one that never answered
    again = await app[STORE].conversations.get(escalated[0].id)
    assert again is not None and again.data["safety_check"]["answer"] is None


@pytest.mark.parametrize("case", CHECKS, ids=[c.id for c in CHECKS])
async def test_rest_a_further_risk_signal_after_i_am_safe_is_a_crisis(rest_base: tuple[str, Any], case: Case) -> None:
    """The question is asked once: a new warning sign after "I'm safe" escalates, it is not asked again (A1b)."""
    base, app = rest_base
    person = Agent(base)
    try:
        await person.say(f"again-{case.id}", case.text)
        await person.say(f"again-{case.id}", button="safety:safe")
        answer = await person.say(f"again-{case.id}", case.text)
    finally:
        await person.close()
    assert_level(Case(case.language, "crisis", case.text), seen_on_rest(answer))
    kinds = await app[STORE].events.count_by("kind")
    assert kinds.get("risk_check") == 1 and kinds.get("risk_escalated") == 1


@pytest.mark.parametrize("case", CHECKS, ids=[c.id for c in CHECKS])
async def test_telegram_a_typed_no_to_the_safety_question_is_a_crisis(
    telegram: TestClient, fake: FakeTelegram, case: Case
) -> None:
    await deliver(telegram, fake, message(1, text=case.text))
    calls, conv = await deliver(telegram, fake, message(2, text=TYPED_NO[case.language]))
    assert_level(Case(case.language, "crisis", case.text), seen_on_telegram(calls, conv))


RAISED = [c for c in CASES if c.level != "none"]


@pytest.mark.parametrize("case", RAISED, ids=[c.id for c in RAISED])
async def test_rest_a_crisis_told_to_an_operator_comes_back_at_the_top(rest_base: tuple[str, Any], case: Case) -> None:
    """Attack A7: a request taken by an operator, then a crisis (or a check) in the chat, then the operator
    goes offline: the chat returns as crisis (urgent) for every team, ahead of what waited meanwhile."""
    base, app = rest_base
    await create_operator(app[STORE], "social", PASSWORD, teams=["social"])
    person, op = Agent(base), Agent(base)
    try:
        await person.say("taken", TOPIC_OF_A_TEAM)
        await person.say("taken", button="person")
        assert (await op.log_in("social")).status == 303
        assert (await op.post("/console/presence", {"presence": "online"}, json_reply=True)).status == 200
        resp = await op.post("/console/take-next", json_reply=True)
        assert resp.status == 200, await resp.text()
        cid = (await resp.json())["conversation_id"]
        await person.say("meanwhile", button="person")
        await person.say("meanwhile-check", CHECKS[0].text)
        answer = await person.say("taken", case.text)
        if case.level == "crisis":  # the numbers at once; nobody to call, one is in the chat
            (reply,) = answer["replies"]
            assert reply["text"].splitlines()[0].endswith(CALL_NOW[case.language]), reply["text"]
            assert EMERGENCY in reply["text"] and "кличу фахівця" not in reply["text"]
        else:
            assert answer["replies"] == []  # the operator asks, not the bot
        assert (answer["conversation"]["state"], answer["conversation"]["priority"]) == (
            "with_operator",
            "crisis" if case.level == "crisis" else "urgent",
        )
        assert (await op.post("/console/presence", {"presence": "offline"}, json_reply=True)).status == 200
    finally:
        await person.close()
        await op.close()
    conv = await app[STORE].conversations.get(cid)
    assert conv is not None
    assert (conv.state, conv.priority, conv.team) == ("waiting", "crisis" if case.level == "crisis" else "urgent", None)
    waiting = await app[STORE].conversations.waiting(["community-1620"], limit=10)
    assert waiting[0].id == cid  # came back first: it entered the queue before the ones that waited meanwhile
    kinds = await app[STORE].events.count_by("kind")
    assert kinds.get("crisis_alert" if case.level == "crisis" else "risk_check_alert") == 1
