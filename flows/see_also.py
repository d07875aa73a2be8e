"""Whether a topic answer also offers the runner-up topic ("Or was your question about: ...", issue 23).

A person who meant topic B and got topic A's text had to find B in the menu. When the classifier's second
choice was nearly as likely as its first, one button with B's title goes under A's answer. "Nearly" is a
ratio of calibrated confidences chosen on cross-validated predictions of the shipped data
(bench/see_also.py, figures in bench/README.md): a lower ratio rescues more wrong answers and shows a
button nobody needed under more right ones. A ratio, not a margin: Azerbaijani and Ukrainian answers are
less confident than Russian and English ones (n-grams alone), and a margin that rescued a fair share in
one language put the button under a quarter of the right Azerbaijani answers.

A runner-up that is a safety topic (violence at home, a report about someone in danger) is offered at a lower
ratio: "my husband beats me, and I need the subsidy too" answered with the subsidy text alone leaves the
danger unanswered, and the button costs a person who did not need it one line of reading. On the same
cross-validated predictions a safety ratio of 0.15 put a safety button under 2.6-4.4 % of right answers
(0.6-1.8 % at 0.4) and the safety topic one press from 58 of 95 wrong answers to a safety message (36 at 0.4).

A safety topic one sentence of a longer message names (``Parse.parts``, nlu/message_parts.py) counts too: "коли
ви працюєте? чоловік б'є" as a whole is the hours with violence at home at 0.12 of it, below any ratio, while
"чоловік б'є" alone is violence at home at 0.99. Such a sentence is offered under another topic's answer or the
hours, before the usual runner-up; under a pleasantry or nothing understood it is the answer itself
(:func:`safety_instead`): "thanks. and my husband raises his hand at me" answered "you're welcome" leaves the
danger unread. A message without sentence ends read as a pleasantry, the hours or nothing has its second half
read alone the same way (:func:`tail`, by the engine: one more parse, only for such messages).
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import replace

from vikno.nlu.types import FALLBACK_INTENT, Parse

#: The runner-up is offered when its confidence is at least this share of the answered topic's.
SEE_ALSO_RATIO = 0.4
#: Topics whose miss leaves a person in danger unanswered, and the lower share at which they are offered.
SAFETY_TOPICS = frozenset({"domestic_violence", "report_person_in_need"})
SAFETY_RATIO = 0.15


def close_runner_up(top: float, second: float, topic: str = "") -> bool:
    """Two confidences (calibrated, 0-1) close enough that the second choice, ``topic``, is worth a button."""
    return second >= (SAFETY_RATIO if topic in SAFETY_TOPICS else SEE_ALSO_RATIO) * top


#: What the whole message can be read as that leaves a safety sentence in it unanswered, so that sentence's topic
#: is answered instead: a pleasantry, or nothing the NLU understood.
SAY_INSTEAD = frozenset({"greet", "thanks", "goodbye", FALLBACK_INTENT})


def safety_part(parse: Parse | None, answered: str, topics: Container[str]) -> str | None:
    """A safety topic of ``topics`` that one sentence of the message was read as alone, when the whole message
    was answered with ``answered`` (another topic, the hours, a pleasantry); None otherwise."""
    if parse is None:
        return None
    for topic, _ in parse.parts:
        if topic in SAFETY_TOPICS and topic != answered and topic in topics:
            return topic
    return None


def safety_instead(parse: Parse | None, understood: str, topics: Container[str]) -> str | None:
    """The safety topic to answer instead of ``understood``, when that is a pleasantry or nothing understood
    and one sentence of the message names a safety topic of ``topics``."""
    return safety_part(parse, understood, topics) if understood in SAY_INSTEAD else None


#: What the whole message can be read as that makes the engine read the end of a one-sentence message alone.
LOOK_CLOSER = SAY_INSTEAD | {"working_hours"}
#: A message this short is what it says ("дякую, бувай"); from this many words its second half is read alone.
TAIL_WORDS = 4


def tail(parse: Parse | None) -> str | None:
    """The second half of a message without sentence ends, to be read alone, or None.

    "дякую а ще чоловік мене бє" and "коли ви працюєте чоловік мене бє" (no punctuation, as frightened people
    type on a phone; session 15's outside attack) have no sentences to read apart: read as a whole they are
    thanks and the hours. Only when the whole was read as a pleasantry, the hours or nothing, no sentence was
    read apart, and the message has at least ``TAIL_WORDS`` words.
    """
    if parse is None or parse.parts or parse.intent not in LOOK_CLOSER:
        return None
    said = parse.text.split()
    return " ".join(said[len(said) // 2 :]) if len(said) >= TAIL_WORDS else None


def with_tail(parse: Parse, read: Parse) -> Parse:
    """``parse`` with its tail's reading as its one part when that is a safety topic (else as it was)."""
    if read.intent in SAFETY_TOPICS:
        return replace(parse, parts=((read.intent, read.confidence),))
    return parse


def runner_up(parse: Parse | None, answered: str, topics: Container[str]) -> str | None:
    """The topic to offer beside ``answered``: a safety topic one sentence names, else the NLU's second choice,
    when it is another of ``topics`` and close to the first; None otherwise (no ranking, small talk second, a
    topic the line has not, far behind)."""
    safety = safety_part(parse, answered, topics)
    if safety is not None:
        return safety
    if parse is None or len(parse.ranking) < 2 or parse.ranking[0][0] != answered:
        return None
    (_, top), (second, score) = parse.ranking[0], parse.ranking[1]
    if second == answered or second not in topics or not close_runner_up(top, score, second):
        return None
    return second
