"""The built-in roles: what rolebot runs when the config defines no roles, and the settings a role
table named after one of them starts from.

They are generic on purpose: a weekly two-person `support-triager` and a monthly
`meeting-facilitator`, with no team's URLs, channels or history in them. A team's own roles,
wording and channels belong in its `rolebot.toml` (this repository's holds 2i2c's two roles).
"""

from __future__ import annotations

from typing import Any

GENERIC_QUESTION = (
    "Hi {first_name}! :wave: From {handoff} it is your turn as {title}. Reply `ok` to acknowledge, "
    "or arrange cover with a colleague and swap names in the team calendar."
)
"""The question of a role that sets none and is not a built-in role."""

TRIAGER_QUESTION = (
    "Hi {first_name}! :wave: From {handoff} it is your turn as {title} for two weeks. "
    "Your buddy this week is {buddy}, who has been on the role for a week already. "
    "Reply `ok` to acknowledge; if you cannot serve, arrange cover with a colleague, swap names "
    "in the team calendar and tag whoever swapped with you here."
)
FACILITATOR_QUESTION = (
    "Hi {first_name}! :wave: It is your turn to facilitate this month's team meeting "
    "(the date is in the team calendar). Reply `ok` to acknowledge, or arrange cover "
    "with a colleague and swap names in the team calendar."
)

BUILT_IN_ROLES: dict[str, dict[str, Any]] = {
    "support-triager": {
        "title": "Support Triager",
        "state_key": "support_triager",
        "usergroup": "support-triagers",
        "cadence": "weekly",
        "weekday": "wednesday",
        "tenure": 2,
        "horizon": 52,
        "question": TRIAGER_QUESTION,
        "standup": {
            "name": "SupportTriagerStandup",
            "channel": "#support",
            "days": ["Wed"],
            "time": "10:00:00",
            "timezone": "user_local",
            "wait_time": 10,
        },
    },
    "meeting-facilitator": {
        "title": "Meeting Facilitator",
        "state_key": "meeting_facilitator",
        "usergroup": "meeting-facilitators",
        "cadence": "monthly",
        "day_of_month": 1,
        "tenure": 1,
        "horizon": 12,
        "question": FACILITATOR_QUESTION,
        "standup": {
            "name": "MeetingFacilitatorStandup",
            "channel": "#team-updates",
            "days": ["Mon"],
            "time": "10:00:00",
            "timezone": "user_local",
            "wait_time": 10,
        },
    },
}
"""Each built-in role's settings, as a config table would write them."""
