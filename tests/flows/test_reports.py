"""The anonymous report (issue 26): the flow, the code, the limit, and nothing that names the reporter."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest

from vikno.flows.channels import Abilities, Channel
from vikno.flows.content import load_helplines, shipped_helpline_folders
from vikno.flows.engine import Engine
from vikno.flows.messages import Inbound, Kind
from vikno.flows.report_codes import ALPHABET, looks_like_code, masked, new_code, normalize
from vikno.flows import reports as reports_module
from vikno.flows.reports import GLOBAL_ALERT_PER_HOUR, USER_ATTEMPTS
from vikno.handoff.accounts import create_operator
from vikno.handoff.service import Handoff
from vikno.storage.identity import IdentityVault
from vikno.storage.models import Priority, State
from vikno.storage.mongo.store import MongoStore
from vikno.storage.port import Store
from vikno.storage.sqlite.store import SqliteStore

from .conftest import Clock, intent
from .test_engine import payloads, press, text

REPORTER = "380501112233"  # the reporter's channel id: must appear nowhere in a report or its events
CODE = re.compile(r"[" + ALPHABET + r"]{4}-[" + ALPHABET + r"]{4}-[" + ALPHABET + r"]{4}")


def tg(body: str | None = None, button: str | None = None, user: str = REPORTER):
    from vikno.flows.messages import Inbound, Kind

    if button is not None:
        return Inbound(channel="telegram", user_id=user, button=button, kind=Kind.BUTTON)
    return Inbound(channel="telegram", user_id=user, text=body)


async def make_report(
    engine: Engine, user: str = REPORTER, *, urgency: str = "soon", phone: str | None = None, lang: str = "uk"
) -> tuple[str, list]:
    """Through the whole form by buttons; the code the reporter was given, and every turn."""
    turns = [await engine.handle(tg("Добрий день" if lang == "uk" else "Hello there friends", user=user))]
    if lang != "uk":
        turns.append(await engine.handle(tg(button=f"lang:{lang}", user=user)))
    turns.append(await engine.handle(tg(button="topic:report_person_in_need", user=user)))
    turns.append(await engine.handle(tg(button="report:about:elderly", user=user)))
    turns.append(await engine.handle(tg(button="report:place:north", user=user)))
    turns.append(await engine.handle(tg("Сусідка не виходить з дому третій день, не відчиняє двері", user=user)))
    turns.append(await engine.handle(tg(button=f"report:urgency:{urgency}", user=user)))
    if phone:
        turns.append(await engine.handle(tg(button="report:contact:yes", user=user)))
        turns.append(await engine.handle(tg(phone, user=user)))
    else:
        turns.append(await engine.handle(tg(button="report:contact:no", user=user)))
    found = CODE.search(turns[-1].replies[0].text)
    assert found, turns[-1].replies[0].text
    return found.group(0), turns


def test_codes_are_typed_as_seen_on_any_keyboard() -> None:
    code = new_code()
    assert CODE.fullmatch(code)
    assert normalize(code.lower().replace("-", " ")) == code
    assert normalize("ктмх-4тр9-нс3в") == "KTMX-4TP9-HC3B"  # Cyrillic look-alikes, lower case
    assert normalize("K7MX4TP9HC3B") == "K7MX-4TP9-HC3B" and normalize("K7MX-4TP9") is None
    assert normalize("O7MX-4TP9-HC3B") is None  # no O, 0, 1, I, L in the alphabet: nothing to confuse
    assert looks_like_code("k7mx-4tp9-hc3b") and not looks_like_code("привіт як справи")


async def test_report_by_buttons_reaches_the_queue_as_its_own_anonymous_conversation(
    engine: Engine, any_store: Store
) -> None:
    code, turns = await make_report(engine)
    start = turns[1]
    assert "анонімно" in start.replies[0].text and "report:about:child" in payloads(start)
    assert "report:code" in payloads(start) and "report:cancel" in payloads(start)
    assert "report:place:north" in payloads(turns[2]) and "report:place:other" in payloads(turns[2])
    made = turns[-1]
    assert made.replies[0].text.startswith("Дякуємо") and code in made.replies[0].text
    reporter = await engine.find("telegram", REPORTER)
    assert reporter.state == State.BOT and "report_draft" not in reporter.data  # the reporter's chat stays theirs
    # nothing in the reporter's chat points to the report but the code, sealed, for a resend of the last answer
    # (replies answered on the request: the client may have lost it), and only for a while (below)
    shown = reporter.data.pop("report_shown")
    assert set(shown) == {"sealed", "message", "at"} and code not in str(shown)
    # and when a report was sent from here (the form's messages in the chat say as much): no id, no code
    assert set(reporter.data.pop("report_sent")) == {"at"}
    assert "report" not in str(reporter.data)
    queue = await any_store.conversations.waiting(["community-1620"])
    assert len(queue) == 1
    queued = queue[0]
    assert queued.channel == "report" and queued.address is None and queued.priority == Priority.URGENT_REPORT
    assert queued.team == "social" and queued.id != reporter.id
    report = await any_store.reports.by_conversation(queued.id)
    assert report is not None and report.anonymous and report.about == "elderly" and report.place == "north"
    assert report.urgency == "soon" and report.channel == "telegram" and report.status == "received"
    assert report.what.startswith("Сусідка") and code not in str(report)  # the code only as its keyed hash
    history = await any_store.messages.history(queued.id)
    assert [m.text for m in history] == [report.what]


async def test_the_events_are_exactly_the_contract(engine: Engine, any_store: Store) -> None:
    await make_report(engine)
    counts = await any_store.events.count_by("kind", helpline="community-1620", kind="report_made")
    assert counts == {"report_made": 1}
    report_event = await _events(any_store, "report_made")
    (event,) = report_event
    queued = (await any_store.conversations.waiting(["community-1620"]))[0]
    report = await any_store.reports.by_conversation(queued.id)
    assert event.topic == "report_person_in_need" and event.priority == "urgent_report"
    assert event.channel == "telegram" and event.language == "uk" and event.conversation_id == queued.id
    assert event.data == {
        "report_id": report.id,
        "about": "elderly",
        "district": "north",
        "urgency": "soon",
        "anonymous": True,
    }


async def _events(store: Store, kind: str):
    if isinstance(store, SqliteStore):
        import json
        import sqlite3

        from vikno.storage.models import Event

        conn = sqlite3.connect(store.path)
        conn.row_factory = sqlite3.Row
        try:
            return [
                Event(
                    helpline=r["helpline"],
                    kind=r["kind"],
                    conversation_id=r["conversation_id"],
                    channel=r["channel"],
                    language=r["language"],
                    topic=r["topic"],
                    priority=r["priority"],
                    data=json.loads(r["data"]),
                    id=r["id"],
                )
                for r in conn.execute("SELECT * FROM events WHERE kind = ?", (kind,))
            ]
        finally:
            conn.close()
    from vikno.storage.models import Event

    out = []
    async for doc in store.db["events"].find({"kind": kind}):
        doc = dict(doc)
        doc["id"] = doc.pop("_id")
        out.append(Event(**doc))
    return out


async def test_immediate_danger_tells_the_numbers_at_once_and_is_a_crisis_for_everyone(
    engine: Engine, any_store: Store
) -> None:
    code, turns = await make_report(engine, urgency="now")
    now_turn = turns[-2]
    assert "112" in now_turn.replies[0].text and "report:contact:no" in payloads(now_turn)
    queued = (await any_store.conversations.waiting(["community-1620"]))[0]
    assert queued.priority == Priority.CRISIS and queued.team is None
    (event,) = await _events(any_store, "report_made")
    assert event.priority == "crisis" and event.data["urgency"] == "now"


async def test_typed_answers_back_and_cancel_in_russian(engine: Engine, any_store: Store) -> None:
    engine.nlu.table.update(dict([intent("хочу сообщить о ребёнке", "report_person_in_need", language="ru")]))
    user = "ru-typist"
    await engine.handle(tg(button="lang:ru", user=user))
    first = await engine.handle(tg("хочу сообщить о ребёнке", user=user))
    assert first.replies[-1].text.startswith("Спасибо, что не остаётесь")
    place = await engine.handle(tg("ребёнок", user=user))
    assert place.replies[0].text.startswith("Где это?")
    back = await engine.handle(tg("назад", user=user))
    assert back.replies[0].text.startswith("Спасибо, что не остаётесь")
    await engine.handle(tg("1", user=user))  # the first option: a child
    what = await engine.handle(tg("село Лісове, біля школи", user=user))  # a place of its own, typed
    assert what.replies[0].text.startswith("Что происходит?")
    await engine.handle(tg("Ребёнок часто один дома, плачет по ночам", user=user))
    contact = await engine.handle(tg("может подождать", user=user))
    assert contact.replies[0].text.startswith("Хотите, чтобы специалист")
    phone = await engine.handle(tg("да", user=user))
    assert phone.replies[0].text.startswith("Напишите номер")
    bad = await engine.handle(tg("не знаю", user=user))
    assert "не номер телефона" in bad.replies[0].text
    made = await engine.handle(tg("+380 (50) 777-11-22", user=user))
    assert made.replies[0].text.startswith("Спасибо. Ваше сообщение передано")
    queued = (await any_store.conversations.waiting(["community-1620"]))[0]
    report = await any_store.reports.by_conversation(queued.id)
    assert report.about == "child" and report.place == "other" and report.place_text == "село Лісове, біля школи"
    assert report.urgency == "can_wait" and report.team == "protection" and not report.anonymous
    assert (
        "777" not in report.contact
        and IdentityVault(b"test-secret-key-0123456789").decrypt(report.contact) == "+380507771122"
    )

    await engine.handle(tg(button="topic:report_person_in_need", user=user))
    cancelled = await engine.handle(tg("отмена", user=user))
    assert cancelled.replies[0].text.startswith("Хорошо, сообщение отменено")
    assert len(await any_store.conversations.waiting(["community-1620"])) == 1  # nothing was made


async def test_a_crisis_at_any_step_goes_through_the_crisis_layer(engine: Engine, any_store: Store) -> None:
    await engine.handle(tg("Добрий день"))
    await engine.handle(tg(button="topic:report_person_in_need"))
    await engine.handle(tg(button="report:about:other"))
    crisis = await engine.handle(tg("не хочу більше жити"))
    assert "112" in crisis.replies[0].text and crisis.conversation.priority == "crisis"
    reporter = await engine.find("telegram", REPORTER)
    assert "report_draft" not in reporter.data
    assert await any_store.reports.by_code("community-1620", "x") is None


async def test_the_code_from_another_channel_tells_the_status_and_adds_information(
    engine: Engine, any_store: Store
) -> None:
    code, _ = await make_report(engine)
    queued = (await any_store.conversations.waiting(["community-1620"]))[0]
    # later, in the web chat, a new conversation: the code typed on its own, in Cyrillic look-alikes
    typed = code.lower().translate(str.maketrans("abcehkmptx", "авсенкмртх"))
    status = await engine.handle(text("someone-else", typed))
    assert status.replies[0].text == "Ваше повідомлення: отримано, чекає на фахівця."
    assert "report:add" in payloads(status)
    prompt = await engine.handle(press("someone-else", "report:add"))
    assert prompt.replies[0].text.startswith("Напишіть, що ви хочете додати")
    added = await engine.handle(text("someone-else", "Сьогодні вона не відповіла навіть листоноші"))
    assert added.replies[0].text.startswith("Дякуємо, ми додали")
    report = await any_store.reports.by_conversation(queued.id)
    assert [a["text"] for a in report.additions] == ["Сьогодні вона не відповіла навіть листоноші"]
    history = await any_store.messages.history(queued.id)
    assert history[-1].text == "Сьогодні вона не відповіла навіть листоноші"
    assert "report" not in str((await engine.find("rest", "someone-else")).data)  # the short link is gone

    # closed by an operator, then more information: back in the queue
    queued = await any_store.conversations.get(queued.id)
    queued.state, queued.priority, queued.enqueued_at = State.CLOSED, None, None
    await any_store.conversations.save(queued)
    await engine.handle(text("third", "у мене є код"))
    await engine.handle(text("third", code))
    await engine.handle(press("third", "report:add"))
    await engine.handle(text("third", "Двері досі зачинені"))
    reopened = await any_store.conversations.get(queued.id)
    assert reopened.state == State.WAITING and reopened.priority == Priority.URGENT_REPORT


async def test_a_wrong_code_is_neutral_and_guessing_is_limited_per_person_and_for_everyone(
    engine: Engine, any_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vikno.storage.models import utcnow

    monkeypatch.setattr(reports_module, "GLOBAL_ATTEMPTS_PER_HOUR", 60)  # the ceiling's behaviour, in fewer turns
    now = utcnow()  # attempts are kept under a TTL index on MongoDB: real time, not a test date
    engine.clock.now = now + timedelta(minutes=15) if now.minute >= 45 else now  # inside one clock hour
    code, _ = await make_report(engine)
    wrong = await engine.handle(text("guesser", "AAAA-AAAA-AAAA"))
    assert wrong.replies[0].text.startswith("Не вдалося знайти повідомлення")
    for _ in range(USER_ATTEMPTS - 1):
        await engine.handle(text("guesser", "AAAA-AAAA-AAAA"))
    limited = await engine.handle(text("guesser", code))  # even the right code: no oracle once limited
    assert limited.replies[0].text.startswith("Забагато спроб") and "1620" in limited.replies[0].text
    # ...and not left without a way to add what they know: a new report, or a person
    assert payloads(limited)[:2] == ["topic:report_person_in_need", "person"]
    # the next person is not limited by the first one's guesses...
    ok = await engine.handle(text("honest", code))
    assert ok.replies[0].text.startswith("Ваше повідомлення:")
    # ...but guesses from many accounts together are
    for n in range(60):
        await engine.handle(text(f"bot-{n % 40}-{n}", "AAAA-AAAA-AAAA"))
    blocked = await engine.handle(text("honest-2", code))
    assert blocked.replies[0].text.startswith("Забагато спроб")
    engine.clock.now += timedelta(hours=1)  # a new hour: the helpline's count starts again
    again = await engine.handle(text("honest-3", code))
    assert again.replies[0].text.startswith("Ваше повідомлення:")


async def test_one_limited_guesser_does_not_spend_the_helpline_s_budget(engine: Engine, any_store: Store) -> None:
    """An outside attack found one account's 24 guesses all counted against the whole helpline: a single
    limited guesser could lock every honest reporter out of their code for the rest of the hour."""
    from vikno.storage.models import utcnow

    now = utcnow()  # real time: attempts are kept under a TTL index on MongoDB
    engine.clock.now = now + timedelta(minutes=15) if now.minute >= 45 else now  # inside one clock hour
    code, _ = await make_report(engine)
    for _ in range(USER_ATTEMPTS + GLOBAL_ALERT_PER_HOUR + 5):
        await engine.handle(text("guesser", "AAAA-AAAA-AAAA"))
    ok = await engine.handle(text("honest", code))
    assert ok.replies[0].text.startswith("Ваше повідомлення:")


async def test_guessing_from_two_dozen_accounts_is_told_to_the_journal_and_locks_nobody_out(
    engine: Engine, any_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """An outside attack: 21 accounts × 5 wrong codes used up the helpline's hourly budget of 100, and every
    honest reporter got "too many tries" for the rest of the hour. With 50-bit codes the budget bought no
    safety: it is now a high ceiling, and the journal is told of suspected guessing instead."""
    from vikno.storage.models import utcnow

    now = utcnow()  # real time: attempts are kept under a TTL index on MongoDB
    engine.clock.now = now + timedelta(minutes=15) if now.minute >= 45 else now  # inside one clock hour
    code, _ = await make_report(engine)
    for n in range(GLOBAL_ALERT_PER_HOUR + 20):
        await engine.handle(text(f"guesser-{n // USER_ATTEMPTS}", f"2222-2222-{ALPHABET[n % 18]}AAA"))
    assert sum("may be guessing codes" in r.getMessage() for r in caplog.records) == 1
    ok = await engine.handle(text("honest", code))
    assert ok.replies[0].text.startswith("Ваше повідомлення:")


@pytest.mark.parametrize("phone", [None, "0507771122"])
async def test_the_raw_database_holds_no_reporter_id_in_reports_or_their_events(
    engine: Engine, any_store: Store, phone: str | None
) -> None:
    code, _ = await make_report(engine, phone=phone)
    vault = IdentityVault(b"test-secret-key-0123456789")
    reporter = await engine.find("telegram", REPORTER)
    marks = [REPORTER, vault.user_key("telegram", REPORTER), reporter.id, reporter.address, code, code.replace("-", "")]
    if phone:
        marks.append(phone)
    reports, events = await _raw(any_store)
    assert reports and events
    for mark in marks:
        assert mark not in reports, mark
        assert mark not in events, mark


async def _raw(store: Store) -> tuple[str, str]:
    """Every byte of the reports and of the report's events as the database holds them."""
    if isinstance(store, SqliteStore):
        import sqlite3

        conn = sqlite3.connect(store.path)
        try:
            reports = repr(conn.execute("SELECT * FROM reports").fetchall())
            queue_ids = [r[0] for r in conn.execute("SELECT conversation_id FROM reports")]
            events = repr(
                conn.execute(
                    f"SELECT * FROM events WHERE kind LIKE 'report%' OR conversation_id IN "
                    f"({','.join('?' * len(queue_ids))})",
                    queue_ids,
                ).fetchall()
            )
        finally:
            conn.close()
        return reports, events
    assert isinstance(store, MongoStore)
    docs = [d async for d in store.db["reports"].find({})]
    queue_ids = [d["conversation_id"] for d in docs]
    events = [
        d
        async for d in store.db["events"].find(
            {"$or": [{"kind": {"$regex": "^report"}}, {"conversation_id": {"$in": queue_ids}}]}
        )
    ]
    return repr(docs), repr(events)


