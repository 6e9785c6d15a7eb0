"""TakeLibrary: the takes in history - listed, reopened, replayed, deleted, files analysed.

Takes left unfinished by a crash are found at start-up and offered back (`unfinishedFound`);
analysing them, or any take without a report, is the analyser's work.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from voicecoach.app.analyser import TakeAnalyser
from voicecoach.app.context import AppContext, Phase
from voicecoach.app.playback import PlaybackController
from voicecoach.app.questions import FILE_QUESTION_ID, QuestionController
from voicecoach.app.review import ReviewController, with_sentence_sections
from voicecoach.domain import PackError, Question, VoiceCoachError
from voicecoach.report import report_from_json
from voicecoach.store.interviews import InterviewStore

log = logging.getLogger(__name__)


class TakeLibrary(QObject):
    historyChanged = Signal(object)  # list[TakeRecord]
    unfinishedFound = Signal(object)  # list[TakeRecord]

    def __init__(
        self,
        ctx: AppContext,
        phase: Phase,
        questions: QuestionController,
        review: ReviewController,
        playback: PlaybackController,
        analyser: TakeAnalyser,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.phase = phase
        self.questions = questions
        self.review = review
        self.playback = playback
        self.analyser = analyser
        self.interviews = InterviewStore(ctx.history)

    def refresh_history(self) -> None:
        try:
            self.historyChanged.emit(self.ctx.history.list())
        except VoiceCoachError as exc:
            self.ctx.fail(str(exc))

    def offer_unfinished(self) -> None:
        """Takes a crash left without a report are offered back, never dropped."""
        try:
            unfinished = self.ctx.history.unfinished()
        except VoiceCoachError as exc:
            self.ctx.fail(str(exc))
            unfinished = []
        # an interview's answers come back with their run (InterviewController.recover)
        unfinished = [r for r in unfinished if self._interview_of(r.id) is None]
        if unfinished:
            self.unfinishedFound.emit(unfinished)

    def open_take(self, take_id: int) -> None:
        if self.phase.busy:
            return
        try:
            rec = self.ctx.history.get(take_id)
        except VoiceCoachError as exc:
            self.ctx.fail(str(exc))
            return
        if not rec.report_json:
            self.analyser.analyse_take(take_id)
            return
        try:
            report = report_from_json(rec.report_json)
            sections = (rec.corrections or {}).get("sentence_sections")
            if sections:
                report = with_sentence_sections(report, sections, self.ctx.settings.analysis)
        except (KeyError, TypeError, ValueError) as exc:
            self.ctx.fail(f"The review of this take cannot be read ({exc}).")
            return
        question = self.questions.question_for(rec.question_id)
        if question is not None:
            self.questions.show(question)
        when = rec.created_at.astimezone()
        offset = self._thinking_s(take_id)
        self.review.show(take_id, report, question, rec.audio_path, when, offset)

    def _interview_of(self, take_id: int) -> tuple[int, int, str] | None:
        try:
            return self.interviews.interview_of(take_id)
        except VoiceCoachError as exc:
            log.warning("%s", exc)
            return None

    def _thinking_s(self, take_id: int) -> float:
        """An interview answer's thinking time: its report starts that far into the audio."""
        where = self._interview_of(take_id)
        if where is None:
            return 0.0
        try:
            run = self.interviews.get(where[0])
        except VoiceCoachError as exc:
            log.warning("%s", exc)
            return 0.0
        return next((t.thinking_s or 0.0 for t in run.takes if t.take.id == take_id), 0.0)

    def replay_take(self, take_id: int) -> None:
        self.open_take(take_id)
        if self.review.review_take_id() == take_id and self.phase.state == "review":
            self.playback.play_from(0.0)

    def delete_take(self, take_id: int) -> None:
        try:
            self.ctx.history.delete(take_id)
        except VoiceCoachError as exc:
            self.ctx.fail(str(exc))
        self.review.take_deleted(take_id)
        self.refresh_history()

    def analyse_take(self, take_id: int) -> None:
        """Analyse a take that has audio but no report (left by a crash, or cancelled)."""
        self.analyser.analyse_take(take_id)

    def analyse_unfinished(self, take_ids: list[int]) -> None:
        self.analyser.analyse_unfinished(take_ids)

    def analyse_file(self, path: str | Path, question_id: str | None = None) -> None:
        """Analyse an audio file from disk; it is listed in History (the file is not copied).

        `question_id`: the question the answer was for (its targets are used and the take is
        titled with it); None for a general answer against the default targets.
        """
        if self.phase.busy:
            self.ctx.fail("Finish the current take first.")
            return
        path = Path(path)
        question: Question | None = None
        if question_id:
            try:
                question = self.ctx.packs.get(question_id)
            except PackError as exc:
                self.ctx.fail(str(exc))
                return
        history = self.ctx.history
        try:
            if question is None:
                take_id = history.start_take(
                    FILE_QUESTION_ID, "", f"File: {path.name}", path.resolve()
                )
            else:
                take_id = history.start_take(
                    question.id, question.pack, question.prompt, path.resolve()
                )
        except VoiceCoachError as exc:
            self.ctx.fail(str(exc))
            return
        if question is not None and question is not self.questions.question():
            self.questions.show(question)  # "Try again" in its review retries this question
        self.refresh_history()
        self.analyser.analyse(take_id, path, question, from_file=True)
