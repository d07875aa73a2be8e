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
"""

from __future__ import annotations

from collections.abc import Container

from vikno.nlu.types import Parse

#: The runner-up is offered when its confidence is at least this share of the answered topic's.
SEE_ALSO_RATIO = 0.4
#: Topics whose miss leaves a person in danger unanswered, and the lower share at which they are offered.
SAFETY_TOPICS = frozenset({"domestic_violence", "report_person_in_need"})
SAFETY_RATIO = 0.15


def close_runner_up(top: float, second: float, topic: str = "") -> bool:
    """Two confidences (calibrated, 0-1) close enough that the second choice, ``topic``, is worth a button."""
    return second >= (SAFETY_RATIO if topic in SAFETY_TOPICS else SEE_ALSO_RATIO) * top


def runner_up(parse: Parse | None, answered: str, topics: Container[str]) -> str | None:
    """The topic to offer beside ``answered``: the NLU's second choice, when it is another of ``topics`` and
    close to the first; None otherwise (no ranking, small talk second, a topic the line has not, far behind)."""
    if parse is None or len(parse.ranking) < 2 or parse.ranking[0][0] != answered:
        return None
    (_, top), (second, score) = parse.ranking[0], parse.ranking[1]
    if second == answered or second not in topics or not close_runner_up(top, score, second):
        return None
    return second
