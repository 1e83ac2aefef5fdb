"""Starting the window: `phonon-desktop [FILE] [--sandbox]`."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from phonon_desktop import APP_NAME, __version__

SAMPLE_NAME = "sample-contacts.xlsx"


def sample_list_path() -> Path:
    """The bundled practice list (a few typical problems in ~40 rows)."""
    return Path(__file__).resolve().parent.parent / "assets" / SAMPLE_NAME


def _start_sandbox():  # type: ignore[no-untyped-def]
    from phonon_desktop.kairos.sandbox import Sandbox

    return Sandbox().start()


def main(file: str | None = None, sandbox: bool = False) -> int:
    """Open the window (and the sandbox and sample list in sandbox mode); returns the exit code."""
    try:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
    except ImportError as exc:
        from phonon_desktop.cli import QT_LINUX_PACKAGES

        print(f"{APP_NAME} could not start its window: {exc}.\nOn Linux, install Qt's system libraries, "
              f"for example:\n  sudo apt-get install {QT_LINUX_PACKAGES}", file=sys.stderr)
        return 2
    app = QApplication.instance()
    if app is None:
        try:
            app = _make_application()
        except Exception as exc:  # noqa: BLE001 - no display, no platform plugin: words, not a trace
            return _no_display(str(exc))
        if app is None:
            return _no_display("no window system was found")
    from phonon_desktop.gui.main_window import MainWindow

    practice = None
    if sandbox:
        try:
            practice = _start_sandbox()
        except OSError as exc:
            print(f"The practice server could not start ({exc}). Close other copies of {APP_NAME} and try again.",
                  file=sys.stderr)
            return 2
    window = MainWindow(sandbox=practice)
    if importlib.util.find_spec("phonon_desktop.gui.sending") is not None:
        from phonon_desktop.gui.sending import attach_sending

        window._sending = attach_sending(window)  # keep the controller alive with the window
    window.show()
    to_open = file or (str(sample_list_path()) if sandbox else None)
    if to_open:
        QTimer.singleShot(0, lambda: window.open_file(to_open))
    try:
        return int(app.exec())
    finally:
        if practice is not None:
            practice.stop()


def _make_application():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    QCoreApplication.setOrganizationName("Phonon")
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    # Qt aborts the process (not an exception) when no platform plugin loads; check first.
    if sys.platform.startswith("linux") and not _linux_display_available():
        return None
    return QApplication(sys.argv[:1])


def _linux_display_available() -> bool:
    import os

    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith(("xcb", "wayland")):
        return True  # offscreen, vnc, eglfs...: Qt does not need a desktop session for these
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _no_display(reason: str) -> int:
    from phonon_desktop.cli import QT_LINUX_PACKAGES

    print(
        f"{APP_NAME} could not open its window: {reason}.\n"
        "Start it from a desktop session. On Linux, Qt also needs these system libraries:\n"
        f"  sudo apt-get install {QT_LINUX_PACKAGES}\n"
        "The command 'phonon-desktop submit' works without a window.",
        file=sys.stderr,
    )
    return 2
