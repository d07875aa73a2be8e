"""Reference codes of reports: what a reporter types later to add information or ask about status.

Twelve characters in three groups, e.g. ``K7MX-4TP9-HC3B``, from an
alphabet of 18 symbols: the digits 2-9 and the ten capital letters that look
the same in Latin and Cyrillic (A B C E H K M P T X). So the code can be
typed on a Ukrainian, Russian, Azerbaijani or English phone keyboard as it
is seen (a Cyrillic "К" is read as the Latin "K"), in any case, with or
without dashes and spaces, and nothing in it can be mistaken for another
symbol (no 0/O, 1/I/L, no B/8-like pairs beyond those both scripts share).

Entropy: 18**12 ≈ 1.2e15 (50 bits). Wrong guesses are limited per channel
user and per helpline each hour (flows/reports.py: at most
``GLOBAL_ATTEMPTS_PER_HOUR``); at that pace a whole year of guessing against
ten thousand open reports finds one with a chance of about 1 in 2,700.
The code is stored only as a keyed hash (``IdentityVault.code_hash``).
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCEHKMPTX"
LENGTH = 12
GROUP = 4
#: Cyrillic letters (either case) that look like a letter of the alphabet, read as that letter.
#: How a code stands in the reporter's chat history: it is shown to them once and kept nowhere in clear.
MASKED_CODE = "••••-••••-••••"
_CYRILLIC = str.maketrans("АВСЕНКМРТХавсенкмртх", "ABCEHKMPTXABCEHKMPTX")
_SEPARATORS = re.compile(r"[\s\-–—_./]+")
_NEAR_SPLIT = re.compile(r"[\s\-–—_./,:]+")
#: Between two groups of a code as people type it: nothing, a dash, a dot, a slash or an underscore (spaces around
#: it allowed), or a few spaces.
_BETWEEN = r"(?:\s{0,2}[\-–—_./]\s{0,2}|\s{1,3})?"
#: A whole message that is a code (three groups of four; session 17's attack typed "8KT3 - M9TA - 8243", "8KT3.M9TA…").
_SHAPED = re.compile(rf"[{ALPHABET}]{{{GROUP}}}(?:{_BETWEEN}[{ALPHABET}]{{{GROUP}}}){{{LENGTH // GROUP - 1}}}")
#: The same shape as a word of a sentence (not inside a longer word).
_INSIDE = re.compile(rf"(?<![\w])(?:{_SHAPED.pattern})(?!\w)")
#: A neighbouring group of four joined to it by one separator, with a digit: then the code is part of a longer run
#: (a card number in groups of four, a serial number), not one of ours.
_GROUP_BEFORE = re.compile(r"(?:^|[^\w])(\w{4})[\s\-–—_./]$")
_GROUP_AFTER = re.compile(r"[\s\-–—_./](\w{4})(?!\w)")
_JOINERS = "-–—_./"
#: A code typed one character short or long, or its groups split elsewhere ("CXPC-BK7X-HA5", "CXPC BK7 XHA57"), or with
#: one character outside the alphabet ("HЗ3B", "HC3O"): three runs of 3-5 letters or digits, each a word of its own
#: joined by a separator (commas and colons too), or one word of 11 of the alphabet or of 12-13 letters and digits
#: (one outside the alphabet at most, checked after: "K7MX4TP9HC3Ж", session 20); not inside a longer word or a
#: longer run of groups. A plate or a passport number beside a short word is two words, no code.
_NEAR_SEP = r"(?:\s{0,2}[\-–—_./,:]\s{0,2}|\s{1,3})"
_NEAR = re.compile(
    rf"(?<![\w\-–—_./])(?:[^\W_]{{3,5}}(?:{_NEAR_SEP}[^\W_]{{3,5}}){{2}}|[{ALPHABET}]{{11}}|[^\W_]{{12,13}})"
    r"(?!\w|[\-–—_/]\w|[.,:]\d)"
)
#: A Ukrainian car plate (AA 1234 BC) or a passport's series and number written as one word: beside a short word of
#: look-alike letters they made three groups of four ("КЕ5947АХ мене"), read and masked as a code (session 19's attack).
#: A code typed with its first or last two groups together has this shape about one time in 270: it is then not read.
_DOCUMENT = re.compile(r"[A-Z]{2}\d{4}[A-Z]{2}|[A-Z]{2,3}\d{6}")
#: A parcel's tracking number (UPU S10: two letters, nine digits, two letters), 13 characters like a code one too long.
_TRACKING = re.compile(r"[A-Z]{2}\d{9}[A-Z]{2}")


def new_code() -> str:
    """A fresh code, grouped for reading: ``XXXX-XXXX-XXXX``, one that a sentence can hold (:func:`reads_inside`)."""
    while True:
        raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        code = "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))
        if reads_inside(code):
            return code


def pure_groups(code: str) -> int:
    """How many of a code's groups are all letters or all digits."""
    return sum(1 for group in code.split("-") if group.isalpha() or group.isdigit())


