"""Retake the README's screenshots of the window, offscreen (no display needed).

    python scripts/screenshots.py
    python scripts/screenshots.py --text-scale 1.6 --size 1280x800 --out /tmp/large-text.png

Writes docs/screenshots/window.png: the bundled sample list loaded and checked, with a
problem row selected so its explanation shows in the status bar. ``--text-scale`` makes the
window's text that much larger (as Windows' "Make text bigger" or a high-DPI screen does), to
look at the window as operators with large text see it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"


def take_window(app, out: Path, text_scale: float = 1.0, size: tuple[int, int] = (1440, 820)) -> Path:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QEventLoop, QTimer

    from phonon_desktop.gui.app import sample_list_path
    from phonon_desktop.gui.main_window import MainWindow

    window = MainWindow(sandbox=object())
    if text_scale != 1.0:
        font = window.font()
        font.setPointSizeF(font.pointSizeF() * text_scale)
        window.setFont(font)
    window.resize(*size)
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


def main(argv: list[str] | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    import tempfile

    parser = argparse.ArgumentParser(description="Retake the window's screenshot.")
    parser.add_argument("--text-scale", type=float, default=1.0, help="text size factor, e.g. 1.6")
    parser.add_argument("--size", default="1440x820", help="window size in pixels, WIDTHxHEIGHT")
    parser.add_argument("--out", type=Path, default=OUT / "window.png", help="where to write the PNG")
    args = parser.parse_args(argv)
    width, height = (int(n) for n in args.size.lower().split("x"))

    # A fresh config folder: never the operator's recent files, no remembered mapping.
    os.environ["PHONON_DESKTOP_CONFIG_DIR"] = tempfile.mkdtemp(prefix="phonon-shots-")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    print(take_window(app, args.out, args.text_scale, (width, height)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