async def test_a_question_while_a_code_is_expected_is_answered_and_costs_no_attempt(
    engine: Engine, any_store: Store
) -> None:
    await engine.handle(text("asker", "у мене є код"))
    answer = await engine.handle(text("asker", "де взяти крісло колісне"))
    assert "крісел колісних" in answer.replies[0].text
    assert "report_code" not in (await engine.find("rest", "asker")).data


async def test_a_code_on_its_own_is_no_warning_sign_even_when_the_model_says_so(
    engine: Engine, any_store: Store
) -> None:
    """The crisis model read a typed code (random letters and digits) as a crisis in a full run."""
    code, _ = await make_report(engine)
    engine.nlu.table[code] = intent(code, "nlu_fallback", confidence=0.1, crisis=True, crisis_score=0.9)[1]
    status = await engine.handle(text("code-holder", code))
    assert status.replies[0].text.startswith("Ваше повідомлення:") and status.conversation.priority is None


async def test_the_nlu_never_reads_a_reports_code(engine: Engine) -> None:
    """Session 18's second attack: the crisis model scored a code's letters ("my code HC63-38BE-C489 please" was
    asked "are you safe?" and queued as urgent, in 2-4 % of sentences with a code); the code also went to a Rasa
    server if one was configured. The NLU gets the message with every code masked."""
    code = await _report_code(engine, "nlu-blind")
    typed = f"my code {code} please"
    engine.nlu.table[typed] = intent(typed, "nlu_fallback", confidence=0.1, risk="check", crisis_score=0.59)[1]
    status = await engine.handle(text("asks-status", typed))
    assert status.replies[0].text == "Ваше повідомлення: отримано, чекає на фахівця."
    assert status.conversation.priority is None and status.conversation.state == State.BOT


async def test_a_possible_crisis_in_added_information_raises_the_report_not_the_reporter(
    engine: Engine, any_store: Store
) -> None:
    """What a reporter adds about someone else, read as a possible crisis, goes to the report: urgent in the
    queue; the reporter is not asked "are you safe right now?" and the addition is not lost."""
    code, _ = await make_report(engine)
    worrying = "Сьогодні знову був сам до ночі"
    engine.nlu.table[worrying] = intent(worrying, "nlu_fallback", confidence=0.1, risk="check", crisis_score=0.5)[1]
    await engine.handle(text("adder", code))
    await engine.handle(press("adder", "report:add"))
    added = await engine.handle(text("adder", worrying))
    assert added.replies[0].text.startswith("Дякуємо, ми додали") and added.conversation.state == "bot"
    (queued,) = await any_store.conversations.waiting(["community-1620"])
    assert queued.priority == Priority.URGENT
    report = await any_store.reports.by_conversation(queued.id)
    assert [a["text"] for a in report.additions] == [worrying]


async def test_a_possible_crisis_in_what_is_happening_keeps_the_form_and_makes_the_report_urgent(
    engine: Engine, any_store: Store
) -> None:
    """A neighbour writing "I hear shouting next door" is read as a possible crisis: the form goes on
    (no "are you safe?" for the reporter, nothing lost) and the report enters the queue urgent."""
    shouting = "Чую крики за стіною щоночі"
    engine.nlu.table[shouting] = intent(shouting, "nlu_fallback", confidence=0.1, risk="check", crisis_score=0.5)[1]
    await engine.handle(tg("Добрий день", user="neighbour"))
    for button in ("topic:report_person_in_need", "report:about:violence", "report:place:centre"):
        await engine.handle(tg(button=button, user="neighbour"))
    urgency = await engine.handle(tg(shouting, user="neighbour"))
    assert urgency.replies[0].text == "Наскільки це терміново?" and urgency.conversation.state == "bot"
    await engine.handle(tg(button="report:urgency:soon", user="neighbour"))
    made = await engine.handle(tg(button="report:contact:no", user="neighbour"))
    assert made.replies[0].text.startswith("Дякуємо. Ваше повідомлення передано")
    (queued,) = await any_store.conversations.waiting(["community-1620"])
    assert queued.priority == Priority.URGENT and queued.team == "protection"


@pytest.mark.parametrize("pushes", [False, True], ids=["answered-directly", "telegram-outbox"])
async def test_the_reporter_s_own_chat_keeps_neither_the_answers_nor_the_code(
    engine: Engine, any_store: Store, pushes: bool
) -> None:
    """An outside attack read the reporter's own chat (console, database): the code in clear and every form
    answer, so the report could be tied to the reporter's channel. The chat now keeps placeholders and the
    code masked; the outbox alone holds the clear reply, sealed, until it is sent."""
    from vikno.bots.outbox import unsealed
    from vikno.storage.models import WITHHELD

    if pushes:
        engine.channels.add(Channel("telegram", Abilities(pushes=True)))
    code, turns = await make_report(engine, phone="0507771122")
    assert code in turns[-1].replies[0].text  # shown to the person, once
    reporter = await engine.find("telegram", REPORTER)
    history = await any_store.messages.history(reporter.id)
    answers = [m for m in history if m.direction == "in" and m.kind == WITHHELD]
    # about whom, where, what, how urgent, may we call, the number: six answers, none kept in the chat
    assert len(answers) == 6 and all(m.text is None and not m.buttons for m in answers)
    made = history[-1]
    assert made.text is not None and "••••-••••-••••" in made.text
    # the report's records carry no time in their ids: they began like the withheld answers' ids, to the ms
    report = await any_store.reports.by_code("community-1620", engine.vault.code_hash(code))
    queued = await any_store.messages.history(report.conversation_id)
    for record_id in (report.id, report.conversation_id, queued[0].id):
        assert all(record_id[:10] != m.id[:10] for m in history), record_id
    raw = await _raw_chat(any_store, reporter.id)
    # (the buttons pressed are gone with the answers above; the bot's questions offer every option)
    for mark in (code, code.replace("-", ""), "Сусідка не виходить", "0507771122", "507771122"):
        assert mark not in raw, mark
    assert ("report_shown" in reporter.data) is not pushes  # the outbox sends the code itself, retries and all
    if pushes:  # the clear words are sealed for the outbox, and gone once it has sent them
        assert made.sealed is not None and code not in made.sealed
        assert code in (unsealed(made, engine.vault).text or "")
        await any_store.messages.mark_sent(made.id)
        assert (await any_store.messages.history(reporter.id))[-1].sealed is None
    else:
        assert made.sealed is None


async def _raw_chat(store: Store, conversation_id: str) -> str:
    """Every byte of one conversation's messages as the database holds them."""
    if isinstance(store, SqliteStore):
        import sqlite3

        conn = sqlite3.connect(store.path)
        try:
            return repr(conn.execute("SELECT * FROM messages WHERE conversation_id = ?", (conversation_id,)).fetchall())
        finally:
            conn.close()
    assert isinstance(store, MongoStore)
    return repr([d async for d in store.db["messages"].find({"conversation_id": conversation_id})])


