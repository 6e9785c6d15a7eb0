"""PlaybackBar: play/pause, a seek slider with the time, and the speed (0.75×–1.5×).

It only reports what the user asked for (`playPauseClicked`, `seekRequested`, `speedChanged`);
the session owns the player and calls `set_position` / `set_playing` back.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSlider, QToolButton, QWidget

from voicecoach.report import fmt_time
from voicecoach.ui.style import set_icon, set_role

SPEEDS = (0.75, 1.0, 1.25, 1.5)


class PlaybackBar(QWidget):
    playPauseClicked = Signal()
    seekRequested = Signal(float)
    speedChanged = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("playbackBar")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(10)
        self._play = QToolButton()
        self._play.setObjectName("playButton")
        self._play.setIconSize(self._play.iconSize() * 1.4)
        self._play.clicked.connect(self.playPauseClicked)
        self._slider = QSlider(Qt.Orientation.Horizontal)
        self._slider.setObjectName("seekSlider")
        self._slider.setAccessibleName("Position")
        self._slider.setRange(0, 0)
        self._slider.setPageStep(5000)
        self._slider.setSingleStep(1000)
        self._slider.sliderReleased.connect(self._on_released)
        self._slider.actionTriggered.connect(self._on_action)
        self._time = QLabel("0:00 / 0:00")
        self._time.setObjectName("timeLabel")
        self._time.setMinimumWidth(90)
        set_role(self._time, "muted")
        self._context = QLabel("")
        self._context.setObjectName("playContext")
        set_role(self._context, "muted")
        self._speed = QComboBox()
        self._speed.setObjectName("speedCombo")
        self._speed.setAccessibleName("Playback speed")
        self._speed.setToolTip("Playback speed: slower to catch fillers, faster to skim")
        for s in SPEEDS:
            self._speed.addItem(f"{s:g}×", s)
        self._speed.setCurrentIndex(SPEEDS.index(1.0))
        self._speed.currentIndexChanged.connect(
            lambda i: self.speedChanged.emit(float(self._speed.itemData(i)))
        )
        lay.addWidget(self._play)
        lay.addWidget(self._slider, 1)
        lay.addWidget(self._time)
        lay.addWidget(self._context)
        lay.addWidget(self._speed)
        self._duration_s = 0.0
        self._playing = False
        self.set_playing(False)

    def _on_released(self) -> None:
        self.seekRequested.emit(self._slider.value() / 1000.0)

    def _on_action(self, action: int) -> None:
        # clicks on the groove and keyboard steps (not the drag itself) seek at once
        if action != QSlider.SliderAction.SliderMove:
            self.seekRequested.emit(self._slider.sliderPosition() / 1000.0)

    def request_seek(self, seconds: float) -> None:
        """Ask for a seek to `seconds` (clamped to the answer), as the keyboard does."""
        self.seekRequested.emit(max(0.0, min(self._duration_s, seconds)))

    def set_duration(self, seconds: float) -> None:
        self._duration_s = max(0.0, seconds)
        self._slider.setRange(0, int(self._duration_s * 1000))
        self._update_time(self._slider.value() / 1000.0)

    def set_position(self, seconds: float) -> None:
        if self._slider.isSliderDown():
            return  # the user is dragging: don't fight them
        self._slider.blockSignals(True)
        self._slider.setValue(int(seconds * 1000))
        self._slider.blockSignals(False)
        self._update_time(seconds)

    def position_s(self) -> float:
        return self._slider.value() / 1000.0

    def _update_time(self, seconds: float) -> None:
        self._time.setText(f"{fmt_time(seconds)} / {fmt_time(self._duration_s)}")

    def set_playing(self, playing: bool) -> None:
        self._playing = playing
        set_icon(self._play, "pause" if playing else "play", "accent", 24)
        self._play.setToolTip("Pause (Space)" if playing else "Play (Space)")
        self._play.setAccessibleName("Pause" if playing else "Play")

    def is_playing(self) -> bool:
        return self._playing

    def set_context(self, text: str) -> None:
        """What is playing when it is not the whole answer ("Situation", "from 1:02")."""
        self._context.setText(text)
        self._context.setVisible(bool(text))

    def speed(self) -> float:
        return float(self._speed.currentData())
