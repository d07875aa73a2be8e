"""The figures page: a helpline's figures for a period, as charts, tables, CSV and a printable summary.

Supervisors and admins only, and only of their own helplines (the one
rule of ``handoff/access.py``). The numbers come from ``store.figures``
(computed inside the database); this module turns them into tables in the
operator's language. Each table is the chart's text alternative: the
charts (``static/figures.js``, drawn by plotly.js from the installed
``plotly`` package, served by :func:`plotly_js`) read their numbers from
the tables, so a chart can never say what its table does not. Operator
ids become display names here, for supervisors, and nowhere else.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from vikno.flows.content import PROFILE_QUESTIONS
from vikno.storage.figures import APPEAL_WEEK_COLUMNS, Figures, Period
from vikno.storage.models import utcnow

from ..wrapup import CHI_CATEGORIES, OUTCOME_LABELS
from .auth import guard
from .context import console_of
from .i18n import chi_label, label, outcome_label, text
from .queries import scope
from .respond import VIEWER, fail, language_of, render
from .views import duration, topic_title

PERIODS = ("this_month", "last_month", "custom")
MAX_DAYS = 366
#: UTF-8's byte order mark: a spreadsheet opening the CSV then reads Cyrillic as Cyrillic.
BOM = "\ufeff"


class BadRequest(Exception):
    def __init__(self, status: int, key: str, **values: Any) -> None:
        super().__init__(key)
        self.status, self.key, self.values = status, key, values


@dataclass
class Table:
    id: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    #: how figures.js draws it: "bar", "hbar", "line", or None (a table only)
    chart: str | None = "bar"


def plotly_path() -> Path:
    """plotly.js as the ``plotly`` package installs it (no copy of ours, nothing from the internet)."""
    return Path(str(resources.files("plotly") / "package_data" / "plotly.min.js"))


#: Where plotly.js looks before it writes an inline <style> (which the console's CSP refuses): with these
#: elements in the page it writes none. Its global rules are only for hover labels and the mode bar (a
#: static plot has neither); the other is a map library's, unused here.
PLOTLY_INLINE_STYLE = re.compile(rb'getElementById\("([0-9a-f]{64})"\)\)\{var e=document.createElement\("style"\)')


@functools.cache
def plotly_style_ids() -> tuple[str, ...]:
    found = PLOTLY_INLINE_STYLE.findall(plotly_path().read_bytes())
    return ("plotly.js-style-global", *(f.decode() for f in found))


async def plotly_js(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(plotly_path(), headers={"Content-Type": "text/javascript; charset=utf-8"})


def choose_period(query: Any, helpline: str, zone: str, today: date, channels: Collection[str]) -> tuple[Period, str]:
    """The period the form asks for (this month when it asks for none), in the helpline's local dates.

    ``channels``: the ones a figure may be narrowed to, the deployment's (the channel registry); the
    console names none of its own.
    """
    kind = query.get("period") or "this_month"
    if kind not in PERIODS:
        raise BadRequest(400, "fig.bad_dates", days=MAX_DAYS)
    channel = query.get("channel") or None
    if channel is not None and channel not in channels:
        raise BadRequest(400, "fig.bad_dates", days=MAX_DAYS)
    first_of_month = today.replace(day=1)
    if kind == "this_month":
        first, last = first_of_month, today
    elif kind == "last_month":
        last = first_of_month - timedelta(days=1)
        first = last.replace(day=1)
    else:
        try:
            first, last = date.fromisoformat(query.get("from", "")), date.fromisoformat(query.get("to", ""))
        except ValueError:
            raise BadRequest(400, "fig.bad_dates", days=MAX_DAYS) from None
        if last < first or (last - first).days >= MAX_DAYS:
            raise BadRequest(400, "fig.bad_dates", days=MAX_DAYS)
    return Period(helpline, first, last, zone, channel), kind


async def page_data(request: web.Request, *, by_month: bool = True) -> dict[str, Any]:
    """Everything the page, and its CSV, show for the request's period, helpline and channel.

    ``by_month``: also the month-by-month tables (one more count per month); a CSV of another table skips them.
    """
    console, viewer = console_of(request), request[VIEWER]
    lang = language_of(request)
    lines = [h for h in scope(console, viewer.operator) if h in console.helplines]
    if not lines:
        raise BadRequest(404, "fig.no_helpline")
    helpline = request.query.get("helpline") or lines[0]
    if helpline not in lines:  # another helpline's figures are not this supervisor's to see, nor to know of
        raise BadRequest(404, "fig.no_helpline")
    line = console.helplines[helpline]
    today = utcnow().astimezone(line.zone).date()
    channels = console.channels.names()
    period, kind = choose_period(request.query, helpline, line.settings.timezone, today, channels)
    figures = await console.store.figures(period)
    # a period over several months is also told month by month (a line's quarterly or five-month report)
    monthly = [(month, await console.store.figures(month)) for month in months_of(period)] if by_month else []
    names = {o.id: o.display_name for o in await console.store.operators.all()}
    params = {
        "period": kind,
        "helpline": helpline,
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        **({"channel": period.channel} if period.channel else {}),
    }
    return {
        "figures": figures,
        "period": period,
        "kind": kind,
        "query": urlencode(params),
        "helplines": [(h, console.helplines[h].local(console.helplines[h].settings.name, lang)) for h in lines],
        "helpline_name": line.local(line.settings.name, lang),
        "channels": [(c, label(lang, "channel", c)) for c in channels],
        "tables": tables(figures, line, names, lang, monthly),
    }


def months_of(period: Period) -> list[Period]:
    """The calendar months of a period that spans more than one, each clipped to the period; else none."""
    if (period.first.year, period.first.month) == (period.last.year, period.last.month):
        return []
    months, first = [], period.first
    while first <= period.last:
        following = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
        last = min(following - timedelta(days=1), period.last)
        months.append(Period(period.helpline, first, last, period.zone, period.channel))
        first = following
    return months


def topic_groups(line: Any, by_topic: dict[str, int], lang: str) -> dict[str, int]:
    """Conversations per heading of the line's own reports (``figures.topic_groups``), in its order.

    A heading sums its topics' counts: a conversation answered on two topics
    of one heading counts twice there, as it does in the topics' table. A
    topic under no heading keeps its own row, after the headings.
    """
    groups = line.settings.figures.topic_groups
    counted: dict[str, int] = {line.local(g.name, lang): sum(by_topic.get(t, 0) for t in g.topics) for g in groups}
    grouped = {t for g in groups for t in g.topics}
    for key, n in by_topic.items():
        if key not in grouped:
            name = topic_title(line, key, lang) or key if key != "unknown" else text(lang, "fig.unknown")
            counted[name] = counted.get(name, 0) + n
    return counted


def _by_month(
    id_: str, lang: str, counts: Any, whole: Figures, monthly: list[tuple[Period, Figures]], names: Any
) -> Table:
    """One row per month and one for the whole period; a column per heading, answer or channel counted.

    The columns are those ``counts`` gives for the whole period and every
    month (a quiet month shows 0); the total row is the period's own count,
    not a sum of months (a conversation of two months is one conversation).
    """
    keys: list[str] = []
    for f in [whole, *(f for _, f in monthly)]:
        keys += [k for k in counts(f) if k not in keys]
    rows = [
        [month.first.strftime("%Y-%m"), f.conversations, *(counts(f).get(k, 0) for k in keys)] for month, f in monthly
    ]
    rows.append([text(lang, "fig.total"), whole.conversations, *(counts(whole).get(k, 0) for k in keys)])
    columns = [text(lang, "fig.col.month"), text(lang, "fig.s.conversations"), *(names(k) for k in keys)]
    return Table(id_, text(lang, f"fig.t.{id_}"), columns, rows, chart=None)


def _answers(counts: dict[str, int], question: str) -> dict[str, int]:
    """Every answer of an optional question in its order, then "not known": the same columns every month."""
    order = (*PROFILE_QUESTIONS[question], "unknown")
    return {k: counts.get(k, 0) for k in order} | {k: n for k, n in counts.items() if k not in order}


def _share(n: int, total: int) -> str:
    return f"{100 * n / total:.1f} %" if total else "—"


def _counted(
    id_: str, counts: dict[str, int], lang: str, name: Any, chart: str = "bar", total: int | None = None
) -> Table:
    whole = total if total is not None else sum(counts.values())
    return Table(
        id_,
        text(lang, f"fig.t.{id_}"),
        [text(lang, "fig.col.what"), text(lang, "fig.col.count"), text(lang, "fig.col.share")],
        [[name(key), n, _share(n, whole)] for key, n in counts.items()],
        chart,
    )


def tables(
    f: Figures, line: Any, names: dict[str, str], lang: str, monthly: list[tuple[Period, Figures]] | None = None
) -> list[Table]:
    def known(prefix: str) -> Any:
        def name(key: str) -> str:
            if key == "unknown":
                return text(lang, "fig.unknown")
            if key == "pending":
                return text(lang, "fig.pending")
            return label(lang, prefix, key, key)

        return name

    def category(key: str) -> str:
        if key in CHI_CATEGORIES:
            return chi_label(key, lang)
        if key.startswith("topic:"):
            return topic_title(line, key.removeprefix("topic:"), lang) or key
        return key if key != "unknown" else text(lang, "fig.unknown")

    def district(key: str) -> str:
        for place in getattr(line.settings, "districts", None) or []:
            if getattr(place, "id", None) == key and getattr(place, "name", None):
                return line.local(place.name, lang)
        return text(lang, "fig.other") if key == "other" else key if key != "unknown" else text(lang, "fig.unknown")

    closed = f.closed
    wait, first = f.wait_s, f.first_response_s
    summary = Table(
        "summary", text(lang, "fig.t.summary"), [text(lang, "fig.col.what"), text(lang, "fig.col.count")], chart=None
    )
    for key, value in (
        ("conversations", f.conversations),
        ("new_conversations", f.new_conversations),
        ("messages_in", f.messages_in),
        ("messages_out", f.messages_out),
        ("handoffs", f.handoffs),
        ("crises", f.crises),
        ("abandoned", f.abandoned),
        ("closed", closed),
        ("resolved", f.resolved),
        ("resolved_rate", _share(f.resolved, closed)),
        ("referred", f.referred),
        ("referred_rate", _share(f.referred, closed)),
        ("wait_p50", duration(wait["p50"], lang)),
        ("wait_p90", duration(wait["p90"], lang)),
        ("first_response_p50", duration(first["p50"], lang)),
        ("first_response_p90", duration(first["p90"], lang)),
        ("reports", f.reports),
        *(
            (("appeals", f.appeals), ("appeals_answered", f.appeals_answered), ("appeals_closed", f.appeals_closed))
            if line.settings.appeals is not None
            else ()
        ),
    ):
        summary.rows.append([text(lang, f"fig.s.{key}"), value])
    brigades = getattr(line.settings, "brigades", None)
    if brigades is not None:  # the region reports visits and people helped (issue 27, zhytomyr-1550)
        for key, value in (
            ("visits_dispatched", f.visits_dispatched),
            ("visits", f.visits),
            ("people_helped", f.people_helped),
        ):
            summary.rows.append([text(lang, f"fig.s.{key}"), value])
    by_day = Table(
        "by_day",
        text(lang, "fig.t.by_day"),
        [text(lang, "fig.col.what"), text(lang, "fig.col.count")],
        [[day, n] for day, n in _every_day(f).items()],
        "line",
    )
    by_hour = Table(
        "by_hour",
        text(lang, "fig.t.by_hour"),
        [text(lang, "fig.col.what"), text(lang, "fig.col.count")],
        [[f"{h:02d}:00", n] for h, n in enumerate(f.by_hour)],
    )
    by_weekday = Table(
        "by_weekday",
        text(lang, "fig.t.by_weekday"),
        [text(lang, "fig.col.what"), text(lang, "fig.col.count")],
        [[text(lang, f"fig.day.{d}"), n] for d, n in enumerate(f.by_weekday)],
    )
    operators = Table(
        "operators",
        text(lang, "fig.t.operators"),
        [
            text(lang, "sup.col.operator"),
            text(lang, "fig.op.claimed"),
            text(lang, "fig.op.closed"),
            text(lang, "fig.op.replies"),
        ],
        [[names.get(o["operator"], o["operator"]), o["claimed"], o["closed"], o["replies"]] for o in f.operators],
        chart=None,
    )
    grouped = (
        [_counted("by_topic_group", topic_groups(line, f.by_topic["intent"], lang), lang, lambda k: k, "hbar")]
        if line.settings.figures.topic_groups
        else []
    )
    months = (
        [
            _by_month(
                "months_by_topic",
                lang,
                lambda x: topic_groups(line, x.by_topic["intent"], lang),
                f,
                monthly,
                lambda k: k,
            ),
            _by_month(
                "months_by_age_group",
                lang,
                lambda x: _answers(x.by_age_group, "age_group"),
                f,
                monthly,
                known("fig.age"),
            ),
            _by_month(
                "months_by_gender", lang, lambda x: _answers(x.by_gender, "gender"), f, monthly, known("fig.gender")
            ),
        ]
        if monthly
        else []
    )
    visits = _visit_tables(f, line, lang) if brigades is not None else []
    return [
        summary,
        *visits,
        *grouped,
        *months,
        by_day,
        by_hour,
        by_weekday,
        _counted(
            "intent",
            f.by_topic["intent"],
            lang,
            lambda k: topic_title(line, k, lang) or k if k != "unknown" else text(lang, "fig.unknown"),
            "hbar",
        ),
        _counted("wrapup", f.by_topic["wrapup"], lang, category, "hbar"),
        _counted(
            "outcomes",
            _closed_outcomes(f),
            lang,
            lambda k: outcome_label(k, lang) if k in OUTCOME_LABELS else text(lang, "fig.other"),
        ),
        _counted("by_channel", f.by_channel, lang, known("channel")),
        _counted("by_language", f.by_language, lang, known("language")),
        _counted("by_age_group", f.by_age_group, lang, known("fig.age")),
        _counted("by_gender", f.by_gender, lang, known("fig.gender")),
        _counted("reports_by_district", f.reports_by_district, lang, district, "hbar"),
        _counted("reports_by_about", f.reports_by_about, lang, known("fig.about")),
        _counted("reports_by_outcome", f.reports_by_outcome, lang, known("fig.report")),
        *(_appeal_tables(f, line, lang) if line.settings.appeals is not None else []),
        operators,
    ]


def _appeal_tables(f: Figures, line: Any, lang: str) -> list[Table]:
    """A line with appeals: registered per week with what became of them, and by topic and authority."""
    columns = [text(lang, "fig.col.week"), *(text(lang, f"fig.col.{c}") for c in APPEAL_WEEK_COLUMNS)]
    by_week = Table(
        "appeals_by_week",
        text(lang, "fig.t.appeals_by_week"),
        columns,
        [[w["week"], *(w[c] for c in APPEAL_WEEK_COLUMNS)] for w in f.appeals_by_week],
        chart=None,
    )

    def topic(key: str) -> str:
        chosen = line.appeal_topic(key) if key != "unknown" else None
        return line.local(chosen.title, lang) if chosen else key if key != "unknown" else text(lang, "fig.unknown")

    def authority(key: str) -> str:
        return line.authority_name(key, lang) if key != "unknown" else text(lang, "fig.unknown")

    return [
        by_week,
        _counted("appeals_by_topic", f.appeals_by_topic, lang, topic, "hbar"),
        _counted("appeals_by_authority", f.appeals_by_authority, lang, authority, "hbar"),
    ]


def _visit_tables(f: Figures, line: Any, lang: str) -> list[Table]:
    """Visits made and people helped by district (every district of the line, the quiet ones as 0), and
    visits by kind of help: the region's half-year report in the article (812 visits, 1,410 people)."""
    brigades = line.settings.brigades
    by_district = Table(
        "visits_by_district",
        text(lang, "fig.t.visits_by_district"),
        [text(lang, "fig.col.what"), text(lang, "fig.col.visits"), text(lang, "fig.col.people")],
        chart="hbar",
    )
    seen = set()
    for district in brigades.districts:
        counted = f.visits_by_district.get(district.id, {"visits": 0, "people": 0})
        by_district.rows.append([line.local(district.name, lang), counted["visits"], counted["people"]])
        seen.add(district.id)
    for key, counted in f.visits_by_district.items():  # a district no longer configured still counts
        if key not in seen:
            name = text(lang, "fig.unknown") if key == "unknown" else key
            by_district.rows.append([name, counted["visits"], counted["people"]])
    names = {h.id: line.local(h.name, lang) for h in brigades.help}
    by_help = _counted(
        "visits_by_help", f.visits_by_help, lang, lambda k: names.get(k, k), "hbar", total=f.visits or None
    )
    return [by_district, by_help]


