"""Grammar rules a machine can check in every shipped text (issue 27, read by native speakers).

Each rule is one fault the readers found in line 1620's content; each test walks every text of every
shipped line (the shared texts, the lines' own texts, topics and canned replies) so the fault cannot
come back in any line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from vikno.flows.content import TOPIC_TEXTS, Helpline, load_helplines, shipped_helpline_folders

LINES = load_helplines(shipped_helpline_folders())


def texts(lang: str) -> Iterator[tuple[str, str]]:
    """``(where, text)`` of every text in ``lang`` a shipped line can say or an operator can send."""
    for line in LINES.values():
        yield from _texts_of(line, lang)


def _texts_of(line: Helpline, lang: str) -> Iterator[tuple[str, str]]:
    for key, text in line.texts.items():
        if lang in text.root:
            yield f"{line.id}: texts {key}.{lang}", text.root[lang]
    for topic in line.topics.values():
        for part in ("title", "answer"):
            value = getattr(topic, part).root.get(lang)
            if value:
                yield f"{line.id}: topic {topic.id}.{part}.{lang}", value
        # a topic's own texts (the child's path in "ти") are said as the shared ones are
        for key, text in topic.texts.items():
            if lang in text.root:
                yield f"{line.id}: topic {topic.id} texts {key}.{lang}", text.root[lang]
    for reply in line.canned:
        value = reply.text.root.get(lang)
        if value:
            yield f"{line.id}: canned {reply.id}.{lang}", value


def offending(lang: str, pattern: str) -> list[str]:
    rule = re.compile(pattern, re.IGNORECASE)
    return [f"{where}: {text}" for where, text in texts(lang) if rule.search(text)]


#: Prepositions that need another case than the nominative: "до Соціальна лінія" is what a name in the
#: nominative gives after them. A line's name stands where a nominative does ("Це {helpline}").
PREPOSITIONS = {
    "uk": r"\b(до|в|у|на|з|із|зі|від|для|про|по|при|через|без|біля|після)\s+«?\{helpline\}",
    "ru": r"\b(до|в|во|у|на|с|со|из|от|для|про|о|об|по|при|через|без|к|ко|после)\s+«?\{helpline\}",
}


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_the_line_name_never_follows_a_preposition_that_would_need_it_inflected(lang: str) -> None:
    assert offending(lang, PREPOSITIONS[lang]) == []


def test_a_place_in_the_queue_is_a_number_not_an_ordinal_ending_glued_to_it() -> None:
    """ "Ви 1-і в черзі": "1-і" is wrong after most numbers; "Ваше місце в черзі — 1" is right for all."""
    for lang in ("uk", "ru", "az", "en"):
        assert offending(lang, r"\{position\}-\w") == []
    queued = LINES["community-1620"].say("handoff_queued", "uk", position=3, wait="")
    assert "Ваше місце в черзі — 3" in queued


def test_operators_are_not_all_women_in_the_canned_replies() -> None:
    assert offending("uk", r"фахівчин") == []
    assert offending("ru", r"специалистк") == []


def test_leaving_the_queue_is_the_persons_own_act_not_something_done_to_them() -> None:
    """ "я прибрав вас" / "убрал вас" sounds sinister to a frightened person."""
    assert offending("uk", r"прибра(в|ла) вас") == [] and offending("ru", r"убрал(а)? вас") == []
    line = LINES["community-1620"]
    assert line.say("waiting_cancelled", "uk").startswith("Гаразд, ви вийшли з черги")
    assert line.say("waiting_cancelled", "ru").startswith("Хорошо, вы вышли из очереди")


def test_usually_is_zazvychai_not_zvychaino() -> None:
    """ "звичайно" means "of course"; "usually" is "зазвичай"."""
    assert offending("uk", r"\bзвичайно\b") == []


def test_azerbaijani_says_operator_not_a_calque_of_a_live_person() -> None:
    assert offending("az", r"canlı insan") == []
    assert LINES["community-1620"].say("button_person", "az") == "🙋 Operatorla danışmaq"


def test_english_has_no_false_friend_patronage() -> None:
    """ "патронат" is short-term foster care; "patronage" is sponsorship in English."""
    assert offending("en", r"patronage") == []


def test_the_azerbaijani_promise_about_a_name_is_no_stronger_than_the_other_languages() -> None:
    """uk/ru/en say "we do not pass on your name"; az said "we give your name to nobody"."""
    assert offending("az", r"heç kimə (vermirik|ötürmürük)") == []
    answer = LINES["community-1620"].topics["report_person_in_need"].answer.root
    assert "вашого імені ми не передаємо" in answer["uk"] and "adınızı ötürmürük" in answer["az"]


def test_a_topic_that_asks_for_details_lets_a_person_read_them() -> None:
    """An answer that asks the person to write what happened offers a specialist: the bot cannot read it."""
    asks = re.compile(
        r"(^|[.!?;:]\s+)(please\s+)?(write|describe|tell (us|them|me))\b|\bwrite (what|where|who)\b", re.IGNORECASE
    )
    for line in LINES.values():
        for topic in line.topics.values():
            english = topic.answer.root.get("en", "")
            if asks.search(english):
                assert topic.handoff, f"{line.id}: topic {topic.id} asks for details but offers no person"


def test_line_1620_is_named_as_its_article_names_it() -> None:
    name = LINES["community-1620"].settings.name.root
    assert name["uk"] == "Служба підтримки 1620"
    assert "«Єдина лінія 16-20»" in LINES["community-1620"].say("greeting", "uk", helpline=name["uk"])
    assert offending("uk", r"Соціальна лінія") == []


def _said_in_every_language(line: Helpline) -> Iterator[tuple[str, dict[str, str]]]:
    for key, text in line.texts.items():
        yield f"texts {key}", text.root
    for topic in line.topics.values():
        yield f"topic {topic.id}", topic.answer.root
        for key, text in topic.texts.items():
            yield f"topic {topic.id} texts {key}", text.root
    for reply in line.canned:
        yield f"canned {reply.id}", reply.text.root


def _numbers(text: str) -> list[str]:
    """The numbers a text names (phones, counts, the line's number), however each language groups digits.

    "1,410" and "1 410", "116 123" and "116123" are one number; English "24/7" says what "цілодобово" says.
    """
    text = re.sub(r"\{[a-z_]+\}", "", text).replace("24/7", "")
    text = re.sub(r"(?<=\d)[ ,\u00a0\u202f](?=\d{3}\b)", "", text)
    return sorted(re.findall(r"\d+", text))


def test_every_language_of_a_text_names_the_same_numbers() -> None:
    """A number in one language and not another is a promise or a way out that only some readers get.

    Readers found the Azerbaijani and English greeting of line 1620 without the line's own name
    "16-20" that the Ukrainian and Russian give.
    """
    differing = []
    for line in LINES.values():
        for where, text in _said_in_every_language(line):
            numbers = {lang: _numbers(value) for lang, value in text.items() if lang in line.languages}
            if len({tuple(found) for found in numbers.values()}) > 1:
                differing.append(f"{line.id}: {where}: {numbers}")
    assert differing == []


def test_ukrainian_writes_its_apostrophe_with_one_sign() -> None:
    """ "сімʼї" and "роз’яснить" side by side: two signs for one letter look like a typo, and search misses one.

    The shipped texts write the modifier letter apostrophe (U+02BC), which never breaks a word in two.
    """
    assert offending("uk", r"[а-яіїєґ]['’`][а-яіїєґ]") == []


def test_no_word_mixes_latin_and_cyrillic_letters() -> None:
    """A Latin "i" or "o" inside a Cyrillic word looks right and is not: search, NLU and screen readers miss it."""
    for lang in ("uk", "ru", "az", "en"):
        mixed = [
            f"{where}: {word}"
            for where, text in texts(lang)
            for word in re.findall(r"\w+", text)
            if re.search(r"[a-zəğıöüşç]", word, re.IGNORECASE) and re.search(r"[а-яіїєґё]", word, re.IGNORECASE)
        ]
        assert mixed == []


def test_ukrainian_and_russian_keep_their_own_letters() -> None:
    """ "ы", "э", "ё" in a Ukrainian text or "і", "ї", "є" in a Russian one is the other language leaking in."""
    assert offending("uk", r"[ыэъё]") == []
    assert offending("ru", r"[іїєґ]") == []


#: English words that look like the Ukrainian ones and mean something else: "комунальні послуги" are
#: housing and utilities, "єдине вікно" is a one-stop service, "патронат" is short-term foster care.
FALSE_FRIENDS_EN = r"\bpatronage\b|\bcommunal services\b|\bone window\b"


def test_english_has_no_false_friends_of_the_ukrainian_terms() -> None:
    assert offending("en", FALSE_FRIENDS_EN) == []


#: Words for the person of the line who reads and answers, per language: one line says one of them
#: throughout, so a child is not told a "counsellor" will read it and then that a "specialist" is coming.
STAFF_WORDS = {
    "az": (r"mütəxəssis", r"məsləhətçi"),
    "ru": (r"специалист", r"консультант"),
    "en": (r"specialist", r"counsellor"),
}


@pytest.mark.parametrize("lang", sorted(STAFF_WORDS))
def test_a_line_calls_its_staff_by_one_word(lang: str) -> None:
    mixing = []
    for line in LINES.values():
        said = [text for _, text in _texts_of(line, lang)]
        used = [word for word in STAFF_WORDS[lang] if any(re.search(word, text, re.IGNORECASE) for text in said)]
        if len(used) > 1:
            mixing.append(f"{line.id}: {used}")
    assert mixing == []


def test_the_child_line_of_baku_says_mutexessis_for_its_staff() -> None:
    """The article's "ekspertlər" are psychologists, lawyers and social workers: "mütəxəssis" covers all three."""
    line = LINES["az-116111"]
    assert "mütəxəssis" in line.topics["anonymity"].answer.root["az"].lower()
    assert "mütəxəssis" in line.say("handoff_queued", "az", position=1, wait="")


def _rendered(line: Helpline, lang: str) -> Iterator[tuple[str, str]]:
    """Every shared or own text of ``line`` in ``lang`` with the line's own hours, phones and numbers in it."""
    settings = line.settings
    values = {
        "hours": line.local(settings.hours_text, lang),
        "phones": line.contact_lines(settings.phones, lang),
        "emergency": line.contact_lines(settings.emergency, lang),
    }
    for key, text in line.texts.items():
        template = text.get(lang, settings.default_language)
        if any("{" + name + "}" in template for name in values):
            filled = re.sub(r"\{(hours|phones|emergency)\}", lambda m: values[m.group(1)], template)
            yield f"{line.id}: texts {key}.{lang}", filled


def test_the_hours_of_a_line_fit_in_the_brackets_a_text_puts_them_in() -> None:
    """ "Our specialists are not at work right now (Monday to Friday …, closed on Sunday (Kyiv time))":
    a line's hours_text goes inside brackets, so it may not end in brackets of its own."""
    nested = re.compile(r"\([^()\n]*\(")
    found = [
        f"{where}: {text.splitlines()[0]}"
        for line in LINES.values()
        for lang in line.languages
        for where, text in _rendered(line, lang)
        if nested.search(text)
    ]
    assert found == []


#: How each language names Kyiv's clock in a line's hours.
KYIV_TIME = {"uk": "київським часом", "ru": "киевскому времени", "az": "kiyev vaxt", "en": "kyiv time"}


def test_a_line_with_set_hours_names_its_clock_in_every_language() -> None:
    """A displaced person abroad reads "09:00 to 20:00" in their own zone: the ru and en hours of three lines
    said "Kyiv time" and the uk ones did not, so whoever wrote in Ukrainian from Warsaw got the hour wrong."""
    unnamed = [
        f"{line.id}: hours_text.{lang}"
        for line in LINES.values()
        if line.settings.timezone == "Europe/Kyiv" and any(spec != "24h" for spec in line.settings.hours.values())
        for lang, text in line.settings.hours_text.root.items()
        if KYIV_TIME[lang] not in text.lower()
    ]
    assert unnamed == []


#: Words of "Ви" (the polite plural an adult is spoken to in) that a child's "ти" text never has.
VY = {"uk": r"\b(ви|вам|вас|ваш\w*|\w+іть|\w+йте)\b", "ru": r"\b(вы|вам|вас|ваш\w*|\w+ите|\w+йте)\b"}


@pytest.mark.parametrize("lang", sorted(VY))
def test_a_child_s_topic_says_in_ti_every_text_it_can_say_in_its_own_words(lang: str) -> None:
    """A topic for children speaks in "ти": every text it may say in its own words (TOPIC_TEXTS) that the shared
    texts say in "Ви" has its own version, and none of its own says "Ви" ("Ви наступні в черзі" was told to a
    child whose path said "ти" until then)."""
    vy = re.compile(VY[lang], re.IGNORECASE)
    found = []
    for line in LINES.values():
        if lang not in line.languages:
            continue
        for topic in line.topics.values():
            if not topic.for_children:
                continue
            for key in TOPIC_TEXTS:
                own = topic.texts.get(key)
                said = own.root[lang] if own is not None else line.texts[key].root.get(lang, "")
                if vy.search(said):
                    found.append(f"{line.id}: topic {topic.id} {key}.{lang}: {said}")
            if vy.search(topic.answer.root.get(lang, "")):
                found.append(f"{line.id}: topic {topic.id} answer.{lang}")
    assert found == []
