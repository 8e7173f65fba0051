from datetime import date

from rolebot.messages import render_question, slack_escape
from rolebot.models import ExistingStandup, Member
from rolebot.standups import participants, plan_standup, standup_spec
from tests.helpers import ADA, BRUNO, CHEN, FACILITATOR, TRIAGER

WED = date(2026, 12, 2)


def test_slack_escaping_defuses_mentions_and_links() -> None:
    assert slack_escape("<!channel> & <@U1|x>") == "&lt;!channel&gt; &amp; &lt;@U1|x&gt;"


def test_the_question_greets_by_first_name_and_names_the_buddy() -> None:
    text = render_question(TRIAGER, CHEN, BRUNO, WED)
    assert text.startswith("Hi Chen! :wave: From Wednesday 2 December 2026 it is your turn as Support Triager")
    assert "https://2i2c.freshdesk.com/a/tickets/filters/all_tickets" in text
    assert "Your buddy this week is Bruno Silva" in text
    assert "Reply `ok`" in text


def test_a_hostile_display_name_never_becomes_a_ping() -> None:
    mallory = Member("U66", "<!channel> Mallory & co")
    text = render_question(TRIAGER, mallory, Member("U67", "<@U01ADA>"), WED)
    assert "<!channel>" not in text
    assert "<@U01ADA>" not in text
    assert "Hi &lt;!channel&gt;!" in text
    assert "&lt;@U01ADA&gt;" in text


def test_facilitator_question_lists_the_duties() -> None:
    text = render_question(FACILITATOR, ADA, None, date(2027, 1, 1))
    assert text.startswith("Hi Ada!")
    for duty in ("agenda items", "facilitate the meeting", "follow-ups", "team compass"):
        assert duty in text


def test_participants_are_the_incoming_member_and_the_manager_once_each() -> None:
    assert participants(CHEN, ADA) == (CHEN.id, ADA.id)
    assert participants(ADA, ADA) == (ADA.id,)


def test_standup_plan_creates_updates_or_leaves_alone() -> None:
    spec = standup_spec(TRIAGER, [CHEN, BRUNO], ADA, WED)
    assert (spec.name, spec.channel, spec.days, spec.time, spec.wait_time) == (
        "SupportTriagerStandup",
        "#support-freshdesk",
        ("Wed",),
        "10:00:00",
        10,
    )
    assert plan_standup(spec, None).action == "create"
    same = ExistingStandup(
        "7", spec.name, "#other", ("Thu",), "09:00:00", "Europe/Paris", (spec.question,), (ADA.id, CHEN.id)
    )
    assert plan_standup(spec, same).action == "unchanged"  # schedule differences are people's tuning
    stale = ExistingStandup("7", spec.name, spec.channel, spec.days, spec.time, spec.timezone, ("old",), (BRUNO.id,))
    change = plan_standup(spec, stale)
    assert (change.action, change.changed) == ("update", ("participants", "question"))
