import pytest

from rolebot.merge import Conflict, three_way

BASE = {"a": 1, "b": 2, "c": 3}


def test_what_this_run_changed_wins_and_the_rest_keeps_what_the_file_says_now() -> None:
    mine = {"a": 10, "b": 2, "c": 3, "new": 4}  # changed a, added new
    theirs = {"a": 1, "b": 20}  # changed b, removed c
    assert three_way(BASE, mine, theirs) == {"a": 10, "b": 20, "new": 4}


def test_a_key_both_changed_to_the_same_value_is_no_conflict() -> None:
    assert three_way(BASE, {**BASE, "a": 5}, {**BASE, "a": 5}) == {**BASE, "a": 5}


def test_removing_a_key_is_a_change_like_any_other() -> None:
    assert three_way(BASE, {"a": 1, "b": 2}, BASE) == {"a": 1, "b": 2}


def test_a_key_both_changed_differently_is_a_conflict_naming_it() -> None:
    with pytest.raises(Conflict) as caught:
        three_way(BASE, {**BASE, "a": 5, "b": 6}, {**BASE, "a": 7, "c": 8})
    assert caught.value.keys == ["a"]
