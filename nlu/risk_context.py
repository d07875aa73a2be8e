"""Context that makes a hard word harmless: a lesson, a past that is over, a denial, a film.

The crisis rules fire on words ("suicide", "overdose", "jumped off a
bridge") and a rule hit was always at least a safety question, so a teacher
asking for a prevention lesson, a volunteer who survived an attempt years
ago and a child crying over a film were all asked "are you safe right now?".
The learned model already scores such messages near zero, but the model
alone must not overrule a rule: on text unlike anything it was trained on
it also scored "Ok, final decision: suicide" near zero.

So the rules' word is overruled only when three things agree: the rule is
not one of the precise core rules, the model says "none", and the message
itself says why it is harmless, in words this module recognises. The cues
are deliberately narrow: an explicit denial, not "don't worry" (a farewell
says that); "a school project", not "school"; "years ago", not "before";
"joking", not "not joking" and not "lol" (teenagers in crisis write it).
Round 8 added three: keeping a dangerous thing safe ("how do we store the
licensed shotgun so the children can't reach it"), a question of one's trade
("I'm a school nurse, how do I ask a pupil about suicidal thoughts?") and what
is allowed in general ("from what age can a child stay home alone?"). Round 10
added a hunt or a shooting range named with the gun ("на охоту с отцом поедем,
ружье у него в сейфе...").

Patterns run on normalised text (textnorm.normalize: lower case, no
punctuation, one apostrophe, ё→е, ґ→г) and accept Azerbaijani with or
without its own letters.
"""

from __future__ import annotations

import re

from .noise import AZ_PLAIN

__all__ = ["CONTEXTS", "RELAPSE", "safe_contexts"]

# Azerbaijani letters as people type them with or without the special ones.
_AZ = str.maketrans({letter: f"[{letter}{plain}]" for letter, plain in AZ_PLAIN.items()})


def _az(pattern: str) -> str:
    return pattern.translate(_AZ)


