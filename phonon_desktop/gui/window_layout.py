"""How the window is laid out and in what order Tab walks it.

The pages are the empty invitation, the loading page, and the table with the side panel;
the toolbars' contents, menus and actions are built in ``window_actions``.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from phonon_desktop.gui import icons, sizes
from phonon_desktop.gui.views.banner import Banner
from phonon_desktop.gui.views.empty_state import EmptyState
from phonon_desktop.gui.views.filter_bar import FilterBar
from phonon_desktop.gui.views.find_bar import FindBar
from phonon_desktop.gui.views.mapping_panel import MappingPanel
from phonon_desktop.gui.views.sheet_table import SheetTableView


class StatusText(QLabel):
    """The status bar's words: a long explanation (a problem cell's, with large text) takes a
    second line rather than running off the window's edge, and a short one takes one line.

    A word-wrapping label asks its layout for a height at a guessed narrow width (several
    lines, even for a short text); this one says the height its text needs at the width it
    has, through its size hint.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self._height_for = (-1, -1)

    def _lines_height(self) -> int:
        width = self.width() if self.width() > 1 else super().sizeHint().width()
        margins = self.contentsMargins()
        return max(self.heightForWidth(width), self.fontMetrics().lineSpacing() + margins.top() + margins.bottom())

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt naming
        return False  # the size hint already gives the height at the current width

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(super().sizeHint().width(), self._lines_height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(super().minimumSizeHint().width(), self._lines_height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        wanted = (self.width(), self._lines_height())
        if wanted != self._height_for:  # wider or narrower: maybe another number of lines
            self._height_for = wanted
            self.updateGeometry()


class WindowLayoutMixin:
    """The widgets of the window and their Tab order."""

    def _build_ui(self) -> None:
        # Fixed in place: a toolbar dragged off by accident is a lost toolbar for most operators.
        self.toolbar = QToolBar("Commands")
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.list_toolbar = QToolBar("Sheet and header row")
        self.list_toolbar.setObjectName("listToolbar")
        for bar in (self.toolbar, self.list_toolbar):
            bar.setMovable(False)
            self.addToolBar(bar)
        self.sheet_choice = QComboBox()
        self.sheet_choice.setAccessibleName("Sheet")
        self.sheet_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.header_row = QSpinBox()
        self.header_row.setRange(1, 1000)
        self.header_row.setAccessibleName("Header row")
        self.header_row.setToolTip("The row of the file that holds the column names")
        self.header_row.setKeyboardTracking(False)  # reload once the number is typed, not per digit

        central = QWidget()
        lay = QVBoxLayout(central)
        lay.setContentsMargins(6, 4, 6, 4)
        self.banner = Banner()
        lay.addWidget(self.banner)
        self.pages = QStackedWidget()
        lay.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.empty_state = EmptyState()
        self.pages.addWidget(self.empty_state)

        loading = QWidget()
        ll = QVBoxLayout(loading)
        ll.addStretch(1)
        self.loading_label = QLabel("Opening…")
        self.loading_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(sizes.chars(self.progress, 75))
        self.progress.setTextVisible(True)
        self.cancel_load_button = QPushButton(icons.icon("cancel"), "Cancel")
        ll.addWidget(self.loading_label)
        ll.addWidget(self.progress, 0, Qt.AlignmentFlag.AlignHCenter)
        ll.addWidget(self.cancel_load_button, 0, Qt.AlignmentFlag.AlignHCenter)
        ll.addStretch(2)
        self.pages.addWidget(loading)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        tl = QVBoxLayout(left)
        tl.setContentsMargins(0, 0, 0, 0)
        self.filter_bar = FilterBar()
        self.table = SheetTableView()
        self.table.setModel(self.table_model)
        self.find_bar = FindBar()
        tl.addWidget(self.filter_bar)
        tl.addWidget(self.table, 1)
        tl.addWidget(self.find_bar)
        self.mapping_panel = MappingPanel(start_box=None)
        self.mapping_panel.start._now = self._now
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.mapping_panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        panel_width = max(self.mapping_panel.minimumSizeHint().width(), sizes.chars(self.mapping_panel, 54))
        self.splitter.setSizes([max(self.width() - panel_width, 1), panel_width])
        self.pages.addWidget(self.splitter)

        self.status_label = StatusText()
        self.statusBar().addWidget(self.status_label, 1)

    def _chain_tabs(self) -> None:
        """Tab goes as the operator reads the window: the list's choosers in the toolbar, the
        filter bar, the table, the find bar (when open), then the side panel down to Send."""
        chain = [self.sheet_choice, self.header_row, self.filter_bar.choice, self.filter_bar.text,
                 self.filter_bar.show_all_button, self.table, self.find_bar.edit, self.mapping_panel.numbers]
        for before, after in zip(chain, chain[1:]):
            self.setTabOrder(before, after)
        self.mapping_panel.chain_tabs()
