"""InterviewTurn: one question or follow-up of an interview run - read aloud, answered, analysed.

The prompt is read aloud (`QuestionController.say`); when the reading ends the run records the
answer (`record`) on the practice round through `AnswerTaker`, until Stop or the silence after
speech; the answer is then analysed by `TakeAnalyser` with the interview's measure
(`measure_for`: the thinking time cut off the front, a follow-up timed as a whole). Answers left
in progress by a crash are analysed the same way (`analyse`). The turn keeps its own stage and
the run's takes in analysis; what comes next is the run controller's choice.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Signal

from voicecoach.app.analyser import TakeAnalyser
from voicecoach.app.context import AppContext, Phase
from voicecoach.app.interview_answer import AnswerTaker, measure_for
from voicecoach.app.interview_cursor import RunCursor, Slot
from voicecoach.app.practice import PracticeRound
from voicecoach.app.questions import QuestionController
from voicecoach.store.interviews import InterviewTake


class InterviewTurn(QObject):
    stageChanged = Signal(str)  # asking | answering | analysing: a step the page shows
    readDone = Signal()  # the prompt has been read out: time to record the answer
    # take id, Slot, InterviewAnswer (its take id set) or None (nothing to analyse), and
    # whether it is the turn's own answer (not one recovered after a crash)
    analysed = Signal(int, object, object, bool)

    def __init__(
        self,
        ctx: AppContext,
        phase: Phase,
        questions: QuestionController,
        practice: PracticeRound,
        analyser: TakeAnalyser,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.questions = questions
        self.analyser = analyser
        self.taker = AnswerTaker(ctx, practice, self)
        self.stage = ""  # "" | reading | asking | answering | analysing
        self.take_id: int | None = None  # the answer recorded (then analysed) in this turn
        self._expect: dict[int, Slot] = {}  # the run's takes in analysis
        phase.stateChanged.connect(self._on_phase)
        analyser.analysed.connect(self._on_analysed)

    @property
    def waiting(self) -> bool:
        """Some of the run's takes are still being analysed."""
        return bool(self._expect)

    def reset(self) -> None:
        """A new run, or none: no stage, no answer, nothing awaited."""
        self.stage, self.take_id, self._expect = "", None, {}

    def ask(self, prompt: str) -> bool:
        """Read `prompt` aloud ('asking', then `readDone`); False when it cannot be read
        (the banner says why): the prompt is on screen and the answer can start at once."""
        self.stage = "reading"  # 'asking' once the speaker has taken the prompt
        if not self.questions.say(prompt):
            return False
        self._set("asking")
        return True

    def record(self, cursor: RunCursor, start_take: Any) -> int | None:
        """Record the answer to the cursor's slot, its take row written by `start_take(path)`;
        the take id, or None when the round could not record (the message is shown)."""
        slot = cursor.slot()
        self.stage = "answering"  # before recording: the phase change is not a new question
        take_id = self.taker.begin(
            cursor.question_of(slot), start_take, _measure(cursor, slot, self.ctx)
        )
        if take_id is None:
            self.stage = ""
            return None
        self.take_id = take_id
        self._expect[take_id] = slot
        self._set("answering")
        return take_id

    def stop(self) -> None:
        """The answer is done: it goes to analysis ('analysing'), then `analysed` reports it."""
        if self.stage == "answering":
            self._set("analysing")
            self.taker.stop()

    def interrupt(self) -> None:
        """Stop reading aloud, or drop the answer being recorded; an analysis goes on."""
        stage = self.stage
        if stage == "analysing":
            return
        self.stage = ""  # first: the speaker stopping must not start the answer
        if stage == "asking":
            self.ctx.speaker.stop()
        elif stage == "answering":
            if self.take_id is not None:
                self._expect.pop(self.take_id, None)
            self.take_id = None
            self.taker.drop()

    def analyse(self, t: InterviewTake, cursor: RunCursor) -> None:
        """Analyse an answer a crash left behind (its audio already made whole)."""
        slot = Slot(t.position, t.kind)
        self._expect[t.take.id] = slot
        self._set("analysing")
        self.analyser.analyse(
            t.take.id,
            t.take.audio_path,
            cursor.question_of(slot),
            show_review=False,
            measure=_measure(cursor, slot, self.ctx),
        )

    def _set(self, stage: str) -> None:
        self.stage = stage
        self.stageChanged.emit(stage)

    def _on_phase(self, state: str) -> None:
        if self.stage == "asking" and state == "idle":
            self.readDone.emit()

    def _on_analysed(self, take_id: int, result: Any) -> None:
        slot = self._expect.pop(take_id, None)
        if slot is None:
            return  # not this run's
        own = take_id == self.take_id
        if own and not self._expect:
            self.take_id = None
        answer = None if result is None else replace(result, take_id=take_id)
        self.analysed.emit(take_id, slot, answer, own)


def _measure(cursor: RunCursor, slot: Slot, ctx: AppContext) -> Any:
    return measure_for(cursor.item(slot), slot.kind, slot.position, ctx.settings)
