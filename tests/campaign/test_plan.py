"""What each row becomes, the problems an operator sees, and the batches that would go out."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from phonon_desktop.campaign.mapping import Mapping, MappingError, StartTime
from phonon_desktop.campaign.plan import Level, batches_for, plan_campaign, preview_request
from phonon_desktop.kairos.protocol import MAX_BODY_BYTES, MAX_CALLS_PER_REQUEST, build_body
from phonon_desktop.sheets.model import CellKind

from sheetmaker import make_sheet

IST = timezone(timedelta(hours=5, minutes=30))
NOW = datetime(2026, 11, 27, 11, 0, tzinfo=IST)
LATER = datetime(2026, 12, 1, 10, 30, tzinfo=IST)


def at(when: datetime = LATER) -> StartTime:
    return StartTime(kind="at", at=when)


def plan_of(columns, kinds=None, **mapping_options):
    mapping_options.setdefault("contact_numbers", ["Mobile"])
    mapping_options.setdefault("start_time", at())
    return plan_campaign(make_sheet(columns, kinds), Mapping(**mapping_options), now=NOW)


def messages(plan, level=None):
    return [p.message for p in plan.all_problems() if level is None or p.level == level]


def test_a_clean_sheet_becomes_exact_calls():
    plan = plan_of(
        {"Customer ID": ["C1", "C2"], "Name": ["Abhi", "अभिनंदन"], "Mobile": ["+91 80123-45679", "09000000001"],
         "Alt": ["8012345679", ""]},
        contact_numbers=["Mobile", "Alt"], client_identifier="Customer ID", keys={"Name": "Name"},
    )
    assert plan.counts() == {"ready": 2, "warnings": 0, "errors": 0}
    first = plan.call(0)
    assert first.client_identifier == "C1"
    assert first.start_time == "2026-12-01T10:30:00+05:30"
    assert first.contact_numbers == ("918012345679",)  # the alternate repeats the main number: dropped
    assert first.keys == (("Name", "Abhi"),)
    assert plan.call(1).contact_numbers == ("919000000001",)  # the empty alternate is left out
    assert plan.call(1).keys == (("Name", "अभिनंदन"),)


def test_alternates_keep_their_order_and_invalid_ones_are_left_out_with_a_warning():
    plan = plan_of(
        {"Mobile": ["9000000001"], "Alt 1": ["12345"], "Alt 2": ["9000000003"], "Alt 3": ["+91 90000 00002"]},
        contact_numbers=["Mobile", "Alt 1", "Alt 2", "Alt 3"],
    )
    assert plan.call(0).contact_numbers == ("919000000001", "919000000003", "919000000002")
    assert plan.levels.tolist() == [Level.WARNING]
    [problem] = plan.problems_for(0)
    assert problem.column == "Alt 1" and "Row 2 (Alt 1): '12345'" in problem.message and "left out" in problem.message


def test_an_empty_main_number_with_an_alternate_dials_the_alternate_with_a_warning():
    plan = plan_of({"Mobile": ["", ""], "Alt": ["9000000002", ""]}, contact_numbers=["Mobile", "Alt"])
    assert plan.levels.tolist() == [Level.WARNING, Level.ERROR]
    assert plan.call(0).contact_numbers == ("919000000002",)
    assert "Row 3 (Mobile): has no phone number" in messages(plan, Level.ERROR)[0]


def test_flow_variables_are_the_cell_text_exactly_and_empty_is_an_empty_string():
    plan = plan_of(
        {"Mobile": ["9000000001", "9000000002"], "Amount": ["1,250.50", ""], "Code": ["007", "  spaced  "]},
        keys={"Amount": "Amount", "Code": "Code"},
    )
    assert plan.call(0).keys == (("Amount", "1,250.50"), ("Code", "007"))
    assert plan.call(1).keys == (("Amount", ""), ("Code", "  spaced  "))
    assert "nan" not in plan.call(1).encode().decode()


def test_each_number_problem_names_the_row_the_column_and_the_cell():
    plan = plan_of(
        {"Mobile": ["12345", "9.18012E+11", "9180123456791230", "#N/A"]},
        kinds={"Mobile": [CellKind.TEXT, CellKind.TEXT, CellKind.NUMBER_DAMAGED, CellKind.ERROR]},
    )
    found = messages(plan)
    assert plan.counts()["errors"] == 4
    assert found[0].startswith("Row 2 (Mobile): '12345' is not a phone number")
    assert found[1].startswith("Row 3 (Mobile): '9.18012E+11'") and "scientific notation" in found[1]
    assert found[2].startswith("Row 4 (Mobile): '9180123456791230'") and "more than 15 digits" in found[2]
    assert found[3].startswith("Row 5 (Mobile): shows the Excel error '#N/A'")


def test_the_same_number_twice_makes_the_second_row_an_error_naming_the_first():
    plan = plan_of({"Mobile": ["9000000001", "+91 90000 00001", "9000000002"]})
    assert plan.levels.tolist() == [Level.OK, Level.ERROR, Level.OK]
    [message] = messages(plan)
    assert message.startswith("Row 3 (Mobile): the number 919000000001 is also on row 2")


def test_allowed_duplicates_are_sent_with_a_warning():
    plan = plan_of({"Mobile": ["9000000001", "9000000001"]}, allow_duplicates=True)
    assert plan.levels.tolist() == [Level.OK, Level.WARNING]
    assert plan.sendable_rows().tolist() == [0, 1]
    assert plan.call(0).client_identifier != plan.call(1).client_identifier


def test_identifier_column_empty_or_repeated_is_an_error():
    plan = plan_of({"ID": ["A1", "", "A1", " A2 "], "Mobile": ["9000000001", "9000000002", "9000000003", "9000000004"]},
                   client_identifier="ID")
    assert plan.levels.tolist() == [Level.OK, Level.ERROR, Level.ERROR, Level.OK]
    found = messages(plan)
    assert found[0].startswith("Row 3 (ID): has no customer identifier")
    assert found[1].startswith("Row 4 (ID): the identifier 'A1' is also on row 2")
    assert plan.call(3).client_identifier == "A2"


def test_generated_identifiers_are_stable_unique_and_do_not_depend_on_row_position():
    columns = {"Mobile": ["9000000001", "9000000002", "9000000003"], "Name": ["A", "B", "C"]}
    first = plan_of(columns, keys={"Name": "Name"}, allow_duplicates=True)
    again = plan_of(columns, keys={"Name": "Name"}, allow_duplicates=True)
    assert first.client_ids.tolist() == again.client_ids.tolist()
    moved = plan_of({"Mobile": ["9000000009", "9000000003", "9000000001"], "Name": ["Z", "C", "A"]}, keys={"Name": "Name"})
    assert moved.client_ids[1] == first.client_ids[2] and moved.client_ids[2] == first.client_ids[0]
    same = plan_of({"Mobile": ["9000000001"] * 3, "Name": ["A"] * 3}, keys={"Name": "Name"}, allow_duplicates=True)
    ids = same.client_ids.tolist()
    assert len(set(ids)) == 3 and ids[1] == ids[0] + "-2" and ids[2] == ids[0] + "-3"


def test_a_start_on_an_earlier_date_makes_every_row_an_error_and_earlier_today_a_warning():
    plan = plan_of({"Mobile": ["9000000001"]}, start_time=at(NOW - timedelta(days=1)))
    assert plan.levels.tolist() == [Level.ERROR]
    assert "date that has passed" in messages(plan)[0]
    plan = plan_of({"Mobile": ["9000000001"]}, start_time=at(NOW - timedelta(minutes=30)))
    assert plan.levels.tolist() == [Level.WARNING]
    assert "will ring at once" in messages(plan)[0]


def test_a_start_outside_calling_hours_is_a_warning():
    plan = plan_of({"Mobile": ["9000000001"]}, start_time=at(LATER.replace(hour=21, minute=30)))
    assert plan.levels.tolist() == [Level.WARNING]
    assert "outside 09:00–21:00" in messages(plan)[0]


def test_start_times_from_a_column_with_an_unsettled_order_wait_for_the_answer():
    columns = {"Mobile": ["9000000001", "9000000002"], "Call At": ["01/12/2026 10:30", "02/12/2026 11:00"]}
    sheet = make_sheet(columns)
    mapping = Mapping(contact_numbers=["Mobile"], start_time=StartTime(kind="column", column="Call At"))
    waiting = plan_campaign(sheet, mapping, now=NOW)
    assert waiting.counts()["errors"] == 2 and waiting.questions == [waiting.day_order_question]
    answered = plan_campaign(sheet, mapping, now=NOW, day_first=True)
    assert answered.questions == [] and answered.counts()["ready"] == 2
    assert answered.start_times.tolist() == ["2026-12-01T10:30:00+05:30", "2026-12-02T11:00:00+05:30"]
    waiting.set_day_first(True)  # answered in place, without planning again
    assert waiting.questions == [] and waiting.counts()["ready"] == 2
    assert waiting.call(1).start_time == "2026-12-02T11:00:00+05:30"
    waiting.set_day_first(False)  # 12 January and 12 February 2026: already past
    assert waiting.counts()["errors"] == 2 and "date that has passed" in messages(waiting)[0]


def test_spread_sends_waves_in_sheet_order_of_the_rows_that_can_be_sent():
    numbers = [f"90000000{i:02d}" for i in range(7)]
    numbers[2] = "bad"
    spread = StartTime(kind="spread", at=LATER, spread_calls=2, spread_every_minutes=15)
    plan = plan_of({"Mobile": numbers}, start_time=spread)
    sendable = plan.sendable_rows().tolist()
    assert sendable == [0, 1, 3, 4, 5, 6]
    assert [plan.call(r).start_time for r in sendable] == [
        "2026-12-01T10:30:00+05:30", "2026-12-01T10:30:00+05:30",
        "2026-12-01T10:45:00+05:30", "2026-12-01T10:45:00+05:30",
        "2026-12-01T11:00:00+05:30", "2026-12-01T11:00:00+05:30",
    ]


def test_waves_that_run_past_nine_in_the_evening_are_warned_about():
    spread = StartTime(kind="spread", at=LATER.replace(hour=20, minute=30), spread_calls=1, spread_every_minutes=20)
    plan = plan_of({"Mobile": ["9000000001", "9000000002", "9000000003"]}, start_time=spread)
    assert plan.levels.tolist() == [Level.OK, Level.OK, Level.WARNING]


def test_hidden_rows_are_sent_with_a_warning():
    sheet = make_sheet({"Mobile": ["9000000001", "9000000002"]})
    sheet.hidden_rows = np.array([False, True])
    plan = plan_campaign(sheet, Mapping(contact_numbers=["Mobile"], start_time=at()), now=NOW)
    assert plan.levels.tolist() == [Level.OK, Level.WARNING]
    assert "hidden" in messages(plan)[0]


def test_a_row_too_large_for_any_request_is_an_error_not_a_crash():
    plan = plan_of({"Mobile": ["9000000001", "9000000002"], "Note": ["x" * (MAX_BODY_BYTES + 10), "short"]}, keys={"Note": "Note"})
    assert plan.levels.tolist() == [Level.ERROR, Level.OK]
    assert "too long" in messages(plan)[0]


def test_a_mapping_naming_a_missing_column_stops_planning():
    with pytest.raises(MappingError) as caught:
        plan_of({"Mobile No": ["9000000001"]})
    assert "did you mean 'Mobile No'" in caught.value.message


def test_call_refuses_a_row_with_an_error_in_words():
    plan = plan_of({"Mobile": ["12345"]})
    with pytest.raises(ValueError, match=r"Row 2 cannot be sent.*'12345'"):
        plan.call(0)


def test_revalidate_after_an_edit_fixes_the_row_and_the_duplicate_it_caused():
    sheet = make_sheet({"Mobile": ["9000000001", "9000000001", "12345"]})
    plan = plan_campaign(sheet, Mapping(contact_numbers=["Mobile"], start_time=at()), now=NOW)
    assert plan.levels.tolist() == [Level.OK, Level.ERROR, Level.ERROR]
    sheet.data.iat[0, 0] = "9000000005"
    sheet.data.iat[2, 0] = "+91 90000 00009"
    plan.revalidate([0, 2])
    assert plan.levels.tolist() == [Level.OK, Level.OK, Level.OK]
    assert plan.call(0).contact_numbers == ("919000000005",)
    assert plan.call(2).contact_numbers == ("919000000009",)
    sheet.data.iat[2, 0] = "9000000005"
    plan.revalidate([2])
    assert plan.levels.tolist() == [Level.OK, Level.OK, Level.ERROR]


def test_revalidate_of_a_time_cell_that_settles_the_day_month_order():
    sheet = make_sheet({"Mobile": ["9000000001", "9000000002"], "Call At": ["01/12/2026 10:30", "02/12/2026 10:30"]})
    plan = plan_campaign(sheet, Mapping(contact_numbers=["Mobile"], start_time=StartTime(kind="column", column="Call At")), now=NOW)
    assert plan.questions
    sheet.data.iat[1, 1] = "13/12/2026 10:30"
    plan.revalidate([1])
    assert plan.questions == []
    assert plan.start_times.tolist() == ["2026-12-01T10:30:00+05:30", "2026-12-13T10:30:00+05:30"]


def test_batches_respect_both_limits_on_exact_bytes():
    n = 1203
    plan = plan_of({"Mobile": [str(7000000000 + i) for i in range(n)], "Note": ["é" * 300] * n}, keys={"Note": "Note"})
    rows = plan.sendable_rows()
    batches = batches_for(plan, rows, api_version="1.0", flow_id="ABCD1234")
    assert np.concatenate(batches).tolist() == rows.tolist()
    for batch in batches:
        body = build_body("1.0", "S" * 64, "ABCD1234", [plan.call(int(r)).encode() for r in batch])
        assert len(batch) <= MAX_CALLS_PER_REQUEST and len(body) <= MAX_BODY_BYTES
    assert len(batches) > 3  # 1,203 calls of ~700 bytes cannot fit in three requests of 256 KB


def test_encoded_call_is_byte_for_byte_the_call():
    odd = 'quote " back\\slash \x01 tab\t अ \u2028 😀'
    plan = plan_of({"Mobile": ["9000000001"], "Name": [odd]}, keys={"Name": "Name"})
    assert plan.encoded_call(0) == plan.call(0).encode()


def test_preview_shows_the_first_request_with_the_security_id_hidden():
    plan = plan_of({"Mobile": ["9000000001", "9000000002"]})
    secret = "S3CR3T" * 10 + "WXYZ"
    text = preview_request(plan, plan.sendable_rows(), api_version="1.0", flow_id="ABCD1234", security_id=secret)
    assert secret not in text and "WXYZ" in text
    body = json.loads(text)
    assert [c["contact-numbers"] for c in body["calls"]] == [["919000000001"], ["919000000002"]]


@pytest.mark.parametrize("start_kind, edited", [("at", 3), ("column", 3), ("spread", 3), ("at", 40)])
def test_revalidating_edited_rows_gives_what_a_fresh_plan_gives(start_kind, edited):
    rng = np.random.default_rng(5)
    n = 300
    pool = ["9000000001", "9000000002", "+91 90000 00003", "12345", "", "9000000004", "9.18E+11"]
    ids = ["A", "B", "C", "D", ""]
    when = ["2026-12-01 10:30", "2026-12-02 22:00", "2026-11-20 10:00", "garbage", "2026-11-27 09:30",
            "01/12/2026 10:30", "13/12/2026 10:00", "12/13/2026 10:00", "05/05/2027 11:00"]
    columns = {
        "ID": [f"{rng.choice(ids)}{i % 150}" for i in range(n)],
        "Mobile": [str(rng.choice(pool)) if i % 3 else str(9100000000 + i) for i in range(n)],
        "Alt": [str(rng.choice(pool)) for _ in range(n)],
        "Call At": [str(rng.choice(when)) for _ in range(n)],
        "Name": ["x"] * n,
    }
    starts = {
        "at": at(),
        "column": StartTime(kind="column", column="Call At"),
        "spread": StartTime(kind="spread", at=LATER, spread_calls=7, spread_every_minutes=30),
    }
    mapping = Mapping(contact_numbers=["Mobile", "Alt"], client_identifier="ID", start_time=starts[start_kind], keys={"Name": "Name"})
    sheet = make_sheet(columns)
    plan = plan_campaign(sheet, mapping, now=NOW)
    for _ in range(12):
        rows = rng.choice(n, size=edited, replace=False)
        for row in rows:
            sheet.data.iat[int(row), 1] = str(rng.choice(pool))
            sheet.data.iat[int(row), 0] = f"{rng.choice(ids)}{rng.integers(0, 150)}"
            sheet.data.iat[int(row), 3] = str(rng.choice(when))
            sheet.kinds.iat[int(row), 1] = CellKind.TEXT
        plan.revalidate(rows.tolist())
        fresh = plan_campaign(sheet, mapping, now=NOW)
        assert plan.levels.tolist() == fresh.levels.tolist()
        assert list(plan.all_problems()) == list(fresh.all_problems())
        assert plan.start_times.tolist() == fresh.start_times.tolist()
        assert plan.questions == fresh.questions


def test_a_plan_kept_open_past_midnight_judges_start_times_again():
    plan = plan_of({"Mobile": ["9000000001"]}, start_time=at(NOW.replace(hour=18)))
    assert plan.levels.tolist() == [Level.OK]
    plan.set_now(NOW + timedelta(days=1))
    assert plan.levels.tolist() == [Level.ERROR]
    assert "date that has passed" in messages(plan)[0]


def test_now_starts_take_the_time_the_plan_is_judged_at():
    plan = plan_of({"Mobile": ["9000000001"]}, start_time=StartTime.now())
    assert plan.call(0).start_time == "2026-11-27T11:00:00+05:30"
    plan.set_now(NOW + timedelta(minutes=5, seconds=7))
    assert plan.call(0).start_time == "2026-11-27T11:05:07+05:30"


@pytest.mark.parametrize("kind", ["now", "at", "spread", "column"])
def test_an_empty_sheet_plans_to_nothing_without_failing(kind):
    starts = {
        "now": StartTime.now(), "at": at(), "column": StartTime(kind="column", column="Call At"),
        "spread": StartTime(kind="spread", at=LATER, spread_calls=5, spread_every_minutes=5),
    }
    plan = plan_of({"Mobile": [], "Call At": []}, start_time=starts[kind])
    assert plan.counts() == {"ready": 0, "warnings": 0, "errors": 0}
    assert batches_for(plan, plan.sendable_rows(), api_version="1.0", flow_id="ABCD1234") == []
    assert plan.day_order_question is None


def test_flow_variable_cells_showing_excel_errors_are_sent_as_shown_with_a_warning():
    plan = plan_of(
        {"Mobile": ["9000000001", "9000000002"], "Due": ["#N/A", "1500"]},
        kinds={"Mobile": [CellKind.TEXT, CellKind.TEXT], "Due": [CellKind.ERROR, CellKind.NUMBER]},
        keys={"Due": "Due"},
    )
    assert plan.levels.tolist() == [Level.WARNING, Level.OK]
    assert plan.call(0).keys == (("Due", "#N/A"),)
    [message] = messages(plan)
    assert message.startswith("Row 2 (Due): shows the Excel error '#N/A'") and "Due will receive that text" in message


def test_cells_emptied_to_none_or_nan_count_as_empty_and_never_send_nan():
    sheet = make_sheet({"Mobile": ["9000000001", "9000000002"], "Alt": ["9000000003", "9000000004"], "Name": ["A", "B"]})
    plan = plan_campaign(sheet, Mapping(contact_numbers=["Mobile", "Alt"], start_time=at(), keys={"Name": "Name"}), now=NOW)
    sheet.data.iat[0, 1] = None
    sheet.data.iat[1, 2] = float("nan")
    plan.revalidate([0, 1])
    assert plan.levels.tolist() == [Level.OK, Level.OK]
    assert plan.call(0).contact_numbers == ("919000000001",)
    assert plan.call(1).keys == (("Name", ""),)
    assert b"nan" not in plan.encoded_call(1).lower()


def test_a_past_start_for_the_whole_campaign_is_said_once_as_well():
    plan = plan_of({"Mobile": ["9000000001", "9000000002"]}, start_time=at(NOW - timedelta(days=2)))
    assert len(plan.questions) == 1 and "no row can be sent" in plan.questions[0]
    plan.set_now(NOW - timedelta(days=3))
    assert plan.questions == [] and plan.counts()["ready"] == 2


def test_an_edit_that_removes_the_only_date_settling_the_order_brings_the_question_back():
    sheet = make_sheet({"Mobile": ["9000000001", "9000000002"], "Call At": ["01/12/2026 10:30", "13/12/2026 10:30"]})
    plan = plan_campaign(sheet, Mapping(contact_numbers=["Mobile"], start_time=StartTime(kind="column", column="Call At")), now=NOW)
    assert plan.questions == [] and plan.counts()["ready"] == 2
    sheet.data.iat[1, 1] = "2026-12-13 10:30"
    plan.revalidate([1])
    assert plan.day_order_question is not None
    assert plan.levels.tolist() == [Level.ERROR, Level.OK]


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(
    ids=st.lists(st.text(min_size=1, max_size=12).filter(lambda t: t.strip() and t.isprintable()), min_size=1, max_size=6, unique_by=str.strip),
    values=st.lists(st.text(max_size=30), min_size=6, max_size=6),
)
def test_encoded_calls_equal_the_calls_bytes_for_any_text(ids, values):
    n = len(ids)
    plan = plan_of(
        {"ID": ids, "Mobile": [str(9000000000 + i) for i in range(n)], "A": values[:n], "B": values[-n:]},
        client_identifier="ID", keys={"A": "A", "B": "B"},
    )
    for row in plan.sendable_rows().tolist():
        assert plan.encoded_call(row) == plan.call(row).encode()
