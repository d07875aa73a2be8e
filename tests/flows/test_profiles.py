"""The shipped helpline profiles (issue 27): each loads, validates, answers a topic and reaches the queue.

Every profile runs through the real engine on a real store (both adapters): the greeting names the line,
the first topic of its short menu answers with the profile's own words, and "talk to a person" puts the
conversation in that line's queue. The shared texts (flows/content/_common/texts.yml) are the dialogue's
scaffolding for all of them; the line's own texts.yml overrides them key by key.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vikno.flows.content import (
    COMMON_TEXTS,
    SHIPPED_CONTENT,
    ContentError,
    default_helpline_id,
    load_helpline,
    load_helplines,
    shipped_helpline_folders,
)
from vikno.flows.content_warnings import confirm_warnings, hours_text_warnings
from vikno.flows.engine import Engine
from vikno.flows.messages import Inbound, Kind
from vikno.flows.renamed_lines import move_renamed_lines
from vikno.handoff.service import Handoff
from vikno.nlu.builtin import BuiltinNLU
from vikno.storage.identity import IdentityVault
from vikno.storage.models import Conversation
from vikno.storage.port import Store

from .conftest import Clock, on_duty

#: What each shipped line is, from its seed article (shared/seeds/): languages, time zone, hours, numbers.
PROFILES = {
    "community-1620": (
        ["uk", "ru", "az", "en"],
        "Europe/Kyiv",
        {"mon": "08:00-17:00", "thu": "08:00-17:00", "fri": "08:00-15:30", "sat": "closed"},
        ["1620"],
    ),
    "kharkiv-1552": (["uk", "ru", "en"], "Europe/Kyiv", {d: "09:00-20:00" for d in ("mon", "sat", "sun")}, ["15-52"]),
    "az-116111": (
        ["az", "ru", "en"],
        "Asia/Baku",
        {d: "24h" for d in ("mon", "sat", "sun")},
        ["116111", "+994 50 680 22 80", "+994 51 580 22 80", "+994 51 880 11 80", "+994 51 880 22 80"],
    ),
    "cherkasy-1545": (["uk", "ru", "en"], "Europe/Kyiv", {d: "24h" for d in ("mon", "sat", "sun")}, ["15-45"]),
    "zhytomyr-1550": (
        ["uk", "ru", "en"],
        "Europe/Kyiv",
        {"mon": "09:00-18:00", "sat": "closed"},
        ["15-50", "(068) 718-59-82", "(0412) 470-152"],
    ),
}
SHIPPED = {folder.name: folder for folder in shipped_helpline_folders()}


def test_every_shipped_profile_loads_and_validates_with_the_facts_of_its_article() -> None:
    lines = load_helplines(shipped_helpline_folders())
    assert set(PROFILES) == set(lines) == set(SHIPPED)
    for line_id, (languages, zone, hours, phones) in PROFILES.items():
        line = lines[line_id]
        assert line.folder.name == line_id and line.languages == languages and line.settings.timezone == zone
        assert {day: line.settings.hours[day] for day in hours} == hours
        assert [p.number for p in line.settings.phones] == phones
        assert hours_text_warnings(line) == []
    assert default_helpline_id(lines) == "community-1620"  # the single-line paths keep answering for 1620
    assert shipped_helpline_folders()[0].name == "community-1620"


def test_every_number_the_articles_do_not_state_is_marked_for_the_helpline_to_confirm() -> None:
    lines = load_helplines(shipped_helpline_folders())
    stated = {line_id: set(facts[3]) for line_id, facts in PROFILES.items()}
    for line_id, numbers in stated.items():
        line = lines[line_id]
        warned = "\n".join(confirm_warnings(line))
        for contact in [*line.settings.phones, *line.settings.emergency]:
            assert contact.confirm == (contact.number not in numbers), (line_id, contact.number)
            if contact.confirm:
                assert f"confirm {contact.number} " in warned
    assert "helpline.yml, line" in "\n".join(confirm_warnings(lines["community-1620"]))
    # the Zhytomyr hours are not in its article: the line is told to confirm them
    assert any(
        "(hours): confirm: the article gives no working hours" in w for w in confirm_warnings(lines["zhytomyr-1550"])
    )


def test_a_violence_report_in_zhytomyr_goes_to_the_brigades_of_its_district() -> None:
    line = load_helplines(shipped_helpline_folders())["zhytomyr-1550"]
    assert [
        line.report_team("violence", p) for p in ("berdychivskyi", "zhytomyrskyi", "zviahelskyi", "korostenskyi")
    ] == ["brigades_berdychiv", "brigades_zhytomyr", "brigades_zviahel", "brigades_korosten"]
    assert line.report_team("violence", "other") == "psychologists"


def _inbound(line: str, user: str, *, text: str | None = None, button: str | None = None) -> Inbound:
    if button is not None:
        return Inbound(channel="rest", user_id=user, button=button, kind=Kind.BUTTON, helpline=line)
    return Inbound(channel="rest", user_id=user, text=text, helpline=line)


@pytest.mark.parametrize("line_id", sorted(SHIPPED))
async def test_a_conversation_in_each_profile_reaches_a_topic_answer_and_the_queue(
    engine: Engine, any_store: Store, line_id: str
) -> None:
    line = engine.helpline(line_id)
    lang = line.settings.default_language
    hello = await engine.handle(_inbound(line_id, "p1", text="Добрий день"))
    assert hello.conversation.helpline == line_id
    assert line.local(line.settings.name, lang) in hello.replies[0].text
    topic_id = next(
        t
        for t in (line.settings.first_menu or line.topic_order)
        if not (line.settings.reports and t == line.settings.reports.topic)
        and not (line.settings.appeals and t in (line.settings.appeals.topic, line.settings.appeals.status_topic))
    )
    answer = await engine.handle(_inbound(line_id, "p1", button=f"topic:{topic_id}"))
    assert answer.conversation.topic == topic_id
    assert answer.replies[0].text == line.local(line.topics[topic_id].answer, answer.conversation.language)
    person = await engine.handle(_inbound(line_id, "p1", button="person"))
    assert person.conversation.state == "waiting" and person.conversation.queue_position == 1
    (waiting,) = await any_store.conversations.waiting([line_id])
    assert waiting.id == person.conversation.id and waiting.team == line.team_for(topic_id)


def test_a_line_overrides_a_shared_text_and_keeps_the_others(tmp_path: Path) -> None:
    folder = tmp_path / "line"
    shutil.copytree(SHIPPED["community-1620"], folder)
    with (folder / "texts.yml").open("a", encoding="utf-8") as texts:
        texts.write('button_menu: {uk: "☰ Теми", ru: "☰ Темы", az: "☰ Mövzular", en: "☰ Topics"}\n')
    line = load_helpline(folder)
    shared = load_helpline(SHIPPED["community-1620"])
    assert line.say("button_menu", "uk") == "☰ Теми" and shared.say("button_menu", "uk") == "☰ Меню"
    assert line.say("button_person", "uk") == shared.say("button_person", "uk")


def test_a_shared_text_missing_a_language_the_line_speaks_names_the_shared_file_and_the_way_out(tmp_path: Path) -> None:
    common = tmp_path / "texts.yml"
    common.write_text(COMMON_TEXTS.read_text(encoding="utf-8").replace('  az: "☰ Menyu"\n', ""), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_helpline(SHIPPED["community-1620"], common=common)
    (problem,) = info.value.problems
    assert problem.startswith(f"{common}, line ") and "(button_menu): missing the az text" in problem
    assert "or write the whole text 'button_menu' in" in problem and "community-1620/texts.yml" in problem
    load_helpline(SHIPPED["kharkiv-1552"], common=common)  # a line without az does not need it


def test_a_confirm_note_that_names_nothing_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "line"
    shutil.copytree(SHIPPED["community-1620"], folder)
    spec = folder / "helpline.yml"
    spec.write_text(
        spec.read_text(encoding="utf-8").replace('at: "helpline.yml:teams"', 'at: "helpline.yml:teamz"'),
        encoding="utf-8",
    )
    with pytest.raises(
        ContentError,
        match=r"helpline.yml, line \d+ \(confirm\[2\]\.at\): 'helpline.yml:teamz' "
        r"names nothing",
    ):
        load_helpline(folder)


async def test_the_stored_records_of_line1620_move_to_community_1620(any_store: Store) -> None:
    """An existing deployment's conversations say "line1620": the start moves them to the renamed line."""
    lines = load_helplines(shipped_helpline_folders())
    conv = await any_store.conversations.create(Conversation(helpline="line1620", channel="telegram", user_key="u"))
    done = await move_renamed_lines(any_store, lines)
    assert done == ["1 stored record(s) of helpline 'line1620' moved to 'community-1620' (its former id)"]
    moved = await any_store.conversations.find_by_user("community-1620", "telegram", "u")
    assert moved is not None and moved.id == conv.id
    assert await move_renamed_lines(any_store, lines) == []