def _closed_outcomes(f: Figures) -> dict[str, int]:
    """resolved / referred / the rest, as the store counted them (``closed`` is their sum)."""
    rest = f.closed - f.resolved - f.referred
    found = {"resolved": f.resolved, "referred": f.referred}
    if rest:
        found["other"] = rest
    return {k: v for k, v in found.items() if v}


def _every_day(f: Figures) -> dict[str, int]:
    """Every day of the period, the quiet ones as 0 (a line chart with gaps would lie)."""
    first, last = date.fromisoformat(f.since), date.fromisoformat(f.until)
    days = {}
    day = first
    while day <= last:
        days[day.isoformat()] = f.by_day.get(day.isoformat(), 0)
        day += timedelta(days=1)
    return days


@guard(staff=True)
async def figures_page(request: web.Request) -> web.StreamResponse:
    try:
        data = await page_data(request)
    except BadRequest as exc:
        return fail(request, exc.key, exc.status, **exc.values)
    return render(request, "figures.html", {"page": "figures", "plotly_style_ids": plotly_style_ids(), **data})


@guard(staff=True)
async def figures_csv(request: web.Request) -> web.StreamResponse:
    """One table as CSV: UTF-8 with a byte order mark, so that a spreadsheet shows Cyrillic as it is."""
    wanted = request.query.get("table", "")
    try:
        data = await page_data(request, by_month=wanted.startswith("months_"))
    except BadRequest as exc:
        return fail(request, exc.key, exc.status, **exc.values)
    table = next((t for t in data["tables"] if t.id == wanted), None)
    if table is None:
        return fail(request, "fig.no_table", 404)
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_cell(c) for c in table.columns])
    writer.writerows([_cell(c) for c in row] for row in table.rows)
    period: Period = data["period"]
    name = f"{period.helpline}-{table.id}-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    return web.Response(
        body=out.getvalue().encode("utf-8"),
        headers={"Content-Type": "text/csv; charset=utf-8", "Content-Disposition": f'attachment; filename="{name}"'},
    )


#: A spreadsheet runs a cell that starts with one of these as a formula (OWASP's CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """Text from outside (a district typed in a report, a name) stays text in a spreadsheet."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def routes() -> list[web.RouteDef]:
    return [
        web.get("/console/figures", figures_page),
        web.get("/console/figures.csv", figures_csv),
        web.get("/console/vendor/plotly.min.js", plotly_js),
    ]
