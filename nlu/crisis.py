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

When in doubt the layer flags: a false alarm costs an operator a minute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from .textnorm import normalize

__all__ = ["CrisisResult", "CrisisDetector", "SUICIDE", "VIOLENCE", "CHILD", "THREAT", "FLAG_THRESHOLD"]

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


def _r(pattern: str) -> re.Pattern[str]:
    # Two cues "in the same message" means within ~200 characters: bounded gaps
    # keep matching linear in the message length.
    return re.compile(pattern.replace(".*", ".{0,200}"), re.UNICODE)


# Shared word classes -------------------------------------------------------
_NOW = r"(?:зараз|прямо зараз|щойно|сейчас|прямо сейчас|тільки що|только что|now|right now|indi|indicə|hal[ıi]-hazırda)"
_NOT = r"(?:не|ne|not|don'?t|do not|never)"
_CHILD = (
    r"(?:\d+\s*(?:year|yr)s?\s*old|\d+\s*(?:рок\w*|річн\w*|год\w*|лет|місяц\w*|месяц\w*|ya[şs]\w*|ayl[ıi]q)|дит\w*|діт\w*|дет\w*|сестр[её]нк\w*|братишк\w*|малюк\w*|малыш\w*|немовл\w*|младен\w*|груднич\w*|син\b|сина|синок\w*|сын\w*|"
    r"доньк\w*|донечк\w*|дочк\w*|доч\w*|реб[её]н\w*|ребенк\w*|сестричк\w*|братик\w*|дівчинк\w*|девочк\w*|хлопчик\w*|мальчик\w*|"
    r"child\w*|kid\w*|baby|babies|toddler\w*|son\b|daughter\w*|little (?:brother|sister)|"
    r"uşa[qğ]\w*|usa[qg]\w*|k[öo]rp[əe]\w*|o[ğg]lum\w*|q[ıi]z[ıi]m\w*|balaca\w*)"
)