def test_the_shipped_folders_are_the_profiles_and_the_shared_texts() -> None:
    assert (SHIPPED_CONTENT / "_common" / "texts.yml") == COMMON_TEXTS
    assert "_common" not in SHIPPED and "line1620" not in SHIPPED


async def test_the_child_line_asks_age_and_gender_after_a_bare_hello_and_never_before_help(
    engine: Engine, any_store: Store
) -> None:
    """az-116111 reports its calls by age group and gender (its seed article): the optional questions,
    asked after a greeting that says nothing yet; a first message with a question gets its answer."""
    hello = await engine.handle(Inbound(channel="rest", user_id="child-1", kind=Kind.START, helpline="az-116111"))
    assert [b.payload for b in hello.replies[-1].buttons][:2] == ["profile:age_group:child", "profile:age_group:adult"]
    asked = await engine.handle(_inbound("az-116111", "child-2", button="topic:education"))
    assert not any(b.payload.startswith("profile:") for r in asked.replies for b in r.buttons)


@pytest.mark.parametrize("line_id", sorted(SHIPPED))
async def test_a_crisis_at_night_in_every_line_gets_its_own_numbers_the_top_of_its_queue_and_no_false_promise(
    engine: Engine, any_store: Store, line_id: str
) -> None:
    """The crisis path works at any hour in every line (issue 27): at 03:00 local time, with nobody on duty,
    a crisis gets that line's own emergency numbers at once, the top of that line's queue, and is not told
    that a specialist is coming."""
    from datetime import datetime, time

    from vikno.flows.content import Helpline
    from vikno.nlu.types import Parse

    line: Helpline = engine.helpline(line_id)
    lang = line.settings.default_language
    words = "хочу накласти на себе руки"
    engine.nlu.table[words] = Parse(
        text=words, language=lang, intent="nlu_fallback", confidence=0.2, crisis=True, crisis_score=0.97
    )
    engine.clock.now = datetime.combine(datetime(2026, 3, 4).date(), time(3, 0), tzinfo=line.zone)
    turn = await engine.handle(_inbound(line_id, "night-1", text=words))
    first = turn.replies[0].text
    for contact in line.settings.emergency:
        assert contact.number in first, (line_id, contact.number)
    assert turn.conversation.state == "waiting" and turn.conversation.priority == "crisis"
    assert turn.conversation.queue_position == 1
    promise = line.say("crisis", turn.conversation.language or lang, emergency="").split("\n")[-1]
    assert all(promise not in r.text for r in turn.replies), promise
    (waiting,) = await any_store.conversations.waiting([line_id])
    assert waiting.id == turn.conversation.id


