"""Crisis detection: its own layer, tuned for recall, independent of intents.

A missed crisis is the worst error the bot can make, so this is not left to the
intent classifier (which says "nlu_fallback" when unsure). It is a table of
stem-tolerant patterns per language (uk, ru, az, en, and Latin transliteration
of uk/ru), kept as data in crisis_rules.yml (one entry per rule), all applied
to every message whatever language was detected, because surzhyk and mixed
messages are common and a wrong language guess must not hide a crisis.

Two kinds of rules lower a score, both narrowly:
- negation where it changes the meaning ("I don't want to die", "не хочу
  вмирати") — but "не хочу жити" is itself a crisis phrase;
- everyday exaggeration ("вмираю від сміху", "this homework is killing me",
  "убью брата если съест мой торт"), which only cancels patterns marked as
  hyperbole-prone (kill/die words), never "suicide", "не хочу жити" etc.

Two narrow context checks cancel whole groups of rules:
- a film / book / game / news frame with no first person anywhere ("в фильме
  герой прыгает с моста") cancels suicide and kill/weapon rules;
- a calmly told, resolved past ("years ago ... now I'm fine", no "but"/"again"
  after it) cancels suicide rules only.
Round 8 added two more, as narrow: someone else's threat to hang or throw
themselves, told with a laughing emoji (or called a joke) and a condition
("подруга сказала что повесится если ещё раз услышит эту песню 😂"), only asks;
a game being played with its level named ("in this game you jump from roof to
roof, stuck on level 4") cancels the jump rules and nothing else.
Round 10 added two, as narrow: a coach or a teacher who "will kill us" at
training or a test cancels the kill rules (a group, a coach and an activity, and
no "if we tell"); someone else's catchphrase said often and said to be fine
("...every time city lose, he's fine, he's just dramatic") leaves the jump or
self-harm rule to the model.
Present-tense beating ("мама п'яна і б'є мене", "dad hits me") is flagged,
except ongoing partner abuse with no sign of acute danger ("my husband beats
me"), which stays the domestic-violence topic.

Indirect warning signs are rules too, each wanting a cue of finality and not
just the shared word: "this is my last message" (not "my last question"),
"gave my things away" (not "old clothes to charity"), letters to the family
(not to a ministry), "to everyone I'm only a bother", "soon it will be easier
for you", "sorry for everything" closing a message, a date chosen together with
"it will all be over", a friend's goodbye followed by silence
(tests/nlu/test_crisis_warning_signs.py).

When in doubt the layer flags: a false alarm costs an operator a minute.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .regex_prefilter import piece_lengths, required_grams, text_grams
from .textnorm import normalize

__all__ = [
    "CrisisResult",
    "CrisisDetector",
    "EMOJI_RULE",
    "SOS_RULE",
    "JOKED_JUMP_RULE",
    "JOKED_THIRD_RULE",
    "ASK_RULES",
    "SUICIDE",
    "VIOLENCE",
    "CHILD",
    "THREAT",
    "FLAG_THRESHOLD",
    "rule_category",
]

SUICIDE = "suicide_self_harm"
VIOLENCE = "violence_now"
CHILD = "child_in_danger"
THREAT = "threat_to_life"
FLAG_THRESHOLD = 0.5


@dataclass(frozen=True, slots=True)
class CrisisResult:
    crisis: bool
    score: float
    category: str | None
    matched: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str
    regex: re.Pattern[str]
    weight: float
    category: str
    hyperbole: bool = False  # may be cancelled by an everyday-exaggeration rule
    also: re.Pattern[str] | None = None  # a further cue the message must contain (checked only after a match)
    #: at most a safety question on its own (a bare "help", a bare "I did it"): see ASK_RULES
    ask: bool = False
    #: pieces of text one of which every match contains (None: always run the regex)
    grams: frozenset[str] | None = None
    #: a cue anywhere in the message that makes the rule's words ordinary (a roofer, a repair): no hit then
    unless: re.Pattern[str] | None = None


#: libyaml's loader when PyYAML has it (the file is read at every start)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _r(pattern: str) -> re.Pattern[str]:
    # Two cues "in the same message" means within ~200 characters: bounded gaps
    # keep matching linear in the message length.
    return re.compile(pattern.replace(".*", ".{0,200}"), re.UNICODE)


# The rules and the context patterns are data: crisis_rules.yml beside this module, one entry per
# rule, read and compiled once at import (ARCHITECTURE.md, "Crisis triage").
RULES_FILE = Path(__file__).with_name("crisis_rules.yml")
_KINDS = frozenset({SUICIDE, VIOLENCE, CHILD, THREAT})
_WORD_REF = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def _joined(name: str, text: str) -> str:
    """A pattern written over several lines is the lines joined with nothing between them."""
    lines = text.splitlines()
    if any(line != line.strip() for line in lines):
        raise ValueError(f"{RULES_FILE.name}: {name}: a pattern line begins or ends with a space")
    return "".join(lines)


def _expand(name: str, text: str, words: dict[str, str]) -> str:
    def word(m: re.Match[str]) -> str:
        if m[1] not in words:
            raise ValueError(f"{RULES_FILE.name}: {name}: no word {m[1]!r} defined above it")
        return words[m[1]]

    return _WORD_REF.sub(word, _joined(name, text))


def _load(path: Path) -> tuple[list[_Rule], dict[str, Any]]:
    """The rules in file order, and the context patterns (a pattern, a list of them, or a name -> pattern map)."""
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    words: dict[str, str] = {}
    rules: list[_Rule] = []
    for entry in doc["rules"]:
        if "word" in entry:
            words[entry["word"]] = _expand(entry["word"], entry["pattern"], words)
            continue
        name, kind = entry["rule"], entry["kind"]
        if kind not in _KINDS:
            raise ValueError(f"{path.name}: {name}: unknown kind {kind!r}")
        regex = _r(_expand(name, entry["pattern"], words))
        also = _r(_expand(name, entry["also"], words)) if "also" in entry else None
        unless = _r(_expand(name, entry["unless"], words)) if "unless" in entry else None
        rules.append(
            _Rule(
                name,
                regex,
                float(entry["weight"]),
                kind,
                bool(entry.get("hyperbole", False)),
                also,
                bool(entry.get("ask", False)),
                required_grams(regex),
                unless,
            )
        )
    contexts: dict[str, Any] = {}
    for key, value in doc["contexts"].items():
        if isinstance(value, list):
            contexts[key] = [_r(_expand(key, v, words)) for v in value]
        elif isinstance(value, dict):
            contexts[key] = {k: _r(_expand(f"{key}.{k}", v, words)) for k, v in value.items()}
        else:
            contexts[key] = _r(_expand(key, value, words))
    return rules, contexts


_RULES, _CONTEXTS = _load(RULES_FILE)

#: The rule that reads the SOS emoji (🆘, 🚨) of a bare alarm: it only asks (_sos_hit below).
SOS_RULE = "sos_emoji"
#: A jump rule's hit with a joke marker right after it ("я прыгну с крыши лол"): asked about, never dropped. The
#: joke is the everyday exaggeration most of the time, but the uk/ru model cannot tell it from a teenager who means
#: it and says "lol" (it scored such messages 0.07-0.14), so the person gets the safety question, not silence.
JOKED_JUMP_RULE = "jump_said_as_joke"
#: Someone else's threat told with laughter and a trivial condition ("подруга сказала что повесится если ещё раз
#: услышит эту песню 😂"): asked about, never the full alarm (round 8's table: a crisis by ``self_harm_third``).
JOKED_THIRD_RULE = "third_party_said_as_joke"
#: Rules whose hit alone is worth asking "are you safe right now?", never the full alarm: a bare "help" or
#: "kömək edin" says someone needs something, not what; the person's answer to the question decides (a typed
#: "help" or "no" to it is danger, flows/safety_answers.py). Never core (crisis_model.core_rules).
ASK_RULES = frozenset({*(rule.name for rule in _RULES if rule.ask), SOS_RULE, JOKED_JUMP_RULE, JOKED_THIRD_RULE})

# Everyday exaggeration: cancels only rules marked hyperbole.
_HYPERBOLE: list[re.Pattern[str]] = _CONTEXTS["hyperbole"]
# Negations that cancel a specific rule when they directly precede its match.
_NEGATED: dict[str, re.Pattern[str]] = _CONTEXTS["negated"]
# A message framed as a film / book / game / news plot, with no first person
# anywhere in it, is a retelling, not a disclosure: every suicide rule and the
# jump/kill/weapon rules are cancelled ("в фильме герой прыгает с моста")...
_FICTION: re.Pattern[str] = _CONTEXTS["fiction"]
_FIRST_PERSON: re.Pattern[str] = _CONTEXTS["first_person"]
# ... and only when the frame opens the message or a fictional character is named.
_FICTION_LEAD: re.Pattern[str] = _CONTEXTS["fiction_lead"]
_CHARACTER: re.Pattern[str] = _CONTEXTS["character"]
_FICTION_RULES = frozenset({SUICIDE})  # categories cancelled by a fiction frame
_FICTION_EXTRA = frozenset(
    {"kill_me_en", "i_will_kill", "weapon", "weapon_more", "kill_az", "will_kill_me", "threaten_kill"}
)
# A calmly told, resolved past: a past marker AND a "now I'm fine" marker, and no
# relapse word. Cancels suicide/self-harm rules only, never violence or threats.
_PAST: re.Pattern[str] = _CONTEXTS["past"]
_NOW_FINE: re.Pattern[str] = _CONTEXTS["now_fine"]
_RELAPSE: re.Pattern[str] = _CONTEXTS["relapse"]
_BUT: re.Pattern[str] = _CONTEXTS["but"]
# "My husband beats me" without a sign of acute danger stays the domestic-violence topic.
_BEATS = frozenset({"beats_person", "beats_person_en", "beats_person_az"})
_PARTNER: re.Pattern[str] = _CONTEXTS["partner"]
_ACUTE: re.Pattern[str] = _CONTEXTS["acute"]
# Toy and water guns are not weapons.
_TOY: re.Pattern[str] = _CONTEXTS["toy"]
# A game being played with its level named ("in this game you jump from roof to roof, stuck on level 4"): the jump
# rules read the game's moves. Only the jump rules: "stuck on level 4 and i want to die" keeps want_die.
_GAME_PLAY: re.Pattern[str] = _CONTEXTS["game_play"]
# Round 11: a game's character who died and the level played again ("мій персонаж стрибнув з даху і помер, переграю
# рівень") cancels the jump rules as a game with its level named does; and jumping off a bridge into the river as the
# summer's fun ("every summer we jump off the bridge into the river, is it dangerous?": water, a habit, friends or a
# safety question, and no tonight, goodbye or forever) leaves the jump rules to the model.
_GAME_REPLAY: re.Pattern[str] = _CONTEXTS["game_replay"]
_JUMP_FOR_FUN: re.Pattern[str] = _CONTEXTS["jump_for_fun"]
# Round 11: a why-question about a heroine with the literature lesson named and no first person ("чому Катерина
# кинулась під поїзд? домашнє завдання з літератури") is a retelling, as a film frame is.
_LITERATURE_TASK: re.Pattern[str] = _CONTEXTS["literature_task"]
# A coach or a teacher who "will kill us" at training or a test (round 10: "тренер сказав що вб'є нас на тренуванні
# завтра, бо програли матч", "PE teacher is going to kill us on the bleep test"): a group, a coach and an activity
# are the everyday exaggeration, and the kill rules are left to the model. "...if we tell our parents" keeps them.
_COACH: dict[str, re.Pattern[str]] = _CONTEXTS["coach_kills_us"]
_GROUP_KILL = frozenset({"will_kill_me", "threaten_kill", "kill_me_en", "kill_az"})
# Someone else's catchphrase said often and said to be fine ("my mate says "i'll jump off the pier" every time city
# lose, he's fine, he's just dramatic"): with both, and no fear and no "but" after the fine, the rule is left to the
# model; said often counts as the condition, said fine as the joke, of a joked threat (JOKED_THIRD_RULE).
_SAID_OFTEN: re.Pattern[str] = _CONTEXTS["said_often"]
_SAID_FINE: re.Pattern[str] = _CONTEXTS["said_fine"]
_SAID_WORRIED: re.Pattern[str] = _CONTEXTS["said_worried"]
# More ways of telling a past that is over and the now (round 10: "...прошло 10 лет, хочу рассказать школьникам
# свою историю"): the resolved past also counts these (_Context.resolved).
_PAST_TOLD: re.Pattern[str] = _CONTEXTS["past_told"]
_NOW_TELLING: re.Pattern[str] = _CONTEXTS["now_telling"]

_NEAR = 8  # characters around an exaggeration within which it cancels a kill/die pattern
_PIECE_LENGTHS = piece_lengths(rule.grams for rule in _RULES)
# Emoji a child may send instead of words: a knife, blood, pills, a skull, a rope, a coffin, a gun, a grave.
# Normalisation drops emoji (they carry no topic), so this rule reads the raw text. It flags only a message
# that is (nearly) nothing but them, or "хочу 💀" / "I want to 💀": a knife in a recipe stays a recipe.
_DANGER_EMOJI = re.compile("[\U0001f52a\U0001fa78\U0001f48a\U0001f480\u2620\U0001faa2\u26b0\U0001f52b\U0001faa6]")
_EMOJI_WORDS = 3
#: The rule that reads emoji (its name in ``CrisisResult.matched``); the learned model never sees them.
EMOJI_RULE = "danger_emoji"
_EMOJI_RULE = _Rule(EMOJI_RULE, _DANGER_EMOJI, 0.6, SUICIDE)


# A skull among laughter is teenagers' "I'm dead (laughing)", not a death.
_LAUGH = re.compile("[\U0001f602\U0001f923]|\\b(?:lol|lmao|haha\\w*|ахах\\w*|хаха\\w*|xaxa\\w*)\\b", re.IGNORECASE)
# Tears of laughter beside "mum will kill me" are the everyday exaggeration ("anam məni öldürəcək, telefonu
# sındırdım 😂"); normalisation drops emoji, so the hyperbole contexts never saw them. Only the emoji, and only
# for the "X will kill me" rules: "lol" is written in crises too ("nobody cares if i die lol").
_LAUGH_EMOJI = re.compile("[\U0001f602\U0001f923\U0001f606\U0001f605]")
_LAUGHED_OFF = frozenset({"will_kill_me", "kill_me_en", "kill_az"})
# One's own wish or threat to strangle or kill a husband, a brother, a barking dog, told with laughter ("чоловік
# так хропів що я хотіла його задушити подушкою хаха", "onu boğmaq istəyirdim 😅"): the everyday exaggeration, left
# to the model (round 9). Laughter here is a laughing emoji or "хаха", "haha", "lol". Only one's own words: what was
# done to the writer ("душив мене", "choked me", "boğdu") or a threat to the writer ("задушить мене") keeps the
# alarm, laughing or not.
_JOKED_WISH = frozenset({"strangle", "i_will_kill"})
_OWN_STRANGLE = re.compile(r"(?:задушити|задушить|задушу|bo[ğg]maq)$")
_AT_ME = re.compile(r"\s+(?:\w+\s+)?(?:мене|меня|нас|me|us|m[əe]ni|bizi)\b")
# "...I'm jumping out the window lol, anyway, are there subsidies?": a joke marker right after a jump is the
# everyday exaggeration the kill/die rules already honour. Only right after the jump (within _JOKE_NEAR
# characters), where the joke is said of it: "lol" elsewhere ("nobody would care lol. i'm on the roof and going
# to jump") cancels nothing. Laughing emoji count as "lol" here (normalisation drops them otherwise).
_JOKED_OFF = frozenset(
    {"high_jump", "jump_en", "jump_from", "jump_az", "jump_translit", "going_to_jump_en", "out_window"}
)
_JOKE = re.compile(
    r"^(?!.*\b(?:tonight|today|now|rn|сьогодні|сегодня|зараз|сейчас|вночі|ночью|indi|bu gec[əe]|bu g[üu]n)\b)"
    r"\W*(?:\w+\W+){0,3}(?:lol|lmao|lmfao|rofl|jk|just kidding|haha\w*|хаха\w*|ахах\w*|xaxa\w*|лол|кек|ржу|"
    r"жартую|шучу)\b"
)
_JOKE_NEAR = 32
_JOKE_TOKEN = " lol "
_JOKED_JUMP_RULE = _Rule(JOKED_JUMP_RULE, _JOKE, 0.6, SUICIDE, ask=True)
# Someone else's threat to hang, burn or throw themselves off something, told with a laughing emoji or said to be a
# joke, and with a condition in the message ("...if she hears that song once more 😂", "bu dərsdə bir də otursa...
# 😂"): the everyday exaggeration retold, asked about (JOKED_THIRD_RULE) and never the full alarm. Only a third
# person's words: one's own "я повішусь 😂" or "özümü asacam 😂" is not this (_FIRST_SELF), and a retold threat
# without laughter and a condition stays the alarm.
_JOKED_THIRD = frozenset({"self_harm_third", "kill_self_az"})
_FIRST_SELF = re.compile(r"підпалю|подожгу|сожгу|[öo]z[üu]m[üu]|myself")
_TOLD_AS_JOKE = re.compile(
    r"(?<!не )(?<!not )(?<!n't )(?<!nt )"
    r"\b(?:жарту\w*|пожартувал\w*|пошутил\w*|шутит|шутя|joked|joking|kidding|zarafat\w*)\b"
)
# Someone else said it: a verb of saying in the third person before a jump rule's words ("сестра обіцяє вистрибнути
# у вікно якщо...", "my sister swears she'll jump out the window if..."); "i said" is one's own.
_REPORTED = re.compile(
    r"\b(?:каже|казала|казав|сказала|сказав|обіцяє|обіцяла|клянеться|жартує|погрожує|говорит|сказал|обещает|обещала|"
    r"клянется|шутит|грозится|says|swears|jokes|threatens|reckons|deyir|dedi|and\s+i[çc]ir|h[əe]d[əe]l[əe]yir)\b"
    r"|(?<!\bi )\b(?:said|swore|joked|threatened)\b"
)
_CONDITION = re.compile(r"\b(?:якщо|коли|если|когда|if|when|[əe]g[əe]r)\b|\b\w+s[əa]\b")
_JOKED_THIRD_RULE = _Rule(JOKED_THIRD_RULE, _CONDITION, 0.6, SUICIDE, ask=True)
# A bare alarm in emoji: "🆘🆘🆘 dad", "🚨🚨" with at most one word (normalisation drops emoji): asked about. Not
# "🚨 new deadline 🚨": with more words the words say what the alarm is about, and the rules and the model read them.
_SOS_EMOJI = re.compile("[\U0001f198\U0001f6a8]")
_SOS_RULE = _Rule(SOS_RULE, _SOS_EMOJI, 0.6, THREAT, ask=True)
_SOS_WORDS = 1

# A quoted title of a song, a film, a book or a poem asked about ("пісня "Я не хочу жити без тебе" якого виконавця?",
# "who sings "i want to die young""): the quoted words are the work's name, not the writer's, so the rules read the
# message without them (round 9). Only when the rest of the message names a kind of work or asks who sings it; the
# model still reads the whole message, and a crisis said outside the quotes keeps its rule.
_QUOTED = re.compile(
    '["\u201c\u201d\u00ab\u00bb\u201e]([^"\u201c\u201d\u00ab\u00bb\u201e\n]{1,80})["\u201c\u201d\u00ab\u00bb\u201e]'
)
_WORK = re.compile(
    r"\b(?:пісн\w*|песн\w*|songs?|трек\w*|tracks?|mahn[ıi]\w*|альбом\w*|albums?|albom\w*|фільм\w*|фильм\w*|films?|"
    r"movies?|книг\w*|книж\w*|books?|kitab\w*|вірш\w*|стих\w*|poems?|[şs]eir\w*|серіал\w*|сериал\w*|series|"
    r"serial\w*|кліп\w*|клип\w*|klip\w*|виконав\w*|исполн\w*|singers?|sings|sang|співає|поёт|поет|oxuyur\w*|"
    r"m[üu][ğg][əe]nni\w*|lyrics|текст\w*|s[öo]zl[əe]ri\w*|назв\w*|называ\w*|назива\w*|titled|adlan\w*|гурт\w*|"
    r"групп\w*|band|qrup\w*|автор\w*|author|m[üu][əe]llif\w*|trek\w*|ролик\w*|videos?|відео|видео|"
    # the same as typed in Latin letters (and as the crisis model's Latin twins read them)
    r"pisn\w*|pesn\w*|knyh\w*|knig\w*|knyzh\w*|virsh\w*|stih\w*|vykon\w*|ispoln\w*|spivaye|poyot|poet|avtor\w*|"
    r"hurt\w*|grupp\w*|tekst\w*|nazv\w*|nazyva\w*|roly\w*|rolik\w*|video)\b"
)


def _untitled(text: str) -> str:
    """``text`` without its quoted titles when it asks about a work by name, else ``text`` as it is."""
    if _QUOTED.search(text) is None:
        return text
    outside = _QUOTED.sub(" ", text)
    return outside if _WORK.search(outside.lower()) else text


_CATEGORY_OF = {
    rule.name: rule.category for rule in (*_RULES, _EMOJI_RULE, _SOS_RULE, _JOKED_JUMP_RULE, _JOKED_THIRD_RULE)
}


def _sos_hit(text: str, norm: str) -> tuple[float, _Rule] | None:
    if not _SOS_EMOJI.search(text) or len(norm.split()) > _SOS_WORDS or _LAUGH.search(text):
        return None
    return (_SOS_RULE.weight, _SOS_RULE)


def _joked(rule: _Rule, joking: str) -> bool:
    """A joke marker ("lol", "jk", "😂") right after this rule's match in ``joking`` (laughing emoji as "lol")."""
    m = rule.regex.search(joking)
    return m is not None and _JOKE.search(joking[m.end() : m.end() + _JOKE_NEAR]) is not None


