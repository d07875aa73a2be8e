"""What ``vikno nlu export-feedback`` takes out of a person's words before they become training data.

Attack on issue 21, D1: a marked message with a name, a street address and
a phone number was exported verbatim, to be pasted into a corpus in a
repository. What can be found reliably is replaced by a placeholder; the
rest of the words stay (the example is the point).
"""

from __future__ import annotations

import pytest

from vikno.nlu.redact import redact

REDACTED = [
    # phone numbers, international and local, with spaces, dashes and brackets
    ("call me on +44 7700 900123, I feel really bad", "call me on <phone>, I feel really bad"),
    ("мій номер +380501234567", "мій номер <phone>"),
    ("мій номер +380 50 123 45 67 пишіть", "мій номер <phone> пишіть"),
    ("тел. +38 (050) 123-45-67.", "тел. <phone>."),
    ("+38(050)1234567", "<phone>"),
    ("подзвоніть (050) 123-45-67 будь ласка", "подзвоніть <phone> будь ласка"),
    ("050-123-45-67", "<phone>"),
    ("050 123 45 67", "<phone>"),
    ("0501234567", "<phone>"),
    ("380501234567", "<phone>"),
    ("звоните 8 (912) 345-67-89", "звоните <phone>"),
    ("+7 912 345-67-89", "<phone>"),
    ("nömrəm +994 50 123 45 67", "nömrəm <phone>"),
    ("+1 (555) 010-9999 is my mom", "<phone> is my mom"),
    ("домашній 123-45-67", "домашній <phone>"),
    ("+ 44 20 7946 0958", "<phone>"),
    # e-mail addresses
    ("write to jenny.smith+help@gmail.com please", "write to <email> please"),
    ("пошта: olena_2010@ukr.net.", "пошта: <email>."),
    # links
    ("look at https://example.com/page?id=5, it is me", "look at <link>, it is me"),
    ("мій профіль www.instagram.com/olena.k", "мій профіль <link>"),
    ("він пише мені з t.me/olena_k_2010", "він пише мені з <link>"),
    ("сайт school42.kyiv.ua", "сайт <link>"),
    ("(see http://x.org/a)", "(see <link>)"),
    # Telegram handles
    ("мій нік @olena_k2010 напишіть", "мій нік <handle> напишіть"),
    ("he is @Max_99, he threatens me", "he is <handle>, he threatens me"),
    # long digit runs: cards, documents, IDs
    ("картка 4149 4993 1234 5678", "картка <number>"),
    ("card 4149499312345678", "card <number>"),
    ("паспорт АА123456", "паспорт АА<number>"),
    ("свідоцтво 1-ЖР 654321", "свідоцтво 1-ЖР <number>"),
    ("ІПН 3123456789", "ІПН <number>"),
    ("order 12345", "order <number>"),
    # several at once, words kept
    (
        "My name is Jenny Smith, 12 Oak Road, call me on +44 7700 900123 or jenny@mail.com",
        "My name is Jenny Smith, 12 Oak Road, call me on <phone> or <email>",
    ),
]

KEPT = [
    "мені 14 і я не хочу жити",
    "I took 5 pills",
    "я випила 20 таблеток",
    "мне 12 лет, 3 раза уже",
    "it happened on 12.05.2024 at 14:30",
    "з 2024-05-12 він не приходить",
    "12-05-2024 було найгірше",
    "on 12/05/2024",
    "у 2023 році",
    "у 2022 2023 роках",
    "о 9:00 і о 21:30",
    "дзвонила на 1620 і на 112",
    "10 клас, 7-Б",
    "с 10-11 лет",
    "I am 15 and alone",
    "її звати Оля, вул. Шевченка 5, кв. 12",  # names and addresses: not found reliably (README)
    "ні, не звоніть нікуди",
    "a @ sign alone",
    "e.g. this, т.д.",
]


@pytest.mark.parametrize(("text", "expected"), REDACTED)
def test_found_reliably_is_replaced(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize("text", KEPT)
def test_what_people_write_about_their_day_stays(text: str) -> None:
    assert redact(text) == text
