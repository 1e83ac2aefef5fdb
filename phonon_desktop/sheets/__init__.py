"""Reading and writing contact workbooks, exactly as the operator sees them.

Pure Python: knows nothing of Kairos or Qt.
"""

from phonon_desktop.sheets.model import CellKind, Sheet, SheetError, SheetInfo

__all__ = ["CellKind", "Sheet", "SheetError", "SheetInfo"]
