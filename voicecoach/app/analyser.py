"""TakeAnalyser: a take's audio → transcript → Report on the model pool, then its review.

One analysis at a time ('analysing'); takes asked for meanwhile wait in a queue (takes left by a
crash are analysed one after another). A chosen model that fails under a take is replaced by
the bundled one and the take analysed again. Workers know nothing about Qt.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from voicecoach.app.context import AppContext, Phase, unexpected
from voicecoach.app.model import SpeechModel
from voicecoach.app.questions import FILE_QUESTION_ID, QuestionController
from voicecoach.app.review import ReviewController
from voicecoach.domain import (
    AudioError,
    ModelError,
    OperationCancelled,
    Question,
    Report,
    Transcript,
    VoiceCoachError,
)
from voicecoach.report import to_json

log = logging.getLogger(__name__)

Measure = Callable[[Transcript, Path], Any]  # transcript, audio path -> Report (or .report)


class TakeAnalyser(QObject):
    progressChanged = Signal(float)
    historyChanged = Signal()  # a take's status changed: the library lists again
    # a take analysed without its review (`show_review=False`): take id, what `measure`
    # returned (a Report by default), or None when it could not be analysed or was dropped
    analysed = Signal(int, object)

    def __init__(
        self,
        ctx: AppContext,
        phase: Phase,
        model: SpeechModel,
        questions: QuestionController,
        review: ReviewController,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.phase = phase
        self.model = model
        self.questions = questions
        self.review = review
        self._task: Any = None
        self._analysing_take: int | None = None
        self._analysed_with: Any = None  # the transcriber of the analysis in flight
        self._queue: list[int] = []  # unfinished takes waiting for analysis
        self._file_takes: set[int] = set()  # takes of analysed files (no recorder to finish them)
        self._quiet: set[int] = set()  # takes whose review is not shown (an interview's)
        self._measures: dict[int, Measure] = {}

    def analyse(
        self,
        take_id: int,
        path: Path,
        question: Question | None,
        stream: Any = None,
        *,
        from_file: bool = False,
        show_review: bool = True,
        measure: Measure | None = None,
    ) -> None:
        """Analyse a recorded take (or, `from_file`, an audio file listed in history).

        `show_review=False`: `analysed` reports the result instead of the review showing it.
        `measure(transcript, path)`: what to make of the transcript, on the worker thread (an
        interview answer's thinking time is cut off first); it returns a Report or an object
        with a `.report`. The default is `analysis.analyze` against the question's targets.
        """
        if from_file:
            self._file_takes.add(take_id)
        if not show_review:
            self._quiet.add(take_id)
        if measure is not None:
            self._measures[take_id] = measure
        self._run(take_id, path, question, stream)

    def _run(self, take_id: int, path: Path, question: Question | None, stream: Any) -> None:
        from voicecoach.analysis import analyze, targets_for
        from voicecoach.pipeline import transcribe_file

        transcriber, settings = self.model.transcriber, self.ctx.settings.analysis
        targets = targets_for(question, settings)
        model = getattr(transcriber, "model_name", "")
        measure = self._measures.get(take_id) or (
            lambda transcript, _path: analyze(transcript, question, settings, targets)
        )

        # Runs on the "model" pool; knows nothing about Qt.
        def analyse_take(progress: Callable[[float], None], cancel: threading.Event) -> Any:
            if not Path(path).exists():
                raise AudioError(f"The recording {path} is missing; it cannot be analysed.")
            if stream is not None:
                # Most of the answer was transcribed while it was spoken; only the tail is left,
                # and the bar moves on as it is decoded.
                progress(getattr(stream, "transcribed_fraction", 0.0))
                try:
                    transcript = stream.finish(model, progress=progress)
                except VoiceCoachError:
                    raise
                except Exception:
                    log.exception("Streaming transcription failed; transcribing the file instead")
                else:
                    progress(1.0)
                    return measure(transcript, path)
            # Long files are decoded and transcribed in blocks (memory does not grow with length).
            transcript = transcribe_file(path, transcriber, progress=progress, cancel=cancel)
            return measure(transcript, path)

        self._analysing_take = take_id
        self._analysed_with = transcriber
        self.phase.set("analysing")
        self.progressChanged.emit(0.0)
        handle = self.ctx.tasks.submit(
            analyse_take,
            on_done=lambda result, error: self._done(take_id, path, question, result, error),
            on_progress=self.progressChanged.emit,
            pool="model",
        )
        # A synchronous runner has already delivered the result by now.
        self._task = handle if self._analysing_take == take_id else None

    def cancel_analysis(self) -> None:
        if self._task is not None and self.phase.state == "analysing":
            self._task.cancel()

    def shutdown(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def _done(
        self,
        take_id: int,
        path: Path,
        question: Question | None,
        result: Any,
        error: BaseException | None,
    ) -> None:
        self._task = None
        self._analysing_take = None
        used, self._analysed_with = self._analysed_with, None
        if isinstance(error, ModelError) and (
            self.model.fall_back_to_bundled(error)
            or (used is not None and used is not self.model.transcriber)
        ):
            # The chosen model failed to load under this take: analyse it with the bundled one.
            self._run(take_id, path, question, None)
            return
        quiet = take_id in self._quiet
        self._quiet.discard(take_id)
        self._measures.pop(take_id, None)
        if error is not None:
            self._queue.clear()
            if isinstance(error, OperationCancelled):
                self.ctx.noticed.emit("Analysis cancelled. The recording is kept in History.")
            else:
                msg = str(error) if isinstance(error, VoiceCoachError) else unexpected(error)
                try:
                    self.ctx.history.mark_failed(take_id, msg)
                except VoiceCoachError as exc:
                    log.warning("%s", exc)
                self.ctx.fail(msg)
            self.phase.set("idle")
            self.historyChanged.emit()
            if quiet:
                self.analysed.emit(take_id, None)
            return
        assert result is not None
        report: Report = result if isinstance(result, Report) else result.report
        history = self.ctx.history
        try:
            if question is None or question.id == FILE_QUESTION_ID or take_id in self._file_takes:
                self._file_takes.discard(take_id)
                history.finish_recording(take_id, report.duration_s)
            history.save_report(take_id, to_json(report), report.transcript.model)
        except VoiceCoachError as exc:
            self.ctx.fail(str(exc))
        self.historyChanged.emit()
        if quiet:
            self.phase.set("idle")
            self.analysed.emit(take_id, result)
            return
        if self._queue:
            self.analyse_take(self._queue.pop(0))
            return
        self.review.show(take_id, report, question, path, self._recorded_at(take_id))

    def _recorded_at(self, take_id: int) -> datetime:
        """When the take was recorded (its start), as History shows it."""
        try:
            return self.ctx.history.get(take_id).created_at.astimezone()
        except VoiceCoachError:
            return datetime.now().astimezone()

    def analyse_take(self, take_id: int) -> None:
        """Analyse a take that has audio but no report (left by a crash, or cancelled)."""
        if self.phase.busy:
            self._queue.append(take_id)
            return
        history = self.ctx.history
        try:
            rec = history.get(take_id)
        except VoiceCoachError as exc:
            self.ctx.fail(str(exc))
            return
        if rec.status == "recording":
            from voicecoach.audio.recorder import repair_wav

            try:
                fixed = repair_wav(rec.audio_path)
                history.finish_recording(take_id, fixed.duration_s)
            except VoiceCoachError as exc:
                history.mark_failed(take_id, str(exc))
                self.ctx.fail(str(exc))
                self.historyChanged.emit()
                return
        self._run(take_id, rec.audio_path, self.questions.question_for(rec.question_id), None)

    def analyse_unfinished(self, take_ids: list[int]) -> None:
        if not take_ids:
            return
        first, *rest = take_ids
        self._queue.extend(rest)
        self.analyse_take(first)