def reads_inside(code: str) -> bool:
    """Whether the code is read inside a sentence: at most one of its groups all letters or all digits
    (:func:`_codes_inside`). About one code drawn in twenty is not; codes are given only from the others, so that
    "my code X, he is beating her" finds its report (session 18's attack: such a code was neither looked up nor
    masked in the chat)."""
    return pure_groups(code) <= 1


def code_of(secret: bytes) -> str:
    """The code that secret bytes (at least 16, uniformly random to whoever lacks the key) stand for, grouped.

    128 bits or more read as one number in base 18: each symbol's bias is below 1e-30.
    """
    if len(secret) < 16:
        raise ValueError("a code needs at least 16 secret bytes")
    number, raw = int.from_bytes(secret, "big"), []
    for _ in range(LENGTH):
        number, symbol = divmod(number, len(ALPHABET))
        raw.append(ALPHABET[symbol])
    return "-".join("".join(raw[i : i + GROUP]) for i in range(0, LENGTH, GROUP))


def normalize(typed: str | None) -> str | None:
    """The code typed (any case, Cyrillic look-alikes, separators), or None if it cannot be one."""
    if not typed:
        return None
    text = _SEPARATORS.sub("", typed.strip().translate(_CYRILLIC).upper())
    if len(text) != LENGTH or any(ch not in ALPHABET for ch in text):
        return None
    return "-".join(text[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def code_in(typed: str | None) -> tuple[str, str] | None:
    """A code inside a sentence ("status of my report K7MX-4TP9-HC3B"), and the message without it; or None.

    A reporter asking about their report writes the code into a sentence as often as on its own; read only
    whole, such a message was "not understood", and the code stayed in a chat that operators read.
    """
    for start, end, code in _codes_inside(typed or ""):
        rest = (typed or "")[:start] + " " + (typed or "")[end:]
        return code, " ".join(rest.split())
    return None


def masked(typed: str) -> str:
    """The message with every code in it (on its own or inside a sentence) as ``MASKED_CODE``: how any chat keeps
    it, whatever the message was answered with (a crisis said with a code, a code sent while waiting in the queue:
    session 17's attack found those in clear in the history operators read).

    Inside a sentence a run with two groups all letters or all digits is masked too (codes given before session 18
    could be so: not read inside a sentence, they must not stay in clear either); one with three is not ("TEAM 2345
    MEET" is a message's words)."""
    if looks_like_code(typed):
        return MASKED_CODE
    out, at = [], 0
    # anywhere: a code stuck to a word or a character ("кодK7MX-…", "…HC3Bx", "…HC3B_") is not read as one, but
    # must not stay in clear either (session 18's second attack); the words' checks for card and serial numbers
    # are not asked here (a card number's groups masked are no loss)
    for start, end, _ in _codes_inside(typed, most_pure=2, anywhere=True):
        out.append(typed[at:start] + MASKED_CODE)
        at = end
    return _near_codes_masked("".join(out) + typed[at:] if out else typed)


def _near_codes_masked(typed: str) -> str:
    """Codes one character off masked: no code is read from them, but with one character to guess they tie the
    person to the report as the whole code does (session 18's leftover). Letters and digits both, and at most one
    group all letters or all digits, as every code given since session 18 (``reads_inside``): "the 25th that week",
    "5PM 2345 Bath", numbers and words stay (session 19's attack on the first version of this)."""
    seen = _as_seen(typed)
    out, at, pos = [], 0, 0
    while (found := _NEAR.search(seen, pos)) is not None:
        groups = [g for g in _NEAR_SPLIT.split(found.group(0)) if g]
        raw = "".join(groups)
        if len(groups) == 1:
            groups = [raw[i : i + GROUP] for i in range(0, len(raw), GROUP)]
        pure = sum(1 for g in groups if g.isalpha() or g.isdigit())
        foreign = sum(1 for ch in raw if ch not in ALPHABET)
        if (
            not LENGTH - 1 <= len(raw) <= LENGTH + 1
            or raw.isalpha()
            or raw.isdigit()
            or pure > 1
            or foreign > 1
            or _TRACKING.fullmatch(raw)
            or _has_document(found.group(0))
        ):
            pos = found.start() + 1  # a later run may start inside this one ("так вам K7MX 4TP9 HC3")
            continue
        out.append(typed[at : found.start()] + MASKED_CODE)
        at = pos = found.end()
    return "".join(out) + typed[at:] if out else typed


def _codes_inside(typed: str, most_pure: int = 1, anywhere: bool = False) -> list[tuple[int, int, str]]:
    """Every code standing as a word of ``typed``: where it starts and ends, and the code.

    Inside a sentence at most one of its three groups may be all letters or all digits (a code drawn at random
    has two such groups about one time in twenty): four-letter words of look-alike letters beside a number ("мама
    каса 2345", "TEAM 2345 MEET") were read as codes, counted as wrong ones, and a report form's answer holding
    one was dropped for the code (session 17's attack).
    """
    seen = _as_seen(typed)
    found_codes = []
    word = (0, 0)  # the run of letters and digits last measured: a long one holds many matches, measured once
    for found in (_SHAPED if anywhere else _INSIDE).finditer(seen):
        run, before, after = found.group(0), seen[: found.start()], seen[found.end() :]
        if _has_document(run):
            continue
        if anywhere:
            code = normalize(run)
            stuck = before[-1:].isalnum() or after[:1].isalnum()
            if stuck and any(ch.isspace() for ch in run) and not _after_code_word(typed, found.start(), after):
                # stuck to a word and spread over words: plates and ID numbers side by side ("АА2345ВС КА5678ХМ",
                # "ВХА234567 МАМА"), not a code; one stuck to a word is typed with dashes or nothing (session 19),
                # or straight after the word "code" ("кодK7MX 4TP9 HC3B", session 20)
                continue
            if run.isalnum() and stuck:
                if not word[0] <= found.start() < word[1]:
                    word = _word_around(seen, found.start(), found.end())
                if seen[word[0] : word[1]].isascii():
                    # twelve of a longer word of Latin letters and digits, without separators: a parcel's tracking
                    # number ("LB645398724HK"), a VIN, an IBAN, not a code and a word (session 19's attack); a code
                    # stuck to a Cyrillic word ("кодK7MX4TP9HC3B") is still read
                    continue
            if code is not None and pure_groups(code) <= most_pure:
                found_codes.append((found.start(), found.end(), code))
            continue
        joined = [m.group(1) for m in (_GROUP_BEFORE.search(before), _GROUP_AFTER.match(after)) if m is not None]
        dashed = (after[:1], after[1:2]), (before[-1:], before[-2:-1])  # "SN-K7MX-…", "…-HC3B-2"
        if any(joiner in _JOINERS and next_to.isalnum() for joiner, next_to in dashed if joiner):
            continue
        if any(_has_digit(group) for group in joined):
            continue
        code = normalize(run)
        if code is None:
            continue
        if pure_groups(code) <= most_pure:
            found_codes.append((found.start(), found.end(), code))
    return found_codes


#: The word "code" a code is typed straight after, without a space ("кодK7MX 4TP9 HC3B").
_CODE_WORDS = frozenset({"код", "коду", "кода", "kod", "kodu", "kodum", "code"})


def _after_code_word(typed: str, start: int, after: str) -> bool:
    """Whether the run at ``start`` follows the word "code" stuck to it, and nothing is stuck to its end."""
    if after[:1].isalnum():
        return False
    word, _ = _word_around(typed, start, start)
    return typed[word:start].lower() in _CODE_WORDS


def _as_seen(typed: str) -> str:
    """The text as the code's patterns read it: look-alike Cyrillic letters as Latin, upper case, one character for
    one, so positions stay those of ``typed`` ("ß".upper() is two letters: left as it is)."""
    return "".join(ch if len(up := ch.upper()) != 1 else up for ch in typed.translate(_CYRILLIC))


def _word_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the whole run of letters and digits that ``text[start:end]`` is part of starts and ends."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def looks_like_code(typed: str | None) -> bool:
    """A message that is nothing but a code in its shown shape (so it is read as one without asking)."""
    if not typed:
        return False
    text = typed.strip().translate(_CYRILLIC).upper()
    # twelve digits in a row are a phone number ("994552345678", an Azerbaijani number without its "+"), not a code
    # (session 19's attack: 8 % of such phone numbers were masked); in groups ("2222-2222-2222") they are typed as one
    return bool(_SHAPED.fullmatch(text)) and not _has_document(text) and not text.isdigit()


def _has_document(run: str) -> bool:
    """Whether a word of the run is a car plate or a passport number (``_DOCUMENT``), not part of a code."""
    return any(_DOCUMENT.fullmatch(word) for word in _NEAR_SPLIT.split(run))
