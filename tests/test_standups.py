"""The standup planner: what looking for the standup found, turned into a change, or refused."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from rolebot.errors import ServiceError
from rolebot.models import ExistingStandup, StandupSearch
from rolebot.render_messages import standup_change_text
from rolebot.standups import StandupChange, plan_standup_change, standup_spec
from rolebot.state import TeamState
from tests.helpers import ADA, BRUNO, CHEN, TRIAGER, person

WED = date(2026, 12, 2)
TEAM = TeamState(
    standup_manager=person(ADA),
    roles={TRIAGER.state_key: (person(CHEN), person(BRUNO))},
    last_rotated={TRIAGER.state_key: WED},
)
SPEC = standup_spec(TRIAGER, [CHEN, BRUNO], ADA, WED)


def standup(ident: str = "3221", *, name: str = SPEC.name, question: str | None = SPEC.question) -> ExistingStandup:
    return ExistingStandup(
        ident, name, SPEC.channel, SPEC.days, SPEC.time, SPEC.timezone, (question,), SPEC.participants
    )


def plan(found: StandupSearch | None, team: TeamState = TEAM, *, record: bool = True) -> StandupChange:
    return plan_standup_change(TRIAGER, team, (), found, WED, record=record)


def test_a_standup_found_by_name_is_planned_with_its_id_to_record() -> None:
    change = plan(StandupSearch(standup()))

    assert (change.action, change.new_id, change.record_in, change.state_id) == ("unchanged", "3221", TRIAGER, None)
    assert standup_change_text(change) == (
        f"the standup {SPEC.name} already says this: nothing to send\nwould record its ID 3221 in the state"
    )


def test_a_standup_found_by_the_id_the_state_keeps_records_nothing() -> None:
    change = plan(StandupSearch(standup()), TEAM.with_standup_id(TRIAGER, "3221"))

    assert (change.state_id, change.new_id) == ("3221", None)
    assert standup_change_text(change) == f"the standup {SPEC.name} already says this: nothing to send"


def test_with_the_state_kept_as_it_is_nothing_is_to_be_recorded() -> None:
    change = plan(StandupSearch(standup()), record=False)

    assert change.record_in is None
    assert "record" not in standup_change_text(change)


def test_a_textless_question_is_planned_as_an_update_of_the_question() -> None:
    change = plan(StandupSearch(standup(question=None)))

    assert (change.action, change.changed) == ("update", ("question",))


def test_duplicates_are_planned_for_deletion_keeping_the_oldest() -> None:
    extras = (standup("3222"), standup("3230"))

    change = plan(StandupSearch(standup(), extras), TEAM.with_standup_id(TRIAGER, "3221"))

    assert change.extras == extras
    assert standup_change_text(change).endswith("\nwould delete 2 newer duplicate(s) (id 3222, 3230), keeping id 3221")


def test_nothing_found_is_planned_as_a_create() -> None:
    for found in (None, StandupSearch()):
        change = plan(found)
        assert (change.action, change.existing, change.new_id) == ("create", None, None)


def test_a_kept_standup_nobody_can_tell_exists_is_refused_with_both_fixes() -> None:
    with pytest.raises(ServiceError) as caught:
        plan(StandupSearch(unseen_id="3221"), TEAM.with_standup_id(TRIAGER, "3221"))

    text = str(caught.value)
    assert text == (
        "Geekbot: the standup the state keeps for Support Triager (id 3221) cannot be seen with Ada Okafor's API "
        "key: it was deleted, or Ada Okafor was removed from it, and only a Geekbot admin's key could tell which; "
        "rolebot makes no second standup while the first may still exist — if it still exists, add Ada Okafor "
        'back to SupportTriagerStandup in Geekbot; if it was deleted, remove "support_triager" from '
        '"standups" in the state file so that rolebot creates a new one'
    )


def test_a_kept_standup_under_another_name_is_refused() -> None:
    with pytest.raises(ServiceError) as caught:
        plan(StandupSearch(standup(name="Triage")), TEAM.with_standup_id(TRIAGER, "3221"))

    text = str(caught.value)
    assert "the standup the state keeps for Support Triager (id 3221) is now called 'Triage'" in text
    assert "rename it back in Geekbot, or set name = 'Triage' under [roles.support-triager.standup]" in text
    assert 'remove "support_triager" from "standups" in the state file' in text


def test_the_state_problems_come_before_the_standups() -> None:
    nobody = replace(TEAM, roles={TRIAGER.state_key: (None, None)})

    with pytest.raises(Exception, match="nobody serves as Support Triager"):
        plan(StandupSearch(unseen_id="3221"), nobody)