def _rules() -> list[_Rule]:
    R: list[_Rule] = []

    def add(name: str, pattern: str, weight: float, category: str, hyperbole: bool = False) -> None:
        R.append(_Rule(name, _r(pattern), weight, category, hyperbole))

    # ------------------------------------------------------------ suicide / self-harm
    add("suicide_word", r"\b(?:самогуб\w*|самоуб\w*|су[иії]цид\w*|suicid\w*|samou?b\w*|samohub\w*|samogub\w*|s[uy][iy][ct]s?[iy]d\w*|intihar\w*|inti̇har\w*)", 0.95, SUICIDE)
    add("end_with_self", r"\b(?:покінч\w*|покінчу|покінчити|покончит\w*|покончу|поконч\w*|pokon?ch\w*|pokinch\w*)\s+(?:з|із|с|z|s)\s+(?:собою|собой|життям|жизнью|sob\w*|zhytt\w*|zhizn\w*)", 0.97, SUICIDE)
    add("hands_on_self", r"\bна(?:класти|кладу|клала|клав|ложить|ложу|ложила|ложил)\s+на\s+себ[еяі]\s+руки", 0.95, SUICIDE)
    add("kill_self_uk", r"\b(?:вб'?\w+|убь\w+|уби\w+|ub'?y\w*|ubit\w*|vb'?y\w*)\s+(?:себе|себя|seb[ey]a?|sebe)\b", 0.95, SUICIDE)
    add("self_kill_uk", r"\b(?:себе|себя|sebe|sebya)\s+(?:вб'?\w+|убь\w+|уби\w+|ub\w+|vb\w+)", 0.95, SUICIDE)
    add("no_want_live", r"\b(?:не|ne)\s+(?:хочу|хочеться|хочется|хо[тч]\w*|k?hochu|khochetsya|hochetsya|xochu|хотіла?|хотела?)\s+(?:(?:більше|больше|вже|уже|вообще|взагалі|bilshe|bolshe|uzhe|vzhe)\s+)*(?:жи(?:ти|ть|т)|zh[iy]t[iy]?|zhyty|зачем жить)\b", 0.95, SUICIDE)
    add("live_no_want", r"\b(?:жи(?:ти|ть)|zh[iy]t[iy]?)\s+(?:(?:більше|больше|вже|уже)\s+)?(?:не|ne)\s+(?:хочу|хочеться|хочется|k?hochu)", 0.95, SUICIDE)
    add("no_want_wake", r"\b(?:не|ne)\s+(?:хочу|хочеться|хочется|k?hochu)\s+(?:(?:більше|больше)\s+)?(?:прокидат\w*|просыпат\w*|прокинут\w*|проснут\w*)", 0.8, SUICIDE)
    add("sleep_no_wake", r"\b(?:заснути|заснуть|уснуть|заснуть)\s+(?:і|и|та)\s+(?:не|никогда не|більше не)\s+(?:прокинут\w*|проснут\w*)", 0.85, SUICIDE)
    add("want_die", r"(?<!не )(?<!ne )\b(?:хочу|хочеться|хочется|хотіла б|хотела бы|k?hochu)\s+(?:просто\s+)?(?:вмерти|померти|вмерт\w*|умерт\w*|умереть|помереть|сдохн\w*|здохн\w*|умер\w*|umeret\w*|pomerty|vmerty|umerty|sdohnut\w*|zdohnuty|зникнути назавжди|исчезнуть навсегда|не існувати|не существовать)", 0.93, SUICIDE, hyperbole=True)
    add("better_dead_uk", r"\b(?:краще|лучше)\s+(?:б|бы)\s+(?:я\s+)?(?:помер\w*|вмер\w*|умер\w*|здох\w*|сдох\w*|не народ\w*|не родил\w*|не жил\w*|не жив\w*)", 0.85, SUICIDE)
    add("better_without_me", r"\b(?:всім|всем|усім|рідним|родным|мамі|маме)\s+(?:буде|будет|стане|станет)\s+(?:краще|лучше|легше|легче)\s+без\s+(?:мене|меня)", 0.9, SUICIDE)
    add("no_sense_live", r"\b(?:сенсу|смысла|сенс|смысл)\s+(?:\w+\s+)?(?:жи(?:ти|ть)|життя|жизни)|\b(?:життя|жизнь)\s+(?:не\s+має|не\s+имеет|втратило|потеряла)\s+(?:\w+\s+)?(?:сенс\w*|смысл\w*)", 0.8, SUICIDE)
    add("cut_veins", r"\b(?:ріж\w*|реж\w*|поріз\w*|порез\w*|вскр\w*|розріз\w*|різати|резать|порізати|порезать|rizh\w*|rezh\w*|porez\w*)\s+(?:\w+\s+){0,2}(?:вени|вены|руки|себе|себя|зап'ястя|запяст\w*|ven[iy]|ruk[iy]|sebe|sebya)\b", 0.9, SUICIDE)
    add("self_harm_word", r"\b(?:самоушкодж\w*|самопошкодж\w*|селфхарм\w*|самоповрежд\w*|self[ -]?harm\w*|selfharm\w*)", 0.9, SUICIDE)
    add("pills_all", r"\b(?:наковт\w*|наглот\w*|проглот\w*|проковт\w*|напит\w*|вип'?ю|выпью|випити|выпить|вип'?ю|з'?їм|съем|випила|выпила|випив|выпил|ковтн\w*|глотн\w*)\s+(?:\w+\s+){0,3}(?:таблет\w*|пігулк\w*|ліки|ліків|лекарств\w*|снодійн\w*|снотворн\w*|отрут\w*|отрав\w*|tablet\w*)", 0.85, SUICIDE)
    add("poison_self", r"\b(?:отруїт\w*|отравит\w*|отравлюсь|отруюсь)\b", 0.85, SUICIDE)
    add("jump_from", r"\b(?:стриб\w*|скоч\w*|зістриб\w*|вистриб\w*|прыг\w*|спрыг\w*|выпрыг\w*|кинус\w*|кинут\w*|брош\w*|бросит\w*|шагн\w*|кроку)\s+(?:\w+\s+){0,2}(?:з|із|с|под|під|из|вниз з)\s+(?:\w+\s+)?(?:даху|мосту|вікна|крыши|моста|окна|балкон\w*|поверх\w*|этаж\w*|висот\w*|высот\w*|поїзд|поезд|потяг|машин\w*|скелі|скалы)", 0.9, SUICIDE)
    add("under_train", r"\b(?:під|под)\s+(?:поїзд|поезд|потяг|машину|електричку|электричку)", 0.8, SUICIDE)
    add("hang_self", r"\b(?:повіситис[яь]|повішус\w*|повісил\w*|повісив\w*|повеситься|повешус\w*|повесил\w*|вішатис[яь]|вешаться|петл\w*\s+на\s+ш\w+)", 0.9, SUICIDE)
    add("death_thoughts", r"\b(?:думк\w*|думаю|думает\w*|мысл\w*|думки)\s+(?:\w+\s+)?(?:про|о|об)\s+(?:смерть|смерті|смерти|суїцид|суицид|самогубство)", 0.85, SUICIDE)
    add("wont_be_soon", r"\b(?:мене|меня)\s+(?:скоро|більше|больше|вже|уже)\s+не\s+(?:буде|будет)\b(?!\s+(?:вдома|дома|на|в|у))", 0.65, SUICIDE)
    add("last_message", r"\b(?:останн\w*|последн\w*)\s+(?:повідомлен\w*|сообщен\w*|день|ніч|ночь)\s+(?:\w+\s+)?(?:в|у)?\s*(?:моєму|моем|моём)?\s*(?:житт\w*|жизн\w*)", 0.85, SUICIDE)
    add("goodbye_forever", r"\b(?:прощавайте|прощайте|прощай|бувайте|goodbye|farewell)\s+(?:\w+\s+)?(?:назавжди|навсегда|forever|everyone forever)", 0.7, SUICIDE)
    # English
    add("kill_myself_en", r"\bkill(?:ing|ed)?\s+my\s*self\b|\bkms\b|\bunalive\w*", 0.95, SUICIDE)
    add("end_life_en", r"\bend(?:ing)?\s+(?:my\s+(?:own\s+)?life|it\s+all|everything|my\s+suffering)\b|\btake\s+my\s+(?:own\s+)?life\b", 0.93, SUICIDE)
    add("want_die_en", r"(?<!n't )(?<!dont )(?<!not )(?<!never )\b(?:want|wanna|wish|going|gonna|ready)\s+(?:to\s+)?(?:just\s+)?die\b(?!\s+(?:of|from|laughing))", 0.93, SUICIDE, hyperbole=True)
    add("no_want_live_en", r"\b(?:don'?t|do not|no longer|dont even|not)\s+(?:\w+\s+)?(?:want|wanna|wish)\s+(?:to\s+)?(?:live|be alive|exist|wake up|be here)\b", 0.93, SUICIDE)
    add("better_dead_en", r"\bbetter\s+off\s+(?:dead|without\s+me)\b|\bwish\s+i\s+(?:was|were)\s+(?:dead|never born)\b|\bwish\s+i\s+(?:had\s+)?never\s+(?:been\s+)?born\b", 0.88, SUICIDE)
    add("no_reason_live_en", r"\bno\s+(?:reason|point)\s+(?:to|in)\s+(?:liv\w*|go\w* on|being alive)\b|\blife\s+is\s+(?:not\s+worth|pointless|meaningless)", 0.8, SUICIDE)
    add("cut_self_en", r"\bcut(?:ting|s)?\s+(?:my\s*self|myself|my\s+(?:wrists?|arms?|legs?|veins?))\b|\bslit\s+my\s+wrists?\b|\bhurt(?:ing)?\s+my\s*self\b|\bburn(?:ing)?\s+my\s*self\b", 0.9, SUICIDE)
    add("pills_en", r"\boverdos\w*|\b(?:swallow\w*|take|took|taking|eat|ate)\s+(?:\w+\s+){0,4}(?:pills|tablets|sleeping pills|painkillers)\b", 0.85, SUICIDE)
    add("jump_en", r"\bjump(?:ing)?\s+(?:off|from|out of)\s+(?:a\s+|the\s+|my\s+)?(?:bridge|roof|building|window|balcony|cliff)|\bhang(?:ing)?\s+my\s*self\b|\bin\s+front\s+of\s+a\s+train\b", 0.9, SUICIDE)
    add("not_be_here_en", r"\b(?:not\s+be\s+(?:here|around)\s+(?:anymore|tomorrow|much longer))\b|\bdisappear\s+forever\b|\bthoughts?\s+(?:of|about)\s+(?:death|dying|suicide|killing)", 0.8, SUICIDE)
    # Azerbaijani
    add("kill_self_az", r"\b[öo]z[üu]m[üu]\s+(?:[öo]ld[üu]r\w*|as\w*|yandır\w*|yandir\w*|pəncərədən|atac\w*|at\w*)", 0.93, SUICIDE)
    add("no_want_live_az", r"\bya[şs]a(?:maq|ma[ğg]a)\s+(?:daha\s+)?(?:ist[əe]m[iı]r\w*|ist[əe]mir\w*|h[əe]v[əe]sim yoxdur)", 0.93, SUICIDE)
    add("want_die_az", r"\b[öo]lm[əe]k\s+(?:ist[əe]yir\w*|ist[əe]r\w*|ist[əe]yir[əe]m|isteyirem)|\b[öo]lm[əe]y[əe]\s+haz[ıi]ram", 0.93, SUICIDE, hyperbole=True)
    add("end_life_az", r"\bh[əe]yat[ıi]m[ae]?\s+son\s+(?:qoy\w*|ver\w*)|\bcan[ıi]ma\s+q[əe]sd", 0.95, SUICIDE)
    add("harm_self_az", r"\b[öo]z[üu]m[əe]\s+(?:z[əe]r[əe]r|x[əe]sar[əe]t|xesaret|ziyan)|\bdamar\w*\s+k[əe]s\w*|\b[əe]l\w*\s+k[əe]sir[əe]m", 0.9, SUICIDE)
    add("jump_az", r"\b(?:k[öo]rp[üu]d[əe]n|damdan|p[əe]nc[əe]r[əe]d[əe]n|binadan|eyvandan|balkondan)\s+(?:[öo]z[üu]m[üu]\s+)?(?:at\w*|tullan\w*)", 0.88, SUICIDE)
    add("pills_az", r"\b(?:d[əe]rman\w*|h[əe]b\w*)\s+(?:\w+\s+)?(?:i[çc]ib\s+[öo]l\w*|i[çc][əe]c[əe]y[əe]m|udaca[ğg]am|udub|hamısını i[çc])", 0.85, SUICIDE)
    add("better_dead_az", r"\b[öo]ls[əe]m\s+(?:daha\s+)?yax[şs][ıi]|\bm[əe]ns[iı]z\s+(?:\w+\s+){0,2}yax[şs][ıi]|\bya[şs]ama(?:[ğg][ıi]n|n[ıi]n)\s+(?:he[çc]\s+bir\s+)?m[əe]nas[ıi]\s+yox|\b[öo]l[üu]m\s+haqq[ıi]nda\s+d[üu][şs][üu]n", 0.85, SUICIDE)

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
    add("will_kill_me", r"\b(?:вб'?є|убь[её]т|уб'?ет|vb'?ye|ub'?yet)\s+(?:мене|меня|нас|дітей|детей|mene|menya)\b|\b(?:мене|меня|нас|mene|menya)\s+(?:вб'?ють|вб'?є|убь[её]т|убьют|vb'?yut|ub'?yut)\b", 0.93, THREAT, hyperbole=True)
    add("threaten_kill", r"\b(?:погрож\w*|угрожа\w*|обіця\w*|обеща\w*|каже|сказав|говорит|сказал|threaten\w*|said he\s*(?:will|would|'ll))\s+(?:\w+\s+){0,3}(?:вбити|убить|вб'?є|убь[её]т|зарізати|зарезать|застрелити|застрелить|kill)", 0.93, THREAT)
    add("kill_me_en", r"\b(?:going to|gonna|will|'ll|is trying to|tried to|wants to|want to)\s+kill\s+(?:me|us|my|the kids|her|him)\b|\bkill(?:s|ing)?\s+(?:me|us)\b", 0.9, THREAT, hyperbole=True)
    add("kill_az", r"\b(?:m[əe]ni|bizi|u[şs]aqlar[ıi])\s+[öo]ld[üu]r[əe]c[əe]k\w*|\b[öo]ld[üu]rm[əe]kl[əe]\s+h[əe]d[əe]l\w*|\b[öo]ld[üu]r[əe]c[əe]y[əe]m", 0.93, THREAT, hyperbole=True)
    add("i_will_kill", r"\b(?:я\s+)?(?:(?:його|її|их|його|его|ее|её|їх|тебе|тебя|всіх|всех)\s+(?:вб'?ю|убью|зарежу|заріжу|застрелю)|(?:вб'?ю|убью|зарежу|заріжу|застрелю)\s+(?:його|її|его|ее|её|їх|их|тебе|тебя|всіх|всех|\w+))\b|\bi(?:'ll| will| am going to| m going to| m gonna| gonna)\s+kill\s+(?:him|her|them|you|someone|everyone|my \w+)\b", 0.75, THREAT, hyperbole=True)
    add("weapon", r"\b(?:з ножем|с ножом|ніж до|нож к|погрож\w* ножем|угрожа\w* ножом|кида\w* з ножем|пістолет\w*|пистолет\w*|рушниц\w*|ружь\w*|обріз|обрез|гранат\w*|with a knife|a gun|his gun|knife to|(?:has|got|holding|pulled|with) (?:a|his|the) (?:knife|gun|rifle|axe)|[əe]lind[əe] b[ıi][çc]aq|b[ıi][çc]aqla h[əe]d[əe]l\w*|b[ıi][çc]aq [çc][əe]k\w*|silah\w*|tapan[çc]a\w*)", 0.85, THREAT)
    add("not_breathing", r"\b(?:не дихає|не дышит|перестав дихати|перестал дышать|not breathing|stopped breathing|n[əe]f[əe]s alm[ıi]r|без свідомості|без сознания|непритомн\w*|unconscious|hu[şs]unu itir\w*|передоз\w*|overdos\w*)", 0.9, THREAT)
    add("bleeding", r"\b(?:сильна кровотеча|кровотеча|кровотечение|кров не зупиняється|кровь не останавливается|багато крові|много крови|bleeding (?:a lot|badly|heavily)|qan ax[ıi]r|[çc]ox qan)", 0.88, THREAT)
    add("fire_rubble", r"\b(?:пожежа|пожар|горить будинок|горит дом|під завалами|под завалами|завалило|house is on fire|on fire|trapped under|yan[ğg][ıi]n|ev yan[ıi]r|da[ğg][ıi]nt[ıi] alt[ıi]nda)\b", 0.85, THREAT)
    add("someone_dying", r"\b(?:помирає|вмирає|умирает|is dying)\b", 0.6, THREAT, hyperbole=True)
    add("emergency_medical", r"\b(?:інфаркт|инфаркт|інсульт зараз|инсульт сейчас|heart attack|seizure|судом\w*|приступ|epilepsi\w*|qıcolma|infarkt)\b", 0.55, THREAT)
    return R


