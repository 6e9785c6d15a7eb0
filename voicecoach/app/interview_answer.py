"""AnswerTaker: one answer of an interview, recorded by the practice round.

It starts the round's recording with the interview's take row, watches the saved blocks for
the silence that ends an answer (`SilenceStop`) and ticks the live thinking time and answer
clock. Also here: how an interview answer is measured (`measure_for`, on the analyser's worker
thread).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from voicecoach import interview as core
from voicecoach.app.context import AppContext
from voicecoach.app.practice import PracticeRound
from voicecoach.app.silence import SilenceStop
from voicecoach.domain import Question, Transcript
from voicecoach.settings import Settings

TICK_MS = 200  # the live thinking time and answer clock


class AnswerTaker(QObject):
    clockChanged = Signal(float, float, bool)  # thinking s, answer s, speaking started
    silenceEnded = Signal()  # the user has spoken, then been silent long enough

    _silence = Signal(int)  # take id; emitted on the recorder's tap thread

    def __init__(
        self, ctx: AppContext, practice: PracticeRound, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.practice = practice
        self.take_id: int | None = None
        self._detector: SilenceStop | None = None
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._show_clock)
        self._silence.connect(self._on_silence)

    def begin(
        self, question: Question, start_take: Callable[[Path], int], measure: Any
    ) -> int | None:
        """Record an answer to `question`; its take id, or None (the message is shown)."""
        detector = SilenceStop(self.ctx.settings.interview.silence_stop_s)
        holder: list[int] = []

        def on_block(block: np.ndarray, rate_hz: int) -> None:  # the recorder's tap thread
            if detector.feed(block, rate_hz) and holder:
                self._silence.emit(holder[0])

        take_id = self.practice.record(
            question, quiet=True, start_take=start_take, on_block=on_block, measure=measure
        )
        if take_id is None:
            return None
        holder.append(take_id)
        self.take_id, self._detector = take_id, detector
        self._tick.start()
        self._show_clock()
        return take_id

    def stop(self) -> None:
        """The answer is done: the round stops recording and hands it to analysis."""
        self._tick.stop()
        self._detector = None
        self.practice.stop_recording()

    @property
    def heard_speech(self) -> bool:
        """Whether the answer being recorded has begun (speech heard after the thinking time)."""
        d = self._detector
        return d is not None and d.onset_s is not None

    def drop(self) -> None:
        """Stop recording and throw the answer away (paused or skipped)."""
        self._tick.stop()
        self._detector = None
        self.take_id = None
        self.practice.discard_recording()

    def _show_clock(self) -> None:
        d = self._detector
        if d is None:
            self._tick.stop()
            return
        limit = self.ctx.settings.interview.thinking_max_s
        onset, heard = d.onset_s, d.heard_s
        thinking = min(heard if onset is None else onset, limit)
        self.clockChanged.emit(thinking, max(0.0, heard - thinking), onset is not None)

    def _on_silence(self, take_id: int) -> None:
        if take_id == self.take_id and self._detector is not None:
            self.silenceEnded.emit()


def measure_for(
    item: core.PlanItem, kind: str, position: int, settings: Settings
) -> Callable[[Transcript, Path], core.InterviewAnswer]:
    """How the analyser measures an interview answer (runs on its worker thread)."""

    def measure(transcript: Transcript, path: Path) -> core.InterviewAnswer:
        from voicecoach.audio.decode import load_audio

        samples = load_audio(path)  # the thinking time is checked against the sound itself
        if kind == "answer":
            return core.analyse_answer(transcript, item.question, settings, position, samples)
        return core.analyse_follow_up(transcript, item, settings, position, samples)

    return measure