_CONTEXT_SOURCES: dict[str, list[str]] = {
    # a lesson, a training, a study or a poster about the subject, not the writer's own danger
    "prevention": [
        r"\bпрофілактик\w*|\bпрофилактик\w*|\bprevention\b",
        r"\b(?:класн\w+|виховн\w+) годин\w*|\bгодин\w* спілкування|\bклассн\w+ час\w*|\bform tutor\b",
        r"\bтренінг\w*|\bтренинг\w*|\bвебінар\w*|\bвебинар\w*|\bсемінар\w*|\bсеминар\w*|\bworkshop\w*|\bwebinar\w*",
        r"\b(?:training|lesson|lecture|class|assembly) (?:on|about|for)\b",
        # the same in Ukrainian and Russian, for a class of pupils or their teachers, not "a lesson for everyone"
        r"\b(?:урок\w*|лекці\w*|лекци\w*|заняття|заняти\w*) (?:для|про|о|на тему) (?:\w+ )?"
        r"(?:підлітк|подростк|учн|учени|дітей|детей|школяр|школьник|старшоклас|клас|батьк|родител|вчител|учител|педагог)",
        r"\b(?:курсов\w*|диплом\w*|реферат\w*|есе|эссе|дисертаці\w*|диссертаци\w*|coursework|dissertation|thesis|essay)\b",
        r"\b(?:шкільн\w+|школьн\w+|school|university|uni|college) (?:проєкт\w*|проект\w*|project\w*|assignment\w*)\b",
        r"\b(?:проєкт\w*|проект\w*|project\w*) (?:з|по|для|on|about|for)\b",
        r"\bстатистик\w*|\bstatistic\w*|\bstats\b|\bдослідженн\w*|\bисследовани\w*|\bresearch\w*",
        r"\bметодичк\w*|\bметодичн\w*|\bhandbook\w*|\bплакат\w*|\bposter\w*|\bпрезентаці\w*|\bпрезентаци\w*|"
        r"\bpresentation\w*|\bleaflet\w*|\bbrochure\w*|\bbooklet\w*|\bлистовк\w*|\bбуклет\w*|\bпам'ятк\w*"
        r"|\bпамятк\w*|\bстенд\w*|\bдоклад\w*|\bдоповід\w*|\bлітератур\w* для\b|\bлитератур\w* для\b",
        r"\b(?:для|for) (?:волонтерів|волонтеров|волонтерок|вожатих|вожатых|учнів|учеников|школярів|школьников|"
        r"volunteers|pupils|teachers)\b",
        r"\bвожат\w*",
        # a first-aid lesson or course names the emergencies it teaches ("unconscious, gas, overdose")
        r"\b(?:урок\w*|заняття|занятт\w+|занят\w+|курс\w*|тренуванн\w*|lesson\w*|class\w*|course\w*|training)"
        r" (?:\w+ )?(?:з |по |on |in |of )?(?:перш\w*|перв\w*|first) (?:\w+ )?(?:допомог\w*|помощ\w*|aid)\b"
        r"|\bfirst aid (?:lesson|class|course|training|session)\w*",
        _az(r"\bilk (?:tibbi )?yardım (?:dərs\w*|kurs\w*|təlim\w*|məşğələ\w*)"),
        # session 18, round 14: a course that teaches resuscitation ("на курсах вчили робити серцево-легеневу
        # реанімацію, що робити коли людина не дихає")
        r"\b(?:курс\w*|урок\w*|заняття|занят\w+|тренінг\w*|тренинг\w*|class\w*|course\w*|training|вчили|учили|"
        r"навчил\w*|научил\w*|learn\w*|kurs\w*|dərs\w*)\b.*\b(?:реанімац\w*|реанимац\w*|cpr|серцево.легенев\w*|"
        r"сердечно.легочн\w*|reanimasiya\w*)",
        _az(r"\bprofilaktika\w*|\bqarşısının alınması\w*|\bsinif saatı\w*|\btəlim\w*|\bseminar\w*|\bvebinar\w*"),
        _az(
            r"\blayihə\w*|\breferat\w*|\bdissertasiya\w*|\bstatistika\w*|\btədqiqat\w*|\bmetodik\w*|\btəqdimat\w*"
            r"|\bposter\w*|\bkönüllülər üçün\b|\bşagirdlər üçün\b|\bvalideynlər üçün\b"
        ),
    ],
    # it happened and it is over: the writer (or someone) is well now
    "past": [
        r"\b(?:\d+|кілька|декілька|два|дві|три|чотири|пять|п'ять|багато|пару) (?:рок\w*|років|місяц\w*) тому\b",
        r"\b(?:\d+|несколько|два|две|три|четыре|пять|много|пару) (?:лет|год\w*|месяц\w*) назад\b",
        r"\b(?:\d+|a few|few|two|three|four|five|many|couple of|some) (?:years?|months?) ago\b",
        r"\bторік\b|\bминулого року\b|\bв прошлом году\b|\blast year\b|\b(?:у|в|in) (?:19|20)\d\d\b",
        r"\b(?:в|у) (?:підлітковому|подростковом) віці\b|\bв подростковом возрасте\b|\bв юност[іи]\b|\bв дитинстві\b"
        r"|\bв детстве\b|\bas a (?:teen|teenager|kid|child)\b|\bwhen i was (?:younger|a teen\w*|a kid|\d+)\b",
        r"\bвже (?:\d+ |кілька |два |три |пів)?(?:рок\w*|років|місяц\w*) (?:як|без|чист\w*)\b"
        r"|\bуже (?:\d+ |несколько |два |три |пол)?(?:год\w*|лет|месяц\w*) (?:как|без|чист\w*)\b"
        r"|\b(?:\d+|two|three|a few) (?:years?|months?) clean\b|\bclean for (?:\d+|a|two|three) (?:years?|months?)\b",
        r"\b(?:колись|раніше|у минулому|в минулому) (?:я |ми )?(?:різала|різав|намагал\w*|пробувал\w*|хотіл\w*|"
        r"думал\w*|мав|мала|була|був)\b"
        r"|\b(?:когда-то|когда то|раньше|в прошлом) (?:я |мы )?(?:резала|резал|пыталас\w*|пытался|пробовал\w*|"
        r"хотел\w*|думал\w*|была|был)\b|\bi used to (?:cut|self harm|hurt|burn|think|try|want)\w*"
        r"|\bback then\b|\bin the past\b",
        # "I took an overdose once. That was a long time ago": the writer says it is the past (session 14)
        r"\b(?:це|то) було давно\b|\bэто было давно\b|\bthat was (?:a long time|long|years) ago\b"
        r"|\bколись (?:я )?(?:наковтал\w*|випил\w*)|\bкогда[- ]то (?:я )?(?:наглотал\w*|выпил\w*)",
        _az(r"\bçoxdan olub\b"),
        # an age the writer was: "коли мені було 15", "когда мне было 15", "15 yaşımda"
        r"\b(?:коли|когда) (?:мені|мне) (?:було|было) (?:\d+|п'?ятнадцять|шістнадцять|пятнадцать|шестнадцать)\b",
        _az(r"\b\d+ yaşımda\b|\b\d+ yaşında (?:olanda|ikən)\b"),
        _az(r"\b(?:keçən|ötən) (?:il|ay|yay|qış)\b"),  # last year (round 8)
        # the years after the number, and years gone by (round 10: "років три тому", "прошло 10 лет", "10 il keçib")
        r"\b(?:рок\w*|років|місяц\w*) (?:\d+|два|дві|три|чотири|п'ять|кілька) тому\b"
        r"|\b(?:лет|год\w*|месяц\w*) (?:\d+|два|две|три|четыре|пять|несколько) назад\b",
        r"\b(?:минуло|пройшло|прошло|прошел) (?:вже |уже )?(?:\d+|два|дві|две|три|п'ять|пять|десять|кілька|несколько)"
        r" (?:рок\w*|років|лет|год\w*)\b|\bit'?s been (?:\d+|two|three|five|ten|a few|many) years\b",
        _az(r"\b(?:\d+|iki|üç|beş|on) il keçib\b"),
        _az(
            r"\b(?:\d+|bir neçə|iki|üç|dörd|beş) (?:il|ay) (?:əvvəl|öncə)\b|\bəvvəllər\b|\bkeçmişdə\b|\bvaxtilə\b"
            r"|\buşaqlıqda\b|\byeniyetmə (?:vaxtı|ikən|olanda)\b|\b(?:\d+|iki|üç) (?:il|ay)dır təmiz\w*"
        ),
    ],
    # an explicit "no" to the very question the safety check would ask
    "denial": [
        r"\b(?:думок|думки|мыслей|мысли) (?:про|о|об) (?:суїцид\w*|самогубств\w*|суицид\w*|самоубийств\w*|смерт\w*)"
        r" (?:немає|нема|нет|не маю|не має)\b",
        r"\b(?:суїцидальних|суицидальных) (?:думок|мыслей) (?:у мене |у меня )?(?:немає|нема|нет)\b",
        r"\b(?:я )?не думаю (?:про|о) (?:суїцид\w*|самогубств\w*|суицид\w*|самоубийств\w*|смерт\w*|то щоб|том чтобы)",
        r"\b(?:це|это) не (?:про|о) (?:суїцид\w*|самогубств\w*|суицид\w*|самоубийств\w*|насильств\w*|насили\w*)\b",
        r"\bніхто (?:мене )?не б'?є\b|\bникто (?:меня )?не бь[её]т\b|\bnobody (?:hits|beats|is hurting|hurts) me\b",
        r"\b(?:no|not having any|don't have any|dont have any) suicidal thoughts\b|\bi'?m not suicidal\b"
        r"|\b(?:this|it) (?:is not|isn't|isnt|s not) about (?:suicide|self harm|abuse|violence)\b",
        r"\b(?:no|not having any|don't have any|dont have any) thoughts? (?:of|about) (?:harming|hurting|killing)"
        r" myself\b"
        r"|\bдумок (?:про те щоб |щоб )?(?:завдати|заподіяти|зробити) собі (?:шкоди|шкоду|щось) (?:нема|немає)\b"
        r"|\bмыслей (?:о том чтобы |чтобы )?(?:навредить себе|причинить себе вред|что-то с собой сделать) нет\b",
        r"\bi'?m not (?:planning to|going to|gonna) (?:hurt|kill|harm) myself\b|\bnot jumping anywhere\b"
        r"|\bi'?m not (?:going to|gonna) jump\b"
        r"|\bя не (?:прыгаю|стрибаю|збираюся стрибати|собираюсь прыгать)\b",
        _az(
            r"\bintihar fikir\w* yoxdur\b|\bintihar(?:la)? (?:bağlı )?deyil\b|\bintihar haqqında düşünmürəm\b"
            r"|\bözümə (?:zərər|xəsarət) (?:vermək |vurmaq |yetirmək )?(?:fikrim|niyyətim) yoxdur\b"
            r"|\bkimsə (?:məni )?döymür\b|\bölüm haqqında düşünmürəm\b"
        ),
    ],
    # a book, a film, a series, a game, a song: somebody else's story
    "fiction": [
        r"\b(?:у|в) (?:фільмі|фильме|серіалі|сериале|книжці|книзі|книге|романі|романе|грі|игре|мультику|мультике|"
        r"аніме|аниме|пісні|песне|кліпі|клипе)\b",
        # not "роман" (a man's name) nor "героїн"/"героин" (heroin): only the heroine's own forms
        r"\b(?:фільм\w*|фильм\w*|серіал\w*|сериал\w*|книжк\w*|персонаж\w*|героїн(?:я|ю|ею)|героин(?:я|и|ю|ей))\b",
        r"\b(?:in|from) (?:the|a|this|that|my) (?:film|movie|series|show|book|novel|game|cartoon|anime|song)\b"
        r"|\b(?:main )?character\b|\bromeo and juliet\b|\bромео\b",
        r"\b(?:dragon|дракон\w*)\b",
        _az(
            r"\b(?:filmdə|film\w*|serial\w*|kitab\w*|romanda|oyunda|oyun\w*|personaj\w*|qəhrəman\w*|"
            r"cizgi film\w*|mahnı\w*|əjdaha\w*|romeo)\b"
        ),
    ],
    # a question about keeping something dangerous away from children or getting rid of it (round 8: a licensed
    # shotgun "how to store it so the children can't reach it", rat poison and a grandchild, old knives)
    "safekeeping": [
        r"\b(?:як|де|куди) (?:\w+ )?(?:правильно |безпечно |краще )?(?:зберігати|зберегти|тримати|сховати|викинути|"
        r"утилізувати|здати|подіти)\b"
        r"|\b(?:как|где|куда) (?:\w+ )?(?:правильно |безопасно |лучше )?(?:хранить|держать|спрятать|выбросить|"
        r"утилизировать|сдать|деть)\b",
        r"\b(?:how|where) (?:do|should|can|to|would) (?:i |we |you )?(?:\w+ )?(?:safely )?(?:store|keep|lock|hide|"
        r"dispose|get rid|throw)\w*\b|\bsafe(?:ly)? stor\w*|\bgun (?:safe|cabinet|lock)\b|\bout of (?:the )?reach\b",
        r"\b(?:щоб|аби) (?:\w+ )?(?:діти|дитина|онук\w*|онучк\w*|малий|мала) не (?:дістал\w*|дістав|знайшл\w*|знайшов)"
        r"|\bчтобы (?:\w+ )?(?:дети|ребенок|внук\w*|внучк\w*|малой|малая) не (?:достал\w*|нашл\w*|нашел)",
        r"\b(?:so|so that) (?:the |my |our )?(?:kids?|children|grandson|granddaughter|grandkids?|toddler|baby)"
        r" (?:can'?t|cannot|won'?t|don'?t|doesn'?t) (?:reach|get|find)\b",
        _az(
            r"\b(?:necə|harada|harda) (?:\w+ )?(?:saxla\w*|gizlə\w*|at\w*)\b"
            r"|\b(?:uşaq\w*|nəvə\w*) (?:\w+ )?(?:əl çatdırma\w*|tapmasın|götürməsin|çatmasın)\b"
        ),
    ],
    # someone whose work is children or patients asks how to notice or ask about the danger (round 8: a teacher,
    # a school nurse): a question of their trade, not their own danger
    "professional": [
        r"\b(?:я|як|как|будучи) (?:\w+ )?(?:вчител\w*|вчительк\w*|учител\w*|учительниц\w*|педагог\w*|медсестр\w*|"
        r"медбрат\w*|лікар\w*|врач\w*|психолог\w*|соцпрацівни\w*|соцработни\w*|соціальн\w* працівни\w*|"
        r"социальн\w* работни\w*|тренер\w*|вихователь\w*|виховател\w*|воспитател\w*|куратор\w*|класн\w* керівни\w*|"
        r"классн\w* руководител\w*)\b.*\b(?:як|как|що|что|чем|чим) (?:\w+ ){0,3}?(?:розпізна\w*|помітит\w*|"
        r"поміча\w*|распозна\w*|заметит\w*|замеча\w*|спитат\w*|питат\w*|запитат\w*|спросит\w*|спрашива\w*|"
        r"говорит\w*|поговорит\w*|розмовля\w*|реагува\w*|реагирова\w*|допомогт\w*|помочь|підтрима\w*|поддерж\w*)",
        r"\b(?:i'?m|i am|as|i work as) (?:a |an )?(?:\w+ )?(?:teacher|nurse|doctor|gp|counsell?or|coach|youth worker|"
        r"social worker|tutor|carer|paramedic|psychologist|camp leader)\b.*\b(?:how|what|when)(?:'s)? (?:\w+ ){0,4}?"
        r"(?:recogni[sz]e|spot|notice|identify|ask|talk|speak|respond|react|support|help|bring (?:it|this) up)\b",
        _az(
            r"\b(?:müəlliməm|müəllim kimi|tibb bacısıyam|tibb bacısı kimi|həkiməm|həkim kimi|psixoloqam|"
            r"psixoloq kimi|tərbiyəçiyəm|məşqçiyəm)\b.*\bnecə (?:\w+ ){0,2}?(?:tanı\w*|başa düş\w*|soruş\w*|"
            r"danış\w*|kömək\w*|reaksiya\w*|fərq\w*)"
        ),
        # session 18, round 14: a school psychologist asking which questionnaire assesses the risk
        _az(
            r"\b(?:məktəb psixoloqu\w*|psixoloquyam|psixoloqam|müəlliməm|tibb bacısıyam)\b.*\b(?:hansı|necə) "
            r"(?:\w+ ){0,3}?(?:sorğu\w*|test\w*|anket\w*|metod\w*|qiymətləndir\w*)"
        ),
        # round 11: a volunteer psychologist or a teacher asking about the signs and what not to say
        r"\b(?:я|як|как|будучи|i'?m|i am|as|i work as) (?:a |an )?(?:\w+ )?(?:волонтер\w*|вчител\w*|вчительк\w*|"
        r"учител\w*|учительниц\w*|педагог\w*|психолог\w*|лікар\w*|врач\w*|медсестр\w*|volunteer|teacher|"
        r"psychologist|counsell?or|nurse|youth worker|social worker)\b.*\b(?:ознак\w*|признак\w*|signs?|"
        r"warning signs|(?:чого|що|чего|что) (?:\w+ )?не можна (?:\w+ )?(?:казати|говорити)|"
        r"(?:чего|что) (?:\w+ )?нельзя (?:\w+ )?говорить|what (?:not to|shouldn'?t i|should i not) say)\b",
        _az(
            r"\b(?:müəlliməm|müəllim kimi|psixoloqam|psixoloq kimi|könüllüyəm|könüllü psixoloqam|tərbiyəçiyəm)\b.*"
            r"\b(?:əlamət\w*|nə demək olmaz|nə deməmək)"
        ),
    ],
    # session 18, round 14: a parent asked by a child what a word means ("син (8) питає що таке самогубство, почув у
    # школі. як пояснити?"): the child's question and the explaining, not a danger
    "explaining": [
        r"^(?=.*\b(?:пита\w*|спита\w*|запита\w*|спрашива\w*|спросил\w*|asked|asks|asking) (?:\w+ ){0,2}?"
        r"(?:що таке|что такое|що означає|что значит|что означает|what (?:is|does|the word)|what \w+ means)\b)"
        r"(?=.*\b(?:поясн\w*|объясн\w*|explain\w*|розповісти|рассказать))",
        _az(r"^(?=.*\b(?:nədir|nə deməkdir)\b.*\b(?:soruş\w*)\b)(?=.*\b(?:izah\w*|başa sal\w*))"),
    ],
    # what is allowed, asked in general: "from what age can a child stay home alone", "is it ok to leave my 11 year
    # old for an hour" (round 8: an age question, not a child left alone now)
    "rule_question": [
        r"\bз якого віку\b|\bвід якого віку\b|\bс какого возраста\b|\bсо скольки лет\b|\b(?:from|at) what age\b"
        r"|\bwhat age (?:can|is|should|do)\b|\bhow old (?:does|should|must) (?:a|my|the) (?:child|kid)\b",
        r"\b(?:чи|а) (?:можна|законно|дозволено|нормально) (?:\w+ )?(?:залишати|залишити|лишати|лишити)\b"
        r"|\b(?:можно|законно|разрешено|нормально) ли (?:\w+ )?(?:оставлять|оставить)\b"
        r"|\bis it (?:ok|okay|legal|allowed|fine|safe|normal|alright) (?:\w+ )?(?:to leave|for (?:a|my) \w+ to stay)\b"
        r"|\bcan (?:i|we|you) (?:legally )?leave (?:a|my|our) \w+ (?:\w+ )?(?:year|yr)",
        _az(r"\bneçə yaşdan\b|\b(?:qoymaq|qoya bilərəm|buraxmaq|buraxa bilərəm) (?:olar|olarmı|qanunidir)\b"),
    ],
    # a hunt, a shooting range, a shooting club (round 10: "на охоту с отцом поедем, ружье у него в сейфе, сколько лет
    # надо чтобы стрелять с ним в тире?"): a gun of a sport or a licence named with its place
    "hunting_or_range": [
        r"\b(?:на охоту|охотнич\w*|охотник\w*|полюванн\w*|на полювання|мисливськ\w*|мисливц\w*|мисливець|єгер\w*|"
        r"егер\w*)",
        r"\b(?:тир|тирі|тире|тиру|стрільбищ\w*|стрельбищ\w*|стрілецьк\w* клуб\w*|стрелков\w* клуб\w*|стендов\w*|"
        r"біатлон\w*|биатлон\w*)\b",
        r"\b(?:go(?:ing)? hunting|hunting (?:licen[cs]e|rifle|trip|season)|deer stalking|"
        r"shooting (?:range|club|ground)|gun range|rifle range|clay pigeon\w*|biathlon|gamekeeper)\b",
        # whole words: "tirə" without its letters is "tire" and began "tired"; "ovcu" began "ovcuna", into her palm
        _az(
            r"\b(?:ova (?:gedə|gedir|gedəcə|çıx)\w*|ov vəsiqə\w*|ovçu|ovçuya|ovçudur|ovçular\w*|ovçuluq\w*|"
            r"atıcılıq\w*|tirdə|tirə|biatlon\w*|meşəbəyi\w*)\b"
        ),
    ],
    # "dying to": an idiom of wanting, never of dying
    "idiom": [
        r"\bdying to (?!death\b)\w+|\bпомира\w* (?:як|так) хоч\w*|\bумира\w* (?:как|так) хоч\w*",
        _az(r"\bölüb ?bitir\w*|\böl(?:ür|ürəm|ürük) (?:ki|gör)\b"),
    ],
    # said as a joke, and said to be one (never "not joking")
    "joke": [
        r"(?<!не )\bжартую\b|(?<!не )\bшучу\b|(?<!not )\bjoking\b|\bjust kidding\b|\bjk\b",
        r"\b(?:він|вона|вони) завжди так (?:каже|кажуть|говорить)\b|\b(?:он|она|они) всегда так (?:говорит|говорят)\b"
        r"|\b(?:he|she|they) always says? that\b|\b(?:always|завжди|всегда) (?:says?|каже|говорит) (?:that|так)\b",
        _az(r"(?<!deyil )\bzarafat edirəm\b|\bhəmişə belə deyir\w*"),
    ],
}

CONTEXTS: dict[str, re.Pattern[str]] = {
    name: re.compile("|".join(f"(?:{p})" for p in parts)) for name, parts in _CONTEXT_SOURCES.items()
}


#: It is back: a past that is over is not said where the message says it came again (round 10: "три роки тому я
#: різала руки, зараз все добре було, але сьогодні знову порізалась" was none, the past overruling the rule). The
#: words of the resolved-past check in crisis.py (crisis_rules.yml, ``relapse``), and a relapse; never "не
#: повернулося", "never again".
RELAPSE = re.compile(
    _az(
        r"(?<!не )(?<!not )(?<!never )\b(?:знову|знов|снова|опять|again|yenə|təzədən|повернул\w*|вернул\w*|"
        r"are back|came back|qayıtd\w*|зірвал\w*|сорвал\w*|relapsed)\b"
    )
)


def safe_contexts(norm: str) -> tuple[str, ...]:
    """The harmless contexts ``norm`` (normalised text) states, by name; empty when it states none.

    A past is not stated where the message says it came again (``RELAPSE``).
    """
    return tuple(
        name
        for name, pattern in CONTEXTS.items()
        if pattern.search(norm) and not (name == "past" and RELAPSE.search(norm))
    )
