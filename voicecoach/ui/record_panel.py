"""RecordPanel: the big Record/Stop button (Space), level meter, clock against the target, cues,
and the "Analysing… n%" progress with Cancel.

The panel never touches a device: the session hands it two callables (`level()` and
`elapsed_s()`), which a QTimer polls only while recording.
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
    QVBoxLayout,
    QWidget,
)

from voicecoach.domain import SectionTargets
from voicecoach.report import fmt_time
from voicecoach.ui.clock_bar import ClockBar
from voicecoach.ui.level_meter import LevelMeter
from voicecoach.ui.style import SECTION_LABELS, current_theme, icon, set_role

POLL_MS = 50
CUES = {
    "situation": "set the scene in a sentence or two",
    "task": "what was yours to do",
    "action": "what you did, and why",
    "result": "what changed — in numbers if you can",
}
IDLE_HINT = "Press Record (or Space) and answer out loud."


class RecordPanel(QFrame):
    recordClicked = Signal()
    stopClicked = Signal()
    cancelClicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordPanel")
        self.setProperty("card", True)
        self._state = "idle"
        self._level_fn: Callable[[], Any] | None = None
        self._elapsed_fn: Callable[[], float] | None = None
        self._targets = SectionTargets()
        self._live_cues = True
        self._timed = True
        self._live_status: Any = None  # analysis.live.LiveStatus from the session

        lay = QHBoxLayout(self)
        lay.setContentsMargins(24, 20, 24, 20)
        lay.setSpacing(24)
        self.button = QPushButton("Record")
        self.button.setObjectName("recordButton")
        self.button.setIconSize(self.button.iconSize() * 1.1)
        self.button.setToolTip("Start recording (Space)")
        self.button.clicked.connect(self._clicked)
        lay.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)

        col = QVBoxLayout()
        col.setSpacing(6)
        top = QHBoxLayout()
        self.clock = QLabel("0:00")
        self.clock.setObjectName("clockLabel")
        set_role(self.clock, "big")
        self.of_target = QLabel("")
        self.of_target.setObjectName("targetLabel")
        set_role(self.of_target, "muted")
        self.cue = QLabel(IDLE_HINT)
        self.cue.setObjectName("cueLabel")
        self.cue.setWordWrap(True)
        top.addWidget(self.clock)
        top.addWidget(self.of_target, 0, Qt.AlignmentFlag.AlignBottom)
        top.addSpacing(16)
        top.addWidget(self.cue, 1, Qt.AlignmentFlag.AlignBottom)
        col.addLayout(top)
        self.clock_bar = ClockBar()
        col.addWidget(self.clock_bar)
        # From the words transcribed so far (streaming): where the answer seems to be.
        self.live = QLabel("")
        self.live.setObjectName("liveLabel")
        set_role(self.live, "muted")
        col.addWidget(self.live)
        meter_row = QHBoxLayout()
        mic = QLabel()
        mic.setPixmap(icon("practice", current_theme().colors["muted"], 16).pixmap(16, 16))
        self.meter = LevelMeter()
        self.meter.setFixedHeight(8)
        meter_row.addWidget(mic)
        meter_row.addWidget(self.meter, 1)
        self.meter_row = QWidget()
        self.meter_row.setLayout(meter_row)
        meter_row.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.meter_row)

        self.progress_row = QWidget()
        pr = QHBoxLayout(self.progress_row)
        pr.setContentsMargins(0, 4, 0, 0)
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
        self.cancel.clicked.connect(self.cancelClicked)
        pr.addWidget(self.progress_label)
        pr.addWidget(self.progress, 1)
        pr.addWidget(self.cancel)
        col.addWidget(self.progress_row)
        lay.addLayout(col, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._space = QShortcut(QKeySequence(Qt.Key.Key_Space), self)
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

    def set_live_cues(self, on: bool) -> None:
        self._live_cues = on
        if not on:
            self.live.setText("")

    def set_live_status(self, status: Any) -> None:
        """Section heard so far, fillers so far and a nudge, from the partial transcript."""
        self._live_status = status
        if not self._live_cues or self._state != "recording" or status.section is None:
            return
        n = status.fillers
        self.live.setText(
            f"Sounds like: {SECTION_LABELS[status.section]}  ·  "
            f"{n} filler{'s' if n != 1 else ''} so far"
        )

    # --- state ---------------------------------------------------------------------------

    def state(self) -> str:
        return self._state

    def set_state(self, state: str) -> None:
        """idle | asking | recording | analysing | review"""
        self._state = state
        recording = state == "recording"
        analysing = state == "analysing"
        accent_text = "#ffffff"
        self.button.setText("Stop" if recording else "Record")
        self.button.setIcon(icon("stop" if recording else "record", accent_text, 22))
        self.button.setToolTip("Stop recording (Space)" if recording else "Start recording (Space)")
        self.button.setAccessibleName(self.button.text())
        self.button.setEnabled(not analysing)
        self.progress_row.setVisible(analysing)
        self.meter_row.setVisible(recording)
        self.live.setVisible(recording)
        if recording:
            self._live_status = None
            self.live.setText("")
            self.clock.setText("0:00")
            self.clock_bar.set_elapsed(0.0)
            self.cue.setText(
                "Recording — answer out loud." if not self._live_cues else self._cue(0.0)
            )
            self._timer.start()
        else:
            self._timer.stop()
            self.meter.set_level(0.0)
        if analysing:
            self.set_progress(0.0)
            self.cue.setText("")
        elif state == "asking":
            self.cue.setText("Listen to the question… press Record when you're ready.")
        elif state in ("idle", "review"):
            self.cue.setText(IDLE_HINT)

    def set_progress(self, fraction: float) -> None:
        pct = int(round(100 * max(0.0, min(1.0, fraction))))
        self.progress.setValue(pct)
        self.progress_label.setText(f"Analysing… {pct}%")

    # --- internals -----------------------------------------------------------------------

    def _clicked(self) -> None:
        if self._state == "recording":
            self.stopClicked.emit()
        elif self._state != "analysing":
            self.recordClicked.emit()

    def _space_pressed(self) -> None:
        if self.isVisible() and self.button.isEnabled():
            self._clicked()

    def _cue(self, t: float) -> str:
        live = self._live_status
        if live is not None and live.cue:
            return live.cue
        if not self._timed:
            return "Keep it to the point."
        name = self.clock_bar.expected_section(t)
        if name is None:
            return "Past the target — wrap up with the result."
        return f"{SECTION_LABELS[name]}: {CUES[name]}"

    def _poll(self) -> None:
        if self._elapsed_fn is not None:
            t = float(self._elapsed_fn())
            self.clock.setText(fmt_time(t))
            self.clock_bar.set_elapsed(t)
            if self._live_cues:
                self.cue.setText(self._cue(t))
            over = t > self._targets.total_s
            set_role(self.clock, "bad" if over else "big")
            if over:
                self.clock.setStyleSheet("font-size: 16pt;")
            else:
                self.clock.setStyleSheet("")
        if self._level_fn is not None:
            lvl = self._level_fn()
            if hasattr(lvl, "rms"):
                self.meter.set_level(float(lvl.rms), float(getattr(lvl, "peak", lvl.rms)))
            else:
                self.meter.set_level(float(lvl or 0.0))
