"""Start times read from cells: formats, day/month order, offsets, past and calling hours."""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
import pytest

from phonon_desktop.campaign.times import TimeIssue, outside_hours, past_issues, read_time_column
from phonon_desktop.sheets.model import CellKind


def read(texts, kinds=None, zone="Asia/Kolkata", day_first=None):
    kinds = kinds or [CellKind.TEXT] * len(texts)
    return read_time_column(np.array(texts, dtype=object), np.array(kinds, dtype=np.int8), zone, column="Call At", day_first=day_first)


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-01 10:30",
        "2026-12-01 10:30:00",
        "2026-12-01T10:30:00+05:30",
        "2026-12-01T05:00:00Z",  # the same moment, written in UTC
        "1-Dec-2026 10:30 AM",
        "01 Dec 2026 10:30",
        "1 December 2026 10:30",
        "Dec 1, 2026 10:30 am",
        "2026/12/01 10.30",
        "Tue, 1 Dec 2026 10:30",
    ],
)
def test_formats_that_all_mean_the_first_of_december_at_half_past_ten(text):
    got = read([text])
    assert got.issues.tolist() == [TimeIssue.OK]
    assert got.iso.tolist() == ["2026-12-01T10:30:00+05:30"]


def test_two_digit_years_are_this_century():
    assert read(["01-12-26 10:30"], day_first=True).iso.tolist() == ["2026-12-01T10:30:00+05:30"]


def test_a_datetime_cell_from_the_reader():
    got = read(["2026-12-01 16:45"], kinds=[CellKind.DATETIME])
    assert got.iso.tolist() == ["2026-12-01T16:45:00+05:30"]


def test_pm_times_are_afternoon():
    assert read(["1-Dec-2026 02:30 PM"]).iso.tolist() == ["2026-12-01T14:30:00+05:30"]
    assert read(["1-Dec-2026 12:05 AM"]).iso.tolist() == ["2026-12-01T00:05:00+05:30"]


def test_one_value_above_twelve_settles_the_order_for_the_whole_column():
    got = read(["01/12/2026 10:30", "13/12/2026 10:30"])
    assert got.question is None and got.day_first is True
    assert got.iso.tolist() == ["2026-12-01T10:30:00+05:30", "2026-12-13T10:30:00+05:30"]
    got = read(["01/12/2026 10:30", "12/13/2026 10:30"])
    assert got.day_first is False
    assert got.iso.tolist() == ["2026-01-12T10:30:00+05:30", "2026-12-13T10:30:00+05:30"]


def test_an_unsettled_order_is_asked_once_and_no_row_is_guessed():
    got = read(["01/12/2026 10:30", "02/12/2026 10:30", "05/05/2026 10:30"])
    assert got.question is not None
    assert "day first or month first" in got.question and "1 December" in got.question and "12 January" in got.question
    # Both ambiguous rows wait; 05/05 reads the same either way.
    assert got.issues.tolist() == [TimeIssue.AMBIGUOUS, TimeIssue.AMBIGUOUS, TimeIssue.OK]
    assert got.iso.tolist()[:2] == ["", ""]


@pytest.mark.parametrize("day_first, expected", [(True, "2026-12-01T10:30:00+05:30"), (False, "2026-01-12T10:30:00+05:30")])
def test_the_operators_answer_decides(day_first, expected):
    got = read(["01/12/2026 10:30", "02/12/2026 10:30"], day_first=day_first)
    assert got.question is None
    assert got.iso.tolist()[0] == expected


def test_a_value_impossible_in_the_chosen_order_is_an_error():
    got = read(["13/12/2026 10:30"], day_first=False)
    assert got.issues.tolist() == [TimeIssue.NO_SUCH_DATE]


@pytest.mark.parametrize(
    "text, kind, issue",
    [
        ("", CellKind.EMPTY, TimeIssue.EMPTY),
        ("tomorrow morning", CellKind.TEXT, TimeIssue.UNREADABLE),
        ("2026-12-01", CellKind.DATE, TimeIssue.NO_TIME),
        ("10:30", CellKind.TIME, TimeIssue.NO_DATE),
        ("31/02/2026 10:30", CellKind.TEXT, TimeIssue.NO_SUCH_DATE),
        ("46357.4375", CellKind.NUMBER, TimeIssue.WRONG_CELL),
        ("#VALUE!", CellKind.ERROR, TimeIssue.WRONG_CELL),
    ],
)
def test_cells_that_are_not_a_start_time(text, kind, issue):
    assert read([text], kinds=[kind]).issues.tolist() == [issue]


def test_daylight_saving_zones_get_the_offset_of_that_date():
    got = read(["2026-07-01 10:00", "2026-12-01 10:00"], zone="Europe/London")
    assert got.iso.tolist() == ["2026-07-01T10:00:00+01:00", "2026-12-01T10:00:00+00:00"]


