"""The child path's and the line's figures' table of attacks (issue 27: kharkiv-1552 and az-116111).

A real vikno with every shipped line on a real socket, on either store. The
child's link and the topic's top priority are open to anyone (a child needs
no account), so what an outsider can do with them is only what the content
says: a start word the line has, on the line that has it; nothing of a link
is echoed into the page; and the month-by-month figures stay the line's own.
"""

from __future__ import annotations

from tests.handoff.conftest import ConsoleSite

from .table import Attack, rows

REST = "/api/v1/conversations/{}/messages"


async def markup_in_the_child_link(site: ConsoleSite) -> None:
    person = site.agent()
    for odd in ('"><script>alert(1)</script>', 'child" onload="alert(1)', "child%0a", "../child"):
        resp = await person.get(f"/chat?helpline=kharkiv-1552&lang=uk&start={odd}")
        body = await resp.text()
        assert resp.status == 200 and "data-start" not in body and "alert(1)" not in body, odd
    body = await (await person.get("/chat?helpline=community-1620&start=child")).text()
    assert "data-start" not in body  # a line without the path gets no start word


async def forged_start_words_and_topics(site: ConsoleSite) -> None:
    person = site.agent()
    for key, line, button in (
        ("k-start-1", "kharkiv-1552", "start:admin"),  # a word no topic starts with
        ("k-start-2", "community-1620", "start:child"),  # the child's word on a line without the path
        ("k-start-3", "community-1620", "topic:child_help"),  # another line's topic
        ("k-start-4", "az-116111", "start:child"),
    ):
        resp = await person.http.post(person.url(REST.format(key)), json={"button": button, "helpline": line})
        assert resp.status == 200, (line, button)
        answer = await resp.json()
        assert answer["conversation"]["state"] == "bot" and answer["conversation"]["priority"] is None, button
    for line in ("kharkiv-1552", "community-1620", "az-116111"):
        assert await site.store.conversations.waiting([line]) == [], line


async def another_lines_months(site: ConsoleSite) -> None:
    await site.operator("sup1552", role="supervisor", helplines=["kharkiv-1552"])
    theirs = site.agent("en")
    assert (await theirs.log_in("sup1552")).status == 303
    months = "period=custom&from=2026-01-01&to=2026-05-31"
    for table in ("months_by_topic", "months_by_age_group", "months_by_gender", "by_topic_group"):
        resp = await theirs.get(f"/console/figures.csv?table={table}&{months}&helpline=az-116111")
        assert resp.status == 404, table
    page = await theirs.get(f"/console/figures?{months}&helpline=az-116111")
    assert page.status == 404 and "Psychological" not in await page.text()


ATTACKS = [
    Attack(
        id="child-link-markup",
        item="27.kids",
        what="put markup or another word into the child's link (/chat?start=): the page carries no start word "
        "but one the line's topics have, and echoes nothing",
        run=markup_in_the_child_link,
    ),
    Attack(
        id="forged-start-word",
        item="27.kids",
        what="press a start word or topic a line does not have (start:admin, 1620's start:child, "
        "another line's topic): the greeting, nothing queued, no priority",
        run=forged_start_words_and_topics,
    ),
    Attack(
        id="another-lines-months",
        item="27.kids",
        what="a supervisor of kharkiv-1552 asks for az-116111's month-by-month figures and topic headings "
        "(page and CSV): 404, nothing of the other line shown",
        run=another_lines_months,
    ),
]


@rows(ATTACKS)
async def test_kids_attack(attack: Attack, any_site: ConsoleSite) -> None:
    await attack.run(any_site)
