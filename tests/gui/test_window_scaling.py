"""Large text (Windows' text size setting, high-DPI screens): nothing in the window is cut off."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect

from window_helpers import FIXED_NOW, open_and_plan


def in_sight(widget, window) -> bool:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return widget.isVisible() and window.rect().contains(QRect(top_left, widget.size()))


def test_with_large_text_the_sandbox_badge_and_the_whole_side_panel_stay_in_sight(qtbot, contacts_file):
    from phonon_desktop.gui.main_window import MainWindow

    window = MainWindow(sandbox=object(), now=lambda: FIXED_NOW)
    qtbot.addWidget(window)
    font = window.font()
    font.setPointSizeF(font.pointSizeF() * 1.6)
    window.setFont(font)
    window.resize(1280, 760)
    window.show()
    qtbot.waitExposed(window)
    open_and_plan(qtbot, window, contacts_file)
    panel = window.mapping_panel
    panel.start.waves_radio.setChecked(True)
    qtbot.wait(50)

    assert in_sight(window.sandbox_badge, window)  # not folded away with the toolbar's overflow
    # The panel's controls are never cut on the right: no control wider than the panel shows.
    for control in (panel.remove_number, panel.client_id, panel.start.column_radio, panel.start.zone_caption,
                    panel.send_button, panel.test_call_button):
        assert control.mapTo(panel, QPoint(control.width(), 0)).x() <= panel.width()
    # The filter box shows its whole hint.
    text = window.filter_bar.text
    assert text.width() >= text.fontMetrics().horizontalAdvance(text.placeholderText())
