"""Each way an operator writes a phone number, and what is sent (or why nothing is)."""

from __future__ import annotations

import numpy as np
import pytest

from phonon_desktop.campaign.numbers import NumberIssue, describe, normalise_column
from phonon_desktop.sheets.model import CellKind


def judge(text: str, kind: CellKind = CellKind.TEXT, **options) -> tuple[str, NumberIssue]:
    digits, issues = normalise_column(np.array([text], dtype=object), np.array([kind], dtype=np.int8), **options)
    return digits[0], NumberIssue(int(issues[0]))


@pytest.mark.parametrize(
    "text, kind",
    [
        ("+91 80123-45679", CellKind.TEXT),
        ("08012345679", CellKind.TEXT),
        ("8012345679", CellKind.TEXT),
        ("918012345679", CellKind.TEXT),
        ("00918012345679", CellKind.TEXT),
        ("0091 80123 45679", CellKind.TEXT),
        ("8012345679", CellKind.NUMBER),  # a numeric cell, shown in its exact form by the reader
        ("918012345679", CellKind.NUMBER),
        ("8012345679.0", CellKind.TEXT),  # a whole number exported with a decimal point
        ("+91-80123-45679", CellKind.TEXT),
        ("+91 (0) 80123 45679", CellKind.TEXT),
        ("(080) 1234 5679", CellKind.TEXT),
        ("80123.45679", CellKind.TEXT),
        ("  8012345679  ", CellKind.TEXT),
        ("80123\u00a045679", CellKind.TEXT),  # non-breaking space
        ("\u200b8012345679\u200b", CellKind.TEXT),  # zero-width spaces
        ("\u202a+91 80123 45679\u202c", CellKind.TEXT),  # direction marks pasted from WhatsApp
        ("\ufeff8012345679", CellKind.TEXT),  # byte order mark from a CSV
        ("\u200e8012345679", CellKind.TEXT),  # left-to-right mark
        ("८०१२३४५६७९", CellKind.TEXT),  # Devanagari digits
        ("+91 ８０１２３ ４５６７９", CellKind.TEXT),  # full-width digits
        ("+91 80123–45679", CellKind.TEXT),  # en dash from a word processor
    ],
)
def test_indian_numbers_become_91_and_ten_digits(text, kind):
    assert judge(text, kind) == ("918012345679", NumberIssue.OK)


@pytest.mark.parametrize(
    "text, kind, issue",
    [
        ("", CellKind.EMPTY, NumberIssue.EMPTY),
        ("   ", CellKind.TEXT, NumberIssue.EMPTY),
        ("\u200b", CellKind.TEXT, NumberIssue.EMPTY),
        ("12345", CellKind.TEXT, NumberIssue.TOO_SHORT),
        ("801234567", CellKind.TEXT, NumberIssue.TOO_SHORT),
        ("80123456790", CellKind.TEXT, NumberIssue.TOO_LONG),
        ("0123456789", CellKind.TEXT, NumberIssue.NOT_MOBILE),
        ("5012345678", CellKind.TEXT, NumberIssue.NOT_MOBILE),
        ("9.18012E+11", CellKind.TEXT, NumberIssue.SCIENTIFIC),
        ("8.012345679E9", CellKind.TEXT, NumberIssue.SCIENTIFIC),
        ("9180123456791234", CellKind.NUMBER_DAMAGED, NumberIssue.DAMAGED),
        ("#N/A", CellKind.ERROR, NumberIssue.EXCEL_ERROR),
        ("", CellKind.FORMULA_NO_VALUE, NumberIssue.NO_VALUE),
        ("2026-12-01", CellKind.DATE, NumberIssue.WRONG_CELL),
        ("TRUE", CellKind.BOOL, NumberIssue.WRONG_CELL),
        ("8012345679.5", CellKind.NUMBER, NumberIssue.DECIMAL),
        ("98765 43210 ext 12", CellKind.TEXT, NumberIssue.NOT_DIGITS),
        ("not known", CellKind.TEXT, NumberIssue.NOT_DIGITS),
        ("+44 7911 123456", CellKind.TEXT, NumberIssue.OTHER_COUNTRY),
        ("98765 43210 / 91234 56789", CellKind.TEXT, NumberIssue.TWO_NUMBERS),
        ("+999 123", CellKind.TEXT, NumberIssue.INVALID_FOREIGN),
        ("+91 98765 4321", CellKind.TEXT, NumberIssue.TOO_SHORT),
        ("98765432100", CellKind.TEXT, NumberIssue.TOO_LONG),
        ("9876543210, 9123456789", CellKind.TEXT, NumberIssue.TWO_NUMBERS),
        ("98765 43210 or 91234 56789", CellKind.TEXT, NumberIssue.TWO_NUMBERS),
    ],
)
def test_cells_that_cannot_be_sent(text, kind, issue):
    assert judge(text, kind) == ("", issue)


