"""Message templates: the question and the Slack messages a role sends, their placeholders and
defaults, and the check that a template formats (made when the config loads)."""

from __future__ import annotations

import string

QUESTION_FIELDS = {"first_name", "name", "title", "handoff", "buddy", "buddy_first_name"}
NOTICE_FIELDS = QUESTION_FIELDS | {"mention", "buddy_mention"}
"""The placeholders of the Slack messages: the question's, and `<@ID>` mentions of the incoming
member and of the buddy."""
SAMPLE_FIELDS = {
    "first_name": "Ada",
    "name": "Ada Okafor",
    "title": "Support Triager",
    "handoff": "Wednesday 2 December 2026",
    "buddy": "Bruno Silva",
    "buddy_first_name": "Bruno",
    "mention": "<@U0SAMPLE01>",
    "buddy_mention": "<@U0SAMPLE02>",
}
"""What a template is tried with when the config loads, so a template that cannot be formatted
(`{first_name!z}`, `{first_name:>>>}`) is a config error, never a failed rotation."""
BUDDY_FIELDS = {"buddy", "buddy_first_name", "buddy_mention"}

ANNOUNCE_MESSAGE = "From {handoff}, {mention} is our {title}."
ANNOUNCE_MESSAGE_WITH_BUDDY = "From {handoff}, {mention} is our {title}, with {buddy} staying on as buddy."
DM_MESSAGE = (
    "Hi {first_name}! :wave: Your turn as {title} starts on {handoff}. If you cannot serve, arrange "
    "cover with a colleague and swap names in the team calendar."
)
DM_MESSAGE_WITH_BUDDY = (
    "Hi {first_name}! :wave: Your turn as {title} starts on {handoff}; {buddy} stays on as your buddy "
    "while you settle in. If you cannot serve, arrange cover with a colleague and swap names in the "
    "team calendar."
)


def check_template(template: str, allowed: set[str], setting: str = "question") -> None:
    """A template (the question, a Slack message) must name only `allowed` placeholders, and
    format: it is tried with sample values, so that a bad conversion or format spec is found when
    the config loads. `setting` names it in the error."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"{setting} is not a valid template: {exc}") from None
    fields = {name for _, name, _, _ in parts if name is not None}
    unknown = sorted(fields - allowed)
    if unknown:
        raise ValueError(
            f"{setting} uses unknown placeholder(s) {', '.join('{' + f + '}' for f in unknown)}; "
            f"available: {', '.join('{' + f + '}' for f in sorted(allowed))}"
        )
    nested = next((f"{{{name}:{spec}}}" for _, name, spec, _ in parts if spec and "{" in spec), None)
    if nested is not None:
        raise ValueError(f"{setting}: {nested} takes its format from another placeholder; write the format itself")
    try:
        template.format(**{name: SAMPLE_FIELDS[name] for name in allowed})
    except (ValueError, TypeError, IndexError, KeyError, AttributeError) as exc:
        raise ValueError(f"{setting} is not a valid template: {exc}") from None