def _third(rule: _Rule, m: re.Match[str], norm: str) -> bool:
    """The rule reads someone else's threat, not one's own words."""
    if rule.name in _JOKED_THIRD:  # the rule reads another's words ("повесится"); "özümü" and "підпалю" are one's own
        return _FIRST_SELF.search(m.group()) is None
    if rule.name in _JOKED_OFF:  # a jump rule reads anyone's: someone else must be said to have said it
        return _REPORTED.search(norm, 0, m.start()) is not None
    return False


def _said_fine(norm: str) -> bool:
    """The one who said it is said to be fine, with no fear anywhere and no "but" after the fine."""
    fine = _SAID_FINE.search(norm)
    return fine is not None and _BUT.search(norm, fine.end()) is None and _SAID_WORRIED.search(norm) is None


def _joked_third(rule: _Rule, m: re.Match[str], norm: str, laughing: bool) -> bool:
    """Someone else's threat, laughed at, called a joke or said to be fine, with a condition or said often."""
    if not _third(rule, m, norm):
        return False
    joked = laughing or _TOLD_AS_JOKE.search(norm) is not None or _said_fine(norm)
    return joked and (_CONDITION.search(norm) is not None or _SAID_OFTEN.search(norm) is not None)


def _catchphrase(rule: _Rule, m: re.Match[str], norm: str) -> bool:
    """Someone else's words said often and said to be fine: see _SAID_OFTEN."""
    return _SAID_OFTEN.search(norm) is not None and _said_fine(norm) and _third(rule, m, norm)


