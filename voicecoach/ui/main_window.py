"""MainWindow: left navigation (Practice, Review, History, Progress, Interview), banners, pages,
menus.

It holds the widgets and offers a few dialogs; it knows nothing of recording or analysis.
`voicecoach.app.main.wire` connects it to the Session.

Keyboard: every action is in a menu with its shortcut (Practice: Space record/stop, Ctrl+R read
again, Ctrl+N new question, Ctrl+T try again; Playback: Space or Ctrl+P play/pause, Ctrl+Left /
Ctrl+Right 5 s back/forward, Ctrl+Home from the start; View: Ctrl+1..5 pages). On Practice,
Space always records or stops, wherever the focus is on the page, except in a field that types
text; Enter presses a focused button there. Elsewhere Space belongs to the page (play on Review)
unless the focused control uses Space itself (a button, a list, a check box, the section
timeline): see `SpaceKeeper`.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QStackedWidget,
    QTabWidget,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from voicecoach import __version__
from voicecoach.settings import Settings
from voicecoach.ui.banner import Banner
from voicecoach.ui.history_view import HistoryView
from voicecoach.ui.interview_history import InterviewHistory
from voicecoach.ui.interview_page import InterviewPage
from voicecoach.ui.progress_view import ProgressView
from voicecoach.ui.question_panel import QuestionPanel
from voicecoach.ui.record_panel import RecordPanel
from voicecoach.ui.review_view import ReviewView
from voicecoach.ui.settings_dialog import SettingsDialog
from voicecoach.ui.story_bank_view import StoryBankView
from voicecoach.ui.style import (
    apply_theme,
    asset_path,
    retheme,
    set_icon,
    set_role,
    theme_choice,
)

# A new page: its name here (the order of the navigation and of Ctrl+1..n), its labels, its
# widget in `MainWindow.__init__` (`self._page_widgets`) and its main control in `_focus_page`.
PAGES = ("practice", "review", "history", "progress", "interview", "stories")
PAGE_LABELS = {
    "practice": "&Practice",
    "review": "&Review",
    "history": "&History",
    "progress": "Pro&gress",
    "interview": "&Interview",
    "stories": "&Stories",
}
NAV_ICONS: dict[str, str] = {}  # pages whose icon is not named after them
AUDIO_FILTER = "Audio files (*.wav *.flac *.ogg *.mp3 *.m4a *.webm);;All files (*)"
SEEK_STEP_S = 5.0
NOTICE_MS = 10_000  # a notice of what just happened: long enough to read a file path twice


class SpaceKeeper(QObject):
    """Decides who gets Space: the page's shortcut (record / play) or the focused control.

    Accepting the ShortcutOverride event is Qt's way of saying "this key is for the widget, not
    a shortcut". On the Practice page Space is Record/Stop wherever the focus is, buttons
    included: recording disables the question's drop-downs, Qt then moves the focus on to the
    next button ("Read again"), and a Stop that pressed that button instead left the recording
    running. Only a field that types text keeps Space there, and Enter presses a focused button
    (Space no longer does). On the other pages a focused control that uses Space (a button, a
    list, a check box, the section timeline) keeps it; drop-down lists open with Alt+Down or F4.
    """

    def __init__(
        self, record_button: QWidget, practice_page: QWidget, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._record_button = record_button
        self._practice = practice_page

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        if event.modifiers() not in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        ):
            return False
        on_practice = isinstance(obj, QWidget) and self._practice.isAncestorOf(obj)
        key = event.key()
        if kind == QEvent.Type.ShortcutOverride:
            if key == Qt.Key.Key_Space and (
                types_text(obj) if on_practice else wants_space(obj, self._record_button)
            ):
                event.accept()
            return False
        if (
            on_practice
            and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and isinstance(obj, QAbstractButton)
            and obj.hasFocus()
            and obj.isEnabled()
        ):
            obj.click()  # what Space did before it became Record/Stop on this page
            return True
        return False


def types_text(w: QObject) -> bool:
    """Whether focused widget `w` is a field where Space types a space."""
    if isinstance(w, (QLineEdit, QAbstractSpinBox, QTextEdit, QPlainTextEdit)):
        return not w.isReadOnly()
    if isinstance(w, QComboBox):
        return w.isEditable()
    return False


def wants_space(w: QObject, record_button: QWidget | None = None) -> bool:
    """Whether focused widget `w` does something with Space on its own."""
    if w is record_button:
        return False
    if isinstance(w, (QAbstractButton, QAbstractSpinBox, QLineEdit)):
        return True
    if isinstance(w, QComboBox):
        return w.isEditable()
    if isinstance(w, QAbstractItemView):
        return True
    return bool(w.property("usesSpace")) if isinstance(w, QWidget) else False


class MainWindow(QMainWindow):
    analyseFileRequested = Signal(str)  # analyse this file (against the general targets)
    analyseFilePicked = Signal(str)  # picked in File → Analyse a file…: ask its question first
    settingsRequested = Signal()
    exportReviewRequested = Signal()
    exportHistoryRequested = Signal()
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
        labels = {name: PAGE_LABELS[name].replace("&", "") for name in PAGES}
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
        self.interview_banner = Banner("interviewRecoveryBanner")
        banners.addWidget(self.status_banner)
        banners.addWidget(self.recovery_banner)
        banners.addWidget(self.interview_banner)
        self._banner_box = QWidget()
        self._banner_box.setLayout(banners)
        cl.addWidget(self._banner_box)
        for b in (self.status_banner, self.recovery_banner, self.interview_banner):
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
        # the hints scroll under the record panel: Record stays in view on small screens
        pl.addWidget(self.question_panel.hints_box, 10)
        pl.addStretch(0)
        self.review = ReviewView()
        self.history = HistoryView()
        self.interview_history = InterviewHistory()
        # History: single takes, and mock interviews as whole runs
        self.history_tabs = QTabWidget()
        self.history_tabs.setObjectName("historyTabs")
        self.history_tabs.setDocumentMode(True)
        self.history_tabs.addTab(self.history, "Takes")
        self.history_tabs.addTab(self.interview_history, "Interviews")
        self.progress = ProgressView()
        self.interview = InterviewPage()
        self.stories = StoryBankView()
        self._page_widgets: dict[str, QWidget] = {
            "practice": practice,
            "review": self.review,
            "history": self.history_tabs,
            "progress": self.progress,
            "interview": self.interview,
            "stories": self.stories,
        }
        for name in PAGES:
            self.pages.addWidget(self._page_widgets[name])
        cl.addWidget(self.pages, 1)
        root.addWidget(content, 1)

        self._nav.idClicked.connect(lambda i: self.show_page(PAGES[i], keep_focus=True))
        self._shown_once = False
        self._build_menu()
        self._space_keeper = SpaceKeeper(self.record_panel.button, practice, self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self._space_keeper)
        # Space on the Review page plays and pauses (the record panel has its own Space)
        self._review_space = QShortcut(QKeySequence(Qt.Key.Key_Space), self.review)
        self._review_space.activated.connect(self.toggle_play)
        hints = QGuiApplication.styleHints()
        if hints is not None:
            hints.colorSchemeChanged.connect(self._system_scheme_changed)
        self.refresh_icons()
        self.show_page("practice")

    # --- menu ----------------------------------------------------------------------------

    def _build_menu(self) -> None:
        mb = self.menuBar()

        def action(menu, text: str, slot, shortcut=None, name: str = "", tip: str = "") -> QAction:
            a = QAction(text, self)
            if name:
                a.setObjectName(name)
            if shortcut is not None:
                a.setShortcut(QKeySequence(shortcut))
            if tip:
                a.setStatusTip(tip)
            a.triggered.connect(slot)
            menu.addAction(a)
            return a

        file_menu = mb.addMenu("&File")
        self.analyse_action = action(
            file_menu,
            "&Analyse a file…",
            self._pick_file,
            QKeySequence.StandardKey.Open,
            "analyseFileAction",
        )
        self.export_review_action = action(
            file_menu,
            "&Export this review…",
            self.exportReviewRequested,
            "Ctrl+E",
            "exportReviewAction",
            "Save the review as a web page (HTML) or PDF to share",
        )
        file_menu.addSeparator()
        action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit, "quitAction")

        edit = mb.addMenu("&Edit")
        self.settings_action = action(
            edit, "&Settings…", self.settingsRequested, "Ctrl+,", "settingsAction"
        )

        practice = mb.addMenu("&Practice")
        qp = self.question_panel
        # Space is the record panel's own shortcut (SpaceKeeper lets it win over a focused
        # button, not over a text field); the menu item shows it and does the same.
        self.record_action = action(
            practice, "&Record or stop\tSpace", self._record_toggle, None, "recordAction"
        )
        self.read_again_action = action(
            practice, "Read the question &again", qp.read_again.click, "Ctrl+R", "readAgainAction"
        )
        self.surprise_action = action(
            practice, "&New question (surprise me)", qp.surprise.click, "Ctrl+N", "surpriseAction"
        )
        self.retry_action = action(
            practice, "&Try this question again", self._retry, "Ctrl+T", "retryAction"
        )
        practice.addSeparator()
        action(practice, "Choose a &question…", self._focus_question, "Ctrl+L", "chooseAction")

        playback = mb.addMenu("P&layback")
        self.play_action = action(
            playback, "&Play or pause", self.toggle_play, "Ctrl+P", "playPauseAction"
        )
        self.back_action = action(
            playback,
            "&Back 5 seconds",
            lambda: self._step(-SEEK_STEP_S),
            "Ctrl+Left",
            "backAction",
        )
        self.forward_action = action(
            playback,
            "&Forward 5 seconds",
            lambda: self._step(SEEK_STEP_S),
            "Ctrl+Right",
            "forwardAction",
        )
        self.restart_action = action(
            playback, "From the &start", lambda: self._seek_to(0.0), "Ctrl+Home", "restartAction"
        )

        view = mb.addMenu("&View")
        group = QActionGroup(self)
        self.page_actions: dict[str, QAction] = {}
        for i, name in enumerate(PAGES):
            a = action(
                view,
                PAGE_LABELS[name],
                lambda _=False, n=name: self.show_page(n),
                f"Ctrl+{i + 1}",
                f"pageAction_{name}",
            )
            a.setCheckable(True)
            group.addAction(a)
            self.page_actions[name] = a

        history_menu = mb.addMenu("Hi&story")  # Alt+H is Help
        self.export_history_action = action(
            history_menu,
            "&Export history…",
            self.exportHistoryRequested,
            None,
            "exportHistoryAction",
            "Save every analysed take as CSV or JSON",
        )

        help_menu = mb.addMenu("&Help")
        action(help_menu, "&Keyboard shortcuts", self._show_keys, "F1", "keysAction")
        action(help_menu, "&About VoiceCoach", self._about, None, "aboutAction")

    # --- keyboard actions ----------------------------------------------------------------

    def _record_toggle(self) -> None:
        self.show_page("practice")
        self.record_panel.toggle()

    def _retry(self) -> None:
        # the review's "Try again" (hidden for an analysed file, which has no question)
        if self.review.report() is not None and not self.review.retry.isHidden():
            self.review.retry.click()

    def _focus_question(self) -> None:
        self.show_page("practice")
        self.question_panel.question.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.question_panel.question.showPopup()

    def _review_ready(self) -> bool:
        return self.current_page() == "review" and self.review.report() is not None

    def toggle_play(self) -> None:
        """Play or pause the answer under review (Space / Ctrl+P on the Review page)."""
        if self._review_ready():
            self.review.playback.playPauseClicked.emit()

    def _step(self, delta_s: float) -> None:
        if self._review_ready():
            self._seek_to(self.review.playback.position_s() + delta_s)

    def _seek_to(self, t_s: float) -> None:
        if self._review_ready():
            self.review.playback.request_seek(t_s)

    def _show_keys(self) -> None:
        rows = [
            ("Space", "Record / stop (Practice) · play / pause (Review)"),
            ("Enter", "On Practice: press the focused button"),
            ("Ctrl+R", "Read the question again"),
            ("Ctrl+N", "New question (surprise me)"),
            ("Ctrl+L", "Choose a question"),
            ("Ctrl+T", "Try this question again"),
            ("Esc", "Cancel the analysis"),
            ("Ctrl+P", "Play / pause"),
            ("Ctrl+← / Ctrl+→", "Back / forward 5 seconds"),
            ("Ctrl+Home", "Play from the start"),
            ("← / → then Enter", "On the timeline: pick a section and play it"),
            ("Ctrl+1 / 2 / 3 / 4 / 5", "Practice / Review / History / Progress / Interview"),
            ("Ctrl+O", "Analyse a recorded file"),
            ("Ctrl+E", "Export this review (HTML or PDF)"),
            ("Ctrl+,", "Settings"),
        ]
        body = "".join(
            f"<tr><td style='padding:2px 16px 2px 0'><b>{k}</b></td><td>{v}</td></tr>"
            for k, v in rows
        )
        box = QMessageBox(self)
        box.setObjectName("keysDialog")
        box.setWindowTitle("Keyboard shortcuts")
        box.setText(f"<table>{body}</table>")
        box.exec()

    def _pick_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Analyse a recorded answer", "", AUDIO_FILTER)
        if path:
            self.analyseFilePicked.emit(path)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About VoiceCoach",
            f"<b>VoiceCoach {__version__}</b><p>Rehearse spoken interview answers: STAR section "
            "timing, fillers, pace and content checks. Everything runs on this computer; "
            "nothing is uploaded.</p>",
        )

    # --- pages and banners ---------------------------------------------------------------

    def show_page(self, name: str, keep_focus: bool = False) -> None:
        """Show a page; focus moves to its main control unless `keep_focus` (a nav button
        pressed from the keyboard keeps it) or it is already on that page."""
        i = PAGES.index(name)
        page = self.pages.widget(i)
        changed = self.pages.currentIndex() != i
        before = QApplication.focusWidget()  # before Qt moves it off the page being hidden
        self.pages.setCurrentIndex(i)
        self.nav_buttons[name].setChecked(True)
        self.page_actions[name].setChecked(True)
        if changed and not self.status_banner.isHidden() and self.status_banner.closes_itself():
            # a passing notice belongs to the page it was given on: it must not sit over the
            # next page, pushing it down
            self.status_banner.dismiss()
        kept = keep_focus and before in self._nav_set()
        if changed and self.isVisible() and not (kept or page.isAncestorOf(before)):
            # focus left on a hidden page (or wherever Qt moved it) would make Tab and Space
            # start from nowhere: put it on the page's main control
            self._focus_page(name)
        self.pageChanged.emit(name)

    def showEvent(self, e) -> None:  # noqa: N802 (Qt override)
        super().showEvent(e)
        if not self._shown_once:
            self._shown_once = True
            # start on Record, not on the first drop-down: Space then records at once
            self._focus_page(self.current_page())

    def _nav_set(self) -> set[QWidget]:
        return set(self.nav_buttons.values())

    def _focus_page(self, name: str) -> None:
        target = {
            "practice": self.record_panel.button,
            "review": self.review.timeline,
            "history": self.history.table,
            "progress": self.progress.scope,
            "interview": self.interview.start,
            "stories": self.stories.list,
        }[name]
        if not (target.isEnabled() and target.isVisible()):
            page = self.pages.widget(PAGES.index(name))
            target = next(
                (
                    w
                    for w in page.findChildren(QWidget)
                    if w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
                ),
                page,
            )
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def current_page(self) -> str:
        return PAGES[self.pages.currentIndex()]

    def show_error(self, text: str) -> None:
        self.status_banner.show_message(text, "error")
        self._sync_banner_box()

    def show_notice(self, text: str, kind: str = "info") -> None:
        """A notice ("info": what just happened, like "Exported to …") closes itself after
        NOTICE_MS or when another page is shown; a warning stays until closed, like an error."""
        self.status_banner.show_message(text, kind, timeout_ms=NOTICE_MS if kind == "info" else 0)
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

    def offer_interview_recovery(self, answered: int, total: int, on_resume, on_end) -> None:
        """An interview was cut short by a crash (or a quit): go on with it, or end it there."""
        kept = "1 answer is" if answered == 1 else f"{answered} answers are"
        self.interview_banner.show_message(
            f"An interview of {total} questions was interrupted; {kept} kept.",
            "warn",
            [("Resume the interview", on_resume), ("End it and see the summary", on_end)],
        )
        self._sync_banner_box()

    def hide_interview_recovery(self) -> None:
        self.interview_banner.hide()
        self._sync_banner_box()

    def hide_recovery(self) -> None:
        self.recovery_banner.hide()
        self._sync_banner_box()

    def _sync_banner_box(self) -> None:
        # isHidden, not isVisible: the window itself may not be shown yet
        any_shown = not all(
            b.isHidden() for b in (self.status_banner, self.recovery_banner, self.interview_banner)
        )
        self._banner_box.setVisible(any_shown)

    def refresh_icons(self) -> None:
        """Re-colour everything in the current theme (after `apply_theme`): icons, rich text,
        painted widgets, the review. Kept under this name for the session wiring."""
        for name, b in self.nav_buttons.items():
            set_icon(b, NAV_ICONS.get(name, name), "muted", 20)
        retheme(self)

    def _system_scheme_changed(self, *_a) -> None:
        app = QApplication.instance()
        if theme_choice() == "system" and app is not None:
            apply_theme(app, "system")
            self.refresh_icons()

    def ask_settings(
        self, settings: Settings, devices: list[str], voices, models=None
    ) -> Settings | None:
        dlg = SettingsDialog(settings, devices, voices, self, models=models)
        if dlg.exec() == SettingsDialog.DialogCode.Accepted:
            return dlg.result_settings()
        return None
