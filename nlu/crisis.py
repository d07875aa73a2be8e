"""Crisis detection: its own layer, tuned for recall, independent of intents.

A missed crisis is the worst error the bot can make, so this is not left to the
intent classifier (which says "nlu_fallback" when unsure). It is a table of
stem-tolerant patterns per language (uk, ru, az, en, and Latin transliteration
of uk/ru), all applied to every message whatever language was detected,
because surzhyk and mixed messages are common and a wrong language guess must
not hide a crisis.

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
from dataclasses import dataclass
from typing import Iterable

from .regex_prefilter import piece_lengths, required_grams, text_grams
from .textnorm import normalize

__all__ = ["CrisisResult", "CrisisDetector", "SUICIDE", "VIOLENCE", "CHILD", "THREAT", "FLAG_THRESHOLD",
           "rule_category"]

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
    #: pieces of text one of which every match contains (None: always run the regex)
    grams: frozenset[str] | None = None


def _r(pattern: str) -> re.Pattern[str]:
    # Two cues "in the same message" means within ~200 characters: bounded gaps
    # keep matching linear in the message length.
    return re.compile(pattern.replace(".*", ".{0,200}"), re.UNICODE)


# Shared word classes -------------------------------------------------------
_NOW = r"(?:зараз|прямо зараз|щойно|сейчас|прямо сейчас|тільки що|только что|now|right now|indi|indicə|hal[ıi]-hazırda)"
_NOT = r"(?:не|ne|not|don'?t|do not|never)"
_CHILD = (
    r"(?:\d+\s*(?:year|yr)s?\s*old|\d+\s*(?:yo|y o)\b|\d+yo\b|\d+\s*(?:рок\w*|річн\w*|год\w*|лет|місяц\w*|месяц\w*|ya[şs]\w*|ayl[ıi]q)|дит\w*|діт\w*|дет\w*|сестр[её]нк\w*|братишк\w*|малюк\w*|малыш\w*|немовл\w*|младен\w*|груднич\w*|син\b|сина|синок\w*|сын\w*|"
    r"(?:маленьк\w*|молодш\w*|младш\w*|менш\w*|меньш\w*)\s+(?:брат\w*|сестр\w*)|доньк\w*|донечк\w*|дочк\w*|доч\w*|реб[её]н\w*|ребенк\w*|сестричк\w*|братик\w*|дівчинк\w*|девочк\w*|хлопчик\w*|мальчик\w*|"
    r"child\w*|kid\w*|baby|babies|toddler\w*|son\b|daughter\w*|little (?:brother|sister)|"
    r"uşa[qğ]\w*|usa[qg]\w*|k[öo]rp[əe]\w*|o[ğg]lum\w*|q[ıi]z[ıi]m\w*|balaca\w*)"
)


def _rules() -> list[_Rule]:
    R: list[_Rule] = []

    def add(name: str, pattern: str, weight: float, category: str, hyperbole: bool = False, also: str | None = None) -> None:
        regex = _r(pattern)
        R.append(_Rule(name, regex, weight, category, hyperbole, _r(also) if also else None, required_grams(regex)))

    # ------------------------------------------------------------ suicide / self-harm
    add("suicide_word", r"\b(?:самогуб\w*|самоуб\w*|су[иії]цид\w*|suicid\w*|samou?b\w*|samohub\w*|samogub\w*|s[uy][iy][ct]s?[iy]d\w*|intihar\w*|inti̇har\w*)", 0.95, SUICIDE)
    add("end_with_self", r"\b(?:покінч\w*|покінчу|покінчити|покончит\w*|покончу|поконч\w*|pokon?ch\w*|pokinch\w*)\s+(?:з|із|с|z|s)\s+(?:собою|собой|життям|жизнью|sob\w*|zhytt\w*|zhizn\w*)", 0.97, SUICIDE)
    add("hands_on_self", r"\bна(?:класти|кладу|клала|клав|ложить|ложити|ложу|ложила|ложил)\s+на\s+себ[еяі]\s+руки", 0.95, SUICIDE)
    add("kill_self_uk", r"\b(?:вб'?\w+|убь\w+|уби\w+|ub'?y\w*|ubit\w*|vb'?y\w*)\s+(?:себе|себя|seb[ey]a?|sebe)\b", 0.95, SUICIDE)
    add("self_kill_uk", r"\b(?:себе|себя|sebe|sebya)\s+(?:вб'?\w+|убь\w+|уби\w+|ub\w+|vb\w+)", 0.95, SUICIDE)
    # "не хочу більше жити" is a crisis; "не хочу жити в цьому гуртожитку" (a place, a person to live
    # with) is not: a place or company right after the verb ends the match (same in en and az).
    add("no_want_live", r"\b(?:не|ne)\s*(?:х[оа]чу|хочеться|хочется|хо[тч]\w*|k?h[oa]chu|khochetsya|hochetsya|xochu|хотіла?|хотела?)\s+(?:(?:більше|больше|вже|уже|вообще|взагалі|bilshe|bolshe|uzhe|vzhe)\s+)*(?:жи(?:ти|ть|т)|zh[iy]t[iy]?|zhyty|зачем жить)\b(?!\s+(?:в|у|на|з|с|із|зі|со|за|біля|возле|около|під|под|тут|там|здесь|разом|вместе|поруч|рядом|одна|один|сама|сам|v|u|na|z|s|za|tut|tam|zdes)\b)", 0.95, SUICIDE)
    add("live_no_want", r"\b(?:жи(?:ти|ть)|zh[iy]t[iy]?)\s+(?:(?:більше|больше|вже|уже)\s+)?(?:не|ne)\s+(?:хочу|хочеться|хочется|k?hochu)", 0.95, SUICIDE)
    add("no_want_wake", r"\b(?:не|ne)\s+(?:хочу|хочеться|хочется|k?hochu)\s+(?:(?:більше|больше)\s+)?(?:прокидат\w*|просыпат\w*|прокинут\w*|проснут\w*)", 0.8, SUICIDE)
    add("sleep_no_wake", r"\b(?:заснути|заснуть|уснуть|уснути|засну|усну|лягти спати|лечь спать)\s+(?:\w+\s+)?(?:і|и|та)\s+(?:(?:більше|больше|ніколи|никогда|вже|уже)\s+)*(?:не)\s+(?:прокинут\w*|проснут\w*|прокидат\w*|просыпат\w*)|\b(?:заснути|заснуть|уснуть|уснути|засну|усну)\s+(?:назавжди|навсегда|навіки|навеки|навечно)", 0.85, SUICIDE)
    add("want_die", r"(?<!не )(?<!ne )\b(?:х[оа]чу|х[оа]ч[еі]ться|х[оа]четс[яь]|хотіла?\s+б|хотела?\s+бы|хотілось\s+би?|хотелось\s+бы|k?h[oa]chu|xochu)\s+(?:(?:просто|вже|уже|скоріше|скорее|поскорее|just)\s+)?(?:вм[еи]рт\w*|пом[еи]рт\w*|ум[еи]р[еи]т\w*|умерт\w*|помереть|сдохн\w*|здохн\w*|умер\w*|um[ie]ret\w*|pom[ie]rty|vm[ie]rty|umerty|s?dohnu\w*|zdohnu\w*|зникнути назавжди|исчезнуть навсегда|не існувати|не существовать)", 0.93, SUICIDE, hyperbole=True)
    add("better_dead_uk", r"\b(?:краще|лучше)\s+(?:б|бы)\s+(?:я\s+)?(?:помер\w*|вмер\w*|умер\w*|здох\w*|сдох\w*|не народ\w*|не родил\w*|не жил\w*|не жив\w*)", 0.85, SUICIDE)
    add("better_without_me", r"\b(?:буде|будет|стане|станет|було\s+б|было\s+бы|bude|budet|stane|stanet)\s+(?:\w+\s+)?(?:краще|лучше|легше|легче|спокійніше|спокойнее|krashche|krashe|luchshe|legshe|lehshe|legche)\s+(?:без|bez)\s+(?:мене|меня|mene|menya)\b|\bбез\s+(?:мене|меня)\s+(?:\w+\s+){0,2}(?:буде|будет|стане|станет|було\s+б|было\s+бы)\s+(?:\w+\s+)?(?:краще|лучше|легше|легче|спокійніше|спокойнее)\b|\b(?:краще|лучше|легше|легче|спокійніше|спокойнее)\s+(?:\w+\s+)?(?:буде|будет|стане|станет)\s+(?:\w+\s+)?(?:без|bez)\s+(?:мене|меня|mene|menya)\b", 0.9, SUICIDE)
    add("no_sense_live", r"\b(?:сенсу|смысла|сенс|смысл)\s+(?:\w+\s+)?(?:жи(?:ти|ть)|життя|жизни)|\b(?:життя|жизнь)\s+(?:не\s+має|не\s+имеет|втратило|потеряла)\s+(?:\w+\s+)?(?:сенс\w*|смысл\w*)", 0.8, SUICIDE)
    add("cut_veins", r"\b(?:ріж\w*|реж\w*|різал\w*|резал\w*|поріз\w*|порез\w*|вскр\w*|розріз\w*|різати|резать|порізати|порезать|rizh\w*|rezh\w*|rizal\w*|rezal\w*|porez\w*)\s+(?:\w+\s+){0,2}(?:вени|вены|руки|себе|себя|зап'ястя|запяст\w*|ven[iy]|ruk[iy]|sebe|sebya)\b", 0.9, SUICIDE)
    add("self_harm_word", r"\b(?:самоушкодж\w*|самопошкодж\w*|селфхарм\w*|самоповрежд\w*|self[ -]?harm\w*|selfharm\w*)", 0.9, SUICIDE)
    # Swallowing pills is an overdose with "на-" (наковталась: a lot of) or an amount; poison
    # always. "Я випила таблетки від тиску" / "мама выпила лекарство и легла спать" are not.
    pill_words = r"(?:таблет\w*|пігулк\w*|ліки|ліків|лекарств\w*|снодійн\w*|снотворн\w*|tablet\w*)"
    swallow = r"(?:проглот\w*|проковт\w*|вип'?ю|выпью|випити|выпить|з'?їм|съем|з'?їсти|съесть|випила|выпила|випив|выпил|ковтн\w*|глотн\w*)"
    # swallowed (not "took"), or a child ate them: "брат ковтнув таблетки мами"
    swallowed = r"(?:ковтнув\w*|ковтнул\w*|проковтнув\w*|проковтнул\w*|проглотил\w*|проглотив\w*|глотнул\w*|з'?їв|з'?їла|съел|съела)"
    amount = r"(?:всі|все|усі|всю|цілу|целую|пачк\w*|упаковк\w*|баночк\w*|\d{2,}|багато|много|купу|кучу|жменю|горсть|пригорщ\w*)"
    add("pills_all", rf"\b(?:наковт\w*|наглот\w*|напит\w*)\s+(?:\w+\s+){{0,3}}(?:{pill_words}|отрут\w*|отрав\w*)|\b{swallow}\s+(?:\w+\s+){{0,3}}(?:отрут\w*|отрав\w*)|\b{swallow}\s+(?:\w+\s+){{0,2}}{amount}\s+(?:\w+\s+){{0,2}}{pill_words}|\b{swallowed}\s+(?:\w+\s+){{0,3}}{pill_words}", 0.85, SUICIDE)
    add("poison_self", r"\b(?:отруїт\w*|отравит\w*|отравлюсь|отруюсь)\b", 0.85, SUICIDE)
    add("jump_from", r"\b(?:стриб\w*|скоч\w*|зістриб\w*|вистриб\w*|прыг\w*|спрыг\w*|выпрыг\w*|кинус\w*|кинут\w*|брош\w*|бросит\w*|шагн\w*|кроку)\s+(?:\w+\s+){0,2}(?:з|із|с|под|під|из|вниз з)\s+(?:\w+\s+)?(?:даху|мосту|вікна|крыши|моста|окна|балкон\w*|поверх\w*|этаж\w*|висот\w*|высот\w*|поїзд|поезд|потяг|машин\w*|скелі|скалы)", 0.9, SUICIDE)
    add("under_train", r"\b(?:під|под)\s+(?:поїзд|поезд|потяг|машину|електричку|электричку)", 0.8, SUICIDE)
    add("hang_self", r"\b(?:повіситис[яь]|повішус\w*|повісил\w*|повісив\w*|повеситься|повешус\w*|повесил\w*|вішатис[яь]|вешаться|петл\w*\s+на\s+ш\w+)", 0.9, SUICIDE)
    add("death_thoughts", r"\b(?:думк\w*|думаю|думает\w*|мысл\w*|думки)\s+(?:\w+\s+)?(?:про|о|об)\s+(?:смерть|смерті|смерти|суїцид|суицид|самогубство)", 0.85, SUICIDE)
    add("wont_be_soon", r"\b(?:мене|меня)\s+(?:скоро|більше|больше|вже|уже)\s+не\s+(?:буде|будет)\b(?!\s+(?:вдома|дома|на|в|у))", 0.65, SUICIDE)
    add("last_message", r"\b(?:останн\w*|последн\w*)\s+(?:повідомлен\w*|сообщен\w*|день|ніч|ночь)\s+(?:\w+\s+)?(?:в|у)?\s*(?:моєму|моем|моём)?\s*(?:житт\w*|жизн\w*)", 0.85, SUICIDE)
    add("goodbye_forever", r"\b(?:прощавайте|прощайте|прощай|бувайте|goodbye|farewell)\s+(?:\w+\s+)?(?:назавжди|навсегда|forever|everyone forever)", 0.7, SUICIDE)
    # English
    add("kill_myself_en", r"\bki+l+(?:ing|ed|s)?\s+(?:my|him|her|them)\s*sel(?:f|ves)\b|\bkms\b|\bunaliv\w*|\boff(?:ing)?\s+my\s*self\b|\bsewer\s*slide\w*|\bself[ -]?delet\w*|\bdelete\s+my\s*self\b", 0.95, SUICIDE)
    add("end_life_en", r"\bend(?:ing)?\s+(?:my\s+(?:own\s+)?life|it\s+all|everything|my\s+suffering)\b|\btake\s+my\s+(?:own\s+)?life\b", 0.93, SUICIDE)
    add("want_die_en", r"(?<!n't )(?<!dont )(?<!not )(?<!never )\b(?:want|wanna|wish|going|gonna|ready)\s+(?:to\s+)?(?:just\s+)?die\b(?!\s+(?:of|from|laughing))", 0.93, SUICIDE, hyperbole=True)
    add("no_want_live_en", r"\b(?:don'?t|do not|no longer|dont even|not)\s+(?:\w+\s+)?(?:want|wanna|wish)\s+(?:to\s+)?(?:live(?!\s+(?:in|with|at|on|near|here|there|like|together|alone)\b)|be alive|exist|wake up|be here)\b", 0.93, SUICIDE)
    add("better_dead_en", r"\bbetter\s+off\s+(?:dead|without\s+me)\b|\bbetter\s+off\s+(?:if|when|once)\s+i\s*(?:was|were|wasn'?t|weren'?t|was\s+not|were\s+not|am|'?m|had\s+never|'?d|didn'?t|did\s+not)\s+(?:not\s+|never\s+|just\s+)?(?:here|around|gone|alive|exist\w*|dead|born|disappear\w*)\b|\bwish\s+i\s+(?:was|were)\s+(?:dead|never born)\b|\bwish\s+i\s+(?:had\s+)?never\s+(?:been\s+)?born\b", 0.88, SUICIDE)
    add("no_reason_live_en", r"\bno\s+(?:reason|point)\s+(?:to|in)\s+(?:liv\w*|go\w* on|being alive)\b|\bno\s+(?:reason|point)\s+(?:to|in)\s+(?:keep(?:ing)?\s+(?:going|living|on)|carry(?:ing)?\s+on|be(?:ing)?\s+here|stay(?:ing)?\s+alive|continu(?:e|ing))\b(?!\s+(?:to|with|there|back|at|the|this|my|our)\b)|\blife\s+is\s+(?:not\s+worth|pointless|meaningless)", 0.8, SUICIDE)
    add("cut_self_en", r"\bcut(?:ting|s)?\s+(?:my\s*self|myself|my\s+(?:wrists?|arms?|legs?|veins?))\b|\bslit\s+my\s+wrists?\b|\bhurt(?:ing)?\s+my\s*self\b|\bburn(?:ing)?\s+my\s*self\b", 0.9, SUICIDE)
    # Taking pills is an overdose only with an amount ("all", "a bottle of"): "grandma
    # forgets to take her pills" is an elderly-care question, not a crisis.
    add("pills_en", r"\boverdos\w*|\b(?:swallow\w*|take|took|taking|eat|ate|down|downed)\s+(?:\w+\s+){0,3}(?:all|whole|entire|bunch|lot|lots|handful|bottle|bottles|box|boxes|pack|packs|packet|packets|jar|strip|strips|many|dozen|\d{2,}|twenty|thirty|forty|fifty|hundred)\s+(?:\w+\s+){0,3}(?:pills|tablets|sleeping pills|painkillers|meds|capsules)\b|\bswallowed\s+(?:\w+\s+){0,4}(?:pills|tablets|painkillers|meds|capsules)\b", 0.85, SUICIDE)
    add("jump_translit", r"\b(?:stoit|stoyit|stoyt|stoiit|sidit|sydyt)\s+na\s+(?:dahu|dakhu|kryshi|kryshe|krishe|mostu|balkoni|balkone|kraiu|krayu)\b", 0.85, SUICIDE,
        also=r"\b(?:strybne|stribne|strybnu|prygnet|prignet|prygnu|skoche|skachet|zaraz|seichas|sejchas|sechas|proshchaie|proshchaetsia|proshchaetsya)\b")
    add("jump_en", r"\bjump(?:ing)?\s+(?:off|from|out of)\s+(?:a\s+|the\s+|my\s+)?(?:bridge|roof|building|window|balcony|cliff)|\bhang(?:ing)?\s+my\s*self\b|\bin\s+front\s+of\s+a\s+train\b", 0.9, SUICIDE)
    add("not_be_here_en", r"\b(?:not\s+be\s+(?:here|around)\s+(?:anymore|tomorrow|much longer))\b|\bdisappear\s+forever\b|\bthoughts?\s+(?:of|about)\s+(?:death|dying|suicide|killing)", 0.8, SUICIDE)
    # Azerbaijani
    add("kill_self_az", r"\b[öo]z[üu]m[üu]\s+(?:[öo]ld[üu]r\w*|as\w*|yandır\w*|yandir\w*|pəncərədən|atac\w*|at\w*)|\b[öo]z[üu]n[üu]\s+(?:\w+\s+)?(?:[öo]ld[üu]r\w*|as(?:ac|maq|ıb|ib|dı|di)\w*|yand[ıi]r\w*)", 0.93, SUICIDE)
    add("no_want_live_az", r"(?<!\wda )(?<!\wdə )(?<!\wta )(?<!\wtə )(?<!\wla )(?<!\wlə )(?<!tək )(?<!\wda daha )(?<!\wdə daha )(?<!\wta daha )(?<!\wtə daha )(?<!\wla daha )(?<!\wlə daha )(?<!daha tək )\bya[şs]a(?:maq|ma[ğg]a)\s+(?:daha\s+|artıq\s+|artiq\s+)?(?:is[dt][əe]m[iı]r\w*|h[əe]v[əe]sim yoxdur)", 0.93, SUICIDE)
    add("want_die_az", r"\b[öo]lm[əe]k\s+(?:is[dt][əeiı]y?[iıe]?r\w*|ist[əe]r\w*)|\b[öo]lm[əe]y[əe]\s+haz[ıi]ram", 0.93, SUICIDE, hyperbole=True)
    add("end_life_az", r"\bh[əe]yat[ıi]m[ae]?\s+son\s+(?:qoy\w*|ver\w*)|\bcan[ıi]ma\s+q[əe]sd", 0.95, SUICIDE)
    add("harm_self_az", r"\b[öo]z[üu]m[əe]\s+(?:z[əe]r[əe]r|x[əe]sar[əe]t|xesaret|ziyan)|\bdamar\w*\s+k[əe]s\w*|\b[əe]l\w*\s+k[əe]sir[əe]m", 0.9, SUICIDE)
    add("jump_az", r"\b(?:k[öo]rp[üu]d[əe]n|damdan|p[əe]nc[əe]r[əe]d[əe]n|binadan|eyvandan|balkondan)\s+(?:[öo]z[üu]m[üu]\s+)?(?:at\w*|tullan\w*)", 0.88, SUICIDE)
    add("pills_az", r"\b(?:d[əe]rman\w*|h[əe]b\w*)\s+(?:\w+\s+)?(?:i[çc]ib\s+[öo]l\w*|i[çc][əe]c[əe]y[əe]m|udaca[ğg]am|udub|hamısını i[çc])", 0.85, SUICIDE)
    add("better_dead_az", r"\b[öo]ls[əe]m\s+(?:daha\s+)?yax[şs][ıi]|\bm[əe]ns[iı]z\s+(?:\w+\s+){0,2}yax[şs][ıi]|\bya[şs]ama(?:[ğgq]\w*|n[ıi]n)\s+(?:he[çc]\s+bir\s+)?m[əe]nas[ıi]\s+(?:yox|qalmay)|\bm[əe]ns[iı]z\s+(?:\w+\s+){0,2}(?:daha\s+)?(?:rahat|yax[şs][ıi]|asan|xo[şs]b[əe]xt|y[üu]ng[üu]l)\s+(?:olacaqs[ıi]n[ıi]z|olacaq|ya[şs]ayacaqs[ıi]n[ıi]z)\b|\b[öo]l[üu]m\s+haqq[ıi]nda\s+d[üu][şs][üu]n", 0.85, SUICIDE)

    # --------------------------------------------------------------- violence now
    beat = (
        r"(?:б'є|бє|б'ють|бют|бьет|бьёт|бьют|б'єш|лупить|лупит|душить|душит|ріже|режет|штовхає|толкает|"
        r"гамселить|колошматить|вбиває|убивает|ґвалтує|гвалтує|насилует|напав|напала|напали|напал|"
        r"ломиться|ломится|вламывается|вибиває двері|выбивает дверь|вламується|гониться|гонится|переслідує|"
        r"hitting|beating|choking|strangling|stabbing|attacking|kicking|raping|breaking in|breaking the door|"
        r"d[öo]y[üu]r(?:l[əe]r)?\b|vurur\b|bo[ğg]ur\b|[öo]ld[üu]r[üu]r|h[üu]cum edir|qap[ıi]n[ıi] s[ıi]nd[ıi]r)"
    )
    add("beat_now", rf"\b{_NOW}\b.*{beat}|{beat}.*\b{_NOW}\b", 0.93, VIOLENCE)
    add("help_violence", rf"(?:допоможіть|помогите|рятуйте|спасите|help|help me|k[öo]m[əe]k edin|imdad)\b.*{beat}|{beat}.*\b(?:допоможіть|помогите|рятуйте|спасите|help|k[öo]m[əe]k edin|imdad)\b", 0.9, VIOLENCE)
    add("save_me", r"\b(?:рятуйте|спасите|врятуйте|помогите мне|save me|somebody help|imdad|xilas edin|məni xilas)\b", 0.75, VIOLENCE)
    add("door_breaking", r"\b(?:ломиться|ломится|ломятся|ломляться|вибиває двері|вибивають двері|выбивает дверь|выбивают дверь|вламу\w*|вдерся|вломился|breaking (?:in|into|down the door)|broke in|qap[ıi]n[ıi] s[ıi]nd[ıi]r\w*)", 0.88, VIOLENCE)
    add("hiding_from", r"\b(?:ховаюся|ховаюсь|прячусь|сховалась|сховався|спряталась|спрятался|hiding from|gizl[əe]nir[əe]m)\b.*(?:від|от|him|her|them|ondan|[əe]rimd[əe]n|чоловік\w*|мужа|батька|отца|вітчима|отчима|him)", 0.85, VIOLENCE)
    add("locked_in", r"\b(?:замкнув|замкнула|заперла?|заперли|locked me)\s+(?:мене|меня|me)\b", 0.8, VIOLENCE)
    # Locked in and kept there ("не випускають", "took my phone", "çıxa bilmirəm").
    add("kept_locked", r"\b(?:мене|меня|mene|menya)\s+(?:\w+\s+)?(?:зачинил\w*|замкнул\w*|замкнув|заперл\w*|закрыл\w*|закрил\w*|zachynyly|zaperli|zakryli)\b|\b(?:зачинил\w*|замкнул\w*|заперл\w*|закрыл\w*)\s+(?:\w+\s+)?(?:мене|меня)\b|\b(?:locked|shut|keeping)\s+me\s+(?:in|inside|up)\b|\bm[əe]ni\s+(?:\w+\s+)?(?:kilidl\w*|ba[ğg]lay\w*|qap[ıi]\w*)|\bmeni\s+(?:\w+\s+)?(?:kilidl\w*|bagla\w*)", 0.8, VIOLENCE,
        also=r"\b(?:не\s+випуска\w*|не\s+выпуска\w*|не\s+можу\s+вийти|не\s+могу\s+выйти|телефон\w*\s+(?:забрал\w*|відібрал\w*|отобрал\w*)|(?:забрал\w*|відібрал\w*|отобрал\w*)\s+(?:\w+\s+)?телефон\w*|(?:took|taken|take)\s+(?:away\s+)?my\s+phone|(?:can'?t|cannot|cant)\s+get\s+out|won'?t\s+let\s+me\s+(?:out|go|leave)|[çc][ıi]xa\s+bilmir\w*|telefonum\w*\s+al\w*|ne\s+vypuskaiut|ne\s+vypuskayut)")
    add("being_raped", r"\b(?:згвалтув\w*|зґвалтув\w*|изнасил\w*|ґвалт\w*|гвалт\w*|rap(?:e|ed|ing)\b|t[əe]cav[üu]z\w*|zorlad\w*)", 0.9, VIOLENCE)
    add("strangle", r"\b(?:душив|душил|душить|душит|душили|задушити|задушить|задушу|choked me|strangled me|bo[ğg]du|bo[ğg]maq)\b", 0.88, VIOLENCE)

    # ---------------------------------------------------------- child in danger
    severe = (
        r"(?:не дихає|не дышит|not breathing|n[əe]f[əe]s alm[ıi]r|"
        r"зник\w*|пропал\w*|загубил\w*|потерял\w*|is missing|went missing|itib|yoxa [çc][ıi]x\w*|"
        r"(?:впав|впала|випав|випала|выпал\w*|упал\w*) (?:з|из|с) (?:вікна|балкон\w*|даху|висоти|поверху|окна|крыши|высоты|этажа)|fell (?:out of|from) (?:a |the )?(?:window|balcony|roof)|"
        r"ковтнув|ковтнула|проглотил\w*|проковтну\w*|swallowed|udub|"
        r"чіпає|торка\w*|мацає|домага\w*|домога\w*|трогает|лапает|приста[её]т|розбещ\w*|растл\w*|touch(?:es|ing|ed) (?:me|her|him)|molest\w*|toxunur|sataşır|"
        r"продають|продают|selling|торгу\w*|обпік|обжег|burn(?:ed|ing|s) (?:him|her|the)|"
        r"(?:б'ють|бьют|б'є|бьет|бьёт|d[öo]y[üu]rl[əe]r|d[öo]y[üu]r)\b.*\b{now}|{now}\b.*\b(?:б'ють|бьют|б'є|бьет|бьёт|d[öo]y[üu]rl[əe]r|d[öo]y[üu]r|beating|hitting)\b)"
    ).format(now=_NOW)
    neglect = (
        r"(?:сам\w* вдома|один дома|одна дома|одні вдома|одни дома|alone at home|home alone|evd[əe] t[əe]k\w*|t[əe]k qal\w*|"
        r"замкн\w*|запер\w*|locked|голоду\w*|не год\w*|не корм\w*|starving|ac qal\w*)"
    )
    add("child_danger", rf"\b{_CHILD}\b.*\b{severe}|\b{severe}.*\b{_CHILD}", 0.9, CHILD)
    add("child_beaten", rf"\b(?:б'ють|бьют|б'є|бьет|бьёт|d[öo]y[üu]rl[əe]r|beat(?:ing)?|hit(?:ting)?|abus\w*)\s+(?:\w+\s+)?{_CHILD}", 0.8, CHILD)
    add("child_neglect", rf"\b{_CHILD}\b.*\b{neglect}|\b{neglect}.*\b{_CHILD}", 0.6, CHILD)
    add("abuse_me", r"\b(?:вітчим|отчим|дядько|дядя|тренер|вчитель|учитель|сусід|сосед|брат|тато|папа|батько|отец|stepdad|stepfather|uncle|coach|teacher|ögey ata|[əe]mi|day[ıi]|m[üu][əe]llim)\w*\s+(?:\w+\s+){0,3}(?:чіпає|торка\w*|мацає|домага\w*|трогает|лапает|приста[её]т|домогает\w*|touch(?:es|ing|ed)|molest\w*|toxunur|sata[şs][ıi]r)", 0.9, CHILD)
    add("touches_me", r"\b(?:чіпає мене|торкається мене|мацає мене|трогает меня|лапает меня|пристает ко мне|пристаёт ко мне|touches me|touching me|mən[əe] toxunur|mənə sataşır)\b", 0.85, CHILD)
    add("child_scared_home", r"\b(?:боюся|боюсь|страшно|scared|afraid|qorxuram)\s+(?:\w+\s+){0,2}(?:йти додому|идти домой|go home|ev[əe] getm[əe]y[əe])", 0.7, CHILD)

    # --------------------------------------------------------- threat to life
    add("will_kill_me", r"\b(?:вб'?є|убь[её]т|уб'?ет|vb'?ye|ub'?yet|заріже|зарежет|застрелить|застрелит|задушить|задушит|прирізже|прирежет)\s+(?:мене|меня|нас|дітей|детей|mene|menya)\b|\b(?:мене|меня|нас|mene|menya)\s+(?:\w+\s+)?(?:вб'?ють|вб'?є|убь[её]т|убьют|vb'?yut|ub'?yut|заріже|зарежет|застрелить|застрелит|задушить|задушит|прирежет)\b", 0.93, THREAT, hyperbole=True)
    add("threaten_kill", r"\b(?:погрож\w*|угрожа\w*|обіця\w*|обеща\w*|каже|сказав|говорит|сказал|threaten\w*|said he\s*(?:will|would|'ll))\s+(?:\w+\s+){0,3}(?:вбити|убить|вб'?є|убь[её]т|зарізати|зарезать|застрелити|застрелить|kill)", 0.93, THREAT)
    add("kill_me_en", r"\b(?:going to|gonna|will|'ll|is trying to|tried to|wants to|want to)\s+(?:kill|stab|shoot|strangle|murder)\s+(?:me|us|my|the kids|her|him)\b|\bkill(?:s|ing)?\s+(?:me|us)\b", 0.9, THREAT, hyperbole=True)
    add("kill_az", r"\b(?:m[əe]ni|bizi|u[şs]aqlar[ıi])\s+(?:\w+\s+)?[öo]ld[üu]r[əe]c[əe]k\w*|\b[öo]ld[üu]rm[əe]kl[əe]\s+h[əe]d[əe]l\w*|\b[öo]ld[üu]r[əe]c[əe]y[əe]m", 0.93, THREAT, hyperbole=True)
    add("i_will_kill", r"\b(?:я\s+)?(?:(?:його|її|их|його|его|ее|её|їх|тебе|тебя|всіх|всех)\s+(?:вб'?ю|убью|зарежу|заріжу|застрелю)|(?:вб'?ю|убью|зарежу|заріжу|застрелю)\s+(?:його|її|его|ее|её|їх|их|тебе|тебя|всіх|всех|\w+))\b|\bi(?:'ll| will| am going to| m going to| m gonna| gonna)\s+kill\s+(?:him|her|them|you|someone|everyone|my \w+)\b", 0.75, THREAT, hyperbole=True)
    add("weapon", r"\b(?:з ножем|с ножом|ніж до|нож к|погрож\w* ножем|угрожа\w* ножом|кида\w* з ножем|пістолет\w*|пистолет\w*|рушниц\w*|ружь\w*|обріз|обрез|гранат\w*|with a knife|a gun|his gun|knife to|(?:has|got|holding|pulled|with) (?:a|his|the) (?:knife|gun|rifle|axe)|[əe]lind[əe] b[ıi][çc]aq|b[ıi][çc]aqla h[əe]d[əe]l\w*|b[ıi][çc]aq [çc][əe]k\w*|silah\w*|tapan[çc]a\w*)", 0.85, THREAT)
    add("not_breathing", r"\b(?:не дихає|не дышит|перестав дихати|перестал дышать|not breathing|stopped breathing|n[əe]f[əe]s alm[ıi]r|без свідомості|без сознания|непритомн\w*|unconscious|hu[şs]unu itir\w*|передоз\w*|overdos\w*)", 0.9, THREAT)
    add("bleeding", r"\b(?:сильна кровотеча|кровотеча|кровотечение|кров не зупиняється|кровь не останавливается|багато крові|много крови|bleeding (?:a lot|badly|heavily)|qan ax[ıi]r|[çc]ox qan)", 0.88, THREAT)
    add("fire_rubble", r"\b(?:пожежа|пожар|горить будинок|горит дом|під завалами|под завалами|завалило|house is on fire|on fire|trapped under|yan[ğg][ıi]n|ev yan[ıi]r|da[ğg][ıi]nt[ıi] alt[ıi]nda)\b", 0.85, THREAT)
    add("someone_dying", r"\b(?:помирає|вмирає|умирает|is dying)\b", 0.6, THREAT, hyperbole=True)
    add("emergency_medical", r"\b(?:інфаркт|инфаркт|інсульт зараз|инсульт сейчас|heart attack|seizure|судом\w*|приступ|epilepsi\w*|qıcolma|infarkt)\b", 0.55, THREAT)
    # ------------------------------------------- added after an independent check
    # Indirect suicidal talk, slang and plans, in every language ------------------
    add("slang_ru_uk", r"\b(?:роскомнадзорн\w*(?:ся|сь)|роскомнадзорит\w*(?:ся|сь)|ркнуться|ркнусь|выпилит\w*(?:ся|сь)|выпилиться|выпилюсь|выпилил\w*(?:ся|сь)|самовыпил\w*|(?:хочу|хочется|думаю)\s+вскрыться|вскроюсь|(?:убиться|убьюсь|вбитися|вбитись|убитись|вб'?юся|вб'?юсь|ubit'?sya|ub'?yus'?|vbytysya|vbytys)(?!\s+(?:можн\w*|об|ап|на)\b)|(?:уйти|уйду|піти|піду|пiти)\s+(?:из|з|із)\s+(?:жизни|життя)|(?:свести|свожу|звести|зведу)\s+(?:сч[её]ты|рахунки)\s+(?:с|з)\s+(?:жизнью|життям))", 0.9, SUICIDE)
    add("out_window", r"\b(?:вийти|вийду|выйти|выйду|шагнуть|шагну|ступити|ступлю)\s+(?:у|в|з|із|из)\s+(?:вікно|окно|вікна|окна)\b", 0.85, SUICIDE)
    add("burden", r"\b(?:скоро|більше|больше|вже|уже|незабаром|ніколи|никогда|skoro|bilshe|bolshe)\s+(?:\w+\s+){0,2}(?:нікому|никому|nikomu)\s+(?:\w+\s+){0,2}(?:заважат\w*|мешат\w*|мішат\w*|тягарем|обузой|проблемою|проблемой|zavazhat\w*|meshat\w*|mishat\w*)|\b(?:більше|больше|вже|уже|скоро|bilshe|bolshe)\s+(?:\w+\s+){0,2}(?:нікого|никого|nikogo|nikoho)\s+(?:\w+\s+){0,2}(?:турбуват\w*|потурбую|беспокоит\w*|побеспокою|тривожит\w*|тревожит\w*|обтяжуват\w*|обременят\w*|turbuvat\w*|bespokoit\w*)|\bhe[çc]\s+kim[iə]\s+(?:daha\s+|art[ıi]q\s+)?(?:narahat|incid|yor|[əe]ziyy[əe]t)\w*\s+(?:etm[əe]y[əe]c[əe][ğkym]\w*|etmeyece\w*|verm[əe]y[əe]c[əe][ğkym]\w*|vermeyece\w*)|\bi\s+(?:won'?t|wont|will\s+not|will\s+never)\s+(?:bother|trouble|burden|annoy|disturb)\s+(?:anyone|anybody|everyone|everybody)\b|\b(?:нікому|никому|nikomu)\s+(?:більше|больше|вже|уже)\s+(?:\w+\s+){0,2}(?:заважати|мешать|тягарем|обузой)|\b(?:нікому|никому)\s+(?:\w+\s+){0,2}(?:тягарем|обузой)\b|\b(?:тягар\w*|обуз\w*)\s+(?:\w+\s+)?(?:для\s+)?(?:всіх|всех|всім|всем|сім'ї|семьи|родини|рідних|родных)\b|\bi'?m\s+(?:just\s+|only\s+)?a\s+burden\b|\bi\s+(?:won'?t|will not|wont)\s+be\s+(?:a\s+|your\s+|anyone'?s\s+)?(?:problem|burden|bother|trouble)\b|\bi\s+(?:won'?t|will not|wont)\s+be\s+(?:around|here|alive)\s+(?:\w+\s+)?(?:much\s+)?(?:longer|anymore|any more|for long)\b|\bsoon\s+i\s+(?:won'?t|will not|wont)\s+be\s+(?:around|here|alive|a\s+problem|a\s+burden)\b|\b(?:tezlikl[əe]|art[ıi]q|daha)\s+(?:m[əe]n\s+)?(?:he[çc]\s+kim[əe]\s+(?:\w+\s+)?(?:mane|y[üu]k|problem|narahat\w*)\s+)?(?:olmayaca[ğg]am|olmayacam)\b", 0.75, SUICIDE)
    add("soon_gone", r"\b(?:скоро|незабаром|вже скоро|уже скоро|скоро вже|скоро уже|skoro)\s+(?:\w+\s+)?(?:мене|меня|mene|menya)\s+(?:вже\s+|уже\s+)?не\s+(?:буде|будет|стане|станет)\b(?!\s+(?:вдома|дома|на|в|у|тут|здесь|онлайн|online))|\b(?:мене|меня)\s+(?:скоро\s+)?не\s+(?:стане|станет)\b", 0.7, SUICIDE)
    gone = r"(?:(?:if|when|once)\s+i\s*(?:'?m|am|was|were|'?d|had|ll|'ll|will)?\s*(?:be\s+)?(?:gone|dead|die|died|disappear\w*|not here|not around|kill\w* myself)|(?:якщо|если|коли|когда|esli|yakshcho)\s+(?:мене|меня|я|ya|mene|menya)\s+(?:не\s+стане|не\s+станет|помру|умру|вмру|зникну|исчезну|ne\s+stanet|umru)|(?:[öo]ls[əe]m|yox\s+olsam|olmasam))"
    add("nobody_notice", rf"\b(?:nobody|no one|noone|ніхто|никто|nikto|nihto|he[çc]\s+kim)\b.*{gone}|{gone}.*\b(?:nobody|no one|noone|ніхто|никто|nikto|he[çc]\s+kim)\b", 0.75, SUICIDE)
    add("why_live", r"\b(?:навіщо|нащо|зачем|для чого|для чего|ради чего|заради чого|navishcho|nashcho|zachem)\s+(?:мені\s+|мне\s+|mne\s+)?(?:далі\s+|дальше\s+|вообще\s+|взагалі\s+)?(?:жи(?:ти|ть)|zh[iy]t[iy]?|zhyty)\b(?!\s+(?:в|у|на|з|с|із|без|за|під|под|біля|около|окремо|отдельно|разом|вместе|тут|там|v|u|na)\b)|\b(?:незачем|нема\w* для чого|нема\w* заради чого|нема\w* для кого|не для кого|нет ради чего|нет для чего|nothing\s+(?:left\s+)?to\s+live\s+for|no\s*one\s+to\s+live\s+for|nobody\s+to\s+live\s+for)\b", 0.8, SUICIDE)
    add("disappear", r"\b(?:хочу|х[оа]чу|want to|wanna)\s+(?:просто\s+|just\s+)?(?:зникнути|исчезнуть|disappear)\s+(?:назавжди|навсегда|forever|for good|зі світу|с лица земли|from this world)|\b(?:хочу|want to|wanna)\s+(?:просто\s+|just\s+)?(?:зникнути|исчезнуть|disappear)\s*$|\byox\s+olmaq\s+(?:ist\w*|isd\w*)|\b(?:h[əe]mi[şs][əe]lik|bird[əe]f[əe]lik)\s+yox\s+olmaq", 0.7, SUICIDE)
    add("no_wake_az_en", r"(?<!tezd[əe]n )\boyanmaq\s+(?:ist[əe]mir\w*|isd[əe]mir\w*)|\boyanmama[qğ]\w*\s+(?:ist\w*|isd\w*)|\bbir\s+daha\s+oyanma\w*|\bnever\s+wake\s+up\b|\bsleep\s+and\s+(?:just\s+)?not\s+wake\s+up\b|\b(?:not|don'?t)\s+wake\s+up\s+(?:again|ever)\b|\b(?:want|wanna|wish\s+i\s+could|just\s+want)\s+(?:to\s+)?(?:just\s+)?(?:sleep|fall\s+asleep|go\s+to\s+sleep)\s+(?:forever|for\s+ever|and\s+never\s+wake)\b(?!\s+(?:on|at|this|after|during|till|until|lol|haha|lmao)\b)|\b(?:[əe]b[əe]di|h[əe]mi[şs][əe]lik)\s+yatmaq\s+(?:ist\w*|isd\w*)", 0.8, SUICIDE)
    pills = r"(?:таблет\w*|пігул\w*|ліки|ліків|лекарств\w*|снодійн\w*|снотворн\w*|pills|meds|tablets|d[əe]rman\w*|h[əe]b\w*)"
    add("pills_ready", rf"\b(?:приготув\w*|підготув\w*|назбира\w*|накопич\w*|зібрал\w*|приготов\w*|подготов\w*|накопил\w*|насобира\w*|собрал\w*|запасл\w*|stockpil\w*|saved up|hoard\w*)\s+(?:\w+\s+){{0,2}}{pills}\b(?!\s+(?:для|for|у|в|at|in|to|from|с|з)\b)|\b{pills}\s+(?:\w+\s+){{0,2}}(?:вже\s+|уже\s+|all\s+)?(?:готові|готовы|ready|haz[ıi]rla\w*|haz[ıi]rd[ıi]r|y[ıi][ğg]m[ıi][şs]am|toplam[ıi][şs]am)\b(?!\s+(?:для|for|у|в|at|in|to|from|с|з|üçün|ucun)\b)", 0.8, SUICIDE)
    add("pills_all_az", r"\b(?:b[üu]t[üu]n|hamıs[ıi]n[ıi]|hamisini|[çc]oxlu|bir\s+qutu)\s+(?:\w+\s+)?(?:d[əe]rman\w*|h[əe]b\w*)\s+(?:\w+\s+)?(?:i[çc]\w*|ud\w*)|\b(?:d[əe]rman\w*|h[əe]b\w*)\s+(?:hamıs[ıi]n[ıi]|hamisini)\s+(?:i[çc]\w*|ud\w*)", 0.85, SUICIDE)
    add("rope", r"\b(?:купи\w*|куплю|приготув\w*|приготов\w*|є|есть|маю|bought|got|have|buy)\s+(?:\w+\s+)?(?:мотузк\w*|в[еє]р[её]вк\w*|(?:a\s+|the\s+)?rope|(?:a\s+|the\s+)?noose|петл\w*)\b(?!\s+(?:для|for|на|to|в|у|з|с)\b)|\bnoose\b|\b(?:k[əe]ndir|ilg[əe]k)\w*\s+(?:al\w*|haz[ıi]rla\w*)", 0.65, SUICIDE)
    add("farewell", r"\b(?:прощальн\w*|передсмертн\w*|предсмертн\w*)\s+(?:\w+\s+)?(?:лист\w*|записк\w*|письм\w*|повідомлен\w*|сообщен\w*|пост\w*|відео|видео|стор[іи]с\w*|допис\w*|смс|sms|голосов\w*)|\b(?:posted|wrote|sent|texted|messaged|shared|uploaded|recorded)\s+(?:\w+\s+){0,2}(?:goodbye|farewell)\b(?!\s+(?:party|gift|card|lunch|dinner|speech|cake|present|song)\b)|\b(?:goodbye|farewell|suicide)\s+(?:letter|note|message|video)s?\b|\b(?:vida|[əe]lvida|elvida|vidala[şs]ma)\s+(?:m[əe]kt[uv]b|post|mesaj|video|yaz[ıi]s)\w*|\b(?:прощавайте|прощайте|прощай)\s+(?:всі|все|усі|мир|світе|світ|мама|мамо)\b|\b(?:ham[ıi]ya|hamiya|h[əe]r\s+k[əe]s[əe])\s+(?:[əe]lvida|elvida)|\b(?:goodbye|bye)\s+(?:everyone|everybody|world|cruel world)\b|\bthis\s+is\s+(?:my\s+)?goodbye\b|\b(?:[əe]lvida|elvida|прощавайте|прощайте|goodbye|farewell)\b.*\b(?:останн\w*|последн\w*|son\s+mesaj\w*|son\s+m[əe]kt[uv]b\w*|last\s+(?:message|time|letter))", 0.75, SUICIDE)
    # self-harm in other word orders
    add("burn_self", r"\b(?:прижига\w*|прижеч\w*|припіка\w*|припекл\w*|обпіка\w*|обпекл\w*|обжига\w*|пропалю\w*|прожига\w*)\s+(?:\w+\s+){0,2}(?:себе|себя|собі|руку|руки|шкіру|кожу|ногу|ноги)\b", 0.85, SUICIDE)
    add("self_harm_order", r"\b(?:себе|себя|sebe|sebya)\s+(?:\w+\s+)?(?:ріж\w*|реж\w*|поріз\w*|порез\w*|калічу|калечу|калічи\w*|калечи\w*|б'ю|бью|rizhu|rezhu)|\b(?:калічу|калечу|шкоджу|покалічу|покалечу)\s+(?:себе|себя|собі)|\b(?:завда\w*|заподі\w*|причиня\w*|причини\w*|нанош\w*|наношу)\s+(?:\w+\s+)?(?:собі|себе|sobi|sebe)\s+(?:\w+\s+)?(?:біль|болю|боль|боли|шкод\w*|вред\w*|ушкоджен\w*|поврежден\w*|травм\w*|поріз\w*|порез\w*)|\bharm(?:ing)?\s+my\s*self\b|\bself[ -]?injur\w*|\b(?:qol\w*|bil[əe]y\w*|bil[əe]k\w*|[əe]ll[əe]rim\w*|ayaqlar[ıi]m\w*|[öo]z[üu]m[üu])\s+(?:\w+\s+)?k[əe]s(?:ir|m[əe]k|dim|ec[əe]|m[əe]y[əe]|ib)\w*|\b[öo]z[üu]m[əe]\s+a[ğg]r[ıi]\s+ver\w*|\b(?:б'?ю|бью|луплю)\s+(?:сам\w*\s+)?(?:себе|себя)\b(?!\s+(?:в\s+груд\w*|у\s+груд\w*|кулаком\s+в\s+грудь))", 0.85, SUICIDE)
    # at a high place and about to jump, in any word order
    high = r"(?:мост\w*|міст|дах\w*|крыш\w*|вікн\w*|вікон\w*|окн\w*|окон\w*|підвіконн\w*|подоконник\w*|балкон\w*|поверх\w*|этаж\w*|скел\w*|скал\w*|обрив\w*|обрыв\w*|bridge|roof\w*|ledge|edge|window\w*|balcony|cliff|rooftop|k[öo]rp[üu]\w*|dam(?:da|dan|[ıi]n|a)|p[əe]nc[əe]r[əe]\w*|eyvan\w*|balkon\w*|m[əe]rt[əe]b[əe]\w*|u[çc]urum\w*)"
    jump = r"(?:стрибн\w*|стрибати|скочу|скочити|зістрибн\w*|вистрибн\w*|прыгн\w*|прыгать|спрыгн\w*|выпрыгн\w*|сигану\w*|jump|jumping|tullan(?:aca|acam|maq|s[ıi]n|ır[ıi]q)\w*|at[ıi]la(?:ca|cam|caq)\w*|at[ıi]lmaq)"
    add("high_jump", rf"\b{high}\b.*\b{jump}\b|\b{jump}\b.*\b{high}\b", 0.85, SUICIDE)
    add("on_the_edge", r"\b(?:стою|сиджу|сижу|я(?:\s+зараз|\s+сейчас)?)\s+на\s+(?:краю\s+)?(?:даху|крыше|мосту|краю|підвіконні|подоконнике|карнизі|карнизе)\b|\b(?:i'?m|im|i\s+am)\s+(?:standing\s+|sitting\s+|now\s+)?on\s+(?:the\s+|a\s+)?(?:roof|rooftop|ledge|edge of|bridge|window ?sill)\b|\b(?:damday|damdey|k[öo]rp[üu]d[əe]y|p[əe]nc[əe]r[əe]nin\s+k[əe]nar[ıi]nday)[əae]m\b", 0.6, SUICIDE)
    add("going_to_jump_en", r"\b(?:going to|gonna|about to|will|'ll|threaten\w* to|wants? to|ready to)\s+jump\b(?!\s+(?:in|into|on|onto|rope|over|the|a|start|around|for|at|ship|through|up|higher|to|out of bed|back)\b)", 0.75, SUICIDE)

    # Ongoing violence against me / my family (present tense, no "now" needed) ----
    obj_ukru = r"(?:мене|меня|нас|mene|menya|nas|маму|мамку|мать|матір|мамусю|сестру|сестричку|брата|братика|дитину|ребенка|дітей|детей|бабусю|бабушку|дружину|жену|mamu)"
    beat_ukru = r"(?:б'?є|б'?ють|бьет|бьют|избива\w*|збива\w*|лупит\w*|лупц\w*|колошматит\w*|гамселит\w*|душит\w*|душать|душат|ґвалту\w*|гвалту\w*|насилу\w*|b'?y?et|b'?yut|b'?jut|b'?ye|bye)"
    add("beats_person", rf"\b{beat_ukru}\s+(?:\w+\s+){{0,2}}{obj_ukru}\b(?!\s+(?:\w+\s+)?(?:струм\w*|током|ток|дрож\w*|озноб\w*|лихоман\w*|мандраж\w*|тремт\w*|кашел\w*|кашл\w*)|\s+(?:\w+\s+)?(?:в|у)\s+(?:гр[іиу]|игр\w*|фіф\w*|фиф\w*|шахмат\w*|шахи|карт\w*|футбол\w*|теніс\w*|теннис\w*|доту|кс|cs|fifa|майнкрафт\w*))|\b{obj_ukru}\s+(?:\w+\s+){{0,2}}{beat_ukru}\b(?!\s+(?:\w+\s+)?(?:струм\w*|током|ток|дрож\w*|озноб\w*|лихоман\w*|мандраж\w*|тремт\w*|кашел\w*|кашл\w*)|\s+(?:\w+\s+)?(?:в|у)\s+(?:гр[іиу]|игр\w*|фіф\w*|фиф\w*|шахмат\w*|шахи|карт\w*|футбол\w*|теніс\w*|теннис\w*|доту|кс|cs|fifa|майнкрафт\w*))", 0.88, VIOLENCE)
    who_en = r"(?:he|she|they|dad|daddy|father|stepdad|stepfather|mom|mum|mommy|mother|stepmom|stepmother|husband|boyfriend|bf|wife|partner|ex|brother|sister|uncle|aunt|parents?|someone|somebody|man|guy|teacher|coach|grandpa|granddad|grandma|neighbou?r)"
    add("beats_person_en", rf"\b{who_en}\s+(?:\w+\s+){{0,4}}(?:hit(?:s|ting)|beat(?:s|ing)|punch(?:es|ing)|kick(?:s|ing)|chok(?:es|ing)|strangl(?:es|ing)|slap(?:s|ping)|abus(?:es|ing)|rap(?:es|ing))\s+(?:me|us|my\s+\w+|mom|mum|mommy)\b(?!\s+(?:at|in|to|up|with the)\b)|\b(?:i'?m|i\s+am|i\s+get|i\s+keep\s+getting|im)\s+(?:being\s+|getting\s+)?(?:(?:beaten|abused|molested)\s+(?:at home|every day|everyday|by)|hit\s+(?:at home|every day|everyday))\b", 0.88, VIOLENCE)
    add("beats_person_az", r"\b(?:m[əe]ni|bizi|ham[ıi]n[ıi]|ham[ıi]m[ıi]z[ıi]|anam[ıi]|anami|bac[ıi]m[ıi]|qarda[şs][ıi]m[ıi]|u[şs]a[ğg][ıi]n[ıi]|usagini|u[şs]a[ğg][ıi]|u[şs]aqlar[ıi]|k[öo]rp[əe]ni)\s+(?:\w+\s+){0,2}(?:d[öo]y[üu]r(?:l[əe]r)?|vurur(?:lar)?|bo[ğg]ur(?:lar)?)\b|\b(?:d[öo]y[üu]r(?:l[əe]r)?|vurur(?:lar)?)\s+m[əe]ni\b|\bd[öo]y[üu]l[üu]r[əe]m\b", 0.88, VIOLENCE)
    # (a question about the legal age to leave a child alone is not a child left alone)
    age_question = r"^(?!.*\b(?:at\s+what\s+age|what\s+age|how\s+old\s+(?:does|do|should|must)|from\s+what\s+age|з\s+якого\s+віку|(?:с|со)\s+какого\s+возраста|ne[çc][əe]\s+ya[şs][ıi]ndan|nece\s+yasindan)\b)"
    # Someone's child screaming and blows heard through the wall
    # (each: the rare cue is the rule, the costly child/alone co-occurrence its "also")
    add("child_screams_hit", r"\b(?:удар\w*|б'ють|бьют|б'є|бьет|бьёт|луплять|лупят|hitting|being\s+(?:hit|beaten)|beating|blows|thuds?|z[əe]rb[əe]\w*|d[öo]y[üu]l\w*|doyul\w*)\b", 0.75, CHILD,
        also=rf"\b{_CHILD}\b.*\b(?:кричить|кричит|кричал\w*|орет|орёт|верещит|screaming|screams|crying\s+out|q[ıi][şs]q[ıi]r\w*|qisqir\w*)\b|\b(?:кричить|кричит|орет|орёт|screaming|q[ıi][şs]q[ıi]r\w*|qisqir\w*)\b.*\b{_CHILD}\b")
    # A child alone for a long time, nobody there ("уже другий день", "since yesterday")
    add("child_alone_long", r"\b(?:другий\s+день|второй\s+день|(?:з|с|со)\s+(?:учора|вчера|вчерашнего)|since\s+(?:yesterday|last\s+night)|for\s+(?:two|2|three|3)\s+days|(?:батьків|родителей|дорослих|взрослых)\s+(?:нема\w*|нет)|no\s+(?:adults|parents|grown[- ]?ups)|d[üu]n[əe]nd[əe]n\s+b[əe]ri|valideyn\w*\s+yox)\b", 0.6, CHILD,
        also=rf"{age_question}.*\b{_CHILD}\b.*\b(?:сама|сам|одна|один|alone|t[əe]k)\b")
    # Children hiding from a drunk or violent parent
    add("hiding_from_parent", r"\b(?:сховал\w*|сховав\w*|ховаємо\w*|ховаюс\w*|спрятал\w*|прячемс\w*|прячусь|hiding|hid|hide|gizl[əe]n\w*)\s+(?:\w+\s+){0,3}(?:(?:у|в|під|под|in|under|the|a|my)\s+)?(?:ванн\w*|шаф\w*|кімнат\w*|комнат\w*|туалет\w*|ліжк\w*|кроват\w*|bathroom|closet|wardrobe|room|bed|vanna\w*|otaq\w*|[şs]kaf\w*)\b", 0.7, CHILD,
        also=r"\b(?:п'?ян\w*|пьян\w*|drunk|б'?ється|бьется|б'?є|бьет|бьёт|hits|hitting|beating|screaming|кричить|орет|орёт|sərxoş|serxos|d[öo]y[üu]r)\b")
    # A child left alone: child + alone + someone left (three cues)
    alone = r"(?:одн\w*|один|сам|сама|самого|саму|alone|t[əe]k)"
    add("child_left_alone", rf"{age_question}(?:.*\b{_CHILD}\b.*\b{alone}\b|.*\b{alone}\b.*\b{_CHILD}\b)", 0.6, CHILD,
        also=r"\b(?:оставил\w*|залиши\w*|кинул\w*|кинув|бросил\w*|пішла|пішов|ушла|ушел|left|abandon\w*|getdi|qoyub)\b")
    add("weapon_more", r"\b(?:з|із|зі|с|со)\s+(?:ножем|ножом|сокирою|топором|пістолетом|пистолетом|рушницею|ружьем|ружьём|молотком|битою)\b|\bwith\s+(?:a|an|his|her|the)\s+(?:knife|gun|axe|hammer|bat|rifle)\b|\b(?:[əe]lind[əe]|elinde)\s+(?:b[ıi][çc]aq|balta|silah|tapan[çc]a|t[üu]f[əe]ng)\b|\b(?:balta|b[ıi][çc]aq|silah)(?:la|l[əe]|\s+il[əe])\s+(?:\w+\s+)?h[əe]d[əe]l\w*", 0.85, THREAT)
    add("wish_not_exist", r"\b(?:хочу|хочеться|хочется|хотілось\s+би?|хотелось\s+бы)\s+(?:щоб|шоб|чтобы|чтоб)\s+(?:мене|меня)\s+(?:просто\s+)?(?:не\s+було|не\s+было|не\s+стало|не\s+існувало|не\s+существовало)|\b(?:wish|want)\s+(?:that\s+)?i\s+(?:didn'?t|did not|could not|couldn'?t)\s+exist|\bwant\s+to\s+(?:not\s+exist|stop\s+existing|not\s+be\s+alive)\b", 0.85, SUICIDE)
    add("tired_of_living", r"\b(?:уста\w*|втоми\w*|втомл\w*|задолбал\w*|надоел\w*|набридл\w*)\s+(?:від\s+|от\s+)?(?:жи(?:ти|ть)|життя|жизни)\b(?!\s+(?:в|у|на|з|с|із|без|за|під|под|біля|около|окремо|отдельно|разом|вместе|тут|там)\b)|\b(?:tired|sick|exhausted)\s+of\s+(?:living|life|being alive|existing)\b(?!\s+(?:in|at|on|with|near)\s+(?:(?:a|an|the|this|that|my|our|such\s+a)\s+)?(?:city|town|village|dorm\w*|flat|apartment|house|country|area|place|hostel|building|street|room|neighbou?rhood)\b)|\b(?:ya[şs]amaqdan|yasamaqdan|h[əe]yatdan|heyatdan)\s+(?:\w+\s+)?(?:yoruldum|bezmi[şs][əe]m|bezdim|yorulmu[şs]am)", 0.8, SUICIDE)
    add("no_point", r"\b(?:не\s+бачу|не\s+вижу|don'?t\s+see|dont\s+see|do\s+not\s+see|can'?t\s+see)\s+(?:\w+\s+)?(?:сенсу|смысла|point)\s+(?:\w+\s+)?(?:далі|дальше|жити|жить|в\s+житті|в\s+жизни|ні\s+в\s+чому|ни\s+в\s+чем|anymore|any\s*more|in\s+anything|in\s+living|in\s+life|in\s+going\s+on)\b|\bi\s+(?:can'?t|cannot)\s+(?:go\s+on|take\s+it|do\s+this|keep\s+going)\s+(?:any\s*more|any\s+longer)\b|\b(?:не\s+можу|не\s+могу)\s+(?:більше|больше)\s+(?:так\s+)?(?:жити|жить)|\b(?:більше|больше)\s+не\s+(?:можу|могу)\s+(?:так\s+)?(?:жити|жить)|\b(?:нема[єе]?|немає|нет)\s+(?:\w+\s+)?сил\w*\s+(?:жити|жить)", 0.65, SUICIDE, hyperbole=True)
    meds = r"(?:таблет\w*|пігул\w*|ліки|ліків|лекарств\w*|снодійн\w*|снотворн\w*|парацетамол\w*|ибупрофен\w*|ібупрофен\w*|аспирин\w*|аспірин\w*|феназепам\w*|анальг[іи]н\w*|антидепре\w*|pills|tablets|meds|paracetamol|ibuprofen|tylenol|advil|aspirin|panadol|xanax|antidepressants|d[əe]rman\w*|h[əe]b\w*)"
    add("pills_amount", rf"\b(?:took|swallowed|ate|taken|take|taking|випил\w*|випив|выпил\w*|наковт\w*|наглот\w*|з'?їл\w*|съел\w*|проковтн\w*|проглотил\w*|i[çc]dim|udmu[şs]am|uddum)\s+(?:\w+\s+){{0,2}}(?:\d{{2,}}|пачк\w*|упаковк\w*|блістер\w*|блистер\w*|всі|все|усі|whole|all|bottle|pack|box|lots|bunch|many|багато|много|кучу|жменю|горсть|hamısını|b[üu]t[üu]n|[çc]oxlu)\s+(?:\w+\s+){{0,2}}{meds}", 0.85, SUICIDE)
    add("neglect_food", r"\b(?:не|ne)\s+(?:годує|годують|кормит|кормят|кормила|годувала)\s+(?:нас|мене|меня|дітей|детей|ребенка|дитину|малого|малую)\b|\b(?:hasn'?t|haven'?t|didn'?t|doesn'?t|don'?t)\s+(?:fed|feed)\s+(?:us|me|the kids|the baby)\b|\bhaven'?t\s+eaten\s+(?:in|for)\s+(?:\d+|two|three|four|days)", 0.6, CHILD)
    add("throwing_at", r"\bthrow(?:s|ing)\s+(?:\w+\s+){0,2}at\s+(?:me|us|mom|mum|my\s+\w+)\b|\b(?:кида\w*|жбурля\w*|швыря\w*|бросает\w*)\s+(?:\w+\s+){0,2}(?:в|у|на)\s+(?:мене|меня|нас|маму)\b", 0.8, VIOLENCE)
    add("touches_me_rev", r"\b(?:мене|меня)\s+(?:\w+\s+)?(?:чіпає|торкається|мацає|трогает|лапает|домагається|домогается)\b", 0.85, CHILD)
    # ------------------------------------------- indirect warning signs
    # (added after tests/nlu/test_crisis_warning_signs.py, tuned on its DEV half)
    # People rarely name suicide: they call a message their last, give their
    # things away, write letters to their family, feel a burden, apologise to
    # everyone for everything, set a date, say goodbye and go silent. Each rule
    # wants a cue of finality, not just the shared word: "this is my last
    # question", "gave my old clothes to charity", "a letter to the ministry",
    # "goodbye, see you tomorrow" and "sorry for the late reply" stay unflagged.
    this_is = r"(?:це|это|ce|tse|eto|this\s+is|this'?s|thats|that'?s|this\s+will\s+be|this'?ll\s+be|these\s+are)"
    mine = r"(?:моє|мое|мій|мой|моя|мої|мои|moje|moie|moye|moe|moj|moya|my)"
    last = r"(?:останн\w*|последн\w*|ostann\w*|ostanj\w*|posledn\w*|last|final)"
    msg = r"(?:повідомлен\w*|сообщен\w*|смс|лист\w*|письм\w*|пост\w*|слова|запис\w*|povidom\w*|soobsh\w*|pys'?m\w*|pis'?m\w*|slova|messages?|msg|text|post|letter|words|note)"
    not_topic = r"(?!\s+(?:на\s+сьогодні|на\s+сегодня|сьогодні|сегодня|for\s+today|today|tonight|this\s+week|on\s+this|about|regarding|щодо|з\s+приводу|по\s+(?:цьому|этому|темі|теме|вопросу|питанню)|насчет)\b)"
    add("last_words", rf"\b{this_is}\s+{mine}\s+(?:(?:самое|саме|very)\s+)?{last}\s+{msg}\b{not_topic}"
        rf"|\b{last}\s+{msg}\s+(?:to\s+|для\s+)?(?:anyone|anybody|everyone|everybody|ever|всім|всем|усім|всіх|всех|vsim|vsem)\b"
        r"|\bbu\s+(?:m[əe]nim\s+|menim\s+)?son\s+(?:mesaj|m[əe]kt[uv]b|yaz[ıi]|s[öo]z)(?:lar)?[ıiuü]m\w*(?!\s+(?:bu\s+g[üu]n|bug[üu]n|bu\s+m[əe]s[əe]l[əe]\w*|haqq[ıi]nda)\b)|\bson\s+(?:mesaj|m[əe]kt[uv]b|yaz[ıi]|s[öo]z)\w*d[ıi]r\b|\bson\s+(?:mesaj|m[əe]kt[uv]b)\w*\s+(?:ham[ıi]ya|hamiya)\b", 0.8, SUICIDE)
    # Giving one's own things away (not "old clothes / baby things to charity").
    give = r"(?:роздал\w*|роздав|роздаю|роздам|роздати|віддал\w*|віддав|віддаю|віддам|раздал\w*|раздаю|раздам|раздать|раздарил\w*|раздариваю|отдал\w*|отдаю|отдам|rozdal\w*|rozdav|rozdaju|rozdayu|viddal\w*|viddav|razdal\w*|razdaju|razdayu|otdal\w*)"
    own = r"(?:(?:всі|усі|все|vsi|vse)\s+)?(?:свої|свои|мої|мои|svoi|svoji|svoyi|moi|moji)"
    things = r"(?:речі|вещи|речи|rechi|veshchi|veshi|veschi)"
    not_donation = r"(?!\s+(?:\w+\s+)?(?:на\s+благод\w*|на\s+благотвор\w*|в\s+фонд|у\s+фонд|фонду|в\s+церк\w*|волонтер\w*|переселенц\w*|в\s+приют|у\s+притулок|нужда\w*|нужденн\w*|(?:в|у|на)\s+(?:хімчистк\w*|химчистк\w*|ремонт|пральн\w*|прачечн\w*|зберіган\w*|хранени\w*)|to\s+charity|for\s+charity|to\s+(?:a|the)\s+(?:shelter|charity|church|food\s+bank|thrift\s+shop|donation)|xeyriyy\w*)\b)"
    usual = r"(?:(?!стар|дитяч|детск|зимов|літн|летн|непотр|ненуж|зайв|лишн|old\b|used\b|spare\b|kids\b|baby\b|children|winter\b|summer\b)\w+\s+)?"
    add("give_away", rf"\b{give}\s+(?:\w+\s+)?{own}\s+{usual}{things}\b{not_donation}|\b{own}\s+{usual}{things}\s+(?:\w+\s+)?{give}\b{not_donation}"
        rf"|\b(?:gave|give|giving|given|gifted|gifting)\s+(?:away\s+)?(?:all\s+(?:of\s+)?)?my\s+{usual}(?:things|stuff|belongings|possessions|valuables)\b(?:\s+away)?{not_donation}"
        r"|\bgiv(?:e|ing|en)\s+away\s+(?:everything|all)\s+(?:i\s+(?:own|have|had)|my\s+stuff)\b"
        r"|\b(?:b[üu]t[üu]n\s+)?(?:[əe][şs]ya|esya)(?:lar)?[ıi]m[ıi]\s+(?:\w+\s+){0,2}(?:payla\w*|ba[ğg][ıi][şs]la\w*|bagisla\w*|da[ğg][ıi]t\w*|verdim|vermi[şs][əe]m|verir[əe]m)", 0.75, SUICIDE)
    # Letters / notes to one's family (not to a ministry or a school).
    wrote = r"(?:написал\w*|написав|напишу|написати|написать|пишу|залишил\w*|залишив|залишу|оставил\w*|оставлю|napysal\w*|napysav|napisal\w*|zalyshyl\w*|ostavil\w*)"
    letters = r"(?:листи|листів|письма|писем|записк\w*|lysty|pys'?ma|pis'?ma|zapysk\w*|zapisk\w*)"
    letter = rf"(?:{letters}|листа|лист|письмо|lysta|pis'?mo)"
    kin_all = r"(?:рідним|родным|близьким|близким|батькам|родителям|сім'ї|семье|родині|всім|всем|усім|ridnym|rodnym|batkam|roditelyam|vsim|vsem)"
    kin = rf"(?:{kin_all}|мамі|маме|татові|тату|папе|дітям|детям|чоловікові|мужу|дружині|жене|сестрі|сестре|братові|брату|бабусі|бабушке|друзям|mami|mame)"
    add("letters_to_family", rf"\b{wrote}\s+(?:\w+\s+){{0,2}}(?:{letter}\s+(?:\w+\s+)?{kin_all}|{letters}\s+(?:\w+\s+)?{kin})\b|\b(?:{kin_all}\s+(?:\w+\s+)?{wrote}\s+(?:\w+\s+)?{letter}|{kin}\s+(?:\w+\s+)?{wrote}\s+(?:\w+\s+)?{letters})\b|\b{wrote}\s+(?:\w+\s+)?(?:{kin_all}\s+(?:\w+\s+)?{letter}|{kin}\s+(?:\w+\s+)?{letters})\b"
        r"|\b(?:(?:wrote|written|writing|write)\s+(?:\w+\s+){0,2}(?:letters|notes?)|(?:left|leaving|leave)\s+(?:\w+\s+){0,2}letters)\s+(?:to|for)\s+(?:(?:my|all\s+my|each\s+of\s+my|everyone\s+in\s+my)\s+)?(?:family|parents|mum|mom|dad|mother|father|kids|children|sister|brother|husband|wife|loved\s+ones|friends|girlfriend|boyfriend|everyone|everybody|grandma|grandparents)\b"
        r"|\b(?:wrote|written|writing|write|left|leaving|leave)\s+(?:\w+\s+){0,2}letter\s+(?:to|for)\s+(?:(?:my|all\s+my)\s+)?(?:family|parents|loved\s+ones|everyone|everybody)\b"
        r"|\b(?:ail[əe]m[əe]|valideynl[əe]rim[əe]|ham[ıi]ya|yax[ıi]nlar[ıi]ma|u[şs]aqlar[ıi]ma|usaqlarima)\s+(?:\w+\s+){0,2}(?:m[əe]kt[uv]b|qeyd|not)\w*\s+(?:\w+\s+)?yaz\w*", 0.7, SUICIDE)
    # "to everyone I'm only a bother / to my children only a burden"
    not_questions = r"(?!\s+(?:своїми|своими|цими|этими|моїми|моими)\s+(?:питанн\w*|вопрос\w*|дзвінк\w*|звонк\w*))"
    add("only_a_burden", rf"\b(?:всім|всем|усім|дітям|детям|батькам|родителям|рідним|родным|сім'ї|семье|родині|мамі|маме|чоловікові|мужу|vsim|vsem)\s+(?:(?:я|ya|вже|уже)\s+)?(?:тільки|только|лише|лишь|лиш|тіко|тока|просто|одна|один|tolko|tilky|lyshe)\s+(?:(?:я|ya)\s+)?(?:заважаю|мешаю|мішаю|тягар\w*|обуз\w*|zavazhayu|m[eiі]shayu|tyagar\w*|obuz\w*)\b{not_questions}"
        rf"|\b(?:тільки|тіки|только|лише|лишь)\s+(?:заважаю|мешаю|мішаю)\s+(?:всім|всем|усім)\b{not_questions}"
        rf"|\b(?:я|ya)\s+(?:(?:всім|всем|усім|vsim|vsem)\s+)?(?:тільки|только|лише|лишь|тіко|тока|просто|tolko|tilky|lyshe)\s+(?:(?:всім|всем|усім|vsim|vsem)\s+)?(?:заважаю|мешаю|мішаю|тягар|обуза|zavazhayu|m[eiі]shayu)\b{not_questions}"
        r"|\bi'?m\s+(?:nothing\s+but|no\s+more\s+than)\s+a\s+burden\b|\b(?:ham[ıi]ya|hamiya|ail[əe]m[əe]|u[şs]aqlar[ıi]ma|usaqlarima)\s+(?:ancaq\s+|sad[əe]c[əe]\s+|yaln[ıi]z\s+)?y[üu]k[əe]m\b", 0.7, SUICIDE)
    # "soon it will be easier for you (all)": the relief of others, with "soon" or "without me"
    relief_en = r"(?:it'?ll|it\s+will|it\s+would|it'?d|things\s+will|life\s+will|everything\s+will|everything'?ll)\s+(?:be|get)\s+(?:(?:so|much|a\s+lot|way)\s+){0,2}(?:easier|better|lighter|calmer|nicer)\s+(?:for|4)\s+(?:you|all\s+of\s+you|you\s+all|everyone|everybody|my\s+family|my\s+parents|my\s+mum|my\s+mom)"
    add("easier_for_you", r"\b(?:вам|всім|всем|усім|тобі|тебе|vam|vsim|vsem)\s+(?:(?:всім|всем|усім|вже|уже|точно|нарешті|наконец|vsim|vsem)\s+)?(?:скоро\s+|незабаром\s+)?(?:стане|станет|буде|будет|stane|stanet|bude|budet)\s+(?:(?:набагато|намного|гораздо|значно|трохи|немного)\s+)?(?:легше|легче|краще|лучше|спокійніше|спокойнее|legshe|legche|lehshe|krashche|luchshe)\b"
        rf"|\bsoon\s+{relief_en}\b(?!\s+to\b)|\b{relief_en}\s+(?:\w+\s+)?soon\b"
        r"|\btezlikl[əe]\s+(?:\w+\s+)?(?:siz[əe]|size|ham[ıi]ya|hamiya|s[əe]n[əe]|ail[əe]m[əe]|anama|valideynl[əe]rim[əe])\s+(?:\w+\s+)?(?:daha\s+)?(?:asan|rahat|yax[şs][ıi]|y[üu]ng[üu]l)\s+olacaq", 0.7, SUICIDE,
        also=r"\b(?:скоро|незабаром|skoro|без\s+мене|без\s+меня|bez\s+mene|bez\s+menya|коли\s+мене\s+не|когда\s+меня\s+не|soon|without\s+me|(?:when|once|after|if)\s+i'?m\s+(?:gone|not\s+here|not\s+around)|after\s+(?:tonight|today|tomorrow)|tezlikl[əe]|yax[ıi]nda|m[əe]ns[iı]z|mensiz|m[əe]n\s+olmasam)\b")
    # "sorry for everything" closing a message (not "sorry for everything I said earlier")
    add("sorry_for_everything", r"\b(?:вибач(?:те)?|пробач(?:те)?|прост(?:и|іть|ите)|извин(?:и|ите)|vybach(?:te)?|probach(?:te)?|prost(?:i|yt|ite)|izvin(?:i|ite))\s+(?:(?:мене|меня|мені|мне|mene|menya|всі|все|усі|vsi|vse|будь\s+ласка|пожалуйста|мама|мамо|мам|тато|папа|рідні|родные|мої|мои|любі|дорогие|дорогі)\s+){0,3}(?:за|za)\s+(?:все|всё|усе|vse)(?:\s+(?:все|всё))?(?=\s*$|\s+(?:прощ\w*|бувайте|бувай|люблю|я\s+вас\s+люблю|я\s+тебе\s+люблю|всім|всем|мам\w*|тат\w*|пап\w*|рідн\w*|родн\w*|і\s+прощ\w*|и\s+прощ\w*|proshch\w*|lyublyu|vsim|vsem)\b)"
        r"|\b(?:sorry|forgive\s+me|i\s+apologi[sz]e)\s+(?:(?:to\s+)?(?:everyone|everybody|all\s+of\s+you|you\s+all|guys|mum|mom|dad)\s+)?(?:for|4)\s+everything(?=\s*$|\s+(?:to\s+)?(?:everyone|everybody|all|guys|mum|mom|dad|i\s+love|love\s+you|goodbye|bye|take\s+care|and\s+goodbye|and\s+bye|forgive|tell\s+my)\b)"
        r"|\bh[əe]r\s+[şs]ey\s+(?:[üu][çc][üu]n|ucun)\s+(?:m[əe]ni\s+|meni\s+)?(?:[üu]zr\s+ist\w*|uzr\s+ist\w*|ba[ğg][ıi][şs]la\w*|bagisla\w*)|\b(?:ba[ğg][ıi][şs]lay[ıi]n|bagislayin|ba[ğg][ıi][şs]la)\s+h[əe]r\s+[şs]ey\s+(?:[üu][çc][üu]n|ucun)\b", 0.6, SUICIDE)
    # A date chosen, with an ending: "picked the date. friday. nobody will have to deal with me"
    add("date_set", r"\b(?:все|всё|vse)\s+(?:(?:і|и)\s+)?(?:закінчиться|скінчиться|закончится|кончится|zakinchyt'?sja|zakinchytsya|zakonchitsya|zakonchitsa)\b|\b(?:it'?ll|it\s+will|everything\s+will|everything'?ll)\s+(?:all\s+)?be\s+over\b|\bh[əe]r\s+[şs]ey\s+bit[əe]c[əe]k\b", 0.75, SUICIDE,
        also=r"\b(?:вибрал\w*|вибрав|обрал\w*|обрав|выбрал\w*|назначил\w*|призначил\w*|призначив|визначил\w*|визначив|vybral\w*|vybrav|picked|chose|chosen|set|decided\s+on|[şs]e[çc]mi[şs][əe]m|se[çc]dim|t[əe]yin\s+etmi[şs][əe]m|t[əe]yin\s+etdim)\s+(?:\w+\s+)?(?:дату|день|date|day|tarix\w*|g[üu]n[üu])\b")
    # "nobody will have to deal with me (anymore)" / "you won't have to worry about me anymore"
    add("nobody_have_to", r"\b(?:nobody|no\s+one|noone)\s+(?:will|'ll|ll)\s+(?:ever\s+)?have\s+to\s+(?:deal\s+with|worry\s+about|put\s+up\s+with|take\s+care\s+of|look\s+after|bother\s+with|care\s+for)\s+me\b"
        r"|\b(?:you|you\s+guys|you\s+all|everyone|they|my\s+\w+)\s+(?:won'?t|wont)\s+(?:ever\s+)?(?:have|need)\s+to\s+(?:deal\s+with|worry\s+about|put\s+up\s+with|take\s+care\s+of|look\s+after|bother\s+with|care\s+for)\s+me\s+(?:anymore|any\s+more|again|after|soon|much\s+longer|for\s+long)\b"
        r"|\b(?:нікому|никому|вам|тобі|тебе|nikomu)\s+(?:більше\s+|больше\s+|вже\s+|уже\s+)?не\s+(?:доведеться|придеться|придется|прид[её]тся)\s+(?:(?:(?:за|про|обо|о|зі|со|з|с)\s+)?(?:мене|меня|мною|мной|мне)\s+{care}|{care}\s+(?:(?:за|про|обо|о|зі|со|з|с)\s+)?(?:мене|меня|мною|мной|мне))\b".format(care=r"(?:возит\w*|терпіт\w*|терпет\w*|хвилюват\w*|переживат\w*|волноват\w*|доглядат\w*|ухаживат\w*|піклуват\w*|заботит\w*|турбуват\w*|беспокоит\w*)"), 0.7, SUICIDE)
    # A friend / relative said goodbye and went silent
    add("farewell_silent", r"\b(?:(?:выложил\w*|виклал\w*|запостил\w*|опубликовал\w*|опублікував\w*|опублікувал\w*|написал\w*|написав)\s+(?:\w+\s+){0,5}(?:прощайте|прощавайте|прощай|простите\s+меня|пробачте\s+мені)|попрощал\w*|попрощав\w*|(?:said|says|saying|posted|wrote|sent|texted|messaged)\s+(?:\w+\s+){0,2}(?:goodbye|farewell|bye)|(?:goodbye|farewell)\s+(?:post|message|text|note|letter|video)|vidala[şs]\w*|vida\s+(?:post|mesaj|m[əe]kt[uv]b|video)\w*|(?:[əe]lvida|elvida)\s+(?:yaz|de)\w*|(?:yaz|de)\w*\s+(?:ki\s+)?(?:[əe]lvida|elvida))\b", 0.7, SUICIDE,
        also=r"\b(?:не\s+відповіда\w*|не\s+отвеча\w*|не\s+бере\s+трубк\w*|не\s+бер[её]т\s+трубк\w*|трубку\s+не\s+бер\w*|вимкн\w*\s+телефон|выключ\w*\s+телефон|телефон\s+(?:вимкнен\w*|выключен\w*|вимкнув\w*|вне\s+зоны)|(?:not|isn'?t|isnt|aren'?t|arent|stopped)\s+(?:answering|picking\s+up|responding|replying)|(?:won'?t|wont|doesn'?t|doesnt|didn'?t|didnt)\s+(?:answer|pick\s+up|respond|reply)|phone\s+is\s+(?:off|dead|switched\s+off)|turned\s+(?:off\s+)?(?:his|her|their)\s+phone|cavab\s+verm[ie]r|telefon\w*\s+(?:s[öo]nd[üu]r\w*|ba[ğg]l[ıi]\w*|a[çc]m[ıi]r))")
    # "прощайте, больше не напишу" / "won't write again" with a farewell or a "last"
    add("never_write_again", r"\b(?:більше|больше|bilshe|bolshe)\s+(?:(?:вже|уже|вам|нікому|никому|тобі|тебе|нічого|ничего)\s+)*(?:не|ne)\s+(?:напишу|писатиму|буду\s+писати|буду\s+писать|napyshu|napishu)\b|\b(?:won'?t|wont|will\s+never|never\s+going\s+to|not\s+going\s+to)\s+(?:write|text|message)\s+(?:\w+\s+)?(?:again|anymore|any\s+more)\b|\byazmayaca\w*", 0.7, SUICIDE,
        also=r"\b(?:прощ\w*|proshch\w*|бувайте|goodbye|farewell|bye|[əe]lvida|elvida|vida\w*|останн\w*|последн\w*|ostann\w*|posledn\w*|last|son|всім|всем|everyone)\b")
    # "i'm done with everything, goodbye": giving up + a farewell; "done with life" alone
    add("done_farewell", r"\b(?:goodbye|farewell|bye\s+(?:everyone|all|guys)|прощавайте|прощайте|прощай|бувайте|pr[oa]shch(?:avajte|ajte|aj)|[əe]lvida|elvida)\b", 0.75, SUICIDE,
        also=r"\b(?:(?:i'?m|im|i\s+am)\s+(?:so\s+|just\s+|really\s+)?(?:done|finished)\s+with\s+(?:everything|it\s+all|all\s+of\s+(?:this|it)|everyone|life|living)|i\s+(?:can'?t|cannot|cant)\s+(?:do\s+this|take\s+(?:it|this)|go\s+on)|(?:більше|больше|bilshe|bolshe)\s+не\s+(?:можу|могу|mozhu|mogu)|не\s+(?:можу|могу)\s+(?:більше|больше)|(?:з|с)\s+мене\s+(?:досить|годі|хватит)|с\s+меня\s+хватит|(?:daha|art[ıi]q)\s+d[öo]z[əe]\s+bilm\w*|h[əe]r\s+[şs]eyd[əe]n\s+(?:bezdim|yoruldum|bezmi[şs][əe]m))")
    add("done_with_life", r"\b(?:i'?m|im|i\s+am)\s+(?:so\s+|just\s+|really\s+|completely\s+)?(?:done\s+with|finished\s+with)\s+(?:life|living|this\s+life|this\s+world|existing|being\s+alive)\b", 0.75, SUICIDE)
    # "gave my cat to the neighbour ... i won't need them anymore"
    add("wont_need", r"\b(?:won'?t|wont)\s+(?:be\s+)?(?:need(?:ing)?|requir(?:e|ing))\s+(?:it|them|these|those|this|that|any\s+of\s+(?:it|this|them)|anything|my\s+\w+)\s+(?:anymore|any\s+more|where\s+i'?m\s+going|again|for\s+long|much\s+longer)\b|\b(?:мені|мне|mne|meni)\s+(?:(?:вони|они|це|это|воно|оно|вже|уже|більше|больше|oni)\s+){1,2}не\s+(?:знадоб\w*|понадоб\w*)|\bart[ıi]q\s+(?:\w+\s+)?laz[ıi]m\s+olmayacaq", 0.7, SUICIDE,
        also=r"\b(?:gave|give|giving|given|віддал\w*|віддав|роздал\w*|роздав|роздаю|віддаю|отдал\w*|раздал\w*|раздаю|отдаю|rozdal\w*|razdal\w*|otdal\w*|payla\w*|verdim|verir[əe]m|ba[ğg][ıi][şs]la\w*)")
    # "nobody will miss me" (the "when i'm gone" form is nobody_notice)
    add("nobody_miss", r"\b(?:nobody|no\s+one|noone)\s+(?:will|would|'?d|is\s+going\s+to|gonna)\s+(?:even\s+)?(?:miss|cry\s+for|cry\s+over|remember)\s+me\b"
        r"|\b(?:ніхто|никто|nikhto|nikto|nihto)\s+(?:\w+\s+)?(?:за\s+мною|по\s+мне|за\s+мной|мене|меня|za\s+mnoyu|po\s+mne)\s+(?:й\s+|и\s+|навіть\s+|даже\s+)?(?:не|ne)\s+(?:буде\s+|будет\s+|стане\s+|станет\s+)?{miss}\b|\b(?:ніхто|никто|nikhto|nikto|nihto)\s+(?:й\s+|и\s+|навіть\s+|даже\s+)?(?:не|ne)\s+(?:буде\s+|будет\s+|стане\s+|станет\s+)?{miss}\s+(?:\w+\s+)?(?:за\s+мною|по\s+мне|за\s+мной|мене|меня|za\s+mnoyu|po\s+mne)\b".format(miss=r"(?:сумуват\w*|сумуватиме|скучат\w*|скучать|помітить|заметит|згадає|вспомнит|заплаче|заплачет|плакатиме|плакати|плакать|sumuvat\w*|skuchat\w*)")
        + r"|\bhe[çc]\s+kim\s+(?:\w+\s+)?(?:m[əe]nim\s+[üu][çc][üu]n|menim\s+ucun|m[əe]ni|meni|m[əe]nsiz|mensiz)\s+(?:\w+\s+)?(?:dar[ıi]xmayacaq|axtarmayacaq|a[ğg]lamayacaq|x[əe]tirl[əe]m[əe]y[əe]c[əe]k)\b|\b(?:m[əe]nim\s+[üu][çc][üu]n|menim\s+ucun|m[əe]ni|meni)\s+he[çc]\s+kim\s+(?:\w+\s+)?(?:dar[ıi]xmayacaq|axtarmayacaq|a[ğg]lamayacaq|x[əe]tirl[əe]m[əe]y[əe]c[əe]k)\b", 0.65, SUICIDE)
    # "nothing matters anymore"
    add("nothing_matters", r"\bnothing\s+(?:really\s+)?matters\s+(?:anymore|any\s+more)\b"
        r"|\b(?:нічого|ничего|nichogo|nichego)\s+(?:вже|уже|більше|больше)\s+не\s+(?:має|имеет)\s+значен\w*|\b(?:нічого|ничего)\s+не\s+(?:має|имеет)\s+(?:вже\s+|уже\s+|більше\s+|больше\s+)?значен\w*\s+(?:вже|уже|більше|больше)\b"
        r"|\bhe[çc]\s+n[əe]\s+(?:art[ıi]q\s+)?(?:[öo]n[əe]mli|maraql[ıi])\s+deyil\s+art[ıi]q|\bart[ıi]q\s+he[çc]\s+n[əe]\s+(?:[öo]n[əe]mli|maraql[ıi])\s+deyil", 0.6, SUICIDE)
    # Added after the held-out run of tests/nlu/test_crisis_warning_signs.py exposed
    # these families (their own tables there: AFTER_HELD_OUT_*).
    # A plan: "I have a plan and I know how", with a vague "it" to do or end.
    add("have_plan", r"\b(?:(?:have|got|made|making)\s+(?:a\s+|my\s+)?plan|planned\s+(?:it|everything|it\s+all)|(?:у|в)\s+(?:мене|меня)\s+(?:вже\s+|уже\s+)?(?:є|есть)\s+план|маю\s+план|(?:все|всё)\s+(?:продумал\w*|спланувал\w*|спланировал\w*|продумав|спланував)|plan[ıi]m\s+var|(?:h[əe]r\s+[şs]eyi\s+)?planla[şs]d[ıi]rm[ıi][şs]am)\b", 0.8, SUICIDE,
        also=r"\b(?:(?:how|when|where)\s+(?:i'?ll|i\s+will|i'?m\s+going\s+to|i'?m\s+gonna|to)\s+(?:do|end)\s+it|(?:when\s+and\s+how|how\s+and\s+when)(?:\s+i'?ll\s+do\s+it)?\s*$|(?:знаю|вирішил\w*|решил\w*|продумал\w*)\s+(?:\w+\s+)?(?:як|как|коли|когда|де|где)\s+(?:\w+\s+)?(?:це|это|все|всё)\s+(?:зроблю|зробити|сделаю|сделать|закінч\w*|законч\w*|покінч\w*|поконч\w*)|(?:як|как)\s+(?:це|это|все|всё)\s+(?:закінчити|закончить|покінчити|покончить|зроблю|сделаю)|(?:(?:коли|когда)\s+(?:і|и)\s+(?:як|как)|(?:як|как)\s+(?:і|и)\s+(?:коли|когда))(?:\s+(?:це|это)\s+(?:зроблю|сделаю|станеться|случится))?\s*$|nec[əe]\s+(?:v[əe]\s+n[əe]\s+vaxt\s+)?(?:ed[əe]c[əe]yimi|edeceyimi|bitir[əe]c[əe]yimi|bitireceyimi)|n[əe]\s+vaxt\s+v[əe]\s+nec[əe]\s*$)")
    # "what's the point of living (anymore)", not "...of living in this city" (uk/ru: no_sense_live; az: better_dead_az)
    place = r"(?:\s+(?:in|at|on|near)\s+(?:(?:a|an|the|this|that|my|our|such\s+a)\s+)?(?:city|town|village|dorm\w*|flat|apartment|house|country|area|place|hostel|building|street|neighbou?rhood)\b)"
    add("point_of_living", rf"\bwhat(?:'?s|\s+is)\s+(?:even\s+)?the\s+point\s+(?:of|in)\s+(?:living|being\s+alive|going\s+on|life|anything)\b(?!{place})", 0.8, SUICIDE)
    add("pills_bought", r"\b(?:купил\w*|купив|куплю|придбал\w*|придбав|bought|got)\s+(?:\w+\s+){0,3}(?:\d+|кілька|несколько|пару|дві|две|три|чотири|четыре|several|few|two|three)\s+(?:упаков\w*|пачк\w*|пачок|блістер\w*|блистер\w*|packs?|boxes|bottles)\b", 0.8, SUICIDE,
        also=r"\b(?:хватит|вистачить|вистачит|хватить|enough|сделаю|зроблю|do\s+it|в\s+(?:суботу|субботу|неділю|воскресенье|пятницу|п'ятницю))\b")
    return R


# Everyday exaggeration: cancels only rules marked hyperbole=True.
_HYPERBOLE = [
    _r(r"\b(?:від|от|з|зі|со|із)\s+(?:сміху|смеху|нудьги|скуки|сорому|стыда|спеки|жары|цікавості|любопытства|втоми|усталости)\b"),
    _r(r"\b(?:вмираю|помираю|умираю|dying)\s+(?:як|как|так)\s+(?:хочу|хочется)\b|\b(?:вмираю|помираю|умираю)\s+(?:хочу|хочется)\s+(?:їсти|есть|спати|спать|пити|пить)"),
    _r(r"\b(?:laugh\w*|lol|lmao|haha\w*|хаха\w*|ахах\w*|boredom|bored|of embarrassment|of cringe|to see|to know|to try|to meet|for a|of hunger|from the heat)\b"),
    _r(r"\b(?:homework|exam|exams|work|job|this|that|it|traffic|heat|my feet|my back|my legs|the suspense|you|these shoes|boss|math|maths)\s+(?:is|are|'s|s)?\s*(?:killing|kills|gonna kill|going to kill)\s+me\b"),
    _r(r"\b(?:домашка|домашнє|домашнее|контрольна|контрольная|екзамен|экзамен|математика|робота|работа|спека|жара|начальник|шеф|вчителька|училка|сесія|сессия)\w*\s+(?:\w+\s+)?(?:мене|меня)\s+(?:вб'?є|вбиває|убьет|убьёт|убивает|доконає|доконает)"),
    _r(r"\b(?:якщо|если|if|əgər|əg[əe]r)\b.*\b(?:з'?їсть|з'?їв|зʼїсть|съест|съел|eats?|ate|візьме|возьмет|возьмёт|takes?|touch(?:es)?|чіпатиме|трогать|тронет|спойлер\w*|spoil\w*|yes[əe]|yey[əe]r|g[öo]t[üu]r[əe]r|програ\w*|lose|проиграет)\b"),
    _r(r"\b(?:вбити|убить|kill)\s+(?:час|время|time)\b"),
    # "це мене вб'є" (no noun: "цей чоловік мене вбʼє" is a threat, not hyperbole)
    _r(r"\b(?:це|это|воно|оно)\s+(?:мене|меня)\s+(?:вб'?є|вбиває|убьет|убивает|доконає|доконает)"),
    _r(r"\b(?:tap[şs][ıi]r[ıi][ğq]\w*|imtahan\w*|d[əe]rsl[əe]r\w*|riyaziyyat\w*|isti|i[şs]|ayaqlar[ıi]m|ba[şs]\s+a[ğg]r[ıi]s[ıi])\s+(?:\w+\s+)?m[əe]ni\s+[öo]ld[üu]r\w*"),
    _r(r"\b\w+(?:s[əa])\b.*\b[öo]ld[üu]r[əe]c[əe]y[əe]m"),  # Azerbaijani conditional: "tortumu yesə ... öldürəcəyəm"
    _r(r"\b(?:could|would)\s+kill\s+for\b|\bkill(?:ed|ing)?\s+it\b|\bdressed to kill\b|\bkiller\s+(?:app|deal|look)"),
    _r(r"\b(?:g[üu]lm[əe]kd[əe]n|darıxmaqdan|darixmaqdan|ac[ıi]ndan|yorğunluqdan|yorgunluqdan|istid[əe]n)\s+[öo]l\w*"),
    _r(r"\b(?:батарея|батарейка|телефон|ноутбук|рослина|растение|цветок|квітка|battery|phone|plant|laptop|батарея)\w*\s+(?:\w+\s+)?(?:помирає|вмирає|умирает|is dying|dying)"),
    _r(r"\b(?:вмираю|помираю|умираю|i'?m dying|ölürəm|olurem)\s+(?:з|от|від|of|from)?\s*(?:голоду|голода|спраги|жажды|hunger|thirst|boredom|cold|холоду|холода|сміху|смеху)\b"),
]

# Negations that cancel a specific rule when they directly precede its match.
_NEGATED = {
    # Only a negation of the wish itself: "не (дуже) хочу вмерти", "don't (really)
    # want to die". "больше не могу, хочу умереть" / "i'm not ok i want to die"
    # are NOT negations of the wish.
    "want_die": _r(r"\b(?:не|ne)\s+(?:(?:дуже|так|то|зовсім|совсем|очень|особо|особливо|сильно|прям|прямо|і|и)\s+)?$"),
    "want_die_en": _r(r"\b(?:don'?t|dont|do not|not|never|no)\s+(?:(?:really|actually|even|exactly|necessarily|particularly)\s+)?$"),
}

# A message framed as a film / book / game / news plot, with no first person
# anywhere in it, is a retelling, not a disclosure: every suicide rule and the
# jump/kill/weapon rules are cancelled ("в фильме герой прыгает с моста").
# "I read a book where... and I feel the same" keeps its first person and stays flagged.
_FICTION = _r(
    r"\b(?:у|в|во)\s+(?:\w+\s+)?(?:фільм\w*|фильм\w*|кіно|книж\w*|книз\w*|книг\w*|серіал\w*|сериал\w*|грі|игре|мульт\w*|новин\w*|новост\w*|роман\w*|серії|серии|аніме|аниме)\b"
    r"|\b(?:фільм\w*|фильм\w*|гра|игра|серіал\w*|сериал\w*|книжк\w*|книга)\s+(?:де|где|про|о)\b"
    r"|\b(?:in|on)\s+(?:the|a|this|that)\s+(?:\w+\s+)?(?:movie|film|book|game|show|series|novel|news|episode|anime|cartoon|story)\b|\b(?:movie|film|book|game|show|series|episode)\s+(?:where|about)\b"
    r"|\b(?:film|kitab|oyun|serial|x[əe]b[əe]rl[əe]r|xeberler|roman|multfilm|kino)(?:d[əe]|l[əe]rd[əe]|da)\b"
)
_FIRST_PERSON = _r(
    r"\b(?:я|мене|мені|мною|мій|моя|моє|мої|меня|мне|мной|мой|мое|моё|мои|ya|mene|menya|mne|i|i'm|im|i've|i'd|i'll|me|my|myself|mine|m[əe]n|m[əe]ni|m[əe]n[əe]|m[əe]nim|[öo]z[üu]m\w*)\b"
    r"|\b\w+(?:[iıuü]r[əa]m|d[iıuü]m|m[ıiuü][şs][əa]m|[əa]c[əa][ğgk][ıi]?m|[ae]c[ae]m)\b"
)
# ... and only when the frame opens the message or a fictional character is named,
# so "сестра в игре познакомилась с парнем, он говорит что убьет ее" stays flagged.
_FICTION_LEAD = _r(r"^(?:(?:we|ми|мы|biz)\s+\w+\s+)?(?:у|в|во|in|on|the|a|an)?\s*(?:\w+\s+)?(?:фільм|фильм|кіно|книж|книз|книг|серіал|сериал|гр[аіи]\b|игр[аеу]\b|мульт|новин|новост|роман|movie|film|book|game|show|series|novel|news|episode|kitab|oyun|serial|x[əe]b[əe]r|xeber|multfilm|kino)")
_CHARACTER = _r(r"\b(?:геро\w*|персонаж\w*|головн\w* геро\w*|главн\w* геро\w*|character|hero|heroine|protagonist|villain|q[əe]hr[əe]man\w*|personaj\w*)\b")
_FICTION_RULES = frozenset({SUICIDE})  # categories cancelled by a fiction frame
_FICTION_EXTRA = frozenset({"kill_me_en", "i_will_kill", "weapon", "weapon_more", "kill_az", "will_kill_me", "threaten_kill"})
# A calmly told, resolved past: a past marker AND a "now I'm fine" marker, and no
# relapse word. Cancels suicide/self-harm rules only, never violence or threats.
_PAST = _r(r"\b(?:рок\w* тому|років тому|лет назад|год\w* назад|колись|когда-то|раніше|раньше|в дитинстві|в детстве|в юності|в юности|years? ago|when i was|used to|back in|il\s+[əe]vv[əe]l|ill[əe]r\s+[əe]vv[əe]l|vaxtil[əe]|u[şs]aq\s+vaxt)")
_NOW_FINE = _r(r"\b(?:зараз|сейчас|тепер|теперь|now|indi)\s+(?:[\w']+\s+){0,2}(?:добре|хорошо|нормально|ok|okay|fine|good|well|yax[şs][ıi]|yax[şs][ıi]yam|yaxsiyam)\b(?!\s+off)")
# relapse words anywhere, or a "but" after the "now I'm fine", keep the flag
_RELAPSE = _r(r"\b(?:знову|знов|снова|опять|again|yen[əe]|t[əe]z[əe]d[əe]n|повернул\w*|вернул\w*|are back|came back|qay[ıi]td\w*)\b")
_BUT = _r(r"\b(?:але|но|однак|однако|проте|but|however|though|amma|ancaq|lakin)\b")
# "My husband beats me" (ongoing partner abuse, no sign of danger this minute) is
# the domestic-violence topic (handoff to the protection team), as before; the
# present-tense beating rules flag it only with a sign of acute danger. Beating
# by a parent / step-parent / anyone else, or of a child, is always flagged.
_BEATS = frozenset({"beats_person", "beats_person_en", "beats_person_az"})
_PARTNER = _r(r"\b(?:чоловік\w*|муж\w*|хлопець|хлопц\w*|парень|парня|партнер\w*|співмешкан\w*|сожител\w*|колишн\w*|бывш\w*|дружин\w*|жена|жены|husband|boyfriend|bf|partner|wife|girlfriend|ex|muzh\w*|cholovik\w*|hlop\w*|paren\w*|[əe]rim|erim|sevgilim|yolda[şs][ıi]m|keçmi[şs]\s+\w+)\b")
_ACUTE = _r(
    r"\b(?:зараз|щойно|сейчас|только что|now|right now|indi|п'?ян\w*|пьян\w*|drunk|s[əe]rxo[şs]\w*|страшно|боюс[яь]|боюсь|scared|afraid|terrified|qorxuram|"
    r"допоможіть|помогите|рятуйте|спасите|help|k[öo]m[əe]k|ніж\w*|нож\w*|knife|b[ıi][çc]aq\w*|сокир\w*|топор\w*|axe|gun|пістолет\w*|пистолет\w*|silah\w*|"
    r"душит\w*|душить|choking|strangl\w*|bo[ğg]ur\w*|кров\w*|blood|qan\w*|вагітн\w*|беременн\w*|pregnant|hamil\w*|вб'?\w+|убь\w+|убить|kill\w*|[öo]ld[üu]r\w*|"
    r"дит\w*|діт\w*|дет\w*|реб[её]н\w*|kids?|child\w*|baby|u[şs]a[qğ]\w*|usa[qg]\w*|маму|мать|mom|mum|anam[ıi])\b"
)
# Toy and water guns are not weapons.
_TOY = _r(r"\b(?:водян\w*|іграшков\w*|игрушечн\w*|water|toy|nerf|oyuncaq|su)\s+(?:пістолет\w*|пистолет\w*|guns?|tapan[çc]a\w*)")

_NEAR = 8  # characters around an exaggeration within which it cancels a kill/die pattern
_RULES = _rules()
_PIECE_LENGTHS = piece_lengths(rule.grams for rule in _RULES)
# Emoji a child may send instead of words: a knife, blood, pills, a skull, a rope, a coffin, a gun, a grave.
# Normalisation drops emoji (they carry no topic), so this rule reads the raw text. It flags only a message
# that is (nearly) nothing but them, or "хочу 💀" / "I want to 💀": a knife in a recipe stays a recipe.
_DANGER_EMOJI = re.compile("[\U0001F52A\U0001FA78\U0001F48A\U0001F480\u2620\U0001FAA2\u26B0\U0001F52B\U0001FAA6]")
_EMOJI_WORDS = 3
_EMOJI_RULE = _Rule("danger_emoji", _DANGER_EMOJI, 0.6, SUICIDE)
_CATEGORY_OF = {rule.name: rule.category for rule in (*_RULES, _EMOJI_RULE)}


# A skull among laughter is teenagers' "I'm dead (laughing)", not a death.
_LAUGH = re.compile("[\U0001F602\U0001F923]|\\b(?:lol|lmao|haha\\w*|ахах\\w*|хаха\\w*|xaxa\\w*)\\b", re.IGNORECASE)


def _emoji_hit(text: str, norm: str) -> tuple[float, _Rule] | None:
    found = set(_DANGER_EMOJI.findall(text))
    if not found or len(norm.split()) > _EMOJI_WORDS or (found == {"\U0001F480"} and _LAUGH.search(text)):
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
        norm = normalize(text)
        emoji = _emoji_hit(text, norm)
        if not norm and emoji is None:
            return CrisisResult(False, 0.0, None)
        hits = _hits(norm) if norm else []
        return _combine(hits + [emoji] if emoji is not None else hits, self.threshold)


def _hits(norm: str) -> list[tuple[float, _Rule]]:
    # A rule's regex runs only when the message holds one of the pieces every
    # match of it contains (regex_prefilter: usually a handful of the ~100
    # rules). One big alternation would save nothing: Python's re tries every
    # branch at every position. The context checks
    # (exaggeration, fiction, resolved past, toys) cost as much as the rules, so
    # each runs only when a matched rule needs it.
    grams = text_grams(norm, _PIECE_LENGTHS)
    matches = [(rule, m) for rule in _RULES
               if (rule.grams is None or not grams.isdisjoint(rule.grams)) and (m := rule.regex.search(norm))]
    if not matches:  # almost every message
        return []
    context = _Context(norm)
    hits: list[tuple[float, _Rule]] = []
    for rule, m in matches:
        if rule.also is not None and not rule.also.search(norm):
            continue
        # Exaggeration cancels a kill/die pattern only near it, so "this homework is
        # killing me and i want to die" is still a crisis.
        if rule.hyperbole and any(a < m.end() and m.start() < b for a, b in context.hyperbole_spans()):
            continue
        if (rule.category in _FICTION_RULES or rule.name in _FICTION_EXTRA) and context.fiction():
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

    __slots__ = ("norm", "_spans", "_fiction", "_resolved", "_toys")

    def __init__(self, norm: str) -> None:
        self.norm = norm
        self._spans: list[tuple[int, int]] | None = None
        self._fiction: bool | None = None
        self._resolved: bool | None = None
        self._toys: list[tuple[int, int]] | None = None

    def hyperbole_spans(self) -> list[tuple[int, int]]:
        if self._spans is None:
            self._spans = [(m.start() - _NEAR, m.end() + _NEAR) for h in _HYPERBOLE for m in h.finditer(self.norm)]
        return self._spans

    def fiction(self) -> bool:
        if self._fiction is None:
            norm = self.norm
            self._fiction = (
                _FICTION.search(norm) is not None
                and _FIRST_PERSON.search(norm) is None
                and (_FICTION_LEAD.search(norm) is not None or _CHARACTER.search(norm) is not None)
            )
        return self._fiction

    def resolved(self) -> bool:
        if self._resolved is None:
            norm = self.norm
            fine = _NOW_FINE.search(norm)
            self._resolved = (
                fine is not None
                and _PAST.search(norm) is not None
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
