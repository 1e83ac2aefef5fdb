"""Columns of numbers are written in bulk (fractions looked up, not formatted one by one):
what the operator sees must stay exactly what the cell-by-cell path shows."""

from __future__ import annotations

import numpy as np
import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from phonon_desktop.sheets import read_workbook
from phonon_desktop.sheets.cells import column_texts, number_text
from phonon_desktop.sheets.model import CellKind


def _one_by_one(values: list) -> list[str]:
    return [("" if v is None else v) if isinstance(v, str) or v is None else number_text(float(v))[0] for v in values]


def _tricky_numbers(rng: np.random.Generator, count: int) -> np.ndarray:
    """Amounts, rates and measurements as lists hold them, and the values next to them that
    15 significant digits round differently (0.1 + 0.2, 2.675, a step below a power of ten)."""
    parts = [
        np.round(rng.uniform(-100_000, 100_000, count), 2),  # amounts
        np.round(rng.uniform(0, 1, count), 4),  # rates
        np.round(rng.uniform(-1e12, 1e12, count), 1),
        rng.uniform(-1000, 1000, count),  # 17 significant digits
        np.round(rng.uniform(0, 10_000, count), 3) + rng.choice([0, 1e-13, -1e-13, 5e-12, 1e-11], count),
        10.0 ** rng.integers(-6, 16, count) * rng.choice([1, -1, 0.5, 0.999999999999999, 1.000000000000001], count),
        rng.choice([0.1 + 0.2, 1 / 3, 0.15, 1.005, 2.675, 1e-3, 9.9995, 99999.99995, 0.0, -0.0, -0.05], count),
        np.round(rng.uniform(0, 100, count), 2) * 3.0,  # 3 * 1.1 = 3.3000000000000003
        rng.integers(0, 10**15, count) / 10.0 ** rng.integers(0, 6, count),
    ]
    values = np.concatenate(parts)
    rng.shuffle(values)
    return values


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bulk_numbers_are_exactly_the_cell_by_cell_text(seed):
    rng = np.random.default_rng(seed)
    values = _tricky_numbers(rng, 2000).tolist()
    for start in range(0, len(values), 4096):
        chunk = values[start : start + 4096]
        texts, kinds = column_texts(chunk)
        assert texts.tolist() == _one_by_one(chunk)
        assert set(kinds.tolist()) <= {int(CellKind.NUMBER), int(CellKind.NUMBER_DAMAGED)}


def test_a_column_of_amounts_in_one_chunk_shows_what_excel_shows():
    amounts = [1500.0, 1234.5, 0.1 + 0.2, -0.05, 12.25, 99.99, 3 * 1.1, 100_000.75, 2.675, 1e-3] * 10
    texts, kinds = column_texts(amounts)
    assert texts.tolist()[:10] == ["1500", "1234.5", "0.3", "-0.05", "12.25", "99.99", "3.3", "100000.75", "2.675", "0.001"]
    assert (kinds == CellKind.NUMBER).all()


def test_a_mixed_column_of_a_long_list_stays_exact(tmp_path):
    """Whole numbers, decimals, blanks and text in one column of a list long enough for the
    bulk paths (several chunks of rows)."""
    rng = np.random.default_rng(7)
    decimals = _tricky_numbers(rng, 600).tolist()
    cells: list = []
    for i, value in enumerate(decimals):
        pick = i % 7
        if pick == 0:
            cells.append(None)  # blank
        elif pick == 1:
            cells.append(f"0{9800000000 + i}")  # a phone typed as text, leading zero kept
        elif pick == 2:
            cells.append(918000000000 + i)  # a whole number
        else:
            cells.append(value)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Name", "Value"])
    for i, cell in enumerate(cells):
        ws.append([f"Person {i}", cell])
    path = tmp_path / "mixed values.xlsx"
    wb.save(path)

    sheet = read_workbook(path)
    shown = sheet.data["Value"].tolist()
    # The reference: each value as the file holds it (saving may move a 17-digit value by its
    # last bit), written one by one.
    with CalamineWorkbook.from_path(str(path)) as book:
        raw = [row[1] for row in book.get_sheet_by_index(0).to_python()[1:]]
    assert shown == _one_by_one(raw)
    assert "nan" not in shown and "None" not in shown
    kinds = sheet.kinds["Value"].tolist()
    assert kinds[0] == CellKind.EMPTY and kinds[1] == CellKind.TEXT and kinds[2] == CellKind.NUMBER
    assert shown[1].startswith("0") and shown[2] == str(918000000002)