# Everyday exaggeration: cancels only rules marked hyperbole=True.
_HYPERBOLE = [
    _r(r"\b(?:від|от|з|зі|со|із)\s+(?:сміху|смеху|нудьги|скуки|сорому|стыда|спеки|жары|цікавості|любопытства|втоми|усталости)\b"),
    _r(r"\b(?:вмираю|помираю|умираю|dying)\s+(?:як|как|так)\s+(?:хочу|хочется)\b|\b(?:вмираю|помираю|умираю)\s+(?:хочу|хочется)\s+(?:їсти|есть|спати|спать|пити|пить)"),
    _r(r"\b(?:laugh\w*|lol|lmao|haha\w*|хаха\w*|ахах\w*|boredom|bored|of embarrassment|of cringe|to see|to know|to try|to meet|for a|of hunger|from the heat)\b"),
    _r(r"\b(?:homework|exam|exams|work|job|this|that|it|traffic|heat|my feet|my back|my legs|the suspense|you|these shoes|boss|math|maths)\s+(?:is|are|'s|s)?\s*(?:killing|kills|gonna kill|going to kill)\s+me\b"),
    _r(r"\b(?:домашка|домашнє|домашнее|контрольна|контрольная|екзамен|экзамен|математика|робота|работа|спека|жара|ця|эта|цей|этот|це|это|начальник|шеф|вчителька|училка|сесія|сессия)\w*\s+(?:\w+\s+)?(?:мене|меня)\s+(?:вб'?є|вбиває|убьет|убьёт|убивает|доконає|доконает)"),
    _r(r"\b(?:якщо|если|if|əgər|əg[əe]r)\b.*\b(?:з'?їсть|з'?їв|зʼїсть|съест|съел|eats?|ate|візьме|возьмет|возьмёт|takes?|touch(?:es)?|чіпатиме|трогать|тронет|спойлер\w*|spoil\w*|yes[əe]|yey[əe]r|g[öo]t[üu]r[əe]r|програ\w*|lose|проиграет)\b"),
    _r(r"\b(?:вбити|убить|kill)\s+(?:час|время|time)\b"),
    _r(r"\b\w+(?:s[əa])\b.*\b[öo]ld[üu]r[əe]c[əe]y[əe]m"),  # Azerbaijani conditional: "tortumu yesə ... öldürəcəyəm"
    _r(r"\b(?:could|would)\s+kill\s+for\b|\bkill(?:ed|ing)?\s+it\b|\bdressed to kill\b|\bkiller\s+(?:app|deal|look)"),
    _r(r"\b(?:g[üu]lm[əe]kd[əe]n|darıxmaqdan|darixmaqdan|ac[ıi]ndan|yorğunluqdan|yorgunluqdan|istid[əe]n)\s+[öo]l\w*"),
    _r(r"\b(?:батарея|батарейка|телефон|ноутбук|рослина|растение|цветок|квітка|battery|phone|plant|laptop|батарея)\w*\s+(?:\w+\s+)?(?:помирає|вмирає|умирает|is dying|dying)"),
    _r(r"\b(?:вмираю|помираю|умираю|i'?m dying|ölürəm|olurem)\s+(?:з|от|від|of|from)?\s*(?:голоду|голода|спраги|жажды|hunger|thirst|boredom|cold|холоду|холода|сміху|смеху)\b"),
]

