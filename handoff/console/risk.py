"""Why a conversation was flagged, in words an operator understands (issue 21 item 3).

The crisis layer speaks in codes (``risk: check``, ``rule:no_want_live``,
``model:0.93``); an operator at night needs "Possible crisis: safety
check", "Crisis rule: suicide or self-harm", "Crisis model: 93 % sure".
This module turns what the dialogue kept on the conversation (its flagged
messages, ``flows/dialogue.py`` ``RISK_FLAGS``, the safety question,
``SAFETY_CHECK``, and the person's own "I'm in danger now", ``DANGER_PRESSED``)
and the operators' marks into plain data for the chat page and its JSON, in the
operator's language.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from vikno.flows.dialogue import DANGER_PRESSED, RISK_FLAGS, SAFETY_CHECK
from vikno.nlu.crisis import rule_category
from vikno.nlu.risk import BEYOND_THE_MODEL
from vikno.nlu.risk_context import CONTEXTS
from vikno.storage.models import Conversation, Feedback, Message, Operator

from .i18n import DEFAULT, label, text

#: Levels, most serious first.
LEVELS = ("crisis", "check", "none")
#: Characters of a flagged message shown beside its reasons (the whole text is in the chat).
EXCERPT = 160


def reason_words(reason: str, lang: str = DEFAULT) -> str:
    """``rule:no_want_live`` → "Crisis rule: suicide or self-harm (no want live)"; ``model:0.93`` → "… 93 % …"."""
    kind, _, value = str(reason).partition(":")
    if kind == "rule" and value:
        category = rule_category(value) or "unknown"
        return text(
            lang, "risk.reason.rule", category=text(lang, f"risk.category.{category}"), rule=value.replace("_", " ")
        )
    if kind in ("model", "sentence", "window"):
        try:
            percent = round(float(value) * 100)
        except ValueError:
            pass
        else:
            return text(lang, f"risk.reason.{kind}", percent=percent)
    if kind == "rule-decides" and value in BEYOND_THE_MODEL:
        return text(lang, f"risk.reason.rule_decides.{value}")
    if kind == "context" and value in CONTEXTS:
        return text(lang, "risk.reason.context", context=text(lang, f"risk.context.{value}"))
    return text(lang, "risk.reason.unknown", reason=reason)


def _time(value: str | datetime | None) -> str:
    """HH:MM of an ISO time or a datetime (UTC, as the rest of the console's times)."""
    if isinstance(value, datetime):
        return value.strftime("%H:%M")
    return value[11:16] if isinstance(value, str) and len(value) >= 16 else "—"


def _iso(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).isoformat().replace("+00:00", "Z")
    except ValueError:
        return None


def flagged_ids(conv: Conversation) -> list[str]:
    return [
        str(f["message_id"]) for f in conv.data.get(RISK_FLAGS) or [] if isinstance(f, dict) and f.get("message_id")
    ]


def mark_view(mark: Feedback | None, operators: dict[str, Operator], lang: str = DEFAULT) -> dict[str, Any] | None:
    if mark is None:
        return None
    who = operators.get(mark.operator_id)
    label = text(lang, f"risk.label.{mark.label}")
    return {
        "label": mark.label,
        "text": text(
            lang, "risk.marked", label=label, name=who.display_name if who else "—", time=_time(mark.marked_at)
        ),
        "operator_id": mark.operator_id,
        "at": mark.marked_at.isoformat().replace("+00:00", "Z"),
    }


def danger_view(conv: Conversation, lang: str = DEFAULT) -> dict[str, Any] | None:
    """The person's own "I'm in danger now", with when: a crisis for that reason alone, question or not."""
    pressed = conv.data.get(DANGER_PRESSED)
    if not isinstance(pressed, dict) or not pressed.get("at"):
        return None
    times = int(pressed.get("times") or 1)
    last = str(pressed["at"])
    first = str(pressed.get("first_at") or last)
    if times > 1:
        words = text(lang, "risk.danger_pressed_times", times=times, first=_time(first), time=_time(last))
    else:
        words = text(lang, "risk.danger_pressed", time=_time(last))
    return {"text": words, "at": _iso(last), "first_at": _iso(first), "times": times}


def risk_view(
    conv: Conversation,
    messages: dict[str, Message],
    marks: list[Feedback],
    operators: dict[str, Operator],
    lang: str = DEFAULT,
) -> dict[str, Any]:
    """The risk panel: the level, each flagged message (newest first) with its reasons and mark, the safety
    question, and "in danger" pressed.

    ``messages`` holds the flagged messages by id (for their text); a message
    no longer there is still listed, without text. ``marks`` are the
    conversation's marks (a mark on a message nobody flagged shows in the
    chat, beside the message).
    """
    by_message = {m.message_id: m for m in marks}
    flags = [f for f in conv.data.get(RISK_FLAGS) or [] if isinstance(f, dict) and f.get("message_id")]
    check = conv.data.get(SAFETY_CHECK) if isinstance(conv.data.get(SAFETY_CHECK), dict) else None
    danger = danger_view(conv, lang)
    levels = {str(f.get("level")) for f in flags}
    if danger or (check and check.get("escalated")):
        levels.add("crisis")
    if check:
        levels.add("check")
    level = next((lv for lv in LEVELS if lv in levels), "none")
    shown = []
    for flag in reversed(flags):
        mid = str(flag["message_id"])
        body = (messages[mid].text or "") if mid in messages else ""
        flag_level = str(flag.get("level") or "none")
        shown.append(
            {
                "message_id": mid,
                "level": flag_level,
                "level_label": text(lang, f"risk.level.{flag_level if flag_level in LEVELS else 'none'}"),
                "at": _iso(flag.get("at")),
                "time": _time(flag.get("at")),
                "excerpt": body if len(body) <= EXCERPT else body[: EXCERPT - 1] + "…",
                "reasons": [reason_words(r, lang) for r in flag.get("reasons") or []],
                "mark": mark_view(by_message.get(mid), operators, lang),
            }
        )
    safety = None
    if check:
        answer = check.get("answer") or "none"
        escalated = check.get("escalated")
        safety = {
            "asked": text(lang, "risk.check.asked", time=_time(check.get("asked_at"))),
            "answer": answer,
            "answer_label": label(lang, "risk.answer", str(answer)),
            "escalated": escalated,
            "escalated_label": label(lang, "risk.escalated", str(escalated)) if escalated else None,
        }
    return {
        "level": level,
        "level_label": text(lang, f"risk.level.{level}"),
        "flags": shown,
        "check": safety,
        # the person pressed "I'm in danger now" (also with no question asked): the level is crisis
        "danger": danger,
        # marks by message id, for the marks on messages nobody flagged (shown beside them in the chat)
        "marks": {mid: mark_view(m, operators, lang) for mid, m in by_message.items()},
    }
