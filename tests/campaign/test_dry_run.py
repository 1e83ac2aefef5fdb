"""`phonon-desktop submit --dry-run` end to end on workbooks written the way Excel users make them."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import datetime, timedelta

import openpyxl
import pytest

from phonon_desktop.campaign import submit_cli

FUTURE = (datetime.now() + timedelta(days=30)).replace(hour=11, minute=0, second=0, microsecond=0)
HEADERS = ["Customer ID", "Customer Name", "Mobile", "Alt Mobile", "Call At", "Language"]


def workbook(path, rows, *, title_rows=True):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Contacts"
    if title_rows:
        sheet.append(["December collections"])
        sheet.append([])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def mapping_file(path, **changes):
    obj = {
        "sheet": "Contacts", "header_row": 3, "contact_numbers": ["Mobile", "Alt Mobile"],
        "client_identifier": "Customer ID", "start_time": {"column": "Call At"},
        "keys": {"Name": "Customer Name", "Language": "Language"},
    }
    obj.update(changes)
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return path


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = submit_cli.main([str(a) for a in argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def good_rows(n, start=0):
    return [[f"C{i}", f"Name {i}", str(9000000000 + i), "", FUTURE, "Hindi"] for i in range(start, start + n)]


@pytest.fixture
def folder(tmp_path):
    place = tmp_path / "अभियान December"  # spaces and Devanagari, as on an operator's desktop
    place.mkdir()
    return place


def test_a_clean_list_reports_counts_batches_and_exits_0(folder):
    book = workbook(folder / "list one.xlsx", good_rows(3))
    code, out, err = run(book, "--mapping", mapping_file(folder / "m.json"), "--flow-id", "ABCD1234", "--dry-run")
    assert code == 0, err
    assert "Rows: 3 ready, 0 with warnings (will be sent), 0 with errors (will not be sent)." in out
    assert "Would send 3 calls in 1 request to flow ABCD1234" in out
    assert "request 1: 3 calls," in out and "rows 4-6" in out
    assert "Nothing was sent (dry run)." in out


def test_rows_with_errors_are_listed_by_row_and_the_exit_code_is_1(folder):
    rows = good_rows(2) + [["C9", "Bad", "12345", "", FUTURE, "Hindi"], ["C1", "Twice", "9000000005", "", FUTURE, "Hindi"]]
    book = workbook(folder / "list.xlsx", rows)
    code, out, _ = run(book, "--mapping", mapping_file(folder / "m.json"), "--flow-id", "ABCD1234", "--dry-run")
    assert code == 1
    assert "2 ready" in out and "2 with errors" in out
    assert "[error] Row 6 (Mobile): '12345' is not a phone number" in out
    assert "[error] Row 7 (Customer ID): the identifier 'C1' is also on row 5" in out
    assert "Would send 2 calls" in out


def test_only_the_first_twenty_problems_are_printed(folder):
    rows = [[f"C{i}", "x", "123", "", FUTURE, "Hindi"] for i in range(30)]
    book = workbook(folder / "list.xlsx", rows)
    code, out, _ = run(book, "--mapping", mapping_file(folder / "m.json"), "--flow-id", "ABCD1234", "--dry-run")
    assert code == 1
    assert out.count("[error]") == 20
    assert "Problems (first 20, on 30 rows in all):" in out
    assert "No row can be sent." in out


def test_many_rows_are_cut_into_requests_of_at_most_500_calls(folder):
    book = workbook(folder / "big.xlsx", good_rows(1203))
    code, out, _ = run(book, "--mapping", mapping_file(folder / "m.json"), "--flow-id", "ABCD1234", "--dry-run")
    assert code == 0
    assert "Would send 1,203 calls in 3 requests" in out
    assert "request 1: 500 calls" in out and "request 3: 203 calls" in out


def test_an_unsettled_day_month_order_asks_and_the_flag_answers(folder):
    rows = [["C1", "A", "9000000001", "", "01/12/2099 10:30", "Hindi"], ["C2", "B", "9000000002", "", "02/12/2099 10:30", "Hindi"]]
    book = workbook(folder / "list.xlsx", rows)
    mapping = mapping_file(folder / "m.json")
    code, out, _ = run(book, "--mapping", mapping, "--flow-id", "ABCD1234", "--dry-run")
    assert code == 1 and "--day-first or --month-first" in out
    code, out, _ = run(book, "--mapping", mapping, "--flow-id", "ABCD1234", "--dry-run", "--day-first")
    assert code == 0 and "2 ready" in out


def test_allow_duplicates_on_the_command_line(folder):
    rows = good_rows(1) + [["C2", "Same", "9000000000", "", FUTURE, "Hindi"]]
    book = workbook(folder / "list.xlsx", rows)
    mapping = mapping_file(folder / "m.json")
    assert run(book, "--mapping", mapping, "--flow-id", "ABCD1234", "--dry-run")[0] == 1
    code, out, _ = run(book, "--mapping", mapping, "--flow-id", "ABCD1234", "--dry-run", "--allow-duplicates")
    assert code == 0 and "1 with warnings" in out


def test_results_workbook_holds_every_row_and_its_problems(folder):
    rows = good_rows(1) + [["C9", "Bad", "12345", "", FUTURE, "Hindi"]]
    book = workbook(folder / "list.xlsx", rows)
    results = folder / "results out.xlsx"
    code, out, _ = run(book, "--mapping", mapping_file(folder / "m.json"), "--flow-id", "ABCD1234", "--dry-run", "--results", results)
    assert code == 1 and results.exists()
    sheet = openpyxl.load_workbook(results).active
    table = [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
    header = table[0]
    check, problems = header.index("Check"), header.index("Problems")
    assert [r[check] for r in table[1:]] == ["Ready", "Error"]
    assert "'12345' is not a phone number" in table[2][problems]
    assert table[2][header.index("Mobile")] == "12345"


def test_a_mapping_naming_a_missing_column_exits_2_listing_the_headers(folder):
    book = workbook(folder / "list.xlsx", good_rows(1))
    mapping = mapping_file(folder / "m.json", contact_numbers=["Mobile No"])
    code, out, err = run(book, "--mapping", mapping, "--flow-id", "ABCD1234", "--dry-run")
    assert code == 2 and out == ""
    assert "'Mobile No' (did you mean 'Mobile'?)" in err and "Customer Name" in err


@pytest.mark.parametrize("content", ["{not json", '{"contact_numbers": "  "}', "[]"])
def test_an_unreadable_mapping_exits_2(folder, content):
    book = workbook(folder / "list.xlsx", good_rows(1))
    bad = folder / "bad mapping.json"
    bad.write_text(content, encoding="utf-8")
    code, _, err = run(book, "--mapping", bad, "--flow-id", "ABCD1234", "--dry-run")
    assert code == 2 and "bad mapping.json" in err and "Traceback" not in err


def test_an_unreadable_sheet_exits_2_in_words(folder):
    broken = folder / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not really a workbook")
    code, _, err = run(broken, "--mapping", mapping_file(folder / "m.json"), "--flow-id", "ABCD1234", "--dry-run")
    assert code == 2 and "broken.xlsx" in err and "Traceback" not in err
    code, _, err = run(folder / "missing.xlsx", "--mapping", mapping_file(folder / "m.json"), "--flow-id", "ABCD1234", "--dry-run")
    assert code == 2 and "missing.xlsx" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["list.xlsx", "--mapping", "m.json", "--dry-run"],  # no flow id
        ["list.xlsx", "--mapping", "m.json", "--flow-id", "AB-12", "--dry-run"],
        ["list.xlsx", "--mapping", "m.json", "--flow-id", "ABCD1234", "--api-version", "2.0"],
        ["list.xlsx", "--mapping", "m.json", "--flow-id", "ABCD1234", "--rate", "0"],
        ["list.xlsx", "--mapping", "m.json", "--flow-id", "ABCD1234", "--day-first", "--month-first"],
    ],
)
def test_bad_commands_exit_2(argv, capsys):
    code, _, err = run(*argv)
    assert code == 2


def test_without_a_mapping_a_proposal_is_printed_and_nothing_is_sent(folder):
    book = workbook(folder / "list.xlsx", good_rows(2))
    code, out, err = run(book, "--flow-id", "ABCD1234", "--dry-run")
    assert code == 2 and "Nothing was sent" in err
    proposal = json.loads(out)
    assert proposal["contact_numbers"] == ["Mobile", "Alt Mobile"] and proposal["client_identifier"] == "Customer ID"


def test_without_dry_run_the_plan_goes_to_the_sending_side_once(folder, monkeypatch):
    from phonon_desktop.campaign import send

    handed = []
    monkeypatch.setattr(send, "run_submit_cli", lambda args, plan: handed.append((args, plan)) or 0)
    book = workbook(folder / "list.xlsx", good_rows(2))
    code, out, _ = run(book, "--mapping", mapping_file(folder / "m.json"), "--flow-id", "ABCD1234", "--rate", "100")
    assert code == 0 and len(handed) == 1
    args, plan = handed[0]
    assert args.rate == 100 and args.flow_id == "ABCD1234" and plan.counts()["ready"] == 2
    assert "Would send" not in out


def test_the_command_runs_as_a_program_and_never_prints_the_security_id(folder):
    book = workbook(folder / "list.xlsx", good_rows(2))
    canary = "CANARY" + "7" * 58
    result = subprocess.run(
        [sys.executable, "-m", "phonon_desktop", "submit", str(book), "--mapping", str(mapping_file(folder / "m.json")),
         "--flow-id", "ABCD1234", "--dry-run"],
        capture_output=True, text=True, encoding="utf-8", env={**__import__("os").environ, "PHONON_SECURITY_ID": canary},
    )
    assert result.returncode == 0, result.stderr
    assert "2 ready" in result.stdout
    assert "CANARY" not in result.stdout + result.stderr


def test_number_cells_date_cells_and_damaged_numbers_as_excel_writes_them(folder):
    rows = [
        ["C1", "Int cell", 9000000001, None, FUTURE, "Hindi"],
        ["C2", "Float cell", 919000000002.0, 8000000009, FUTURE, "Hindi"],
        ["C3", "Leading zero kept as text", "09000000003", None, FUTURE.strftime("%d-%b-%Y %I:%M %p"), "Hindi"],
        ["C4", "Twenty digits", 91900000000412345678, None, FUTURE, "Hindi"],
        ["C5", "Excel shortened", "9.19E+11", None, FUTURE, "Hindi"],
    ]
    book = workbook(folder / "numbers.xlsx", rows)
    results = folder / "checked.csv"
    code, out, _ = run(book, "--mapping", mapping_file(folder / "m.json"), "--flow-id", "ABCD1234", "--dry-run", "--results", results)
    assert code == 1
    assert "3 ready" in out and "2 with errors" in out
    assert "Row 7 (Mobile):" in out and "more than 15 digits" in out
    assert "Row 8 (Mobile): '9.19E+11'" in out and "scientific notation" in out
    text = results.read_text(encoding="utf-8-sig")
    assert "nan" not in text.lower().split(",")


def test_a_csv_list_is_checked_the_same_way(folder):
    csv = folder / "list.csv"
    csv.write_text(
        "Customer ID,Customer Name,Mobile,Alt Mobile,Call At,Language\n"
        f"C1,अभिनंदन,+91 90000 00001,,{FUTURE:%Y-%m-%d %H:%M},Hindi\n"
        f"C2,Priya,09000000002,9000000002,{FUTURE:%Y-%m-%d %H:%M},English\n",
        encoding="utf-8",
    )
    mapping = mapping_file(folder / "m.json", sheet=None, header_row=None)
    code, out, err = run(csv, "--mapping", mapping, "--flow-id", "ABCD1234", "--dry-run")
    assert code == 0, err
    assert "2 ready" in out and "Would send 2 calls in 1 request" in out


def test_a_sheet_name_the_workbook_lacks_exits_2(folder):
    book = workbook(folder / "list.xlsx", good_rows(1))
    code, _, err = run(book, "--mapping", mapping_file(folder / "m.json"), "--flow-id", "ABCD1234", "--dry-run", "--sheet", "Nope")
    assert code == 2 and "Nope" in err


def test_help_lists_the_options_and_exits_0(capsys):
    code, _, _ = run("--help")
    printed = capsys.readouterr().out
    assert code == 0
    for option in ("--mapping", "--flow-id", "--dry-run", "--results", "--day-first", "--resubmit-unconfirmed"):
        assert option in printed


def test_a_flow_id_of_an_unusual_length_is_pointed_out(folder):
    book = workbook(folder / "list.xlsx", good_rows(1))
    code, out, _ = run(book, "--mapping", mapping_file(folder / "m.json"), "--flow-id", "ABC123", "--dry-run")
    assert code == 0 and "'ABC123' has 6" in out


def test_an_unexpected_failure_while_checking_is_a_sentence_not_a_traceback(folder, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk went away")

    monkeypatch.setattr(submit_cli, "plan_campaign", broken)
    book = workbook(folder / "list.xlsx", good_rows(1))
    code, out, err = run(book, "--mapping", mapping_file(folder / "m.json"), "--flow-id", "ABCD1234", "--dry-run")
    assert code == 2
    assert "disk went away" in err and "Nothing was sent" in err and "Traceback" not in err + out


def test_a_formula_never_calculated_in_the_phone_column_is_listed_not_sent(folder):
    rows = good_rows(1) + [["C9", "Formula", '="91"&"9000000009"', None, FUTURE, "Hindi"]]
    book = workbook(folder / "formula.xlsx", rows)
    code, out, _ = run(book, "--mapping", mapping_file(folder / "m.json"), "--flow-id", "ABCD1234", "--dry-run")
    assert code == 1
    assert "1 ready" in out and "1 with errors" in out
    assert "Row 5 (Mobile): holds a formula whose result was never saved" in out
