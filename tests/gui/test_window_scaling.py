"""Large text (Windows' text size setting, high-DPI screens): nothing in the window is cut off."""

from __future__ import annotations

from zoneinfo import ZoneInfo

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
    width_before = panel.width()
    # The longest sentence the start box says: a start in Dubai, shown in India and London time too.
    panel.start.machine_zone = ZoneInfo("Europe/London")
    panel.start.set_zone("Asia/Dubai")
    panel.start.waves_radio.setChecked(True)
    assert panel.start.local_label.text().count(" = ") == 2
    controls = (panel.remove_number, panel.country, panel.allow_other_countries, panel.client_id,
                panel.allow_duplicates, panel.start.zone_choice, panel.start.column_radio, panel.start.zone_caption,
                panel.start.local_label, panel.send_button, panel.test_call_button)

    def right_edges_inside() -> bool:
        return all(c.mapTo(panel, QPoint(c.width(), 0)).x() <= panel.width() for c in controls)

    # The panel's controls are never cut on the right: no control wider than the panel shows
    # (once the layout has settled after the newly shown controls; on a busy machine that takes
    # more than one pass of the event loop).
    qtbot.waitUntil(right_edges_inside, timeout=3000)
    qtbot.wait(50)
    assert panel.width() == width_before  # the sentence wraps; the panel does not push the table aside
    assert in_sight(window.sandbox_badge, window)  # not folded away with the toolbar's overflow
    # The filter box shows its whole hint.
    text = window.filter_bar.text
    assert text.width() >= text.fontMetrics().horizontalAdvance(text.placeholderText())


LONG_SHEET = "December collections - Mumbai W"  # 31 letters, Excel's longest sheet name


def large_text_window(qtbot, width: int, height: int = 800, scale: float = 1.6):
    from phonon_desktop.gui.main_window import MainWindow

    window = MainWindow(now=lambda: FIXED_NOW)
    qtbot.addWidget(window)
    font = window.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    window.setFont(font)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    return window


def long_sheet_list(path):
    from openpyxl import load_workbook

    book = load_workbook(path)
    book["Contacts"].title = LONG_SHEET
    book.save(path)
    return path


def assert_every_toolbar_command_in_sight(window) -> None:
    """No "»" overflow menu, every command on screen, no word or chooser cut short."""
    from PySide6.QtWidgets import QLabel, QToolButton

    from phonon_desktop.gui.window_actions import TOOLBAR_ACTIONS

    for bar in (window.toolbar, window.list_toolbar):
        overflow = bar.findChild(QToolButton, "qt_toolbar_ext_button")
        assert overflow is None or not overflow.isVisible(), f"{bar.windowTitle()} folds commands into »"
    for name in filter(None, TOOLBAR_ACTIONS):
        button = window.toolbar.widgetForAction(window.actions[name])
        assert in_sight(button, window), name
        assert button.width() >= button.sizeHint().width(), f"{name}: its words are cut"
    labels = window.list_toolbar.findChildren(QLabel)
    assert {label.text().strip() for label in labels} == {"&Sheet:", "Header &row:"}
    for widget in [*labels, window.sheet_choice, window.header_row]:
        assert in_sight(widget, window)
        assert widget.width() >= widget.sizeHint().width(), f"{widget!r} is cut"


def test_with_large_text_and_a_long_sheet_name_the_sheet_choosers_take_a_second_row(qtbot, contacts_file):
    from PySide6.QtCore import Qt

    window = large_text_window(qtbot, 1280)
    open_and_plan(qtbot, window, long_sheet_list(contacts_file))
    assert LONG_SHEET in window.sheet_choice.currentText()
    qtbot.wait(20)

    assert_every_toolbar_command_in_sight(window)
    assert window.toolbar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon  # words kept
    assert window.list_toolbar.y() > window.toolbar.y()  # the choosers on a second row


def test_at_normal_text_size_everything_shares_one_row_with_words(qtbot, contacts_file):
    from PySide6.QtCore import Qt

    window = large_text_window(qtbot, 1280, scale=1.0)
    open_and_plan(qtbot, window, long_sheet_list(contacts_file))
    qtbot.wait(20)

    assert not window.toolBarBreak(window.list_toolbar)
    assert window.list_toolbar.y() == window.toolbar.y()
    assert window.toolbar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
    assert_every_toolbar_command_in_sight(window)


def shows_whole(label) -> bool:
    """Every word of the label's text fits inside it (on as many lines as it may use)."""
    from PySide6.QtCore import Qt

    room = label.contentsRect()
    flags = Qt.TextFlag.TextWordWrap if label.wordWrap() else Qt.TextFlag.TextSingleLine
    need = label.fontMetrics().boundingRect(QRect(0, 0, room.width(), 100_000), int(flags.value), label.text())
    return need.width() <= room.width() and need.height() <= room.height()


def test_with_large_text_a_long_explanation_in_the_status_bar_is_shown_whole(qtbot, contacts_file):
    window = large_text_window(qtbot, 1280)
    open_and_plan(qtbot, window, contacts_file)
    label = window.status_label
    label.setText("Row 5 (Mobile): '981234567' is not a phone number: it has only 9 digits; an Indian mobile "
                  "number has 10 digits, like 98765 43210 or +91 98765 43210.")
    qtbot.waitUntil(lambda: shows_whole(label), timeout=3000)

    assert window.width() == 1280
    assert in_sight(label, window)


def test_with_large_text_every_chosen_number_column_is_in_sight_in_the_panel(qtbot, tmp_path):
    from window_helpers import write_contacts

    headers = ["Customer ID", "Name", "Mobile", "Alt Mobile", "Office", "Home"]
    rows = [[f"C{i}", f"Customer {i}", f"98{i:08d}", f"97{i:08d}", f"96{i:08d}", f"95{i:08d}"] for i in range(1, 6)]
    window = large_text_window(qtbot, 1280)
    open_and_plan(qtbot, window, write_contacts(tmp_path / "four numbers.xlsx", rows, headers=headers))
    panel = window.mapping_panel
    for column in ("Office", "Home"):
        if column not in [panel.numbers.item(i).text() for i in range(panel.numbers.count())]:
            panel.add_number.activated.emit(panel.add_number.findText(column))
    assert panel.numbers.count() == 4
    qtbot.wait(20)

    room = panel.numbers.viewport().rect()
    for i in range(4):
        assert room.contains(panel.numbers.visualItemRect(panel.numbers.item(i))), panel.numbers.item(i).text()
