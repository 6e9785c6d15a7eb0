"""MainWindow: left navigation (Practice / Review / History), banners, pages and the menu.

It holds the widgets and offers a few dialogs; it knows nothing of recording or analysis.
`voicecoach.app.main.wire` connects it to the Session.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from voicecoach import __version__
from voicecoach.settings import Settings
from voicecoach.ui.banner import Banner
from voicecoach.ui.history_view import HistoryView
from voicecoach.ui.question_panel import QuestionPanel
from voicecoach.ui.record_panel import RecordPanel
from voicecoach.ui.review_view import ReviewView
from voicecoach.ui.settings_dialog import SettingsDialog
from voicecoach.ui.style import asset_path, current_theme, icon, set_role

PAGES = ("practice", "review", "history")
AUDIO_FILTER = "Audio files (*.wav *.flac *.ogg *.mp3 *.m4a *.webm);;All files (*)"


class MainWindow(QMainWindow):
    analyseFileRequested = Signal(str)
    settingsRequested = Signal()
    pageChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("VoiceCoach")
        self.setWindowIcon(QIcon(str(asset_path("icon-app.svg"))))
        self.resize(1280, 800)
        self.setMinimumSize(960, 640)

        central = QWidget()
        root = QHBoxLayout(central)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        self.setCentralWidget(central)

        # navigation
        nav = QFrame()
        nav.setObjectName("nav")
        nav.setFixedWidth(184)
        nl = QVBoxLayout(nav)
        nl.setContentsMargins(0, 0, 0, 12)
        nl.setSpacing(2)
        title = QLabel("VoiceCoach")
        title.setObjectName("appTitle")
        nl.addWidget(title)
        self._nav = QButtonGroup(self)
        self._nav.setExclusive(True)
        self.nav_buttons: dict[str, QToolButton] = {}
        labels = {"practice": "Practice", "review": "Review", "history": "History"}
        for i, name in enumerate(PAGES):
            b = QToolButton()
            b.setObjectName(f"nav_{name}")
            b.setText(labels[name])
            b.setCheckable(True)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            b.setIconSize(b.iconSize() * 1.0)
            b.setSizePolicy(
                b.sizePolicy().horizontalPolicy().Expanding, b.sizePolicy().verticalPolicy()
            )
            b.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            b.setToolTip(f"{labels[name]} (Ctrl+{i + 1})")
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            self._nav.addButton(b, i)
            self.nav_buttons[name] = b
            nl.addWidget(b)
        nl.addStretch(1)
        self.model_status = QLabel("")
        self.model_status.setObjectName("modelStatus")
        self.model_status.setWordWrap(True)
        self.model_status.setContentsMargins(18, 0, 12, 0)
        set_role(self.model_status, "muted")
        nl.addWidget(self.model_status)
        root.addWidget(nav)

        # content: banners over the pages
        content = QWidget()
        cl = QVBoxLayout(content)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(0)
        banners = QVBoxLayout()
        banners.setContentsMargins(24, 12, 24, 0)
        banners.setSpacing(6)
        self.status_banner = Banner("statusBanner")
        self.recovery_banner = Banner("recoveryBanner")
        banners.addWidget(self.status_banner)
        banners.addWidget(self.recovery_banner)
        self._banner_box = QWidget()
        self._banner_box.setLayout(banners)
        cl.addWidget(self._banner_box)
        for b in (self.status_banner, self.recovery_banner):
            b.closed.connect(self._sync_banner_box)
        self._sync_banner_box()

        self.pages = QStackedWidget()
        practice = QWidget()
        practice.setObjectName("practicePage")
        pl = QVBoxLayout(practice)
        pl.setContentsMargins(24, 20, 24, 20)
        pl.setSpacing(16)
        self.question_panel = QuestionPanel()
        self.record_panel = RecordPanel()
        pl.addWidget(self.question_panel)
        pl.addWidget(self.record_panel)
        pl.addStretch(1)
        self.review = ReviewView()
        self.history = HistoryView()
        for w in (practice, self.review, self.history):
            self.pages.addWidget(w)
        cl.addWidget(self.pages, 1)
        root.addWidget(content, 1)

        self._nav.idClicked.connect(lambda i: self.show_page(PAGES[i]))
        self._build_menu()
        self.refresh_icons()
        self.show_page("practice")

    # --- menu ----------------------------------------------------------------------------

    def _build_menu(self) -> None:
        mb = self.menuBar()
        file_menu = mb.addMenu("&File")
        self.analyse_action = QAction("&Analyse a file…", self)
        self.analyse_action.setObjectName("analyseFileAction")
        self.analyse_action.setShortcut(QKeySequence.StandardKey.Open)
        self.analyse_action.triggered.connect(self._pick_file)
        file_menu.addAction(self.analyse_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        edit = mb.addMenu("&Edit")
        self.settings_action = QAction("&Settings…", self)
        self.settings_action.setObjectName("settingsAction")
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.triggered.connect(self.settingsRequested)
        edit.addAction(self.settings_action)

        view = mb.addMenu("&View")
        group = QActionGroup(self)
        for i, name in enumerate(PAGES):
            a = QAction(name.title(), self)
            a.triggered.connect(lambda _=False, n=name: self.show_page(n))
            group.addAction(a)
            view.addAction(a)
            del i

        help_menu = mb.addMenu("&Help")
        about = QAction("&About VoiceCoach", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _pick_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Analyse a recorded answer", "", AUDIO_FILTER)
        if path:
            self.analyseFileRequested.emit(path)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About VoiceCoach",
            f"<b>VoiceCoach {__version__}</b><p>Rehearse spoken interview answers: STAR section "
            "timing, fillers, pace and content checks. Everything runs on this computer; "
            "nothing is uploaded.</p>",
        )

    # --- pages and banners ---------------------------------------------------------------

    def show_page(self, name: str) -> None:
        i = PAGES.index(name)
        self.pages.setCurrentIndex(i)
        self.nav_buttons[name].setChecked(True)
        self.pageChanged.emit(name)

    def current_page(self) -> str:
        return PAGES[self.pages.currentIndex()]

    def show_error(self, text: str) -> None:
        self.status_banner.show_message(text, "error")
        self._sync_banner_box()

    def show_notice(self, text: str, kind: str = "info") -> None:
        self.status_banner.show_message(text, kind)
        self._sync_banner_box()

    def clear_status(self) -> None:
        self.status_banner.hide()
        self._sync_banner_box()

    def offer_recovery(self, n: int, on_analyse, on_show) -> None:
        what = "1 recorded take was" if n == 1 else f"{n} recorded takes were"
        self.recovery_banner.show_message(
            f"{what} not analysed (VoiceCoach closed while working on it).",
            "warn",
            [("Analyse now", on_analyse), ("Show in History", on_show)],
        )
        self._sync_banner_box()

    def hide_recovery(self) -> None:
        self.recovery_banner.hide()
        self._sync_banner_box()

    def _sync_banner_box(self) -> None:
        # isHidden, not isVisible: the window itself may not be shown yet
        any_shown = not (self.status_banner.isHidden() and self.recovery_banner.isHidden())
        self._banner_box.setVisible(any_shown)

    def refresh_icons(self) -> None:
        """Re-draw the SVG icons in the current theme's colours (after a theme change)."""
        theme = current_theme()
        for name, b in self.nav_buttons.items():
            b.setIcon(icon(name, theme.colors["muted"], 20))

    def ask_settings(self, settings: Settings, devices: list[str], voices) -> Settings | None:
        dlg = SettingsDialog(settings, devices, voices, self)
        if dlg.exec() == SettingsDialog.DialogCode.Accepted:
            return dlg.result_settings()
        return None