def _coach_hyperbole(norm: str) -> bool:
    """A coach or a teacher, "kill us", an activity, and no telling anyone: see _COACH."""
    return all(_COACH[cue].search(norm) is not None for cue in ("coach", "kills_us", "activity")) and (
        _COACH["telling"].search(norm) is None
    )


def _joked_wish(rule: _Rule, m: re.Match[str], norm: str, laughing: bool) -> bool:
    """One's own wish to strangle or kill someone, laughed at (a laughing emoji, "хаха", "lol"): see _JOKED_WISH."""
    if not laughing and _LAUGH.search(norm) is None:
        return False
    if rule.name == "strangle":
        # "душив мене", "choked me" were done to the writer; "задушить мене" is a threat to them
        return _OWN_STRANGLE.search(m.group()) is not None and _AT_ME.match(norm, m.end()) is None
    return True


def _emoji_hit(text: str, norm: str) -> tuple[float, _Rule] | None:
    found = set(_DANGER_EMOJI.findall(text))
    if not found or len(norm.split()) > _EMOJI_WORDS or (found == {"\U0001f480"} and _LAUGH.search(text)):
        return None
    return (_EMOJI_RULE.weight, _EMOJI_RULE)


def rule_category(name: str) -> str | None:
    """The kind of crisis a rule (``Parse.risk_reasons``' ``rule:<name>``) stands for; None for no such rule.

    The console says "crisis rule: suicide or self-harm" to an operator, who
    does not know the rules' names.
    """
    return _CATEGORY_OF.get(name)


