"""The operator's calling hours count: in the plan's warnings, on edited rows and on the command line.

India's 09:00–21:00 always applies to Indian numbers; the operator's hours (Preferences, or
--calling-hours) narrow it, and apply on the customer's own clock to numbers of other countries.
"""

from __future__ import annotations

import io
import json
from datetime import datetime, time, timedelta, timezone

import numpy as np
import openpyxl
import pytest

from phonon_desktop.campaign import submit_cli
from phonon_desktop.campaign.mapping import Mapping, StartTime
from phonon_desktop.campaign.plan import Level, plan_campaign
from phonon_desktop.campaign.times import CallingHours, TimeIssue, hours_issues, parse_calling_hours

from sheetmaker import make_sheet

IST = timezone(timedelta(hours=5, minutes=30))
GST = timezone(timedelta(hours=4))  # Dubai: no summer time
NOW = datetime(2026, 11, 27, 8, 0, tzinfo=IST)
UAE_MOBILE = "+971 50 123 4567"


def plan_at(when: datetime, numbers=("9000000001",), hours=None, **options):
    options.setdefault("contact_numbers", ["Mobile"])
    mapping = Mapping(start_time=StartTime(kind="at", at=when), **options)
    return plan_campaign(make_sheet({"Mobile": list(numbers)}), mapping, now=NOW, calling_hours=hours)


def messages(plan):
    return [p.message for p in plan.all_problems()]


def test_a_start_at_0930_is_warned_about_with_hours_of_ten_to_seven_naming_them():
    plan = plan_at(datetime(2026, 12, 1, 9, 30, tzinfo=IST), hours=(10 * 60, 19 * 60))
    assert plan.levels.tolist() == [Level.WARNING]
    [message] = messages(plan)
    assert "outside your calling hours 10:00–19:00 (Preferences)" in message
    assert "09:30 in India" in message
    # The same start with the default hours is fine: 09:30 is within India's 09:00–21:00.
    assert plan_at(datetime(2026, 12, 1, 9, 30, tzinfo=IST)).levels.tolist() == [Level.OK]


def test_hours_given_as_times_of_day_count_the_same():
    plan = plan_at(datetime(2026, 12, 1, 19, 30, tzinfo=IST), hours=(time(10, 0), time(19, 0)))
    assert plan.levels.tolist() == [Level.WARNING]
    assert "10:00–19:00" in messages(plan)[0]
    assert plan_at(datetime(2026, 12, 1, 19, 0, tzinfo=IST), hours=(time(10, 0), time(19, 0))).levels.tolist() == [Level.OK]


def test_wider_hours_never_lift_indias_rule():
    plan = plan_at(datetime(2026, 12, 1, 8, 30, tzinfo=IST), hours=(8 * 60, 22 * 60))
    assert plan.levels.tolist() == [Level.WARNING]
    [message] = messages(plan)
    assert "outside 09:00–21:00 in India, when commercial calls are allowed" in message
    assert "your calling hours" not in message
    late = plan_at(datetime(2026, 12, 1, 21, 30, tzinfo=IST), hours=(8 * 60, 22 * 60))
    assert "outside 09:00–21:00 in India" in messages(late)[0]


def test_a_time_outside_both_names_the_law():
    plan = plan_at(datetime(2026, 12, 1, 8, 0, tzinfo=IST), hours=(10 * 60, 19 * 60))
    [message] = messages(plan)
    assert "outside 09:00–21:00 in India" in message and "your calling hours" not in message


def test_a_uae_number_at_2030_dubai_time_is_warned_with_hours_to_eight_pm():
    # 20:30 in Dubai is 22:00 in India; the number is the customer's, in Dubai.
    when = datetime(2026, 12, 1, 20, 30, tzinfo=GST)
    plan = plan_at(when, numbers=(UAE_MOBILE, "9000000001"), hours=(9 * 60, 20 * 60), allow_other_countries=True)
    assert plan.contact_numbers(0) == ("971501234567",)
    assert plan.levels.tolist() == [Level.WARNING, Level.WARNING]
    uae = " ".join(p.message for p in plan.problems_for(0))
    assert "20:30 Dubai time" in uae and "outside your calling hours 09:00–20:00 (Preferences)" in uae
    # The Indian number in the same campaign rings at 22:00 India time: India's rule.
    assert "outside 09:00–21:00 in India" in " ".join(p.message for p in plan.problems_for(1))


def test_a_uae_number_inside_the_hours_on_its_own_clock_is_fine_though_late_in_india():
    when = datetime(2026, 12, 1, 19, 45, tzinfo=GST)  # 21:15 in India
    plan = plan_at(when, numbers=(UAE_MOBILE,), hours=(9 * 60, 20 * 60), allow_other_countries=True)
    assert plan.levels.tolist() == [Level.OK]


def test_a_number_with_one_zone_is_judged_on_its_clock_and_one_with_several_on_the_campaigns():
    oregon, moscow_mobile, indian = "15417543010", "79161234567", "918012345679"  # Russia: many zones
    numbers = np.array([oregon, moscow_mobile, indian], dtype=object)
    three_pm_utc = np.full(3, int(datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc).timestamp()), dtype=np.int64)
    hours = CallingHours(9 * 60, 20 * 60)

    on_india_clock = hours_issues(numbers, three_pm_utc, np.ones(3, dtype=bool), hours, "Asia/Kolkata")
    # 07:00 in Oregon; 20:30 on the campaign's clock for the Russian number; 20:30 in India.
    assert on_india_clock.tolist() == [TimeIssue.OUTSIDE_YOUR_HOURS] * 3

    on_moscow_clock = hours_issues(numbers, three_pm_utc, np.ones(3, dtype=bool), hours, "Europe/Moscow")
    # Only the Russian number follows the campaign's zone (18:00 in Moscow: fine).
    assert on_moscow_clock.tolist() == [TimeIssue.OUTSIDE_YOUR_HOURS, 0, TimeIssue.OUTSIDE_YOUR_HOURS]


