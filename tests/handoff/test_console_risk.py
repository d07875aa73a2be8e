"""The console shows why a conversation was flagged and takes the operator's mark (issue 21 item 3).

A real vikno on a real socket (embedded store), people writing over REST, an
NLU double at the engine's boundary that gives the levels and reasons the
crisis layer would (the store and the console are real), and operators
with their own cookies.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from vikno.bots.app import build_app
from vikno.bots.config import load_settings
from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.nlu.types import FALLBACK_INTENT
from vikno.storage.models import Feedback, FeedbackLabel, utcnow

from tests.flows.conftest import ScriptedNLU, intent

from .conftest import Agent, ConsoleSite, console_app, serving

MAYBE = "мама сказала що мене вбʼє, я не хочу жити так"
CRISIS = "не хочу більше жити"
MISSED = "я стою на мосту"
ORDINARY = "де взяти крісло колісне"

RISK_NLU = ScriptedNLU(
    dict(
        [
            intent(
                MAYBE,
                FALLBACK_INTENT,
                confidence=0.2,
                crisis_score=0.55,
                risk="check",
                risk_reasons=("rule:want_die", "model:0.55"),
            ),
            intent(
                CRISIS,
                FALLBACK_INTENT,
                confidence=0.2,
                crisis=True,
                crisis_score=0.97,
                risk_reasons=("rule:no_want_live", "model:0.97"),
            ),
            intent(ORDINARY, "disability"),
        ]
    )
)

URGENT_LABELS = {
    "uk": "Перевірка безпеки",
    "ru": "Проверка безопасности",
    "az": "Təhlükəsizlik yoxlaması",
    "en": "Safety check",
}


def risk_app(data_dir: Path):  # type: ignore[no-untyped-def]
    settings = load_settings(environ={"VIKNO_DATA_DIR": str(data_dir), "VIKNO_NLU": "none"})
    return build_app(settings, load_helplines(shipped_helpline_folders()), nlu=RISK_NLU)


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[ConsoleSite]:
    async with serving(risk_app(tmp_path / "data")) as s:
        yield s


async def flagged_chat(
    site: ConsoleSite, login: str = "olena", key: str = "anna", lang: str = "en", **kw
) -> tuple[Agent, str]:
    """A person whose message was a possible crisis (priority urgent), taken by an operator."""
    await site.operator(login, display_name=login.capitalize(), **kw)
    person = site.agent()
    answer = await person.say(key, MAYBE)
    assert answer["conversation"]["priority"] == "urgent"
    op = site.agent(lang)
    assert (await op.log_in(login)).status == 303
    resp = await op.post("/console/take-next", json_reply=True)
    assert resp.status == 200, await resp.text()
    return op, (await resp.json())["conversation_id"]


async def inbound_id(site: ConsoleSite, cid: str, text: str) -> str:
    (m,) = [m for m in await site.store.messages.history(cid) if m.direction == "in" and m.text == text]
    return m.id


async def chat_json(op: Agent, cid: str) -> dict:
    resp = await op.get(f"/console/api/c/{cid}")
    assert resp.status == 200, await resp.text()
    return await resp.json()


def visible(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


# --- the priority "urgent" in the queue, in every console language -------------------


@pytest.mark.parametrize("lang", ["uk", "ru", "az", "en"])
async def test_the_queue_shows_the_urgent_priority_with_its_label(site: ConsoleSite, lang: str) -> None:
    await site.operator("olena")
    await site.agent().say("anna", MAYBE)
    op = site.agent(lang)
    assert (await op.log_in("olena")).status == 303
    (row,) = (await op.queue())["queue"]
    assert (row["priority"], row["priority_label"]) == ("urgent", URGENT_LABELS[lang])
    page = await (await op.get("/console/queue")).text()
    assert f'<span class="badge p-urgent">{URGENT_LABELS[lang]}</span>' in page
    staff = await site.operator(f"iryna{lang}", role="supervisor")
    sup = site.agent(lang)
    assert (await sup.log_in(staff.login)).status == 303
    figures = await (await sup.get("/console/api/supervisor")).json()
    assert {"priority": "urgent", "label": URGENT_LABELS[lang], "count": 1} in figures["by_priority"]


# --- the chat page says why -------------------------------------------------------------


async def test_the_chat_shows_the_level_the_reasons_and_the_flagged_message(site: ConsoleSite) -> None:
    op, cid = await flagged_chat(site)
    await site.agent().say("anna", button="safety:safe")
    mid = await inbound_id(site, cid, MAYBE)
    risk = (await chat_json(op, cid))["risk"]
    assert risk["level"] == "check" and risk["level_label"] == "Possible crisis: safety check"
    (flag,) = risk["flags"]
    assert flag["message_id"] == mid and flag["level"] == "check" and flag["excerpt"] == MAYBE
    assert flag["reasons"] == ["Crisis rule: suicide or self-harm (want die)", "Crisis model: 55 % sure it is a crisis"]
    assert flag["mark"] is None
    assert risk["check"]["answer"] == "safe" and risk["check"]["answer_label"] == "Answered: “I'm safe”"
    assert risk["check"]["escalated"] is None
    page = await (await op.get(f"/console/c/{cid}")).text()
    words = visible(page)
    for shown in (
        "Why this chat was flagged",
        "Possible crisis: safety check",
        "Safety check",
        "Crisis rule: suicide or self-harm (want die)",
        "Crisis model: 55 % sure it is a crisis",
        "Answered: “I'm safe”",
        "Is this a crisis?",
    ):
        assert shown in words, shown
    # the flagged message is named and found in the chat by its id
    assert f'href="#m-{mid}"' in page and f'id="m-{mid}"' in page
    assert f'name="message_id" value="{mid}"' in page


async def test_a_crisis_after_the_check_shows_as_raised_to_crisis_in_ukrainian(site: ConsoleSite) -> None:
    op, cid = await flagged_chat(site, lang="uk")
    await site.agent().say("anna", CRISIS)
    risk = (await chat_json(op, cid))["risk"]
    assert risk["level"] == "crisis" and risk["level_label"] == "Криза"
    assert [f["level"] for f in risk["flags"]] == ["crisis", "check"]  # newest first
    assert risk["flags"][0]["reasons"] == [
        "Правило кризи: суїцид або самоушкодження (no want live)",
        "Модель кризи: впевнена на 97 %, що це криза",
    ]
    assert risk["check"]["escalated_label"] == "Піднято до кризи: кризове повідомлення"
    assert risk["check"]["answer_label"] == "Відповіді ще немає"


DANGER_PRESSED = {
    "en": "The person pressed “I'm in danger now” at",
    "uk": "Людина натиснула «Я зараз у небезпеці» о",
    "ru": "Человек нажал «Я сейчас в опасности» в",
    "az": "İnsan «Mən indi təhlükədəyəm» düyməsini",
}


@pytest.mark.parametrize("lang", ["en", "uk", "ru", "az"])
async def test_in_danger_without_a_question_shows_as_a_crisis_and_why(site: ConsoleSite, lang: str) -> None:
    """Attack on issue 21, B1: a bare "safety:danger" made a crisis that the panel called "no risk found"."""
    await site.operator("olena")
    answer = await site.agent().say("stranger", button="safety:danger")
    assert answer["conversation"]["priority"] == "crisis"
    op = site.agent(lang)
    assert (await op.log_in("olena")).status == 303
    cid = (await (await op.post("/console/take-next", json_reply=True)).json())["conversation_id"]
    risk = (await chat_json(op, cid))["risk"]
    crisis = {"en": "Crisis", "uk": "Криза", "ru": "Кризис", "az": "Böhran"}[lang]
    assert (risk["level"], risk["level_label"], risk["flags"], risk["check"]) == ("crisis", crisis, [], None)
    danger = risk["danger"]
    assert danger["times"] == 1 and danger["at"].endswith("Z")
    assert danger["text"].startswith(DANGER_PRESSED[lang]) and danger["at"][11:16] in danger["text"]
    page = await (await op.get(f"/console/c/{cid}")).text()
    assert '<section class="risk level-crisis" id="risk" aria-labelledby="risk-title">' in page  # not hidden
    assert danger["text"] in visible(page)


async def test_an_ordinary_chat_shows_no_risk_panel(site: ConsoleSite) -> None:
    await site.operator("olena")
    await site.agent().say("bora", ORDINARY)
    await site.agent().say("bora", button="person")
    op = site.agent("en")
    assert (await op.log_in("olena")).status == 303
    cid = (await (await op.post("/console/take-next", json_reply=True)).json())["conversation_id"]
    risk = (await chat_json(op, cid))["risk"]
    assert (risk["level"], risk["flags"], risk["check"], risk["danger"]) == ("none", [], None, None)
    assert (
        '<section class="risk level-none" id="risk" aria-labelledby="risk-title" hidden>'
        in await (await op.get(f"/console/c/{cid}")).text()
    )


# --- the operator's mark ------------------------------------------------------------------


async def test_marking_crisis_keeps_a_labelled_example_and_raises_an_urgent_chat(site: ConsoleSite) -> None:
    op, cid = await flagged_chat(site)
    mid = await inbound_id(site, cid, MAYBE)
    resp = await op.post(f"/console/c/{cid}/mark", {"message_id": mid, "label": "crisis"}, json_reply=True)
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["label"] == "crisis"
    (kept,) = await site.store.feedback.since()
    olena = await site.store.operators.by_login("olena")
    assert (kept.message_id, kept.conversation_id, kept.helpline, kept.text, kept.language) == (
        mid,
        cid,
        "community-1620",
        MAYBE,
        "uk",
    )
    assert (kept.label, kept.level, kept.reasons, kept.operator_id) == (
        "crisis",
        "check",
        ["rule:want_die", "model:0.55"],
        olena.id,
    )
    conv = await site.store.conversations.get(cid)
    assert conv.priority == "crisis" and conv.data["safety_check"]["escalated"] == "operator_marked"
    kinds = await site.store.events.count_by("kind")
    assert kinds.get("risk_marked") == 1 and kinds.get("priority_raised") == 1
    risk = (await chat_json(op, cid))["risk"]
    assert risk["flags"][0]["mark"]["label"] == "crisis"
    assert risk["flags"][0]["mark"]["text"].startswith("Marked “crisis” by Olena at ")
    assert risk["check"]["escalated_label"] == "Raised to crisis: an operator marked it a crisis"
    # a plain form (no script) works too, and is answered with a redirect back to the chat
    resp = await op.post(f"/console/c/{cid}/mark", {"message_id": mid, "label": "not_crisis"})
    assert resp.status == 303 and resp.headers["Location"] == f"/console/c/{cid}"
    (kept,) = await site.store.feedback.since()
    assert kept.label == "not_crisis"  # the later mark replaces the earlier
    assert (await site.store.conversations.get(cid)).priority == "crisis"  # and lowers nothing
    assert "Marked “not a crisis” by Olena" in visible(await (await op.get(f"/console/c/{cid}")).text())


async def test_not_a_crisis_never_lowers_the_priority(site: ConsoleSite) -> None:
    op, cid = await flagged_chat(site)
    mid = await inbound_id(site, cid, MAYBE)
    resp = await op.post(f"/console/c/{cid}/mark", {"message_id": mid, "label": "not_crisis"}, json_reply=True)
    assert resp.status == 200, await resp.text()
    conv = await site.store.conversations.get(cid)
    assert conv.priority == "urgent" and not conv.data["safety_check"]["escalated"]
    (kept,) = await site.store.feedback.since()
    assert (kept.label, kept.level) == (FeedbackLabel.NOT_CRISIS, "check")


async def test_a_message_the_crisis_layer_missed_can_be_marked_crisis(site: ConsoleSite) -> None:
    """The most useful example of all: a crisis nobody flagged (level "none")."""
    await site.operator("olena")
    await site.agent().say("bora", button="person")
    await site.agent().say("bora", MISSED)
    op = site.agent("en")
    assert (await op.log_in("olena")).status == 303
    cid = (await (await op.post("/console/take-next", json_reply=True)).json())["conversation_id"]
    mid = await inbound_id(site, cid, MISSED)
    page = await (await op.get(f"/console/c/{cid}")).text()
    assert f'name="message_id" value="{mid}"' in page  # a mark form beside the message
    (shown,) = [m for m in (await chat_json(op, cid))["messages"] if m["id"] == mid]
    assert shown["markable"]
    resp = await op.post(f"/console/c/{cid}/mark", {"message_id": mid, "label": "crisis"}, json_reply=True)
    assert resp.status == 200, await resp.text()
    (kept,) = await site.store.feedback.since()
    assert (kept.text, kept.label, kept.level, kept.reasons) == (MISSED, "crisis", "none", [])
    # the operator knows best: a missed crisis is a crisis, at the top should the chat go back to the queue
    raised = await site.store.conversations.get(cid)
    assert (raised.priority, raised.team) == ("crisis", None)
    marks = (await chat_json(op, cid))["risk"]["marks"]
    assert marks[mid]["label"] == "crisis"


async def test_what_cannot_be_marked_is_refused_and_nothing_is_kept(site: ConsoleSite) -> None:
    op, cid = await flagged_chat(site)
    mid = await inbound_id(site, cid, MAYBE)
    bot_reply = next(m.id for m in await site.store.messages.history(cid) if m.direction == "out")
    await site.agent().say("someone-else", ORDINARY)
    elsewhere = next(
        m for m in await site.store.messages.history(await site.conversation_id("someone-else")) if m.direction == "in"
    )
    for form, status, words in [
        ({"message_id": mid, "label": "maybe"}, 422, "choose “crisis” or “not a crisis”"),
        ({"message_id": mid}, 422, "choose “crisis” or “not a crisis”"),
        ({"message_id": bot_reply, "label": "crisis"}, 404, "there is no such message of the person in this chat"),
        ({"message_id": elsewhere.id, "label": "crisis"}, 404, "there is no such message of the person in this chat"),
        ({"message_id": "", "label": "crisis"}, 404, "there is no such message of the person in this chat"),
    ]:
        resp = await op.post(f"/console/c/{cid}/mark", form, json_reply=True)
        assert resp.status == status, (form, await resp.text())
        assert (await resp.json())["error"] == words
    resp = await op.post(f"/console/c/{cid}/mark", {"message_id": mid, "label": "crisis"}, csrf="")
    assert resp.status == 403
    assert await site.store.feedback.since() == []
    assert (await site.store.conversations.get(cid)).priority == "urgent"


async def test_only_the_operator_who_has_the_chat_or_a_supervisor_may_mark(site: ConsoleSite) -> None:
    """The access rule (handoff/access.py): another team's operator, or a colleague of the same team who
    does not have the chat, cannot mark; a supervisor can."""
    op, cid = await flagged_chat(site, teams=["social"])
    mid = await inbound_id(site, cid, MAYBE)
    for login, teams in (("petro", ["protection"]), ("maria", ["social"])):
        await site.operator(login, teams=teams)
        other = site.agent("en")
        assert (await other.log_in(login)).status == 303
        resp = await other.post(f"/console/c/{cid}/mark", {"message_id": mid, "label": "crisis"}, json_reply=True)
        assert resp.status == 403, await resp.text()
        assert (await other.get(f"/console/api/c/{cid}")).status == 403
    assert await site.store.feedback.since() == []
    assert (await site.store.conversations.get(cid)).priority == "urgent"
    await site.operator("iryna", role="supervisor", display_name="Iryna")
    sup = site.agent("en")
    assert (await sup.log_in("iryna")).status == 303
    resp = await sup.post(f"/console/c/{cid}/mark", {"message_id": mid, "label": "crisis"}, json_reply=True)
    assert resp.status == 200, await resp.text()
    (kept,) = await site.store.feedback.since()
    assert kept.operator_id == (await site.store.operators.by_login("iryna")).id


# --- retention: marks hold people's words ---------------------------------------------------


async def test_a_running_vikno_deletes_marks_past_the_retention_setting(tmp_path: Path) -> None:
    server = TestServer(
        console_app(
            tmp_path / "data", console={"release_every": timedelta(seconds=0.1)}, VIKNO_FEEDBACK_RETENTION_DAYS="30"
        ),
        host="127.0.0.1",
    )
    await server.start_server()
    site = ConsoleSite(server)
    try:
        now = utcnow()
        for mid, days in (("old", 31), ("recent", 29)):
            await site.store.feedback.mark(
                Feedback(
                    message_id=mid,
                    conversation_id="c",
                    helpline="community-1620",
                    text="слова людини",
                    label="crisis",
                    operator_id="op",
                    marked_at=now - timedelta(days=days),
                )
            )
        for _ in range(100):  # the console's upkeep runs every 0.1 s here; give it up to 10 s on a busy machine
            if [m.message_id for m in await site.store.feedback.since()] == ["recent"]:
                break
            await asyncio.sleep(0.1)
        assert [m.message_id for m in await site.store.feedback.since()] == ["recent"]
    finally:
        await server.close()


@pytest.mark.parametrize("lang", ["en", "uk", "ru", "az"])
def test_every_reason_the_triage_gives_is_said_in_words(lang: str) -> None:
    from vikno.handoff.console.i18n import text
    from vikno.handoff.console.risk import reason_words
    from vikno.nlu.risk_context import CONTEXTS

    unknown = text(lang, "risk.reason.unknown", reason="")
    from vikno.nlu.risk import BEYOND_THE_MODEL

    reasons = [
        "rule:no_want_live",
        "model:0.93",
        "sentence:0.81",
        *(f"context:{name}" for name in CONTEXTS),
        *(f"rule-decides:{why}" for why in BEYOND_THE_MODEL),
    ]
    for reason in reasons:
        words = reason_words(reason, lang)
        assert unknown not in words and reason not in words, words  # never "Other reason: context:past"
    assert "93" in reason_words("model:0.93", lang) and "81" in reason_words("sentence:0.81", lang)
