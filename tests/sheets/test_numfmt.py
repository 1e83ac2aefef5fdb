"""Excel number formats rendered as the text Excel shows (en-US/en-IN separators)."""

from __future__ import annotations

import numpy as np
import pytest

from phonon_desktop.sheets.numfmt import BUILTIN_FORMATS, display_number, display_numbers, is_date_format

# (value, format code, what Excel shows in the cell)
EXCEL_SHOWS = [
    (0.15, "0%", "15%"),
    (0.1234, "0.00%", "12.34%"),
    (1234.5, "#,##0.00", "1,234.50"),
    (1234.5, "#,##0", "1,235"),
    (918012345678, "#,##0", "918,012,345,678"),
    (918012345678, "0", "918012345678"),
    (2.5, "0", "3"),  # half away from zero, not to even
    (1.005, "0.00", "1.01"),  # on the 15 digits Excel keeps, not the binary value
    (0.125, "0.00", "0.13"),
    (-2.5, "0", "-3"),
    (3.14159, "0.000", "3.142"),
    (12, "00000", "00012"),
    (9876543210, "00000000000", "09876543210"),
    (0.5, "#.00", ".50"),
    (0, "#,###", ""),
    (5, "0.0#", "5.0"),
    (5.25, "0.0#", "5.25"),
    (1234567, "#,##0,", "1,235"),  # a trailing comma divides by a thousand
    (1234567, '0.0,,"M"', "1.2M"),
    (-1234.5, "#,##0.00;(#,##0.00)", "(1,234.50)"),
    (-1234.5, "#,##0.00;[Red](#,##0.00)", "(1,234.50)"),
    (1234, "[Blue]#,##0", "1,234"),
    (0, '#,##0;-#,##0;"zero"', "zero"),
    (-7, "0;;", ""),
    (1234, '"₹"#,##0.00', "₹1,234.00"),
    (1234567, "[$₹-4009] #,##0", "₹ 1,234,567"),
    (1234.5, "[$€-407]#,##0.00", "€1,234.50"),
    (-5, '"$"#,##0', "-$5"),
    (5, '0 "calls"', "5 calls"),
    (42, "\\#0", "#42"),
    (91801.2345678, "0.00E+00", "9.18E+04"),
    (0.00012, "0.00E+00", "1.20E-04"),
    (12345.6, "0E+0", "1E+4"),
    (5551234, "[<=9999999]###-####;(###) ###-####", "555-1234"),
    (8005551234, "[<=9999999]###-####;(###) ###-####", "(800) 555-1234"),
    (1234.5, '_(* #,##0.00_);_(* \\(#,##0.00\\);_(* "-"??_);_(@_)', "1,234.50"),
    (-1234.5, '_(* #,##0.00_);_(* \\(#,##0.00\\);_(* "-"??_);_(@_)', "(1,234.50)"),
    (0, '_(* #,##0.00_);_(* \\(#,##0.00\\);_(* "-"??_);_(@_)', "-"),
    (3, '"Total: "General', "Total: 3"),
    (1e20, "0", "100000000000000000000"),
    (12345.678, "#,##0.0", "12,345.7"),
]


@pytest.mark.parametrize(("value", "code", "shown"), EXCEL_SHOWS)
def test_formatted_number_shows_as_in_excel(value, code, shown):
    assert display_number(value, code) == shown


@pytest.mark.parametrize(("value", "code", "shown"), EXCEL_SHOWS)
def test_whole_column_rendering_matches_one_by_one(value, code, shown):
    rendered = display_numbers(np.array([value, value]), code)
    assert rendered is not None and rendered.tolist() == [shown, shown]


@pytest.mark.parametrize(
    "code",
    ["General", "", "@", "yyyy-mm-dd", "dd/mm/yyyy hh:mm", "[h]:mm:ss", "h:mm AM/PM", "# ?/?", "##0.0E+0", "0.0?0"],
)
def test_formats_not_rendered_exactly_keep_the_plain_text(code):
    assert display_number(0.5, code) is None
    assert display_numbers(np.array([0.5]), code) is None


def test_a_long_whole_number_keeps_its_digits_under_a_scientific_format():
    """A phone stored as a number and formatted 0.00E+00 must not lose its digits."""
    assert display_number(918012345678, "0.00E+00") is None
    assert display_number(123456, "0E+0") is None


def test_a_negative_that_rounds_to_zero_keeps_its_plain_text():
    assert display_number(-0.001, "0.00") is None
    assert display_numbers(np.array([-0.001, 0.001]), "0.00").tolist() == [None, "0.00"]


def test_builtin_formats_as_excel_en_us_shows_them():
    shown = {i: display_number(1234.5, code) for i, code in BUILTIN_FORMATS.items()}
    assert shown[1] == "1235"
    assert shown[2] == "1234.50"
    assert shown[3] == "1,235"
    assert shown[4] == "1,234.50"
    assert shown[9] == "123450%"
    assert shown[10] == "123450.00%"
    assert shown[11] == "1.23E+03"
    assert shown[37] == "1,235"
    assert display_number(-1234.5, BUILTIN_FORMATS[39]) == "(1,234.50)"
    assert all(shown[i] is None for i in (0, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47, 48, 49))
    assert all(is_date_format(BUILTIN_FORMATS[i]) for i in (14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47))
    # Currency ids take their symbol from the computer's settings: not guessed here.
    assert not {5, 6, 7, 8, 42, 44} & set(BUILTIN_FORMATS)


def test_rounding_ties_in_a_large_column_follow_excel():
    values = np.array([1.005, 2.675, 0.125, 1234.565, -1.005, 7.0] * 1000)
    rendered = display_numbers(values, "#,##0.00")
    assert rendered[:6].tolist() == ["1.01", "2.68", "0.13", "1,234.57", "-1.01", "7.00"]
    assert rendered.tolist() == [display_number(v, "#,##0.00") for v in values.tolist()]
