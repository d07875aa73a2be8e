"""Take out of a person's words what can be found reliably and says who they are.

Operators' marks become training data (``vikno nlu export-feedback``), and
a helpline folds that file into a corpus in a repository. The person's own
words are the example and must stay; their phone number, e-mail address,
links, Telegram @handle and long numbers (a card, a passport, a birth
certificate, an ID) are no part of what makes a message a crisis, and each
could lead to them. Those are replaced by a placeholder (``<phone>``,
``<email>``, ``<link>``, ``<handle>``, ``<number>``), so the example still
reads as a sentence a person wrote.

Names and street addresses cannot be found reliably (any word can be a
name; "12 Oak Road" and "вул. Лесі Українки" look like ordinary words), so
they are left: the exported file must still be read line by line before it
is shared or committed (README, privacy).

What stays on purpose: short numbers people write about themselves and
their day (an age, "5 pills", "3 рази", "1620", "112"), times (14:30) and
dates (12.05.2024, 2024-05-12, 12/05/2024), and a pair of years.
"""

from __future__ import annotations

import re

__all__ = ["PLACEHOLDERS", "redact"]

PLACEHOLDERS = ("<link>", "<email>", "<handle>", "<phone>", "<number>")

#: Top-level domains people name in a bare address (t.me/…, site.com.ua); a longer list finds more words that are not.
_TLD = r"(?:com|net|org|info|biz|io|me|app|dev|link|ly|gg|tv|co|ua|ru|az|uk|by|kz|ge|md|pl|de|eu|gov|edu)"
_LINK = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"']+"  # anything after a scheme or www., up to a space
    rf"|\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+{_TLD}\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE | re.ASCII,
)
_EMAIL = re.compile(r"[\w.+-]+@(?:[\w-]+\.)+[\w-]{2,}")
#: Telegram usernames are 5-32 characters; shorter ones are found too (@ann), never the @ of an e-mail.
_HANDLE = re.compile(r"(?<![\w.@])@[A-Za-z0-9_]{2,32}\b")
#: Digits, alone or in groups joined by one space or dash, a "+" before and bracketed groups allowed:
#: every way a phone number is written (+38 (050) 123-45-67, 050 123 45 67, 0501234567, 123-45-67).
_DIGITS = re.compile(r"(?<![\d+])(?:\+\s?)?(?:\(\d{1,5}\)|\d)(?:[ \u00a0\-]?(?:\(\d{1,5}\)|\d))*(?!\d)")
#: What the digit pattern also finds and people write about their day: dates and a pair of years.
_DATE = re.compile(r"\d{1,2}-\d{1,2}-(?:\d{2}|\d{4})|\d{4}-\d{1,2}-\d{1,2}|(?:19|20)\d\d[ \-](?:19|20)\d\d")
#: A number written without spaces that is still a phone: a national or international mobile number.
_PHONE_RUN = re.compile(r"0\d{9}|(?:380|994|375|48|44|49|7|8)\d{9,10}")
#: Punctuation that ends a sentence after a link rather than belonging to it.
_TRAILING = ".,;:!?)]}»\"'"
#: Fewer digits than this stay (an age, a count, a year, a hotline number).
SHORTEST = 5
#: A phone number has at most 15 digits (E.164); a longer run is a card or a document.
LONGEST_PHONE = 15
#: Written with separators, a phone number has at least this many digits (123-45-67).
SHORTEST_PHONE = 7


def _link(match: re.Match[str]) -> str:
    url = match.group(0)
    kept = url.rstrip(_TRAILING)
    return "<link>" + url[len(kept) :]


def _digits(match: re.Match[str]) -> str:
    candidate = match.group(0)
    digits = sum(c.isdigit() for c in candidate)
    if digits < SHORTEST or _DATE.fullmatch(candidate):
        return candidate
    plain = candidate.isdigit()
    if candidate.startswith("+") and digits <= LONGEST_PHONE:
        return "<phone>"
    if plain:
        return "<phone>" if _PHONE_RUN.fullmatch(candidate) else "<number>"
    if SHORTEST_PHONE <= digits <= 12:
        return "<phone>"
    return "<number>"


def redact(text: str) -> str:
    """The text with links, e-mail addresses, @handles, phone numbers and long numbers replaced by placeholders."""
    text = _EMAIL.sub("<email>", text)  # before links: an address's domain is not a link of its own
    text = _LINK.sub(_link, text)
    text = _HANDLE.sub("<handle>", text)
    return _DIGITS.sub(_digits, text)
