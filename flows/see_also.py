"""Whether a topic answer also offers the runner-up topic ("Or was your question about: ...", issue 23).

A person who meant topic B and got topic A's text had to find B in the menu. When the classifier's second
choice was nearly as likely as its first, one button with B's title goes under A's answer. "Nearly" is a
ratio of calibrated confidences chosen on cross-validated predictions of the shipped data
(bench/see_also.py, figures in bench/README.md): a lower ratio rescues more wrong answers and shows a
button nobody needed under more right ones. A ratio, not a margin: Azerbaijani and Ukrainian answers are
less confident than Russian and English ones (n-grams alone), and a margin that rescued a fair share in
one language put the button under a quarter of the right Azerbaijani answers.
"""

from __future__ import annotations

from collections.abc import Container

from vikno.nlu.types import Parse

#: The runner-up is offered when its confidence is at least this share of the answered topic's.
SEE_ALSO_RATIO = 0.4


def close_runner_up(top: float, second: float) -> bool:
    """Two confidences (calibrated, 0-1) close enough that the second choice is worth a button."""
    return second >= SEE_ALSO_RATIO * top


def runner_up(parse: Parse | None, answered: str, topics: Container[str]) -> str | None:
    """The topic to offer beside ``answered``: the NLU's second choice, when it is another of ``topics`` and
    close to the first; None otherwise (no ranking, small talk second, a topic the line has not, far behind)."""
    if parse is None or len(parse.ranking) < 2 or parse.ranking[0][0] != answered:
        return None
    (_, top), (second, score) = parse.ranking[0], parse.ranking[1]
    if second == answered or second not in topics or not close_runner_up(top, score):
        return None
    return second
