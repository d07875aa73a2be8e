"""The shipped community-1620's menus as every channel's table expects them (issue 24: a short first menu).

The greeting offers helpline.yml's ``first_menu`` (its most asked topics),
"other topics" and "talk to a person" (and the language); "other topics"
gives every topic, the hours, the language and the way back to the short menu.
"""

SHORT_MENU = [
    "topic:social_benefits",
    "topic:disability",
    "topic:elderly_care",
    "topic:domestic_violence",
    "topic:report_person_in_need",
    "topics",
    "person",
    "language",
]

FULL_LIST = [
    "topic:social_benefits",
    "topic:one_time_aid_documents",
    "topic:disability",
    "topic:elderly_care",
    "topic:homelessness",
    "topic:domestic_violence",
    "topic:housing_compensation",
    "topic:report_person_in_need",
    "topic:call_back",
    "topic:other_community",
    "topic:idp_support",
    "topic:veterans",
    "topic:family_forms",
    "topic:psychological_support",
    "topic:health",
    "topic:education",
    "topic:legal",
    "person",
    "hours",
    "language",
    "menu",
]
