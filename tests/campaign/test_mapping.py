"""The mapping file: round trip, plain errors, missing columns, proposals and signatures."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from phonon_desktop.campaign.mapping import Mapping, MappingError, StartTime, headers_signature, propose_mapping

ISSUE_EXAMPLE = {
    "sheet": "Contacts",
    "header_row": 3,
    "contact_numbers": ["Mobile", "Alt Mobile"],
    "client_identifier": "Customer ID",
    "start_time": {"column": "Call At"},
    "timezone": "Asia/Kolkata",
    "default_country": "IN",
    "keys": {"Name": "Customer Name", "Language": "Language"},
}


def test_the_documented_example_reads_and_writes_back_the_same():
    mapping = Mapping.from_json(ISSUE_EXAMPLE)
    assert mapping.contact_numbers == ["Mobile", "Alt Mobile"]
    assert mapping.start_time.kind == "column" and mapping.start_time.column == "Call At"
    assert mapping.header_row == 3 and mapping.sheet == "Contacts"
    assert mapping.to_json() == ISSUE_EXAMPLE


@pytest.mark.parametrize(
    "start, kind",
    [
        ("now", "now"),
        ({"at": "2026-12-01T10:30:00+05:30"}, "at"),
        ({"at": "2026-12-01T10:30:00+05:30", "spread": {"calls": 200, "every_minutes": 15}}, "spread"),
        ({"column": "Call At"}, "column"),
    ],
)
def test_every_start_time_form_round_trips(start, kind):
    obj = {"contact_numbers": ["Mobile"], "start_time": start}
    mapping = Mapping.from_json(obj)
    assert mapping.start_time.kind == kind
    again = Mapping.from_json(mapping.to_json())
    assert again == mapping
    assert again.to_json()["start_time"] == start


def test_save_and_load_through_a_file_with_spaces_and_hindi_in_its_path(tmp_path):
    folder = tmp_path / "दिसंबर campaign"
    folder.mkdir()
    mapping = Mapping(
        contact_numbers=["मोबाइल"],
        keys={"Name": "नाम"},
        start_time=StartTime(kind="at", at=datetime(2026, 12, 1, 10, 30, tzinfo=timezone(timedelta(hours=5, minutes=30)))),
    )
    path = folder / "my mapping.json"
    mapping.save(path)
    assert "मोबाइल" in path.read_text(encoding="utf-8")  # readable, not \u escapes
    assert Mapping.load(path) == mapping


@pytest.mark.parametrize(
    "obj, words",
    [
        ({}, "contact_numbers"),
        ({"contact_numbers": []}, "contact_numbers"),
        ({"contact_numbers": ["Mobile"], "start_time": {"at": "2026-12-01 10:30"}}, "no time zone offset"),
        ({"contact_numbers": ["Mobile"], "start_time": {"at": "tomorrow"}}, "not a date and time"),
        ({"contact_numbers": ["Mobile"], "start_time": {"at": "2026-12-01T10:30:00+05:30", "spread": {"calls": 0, "every_minutes": 15}}}, "calls per wave"),
        ({"contact_numbers": ["Mobile"], "timezone": "India/Delhi"}, "time zone 'India/Delhi' is not known"),
        ({"contact_numbers": ["Mobile"], "keys": {"My Name": "Name"}}, "flow variable name 'My Name'"),
        ({"contact_numbers": ["Mobile"], "contact_number": ["Mobile"]}, "did you mean 'contact_numbers'"),
        ({"contact_numbers": ["Mobile", "Mobile"]}, "chosen twice"),
        ({"contact_numbers": ["Mobile"], "header_row": "3"}, "header_row"),
    ],
)
def test_bad_mappings_say_what_to_change(obj, words):
    with pytest.raises(MappingError) as caught:
        Mapping.from_json(obj)
    assert words in caught.value.message


def test_a_file_that_is_not_json_names_the_file_and_the_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "contact_numbers": ["Mobile"],\n}', encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        Mapping.load(path)
    assert "broken.json" in caught.value.message and "line 3" in caught.value.message


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(MappingError) as caught:
        Mapping.load(tmp_path / "nothing here.json")
    assert "nothing here.json" in caught.value.message and "does not exist" in caught.value.message


def test_flow_variable_prefix_is_accepted_and_removed():
    mapping = Mapping.from_json({"contact_numbers": ["Mobile"], "keys": {"$flow.key.Name": "Name"}})
    assert mapping.keys == {"Name": "Name"}


def test_missing_column_lists_the_headers_and_suggests_the_closest():
    mapping = Mapping.from_json(ISSUE_EXAMPLE)
    headers = ["Customer ID", "Customer Name", "Mobile No", "Alt Mobile", "Call At", "Language"]
    with pytest.raises(MappingError) as caught:
        mapping.check_columns(headers)
    message = caught.value.message
    assert "'Mobile'" in message and "did you mean 'Mobile No'" in message
    for header in headers:
        assert header in message


def test_columns_used_lists_each_column_once():
    mapping = Mapping.from_json({**ISSUE_EXAMPLE, "keys": {"Name": "Customer Name", "Id": "Customer ID"}})
    assert mapping.columns_used() == ["Mobile", "Alt Mobile", "Customer ID", "Call At", "Customer Name"]


def test_headers_signature_ignores_case_spacing_and_order_but_not_names():
    a = headers_signature(["Mobile", "Name", "Customer ID"])
    assert a == headers_signature(["customer  id", "NAME", "Mobile "])
    assert a != headers_signature(["Mobile", "Name", "Account"])


def test_propose_reads_english_headers():
    proposal = propose_mapping(["Sr", "Customer ID", "Customer Name", "Mobile", "Alt Mobile", "Call At", "Language"])
    m = proposal.mapping
    assert m.contact_numbers == ["Mobile", "Alt Mobile"]
    assert m.client_identifier == "Customer ID"
    assert m.start_time.column == "Call At"
    assert m.keys == {"CustomerName": "Customer Name", "Language": "Language"}
    assert proposal.questions == []


def test_propose_reads_hindi_headers():
    proposal = propose_mapping(["नाम", "मोबाइल", "भाषा"])
    m = proposal.mapping
    assert m.contact_numbers == ["मोबाइल"]
    assert m.keys == {"Name": "नाम", "Language": "भाषा"}


def test_two_equally_likely_number_columns_are_asked_about_not_guessed():
    proposal = propose_mapping(["नाम", "मोबाइल", "फ़ोन"])
    assert any("मोबाइल" in q and "फ़ोन" in q and "Choose one" in q for q in proposal.questions)
    proposal = propose_mapping(["Name", "Phone", "Mobile"])
    assert any("Phone, Mobile" in q for q in proposal.questions)


def test_account_number_is_not_taken_for_a_phone_number():
    proposal = propose_mapping(["Account Number", "Contact Person", "Contact No"])
    assert proposal.mapping.contact_numbers == ["Contact No"]
    assert proposal.mapping.client_identifier == "Account Number"


def test_no_number_column_at_all_is_a_question():
    proposal = propose_mapping(["Name", "City"])
    assert proposal.mapping is None
    assert "phone number" in proposal.questions[0]


def test_propose_uses_the_cells_when_the_sheet_is_given():
    from sheetmaker import make_sheet

    sheet = make_sheet(
        {
            "Contact Person": ["Ravi", "Sita"],
            "Cust": ["9000000001", "+91 90000 00002"],
            "Amount": ["100", "200"],
        },
        header_row=2,
    )
    proposal = propose_mapping(sheet.headers, sheet)
    assert proposal.mapping.contact_numbers == ["Cust"]
    assert proposal.mapping.header_row == 2 and proposal.mapping.sheet == "Contacts"
    assert "Contact Person" in proposal.mapping.keys.values()


def test_two_phone_headers_are_settled_by_the_cells_when_one_holds_no_numbers():
    from sheetmaker import make_sheet

    sheet = make_sheet({"Phone": ["office", "home"], "Mobile": ["9000000001", "9000000002"]})
    proposal = propose_mapping(sheet.headers, sheet)
    assert proposal.mapping.contact_numbers == ["Mobile"]
    assert not any("Choose one" in q for q in proposal.questions)


def test_a_proposed_mapping_is_valid_and_round_trips():
    proposal = propose_mapping(["नाम", "मोबाइल", "Customer ID", "Call At"])
    assert Mapping.from_json(json.loads(json.dumps(proposal.mapping.to_json()))) == proposal.mapping


def test_saving_where_it_cannot_be_written_says_so_and_leaves_no_stray_file(tmp_path):
    target = tmp_path / "taken"
    target.mkdir()  # a folder where the file should go: the save cannot replace it
    mapping = Mapping(contact_numbers=["Mobile"])
    with pytest.raises(MappingError) as caught:
        mapping.save(target)
    assert "cannot be saved" in caught.value.message and "taken" in caught.value.message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