def test_a_german_number_follows_berlins_summer_time():
    berlin_mobile = np.array(["4915123456789"], dtype=object)
    hours = CallingHours(10 * 60, 19 * 60)
    valid = np.array([True])

    def issues_at(moment: datetime) -> int:
        epoch = np.array([int(moment.timestamp())], dtype=np.int64)
        return int(hours_issues(berlin_mobile, epoch, valid, hours, "Asia/Kolkata")[0])

    assert issues_at(datetime(2027, 7, 1, 8, 30, tzinfo=timezone.utc)) == 0  # 10:30 in Berlin, summer time
    assert issues_at(datetime(2026, 12, 1, 8, 30, tzinfo=timezone.utc)) == TimeIssue.OUTSIDE_YOUR_HOURS  # 09:30 in winter


def test_edited_rows_are_checked_against_the_same_hours():
    sheet = make_sheet({"Mobile": ["9000000001", "9000000002"], "Call At": ["2026-12-01 11:00", "2026-12-01 11:00"]})
    mapping = Mapping(contact_numbers=["Mobile"], start_time=StartTime(kind="column", column="Call At"))
    plan = plan_campaign(sheet, mapping, now=NOW, calling_hours=(10 * 60, 19 * 60))
    assert plan.levels.tolist() == [Level.OK, Level.OK]
    sheet.data.loc[1, "Call At"] = "2026-12-01 09:30"
    plan.revalidate([1])
    assert plan.levels.tolist() == [Level.OK, Level.WARNING]
    assert "outside your calling hours 10:00–19:00" in " ".join(p.message for p in plan.problems_for(1))
    sheet.data.loc[1, "Call At"] = "2026-12-01 18:30"
    plan.revalidate([1])
    assert plan.levels.tolist() == [Level.OK, Level.OK]


def test_a_column_of_many_rows_gets_the_warning_only_where_due():
    texts = ["2026-12-01 09:30", "2026-12-01 12:00", "2026-12-01 19:30", "2026-12-01 08:00"] * 25_000
    sheet = make_sheet({"Mobile": [f"98{i:08d}" for i in range(len(texts))], "Call At": texts})
    mapping = Mapping(contact_numbers=["Mobile"], start_time=StartTime(kind="column", column="Call At"),
                      allow_other_countries=True)  # the path that tells Indian numbers from others
    plan = plan_campaign(sheet, mapping, now=NOW, calling_hours=(10 * 60, 19 * 60))
    assert plan.levels[:4].tolist() == [Level.WARNING, Level.OK, Level.WARNING, Level.WARNING]
    assert plan.counts() == {"ready": 25_000, "warnings": 75_000, "errors": 0}
    assert "India, when commercial calls" in plan.problems_for(3)[0].message


@pytest.mark.parametrize("text, expected", [
    ("10:00-19:00", (600, 1140)), ("9:30 - 18:00", (570, 1080)), ("10-19", (600, 1140)), ("10:00–19:00", (600, 1140)),
])
def test_calling_hours_are_read_as_operators_write_them(text, expected):
    hours = parse_calling_hours(text)
    assert (hours.start, hours.until) == expected


@pytest.mark.parametrize("text", ["19:00-10:00", "25:00-26:00", "10:70-19:00", "ten to seven", ""])
def test_bad_calling_hours_are_refused_in_words(text):
    with pytest.raises(ValueError, match="10:00-19:00"):
        parse_calling_hours(text)


# --- the command line --------------------------------------------------------------------


def workbook(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Customer ID", "Mobile", "Call At"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = submit_cli.main([str(a) for a in argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def job(tmp_path):
    day = (datetime.now() + timedelta(days=10)).strftime("%Y-%m-%d")
    sheet = workbook(tmp_path / "calls list.xlsx", [["C1", "9000000001", f"{day} 09:30"], ["C2", "9000000002", f"{day} 12:00"]])
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"contact_numbers": ["Mobile"], "client_identifier": "Customer ID",
                                   "start_time": {"column": "Call At"}}), encoding="utf-8")
    return sheet, mapping


def test_dry_run_with_calling_hours_lists_the_warning(job):
    sheet, mapping = job
    code, out, err = run(sheet, "--mapping", mapping, "--flow-id", "AB12cd34", "--dry-run", "--calling-hours", "10:00-19:00")
    assert code == 0, err
    assert "Calling hours: 10:00–19:00" in out
    assert "1 ready, 1 with warnings" in out
    assert "[warning] Row 2 (Call At)" in out and "outside your calling hours 10:00–19:00 (--calling-hours)" in out


def test_dry_run_without_the_flag_keeps_nine_to_nine(job):
    sheet, mapping = job
    code, out, _ = run(sheet, "--mapping", mapping, "--flow-id", "AB12cd34", "--dry-run")
    assert code == 0
    assert "2 ready, 0 with warnings" in out and "[warning]" not in out


def test_a_bad_calling_hours_value_is_a_plain_error_and_nothing_is_checked(job, capsys):
    sheet, mapping = job
    code, out, err = run(sheet, "--mapping", mapping, "--flow-id", "AB12cd34", "--dry-run", "--calling-hours", "19:00-10:00")
    said = err + capsys.readouterr().err  # the command's usage line and reason come from argparse
    assert code == 2
    assert "--calling-hours: The calling hours '19:00-10:00' must start before they end" in said
    assert "Write them like 10:00-19:00" in said and "Traceback" not in said
    assert out == ""
