"""Wrap-up: what a closed conversation was about and how it ended.

Categories are the Child Helpline International data framework's top level
(so figures compare across helplines) followed by the helpline's own topics.
"""

from __future__ import annotations

from enum import StrEnum

#: A label in every interface language of the console: language code → text.
#: The console's tests check that each label has all of handoff/console/i18n.py's languages.
Labels = dict[str, str]

#: CHI top-level categories: id → label per language.
CHI_CATEGORIES: dict[str, Labels] = {
    "missing_children": {
        "uk": "Зниклі діти",
        "ru": "Пропавшие дети",
        "az": "İtkin düşmüş uşaqlar",
        "en": "Missing children",
    },
    "violence": {"uk": "Насильство", "ru": "Насилие", "az": "Zorakılıq", "en": "Violence"},
    "mental_health": {
        "uk": "Психічне здоровʼя",
        "ru": "Психическое здоровье",
        "az": "Psixi sağlamlıq",
        "en": "Mental health",
    },
    "physical_health": {
        "uk": "Фізичне здоровʼя",
        "ru": "Физическое здоровье",
        "az": "Fiziki sağlamlıq",
        "en": "Physical health",
    },
    "access_to_services": {
        "uk": "Доступ до послуг",
        "ru": "Доступ к услугам",
        "az": "Xidmətlərə çıxış",
        "en": "Access to services",
    },
    "discrimination_exclusion": {
        "uk": "Дискримінація та виключення",
        "ru": "Дискриминация и социальное исключение",
        "az": "Ayrı-seçkilik və sosial təcrid",
        "en": "Discrimination and exclusion",
    },
    "family_relationships": {
        "uk": "Сімейні стосунки",
        "ru": "Семейные отношения",
        "az": "Ailə münasibətləri",
        "en": "Family relationships",
    },
    "peer_relationships": {
        "uk": "Стосунки з однолітками",
        "ru": "Отношения со сверстниками",
        "az": "Həmyaşıdlarla münasibətlər",
        "en": "Peer relationships",
    },
    "education_occupation": {
        "uk": "Освіта та зайнятість",
        "ru": "Образование и занятость",
        "az": "Təhsil və məşğulluq",
        "en": "Education and occupation",
    },
    "sexuality": {"uk": "Сексуальність", "ru": "Сексуальность", "az": "Cinsəllik", "en": "Sexuality"},
}


class Outcome(StrEnum):
    RESOLVED = "resolved"
    REFERRED = "referred"
    FOLLOW_UP = "needs_follow_up"
    ABUSIVE = "abusive"


#: Outcome → label per language.
OUTCOME_LABELS: dict[str, Labels] = {
    Outcome.RESOLVED: {"uk": "Вирішено", "ru": "Решено", "az": "Həll edildi", "en": "Resolved"},
    Outcome.REFERRED: {"uk": "Скеровано", "ru": "Перенаправлено", "az": "Yönləndirildi", "en": "Referred"},
    Outcome.FOLLOW_UP: {
        "uk": "Потрібен подальший супровід",
        "ru": "Требуется дальнейшее сопровождение",
        "az": "Sonrakı müşayiət tələb olunur",
        "en": "Needs follow-up",
    },
    Outcome.ABUSIVE: {
        "uk": "Образлива розмова",
        "ru": "Оскорбительный разговор",
        "az": "Təhqiramiz söhbət",
        "en": "Abusive",
    },
}


def categories_for(topic_ids: list[str]) -> list[str]:
    """CHI categories first, then the helpline's topics (ids prefixed ``topic:``)."""
    return list(CHI_CATEGORIES) + [f"topic:{t}" for t in topic_ids]