class CrisisDetector:
    """Score 0..1 and a flag; stateless and thread-safe."""

    def __init__(self, threshold: float = FLAG_THRESHOLD) -> None:
        self.threshold = threshold

    def detect(self, text: str) -> CrisisResult:
        norm = normalize(_untitled(text))
        emoji = [hit for hit in (_emoji_hit(text, norm), _sos_hit(text, norm)) if hit is not None]
        if not norm and not emoji:
            return CrisisResult(False, 0.0, None)
        laughing = _LAUGH_EMOJI.search(text) is not None
        joking = normalize(_LAUGH_EMOJI.sub(_JOKE_TOKEN, text)) if laughing else norm
        hits = _hits(norm, laughing=laughing, joking=joking) if norm else []
        return _combine(hits + emoji, self.threshold)


def _hits(norm: str, laughing: bool = False, joking: str | None = None) -> list[tuple[float, _Rule]]:
    # A rule's regex runs only when the message holds one of the pieces every
    # match of it contains (regex_prefilter: usually a handful of the ~100
    # rules). One big alternation would save nothing: Python's re tries every
    # branch at every position. The context checks
    # (exaggeration, fiction, resolved past, toys) cost as much as the rules, so
    # each runs only when a matched rule needs it.
    grams = text_grams(norm, _PIECE_LENGTHS)
    matches = [
        (rule, m)
        for rule in _RULES
        if (rule.grams is None or not grams.isdisjoint(rule.grams)) and (m := rule.regex.search(norm))
    ]
    if not matches:  # almost every message
        return []
    context = _Context(norm)
    hits: list[tuple[float, _Rule]] = []
    for rule, m in matches:
        if rule.also is not None and not rule.also.search(norm):
            continue
        if rule.unless is not None and rule.unless.search(norm):
            continue
        # Exaggeration cancels a kill/die pattern only near it, so "this homework is
        # killing me and i want to die" is still a crisis.
        if rule.hyperbole and any(a < m.end() and m.start() < b for a, b in context.hyperbole_spans()):
            continue
        if laughing and rule.name in _LAUGHED_OFF:
            continue
        if rule.name in _JOKED_WISH and _joked_wish(rule, m, norm, laughing):
            continue
        if rule.name in _JOKED_OFF and _joked(rule, norm if joking is None else joking):
            if all(hit is not _JOKED_JUMP_RULE for _, hit in hits):  # asked about (JOKED_JUMP_RULE), not dropped
                hits.append((_JOKED_JUMP_RULE.weight, _JOKED_JUMP_RULE))
            continue
        if rule.name in _GROUP_KILL and context.coach_hyperbole():
            continue
        if (rule.name in _JOKED_THIRD or rule.name in _JOKED_OFF) and _catchphrase(rule, m, norm):
            continue
        if _joked_third(rule, m, norm, laughing):
            if all(hit is not _JOKED_THIRD_RULE for _, hit in hits):  # asked about, not dropped
                hits.append((_JOKED_THIRD_RULE.weight, _JOKED_THIRD_RULE))
            continue
        if (rule.category in _FICTION_RULES or rule.name in _FICTION_EXTRA) and context.fiction():
            continue
        if rule.name in _JOKED_OFF and context.jump_at_play():
            continue
        if rule.category == SUICIDE and context.resolved():
            continue
        if rule.name in _BEATS and _PARTNER.search(norm) and not _ACUTE.search(norm):
            continue
        if rule.name in ("weapon", "weapon_more") and any(a < m.end() and m.start() < b for a, b in context.toys()):
            continue
        neg = _NEGATED.get(rule.name)
        if neg is not None and neg.search(norm[: m.start()]):
            continue
        hits.append((rule.weight, rule))
    return hits


