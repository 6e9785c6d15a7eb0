"""ReviewView: one answer's review — question, STAR timeline, transcript, figures, playback.

Composes the review widgets and passes their requests up unchanged; the session decides what
to play. `set_position` moves the playhead everywhere at once during playback.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from voicecoach.domain import Question, Report
from voicecoach.report import timed_as_whole
from voicecoach.ui.figures_panel import FiguresPanel
from voicecoach.ui.playback_bar import PlaybackBar
from voicecoach.ui.star_timeline import StarTimeline
from voicecoach.ui.style import set_icon, set_role
from voicecoach.ui.transcript_view import TranscriptView

SECTIONS_HINT = "Click a section to hear it  ·  drag the edge between two sections to correct it"


def _card(
    layout_margins: tuple[int, int, int, int] = (16, 12, 16, 12),
) -> tuple[QFrame, QVBoxLayout]:
    f = QFrame()
    f.setProperty("card", True)
    lay = QVBoxLayout(f)
    lay.setContentsMargins(*layout_margins)
    lay.setSpacing(8)
    return f, lay


class ReviewView(QWidget):
    """The review screen for one Report (or an empty state before the first one)."""

    retryRequested = Signal()
    playFromRequested = Signal(float)  # play from a time: a clicked word, marker or check

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewView")
        self._stack = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._stack)

        empty = QWidget()
        el = QVBoxLayout(empty)
        msg = QLabel("No review yet.\nRecord an answer on the Practice page and it appears here.")
        msg.setObjectName("reviewEmpty")
        msg.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_role(msg, "muted")
        el.addWidget(msg)
        self._stack.addWidget(empty)

        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(24, 20, 24, 16)
        lay.setSpacing(12)

        # header: the question and what this take is
        head = QHBoxLayout()
        head.setSpacing(16)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        self._question = QLabel("")
        self._question.setObjectName("reviewQuestion")
        self._question.setWordWrap(True)
        set_role(self._question, "title")
        self._meta = QLabel("")
        self._meta.setObjectName("reviewMeta")
        set_role(self._meta, "muted")
        texts.addWidget(self._question)
        texts.addWidget(self._meta)
        head.addLayout(texts, 1)
        self.retry = QPushButton("Try again")
        self.retry.setObjectName("retryButton")
        self.retry.setProperty("kind", "primary")
        set_icon(self.retry, "retry", "accent_text", 18)
        self.retry.setToolTip("Record another take of the same question (Ctrl+T)")
        self.retry.clicked.connect(self.retryRequested)
        head.addWidget(self.retry, 0, Qt.AlignmentFlag.AlignTop)
        lay.addLayout(head)

        # the timeline
        tcard, tl = _card((12, 10, 12, 8))
        self.timeline = StarTimeline()
        tl.addWidget(self.timeline)
        hint = QLabel(SECTIONS_HINT)
        set_role(hint, "muted")
        hint.setObjectName("timelineHint")
        self._hint = hint
        tl.addWidget(hint)
        lay.addWidget(tcard)

        # transcript | figures
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setObjectName("reviewSplitter")
        split.setChildrenCollapsible(False)
        split.setHandleWidth(12)
        self.transcript = TranscriptView()
        split.addWidget(self.transcript)
        self.figures = FiguresPanel()
        scroll = QScrollArea()
        scroll.setObjectName("reviewFiguresScroll")
        self._figures_scroll = scroll
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.figures)
        scroll.setMinimumWidth(320)
        split.addWidget(scroll)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([640, 420])
        lay.addWidget(split, 1)

        # playback
        pcard, pl = _card((12, 6, 12, 6))
        self.playback = PlaybackBar()
        pl.addWidget(self.playback)
        lay.addWidget(pcard)
        self._stack.addWidget(page)

        self.transcript.wordClicked.connect(lambda _i, t: self.playFromRequested.emit(t))
        self.transcript.positionClicked.connect(self.playFromRequested)
        self.figures.checkPlayRequested.connect(self.playFromRequested)
        self._report: Report | None = None

    def report(self) -> Report | None:
        return self._report

    def set_timing_settings(self, settings) -> None:
        """The tolerances of the timing verdicts (Settings.analysis), so that the timeline's
        captions and the verdict box judge over/short by the same rule."""
        self.timeline.set_timing_settings(settings)
        self.figures.set_timing_settings(settings)

    def set_report(self, report: Report, question: Question | None = None, meta: str = "") -> None:
        self._report = report
        self._question.setText(question.prompt if question else "Recorded answer")
        self._meta.setText(meta)
        self._meta.setVisible(bool(meta))
        self.timeline.set_report(report)
        self.timeline.set_editable(bool(report.sections))
        # nothing to click or drag in an answer timed as a whole: the timeline says why
        self._hint.setVisible(not timed_as_whole(report))
        self.transcript.set_report(report)
        self.figures.set_report(report)
        self.playback.set_duration(report.duration_s)
        self.playback.set_position(0.0)
        self.playback.set_playing(False)
        self.playback.set_context("")
        self.timeline.set_playhead(None)  # the previous review's playhead must not stay
        self._forget_previous_view()
        self.retry.setVisible(question is not None)
        self._stack.setCurrentIndex(1)

    def _forget_previous_view(self) -> None:
        """A new review starts at the top with no section picked, not where the last one
        was left (figures scrolled down, a section ringed by the keyboard focus)."""
        self._figures_scroll.verticalScrollBar().setValue(0)
        self.transcript.verticalScrollBar().setValue(0)
        self.timeline.reset_focus()
        if self.timeline.hasFocus():
            self.timeline.clearFocus()

    def update_sections(self, report: Report) -> None:
        """A corrected report (boundary moved): refresh what depends on sections only."""
        self._report = report
        self.timeline.set_report(report)
        self.figures.set_report(report)
        pos = self.transcript.verticalScrollBar().value()
        self.transcript.set_report(report)
        self.transcript.verticalScrollBar().setValue(pos)

    def clear(self) -> None:
        self._report = None
        self._stack.setCurrentIndex(0)

    def set_position(self, t_s: float) -> None:
        self.playback.set_position(t_s)
        self.timeline.set_playhead(t_s)
        self.transcript.highlight_time(t_s)

    def set_playing(self, playing: bool) -> None:
        self.playback.set_playing(playing)
        if not playing:
            self.timeline.set_playhead(
                None if self.playback.position_s() <= 0 else self.playback.position_s()
            )
