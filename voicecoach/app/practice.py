"""PracticeRound: record an answer, coach it live, hand it to analysis.

The take's history row is written before recording starts (a crash leaves a row to offer
back); the recorder writes the audio while recording. With a streaming transcriber the answer
is transcribed as it is spoken and live cues are polled once a second. Recorder errors arrive on
its threads and are re-emitted through a private signal (GUI thread after it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from voicecoach.app.analyser import Measure, TakeAnalyser
from voicecoach.app.context import AppContext, Phase
from voicecoach.app.microphone import MicrophoneCheck
from voicecoach.app.model import SpeechModel
from voicecoach.app.playback import PlaybackController
from voicecoach.app.questions import QuestionController
from voicecoach.domain import Question, VoiceCoachError

log = logging.getLogger(__name__)

MIN_TAKE_S = 1.0  # shorter recordings are not worth analysing
LIVE_POLL_MS = 1000  # live coaching refresh while recording


class PracticeRound(QObject):
    liveStatusChanged = Signal(object)  # analysis.live.LiveStatus, while recording
    historyChanged = Signal()  # a take was added or dropped: the library lists again

    _recordingFailed = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        phase: Phase,
        questions: QuestionController,
        playback: PlaybackController,
        model: SpeechModel,
        analyser: TakeAnalyser,
        microphone: MicrophoneCheck,
        recorder_factory: Callable[..., Any] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.phase = phase
        self.questions = questions
        self.playback = playback
        self.model = model
        self.analyser = analyser
        if recorder_factory is None:
            from voicecoach.audio.recorder import Recorder

            recorder_factory = Recorder
        self._recorder_factory = recorder_factory
        self.microphone = microphone
        self._recorder: Any = None
        self._stream: Any = None  # StreamingTranscriber while recording, when streaming
        self._live_shown: Any = None  # the LiveStatus last shown (analysis.live.latch)
        self._take_id: int | None = None
        self._take_path: Path | None = None
        self._question: Question | None = None  # the question being answered
        self._quiet = False  # analyse without showing the review (an interview's answer)
        self._measure: Measure | None = None
        self._live_timer = QTimer(self)
        self._live_timer.setInterval(LIVE_POLL_MS)
        self._live_timer.timeout.connect(self._poll_live)
        self._recordingFailed.connect(self._on_recording_failed)

    # --- the microphone ------------------------------------------------------------------------

    def level(self) -> Any:
        rec = self._recorder
        return rec.level() if rec is not None and self.phase.state == "recording" else 0.0

    def elapsed_s(self) -> float:
        rec = self._recorder
        return float(rec.elapsed_s) if rec is not None else 0.0

    def check_input(self, rescan: bool = False) -> None:
        self.microphone.check_input(rescan)

    # --- recording -----------------------------------------------------------------------------

    def start_recording(self) -> None:
        """Record an answer to the current question (one is picked when there is none)."""
        if self.phase.busy:
            return
        if self.questions.question() is None:
            self.questions.surprise(speak=False)
        q = self.questions.question()
        if q is None:
            return
        self.record(q)

    def record(
        self,
        q: Question,
        *,
        quiet: bool = False,
        start_take: Callable[[Path], int] | None = None,
        on_block: Callable[[np.ndarray, int], None] | None = None,
        measure: Measure | None = None,
    ) -> int | None:
        """Start recording an answer to `q`; its take id, or None when it could not start.

        For a round that is part of something larger (an interview): `quiet` - the analysis
        does not open the review, `analyser.analysed` reports it; `start_take(path)` writes
        the take's row (default: a single take of `q`); `on_block(block, rate_hz)` sees every
        block as saved, on the recorder's tap thread; `measure` is handed to the analyser.
        """
        if self.phase.busy:
            return None
        ctx = self.ctx
        ctx.speaker.stop()
        self.playback.stop_playback()
        take_id: int | None = None
        stream = self._new_stream()
        try:
            path = ctx.paths.new_take_path(q.id)
            if start_take is None:
                take_id = ctx.history.start_take(q.id, q.pack, q.prompt, path)
            else:
                take_id = start_take(path)
            kwargs: dict[str, Any] = {"on_error": self._recordingFailed.emit}
            recs: list[Any] = []
            if stream is not None or on_block is not None:
                # Runs on the recorder's tap thread; the device rate is final before the 1st block.
                def tap(block: np.ndarray) -> None:
                    if stream is not None:
                        stream.feed(block, recs[0].rate_hz)
                    if on_block is not None:
                        on_block(block, recs[0].rate_hz)

                kwargs["on_block"] = tap
            rec = self._recorder_factory(ctx.layer, path, ctx.settings.audio, **kwargs)
            recs.append(rec)
            rec.start()
        except VoiceCoachError as exc:
            if stream is not None:
                stream.abort()
            if take_id is not None:
                self._forget_take(take_id)
            ctx.fail(str(exc))
            self.phase.set("idle")
            self.check_input()  # a microphone gone since the last check: Record says so now
            return None
        self._recorder, self._take_id, self._take_path = rec, take_id, path
        self._stream, self._question, self._quiet = stream, q, quiet
        self._measure = measure
        self._live_shown = None
        self.phase.set("recording")
        if stream is not None and ctx.settings.ui.live_cues:
            self._live_timer.start()
        return take_id

    def discard_recording(self) -> None:
        """Stop recording and drop the take and its audio (an interview answer restarted)."""
        if self.phase.state != "recording" or self._recorder is None:
            return
        rec, take_id, stream = self._recorder, self._take_id, self._stream
        self._recorder, self._stream = None, None
        self._live_timer.stop()
        try:
            rec.stop()
        except VoiceCoachError as exc:
            log.warning("stopping a discarded recording: %s", exc)
        if stream is not None:
            stream.abort()
        if take_id is not None:
            self._forget_take(take_id)
        self.phase.set("idle")
        self.historyChanged.emit()

    def words_so_far(self) -> list[Any]:
        """The words heard so far in the answer being recorded (empty without streaming)."""
        stream = self._stream
        return list(stream.words_so_far()) if stream is not None else []

    def _new_stream(self) -> Any:
        """A streaming transcriber when the transcriber can take stretches of an answer."""
        transcriber = self.model.transcriber
        if not (
            self.ctx.settings.transcriber.streaming
            and getattr(transcriber, "supports_streaming", False)
        ):
            return None
        from voicecoach.speech.streaming import StreamingTranscriber

        start = self._lookahead_start()
        return StreamingTranscriber(transcriber, lookahead=start() if start else None)

    def _lookahead_start(self) -> Callable[[], Any] | None:
        """What starts the transcriber's look-ahead process, when guesses while recording run
        in one (speech.lookahead, a child process Stop can end; fakes have none)."""
        transcriber = self.model.transcriber
        t = self.ctx.settings.transcriber
        streams = getattr(transcriber, "supports_streaming", False)
        if not (t.streaming and t.lookahead_process and streams):
            return None
        return getattr(transcriber, "lookahead", None)

    def warm_lookahead(self) -> None:
        """Start the look-ahead process ahead of the answer (Stop ended it after the last one),
        so its model has loaded before the first guess, however slow the machine."""
        start = self._lookahead_start()
        if start is not None:
            start()

    def _poll_live(self) -> None:
        stream, rec = self._stream, self._recorder
        if stream is None or rec is None or self.phase.state != "recording":
            self._live_timer.stop()
            return
        from voicecoach.analysis import targets_for
        from voicecoach.analysis.live import latch, live_status

        targets = targets_for(self._question, self.ctx.settings.analysis)
        elapsed = float(rec.elapsed_s)
        timed = self._question is None or self._question.kind != "drill"
        status = live_status(stream.words_so_far(), elapsed, targets, timed=timed)
        self._live_shown = latch(self._live_shown, status, elapsed, targets)
        self.liveStatusChanged.emit(self._live_shown)

    def _forget_take(self, take_id: int) -> None:
        try:
            self.ctx.history.delete(take_id)
        except VoiceCoachError as exc:
            log.warning("Could not remove the empty take %s: %s", take_id, exc)

    def stop_recording(self) -> None:
        if self.phase.state != "recording" or self._recorder is None:
            return
        rec, take_id, stream = self._recorder, self._take_id, self._stream
        self._recorder, self._stream = None, None
        self._live_timer.stop()
        result = rec.stop()  # returns once the stream has been fed every block
        assert take_id is not None
        history = self.ctx.history
        try:
            history.finish_recording(take_id, result.duration_s)
        except VoiceCoachError as exc:
            self.ctx.fail(str(exc))
        if result.error:
            self.ctx.fail(result.error)
        if result.duration_s < MIN_TAKE_S:
            if stream is not None:
                stream.abort()
            self._forget_take(take_id)
            self.ctx.fail(
                "That recording was too short to analyse. Press Record and answer out loud."
            )
            self.phase.set("idle")
            self.historyChanged.emit()
            if self._quiet:
                self.analyser.analysed.emit(take_id, None)  # dropped: nothing to analyse
            return
        self.historyChanged.emit()
        self.analyser.analyse(
            take_id,
            result.path,
            self._question,
            stream,
            show_review=not self._quiet,
            measure=self._measure,
        )

    def _on_recording_failed(self, message: str) -> None:
        # The recorder stopped on its own (unplugged, disk full): keep and analyse what we have.
        if self.phase.state == "recording":
            self.stop_recording()

    def shutdown(self) -> None:
        """Stop recording; the take is kept (and offered next time)."""
        self._live_timer.stop()
        if self._stream is not None:
            self._stream.abort()
            self._stream = None
        if self._recorder is not None:
            try:
                result = self._recorder.stop()
                if self._take_id is not None:
                    self.ctx.history.finish_recording(self._take_id, result.duration_s)
            except VoiceCoachError as exc:
                log.warning("stopping the recorder at exit: %s", exc)
            self._recorder = None
