"""Work done a slice of rows at a time (so the window keeps painting) gives exactly the
result of one pass over the whole column: checked with slices of a few rows."""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
import pytest

from phonon_desktop.campaign import chunked
from phonon_desktop.campaign.mapping import Mapping
from phonon_desktop.campaign.plan import plan_campaign
from phonon_desktop.gui.models.row_order import RowFilter, filter_mask, sort_permutation
from phonon_desktop.gui.models.sheet_model import status_ranks, status_words
from phonon_desktop.sheets.model import CellKind

NOW = datetime(2026, 11, 27, 6, 0, tzinfo=timezone.utc)


def awkward_list(n: int = 97):
    """Duplicates across slice edges, bad and empty numbers, foreign writing, odd ids."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "campaign"))
    from sheetmaker import make_sheet

    mobiles, alts, ids, names, starts = [], [], [], [], []
    for i in range(n):
        mobiles.append(["", "12345", f"98{i % 13:08d}", f"+91 98{i:08d}", "०९८७६५४३२१०", "9.18E+11"][i % 6])
        alts.append("" if i % 4 else f"97{i:08d}")
        ids.append("" if i % 17 == 0 else f"C{i % 29}")
        names.append(["Asha", "", "Ravi Kumar", "ÄRGER", "x" * 70][i % 5])
        starts.append(["2026-11-27 10:00", "", "27/11/2026 15:30", "tomorrow", "2026-11-27 23:00"][i % 5])
    kinds = {"Mobile": [int(CellKind.EMPTY) if m == "" else int(CellKind.TEXT) for m in mobiles]}
    sheet = make_sheet({"Mobile": mobiles, "Alt": alts, "ID": ids, "Name": names, "Start": starts}, kinds)
    return sheet


def plan_outcome(sheet, mapping):
    plan = plan_campaign(sheet, mapping, now=NOW)
    return (plan.levels.tolist(), [c.tolist() for c in plan.numbers], plan.start_times.tolist(),
            plan.client_ids.tolist(), [p.message for p in plan.all_problems()], plan.questions)


@pytest.mark.parametrize("start", ["now", {"column": "Start"}])
def test_the_plan_is_the_same_whatever_the_slice_size(monkeypatch, start):
    sheet = awkward_list()
    mapping = Mapping.from_json({"contact_numbers": ["Mobile", "Alt"], "client_identifier": "ID",
                                 "start_time": start, "keys": {"Name": "Name"}})
    whole = plan_outcome(sheet, mapping)
    monkeypatch.setattr(chunked, "CHUNK", 7)
    assert plan_outcome(sheet, mapping) == whole
    generated = Mapping.from_json({"contact_numbers": ["Mobile"], "start_time": "now", "keys": {"Name": "Name"}})
    in_slices = plan_outcome(sheet, generated)
    monkeypatch.setattr(chunked, "CHUNK", 65_536)
    assert plan_outcome(sheet, generated) == in_slices


def test_sort_filter_and_status_words_are_the_same_whatever_the_slice_size(monkeypatch):
    sheet = awkward_list()
    columns = [sheet.data[h].to_numpy(dtype=object) for h in sheet.headers]
    levels = np.array([i % 3 for i in range(sheet.row_count)], dtype=np.int8)
    sent = np.empty(sheet.row_count, dtype=object)
    sent[5:40:3] = "accepted"
    sent[7] = "rejected"

    def outcome():
        sorts = [sort_permutation(c, d).tolist() for c in columns for d in (False, True)]
        words = status_words(levels, sent, len(sent))
        mask = filter_mask(columns, words, levels, RowFilter(text="ra", statuses=frozenset({"error", "accepted"})))
        return sorts, words.tolist(), status_ranks(levels, sent, len(sent)).tolist(), mask.tolist()

    whole = outcome()
    monkeypatch.setattr(chunked, "CHUNK", 5)
    assert outcome() == whole
    sorts, words, ranks, mask = whole
    assert words[7] == "rejected" and words[9] == "ready" and words[5] == "accepted"
    assert ranks[7] < ranks[9]  # rejected rows before ready ones, as the Status column sorts
