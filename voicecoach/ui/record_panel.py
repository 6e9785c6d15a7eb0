"""RecordPanel: the big Record/Stop button (Space), level meter, clock against the target, cues,
and the "Analysing… n%" progress with Cancel.

The panel never touches a device: the session hands it two callables (`level()` and
`elapsed_s()`), which a QTimer polls only while recording. While recording, what the streaming
transcriber has heard so far (section, fillers, a nudge) comes in through `set_live_status`; the
clock bar is then filled in the colours of the sections heard, not the ones expected.

The card keeps one height in every state (the status row swaps between the live line and
meter, the analysis progress, and nothing), so the button never jumps under the pointer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from voicecoach.domain import SectionTargets
from voicecoach.report import fmt_time
from voicecoach.ui.clock_bar import ClockBar
from voicecoach.ui.level_meter import LevelMeter
from voicecoach.ui.style import SECTION_LABELS, section_color, set_icon, set_role

POLL_MS = 50
CUES = {
    "situation": "set the scene in a sentence or two",
    "task": "what was yours to do",
    "action": "what you did, and why",
    "result": "what changed — in numbers if you can",
}
IDLE_HINT = "Press Record (or Space) and answer out loud."
# A drill is timed as a whole: a plain line while there is time, a nudge once past it
DRILL_GUIDE = "Recording — one answer, timed as a whole."
DRILL_OVER = "Past the target — finish your sentence and stop."


class RecordPanel(QFrame):
    recordClicked = Signal()
    stopClicked = Signal()
    cancelClicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordPanel")
        self.setProperty("card", True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._state = "idle"
        self._level_fn: Callable[[], Any] | None = None
        self._elapsed_fn: Callable[[], float] | None = None
        self._targets = SectionTargets()
        self._live_cues = True
        self._timed = True
        self._live_status: Any = None  # analysis.live.LiveStatus from the session
        self._heard: dict[str, float] = {}  # section -> where it began, from live statuses
        self._no_input = ""  # why there is no microphone to record from ("" when there is)

        lay = QHBoxLayout(self)
        lay.setContentsMargins(24, 18, 24, 16)
        lay.setSpacing(24)
        self.button = QPushButton("Record")
        self.button.setObjectName("recordButton")
        self.button.clicked.connect(self._clicked)
        lay.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)

        col = QVBoxLayout()
        col.setSpacing(6)
        top = QHBoxLayout()
        top.setSpacing(6)
        self.clock = QLabel("0:00")
        self.clock.setObjectName("clockLabel")
        set_role(self.clock, "big")
        self.of_target = QLabel("")
        self.of_target.setObjectName("targetLabel")
        set_role(self.of_target, "muted")
        self.cue = QLabel(IDLE_HINT)
        self.cue.setObjectName("cueLabel")
        # one line that hugs its text (a nudge is a pill); it may be cut on a very narrow window
        self.cue.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        self.cue.setMinimumWidth(40)
        top.addWidget(self.clock, 0, Qt.AlignmentFlag.AlignBaseline)
        top.addWidget(self.of_target, 0, Qt.AlignmentFlag.AlignBaseline)
        top.addSpacing(18)
        top.addWidget(self.cue, 0, Qt.AlignmentFlag.AlignVCenter)  # a nudge's pill hugs its text
        top.addStretch(1)
        col.addLayout(top)
        self.clock_bar = ClockBar()
        col.addWidget(self.clock_bar)

        # one row, three faces: live line + meter (recording), progress (analysing), hint
        self.status_row = QStackedWidget()
        self.status_row.setObjectName("recordStatusRow")
        self.status_row.setFixedHeight(30)

        live_page = QWidget()
        ll = QHBoxLayout(live_page)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.setSpacing(8)
        # From the words transcribed so far (streaming): where the answer seems to be.
        self.live_dot = QLabel("●")
        self.live_dot.setObjectName("liveDot")
        self.live_dot.setFixedWidth(14)
        self.live = QLabel("")
        self.live.setObjectName("liveLabel")
        self.live.setToolTip(
            "From the words transcribed so far, a few seconds behind you: the STAR section "
            "your answer seems to be in and the fillers heard."
        )
        ll.addWidget(self.live_dot)
        ll.addWidget(self.live, 1)
        self.meter_row = QWidget()
        mr = QHBoxLayout(self.meter_row)
        mr.setContentsMargins(0, 0, 0, 0)
        mr.setSpacing(6)
        mic = QLabel()
        set_icon(mic, "practice", "muted", 16)
        mic.setToolTip("Microphone level")
        self.meter = LevelMeter()
        self.meter.setFixedHeight(8)
        self.meter.setFixedWidth(180)
        mr.addWidget(mic)
        mr.addWidget(self.meter)
        ll.addWidget(self.meter_row)
        self.status_row.addWidget(live_page)

        self.progress_row = QWidget()
        pr = QHBoxLayout(self.progress_row)
        pr.setContentsMargins(0, 0, 0, 0)
        self.progress_label = QLabel("Analysing…")
        self.progress_label.setObjectName("progressLabel")
        self.progress = QProgressBar()
        self.progress.setObjectName("analysisProgress")
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(8)
        self.cancel = QPushButton("Cancel")
        self.cancel.setObjectName("cancelButton")
        self.cancel.setProperty("kind", "flat")
        self.cancel.setToolTip("Stop analysing (Esc); the recording is kept in History")
        self.cancel.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.cancel.clicked.connect(self.cancelClicked)
        pr.addWidget(self.progress_label)
        pr.addWidget(self.progress, 1)
        pr.addWidget(self.cancel)
        self.status_row.addWidget(self.progress_row)

        self.idle_row = QLabel("")
        self.idle_row.setObjectName("recordIdleRow")
        set_role(self.idle_row, "muted")
        self.status_row.addWidget(self.idle_row)
        col.addWidget(self.status_row)
        lay.addLayout(col, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        # Record/Stop for the whole window while the panel shows (main_window.SpaceKeeper keeps
        # it from focused buttons); held down, Space must not start and stop in turn
        self._space = QShortcut(QKeySequence(Qt.Key.Key_Space), self)
        self._space.setAutoRepeat(False)
        self._space.activated.connect(self._space_pressed)
        self.set_targets(SectionTargets())
        self.set_state("idle")

    # --- wiring --------------------------------------------------------------------------

    def set_sources(self, level: Callable[[], Any], elapsed_s: Callable[[], float]) -> None:
        """Callables polled while recording: the latest level (a Level or 0..1) and seconds."""
        self._level_fn = level
        self._elapsed_fn = elapsed_s

    def set_targets(self, targets: SectionTargets, timed_sections: bool = True) -> None:
        self._targets = targets
        self._timed = timed_sections
        self.clock_bar.set_targets(targets, timed_sections)
        self.of_target.setText(f"/ {fmt_time(targets.total_s)}")
        self.of_target.setToolTip(f"Target length for this question: {fmt_time(targets.total_s)}")
        self._show_status_row()

    def set_input_available(self, available: bool, reason: str = "") -> None:
        """Whether there is a microphone: without one, Record is disabled and says why."""
        self._no_input = "" if available else (reason or "No microphone found.")
        self.set_state(self._state)

    def input_problem(self) -> str:
        return self._no_input

    def set_live_cues(self, on: bool) -> None:
        self._live_cues = on
        if not on:
            self.live.setText("")
            self.live_dot.setText("")
            self._heard.clear()
            self.clock_bar.set_heard([])
        self._show_status_row()

    def set_live_status(self, status: Any) -> None:
        """Section heard so far, fillers so far and a nudge, from the partial transcript (for
        a question timed as a whole, `live_status(timed=False)`: no section, fillers and time)."""
        self._live_status = status
        if not self._live_cues or self._state != "recording":
            return
        if status.section is None:
            if not self._timed:  # a drill: fillers only, no section heard
                n = status.fillers
                self.live.setText(f"{n} filler{'s' if n != 1 else ''} so far")
                self.live_dot.setText("")
                if status.cue:
                    self._set_cue(status.cue, nudge=True)
            return
        n = status.fillers
        self.live.setText(
            f"Sounds like: {SECTION_LABELS[status.section]}  ·  "
            f"{n} filler{'s' if n != 1 else ''} so far"
        )
        self.live_dot.setText("●")
        self.live_dot.setStyleSheet(f"color: {section_color(status.section).name()};")
        # a later section that is no longer current was a guess the transcript has revised
        start = float(status.section_start_s)
        self._heard = {k: v for k, v in self._heard.items() if v < start or k == status.section}
        self._heard[status.section] = start
        self.clock_bar.set_heard(sorted(self._heard.items(), key=lambda kv: kv[1]))
        if status.cue:
            self._set_cue(status.cue, nudge=True)

    def heard(self) -> list[tuple[str, float]]:
        """(section, start) of each section heard so far in this take, in spoken order."""
        return sorted(self._heard.items(), key=lambda kv: kv[1])

    # --- state ---------------------------------------------------------------------------

    def state(self) -> str:
        return self._state

    def set_state(self, state: str) -> None:
        """idle | asking | recording | analysing | review"""
        self._state = state
        recording = state == "recording"
        analysing = state == "analysing"
        self.button.setText("Stop" if recording else "Record")
        set_icon(self.button, "stop" if recording else "record", "record_text", 22)
        self.button.setToolTip("Stop recording (Space)" if recording else "Start recording (Space)")
        self.button.setAccessibleName(self.button.text())
        no_mic = bool(self._no_input) and not recording
        self.button.setEnabled(not analysing and not no_mic)
        if no_mic:
            self.button.setToolTip(f"Recording is not available: {self._no_input}")
        if recording:
            self._live_status = None
            self._heard.clear()
            self.clock_bar.set_heard([])
            self.live.setText("Listening…" if self._live_cues else "")
            self.live_dot.setText("")
            self._show_clock(0.0)
            if self._live_cues:
                self._set_cue(self._cue(0.0), nudge=False)
            else:
                self._set_cue("Recording — answer out loud.", nudge=False)
            self._timer.start()
        else:
            self._timer.stop()
            self.meter.set_level(0.0)
        if analysing:
            self.set_progress(0.0)
            self._set_cue("", nudge=False)
        elif state == "asking":
            self._set_cue("Listen to the question… press Record when you're ready.", nudge=False)
        elif state in ("idle", "review"):
            self._show_clock(0.0)
            self.clock_bar.set_heard([])
            self._set_cue(IDLE_HINT, nudge=False)
        if no_mic and state in ("idle", "review", "asking"):
            self._set_cue("Recording is not available", nudge=True)
        self._show_status_row()

    def _show_status_row(self) -> None:
        if self._state == "recording":
            self.status_row.setCurrentIndex(0)
            self.live.setVisible(self._live_cues)
            self.live_dot.setVisible(self._live_cues)
        elif self._state == "analysing":
            self.status_row.setCurrentIndex(1)
        else:
            self.status_row.setCurrentIndex(2)
            if self._no_input:  # the reason, where the hint would be, until a microphone is back
                self.idle_row.setText(self._no_input)
                set_role(self.idle_row, "bad")
                return
            if self.idle_row.property("role") != "muted":
                set_role(self.idle_row, "muted")
            what = "section heard, fillers, nudges" if self._timed else "fillers and time"
            self.idle_row.setText(
                f"Live coaching while you speak: {what}." if self._live_cues else ""
            )

    def set_progress(self, fraction: float) -> None:
        pct = int(round(100 * max(0.0, min(1.0, fraction))))
        self.progress.setValue(pct)
        self.progress_label.setText(f"Analysing… {pct}%")

    def toggle(self) -> None:
        """Record when idle, stop while recording (what the button and Space do)."""
        if self.button.isEnabled():
            self._clicked()

    # --- internals -----------------------------------------------------------------------

    def _clicked(self) -> None:
        if self._state == "recording":
            self.stopClicked.emit()
        elif self._state != "analysing":
            self.recordClicked.emit()

    def _space_pressed(self) -> None:
        if self.isVisible() and self.button.isEnabled():
            self._clicked()

    def _set_cue(self, text: str, nudge: bool) -> None:
        self.cue.setText(text)
        want = "nudge" if nudge and text else ""
        if self.cue.property("role") != want:
            set_role(self.cue, want)

    def _cue(self, t: float) -> str:
        live = self._live_status
        if live is not None and live.cue:
            return live.cue
        if self._live_cues and live is not None and live.section is not None:
            # The section heard leads: a clock guide naming another would contradict it.
            return f"{SECTION_LABELS[live.section]}: {CUES[live.section]}"
        if not self._timed:
            # a drill has no sections to guide through: a nudge only once it is past its time
            return DRILL_OVER if self._past_target(t) else DRILL_GUIDE
        if self._past_target(t):
            return "Past the target — wrap up with the result."
        name = self.clock_bar.expected_section(t)
        return f"{SECTION_LABELS[name]}: {CUES[name]}" if name else ""

    def _past_target(self, t: float) -> bool:
        if self._timed:
            return self.clock_bar.expected_section(t) is None
        return t > self._targets.total_s

    def _show_clock(self, t: float) -> None:
        self.clock.setText(fmt_time(t))
        self.clock_bar.set_elapsed(t)
        over = t > self._targets.total_s
        if self.clock.property("role") != ("over" if over else "big"):
            set_role(self.clock, "over" if over else "big")

    def _poll(self) -> None:
        if self._elapsed_fn is not None:
            t = float(self._elapsed_fn())
            self._show_clock(t)
            if self._live_cues:
                live = self._live_status
                nudge = (live is not None and bool(live.cue)) or self._past_target(t)
                self._set_cue(self._cue(t), nudge=nudge)
        if self._level_fn is not None:
            lvl = self._level_fn()
            if hasattr(lvl, "rms"):
                self.meter.set_level(float(lvl.rms), float(getattr(lvl, "peak", lvl.rms)))
            else:
                self.meter.set_level(float(lvl or 0.0))
