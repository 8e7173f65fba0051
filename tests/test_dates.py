from datetime import date

import pytest

from rolebot import dates
from rolebot.errors import UsageError
from tests.helpers import FACILITATOR, TRIAGER


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 30), date(2026, 12, 2)),  # Monday: the coming Wednesday
        (date(2026, 12, 2), date(2026, 12, 2)),  # Wednesday: that day
        (date(2026, 12, 3), date(2026, 12, 9)),  # Thursday: next week
        (date(2026, 12, 28), date(2026, 12, 30)),
        (date(2026, 12, 31), date(2027, 1, 6)),  # across the year
    ],
)
def test_weekly_handoff_is_the_first_wednesday_on_or_after_today(today: date, expected: date) -> None:
    assert dates.handoff_on_or_after(today, TRIAGER) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 28), date(2026, 12, 1)),
        (date(2026, 12, 1), date(2026, 12, 1)),
        (date(2026, 12, 2), date(2027, 1, 1)),
    ],
)
def test_monthly_handoff_is_the_first_of_a_month_on_or_after_today(today: date, expected: date) -> None:
    assert dates.handoff_on_or_after(today, FACILITATOR) == expected


def test_handoff_on_or_before() -> None:
    assert dates.handoff_on_or_before(date(2026, 11, 27), TRIAGER) == date(2026, 11, 25)
    assert dates.handoff_on_or_before(date(2026, 11, 25), TRIAGER) == date(2026, 11, 25)
    assert dates.handoff_on_or_before(date(2026, 11, 27), FACILITATOR) == date(2026, 11, 1)


def test_shift_by_periods() -> None:
    assert dates.shift(date(2026, 12, 2), TRIAGER, 2) == date(2026, 12, 16)
    assert dates.shift(date(2026, 12, 2), TRIAGER, -1) == date(2026, 11, 25)
    assert dates.shift(date(2026, 11, 1), FACILITATOR, 3) == date(2027, 2, 1)
    assert dates.shift(date(2026, 1, 1), FACILITATOR, -1) == date(2025, 12, 1)


def test_parse_date_rejects_anything_but_iso_dates() -> None:
    assert dates.parse_date("2026-12-02", "--today") == date(2026, 12, 2)
    for bad in ("02/12/2026", "2026-13-01", "tomorrow", "2026-12-02T10:00"):
        with pytest.raises(UsageError, match="--today"):
            dates.parse_date(bad, "--today")


def test_human_dates() -> None:
    assert dates.human(date(2026, 12, 2)) == "Wednesday 2 December 2026"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-02", date(2026, 12, 2)),
        ("2028-02-29", date(2028, 2, 29)),
        ("2026-2-3", None),  # YYYY-MM-DD exactly, as the state file and every option say
        ("2026-02-30", None),
        ("20261202", None),
        ("2026-W49-3", None),
        (" 2026-12-02", None),
        (20261202, None),
        (None, None),
    ],
)
def test_one_iso_date_parser(value: object, expected: date | None) -> None:
    assert dates.iso_date(value) == expected


def test_monthly_handoffs_after_a_long_month_land_on_the_day_of_the_month() -> None:
    assert dates.handoff_on_or_after(date(2027, 1, 31), FACILITATOR) == date(2027, 2, 1)
    assert dates.shift(date(2027, 1, 1), FACILITATOR, 14) == date(2028, 3, 1)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 12, 2), date(2026, 12, 2)),
        (date(2026, 12, 1), date(2026, 11, 25)),
        (date(2026, 12, 8), date(2026, 12, 2)),
        (date(9999, 12, 31), date(9999, 12, 29)),
    ],
)
def test_a_date_belongs_to_the_handoff_on_or_before_it(day: date, expected: date) -> None:
    assert dates.handoff_on_or_before(day, TRIAGER) == expected
    assert dates.is_handoff(expected, TRIAGER)


def test_monthly_on_or_before_goes_back_across_the_year() -> None:
    fifteenth = FACILITATOR.model_copy(update={"day_of_month": 15})
    assert dates.handoff_on_or_before(date(2027, 1, 1), fifteenth) == date(2026, 12, 15)
    assert dates.handoff_on_or_before(date(2027, 1, 15), fifteenth) == date(2027, 1, 15)


@pytest.mark.parametrize("text", ["9999-12-30", "0001-01-01", "1899-12-31", "3000-01-01"])
def test_dates_out_of_range_are_a_usage_error_naming_the_option(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        dates.parse_date(text, "--start")
    assert str(caught.value) == (
        f"--start: {text} is out of range: rolebot plans with dates from 1900-01-01 to 2999-12-31"
        " — give a date in that range"
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),  # a shorter month: its last day
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # a leap year
        (date(2027, 3, 31), -1, date(2027, 2, 28)),  # backwards too
        (date(2026, 12, 15), 1, date(2027, 1, 15)),  # across the year
        (date(2027, 1, 15), -13, date(2025, 12, 15)),
    ],
)
def test_a_month_later_is_the_same_day_or_the_months_last(day: date, months: int, expected: date) -> None:
    assert dates.add_months(day, months) == expected
