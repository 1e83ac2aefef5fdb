"""Retake the README's screenshots of the window, offscreen (no display needed).

    python scripts/screenshots.py

Writes docs/screenshots/window.png: the bundled sample list loaded and checked, with a
problem row selected so its explanation shows in the status bar. Other screenshots (for
example a list after sending) can be added to SHOTS by their owners.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"


def take_window(app, out: Path) -> Path:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QEventLoop, QTimer

    from phonon_desktop.gui.app import sample_list_path
    from phonon_desktop.gui.main_window import MainWindow

    window = MainWindow(sandbox=object())
    window.resize(1440, 820)
    window.show()
    loop = QEventLoop()
    window.plan_changed.connect(lambda _plan: loop.quit())
    QTimer.singleShot(30_000, loop.quit)
    window.open_file(str(sample_list_path()))
    loop.exec()
    model = window.table_model
    error_rows = [r for r in range(model.rowCount()) if model.data(model.index(r, model.STATUS_COLUMN)) == "Error"]
    if error_rows:
        index = model.index(error_rows[0], model.FIRST_DATA_COLUMN + 2)
        window.table.setCurrentIndex(index)
        window.status_label.setText(model.data(index, 3) or "")  # the cell's tooltip, as hovering shows it
    for _ in range(5):
        app.processEvents()
    window.grab().save(str(out))
    window.undo_stack.setClean()
    window.close()
    return out


def main() -> int:
    from PySide6.QtWidgets import QApplication

    import tempfile

    # A fresh config folder: never the operator's recent files, no remembered mapping.
    os.environ["PHONON_DESKTOP_CONFIG_DIR"] = tempfile.mkdtemp(prefix="phonon-shots-")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)
    print(take_window(app, OUT / "window.png"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
