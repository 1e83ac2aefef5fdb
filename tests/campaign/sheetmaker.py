"""Sheets built in memory, as the reader would hand them over, for the campaign tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from phonon_desktop.sheets.model import CellKind, Sheet


def make_sheet(
    columns: dict[str, list[str]],
    kinds: dict[str, list[int]] | None = None,
    *,
    header_row: int = 1,
    name: str = "Contacts",
    path: str = "contacts.xlsx",
) -> Sheet:
    """A Sheet of text cells; a cell's kind is TEXT, or EMPTY for "", unless given."""
    data = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in columns.items()})
    kind_frame = pd.DataFrame(
        {
            k: np.array(
                (kinds or {}).get(k) or [CellKind.EMPTY if t == "" else CellKind.TEXT for t in v], dtype=np.int8
            )
            for k, v in columns.items()
        }
    )
    n = len(data)
    return Sheet(
        path=path,
        name=name,
        header_row=header_row,
        headers=list(columns),
        data=data,
        kinds=kind_frame,
        source_rows=np.arange(header_row + 1, header_row + 1 + n),
    )
