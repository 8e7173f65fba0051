from datetime import date

import pytest

from rolebot.absences import Absence, Away, absence, prune, with_absence, without_absences
from rolebot.errors import UsageError
from tests.helpers import ADA, BRUNO

DEC = {d: date(2026, 12, d) for d in range(1, 32)}  # DEC[5] is 5 December


def test_an_absence_covers_its_first_and_last_day() -> None:
    away = absence(ADA, DEC[20], DEC[24])
    assert away == Absence(ADA.id, ADA.name, DEC[20], DEC[24])
    assert away.overlaps(DEC[24], DEC[30])
    assert away.overlaps(DEC[10], DEC[20])
    assert not away.overlaps(DEC[25], DEC[31])
    assert away.describe() == "Ada Okafor is away from 2026-12-20 to 2026-12-24"
    assert absence(ADA, DEC[3], DEC[3]).overlaps(DEC[3], DEC[3])


def test_a_range_ending_before_it_starts_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as raised:
        absence(ADA, DEC[20], DEC[3])
    assert str(raised.value) == (
        "--from 2026-12-20 is after --to 2026-12-03 — give the first day away with --from and the last with --to"
    )


def test_adding_merges_a_members_overlapping_or_touching_absences_and_is_idempotent() -> None:
    held = with_absence((), absence(ADA, DEC[10], DEC[15]))
    held = with_absence(held, absence(BRUNO, DEC[12], DEC[13]))
    held = with_absence(held, absence(ADA, DEC[16], DEC[20]))  # touches the first: one absence
    assert held == (absence(ADA, DEC[10], DEC[20]), absence(BRUNO, DEC[12], DEC[13]))
    assert with_absence(held, absence(ADA, DEC[11], DEC[12])) == held
    apart = with_absence(held, absence(ADA, DEC[22], DEC[23]))
    assert [a.first for a in apart if a.member_id == ADA.id] == [DEC[10], DEC[22]]


def test_removing_takes_all_a_members_absences_or_the_one_starting_on_a_date() -> None:
    held = (absence(ADA, DEC[1], DEC[2]), absence(BRUNO, DEC[1], DEC[3]), absence(ADA, DEC[10], DEC[12]))
    kept, removed = without_absences(held, ADA.id, DEC[10])
    assert (kept, removed) == ((held[0], held[1]), (held[2],))
    kept, removed = without_absences(reversed(held), ADA.id)
    assert (kept, removed) == ((held[1],), (held[0], held[2]))
    assert without_absences(held, "U404") == (held, ())


def test_past_absences_are_pruned() -> None:
    held = (absence(ADA, DEC[1], DEC[9]), absence(BRUNO, DEC[5], DEC[10]), absence(ADA, DEC[20], DEC[21]))
    assert prune(held, DEC[10]) == (held[1], held[2])
    assert prune(held, DEC[22]) == ()


def test_away_finds_the_first_absence_overlapping_a_range() -> None:
    away = Away([absence(ADA, DEC[20], DEC[24]), absence(ADA, DEC[1], DEC[2])])
    assert away.during(ADA.id, DEC[1], DEC[31]) == absence(ADA, DEC[1], DEC[2])
    assert away.during(ADA.id, DEC[3], DEC[19]) is None
    assert away.during(BRUNO.id, DEC[1], DEC[31]) is None