# Negations that cancel a specific rule when they directly precede its match.
_NEGATED = {
    "want_die": _r(r"\b(?:не|ne)\s+(?:\w+\s+)?$"),
    "want_die_en": _r(r"\b(?:don'?t|do not|not|never|no)\s+(?:\w+\s+)?$"),
}

_NEAR = 8  # characters around an exaggeration within which it cancels a kill/die pattern
_RULES = _rules()
_ANY = re.compile("|".join(f"(?:{r.regex.pattern})" for r in _RULES), re.UNICODE)


class CrisisDetector:
    """Score 0..1 and a flag; stateless and thread-safe."""

    def __init__(self, threshold: float = FLAG_THRESHOLD) -> None:
        self.threshold = threshold

    def detect(self, text: str) -> CrisisResult:
        norm = normalize(text)
        if not norm:
            return CrisisResult(False, 0.0, None)
        return _combine(_hits(norm), self.threshold)


def _hits(norm: str) -> list[tuple[float, _Rule]]:
    if not _ANY.search(norm):  # fast path: almost every message
        return []
    # Exaggeration cancels a kill/die pattern only near it, so "this homework is
    # killing me and i want to die" is still a crisis.
    spans = [(m.start() - _NEAR, m.end() + _NEAR) for h in _HYPERBOLE for m in h.finditer(norm)]
    hits: list[tuple[float, _Rule]] = []
    for rule in _RULES:
        m = rule.regex.search(norm)
        if not m:
            continue
        if rule.hyperbole and any(a < m.end() and m.start() < b for a, b in spans):
            continue
        neg = _NEGATED.get(rule.name)
        if neg is not None and neg.search(norm[: m.start()]):
            continue
        hits.append((rule.weight, rule))
    return hits


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
