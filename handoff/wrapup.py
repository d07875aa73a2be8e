"""Wrap-up: what a closed conversation was about and how it ended.

Categories are the Child Helpline International data framework's top level
(so figures compare across helplines) followed by the helpline's own topics.
"""

from __future__ import annotations

from enum import StrEnum

#: CHI top-level categories: id → (uk, en) label.
CHI_CATEGORIES: dict[str, tuple[str, str]] = {
    "missing_children": ("Зниклі діти", "Missing children"),
    "violence": ("Насильство", "Violence"),
    "mental_health": ("Психічне здоровʼя", "Mental health"),
    "physical_health": ("Фізичне здоровʼя", "Physical health"),
    "access_to_services": ("Доступ до послуг", "Access to services"),
    "discrimination_exclusion": ("Дискримінація та виключення", "Discrimination and exclusion"),
    "family_relationships": ("Сімейні стосунки", "Family relationships"),
    "peer_relationships": ("Стосунки з однолітками", "Peer relationships"),
    "education_occupation": ("Освіта та зайнятість", "Education and occupation"),
    "sexuality": ("Сексуальність", "Sexuality"),
}


class Outcome(StrEnum):
    RESOLVED = "resolved"
    REFERRED = "referred"
    FOLLOW_UP = "needs_follow_up"
    ABUSIVE = "abusive"


OUTCOME_LABELS: dict[str, tuple[str, str]] = {
    Outcome.RESOLVED: ("Вирішено", "Resolved"),
    Outcome.REFERRED: ("Скеровано", "Referred"),
    Outcome.FOLLOW_UP: ("Потрібен подальший супровід", "Needs follow-up"),
    Outcome.ABUSIVE: ("Образлива розмова", "Abusive"),
}


def categories_for(topic_ids: list[str]) -> list[str]:
    """CHI categories first, then the helpline's topics (ids prefixed ``topic:``)."""
    return list(CHI_CATEGORIES) + [f"topic:{t}" for t in topic_ids]
