"""What the console shows of a conversation, as plain data for pages and JSON.

The one place that decides what an operator may see: a pseudonym, never the
channel's user id or the encrypted address; internal notes marked as such.
Templates and the script render these dicts and nothing else. Labels
(priority, channel, state...) are in the operator's interface language
(``lang``, see i18n.py); a helpline's names and topics in that language
when the helpline has it, else in the helpline's default language.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from vikno.flows.content import Helpline
from vikno.storage.identity import IdentityVault
from vikno.storage.models import (
    PRIORITY_RANK,
    PROFILE_ANSWER,
    WITHHELD,
    Conversation,
    Message,
    Operator,
    Report,
    Visit,
    utcnow,
)

from ..wrapup import CHI_CATEGORIES, OUTCOME_LABELS
from .i18n import DEFAULT, chi_label, label, outcome_label, text

NOTE_DIRECTION = "internal"


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def topic_title(line: Helpline | None, topic: str | None, lang: str = DEFAULT) -> str | None:
    if line is None or topic is None or topic not in line.topics:
        return topic
    return line.local(line.topics[topic].title, lang)


def conversation_view(
    conv: Conversation,
    line: Helpline | None,
    now: datetime | None = None,
    operators: dict[str, Operator] | None = None,
    lang: str = DEFAULT,
) -> dict[str, Any]:
    now = now or utcnow()
    since = conv.enqueued_at if conv.state == "waiting" else conv.claimed_at
    operator = (operators or {}).get(conv.operator_id or "")
    return {
        "id": conv.id,
        "helpline": conv.helpline,
        "helpline_name": line.local(line.settings.name, lang) if line else conv.helpline,
        "state": str(conv.state),
        "state_label": label(lang, "state", str(conv.state)),
        "priority": conv.priority,
        "priority_label": label(lang, "priority", conv.priority),
        "rank": PRIORITY_RANK.get(conv.priority or "", 0),
        "topic": conv.topic,
        "topic_title": topic_title(line, conv.topic, lang),
        "language": conv.language,
        "language_label": label(lang, "language", conv.language),
        "channel": conv.channel,
        "channel_label": label(lang, "channel", conv.channel),
        "pseudonym": IdentityVault.pseudonym(conv.user_key),
        "team": conv.team,
        "operator_id": conv.operator_id,
        "operator_name": operator.display_name if operator else None,
        "enqueued_at": iso(conv.enqueued_at),
        "since": iso(since),
        "seconds": max(0, int((now - since).total_seconds())) if since else None,
        "last_message_at": iso(conv.last_message_at),
    }


#: Kinds whose text is the whole message; every other kind came with no text of its own.
TEXT_KINDS = {"text", "button", "start"}
MEDIA_KINDS = {"sticker", "photo", "voice", "video", "document", "location", "contact", WITHHELD, PROFILE_ANSWER}


def message_view(m: Message, lang: str = DEFAULT) -> dict[str, Any]:
    note = m.direction == NOTE_DIRECTION
    body = m.text
    if body is None and m.buttons:
        first = m.buttons[0]
        body = text(lang, "message.button", title=first.get("title") or first.get("payload") or "")
    if not note and m.kind not in TEXT_KINDS:
        # a sticker, photo, voice message...: never kept, but the operator must see that something came
        # (an empty bubble looked like a fault), and a photo's caption with it
        placeholder = text(lang, f"message.kind.{m.kind if m.kind in MEDIA_KINDS else 'other'}")
        body = f"{placeholder} {body}" if body else placeholder
    return {
        "id": m.id,
        "sender": "note" if note else str(m.sender),
        "author": (m.buttons[0].get("operator") if note and m.buttons else None),
        "text": body or "",
        "kind": m.kind,
        "buttons": [] if note else [b.get("title", "") for b in m.buttons if b.get("title")],
        "at": iso(m.created_at),
        # what the person wrote can be marked "crisis" / "not a crisis" (handoff.service.mark_risk)
        "markable": not note and m.sender == "user" and m.kind == "text" and bool((m.text or "").strip()),
    }


def wrapup_choices(line: Helpline, lang: str = DEFAULT) -> dict[str, Any]:
    """Categories (CHI first, then the helpline's topics) and outcomes for the close form."""
    return {
        "chi": [(cid, chi_label(cid, lang)) for cid in CHI_CATEGORIES],
        "topics": [(f"topic:{t}", topic_title(line, t, lang)) for t in line.topic_order],
        "outcomes": [(str(o), outcome_label(o, lang)) for o in OUTCOME_LABELS],
    }


def teams_of(line: Helpline, lang: str = DEFAULT) -> list[tuple[str, str]]:
    return [(t.id, line.local(t.name, lang)) for t in line.settings.teams]


def duration(seconds: int | float | None, lang: str = DEFAULT) -> str:
    """``45 s``, ``12 min``, ``1 h 05 min`` (in English; console.js formats the same way)."""
    if seconds is None:
        return "—"
    s = int(seconds)
    if s < 60:
        return text(lang, "time.seconds", n=s)
    if s < 3600:
        return text(lang, "time.minutes", n=s // 60)
    return text(lang, "time.hours", h=s // 3600, m=f"{s % 3600 // 60:02d}")


def report_view(
    report: Report,
    line: Helpline | None,
    lang: str = DEFAULT,
    *,
    may_contact: bool = False,
    operators: dict[str, Operator] | None = None,
) -> dict[str, Any]:
    """A report as the operator's structured card: about whom, where, what, how urgent, anonymous or not.

    Never the contact itself (it is decrypted only on demand, for the report's
    team: ``Handoff.reveal_contact``) and nothing about the reporter: a
    report holds nothing of them.
    """
    place = (line.place_name(report.place, lang) if line and report.place != "other" else None) or report.place
    names = operators or {}
    raised = any(a.get("crisis") for a in report.additions)  # a crisis in information added later
    return {
        "about": report.about,
        "about_label": text(lang, f"report.about.{report.about}"),
        "place": report.place,
        "place_label": text(lang, "report.place_other") if report.place == "other" else place,
        "place_text": report.place_text,
        "what": report.what,
        "urgency": "now" if raised else report.urgency,
        "urgency_label": (
            f"{text(lang, 'report.urgency.now')} ({text(lang, 'report.urgency_raised')})"
            if raised and report.urgency != "now"
            else text(lang, f"report.urgency.{report.urgency}")
        ),
        "anonymous": report.anonymous,
        "contact_label": text(lang, "report.anonymous" if report.anonymous else "report.contact_available"),
        "may_contact": may_contact and not report.anonymous,
        "team": report.team,
        "team_name": next((line.local(t.name, lang) for t in line.settings.teams if t.id == report.team), report.team)
        if line
        else report.team,
        "status": report.status,
        "status_label": text(lang, f"report.status.{report.status}"),
        "made_at": iso(report.created_at),
        "additions": [
            {"text": a.get("text", ""), "at": a.get("at"), "crisis": bool(a.get("crisis"))} for a in report.additions
        ],
        "outcomes": [
            {
                "outcome": o.get("outcome"),
                "outcome_label": text(lang, f"report.outcome.{o.get('outcome')}"),
                "referred_to": o.get("referred_to"),
                "note": o.get("note") or "",
                "operator_name": names[o["operator"]].display_name if o.get("operator") in names else "—",
                "at": o.get("at"),
            }
            for o in report.outcomes
        ],
    }


def visit_view(
    visit: Visit,
    line: Helpline | None,
    lang: str = DEFAULT,
    *,
    full: bool = False,
    address: str | None = None,
    operators: dict[str, Operator] | None = None,
) -> dict[str, Any]:
    """A brigade's visit as a card. ``full`` (someone the visit rule admits): the address the caller
    decrypted (``Brigades.address_of``), the reason for going without consent and every change with who
    made it; otherwise (the operator of the chat it came from) only where it stands."""
    brigades = line.settings.brigades if line else None
    names = operators or {}

    def choice(group: str, key: str | None) -> str | None:
        if key is None:
            return None
        found = next((c for c in getattr(brigades, group, []) if c.id == key), None) if brigades else None
        return line.local(found.name, lang) if found is not None and line is not None else key

    district = line.district(visit.district) if line else None
    team = next((t for t in line.settings.teams if t.id == visit.team), None) if line else None
    return {
        "id": visit.id,
        "helpline": visit.helpline,
        "conversation_id": visit.conversation_id,
        "district": visit.district,
        "district_label": line.local(district.name, lang) if district and line else visit.district,
        "team": visit.team,
        "team_name": line.local(team.name, lang) if team and line else visit.team,
        "full": full,
        "address": address if full else None,
        "urgency": visit.urgency,
        "urgency_label": text(lang, f"report.urgency.{visit.urgency}"),
        "consent": visit.consent,
        "consent_label": text(lang, f"visit.consent.{visit.consent}"),
        "override": visit.override if full else None,
        "status": visit.status,
        "status_label": text(lang, f"visit.status.{visit.status}"),
        "outcome": visit.outcome,
        "outcome_label": choice("outcomes", visit.outcome),
        "help": [choice("help", h) for h in visit.help],
        "people": visit.people,
        "made_at": iso(visit.created_at),
        "history": [
            {
                "status_label": text(lang, f"visit.status.{h.get('status')}"),
                "outcome_label": choice("outcomes", h.get("outcome")),
                "note": h.get("note") or "",
                "operator_name": names[h["operator"]].display_name if h.get("operator") in names else "—",
                "at": h.get("at"),
            }
            for h in visit.history
        ]
        if full
        else [],
    }