def test_landlines_are_sent_with_a_warning_code():
    assert judge("011 2345 6789") == ("911123456789", NumberIssue.LANDLINE)


def test_other_countries_only_when_the_mapping_allows_them():
    assert judge("+44 7911 123456", allow_other_countries=True) == ("447911123456", NumberIssue.OK)
    assert judge("447911123456", allow_other_countries=True) == ("447911123456", NumberIssue.OK)
    assert judge("+1 202-555-0143", allow_other_countries=True) == ("12025550143", NumberIssue.OK)
    assert judge("+44 12", allow_other_countries=True) == ("", NumberIssue.INVALID_FOREIGN)
    # Indian numbers still come out the same.
    assert judge("08012345679", allow_other_countries=True) == ("918012345679", NumberIssue.OK)


def test_another_default_country_reads_its_national_numbers():
    assert judge("07911 123456", default_country="GB") == ("447911123456", NumberIssue.OK)
    assert judge("+91 80123 45679", default_country="GB") == ("", NumberIssue.OTHER_COUNTRY)


def test_a_whole_column_keeps_row_order_and_mixes_fast_and_slow_cells():
    texts = ["8012345679", "+91 90000 00001", "bad", "", "07000000002", "+44 7911 123456", "9.18E+11", "919123456780"]
    kinds = [CellKind.TEXT] * len(texts)
    digits, issues = normalise_column(np.array(texts, dtype=object), np.array(kinds, dtype=np.int8))
    assert digits.tolist() == ["918012345679", "919000000001", "", "", "917000000002", "", "", "919123456780"]
    assert [NumberIssue(i) for i in issues] == [
        NumberIssue.OK, NumberIssue.OK, NumberIssue.NOT_DIGITS, NumberIssue.EMPTY, NumberIssue.OK,
        NumberIssue.OTHER_COUNTRY, NumberIssue.SCIENTIFIC, NumberIssue.OK,
    ]


@pytest.mark.parametrize(
    "issue, text, words",
    [
        (NumberIssue.TOO_SHORT, "12345", "only 5 digits"),
        (NumberIssue.TOO_LONG, "80123456790", "11 digits"),
        (NumberIssue.SCIENTIFIC, "9.18012E+11", "scientific notation"),
        (NumberIssue.DAMAGED, "9180123456791230", "more than 15 digits"),
        (NumberIssue.NOT_MOBILE, "5012345678", "start with 6, 7, 8 or 9"),
        (NumberIssue.OTHER_COUNTRY, "+44 7911 123456", "allow other countries"),
        (NumberIssue.EXCEL_ERROR, "#N/A", "#N/A"),
        (NumberIssue.TWO_NUMBERS, "98765 43210 / 91234 56789", "alternate number column"),
    ],
)
def test_each_problem_is_explained_with_the_cell_text_and_a_fix(issue, text, words):
    sentence = describe(issue, text)
    assert words in sentence
    assert sentence.endswith(".")


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PREFIXES = ["", "+91", "+91 ", "91", "0091", "0091 ", "0", "+91-", "+91 (0)"]
_GAPS = ["", " ", "-", "\u00a0", ".", "\u200b"]


@settings(max_examples=300, deadline=None)
@given(
    first=st.sampled_from("6789"),
    rest=st.text(alphabet="0123456789", min_size=9, max_size=9),
    prefix=st.sampled_from(_PREFIXES),
    gaps=st.lists(st.sampled_from(_GAPS), min_size=10, max_size=10),
    as_number_cell=st.booleans(),
)
def test_any_usual_writing_of_an_indian_mobile_gives_the_same_digits(first, rest, prefix, gaps, as_number_cell):
    national = first + rest
    if gaps[8] == ".":
        # "600000000.0" reads as a number exported with a decimal part, not as a gap.
        gaps[8] = ""
    written = prefix + "".join(d + g for d, g in zip(national, gaps)).rstrip("".join(_GAPS))
    kind = CellKind.TEXT
    if as_number_cell and prefix in ("", "91"):
        written, kind = prefix + national, CellKind.NUMBER
    assert judge(written, kind) == ("91" + national, NumberIssue.OK)