#: Per line: a question in its default language the shipped NLU answers with one of the line's own topics,
#: and "talk to a person" in that language.
FREE_TEXT = {
    "community-1620": ("Де взяти крісло колісне для мами?", "disability", "Хочу поговорити з людиною"),
    "kharkiv-1552": ("Як оформити довідку ВПО?", "idp_support", "Хочу поговорити з людиною"),
    "az-116111": ("Məktəbdə imtahanlarla bağlı problemim var", "education", "Operatorla danışmaq istəyirəm"),
    "cherkasy-1545": ("Які пільги для ветеранів АТО?", "veterans", "Хочу поговорити з людиною"),
    "zhytomyr-1550": ("Мені потрібна психологічна підтримка", "psychological_support", "Хочу поговорити з людиною"),
}


@pytest.mark.parametrize("line_id", sorted(SHIPPED))
async def test_in_each_profile_free_text_reaches_its_topic_s_answer_and_an_operator_of_that_line_answers(
    any_store: Store, shipped_nlu: BuiltinNLU, line_id: str
) -> None:
    """End to end with the shipped NLU: the person's own words → the topic's answer; "talk to a person" → that
    line's queue; an operator of another line cannot take it; an operator of the line takes it and replies;
    the person has the reply."""
    assert set(FREE_TEXT) == set(SHIPPED)
    question, topic_id, ask_person = FREE_TEXT[line_id]
    clock = Clock()
    lines = load_helplines(shipped_helpline_folders())
    engine = Engine(any_store, IdentityVault(b"test-secret-key-0123456789"), lines, shipped_nlu, clock=clock)
    line = lines[line_id]
    lang = line.settings.default_language
    asked = await engine.handle(_inbound(line_id, "p1", text=question))
    assert asked.conversation.topic == topic_id and asked.conversation.language == lang
    assert line.local(line.topics[topic_id].answer, lang) in [r.text for r in asked.replies]
    person = await engine.handle(_inbound(line_id, "p1", text=ask_person))
    assert person.conversation.state == "waiting"
    (waiting,) = await any_store.conversations.waiting([line_id])
    assert waiting.id == person.conversation.id
    handoff = Handoff(any_store, lines, channels=engine.channels, clock=clock)
    other_line = next(other for other in SHIPPED if other != line_id)
    stranger = await on_duty(any_store, "stranger", helplines=[other_line])
    assert await handoff.take_next(stranger) is None  # another line's operator never gets it
    olena = await on_duty(any_store, "olena", helplines=[line_id])
    taken = await handoff.take_next(olena)
    assert taken is not None and taken.id == person.conversation.id and taken.state == "with_operator"
    await handoff.reply(olena, taken.id, "Добрий день, я тут і читаю вас.")
    conv = await any_store.conversations.get(taken.id)
    assert conv is not None
    said = [(m.sender, m.text) for m in await engine.history(conv)]
    assert ("operator", "Добрий день, я тут і читаю вас.") in said