#: Typed answers people give instead of the buttons' words (an outside attack: "бабуся" at "about whom?"
#: was asked again and again, and what the person wrote then was lost): the answer, what the form reads.
EVERYDAY_ABOUT = [
    ("uk", "бабуся", "elderly"),
    ("uk", "моя сусідка, старенька", "elderly"),
    ("uk", "дитину бʼють", "child"),
    ("uk", "сусід б'є дружину", "violence"),
    ("uk", "чоловік на вулиці", "other"),
    ("ru", "дедушка", "elderly"),
    ("ru", "инвалид на коляске", "disability"),
    ("ru", "дети одни дома", "child"),
    ("az", "nənəm", "elderly"),
    ("az", "qonşu uşaq", "child"),
    ("az", "qadını döyür", "violence"),
    ("en", "my grandma", "elderly"),
    ("en", "a kid next door", "child"),
    ("en", "wheelchair user", "disability"),
]


@pytest.mark.parametrize(("lang", "typed", "about"), EVERYDAY_ABOUT, ids=[t for _, t, _ in EVERYDAY_ABOUT])
def test_everyday_words_answer_about_whom(lang: str, typed: str, about: str) -> None:
    from vikno.flows.report_words import about_of

    assert about_of(typed) == about


@pytest.mark.parametrize(
    ("typed", "urgency"),
    [
        ("не терміново", "can_wait"),
        ("прямо зараз", "now"),
        ("завтра", "soon"),
        ("не срочно", "can_wait"),
        ("срочно", "now"),
        ("təcili deyil", "can_wait"),
        ("indi", "now"),
        ("in a few days", "soon"),
        ("nowhere to go", None),
        ("ок", None),
    ],
)
def test_everyday_words_answer_how_urgent(typed: str, urgency: str | None) -> None:
    from vikno.flows.report_words import urgency_of

    assert urgency_of(typed) == urgency


async def test_nothing_typed_in_the_form_is_lost_and_no_question_is_asked_a_third_time(
    engine: Engine, any_store: Store
) -> None:
    user = "story-teller"
    await engine.handle(tg("Добрий день", user=user))
    await engine.handle(tg(button="topic:report_person_in_need", user=user))
    again = await engine.handle(tg("не знаю як сказати", user=user))  # nothing the question can read
    assert again.replies[0].text.startswith("Дякуємо, що не лишаєтеся осторонь")
    place = await engine.handle(tg("там живе сама, світла нема", user=user))  # missed twice: "other", go on
    assert place.replies[0].text.startswith("Де це?")
    await engine.handle(tg(button="report:place:north", user=user))
    await engine.handle(tg("Не виходить з дому тиждень", user=user))
    contact = await engine.handle(tg("двері ніхто не відчиняє", user=user))  # not an urgency: kept
    assert contact.replies[0].text.startswith("Наскільки це терміново?")
    contact = await engine.handle(tg("не терміново", user=user))
    assert contact.replies[0].text.startswith("Чи хочете, щоб фахівець")
    await engine.handle(tg("а ви прийдете?", user=user))  # not a yes, a no or a number: kept, asked again
    made = await engine.handle(tg("сусіди кажуть вона хворіє", user=user))  # missed twice: anonymous
    assert CODE.search(made.replies[0].text)
    (queued,) = await any_store.conversations.waiting(["community-1620"])
    report = await any_store.reports.by_conversation(queued.id)
    assert report.about == "other" and report.urgency == "can_wait" and report.anonymous
    for said in (
        "не знаю як сказати",
        "там живе сама, світла нема",
        "Не виходить з дому тиждень",
        "двері ніхто не відчиняє",
        "а ви прийдете?",
        "сусіди кажуть вона хворіє",
    ):
        assert said in report.what, said
    assert report.what.startswith("Не виходить з дому тиждень")


async def test_a_story_told_at_about_whom_goes_with_the_report(engine: Engine, any_store: Store) -> None:
    user = "hurried"
    await engine.handle(tg("Добрий день", user=user))
    await engine.handle(tg(button="topic:report_person_in_need", user=user))
    place = await engine.handle(tg("моя бабуся живе сама і не встає вже третій день", user=user))
    assert place.replies[0].text.startswith("Де це?")
    await engine.handle(tg(button="report:place:north", user=user))
    await engine.handle(tg("треба щоб хтось зайшов", user=user))
    await engine.handle(tg(button="report:urgency:soon", user=user))
    await engine.handle(tg(button="report:contact:no", user=user))
    (queued,) = await any_store.conversations.waiting(["community-1620"])
    report = await any_store.reports.by_conversation(queued.id)
    assert report.about == "elderly"
    assert report.what == "треба щоб хтось зайшов\nмоя бабуся живе сама і не встає вже третій день"


async def test_a_crisis_told_about_someone_else_makes_the_report_too(engine: Engine, any_store: Store) -> None:
    """An outside attack: "he is beating her right now" at "what is happening?" became a crisis chat (right)
    and the answers about whom and where were dropped with the form (no card for the district's team)."""
    engine.nlu.table.update(dict([intent("він її зараз вбʼє, чую крики", "report_person_in_need", crisis=True)]))
    await engine.handle(tg("Добрий день"))
    await engine.handle(tg(button="topic:report_person_in_need"))
    await engine.handle(tg(button="report:about:violence"))
    await engine.handle(tg(button="report:place:north"))
    crisis = await engine.handle(tg("він її зараз вбʼє, чую крики"))
    assert "112" in crisis.replies[0].text and crisis.conversation.priority == "crisis"
    assert not CODE.search(crisis.replies[0].text)  # the crisis answer first, on its own...
    assert CODE.search(crisis.replies[-1].text)  # ...then the report's code, shown once
    waiting = await any_store.conversations.waiting(["community-1620"])
    cards = [c for c in waiting if c.channel == "report"]
    assert len(waiting) == 2 and len(cards) == 1 and cards[0].priority == "crisis"
    report = await any_store.reports.by_conversation(cards[0].id)
    assert (report.about, report.place, report.urgency) == ("violence", "north", "now")
    assert report.what == "він її зараз вбʼє, чую крики" and report.anonymous
    reporter = await engine.find("telegram", REPORTER)
    assert "report_draft" not in reporter.data
    # the words are on the card; the reporter's chat keeps a placeholder, like every answer of the form
    said = [m for m in await any_store.messages.history(reporter.id) if m.direction == "in"]
    assert said[-1].kind == "withheld" and said[-1].text is None


async def test_a_crisis_in_information_added_with_a_code_reaches_the_report(engine: Engine, any_store: Store) -> None:
    """An outside attack: "he beats mum too", added with the code, was read as a crisis; the reporter got the
    numbers and a crisis chat, but the report got nothing, and the words stayed in the reporter's chat."""
    code, _ = await make_report(engine)
    engine.nlu.table.update(dict([intent("він і маму бʼє", "report_person_in_need", crisis=True)]))
    await engine.handle(text("later", code))
    await engine.handle(Inbound(channel="rest", user_id="later", button="report:add", kind=Kind.BUTTON))
    crisis = await engine.handle(text("later", "він і маму бʼє"))
    assert "112" in crisis.replies[0].text
    report = await any_store.reports.by_code("community-1620", engine.vault.code_hash(code))
    assert [a["text"] for a in report.additions] == ["він і маму бʼє"]
    card = await any_store.conversations.get(report.conversation_id)
    assert card.priority == "crisis" and card.team is None and card.state == "waiting"
    chat = await engine.find("rest", "later")
    said = [m for m in await any_store.messages.history(chat.id) if m.direction == "in"]
    assert said[-1].kind == "withheld" and "report_followup" not in chat.data


async def test_a_crisis_said_with_a_reports_code_reaches_that_report_and_stays_in_the_chat(
    engine: Engine, any_store: Store
) -> None:
    """Session 17's attack: "my code X, he is beating her right now" got the numbers and a crisis chat, but the
    report the code names heard nothing: its team did not know the danger had grown. Session 18's: whose crisis
    it is the words do not tell ("my code X, I want to die" is the writer's), so the chat keeps them too, for the
    operator who takes it; the code is masked in both."""
    code = await _report_code(engine, "code-in-crisis")
    crisis = f"мій код {code}, він зараз її б'є"
    engine.nlu.table[masked(crisis)] = intent(masked(crisis), "report_person_in_need", confidence=0.4, crisis=True)[1]
    answered = await engine.handle(text("later-crisis", crisis))
    assert "112" in answered.replies[0].text and answered.conversation.priority == Priority.CRISIS
    report = await any_store.reports.by_code("community-1620", engine.vault.code_hash(code))
    assert [a["text"] for a in report.additions] == ["мій код ••••-••••-••••, він зараз її б'є"]
    card = await any_store.conversations.get(report.conversation_id)
    assert card.priority == "crisis" and card.state == "waiting"
    said = [m for m in await any_store.messages.history(answered.conversation.id) if m.direction == "in"]
    assert said[-1].text == "мій код ••••-••••-••••, він зараз її б'є"

    own = f"my code {code}, I can't any more, I want to die"
    engine.nlu.table[masked(own)] = intent(
        masked(own), "nlu_fallback", confidence=0.1, crisis=True, crisis_category="suicide_self_harm"
    )[1]
    mine = await engine.handle(text("own-crisis", own))
    assert mine.conversation.priority == Priority.CRISIS
    said = [m for m in await any_store.messages.history(mine.conversation.id) if m.direction == "in"]
    assert said[-1].text == "my code ••••-••••-••••, I can't any more, I want to die"
    report = await any_store.reports.by_code("community-1620", engine.vault.code_hash(code))
    assert len(report.additions) == 2

    unknown = "мій код K7MX-4TP9-HC3B, він зараз її б'є"  # a code of no report
    engine.nlu.table[masked(unknown)] = intent(masked(unknown), "report_person_in_need", confidence=0.4, crisis=True)[1]
    alone = await engine.handle(text("no-report", unknown))
    assert "112" in alone.replies[0].text and alone.conversation.priority == Priority.CRISIS
    said = [m for m in await any_store.messages.history(alone.conversation.id) if m.direction == "in"]
    assert said[-1].text == "мій код ••••-••••-••••, він зараз її б'є"


async def test_a_late_answer_about_whom_corrects_the_guess_and_a_code_in_the_form_is_looked_up(
    engine: Engine, any_store: Store
) -> None:
    """A second outside attack: after two unreadable answers the form went on with "other", the next answer
    "дитина" became the place (the wrong team), and a code typed later was taken as an answer."""
    code, _ = await make_report(engine, user="first-reporter")
    user = "emoji-typist"
    await engine.handle(tg("Добрий день", user=user))
    await engine.handle(tg(button="topic:report_person_in_need", user=user))
    await engine.handle(tg("😢😢😢", user=user))
    where = await engine.handle(tg("😡👊", user=user))  # missed twice: "other", and on to "where?"
    assert where.replies[0].text.startswith("Де це?")
    again = await engine.handle(tg("дитина", user=user))  # the answer to the first question, late
    assert again.replies[0].text.startswith("Де це?")
    draft = (await engine.find("telegram", user)).data["report_draft"]
    assert draft["about"] == "child" and draft["step"] == "place"
    await engine.handle(tg(button="report:place:north", user=user))
    status = await engine.handle(tg(code, user=user))  # a code in the middle of the form: looked up
    assert status.replies[0].text.startswith("Ваше повідомлення:")
    assert "report_draft" not in (await engine.find("telegram", user)).data
    assert len(await any_store.conversations.waiting(["community-1620"])) == 1  # no second report was made


