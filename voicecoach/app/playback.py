"""PlaybackController: playing back the answer under review (from a time, a section, a speed).

It owns the `Player`; the review controller loads the take's audio into it. Player callbacks
arrive on audio threads and are re-emitted through private signals, so everything after them
runs on the GUI thread.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from voicecoach.app.context import AppContext
from voicecoach.domain import VoiceCoachError

log = logging.getLogger(__name__)

PLAY_POLL_MS = 40


class PlaybackController(QObject):
    positionChanged = Signal(float)
    playingChanged = Signal(bool)
    playContextChanged = Signal(str)

    _playbackFinished = Signal()
    _playbackFailed = Signal(str)

    def __init__(self, ctx: AppContext, player: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.player = player
        self.player.on_finished = self._playbackFinished.emit
        self.player.on_error = self._playbackFailed.emit
        self._loaded_audio: Path | None = None
        self._length_s: float | None = None  # of the answer under review
        self._offset_s = 0.0
        self._speed = 1.0
        self._span_end: float | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(PLAY_POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._playbackFinished.connect(self._poll)
        self._playbackFailed.connect(self._on_failed)

    @property
    def quiet(self) -> bool:
        """Nothing playing or paused."""
        return not (self.player.playing or self.player.paused)

    def load(self, path: Path, length_s: float | None, offset_s: float = 0.0) -> None:
        """Get the audio of the answer under review ready (an error says the review has none).

        `offset_s`: where the review's time 0 is in the file (an interview answer's report
        starts after its thinking time); every time in and out of here is the review's.
        """
        self.stop_playback()
        self._loaded_audio = None
        self._length_s = length_s
        self._offset_s = max(0.0, offset_s)
        try:
            self.player.load(path)
            self._loaded_audio = path
        except VoiceCoachError as exc:
            self.ctx.fail(f"{exc} The review is shown without audio.")

    def forget_length(self) -> None:
        """The review was cleared: Play no longer rewinds at its end."""
        self._length_s = None

    def position_s(self) -> float:
        """Where playback is, in the review's time."""
        return max(0.0, self.player.position_s - self._offset_s)

    def play_from(self, t_s: float) -> None:
        self.play(t_s, None, "")

    def play(self, start_s: float, end_s: float | None, context: str) -> None:
        if self._loaded_audio is None:
            self.ctx.fail("There is no recording to play for this review.")
            return
        self.ctx.speaker.stop()
        try:
            off = self._offset_s
            self.player.play(start_s + off, None if end_s is None else end_s + off, self._speed)
        except VoiceCoachError as exc:
            self.ctx.fail(str(exc))
            return
        self._span_end = end_s
        self.playContextChanged.emit(context)
        self.playingChanged.emit(True)
        self.positionChanged.emit(start_s)
        self._timer.start()

    def toggle_play(self) -> None:
        p = self.player
        if p.playing:
            p.pause()
            self.playingChanged.emit(False)
        elif p.paused:
            p.resume()
            self.playingChanged.emit(True)
            self._timer.start()
        else:
            pos = self.position_s()
            if self._length_s is not None and pos >= self._length_s - 0.05:
                pos = 0.0
            self.play(pos, None, "")

    def seek(self, t_s: float) -> None:
        self.player.seek(t_s + self._offset_s)
        self.positionChanged.emit(t_s)

    def set_speed(self, speed: float) -> None:
        self._speed = speed
        if self.player.playing:
            self.play(self.position_s(), self._span_end, "")

    def stop_playback(self) -> None:
        self._timer.stop()
        try:
            self.player.stop()
        except VoiceCoachError as exc:
            log.warning("stopping playback: %s", exc)
        self.playingChanged.emit(False)

    def shutdown(self) -> None:
        self._timer.stop()
        try:
            self.player.stop()
        except Exception:
            log.exception("shutdown step failed")

    def _poll(self) -> None:
        p = self.player
        self.positionChanged.emit(self.position_s())
        if not p.playing and not p.paused:
            self._timer.stop()
            self.playingChanged.emit(False)
            self.playContextChanged.emit("")

    def _on_failed(self, message: str) -> None:
        self._timer.stop()
        self.playingChanged.emit(False)
        self.ctx.fail(message)