def test_a_time_the_clocks_skip_is_an_error():
    got = read(["2026-03-29 01:30"], zone="Europe/London")
    assert got.issues.tolist() == [TimeIssue.SKIPPED_BY_CLOCK]


def test_an_offset_in_the_cell_keeps_the_moment_and_is_sent_in_the_mappings_zone():
    got = read(["2026-12-01T09:00:00+04:00"])
    assert got.iso.tolist() == ["2026-12-01T10:30:00+05:30"]


def test_past_dates_are_errors_and_earlier_today_is_a_warning():
    now = datetime(2026, 12, 1, 6, 0, tzinfo=timezone.utc)  # 11:30 in India
    got = read(["2026-11-30 23:59", "2026-12-01 09:15", "2026-12-01 11:45", "2026-12-02 10:00"])
    past = past_issues(got.epoch, got.local_day, got.issues == 0, now, "Asia/Kolkata")
    assert past.tolist() == [TimeIssue.PAST_DATE, TimeIssue.PAST_TODAY, 0, 0]


def test_calling_hours_are_nine_to_nine_in_india():
    got = read(["2026-12-01 08:59", "2026-12-01 09:00", "2026-12-01 21:00", "2026-12-01 21:01", "2026-12-01T10:00:00+00:00"])
    late = outside_hours(got.epoch, got.issues == 0)
    # 10:00 in London is 15:30 in India: fine.
    assert late.tolist() == [True, False, False, True, False]


def test_many_rows_with_few_distinct_times_are_read_once_each():
    texts = ["2026-12-01 10:30", "2026-12-02 11:00"] * 50_000
    got = read(texts)
    assert set(got.iso.tolist()) == {"2026-12-01T10:30:00+05:30", "2026-12-02T11:00:00+05:30"}
    assert (got.issues == 0).all()


from hypothesis import example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_AROUND_CLOCK_CHANGES = [
    datetime(2026, 3, 29, 0, 59), datetime(2026, 3, 29, 1, 0), datetime(2026, 3, 29, 1, 30), datetime(2026, 3, 29, 2, 0),
    datetime(2026, 10, 25, 0, 59), datetime(2026, 10, 25, 1, 0), datetime(2026, 10, 25, 1, 59), datetime(2026, 10, 25, 2, 0),
    datetime(2026, 3, 8, 2, 30), datetime(2026, 11, 1, 1, 30), datetime(2026, 4, 5, 2, 30), datetime(2026, 10, 4, 2, 30),
]


@settings(max_examples=150, deadline=None)
@example(moments=_AROUND_CLOCK_CHANGES, zone="Europe/London", with_seconds=False)
@example(moments=_AROUND_CLOCK_CHANGES, zone="America/New_York", with_seconds=True)
@example(moments=_AROUND_CLOCK_CHANGES, zone="Australia/Sydney", with_seconds=False)
@given(
    moments=st.lists(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31)), min_size=1, max_size=20),
    zone=st.sampled_from(["Asia/Kolkata", "Europe/London", "America/New_York", "Australia/Sydney"]),
    with_seconds=st.booleans(),
)
def test_the_fast_reading_of_date_time_cells_agrees_with_the_careful_one(moments, zone, with_seconds):
    # Around clock changes too: hypothesis favours the edges of the range and repeats.
    pattern = "%Y-%m-%d %H:%M:%S" if with_seconds else "%Y-%m-%d %H:%M"
    cells = [m.strftime(pattern) for m in moments]
    fast = read(cells, kinds=[CellKind.DATETIME] * len(cells), zone=zone)
    careful = read([c.replace("-", "/") for c in cells], zone=zone)  # a form only the careful reader takes
    assert fast.iso.tolist() == careful.iso.tolist()
    assert fast.issues.tolist() == careful.issues.tolist()
    assert fast.epoch.tolist() == careful.epoch.tolist()
    assert fast.local_day.tolist() == careful.local_day.tolist()


@pytest.mark.parametrize(
    "cell, zone, expected",
    [
        ("2026-03-29 01:30", "Europe/London", TimeIssue.SKIPPED_BY_CLOCK),
        ("2026-02-30 10:00", "Asia/Kolkata", TimeIssue.NO_SUCH_DATE),
        ("2026-12-01 24:00", "Asia/Kolkata", TimeIssue.NO_SUCH_DATE),
    ],
)
def test_odd_date_time_cells_are_still_judged(cell, zone, expected):
    assert read([cell], kinds=[CellKind.DATETIME], zone=zone).issues.tolist() == [expected]


def test_a_repeated_hour_when_clocks_go_back_takes_the_first_one():
    got = read(["2026-10-25 01:30"], zone="Europe/London")
    assert got.iso.tolist() == ["2026-10-25T01:30:00+01:00"]