async def test_an_old_button_is_answered_and_the_form_comes_back_with_its_answers_also_after_a_restart(
    engine: Engine, any_store: Store, other: Store, clock: Clock
) -> None:
    """An outside attack through REST: a topic button pressed from an earlier message (the menu, a see-also)
    while the form was open dropped the form without a word, and about whom and where were gone. Now the
    topic is answered and the form's question follows, said to be unfinished, with the form's own buttons;
    the draft lives in the stored conversation, so a restart between two steps keeps it too."""
    user = "old-button"
    await engine.handle(tg("Добрий день", user=user))
    for button in ("topic:report_person_in_need", "report:about:child", "report:place:north"):
        await engine.handle(tg(button=button, user=user))
    topic = await engine.handle(tg(button="topic:elderly_care", user=user))
    assert "старшого віку" in topic.replies[0].text and len(topic.replies) == 2  # no "anything else?" between
    back = topic.replies[-1]
    assert back.text.startswith("Ваше повідомлення ще не надіслане") and "\nЩо відбувається?" in back.text
    assert [b.payload for b in back.buttons] == ["report:back:what", "report:cancel"]
    assert topic.conversation.topic == "report_person_in_need" and topic.conversation.state == "bot"
    menu = await engine.handle(tg(button="menu", user=user))
    assert menu.replies[0].text.startswith("Оберіть тему") and "topic:elderly_care" in payloads(menu)
    assert menu.replies[-1].text == back.text
    again = await engine.handle(tg(button="topic:report_person_in_need", user=user))  # the report topic itself
    assert [r.text for r in again.replies] == [back.text]  # the open form, not a new one
    voice = await engine.handle(Inbound(channel="telegram", user_id=user, kind=Kind.VOICE))  # no words to read
    assert len(voice.replies) == 2 and voice.replies[-1].text == back.text
    draft = (await engine.find("telegram", user)).data["report_draft"]
    assert (draft["about"], draft["place"], draft["step"]) == ("child", "north", "what")

    # a restart: a second process on the same data goes on from the stored conversation
    helplines = load_helplines(shipped_helpline_folders())
    restarted = Engine(other, IdentityVault(b"test-secret-key-0123456789"), helplines, engine.nlu, clock=clock)
    await restarted.handle(tg("Дитина сама вдома вже два дні, плаче", user=user))
    hours = await restarted.handle(tg(button="hours", user=user))  # another old button, at "how urgent?"
    assert hours.replies[-1].text.endswith("\nНаскільки це терміново?")
    typed = await restarted.handle(tg("коли ви працюєте", user=user))  # typed in the form: read as an answer
    assert typed.replies[0].text == "Наскільки це терміново?"
    await restarted.handle(tg(button="report:urgency:soon", user=user))
    made = await restarted.handle(tg(button="report:contact:no", user=user))
    assert CODE.search(made.replies[0].text)
    (queued,) = await any_store.conversations.waiting(["community-1620"])
    report = await any_store.reports.by_conversation(queued.id)
    assert (report.about, report.place, report.urgency) == ("child", "north", "soon")
    assert report.what.startswith("Дитина сама вдома") and report.anonymous


async def test_a_crisis_after_an_old_button_still_wins_and_makes_the_report(engine: Engine, any_store: Store) -> None:
    engine.nlu.table.update(dict([intent("він її зараз вбʼє, чую крики", "report_person_in_need", crisis=True)]))
    await engine.handle(tg("Добрий день"))
    for button in (
        "topic:report_person_in_need",
        "report:about:violence",
        "report:place:north",
        "topic:domestic_violence",
    ):
        await engine.handle(tg(button=button))
    crisis = await engine.handle(tg("він її зараз вбʼє, чую крики"))
    assert "112" in crisis.replies[0].text and crisis.conversation.priority == "crisis"
    assert CODE.search(crisis.replies[-1].text)
    (card,) = [c for c in await any_store.conversations.waiting(["community-1620"]) if c.channel == "report"]
    report = await any_store.reports.by_conversation(card.id)
    assert (report.about, report.place, report.urgency, card.priority) == ("violence", "north", "now", "crisis")


async def test_a_person_asked_for_in_the_form_keeps_it_until_the_person_leaves_the_queue(
    engine: Engine, any_store: Store
) -> None:
    """ "Talk to a person" pressed in the form queues at once (the bot cannot ask while a person is awaited);
    "cancel waiting" brings the form back, answers and all. Leaving on purpose still discards it."""
    user = "in-two-minds"
    await engine.handle(tg("Добрий день", user=user))
    for button in ("topic:report_person_in_need", "report:about:elderly"):
        await engine.handle(tg(button=button, user=user))
    english = await engine.handle(tg(button="lang:en", user=user))
    assert english.replies[0].text == "Okay, let's talk in English."
    assert english.replies[-1].text.startswith("Your report hasn't been sent yet")
    assert english.replies[-1].text.endswith("\nWhere is it? Choose a place, or press “Another place” and type it.")
    queued = await engine.handle(tg(button="person", user=user))
    assert queued.conversation.state == "waiting" and "report" not in str(queued.replies)
    back = await engine.handle(tg(button="cancel_waiting", user=user))
    assert back.conversation.state == "bot" and back.replies[-1].text.startswith("Your report hasn't been sent")
    assert "report:place:north" in payloads(back) and "report:cancel" in payloads(back)
    assert (await engine.find("telegram", user)).data["report_draft"]["about"] == "elderly"
    cancelled = await engine.handle(tg(button="report:cancel", user=user))
    assert cancelled.replies[0].text.startswith("Okay, the report is cancelled")
    assert "report_draft" not in (await engine.find("telegram", user)).data
    assert await any_store.conversations.waiting(["community-1620"]) == []  # nothing was made


async def test_a_form_left_for_a_chat_with_a_specialist_is_forgotten_when_the_chat_is_closed(
    engine: Engine, any_store: Store
) -> None:
    """The person told a specialist; after the chat their next words are theirs, not an answer of an old form."""
    handoff = Handoff(any_store, engine.helplines, channels=engine.channels, clock=engine.clock)
    olena = await create_operator(any_store, "olena", "correct horse battery")
    olena.presence = "online"
    olena = await any_store.operators.save(olena)
    await engine.handle(tg("Добрий день"))
    for button in ("topic:report_person_in_need", "report:about:child", "person"):
        await engine.handle(tg(button=button))
    conv = await handoff.take_next(olena)
    assert conv is not None
    await handoff.close(olena, conv.id, category="topic:report_person_in_need", outcome="resolved")
    thanks = await engine.handle(tg("дякую"))
    assert thanks.replies[0].text.startswith("Будь ласка!")  # thanked, not taken as the place
    assert "report_draft" not in (await engine.find("telegram", REPORTER)).data


async def test_a_form_waiting_in_the_queue_never_softens_a_warning_sign(engine: Engine, any_store: Store) -> None:
    """Words said while queued are told to the person awaited: a possible crisis gets the safety question (the
    form only softens one while it is being written), and a crisis makes no report of the waiting form."""
    shouting = "Чую крики за стіною щоночі"
    engine.nlu.table[shouting] = intent(shouting, "nlu_fallback", confidence=0.1, risk="check", crisis_score=0.5)[1]
    engine.nlu.table.update(dict([intent("він її зараз вбʼє, чую крики", "report_person_in_need", crisis=True)]))
    for user, said in (("queued-check", shouting), ("queued-crisis", "він її зараз вбʼє, чую крики")):
        await engine.handle(tg("Добрий день", user=user))
        for button in ("topic:report_person_in_need", "report:about:violence", "report:place:north", "person"):
            await engine.handle(tg(button=button, user=user))
        turn = await engine.handle(tg(said, user=user))
        assert "112" in turn.replies[0].text and turn.conversation.priority in ("urgent", "crisis")
        assert "report_draft" not in (await engine.find("telegram", user)).data
    check = await engine.find("telegram", "queued-check")
    assert check.priority == "urgent" and check.data["safety_check"]["answer"] is None  # the question is open
    assert [c.channel for c in await any_store.conversations.waiting(["community-1620"])] == ["telegram"] * 2


async def test_a_double_tap_on_the_last_answer_makes_one_report_with_one_code(engine: Engine, any_store: Store) -> None:
    """An outside attack tapped "no, anonymously" twice at once: each tap made a report and a card in the crisis
    queue (the losing tap's turn ran again after the conflict, but its report was already made), and only one
    of the codes was ever shown. A person's messages are now taken one at a time (flows/engine.py)."""
    await engine.handle(tg("Добрий день"))
    for step in ("topic:report_person_in_need", "report:about:child", "report:place:north"):
        await engine.handle(tg(button=step))
    await engine.handle(tg("Дитина сусідів сама вдома другий день, плаче"))
    await engine.handle(tg(button="report:urgency:now"))
    first, second = await asyncio.gather(
        engine.handle(tg(button="report:contact:no")), engine.handle(tg(button="report:contact:no"))
    )
    codes = [c for turn in (first, second) for r in turn.replies for c in CODE.findall(r.text)]
    assert len(codes) == 1
    assert len(await any_store.conversations.waiting(["community-1620"])) == 1
    counts = await any_store.events.count_by("kind", helpline="community-1620", kind="report_made")
    assert counts == {"report_made": 1}
    assert await any_store.reports.by_code("community-1620", engine.vault.code_hash(codes[0])) is not None


async def test_old_buttons_of_other_questions_are_no_answers_and_danger_now_still_counts(
    engine: Engine, any_store: Store
) -> None:
    """Outside attack: two presses of earlier questions' buttons at "how urgent?" counted as two missed answers,
    so urgency became "soon" and the "danger now" pressed next was swallowed at the contact question: no
    emergency numbers, and the report went to the queue below a crisis."""
    await engine.handle(tg("Добрий день"))
    for step in ("topic:report_person_in_need", "report:about:child", "report:place:north"):
        await engine.handle(tg(button=step))
    await engine.handle(tg("Дитина сусідів сама вдома другий день, плаче"))
    for old in ("report:about:elderly", "report:place:north"):
        again = await engine.handle(tg(button=old))
        assert "report:urgency:now" in payloads(again)  # the same question again, nothing chosen for it
    now = await engine.handle(tg(button="report:urgency:now"))
    assert "112" in now.replies[0].text and "report:contact:no" in payloads(now)
    made = await engine.handle(tg(button="report:contact:no"))
    assert CODE.search(made.replies[0].text)
    (queued,) = await any_store.conversations.waiting(["community-1620"])
    report = await any_store.reports.by_conversation(queued.id)
    assert report is not None and report.urgency == "now" and queued.priority == Priority.CRISIS


async def test_an_old_i_have_a_code_press_does_not_throw_the_answers_away(engine: Engine, any_store: Store) -> None:
    """Outside attack: "I have a code" sits under the form's first question and under every "report made"
    message; pressed later in the form it dropped the draft without a word."""
    await engine.handle(tg("Добрий день"))
    for step in ("topic:report_person_in_need", "report:about:elderly", "report:place:north"):
        await engine.handle(tg(button=step))
    await engine.handle(tg("Сусідка не виходить з дому третій день, не відчиняє двері"))
    old = await engine.handle(tg(button="report:code"))
    assert "ще не надіслане" in old.replies[0].text and "report:urgency:soon" in payloads(old)
    await engine.handle(tg(button="report:urgency:soon"))
    made = await engine.handle(tg(button="report:contact:no"))
    assert CODE.search(made.replies[0].text)
    (queued,) = await any_store.conversations.waiting(["community-1620"])
    report = await any_store.reports.by_conversation(queued.id)
    assert report is not None and report.about == "elderly" and report.what.startswith("Сусідка")


async def _at_the_last_answer(engine: Engine, user: str) -> None:
    await engine.handle(tg("Добрий день", user=user))
    for step in ("topic:report_person_in_need", "report:about:child", "report:place:north"):
        await engine.handle(tg(button=step, user=user))
    await engine.handle(tg("Дитина сусідів сама вдома другий день, плаче", user=user))
    await engine.handle(tg(button="report:urgency:now", user=user))


async def test_a_double_tap_split_across_two_workers_makes_one_report(
    engine: Engine, any_store: Store, other: Store, clock: Clock
) -> None:
    """Outside attack on `vikno serve` with several workers on one MongoDB: the two taps of "no, anonymously"
    went to two workers, each read the open form and each made a report (two crisis cards). The second worker
    here still holds the conversation as it was before the first tap's commit (its own recent copy)."""
    helplines = load_helplines(shipped_helpline_folders())
    second = Engine(other, IdentityVault(b"test-secret-key-0123456789"), helplines, engine.nlu, clock=clock)
    await _at_the_last_answer(second, "split-tap")
    first_tap = await engine.handle(tg(button="report:contact:no", user="split-tap"))
    second_tap = await second.handle(tg(button="report:contact:no", user="split-tap"))
    codes = [c for turn in (first_tap, second_tap) for r in turn.replies for c in CODE.findall(r.text)]
    assert len(codes) == 1
    (card,) = await any_store.conversations.waiting(["community-1620"])
    assert card.channel == "report" and card.priority == Priority.CRISIS
    assert await any_store.events.count_by("kind", helpline="community-1620", kind="report_made") == {"report_made": 1}
    report = await any_store.reports.by_code("community-1620", engine.vault.code_hash(codes[0]))
    assert report is not None and report.conversation_id == card.id
    assert [m.text for m in await any_store.messages.history(card.id)] == [report.what]


