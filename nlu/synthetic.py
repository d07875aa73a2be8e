"""A synthetic many-intent data set, for measuring training time and checking
that the classifier is not tied to the helpline taxonomy (15,000 examples /
150 intents is the size of public intent benchmarks such as CLINC150).

Each intent gets its own small vocabulary of topic words drawn from a shared
pool plus shared filler phrases, so intents overlap the way real ones do.
"""

from __future__ import annotations

import random

__all__ = ["synthetic_examples"]

_FILLERS = [
    "can you help me with",
    "i want to know about",
    "please tell me",
    "how do i",
    "what about",
    "i need",
    "is it possible to",
    "question about",
    "could you check",
    "help with",
    "where can i find",
    "i would like",
    "tell me more about",
    "any info on",
    "explain",
    "",
]


def _word(rng: random.Random) -> str:
    consonants, vowels = "bcdfghjklmnprstvz", "aeiou"
    return "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(2, 4)))


def synthetic_examples(n_intents: int = 150, per_intent: int = 100, seed: int = 7) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    pool = sorted({_word(rng) for _ in range(n_intents * 12)})
    out: list[tuple[str, str]] = []
    for i in range(n_intents):
        topic = rng.sample(pool, 6)
        for _ in range(per_intent):
            words = rng.sample(topic, rng.randint(1, 3)) + rng.sample(pool, rng.randint(0, 2))  # noise words
            rng.shuffle(words)
            text = f"{rng.choice(_FILLERS)} {' '.join(words)}".strip()
            if rng.random() < 0.2:  # typos
                pos = rng.randrange(len(text))
                text = text[:pos] + text[pos + 1 :]
            out.append((text, f"intent_{i:03d}"))
    return out
