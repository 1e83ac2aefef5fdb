"""Starting the program: plain words without a display; sandbox mode opens the sample list."""

from __future__ import annotations

import os
import subprocess
import sys

from window_helpers import open_and_plan


def test_without_a_display_the_program_says_so_in_words(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "xcb"
    result = subprocess.run(
        [sys.executable, "-c", "from phonon_desktop.gui.app import main; raise SystemExit(main(None, sandbox=False))"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert result.returncode == 2
    assert "could not open its window" in result.stderr
    assert "apt-get install" in result.stderr
    assert "Traceback" not in result.stderr


def test_sandbox_mode_window_has_the_practice_server_and_the_sample_list(qtbot):
    from phonon_desktop.gui.app import _start_sandbox, sample_list_path
    from phonon_desktop.gui.main_window import MainWindow

    box = _start_sandbox()
    try:
        window = MainWindow(sandbox=box)
        qtbot.addWidget(window)
        assert window.sandbox() is box and box.url.startswith("http://127.0.0.1:")
        assert "Sandbox" in window.windowTitle()
        assert "practice server" in window.banner.text_label.text()
        open_and_plan(qtbot, window, sample_list_path())
        sheet = window.current_sheet()
        assert 35 <= sheet.row_count <= 45
        assert any("\u0900" <= ch <= "\u097f" for ch in "".join(sheet.data["Name"]))  # Devanagari names
        levels = window.table_model.levels()
        assert (levels == 2).sum() >= 2 and (levels == 1).sum() >= 1  # the sample shows typical problems
    finally:
        box.stop()