async def test_a_report_made_by_a_worker_killed_before_its_turn_is_found_with_its_own_code(
    engine: Engine, any_store: Store, other: Store, clock: Clock
) -> None:
    """`kill -9` after the report was stored and before the reporter's turn was: the reporter's draft was still
    open, their retry made a second report with another code. The retry now finds the report and tells the
    code it was made with; the card is opened once."""
    from vikno.flows.reports import Draft

    await _at_the_last_answer(engine, "killed")
    conv = await engine.find("telegram", "killed")
    draft = conv.data["report_draft"]
    # what the killed worker did before it died: the report, and its card in the queue
    report, code, _ = await engine.reports.submit(
        engine.helplines["community-1620"],
        Draft(about="child", place="north", what=draft["what"], urgency="now"),
        seed=f"{conv.id}/{draft['id']}",
        channel="telegram",
        language="uk",
        now=clock(),
    )
    helplines = load_helplines(shipped_helpline_folders())
    restarted = Engine(other, IdentityVault(b"test-secret-key-0123456789"), helplines, engine.nlu, clock=clock)
    retry = await restarted.handle(tg(button="report:contact:no", user="killed"))
    assert CODE.findall(retry.replies[0].text) == [code]
    (card,) = await any_store.conversations.waiting(["community-1620"])
    assert card.id == report.conversation_id
    assert await any_store.events.count_by("kind", helpline="community-1620", kind="report_made") == {"report_made": 1}
    assert [m.text for m in await any_store.messages.history(card.id)] == [report.what]


def test_every_fresh_code_can_be_read_inside_a_sentence() -> None:
    from vikno.flows.report_codes import code_in, reads_inside

    for _ in range(2000):
        code = new_code()
        assert CODE.fullmatch(code) and reads_inside(code)
        assert code_in(f"мій код {code}, він зараз її б'є") == (code, "мій код , він зараз її б'є")


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("кодCXPC-BK7X-HA57, коли ви працюєте?", "код••••-••••-••••, коли ви працюєте?"),
        ("мій код CXPC-BK7X-HA57x", "мій код ••••-••••-••••x"),
        ("CXPC-BK7X-HA57_", "••••-••••-••••_"),
        ("1CXPC-BK7X-HA57", "1••••-••••-••••"),
        ("секретарками", "секретарками"),  # letters only: a word, whatever its letters look like
    ],
)
def test_a_code_stuck_to_other_characters_is_masked_too(typed: str, kept: str) -> None:
    """Session 18's second attack: a code stuck to a word, a letter, a digit or "_" was not read as one and stayed
    in clear in the chat operators read (and with it the report's status and additions for anyone who reads it)."""
    assert masked(typed) == kept


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("мій код CXPC-BK7X-HA5, що там?", "мій код ••••-••••-••••, що там?"),  # one character short
        ("status CXPC-BK7X-HA577 please", "status ••••-••••-••••7 please"),  # one too many: a code stuck to it
        ("status CXPC-BK7XH-A577 please", "status ••••-••••-•••• please"),  # one too many, grouped otherwise
        ("CXPC BK7 XHA57", "••••-••••-••••"),  # the groups misplaced
        ("кXPC-BK7X-HA5", "••••-••••-••••"),  # a Cyrillic look-alike in it
        ("CXPCBK7XHA5", "••••-••••-••••"),  # without separators
        ("дзвоніть 222 333 4444 або 2223-3344-445", "дзвоніть 222 333 4444 або 2223-3344-445"),  # digits only: numbers
        ("ХАТА 2345 МЕТ", "ХАТА 2345 МЕТ"),  # a word, a number, a word: three groups all letters or all digits
        ("модель K7MX-4TP9", "модель K7MX-4TP9"),  # two groups are no code
        ("CXPC-BK7X-HA5-7TP9", "CXPC-BK7X-HA5-7TP9"),  # part of a longer run: a serial number
        ("так вам CXPC BK7X HA5", "так вам ••••-••••-••••"),  # short words before it
        # session 19's attack on the first version: plates, passports and dates beside short words were masked
        ("так КА5678ХМ", "так КА5678ХМ"),
        ("i want to go to my sisters with ВН6254РХ the kids", "i want to go to my sisters with ВН6254РХ the kids"),
        ("линия работает или нет ТТ722897", "линия работает или нет ТТ722897"),
        ("я дружина ветерана 6323 йому відмовили", "я дружина ветерана 6323 йому відмовили"),
        ("we meet on the 25th that week", "we meet on the 25th that week"),
        # stuck to a word and spread over words: plates and ID numbers side by side, masked since session 18
        ("номери АА2345ВС КА5678ХМ", "номери АА2345ВС КА5678ХМ"),
        ("ВХА234567 МАМА", "ВХА234567 МАМА"),
        ("AA2345678 7KHT2MC", "AA2345678 7KHT2MC"),
        ("Meet at 5PM 2345 Bath", "Meet at 5PM 2345 Bath"),
        # the attack's leaks: one character outside the alphabet (a neighbouring key, З for 3, O for 0, 1 for I),
        # commas or colons between the groups, a full stop and a word straight after
        ("мій код K7MX-4TP9-HЗ3B, що з ним?", "мій код ••••-••••-••••, що з ним?"),
        ("k7mx-4tp9-hc3o", "••••-••••-••••"),
        ("K7MX 4TP9 HC1B", "••••-••••-••••"),
        ("K7MX,4TP9,HC3B", "••••-••••-••••"),
        ("код: K7MX: 4TP9: HC3B", "код: ••••-••••-••••"),
        ("мій код K7MX-4TP9-HC3.дякую", "мій код ••••-••••-••••.дякую"),
        # and what stays: a parcel's tracking number, two foreign characters, an address
        ("трек CP234567895HK", "трек CP234567895HK"),
        ("K7MX-4TP9-HЗ3Б", "K7MX-4TP9-HЗ3Б"),
        ("кв 25, буд 3А, під'їзд 2", "кв 25, буд 3А, під'їзд 2"),
        ("номер КЕ5947АХ мене не цікавить", "номер КЕ5947АХ мене не цікавить"),  # a plate and a word: no code
        ("він мама ВС4834КН був", "він мама ВС4834КН був"),
        ("КЕ5947АХ МЕНЕ", "КЕ5947АХ МЕНЕ"),
        ("994552345678", "994552345678"),  # a phone number sent alone
        ("ось LB645398724HK дивіться", "ось LB645398724HK дивіться"),  # tracking, VIN and IBAN: longer Latin words
        ("GG2AH43962C226ZEA", "GG2AH43962C226ZEA"),
        ("UA736222559260800074271424578", "UA736222559260800074271424578"),
        ("кодK7MX4TP9HC3B", "код••••-••••-••••"),  # stuck to a Cyrillic word: still a code
        # session 20: stuck to the word "code" and typed with spaces (session 19's leftover)
        ("кодK7MX 4TP9 HC3B", "код••••-••••-••••"),
        ("мій кодK7MX 4TP9 HC3B, що з ним?", "мій код••••-••••-••••, що з ним?"),
        ("codeK7MX 4TP9 HC3B", "code••••-••••-••••"),
        ("kodK7MX 4TP9 HC3B", "kod••••-••••-••••"),
        # one character outside the alphabet, typed without separators (session 19's leftover: in clear 94-100 %)
        ("K7MX4TP9HC3Ж дякую", "••••-••••-•••• дякую"),
        ("мій код K7MX4TP9HCЖ3B, що з ним?", "мій код ••••-••••-••••, що з ним?"),
        ("пароль QWERTY123456 не підходить", "пароль QWERTY123456 не підходить"),  # more than one foreign character
        ("2345-6789-2345", "••••-••••-••••"),  # in a code's groups: typed as a code (a guess is counted as one)
    ],
)
def test_a_code_one_character_off_is_masked_too(typed: str, kept: str) -> None:
    """Session 18's leftover: a code typed one character short or long is no code (nothing is looked up), but it
    stayed in clear in the chat operators read, and with one character to guess it ties the person to the report
    as the whole code does."""
    assert masked(typed) == kept


async def test_a_draft_whose_first_code_a_sentence_cannot_hold_gets_the_next_and_finds_it_again(
    engine: Engine, any_store: Store, clock: Clock
) -> None:
    """Session 18's attack: one code given in twenty (two groups all letters or all digits, "AAHH-4M2C-8575") was
    neither looked up nor masked inside a sentence: "мій код AAHH-…, він зараз її б'є" kept the code in clear in the
    chat and the report heard nothing. A draft now gives the first of its codes a sentence can hold."""
    from vikno.flows.report_codes import code_in, code_of, masked, reads_inside
    from vikno.flows.reports import Draft

    vault = engine.vault
    seed = next(
        f"draft-{n}" for n in range(5000) if not reads_inside(code_of(vault.report_code_bytes(f"draft-{n}", 0)))
    )
    first = code_of(vault.report_code_bytes(seed, 0))
    assert code_in(f"my code {first}, he is beating her") is None  # the kind of code no longer given...
    assert first not in masked(f"my code {first}, he is beating her")  # ...and masked where one was given before
    line = engine.helplines["community-1620"]
    draft = Draft(about="child", place="north", what="Дитина сама з ранку", urgency="soon")
    report, code, _ = await engine.reports.submit(line, draft, seed=seed, channel="rest", language="uk", now=clock())
    assert code != first and reads_inside(code)
    assert report.code_hash == vault.code_hash(code)
    again, same, turn = await engine.reports.submit(line, draft, seed=seed, channel="rest", language="uk", now=clock())
    assert again.id == report.id and same == code and turn is None


async def test_a_rest_resend_of_the_last_answer_shows_the_reporter_their_code_again(
    engine: Engine, any_store: Store, clock: Clock
) -> None:
    """Outside attack through REST: the client lost the connection after the last answer and sent it again (the
    same message id); the answer came back with the code masked, and the reporter never saw their code. The
    code is theirs: the same message asked again gets it again, for a while; the chat still keeps it masked."""
    user, n = "lost-connection", iter(range(100))

    def rest(body: str | None = None, button: str | None = None, *, again: int | None = None) -> Inbound:
        kind = Kind.BUTTON if button is not None else Kind.TEXT
        number = again if again is not None else next(n)
        return Inbound(channel="rest", user_id=user, text=body, button=button, kind=kind, platform_id=f"k:{number}")

    await engine.handle(rest("Добрий день"))
    for step in ("topic:report_person_in_need", "report:about:child", "report:place:north"):
        await engine.handle(rest(button=step))
    await engine.handle(rest("Дитина сусідів сама вдома другий день, плаче"))
    await engine.handle(rest(button="report:urgency:soon"))
    last = next(n)
    made = await engine.handle(rest(button="report:contact:no", again=last))
    (code,) = CODE.findall(made.replies[0].text)
    resent = await engine.handle(rest(button="report:contact:no", again=last))
    assert resent.duplicate and CODE.findall(resent.replies[0].text) == [code]
    assert [b.payload for b in resent.replies[0].buttons] == [b.payload for b in made.replies[0].buttons]
    await engine.handle(rest("алло?"))  # something typed meanwhile: the lost answer may still be asked for
    clock.now += timedelta(minutes=10)
    again = await engine.handle(rest(button="report:contact:no", again=last))
    assert CODE.findall(again.replies[0].text) == [code]
    reporter = await engine.find("rest", user)
    assert code not in await _raw_chat(any_store, reporter.id)  # the chat keeps it masked all along
    clock.now += timedelta(minutes=10)
    await engine.handle(rest("дякую"))  # a while later the conversation forgets it
    late = await engine.handle(rest(button="report:contact:no", again=last))
    assert late.duplicate and "••••-••••-••••" in late.replies[0].text and not CODE.findall(late.replies[0].text)
    assert "code" not in str((await engine.find("rest", user)).data)


async def test_a_slow_typist_keeps_the_form_while_answering_and_two_silent_hours_end_it(
    engine: Engine, any_store: Store, clock: Clock
) -> None:
    """Outside attack: the draft expired two hours after the form was started, not after two hours of silence:
    someone typing slowly, a few words between long pauses, lost what they had told at the next answer."""
    user = "slow-typist"
    await engine.handle(tg("Добрий день", user=user))
    await engine.handle(tg(button="topic:report_person_in_need", user=user))
    clock.now += timedelta(minutes=70)
    await engine.handle(tg(button="report:about:elderly", user=user))
    clock.now += timedelta(minutes=70)
    await engine.handle(tg(button="report:place:north", user=user))
    clock.now += timedelta(minutes=70)  # 3.5 hours after the start, 70 minutes after the last answer
    urgency = await engine.handle(tg("Сусідка не виходить з дому третій день", user=user))
    assert urgency.replies[0].text == "Наскільки це терміново?"
    await engine.handle(tg(button="report:urgency:soon", user=user))
    clock.now += timedelta(hours=2, minutes=1)  # two hours without a word: the draft is forgotten
    late = await engine.handle(tg(button="report:contact:no", user=user))
    assert [r.text for r in late.replies] == [
        "Незавершене повідомлення ми видалили: відповіді не було понад дві години, тож нічого не надіслано. "
        "Щоб повідомити, почніть знову — це кілька коротких питань."
    ]
    assert payloads(late) == ["topic:report_person_in_need", "menu"]
    assert "report_draft" not in (await engine.find("telegram", user)).data
    assert await any_store.conversations.waiting(["community-1620"]) == []


