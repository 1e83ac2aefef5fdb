"""Retake docs/screenshots/sending.png: the sample list after a send with mixed statuses.

Offscreen, against the built-in sandbox: the whole list is first refused (an injected
"invalid contact number"), then some rows are resubmitted and accepted, and a few more are
resubmitted while the connection drops (unconfirmed). Nothing leaves this computer.

    python scripts/screenshot_sending.py [OUT.png]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots" / "sending.png"
    work = Path(tempfile.mkdtemp(prefix="phonon-shot-"))
    os.environ["PHONON_DESKTOP_CONFIG_DIR"] = str(work / "config")
    import numpy as np
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from phonon_desktop.gui.main_window import MainWindow
    from phonon_desktop.gui.secrets import SecretStore
    from phonon_desktop.gui.sending import attach_sending
    from phonon_desktop.gui.settings_store import SettingsStore
    from phonon_desktop.kairos.sandbox import Sandbox

    def pump(until, timeout: float = 60.0) -> None:
        end = time.monotonic() + timeout
        while not until():
            app.processEvents()
            time.sleep(0.005)
            if time.monotonic() > end:
                raise SystemExit("the window did not get there in time")

    with Sandbox() as box:
        window = MainWindow(sandbox=box)
        window.resize(1280, 760)
        window.show()
        controller = attach_sending(
            window,
            settings=SettingsStore(QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat)),
            secrets=SecretStore(),
            journal_path=work / "journal.sqlite3",
        )
        plans: list = []
        window.plan_changed.connect(lambda p: plans.append(p) if p is not None else None)
        window.open_sample()
        pump(lambda: bool(plans))
        idle = lambda: not controller.busy and not controller._threads  # noqa: E731

        box.inject("code:205")
        window.send_requested.emit()
        pump(idle)
        rejected = controller._rows_with("rejected")
        window.select_rows(np.concatenate([rejected[:6], rejected[6::3], rejected[7::3]]))
        controller.resubmit_selected_rejected()
        pump(idle)
        rest = controller._rows_with("rejected")
        box.inject("drop", "drop")
        window.select_rows(rest[1::3])
        controller.resubmit_selected_rejected()
        pump(idle)
        window.select_rows([])
        window.table.clearSelection()
        window.table.scrollToTop()
        for _ in range(20):
            app.processEvents()
            time.sleep(0.01)
        out.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(out))
        window.close()
    print(f"saved {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
