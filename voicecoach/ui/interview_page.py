"""InterviewPage: set up a mock interview, follow it question by question, see its summary.

Three views on one page: the set-up form (pack, topics or mixed, 3-8 questions, follow-ups),
the run (which question, the prompt, thinking time and answer clock, Stop / Pause / Skip /
End), and the summary (`InterviewSummaryView`). Signals only; the interview controller does
the work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from voicecoach.interview import MAX_QUESTIONS, MIN_QUESTIONS
from voicecoach.report import fmt_time
from voicecoach.settings import InterviewSettings
from voicecoach.ui.interview_summary import InterviewSummaryView, fmt_thinking, open_button
from voicecoach.ui.level_meter import LevelMeter
from voicecoach.ui.style import keep_check_edges, set_role

STAGE_TEXT = {
    "asking": "Listen to the question…",
    "answering": "Answer when you are ready. Press Stop when you are done, or simply stop "
    "talking for {silence:g} s.",
    "analysing": "Measuring your answer…",
    "paused": "Paused. Resume asks this question again.",
}


class InterviewPage(QWidget):
    startRequested = Signal(str, list, int, bool)  # pack ("" = all), topics ([] = mixed), n, fu
    stopClicked = Signal()
    pauseClicked = Signal()
    resumeClicked = Signal()
    skipClicked = Signal()
    endClicked = Signal()
    choiceChanged = Signal(int, bool)  # the user changed the number of questions or follow-ups

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("interviewPage")
        root = QVBoxLayout(self)
        root.setContentsMargins(24, 20, 24, 20)
        root.setSpacing(12)
        self.views = QStackedWidget()
        root.addWidget(self.views, 1)
        self._silence_s = InterviewSettings().silence_stop_s
        self._topics_by_pack: dict[str, list[str]] = {}
        self._stage = ""
        self._build_setup()
        self._build_run()
        self._build_summary()
        self.views.setCurrentWidget(self.setup)

    # --- the three views ---------------------------------------------------------------------

    def _build_setup(self) -> None:
        self.setup = QWidget()
        self.setup.setObjectName("interviewSetup")
        lay = QVBoxLayout(self.setup)
        title = QLabel("Mock interview")
        set_role(title, "title")
        lay.addWidget(title)
        intro = QLabel(
            "A run of questions read aloud, one after another, each with a follow-up, as in a "
            "real interview. Your answers are recorded and measured; the summary at the end "
            "shows where to start improving."
        )
        intro.setWordWrap(True)
        set_role(intro, "muted")
        lay.addWidget(intro)
        form = QFormLayout()
        self.pack = QComboBox()
        self.pack.setObjectName("interviewPack")
        self.pack.currentIndexChanged.connect(self._pack_changed)
        form.addRow("Question pack", self.pack)
        self.mixed = QCheckBox("Mixed topics")
        self.mixed.setObjectName("interviewMixed")
        self.mixed.setChecked(True)
        self.mixed.toggled.connect(lambda on: self.topics.setEnabled(not on))
        form.addRow("Topics", self.mixed)
        self.topics = QListWidget()
        self.topics.setObjectName("interviewTopics")
        self.topics.setEnabled(False)
        self.topics.setMaximumHeight(140)
        form.addRow("", self.topics)
        self.count = QSpinBox()
        self.count.setObjectName("interviewCount")
        self.count.setRange(MIN_QUESTIONS, MAX_QUESTIONS)
        form.addRow("Questions", self.count)
        self.follow_ups = QCheckBox("Ask one follow-up after each answer")
        self.follow_ups.setObjectName("interviewFollowUps")
        form.addRow("Follow-ups", self.follow_ups)
        keep_check_edges(self.mixed, self.topics, self.follow_ups)
        self.count.valueChanged.connect(self._choice_changed)
        self.follow_ups.toggled.connect(self._choice_changed)
        lay.addLayout(form)
        self.start = QPushButton("Start the interview")
        self.start.setObjectName("interviewStart")
        self.start.setProperty("kind", "primary")
        self.start.clicked.connect(self._start)
        row = QHBoxLayout()
        row.addWidget(self.start)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addStretch(1)
        self.views.addWidget(self.setup)

    def _build_run(self) -> None:
        self.run = QWidget()
        self.run.setObjectName("interviewRun")
        lay = QVBoxLayout(self.run)
        lay.setSpacing(14)
        self.progress = QLabel("")
        self.progress.setObjectName("interviewProgress")
        set_role(self.progress, "muted")
        lay.addWidget(self.progress)
        self.prompt = QLabel("")
        self.prompt.setObjectName("interviewPrompt")
        self.prompt.setWordWrap(True)
        set_role(self.prompt, "question")
        lay.addWidget(self.prompt)
        self.stage = QLabel("")
        self.stage.setObjectName("interviewStage")
        self.stage.setWordWrap(True)
        lay.addWidget(self.stage)
        self.clock = QLabel("")
        self.clock.setObjectName("interviewClock")
        set_role(self.clock, "title")
        meter_row = QHBoxLayout()
        meter_row.addWidget(self.clock)
        meter_row.addStretch(1)
        self.meter = LevelMeter()
        self.meter.setObjectName("interviewMeter")
        self.meter.setFixedSize(180, 8)
        meter_row.addWidget(self.meter, 0, Qt.AlignmentFlag.AlignVCenter)
        lay.addLayout(meter_row)
        self._level_fn: Callable[[], Any] | None = None
        self._meter_timer = QTimer(self)
        self._meter_timer.setInterval(50)
        self._meter_timer.timeout.connect(self._poll_level)
        buttons = QHBoxLayout()
        self.stop = QPushButton("Stop: I'm done")
        self.stop.setObjectName("interviewStop")
        self.stop.setProperty("kind", "primary")
        self.stop.clicked.connect(self.stopClicked)
        self.pause = QPushButton("Pause")
        self.pause.setObjectName("interviewPause")
        self.pause.setToolTip("Pausing during an answer drops it; Resume asks the question again")
        self.pause.clicked.connect(self._pause_or_resume)
        self.skip = QPushButton("Skip this question")
        self.skip.setObjectName("interviewSkip")
        self.skip.clicked.connect(self.skipClicked)
        self.end = QPushButton("End the interview")
        self.end.setObjectName("interviewEnd")
        self.end.setToolTip("The answer you are giving is kept; the summary follows")
        self.end.clicked.connect(self.endClicked)
        for b in (self.stop, self.pause, self.skip):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.end)
        lay.addLayout(buttons)
        lay.addStretch(1)
        self.views.addWidget(self.run)

    def _build_summary(self) -> None:
        box = QWidget()
        box.setObjectName("interviewSummaryBox")
        lay = QVBoxLayout(box)
        self.summary = InterviewSummaryView()
        lay.addWidget(self.summary, 1)
        row = QHBoxLayout()
        row.addWidget(open_button(self.summary))
        row.addStretch(1)
        self.again = QPushButton("New interview")
        self.again.setObjectName("interviewAgain")
        self.again.clicked.connect(self.show_setup)
        row.addWidget(self.again)
        lay.addLayout(row)
        self.summary_box = box
        self.views.addWidget(box)

    # --- filling in ----------------------------------------------------------------------------

    def set_choices(self, packs: list[tuple[str, str, list[str]]], s: InterviewSettings) -> None:
        """The packs to choose from (name, title, topics) and the saved choices from Settings
        (the number of questions and follow-ups last chosen). The pack and topics already
        chosen stay chosen when they are still offered."""
        pack, topics = self.pack.currentData() or "", set(self.chosen_topics())
        self.pack.blockSignals(True)
        self.pack.clear()
        self.pack.addItem("All packs", "")
        self._topics_by_pack = {"": sorted({t for _, _, ts in packs for t in ts})}
        for name, title, topics_of in packs:
            self.pack.addItem(title, name)
            self._topics_by_pack[name] = list(topics_of)
        self.pack.setCurrentIndex(max(self.pack.findData(pack), 0))
        self.pack.blockSignals(False)
        self._pack_changed()
        for i in range(self.topics.count()):
            item = self.topics.item(i)
            if item.data(Qt.ItemDataRole.UserRole) in topics:
                item.setCheckState(Qt.CheckState.Checked)
        for w in (self.count, self.follow_ups):
            w.blockSignals(True)  # these come from Settings: nothing to remember
        self.count.setValue(s.questions)
        self.follow_ups.setChecked(s.follow_ups)
        for w in (self.count, self.follow_ups):
            w.blockSignals(False)
        self._silence_s = s.silence_stop_s

    def _choice_changed(self, *_a) -> None:
        self.choiceChanged.emit(self.count.value(), self.follow_ups.isChecked())

    def _pack_changed(self, *_a) -> None:
        self.topics.clear()
        for t in self._topics_by_pack.get(self.pack.currentData() or "", []):
            item = QListWidgetItem(t)
            item.setData(Qt.ItemDataRole.UserRole, t)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.topics.addItem(item)

    def chosen_topics(self) -> list[str]:
        if self.mixed.isChecked():
            return []
        out = []
        for i in range(self.topics.count()):
            item = self.topics.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(Qt.ItemDataRole.UserRole))
        return out

    def _start(self) -> None:
        self.startRequested.emit(
            self.pack.currentData() or "",
            self.chosen_topics(),
            self.count.value(),
            self.follow_ups.isChecked(),
        )

    def _pause_or_resume(self) -> None:
        (self.resumeClicked if self._stage == "paused" else self.pauseClicked).emit()

    def show_setup(self) -> None:
        self.views.setCurrentWidget(self.setup)

    def show_step(self, step) -> None:
        """Where the run is (an `InterviewController.Step`)."""
        self.views.setCurrentWidget(self.run)
        self._stage = step.stage
        what = "Follow-up to question" if step.kind == "follow_up" else "Question"
        dots = "".join(
            "●" if i < step.position else ("◉" if i == step.position else "○")
            for i in range(step.count)
        )
        self.progress.setText(
            f"{dots}   {what} {step.position + 1} of {step.count}  ·  "
            f"target {fmt_time(step.target_s)}"
        )
        self.prompt.setText(step.prompt)
        self.stage.setText(STAGE_TEXT.get(step.stage, "").format(silence=self._silence_s))
        self.stop.setEnabled(step.stage == "answering")
        self.pause.setText("Resume" if step.stage == "paused" else "Pause")
        if step.stage == "answering":
            self._meter_timer.start()
        else:
            self.clock.setText("")
            self._meter_timer.stop()
            self.meter.set_level(0.0)

    def set_level_source(self, level: Callable[[], Any]) -> None:
        """Polled while an answer is recorded: the latest level (a Level or 0..1)."""
        self._level_fn = level

    def _poll_level(self) -> None:
        lvl = self._level_fn() if self._level_fn is not None else 0.0
        if hasattr(lvl, "rms"):
            self.meter.set_level(float(lvl.rms), float(getattr(lvl, "peak", lvl.rms)))
        else:
            self.meter.set_level(float(lvl or 0.0))

    def set_clock(self, thinking_s: float, answer_s: float, speaking: bool) -> None:
        # one format for the thinking time, counting or done: tenths, as the summary shows it
        # (it went from "10 s" to "10.0 s" as the first word was heard)
        thinking = fmt_thinking(thinking_s)
        if speaking:
            self.clock.setText(
                f"Thinking time {thinking} (not counted)  ·  answer {fmt_time(answer_s)}"
            )
        elif answer_s > 0:
            # silent past the most thinking time not counted: the answer's clock is running
            self.clock.setText(
                f"Thinking time {thinking} (not counted)  ·  answer {fmt_time(answer_s)} running"
            )
        else:
            self.clock.setText(f"Thinking… {thinking}")

    def show_summary(self, summary, _run_id: int = 0) -> None:
        self._meter_timer.stop()
        self.summary.set_summary(summary)
        self.views.setCurrentWidget(self.summary_box)
        self._stage = ""