async def test_a_long_place_story_and_addition_are_kept_to_their_limits_and_the_person_is_told(
    engine: Engine, any_store: Store
) -> None:
    """Outside attack: "what is happening" was cut at 2,000 characters and a typed place at 300 without a word; the
    reporter believed everything had been passed on. The text is kept up to its limit, and the person is told
    how much was kept and how to add the rest (their code)."""
    user = "long-writer"
    place = "Село Лісове, вулиця Шкільна, " + "за магазином, біля старої криниці, " * 12
    story = "Дитина сусідів знову сама вдома, плаче і стукає у вікно. " * 45
    assert len(place) > 300 and len(story) > 2000
    await engine.handle(tg("Hello there friends", user=user))
    await engine.handle(tg(button="lang:en", user=user))
    for step in ("topic:report_person_in_need", "report:about:child", "report:place:other"):
        await engine.handle(tg(button=step, user=user))
    what = await engine.handle(tg(place, user=user))
    assert what.replies[0].text == (
        "Your text was long, so we kept the first 300 characters. Anything that didn't fit you can add later "
        "with your report's code.\nWhat is happening? Tell us in your own words what you saw or heard."
    )
    urgency = await engine.handle(tg(story, user=user))
    assert urgency.replies[0].text.startswith("Your text was long, so we kept the first 2000 characters.")
    assert urgency.replies[0].text.endswith("\nHow urgent is it?") and "report:urgency:now" in payloads(urgency)
    await engine.handle(tg(button="report:urgency:soon", user=user))
    made = await engine.handle(tg(button="report:contact:no", user=user))
    (code,) = CODE.findall(made.replies[0].text)
    report = await any_store.reports.by_code("community-1620", engine.vault.code_hash(code))
    assert report.place_text == place.strip()[:300] and report.what == story.strip()[:2000]

    await engine.handle(text("later-on", code))
    await engine.handle(press("later-on", "report:add"))
    added = await engine.handle(text("later-on", story))
    assert added.replies[0].text.startswith("Ваш текст довгий, тож ми зберегли перші 2000 символів.")
    assert added.replies[0].text.endswith("\nДякуємо, ми додали це до вашого повідомлення.")
    report = await any_store.reports.get(report.id)
    assert [a["text"] for a in report.additions] == [story.strip()[:2000]]


def test_a_phone_number_in_other_digits_is_read_as_ascii_digits() -> None:
    """Outside attack: Arabic-Indic digits (an Arabic or Persian keyboard, real digits to whoever types them) were
    taken as a phone number and stored as typed, a number no one at the helpline could dial."""
    from vikno.flows.report_flow import phone_of

    assert phone_of("٠٥٠٧٧٧١١٢٢") == "0507771122"  # Arabic-Indic
    assert phone_of("+۹۹۴ ۵۰ ۱۲۳ ۴۵ ۶۷") == "+994501234567"  # Extended Arabic-Indic (Persian)
    assert phone_of("０５０ ７７７ １１ ２２") == "0507771122"  # full-width
    assert phone_of("050 777 ११ २२") == "0507771122"  # Devanagari, mixed
    assert phone_of("050 777 11 2²") is None  # a superscript is no digit of a number
    assert phone_of("٠٥٠") is None  # too short in any digits


async def test_arabic_indic_digits_at_the_phone_question_make_a_number_that_can_be_dialled(
    engine: Engine, any_store: Store
) -> None:
    await _at_the_last_answer(engine, "arabic-keyboard")
    await engine.handle(tg(button="report:contact:yes", user="arabic-keyboard"))
    made = await engine.handle(tg("٠٥٠ ٧٧٧ ١١ ٢٢", user="arabic-keyboard"))
    (code,) = CODE.findall(made.replies[0].text)
    report = await any_store.reports.by_code("community-1620", engine.vault.code_hash(code))
    assert engine.vault.decrypt(report.contact) == "0507771122"


async def test_an_old_back_button_pressed_three_times_never_walks_out_of_the_form_unsaid(
    engine: Engine, any_store: Store
) -> None:
    """Outside attack: "back" under "what is happening?", pressed three times (a shaky double tap, then once more),
    went back to "where?", then "about whom?", then out of the form with only the menu: the answers were gone
    and nobody said so. A back button goes back from its own question once; leaving is always said."""
    user = "shaky-thumb"
    await engine.handle(tg("Добрий день", user=user))
    for step in ("topic:report_person_in_need", "report:about:child"):
        await engine.handle(tg(button=step, user=user))
    what = await engine.handle(tg(button="report:place:north", user=user))
    (back,) = [p for p in payloads(what) if p.startswith("report:back")]
    turns = [await engine.handle(tg(button=back, user=user)) for _ in range(3)]
    assert [t.replies[-1].text.splitlines()[-1] for t in turns] == [
        "Де це? Оберіть місце або натисніть «Інше місце» і напишіть самі."
    ] * 3
    draft = (await engine.find("telegram", user)).data["report_draft"]
    assert (draft["step"], draft["about"], draft["place"]) == ("place", "child", "north")
    # typed "back" at the first question leaves the form: said plainly, like its cancel
    await engine.handle(tg("назад", user=user))
    out = await engine.handle(tg("назад", user=user))
    assert out.replies[0].text.startswith("Гаразд, повідомлення скасовано")
    assert "report_draft" not in (await engine.find("telegram", user)).data
    events = await _events(any_store, "form_cancelled")
    assert [(e.data["form"], e.data["step"]) for e in events] == [("report", "about")]


async def test_the_phone_number_typed_again_after_the_report_stays_out_of_the_chat(
    engine: Engine, any_store: Store, clock: Clock
) -> None:
    """Outside attack: after the report, the number typed again (a client's resend without its id, a person
    unsure it went) was an ordinary message, kept in clear in the chat, and an operator reading it could match
    it to the report's callback number. Within SENT_MINUTES it is withheld like the form's answers."""
    from vikno.flows.report_flow import SENT_MINUTES
    from vikno.storage.models import WITHHELD

    code, _ = await make_report(engine, phone="0507771122")
    again = await engine.handle(tg("+38 050 777 11 22", user=REPORTER))
    assert again.replies[0].text.startswith("Ваше повідомлення вже надіслане.")
    assert payloads(again)[0] == "report:code"  # the way to add it to the report, with the code
    reporter = await engine.find("telegram", REPORTER)
    history = await any_store.messages.history(reporter.id)
    assert all("777" not in (m.text or "") for m in history if m.direction == "in")
    assert history[-2].direction == "in" and history[-2].kind == WITHHELD
    # later it is a message like any other (nothing links the chat to the report for longer)
    clock.now += timedelta(minutes=SENT_MINUTES + 1)
    await engine.handle(tg("добрий день", user=REPORTER))
    assert "report_sent" not in (await engine.find("telegram", REPORTER)).data
    # and a report's number is not taken for a code, nor a code for a number
    assert code != "0507771122"


#: What a person may type at a question with buttons: digits to ``str.isdigit`` that ``int`` does not read (no
#: answer: the question is asked again), and decimal digits of other scripts (the option of that number).
TYPED_DIGITS = [
    ("²", None),
    ("³", None),
    ("①", None),
    ("①②③", None),
    ("⁴", None),
    ("2", 2),
    ("٢", 2),  # Arabic-Indic
    ("２", 2),  # full-width
    ("२", 2),  # Devanagari
    ("12", None),  # no such option
]


@pytest.mark.parametrize(("typed", "nth"), TYPED_DIGITS)
def test_a_digit_typed_at_a_question_with_buttons_is_its_option_or_no_answer(typed: str, nth: int | None) -> None:
    """Outside attack: "²" or "①" typed at a question with buttons was an HTTP 500 (``isdigit`` then ``int``)."""
    from vikno.flows.messages import Button
    from vikno.flows.report_flow import match

    options = [Button(title, f"option:{n}") for n, title in enumerate(("Дитина", "Літня людина", "Інше"), 1)]
    assert match(typed, options) == (f"option:{nth}" if nth else None)


@pytest.mark.parametrize("typed", ["²", "³", "①", "①②③", "⁴"])
async def test_superscript_and_circled_digits_at_every_question_with_buttons_ask_it_again(
    engine: Engine, any_store: Store, typed: str
) -> None:
    user = "odd-digits"
    asked = await engine.handle(tg("Добрий день", user=user))
    asked = await engine.handle(tg(button="topic:report_person_in_need", user=user))
    for answer in ("report:about:child", "report:place:north", None, "report:urgency:soon"):
        question = asked.replies[-1].text.splitlines()[-1]
        if answer is not None:
            again = await engine.handle(tg(typed, user=user))
            step = (await engine.find("telegram", user)).data["report_draft"]["step"]
            if step == "what":  # "①②③" at "where?": three characters typed, a place of its own, as any
                assert typed == "①②③" and answer == "report:place:north"
                asked = again
                continue
            assert again.replies[-1].text.splitlines()[-1] == question, typed
            asked = await engine.handle(tg(button=answer, user=user))
        else:
            asked = await engine.handle(tg("Дитина сусідів сама вдома другий день", user=user))
    again = await engine.handle(tg(typed, user=user))  # at "do you want a specialist to call?"
    assert again.replies[-1].text == asked.replies[-1].text and not CODE.search(again.replies[-1].text)


async def test_decimal_digits_of_other_scripts_choose_the_option_of_their_number(
    engine: Engine, any_store: Store
) -> None:
    user = "arabic-digits"
    await engine.handle(tg("Добрий день", user=user))
    await engine.handle(tg(button="topic:report_person_in_need", user=user))
    await engine.handle(tg("٢", user=user))  # the second: an elderly person
    await engine.handle(tg("３", user=user))  # the third place
    await engine.handle(tg("Сусідка не виходить з дому третій день", user=user))
    await engine.handle(tg("٣", user=user))  # can wait
    made = await engine.handle(tg("١", user=user))  # the first: no, anonymously
    (code,) = CODE.findall(made.replies[0].text)
    report = await any_store.reports.by_code("community-1620", engine.vault.code_hash(code))
    assert (report.about, report.place, report.urgency, report.anonymous) == ("elderly", "south", "can_wait", True)


async def test_the_form_keeps_its_language_when_an_answer_reads_as_another(engine: Engine, any_store: Store) -> None:
    """Session 15's outside attack: a Ukrainian report whose "what is happening" was typed in Russian got its
    next questions and buttons in Russian, and back in Ukrainian on the next Ukrainian word. An open form keeps
    the language it began in (a language button still switches it: ``conv.language_chosen``)."""
    russian = "Мальчик один дома с самого утра, плачет"
    engine.nlu.table[russian] = intent(russian, "nlu_fallback", language="ru", confidence=0.1)[1]
    user = "mixed-typist"
    await engine.handle(tg("Добрий день", user=user))
    for button in ("topic:report_person_in_need", "report:about:child", "report:place:north"):
        await engine.handle(tg(button=button, user=user))
    urgency = await engine.handle(tg(russian, user=user))
    assert urgency.replies[0].text == "Наскільки це терміново?" and urgency.conversation.language == "uk"
    contact = await engine.handle(tg(button="report:urgency:soon", user=user))
    assert contact.replies[0].text.startswith("Чи хочете, щоб фахівець")
    made = await engine.handle(tg(button="report:contact:no", user=user))
    assert CODE.search(made.replies[0].text) and made.conversation.language == "uk"
    queued = (await any_store.conversations.waiting(["community-1620"]))[0]
    assert (await any_store.reports.by_conversation(queued.id)).what == russian


