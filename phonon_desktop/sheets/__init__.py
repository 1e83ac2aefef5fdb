"""Reading and writing contact workbooks, exactly as the operator sees them.

Pure Python: knows nothing of Kairos or Qt.
"""

from phonon_desktop.sheets.model import CellKind, Sheet, SheetError, SheetInfo
from phonon_desktop.sheets.reader import (
    ReadCancelled,
    ReadLimits,
    check_xml_protection,
    detect_header_row,
    list_sheets,
    read_workbook,
)
from phonon_desktop.sheets.writer import write_results

__all__ = [
    "CellKind",
    "ReadCancelled",
    "ReadLimits",
    "Sheet",
    "SheetError",
    "SheetInfo",
    "check_xml_protection",
    "detect_header_row",
    "list_sheets",
    "read_workbook",
    "write_results",
]