class _Context:
    """The whole-message checks, each computed on first use."""

    __slots__ = ("norm", "_spans", "_fiction", "_resolved", "_toys", "_coach", "_play")

    def __init__(self, norm: str) -> None:
        self.norm = norm
        self._spans: list[tuple[int, int]] | None = None
        self._fiction: bool | None = None
        self._resolved: bool | None = None
        self._toys: list[tuple[int, int]] | None = None
        self._coach: bool | None = None
        self._play: bool | None = None

    def jump_at_play(self) -> bool:
        """A game played (its level named or replayed) or a jump into the water for fun: see _GAME_PLAY."""
        if self._play is None:
            norm = self.norm
            self._play = any(p.search(norm) is not None for p in (_GAME_PLAY, _GAME_REPLAY, _JUMP_FOR_FUN))
        return self._play

    def coach_hyperbole(self) -> bool:
        if self._coach is None:
            self._coach = _coach_hyperbole(self.norm)
        return self._coach

    def hyperbole_spans(self) -> list[tuple[int, int]]:
        if self._spans is None:
            self._spans = [(m.start() - _NEAR, m.end() + _NEAR) for h in _HYPERBOLE for m in h.finditer(self.norm)]
        return self._spans

    def fiction(self) -> bool:
        if self._fiction is None:
            norm = self.norm
            self._fiction = _FIRST_PERSON.search(norm) is None and (
                (
                    _FICTION.search(norm) is not None
                    and (_FICTION_LEAD.search(norm) is not None or _CHARACTER.search(norm) is not None)
                )
                or _LITERATURE_TASK.search(norm) is not None
            )
        return self._fiction

    def resolved(self) -> bool:
        if self._resolved is None:
            norm = self.norm
            fine = _NOW_FINE.search(norm) or _NOW_TELLING.search(norm)
            self._resolved = (
                fine is not None
                and (_PAST.search(norm) is not None or _PAST_TOLD.search(norm) is not None)
                and _RELAPSE.search(norm) is None
                and _BUT.search(norm, fine.end()) is None
            )
        return self._resolved

    def toys(self) -> list[tuple[int, int]]:
        if self._toys is None:
            self._toys = [(m.start(), m.end()) for m in _TOY.finditer(self.norm)]
        return self._toys


def _combine(hits: Iterable[tuple[float, _Rule]], threshold: float) -> CrisisResult:
    hits = sorted(hits, key=lambda h: -h[0])
    if not hits:
        return CrisisResult(False, 0.0, None)
    miss = 1.0
    for w, _ in hits:
        miss *= 1.0 - w
    score = round(1.0 - miss, 4)
    top = hits[0][1]
    return CrisisResult(score >= threshold, score, top.category, tuple(r.name for _, r in hits))