@pytest.mark.parametrize("typed", ["✖️ Ləğv et", "legv et", "İmtina edirəm"])
async def test_the_azerbaijani_cancel_typed_as_its_button_reads_cancels_the_form(
    engine: Engine, any_store: Store, typed: str
) -> None:
    """Session 16's attack: the az cancel button's own label typed ("Ləğv et", two words) was kept as the
    description, then taken as an answer; only one-word cancels were read."""
    user = f"az-cancel-{len(typed)}"
    await engine.handle(tg(button="lang:az", user=user))
    for button in ("topic:report_person_in_need", "report:about:child", "report:place:north"):
        await engine.handle(tg(button=button, user=user))
    cancelled = await engine.handle(tg(typed, user=user))
    assert cancelled.replies[0].text.startswith("Yaxşı, mesaj ləğv edildi")
    assert "report_draft" not in (await engine.find("telegram", user)).data


def test_a_code_inside_a_sentence_is_found_and_other_numbers_are_not() -> None:
    from vikno.flows.report_codes import code_in, masked

    assert code_in("status of my report K7MX-4TP9-HC3B please") == ("K7MX-4TP9-HC3B", "status of my report please")
    assert code_in("статус кх4с 4тр9 нс3в?") == ("KX4C-4TP9-HC3B", "статус ?")  # Cyrillic look-alikes, spaces
    assert code_in("kodum k7mx4tp9hc3b") == ("K7MX-4TP9-HC3B", "kodum")
    assert code_in("8KT3 - M9TA - 8243")[0] == code_in("8kt3.m9ta/8243")[0] == "8KT3-M9TA-8243"  # typed loosely
    # a letter whose capital is two ("ß" -> "SS") moves nothing: the code masked is the code typed
    assert masked("Straße, mein Code k7mx-4tp9-hc3b!") == "Straße, mein Code ••••-••••-••••!"
    for other in (
        "мама каса 2345 потрібна допомога",  # words of look-alike letters beside a number (session 17's attack)
        "TEAM 2345 MEET at 6",
        "Бабуся сама 2345 хата біля магазину",
        "my card 4444 5555 6666 7777",  # a card number in groups of four
        "карта 2345 K7MX 4TP9 HC3B",  # four groups: not one of ours
        "K7MX-4TP9-HC3B-2345",
        "serial SN-K7MX-4TP9-HC3B",
        "ABCE HKMP TXAB",  # capitals alone (a code without a digit is read only on its own)
        "2345 6789 2345",
        "привіт як справи",
    ):
        assert code_in(other) is None, other


async def _report_code(engine: Engine, user: str) -> str:
    """A report's code, read inside a sentence as every code given is since session 18 (``reads_inside``)."""
    from vikno.flows.report_codes import code_in

    code, _ = await make_report(engine, user=user)
    assert code_in(f"my code {code} please") == (code, "my code please")
    return code


async def test_a_code_inside_a_sentence_tells_the_status_and_stays_out_of_the_chat(
    engine: Engine, any_store: Store
) -> None:
    """Session 16's attack: "status of my report XXXX-…" was "not understood" (the code was read only as a
    whole message) and the code stayed in the chat operators read; at "write your code" a code inside a
    sentence ended the code step."""
    code = await _report_code(engine, "sentence-reporter")
    status = await engine.handle(text("asks-later", f"Добрий день, який статус мого повідомлення {code.lower()}?"))
    assert status.replies[0].text == "Ваше повідомлення: отримано, чекає на фахівця."
    assert "report:add" in payloads(status)
    asker = await engine.find("rest", "asks-later")
    raw = await _raw_chat(any_store, asker.id)
    assert code not in raw and code.lower() not in raw and "статус мого" not in raw

    await engine.handle(text("asks-with-words", "у мене є код"))
    asked = await engine.handle(text("asks-with-words", f"ось мій код: {code}, дякую"))
    assert asked.replies[0].text == "Ваше повідомлення: отримано, чекає на фахівця."


async def test_a_code_inside_a_russian_sentence_keeps_the_conversation_russian(
    engine: Engine, any_store: Store
) -> None:
    """Session 16's attack: "Привет" then "статус KX4C-…" was answered in English: the code's Latin letters
    made the sentence English to the language guess (the scripted parse says so here). The words around the code
    decide now."""
    code = await _report_code(engine, "ru-reporter")
    hello, asking = "Привет", f"какой статус моего сообщения {code}"
    engine.nlu.table[hello] = intent(hello, "greet", language="ru")[1]
    engine.nlu.table[asking] = intent(asking, "nlu_fallback", language="en", confidence=0.1)[1]
    await engine.handle(text("ru-asker", hello))
    status = await engine.handle(text("ru-asker", asking))
    assert status.replies[0].text == "Ваше сообщение: получено, ждёт специалиста."
    assert status.conversation.language == "ru"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("English please", "lang:en"),
        ("по-русски, пожалуйста", "lang:ru"),
        ("Українською", "lang:uk"),
        ("azərbaycan dilində zəhmət olmasa", "lang:az"),
        ("можна англійською?", "lang:en"),
        ("мова", "language"),
        ("Сменить язык", "language"),
        ("dili dəyiş", "language"),
        ("deutsch bitte", None),  # no language of ours named: a sentence like any other
        ("in German", None),
        ("I speak English at school", None),  # about something else
        ("в школі українська мова і математика", None),
        ("English or Russian", None),  # two named: the list is the answer, not a guess
    ],
)
def test_a_language_asked_for_in_words_is_its_button(typed: str, expected: str | None) -> None:
    from vikno.flows.language_words import language_asked

    assert language_asked(typed, ["uk", "ru", "az", "en"]) == expected


def test_a_language_the_line_has_not_typed_shows_the_list() -> None:
    from vikno.flows.language_words import language_asked

    assert language_asked("azərbaycanca", ["uk", "ru", "en"]) == "language"


@pytest.mark.parametrize(
    ("typed", "written_in", "four", "two"),
    [
        # written in the language refused (the detector's reading): the list, or the line's one other language
        ("я не розумію українською", "uk", "language", "lang:ru"),
        ("не по-русски", "ru", "language", "lang:uk"),
        ("I don't understand English", "en", "language", "language"),
        # written in another language of the line: that one
        ("я не понимаю по-украински", "ru", "lang:ru", "lang:ru"),
        ("I dont speak ukrainian", "en", "lang:en", "lang:ru"),
        ("rusca bilmirəm", "az", "lang:az", "lang:uk"),
        ("ingiliscə başa düşmürəm", "az", "lang:az", "language"),
        # no refusal
        ("I understand English", "en", None, None),
        ("я не розумію", "uk", None, None),
        ("не хочу жити, українською не розумію нічого", "uk", None, None),
    ],
)
def test_a_language_refused_in_words_is_the_language_it_is_written_in_or_the_list(
    typed: str, written_in: str, four: str | None, two: str | None
) -> None:
    """Session 17's attack: "я не розумію українською" and "не по-русски" set the very language they refuse (the
    detector reads their words as that language)."""
    from vikno.flows.language_words import language_instead

    assert language_instead(typed, ["uk", "ru", "az", "en"], written_in) == four
    assert language_instead(typed, ["uk", "ru"], written_in) == two


async def test_a_refused_language_is_never_switched_to(engine: Engine) -> None:
    """Red before: the first message "не по-русски" (Russian to the detector) set Russian and was answered as a
    message nobody understood, in Russian; "I dont speak ukrainian" in a Ukrainian chat was not understood in
    Ukrainian either."""
    refusing = "не по-русски"
    engine.nlu.table[refusing] = intent(refusing, "nlu_fallback", language="ru", confidence=0.1)[1]
    listed = await engine.handle(tg(refusing, user="refuser"))
    assert listed.conversation.language != "ru"
    assert "Choose a language" in listed.replies[0].text
    assert {b.payload for b in listed.replies[0].buttons} == {"lang:uk", "lang:az", "lang:en"}  # not the one refused
    hello = "Добрий день"
    engine.nlu.table[hello] = intent(hello, "greet", language="uk")[1]
    await engine.handle(tg(hello, user="other"))
    english = "I dont speak ukrainian"
    engine.nlu.table[english] = intent(english, "nlu_fallback", language="en", confidence=0.1)[1]
    switched = await engine.handle(tg(english, user="other"))
    assert switched.replies[0].text == "Okay, let's talk in English."
    assert switched.conversation.language == "en"


async def test_a_refusal_keeps_the_chats_other_language_and_a_forms_question_waits_for_the_choice(
    engine: Engine,
) -> None:
    """Session 18's attack: a Russian chat told "я не розумію українською" got the list (Russian was not refused),
    and a refusal in a Ukrainian form got the list and then the form's question again in Ukrainian."""
    privet, refusing = "Привет, мне нужна помощь", "я не розумію українською"
    engine.nlu.table[privet] = intent(privet, "nlu_fallback", language="ru", confidence=0.1)[1]
    engine.nlu.table[refusing] = intent(refusing, "nlu_fallback", language="uk", confidence=0.1)[1]
    await engine.handle(tg(privet, user="ru-chat"))
    kept = await engine.handle(tg(refusing, user="ru-chat"))
    assert kept.replies[0].text == "Хорошо, говорим по-русски." and kept.conversation.language == "ru"

    user = "refuses-in-form"
    await engine.handle(tg("Добрий день", user=user))
    for button in ("topic:report_person_in_need", "report:about:child"):
        await engine.handle(tg(button=button, user=user))
    listed = await engine.handle(tg(refusing, user=user))
    assert [r.text.startswith("Оберіть мову") for r in listed.replies] == [True]
    chosen = await engine.handle(tg(button="lang:ru", user=user))
    assert chosen.replies[0].text == "Хорошо, говорим по-русски."
    assert "Где это?" in chosen.replies[-1].text
    draft = (await engine.find("telegram", user)).data["report_draft"]
    assert draft["about"] == "child" and draft["step"] == "place"


async def test_a_language_asked_or_refused_while_waiting_for_a_person_changes_the_chats_language(
    engine: Engine,
) -> None:
    """Session 18's attack: in the queue, "я не розумію українською" was answered in Ukrainian with nothing offered,
    and neither a typed request nor the language button changed what the bot said."""
    user = "waiting-refuser"
    await engine.handle(tg("Добрий день", user=user))
    queued = await engine.handle(tg(button="person", user=user))
    assert queued.conversation.state == State.WAITING
    refusing = "я не розумію українською"
    engine.nlu.table[refusing] = intent(refusing, "nlu_fallback", language="uk", confidence=0.1)[1]
    listed = await engine.handle(tg(refusing, user=user))
    assert [r.text for r in listed.replies] == ["Оберіть мову / Choose a language:"]
    assert {b.payload for b in listed.replies[0].buttons} == {"lang:ru", "lang:az", "lang:en"}
    chosen = await engine.handle(tg("English please", user=user))
    said = [r.text for r in chosen.replies]
    assert said[0] == "Okay, let's talk in English." and said[1].startswith("Your message is kept for the specialist")
    assert chosen.conversation.language == "en" and chosen.conversation.state == State.WAITING
    pressed = await engine.handle(tg(button="lang:ru", user=user))
    assert [r.text for r in pressed.replies][0] == "Хорошо, говорим по-русски."
    assert pressed.conversation.language == "ru" and pressed.conversation.state == State.WAITING


async def test_a_crisis_waiting_that_refuses_its_language_gets_the_numbers_again_with_the_list(
    engine: Engine,
) -> None:
    """Session 18's leftover: a crisis in the queue, then "я не розумію українською" got the list alone; the
    emergency numbers came only after a language was chosen. A person in danger who cannot read the chat's language
    gets them at once, in a language other than the one refused, before the list."""
    user = "crisis-refuser"
    crisis = "мені дуже погано, не хочу жити"
    engine.nlu.table[crisis] = intent(crisis, "nlu_fallback", language="uk", confidence=0.1, crisis=True)[1]
    await engine.handle(tg("Добрий день", user=user))
    flagged = await engine.handle(tg(crisis, user=user))
    assert flagged.conversation.state == State.WAITING and flagged.conversation.priority == Priority.CRISIS
    refusing = "я не розумію українською"
    engine.nlu.table[refusing] = intent(refusing, "nlu_fallback", language="uk", confidence=0.1)[1]
    answered = await engine.handle(tg(refusing, user=user))
    said = [r.text for r in answered.replies]
    assert said[0].startswith("Если есть угроза жизни") and "112" in said[0]
    assert said[-1] == "Выберите язык / Choose a language:"
    assert {b.payload for b in answered.replies[-1].buttons} == {"lang:ru", "lang:az", "lang:en"}
    assert answered.conversation.priority == Priority.CRISIS and answered.conversation.state == State.WAITING
    # not flagged: the list alone, as before (no numbers where nothing was said of danger)
    calm = "calm-refuser"
    await engine.handle(tg("Добрий день", user=calm))
    await engine.handle(tg(button="person", user=calm))
    listed = await engine.handle(tg(refusing, user=calm))
    assert [r.text for r in listed.replies] == ["Оберіть мову / Choose a language:"]


async def test_a_crisis_after_a_language_clause_is_answered_in_the_language_asked_for_never_the_one_refused(
    engine: Engine,
) -> None:
    """Session 18's second attack: "не розумію українською, мені дуже погано, не хочу жити" got the emergency
    reply in Ukrainian, the language just refused, and nothing to choose another."""
    refusing = "не розумію українською, мені дуже погано, не хочу жити"
    engine.nlu.table[refusing] = intent(refusing, "nlu_fallback", language="uk", confidence=0.1, crisis=True)[1]
    answered = await engine.handle(tg(refusing, user="refuses-in-crisis"))
    assert answered.conversation.priority == Priority.CRISIS and answered.conversation.language != "uk"
    said = [r.text for r in answered.replies]
    assert said[0].startswith(("Вы не одни", "Если есть угроза жизни")) and "112" in said[0]
    assert said[-1] == "Выберите язык / Choose a language:"
    asking = "English please, he is hitting me"
    engine.nlu.table[asking] = intent(asking, "nlu_fallback", language="en", confidence=0.1, crisis=True)[1]
    await engine.handle(tg("Добрий день", user="asks-in-crisis"))
    english = await engine.handle(tg(asking, user="asks-in-crisis"))
    assert english.conversation.language == "en" and english.conversation.priority == Priority.CRISIS
    assert english.replies[0].text.startswith(("You are not alone", "If there is a danger to life"))
    assert not any("Оберіть мову" in r.text for r in english.replies)


@pytest.mark.parametrize("typed", ["Англійська мова, в школі дуже важка, що робити?", "English teacher hates me"])
async def test_a_language_named_at_the_start_of_a_sentence_is_no_request(engine: Engine, typed: str) -> None:
    """A language's name as the subject of a sentence ("English lessons are hard") switched nothing before this
    session's language clauses, and must not now."""
    user = f"subject-{len(typed)}"
    await engine.handle(tg("Добрий день", user=user))
    engine.nlu.table[typed] = intent(typed, "education", language="uk")[1]
    said = await engine.handle(tg(typed, user=user))
    assert said.conversation.language == "uk"


async def test_a_language_button_or_request_with_an_operator_sets_the_language_silently(
    engine: Engine, any_store: Store
) -> None:
    """Session 18's second attack: with an operator a typed "English please" changed the chat's language (the
    detector's) but the language button did nothing; both set it now, and the bot stays silent."""
    handoff = Handoff(any_store, engine.helplines, channels=engine.channels, clock=engine.clock)
    olena = await create_operator(any_store, "olena", "correct horse battery")
    olena.presence = "online"
    olena = await any_store.operators.save(olena)
    user = "with-olena"
    await engine.handle(tg("Добрий день", user=user))
    await engine.handle(tg(button="person", user=user))
    assert await handoff.take_next(olena) is not None
    pressed = await engine.handle(tg(button="lang:ru", user=user))
    assert list(pressed.replies) == []
    assert pressed.conversation.language == "ru" and pressed.conversation.state == State.WITH_OPERATOR


async def test_a_crisis_waiting_hears_the_emergency_numbers_again_in_the_language_it_switches_to(
    engine: Engine,
) -> None:
    """Session 18's second attack: a crisis in the queue that switched to English was told only its place in the
    queue in English; the emergency numbers had been said in Ukrainian alone."""
    crisis = "мені дуже погано, не хочу жити"
    engine.nlu.table[crisis] = intent(crisis, "nlu_fallback", confidence=0.1, crisis=True)[1]
    await engine.handle(tg(crisis, user="crisis-switcher"))
    switched = await engine.handle(tg("English please", user="crisis-switcher"))
    said = [r.text for r in switched.replies]
    assert said[0] == "Okay, let's talk in English."
    assert said[1].startswith("If there is a danger to life, call right now:") and "112" in said[1]
    assert switched.conversation.priority == Priority.CRISIS


async def test_a_language_typed_in_a_form_switches_it_and_keeps_the_answers(engine: Engine, any_store: Store) -> None:
    """Session 16's attack: a person in a form begun in a language they cannot read has no language button in
    the form, and "English please" or "language" typed there was kept as the form's answer."""
    user = "lost-in-ukrainian"
    await engine.handle(tg("Добрий день", user=user))
    for button in ("topic:report_person_in_need", "report:about:child"):
        await engine.handle(tg(button=button, user=user))
    switched = await engine.handle(tg("English please", user=user))
    said = [r.text for r in switched.replies]
    assert said[0] == "Okay, let's talk in English." and "Where is it?" in said[-1]
    assert switched.conversation.language == "en"
    listed = await engine.handle(tg("мова", user=user))
    assert listed.replies[0].text.startswith("Choose a language")
    assert {b.payload for b in listed.replies[0].buttons} >= {"lang:uk", "lang:ru", "lang:az", "lang:en"}
    assert "Where is it?" in listed.replies[-1].text
    await engine.handle(tg(button="report:place:north", user=user))
    urgency = await engine.handle(tg("A boy sits alone on the stairs since morning", user=user))
    assert urgency.replies[0].text.startswith("How urgent")
    await engine.handle(tg(button="report:urgency:soon", user=user))
    made = await engine.handle(tg(button="report:contact:no", user=user))
    assert CODE.search(made.replies[0].text)
    queued = (await any_store.conversations.waiting(["community-1620"]))[0]
    report = await any_store.reports.by_conversation(queued.id)
    assert report.about == "child" and report.what == "A boy sits alone on the stairs since morning"


@pytest.mark.parametrize("typed", ["Another place", "другое место"])
async def test_the_another_place_label_typed_in_another_language_asks_for_the_place(
    engine: Engine, any_store: Store, typed: str
) -> None:
    """Session 16's attack: "Another place" typed in a Ukrainian form was stored as the place's name; the
    options are now read in every language of the line, the form's own first."""
    user = f"place-{len(typed)}"
    await engine.handle(tg("Добрий день", user=user))
    for button in ("topic:report_person_in_need", "report:about:child"):
        await engine.handle(tg(button=button, user=user))
    asked = await engine.handle(tg(typed, user=user))
    assert asked.replies[0].text.startswith("Напишіть, де це")
    draft = (await engine.find("telegram", user)).data["report_draft"]
    assert draft["step"] == "place_other" and draft.get("place_text") is None


@pytest.mark.parametrize(
    ("typed", "urgency"),
    [
        ("помощь нужна сейчас", "now"),
        ("help needed now", "now"),
        ("Потрібна допомога зараз", "now"),
        ("потрібна допомога негайно", "now"),
        ("it can't wait", "now"),
        ("не може зачекати", "now"),
        ("може зачекати", "can_wait"),
        ("Потрібна допомога найближчими днями", "soon"),
    ],
)
async def test_how_urgent_typed_in_words_is_read_by_what_the_words_say(
    engine: Engine, any_store: Store, typed: str, urgency: str
) -> None:
    """Session 17's attack: typed urgency was matched to the option sharing most words first, so "помощь
    нужна сейчас" (two words of Russian "help is needed in the next few days") was "soon" and "it can't wait"
    (two of "it can wait") the lowest urgency; "Потрібна допомога зараз" was "soon" before this session too.
    The words' own urgency comes first; danger now gets the emergency numbers at once."""
    user = f"urgency-{abs(hash(typed)) % 10**6}"
    await engine.handle(tg("Добрий день", user=user))
    for button in ("topic:report_person_in_need", "report:about:child", "report:place:north"):
        await engine.handle(tg(button=button, user=user))
    await engine.handle(tg("Дитина сама вдома з ранку, плаче", user=user))
    answered = await engine.handle(tg(typed, user=user))
    draft = (await engine.find("telegram", user)).data["report_draft"]
    assert draft["urgency"] == urgency
    assert ("112" in answered.replies[0].text) is (urgency == "now")


async def test_a_code_is_masked_in_every_chat_whatever_the_message_was_answered_with(
    engine: Engine, any_store: Store
) -> None:
    """Session 17's attack: a crisis said with a report's code ("my code X, he is beating her right now") and a
    code sent while waiting in the queue were kept in clear in the history operators read. A form's answer with
    words of look-alike letters beside a number ("сама 2345 хата") was taken for a code and the draft dropped."""
    code = await _report_code(engine, "masked-reporter")
    crisis = f"my code {code}, he is beating her right now"
    engine.nlu.table[masked(crisis)] = intent(
        masked(crisis), "nlu_fallback", language="en", confidence=0.1, crisis=True
    )[1]
    answered = await engine.handle(text("crisis-with-code", crisis))
    assert answered.conversation.priority == Priority.CRISIS
    waiting = await engine.handle(text("crisis-with-code", f"status {code}"))
    assert waiting.conversation.state == State.WAITING
    conv = await engine.find("rest", "crisis-with-code")
    raw = await _raw_chat(any_store, conv.id)
    assert code not in raw and "he is beating her right now" in raw and "••••-••••-••••" in raw

    user = "lookalike-words"
    await engine.handle(tg("Добрий день", user=user))
    for button in ("topic:report_person_in_need", "report:about:elderly", "report:place:north"):
        await engine.handle(tg(button=button, user=user))
    asked = await engine.handle(tg("Бабуся сама 2345 хата біля магазину, не виходить", user=user))
    assert asked.replies[0].text == "Наскільки це терміново?"


async def test_a_question_beside_a_code_is_answered_after_the_status(engine: Engine, any_store: Store) -> None:
    """Session 17's attack: "my code X, and what are your hours?" told the status and dropped the question."""
    code = await _report_code(engine, "beside-reporter")
    hours = f"мій код {code}, а коли ви працюєте?"
    engine.nlu.table[masked(hours)] = intent(masked(hours), "working_hours")[1]
    both = await engine.handle(text("beside", hours))
    said = [r.text for r in both.replies]
    assert said[0] == "Ваше повідомлення: отримано, чекає на фахівця."
    assert len(said) == 2 and said[1].startswith("Фахівці лінії працюють: понеділок – четвер")
    thanks = f"ось мій код: {code}, дякую"
    engine.nlu.table[masked(thanks)] = intent(masked(thanks), "thanks")[1]
    told = await engine.handle(text("thanker", thanks))
    assert [r.text for r in told.replies] == ["Ваше повідомлення: отримано, чекає на фахівця."]
    raw = await _raw_chat(any_store, both.conversation.id)
    assert code not in raw and "а коли ви працюєте?" in raw  # kept for an operator, the code masked

    # session 18's second attack: "будь ласка" beside a code read as asking for a person, and a chat was queued
    polite = f"мій код {code} будь ласка"
    engine.nlu.table[masked(polite)] = intent(masked(polite), "human_handoff", confidence=0.6)[1]
    status = await engine.handle(text("polite", polite))
    assert [r.text for r in status.replies] == ["Ваше повідомлення: отримано, чекає на фахівця."]
    assert status.conversation.state == State.BOT
    person = f"code {code}, can I talk to a person?"
    engine.nlu.table[masked(person)] = intent(masked(person), "human_handoff", language="en")[1]
    queued = await engine.handle(text("to-a-person", person))
    assert queued.conversation.state == State.WAITING
    said = [m for m in await any_store.messages.history(queued.conversation.id) if m.direction == "in"]
    assert said[-1].text == "code ••••-••••-••••, can I talk to a person?"  # why they wait, for the operator


async def test_a_language_chosen_in_a_form_or_at_the_code_question_asks_that_question_again_without_the_menu(
    engine: Engine, any_store: Store
) -> None:
    """Session 17's attack: the language button pressed in a form put the whole topic menu before the form's
    question, and "English please" at "write your code" answered with the menu instead of the question."""
    user = "button-in-form"
    await engine.handle(tg("Добрий день", user=user))
    for button in ("topic:report_person_in_need", "report:about:child"):
        await engine.handle(tg(button=button, user=user))
    await engine.handle(tg(button="language", user=user))
    chosen = await engine.handle(tg(button="lang:en", user=user))
    said = [r.text for r in chosen.replies]
    assert said[0] == "Okay, let's talk in English." and len(said) == 2 and "Where is it?" in said[1]

    await engine.handle(text("code-asker", "у мене є код"))
    again = await engine.handle(text("code-asker", "English please"))
    assert [r.text for r in again.replies] == [
        "Okay, let's talk in English.",
        "Type your code (for example K7MX-4TP9-HC3B).",
    ]
