"""InterviewController: a mock interview run, built on the practice round (not a copy of it).

A run is planned by `voicecoach.interview.plan_interview`, then asked slot by slot (`RunCursor`):
each question, then its follow-up when one was planned. `InterviewTurn` reads each prompt aloud,
records the answer on the practice round until Stop or the silence after speech, and has it
analysed; `RunSaver` keeps the run in history (its row, each answer's take, the summary).

Pause, skip and end-early work at every stage: pausing or skipping while answering drops that
recording (Resume asks the same question again); ending early keeps the answer in progress.
A run left 'running' by a crash is offered back on the next start (`InterviewLibrary`);
`resume_run` analyses its answer in progress if its audio survived, then goes on or ends there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal

from voicecoach import interview as core
from voicecoach.app.analyser import TakeAnalyser
from voicecoach.app.context import AppContext, Phase
from voicecoach.app.interview_cursor import RunCursor, Slot
from voicecoach.app.interview_save import RunSaver, RunSoFar
from voicecoach.app.interview_turn import InterviewTurn
from voicecoach.app.library import TakeLibrary
from voicecoach.app.practice import PracticeRound
from voicecoach.app.questions import QuestionController
from voicecoach.domain import PackError, VoiceCoachError


class InterviewController(QObject):
    stepChanged = Signal(object)  # Step
    summaryReady = Signal(object, int)  # InterviewSummary, run id
    runningChanged = Signal(bool)  # also when a run ends: the list of runs changed

    def __init__(
        self,
        ctx: AppContext,
        phase: Phase,
        questions: QuestionController,
        practice: PracticeRound,
        analyser: TakeAnalyser,
        library: TakeLibrary,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.phase = phase
        self.library = library
        self.saver = RunSaver(ctx)
        self.turn = InterviewTurn(ctx, phase, questions, practice, analyser, self)
        self.taker = self.turn.taker  # the live clock and the silence that ends an answer
        self._cur: RunCursor | None = None  # the run's plan and the slot being asked
        self._run_id: int | None = None
        self._answers: list[core.InterviewAnswer] = []
        self._paused = False
        self._ending = False  # end early once the analysis in flight is done
        self._skip_next = False
        self.turn.stageChanged.connect(self._show)
        self.turn.readDone.connect(self._answer)
        self.turn.analysed.connect(self._on_analysed)
        self.taker.silenceEnded.connect(self.stop_answer)

    # --- reading the run -----------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return bool(self.stage)

    @property
    def stage(self) -> str:
        """'' (no run), reading, asking, answering, analysing or paused."""
        return "paused" if self._paused else self.turn.stage

    def run_id(self) -> int | None:
        return self._run_id

    def answers(self) -> list[core.InterviewAnswer]:
        return list(self._answers)

    @property
    def cursor(self) -> RunCursor:
        assert self._cur is not None
        return self._cur

    def pack_choices(self) -> list[tuple[str, str, list[str]]]:
        """(pack name, title, topics) of every loaded pack, for the set-up form."""
        packs = self.ctx.packs
        return [
            (name, getattr(p, "title", name), list(packs.topics(name)))
            for name, p in packs.packs.items()
        ]

    # --- starting and steering -----------------------------------------------------------------

    def start(
        self,
        pack: str | None,
        topics: Sequence[str] = (),
        questions: int | None = None,
        follow_ups: bool | None = None,
    ) -> bool:
        """Plan and start a run; False (with a message) when it cannot start."""
        if self.running or self.phase.busy:
            self.ctx.fail("Finish what is in progress before starting an interview.")
            return False
        s = self.ctx.settings.interview
        try:
            plan = core.plan_interview(
                self.ctx.packs,
                pack or None,
                tuple(topics),
                s.questions if questions is None else questions,
                s.follow_ups if follow_ups is None else follow_ups,
                s,
            )
            run_id = self.saver.start(plan)
        except (PackError, VoiceCoachError) as exc:
            self.ctx.fail(str(exc))
            return False
        self._begin(run_id, RunSoFar(plan))
        self._next()
        return True

    def pause(self) -> None:
        """Hold the run; Resume asks the current question (or the next one) again."""
        if self.stage in ("asking", "answering", "analysing"):
            self._hold()  # first: the speaker stopping must not start the answer
            self.turn.interrupt()

    def resume(self) -> None:
        if self.stage == "paused" and not self.phase.busy:
            self._ask()

    def skip(self) -> None:
        """Leave this question (and its follow-up) unanswered and go on."""
        stage = self.stage
        if stage == "analysing":
            self._skip_next = True
        elif stage in ("asking", "answering", "paused"):
            self._paused = True
            self.turn.interrupt()
            self.cursor.skip_question()
            self._next()

    def stop_answer(self) -> None:
        """The user pressed Stop, or was silent long enough: the answer is done."""
        if self.stage == "answering":
            self.turn.stop()

    def end_early(self) -> None:
        """End the run now; the answer being given is kept and the summary shown."""
        if not self.running:
            return
        if self.stage == "asking" or (
            self.stage == "answering" and not self.turn.taker.heard_speech
        ):  # nothing said yet: no answer to keep, and none to call silent
            self._paused = True
            self.turn.interrupt()
        if self.stage in ("answering", "analysing"):
            self._ending = True
            self.stop_answer()  # the run ends once that answer is analysed
        else:
            self._finish(ended_early=True)

    def open_answer(self, take_id: int) -> None:
        """A summary row: that answer's full review."""
        if take_id is not None and not self.phase.busy:
            self.library.open_take(take_id)

    # --- crash recovery ------------------------------------------------------------------------

    def resume_run(self, run_id: int, end_now: bool = False) -> None:
        """Pick up an interrupted run: its answer in progress is analysed (when its audio
        survived), then the run goes on from the next question, or ends there (`end_now`)."""
        if self.running or self.phase.busy:
            self.ctx.fail("Finish what is in progress before resuming an interview.")
            return
        run = self.saver.load(run_id)
        if run is None:
            return
        self._begin(run_id, run)
        self._ending = end_now
        for t in run.pending:
            if self.saver.salvage(t):
                self.turn.analyse(t, self.cursor)
        if not self.turn.waiting:  # else the run goes on when that answer is analysed
            self._next()

    # --- the run -------------------------------------------------------------------------------

    def _begin(self, run_id: int, run: RunSoFar) -> None:
        self._cur, self._run_id = RunCursor(run.plan, run.first), run_id
        self._answers = list(run.answers)
        self._paused = self._ending = self._skip_next = False
        self.turn.reset()
        self.runningChanged.emit(True)

    def _show(self, stage: str) -> None:
        if not self.cursor.done:
            self.stepChanged.emit(self.cursor.step(stage))

    def _hold(self) -> None:
        self._paused = True
        self._show("paused")

    def _next(self) -> None:
        cur = self.cursor
        if self._skip_next and not cur.done:
            self._skip_next = False
            cur.skip_question()
        if self._ending or cur.done:
            self._finish(ended_early=self._ending or not cur.done)
        else:
            self._ask()

    def _ask(self) -> None:
        self._paused = False
        if not self.turn.ask(self.cursor.prompt(self.cursor.slot())):
            self._answer()  # nothing reads aloud: the prompt is on screen, answer at once

    def _answer(self) -> None:
        assert self._run_id is not None
        slot = self.cursor.slot()
        start_take = self.saver.take_starter(self._run_id, slot, self.cursor.item(slot))
        if self.turn.record(self.cursor, start_take) is None:
            self._hold()  # could not record (the message is shown): hold the run

    def _on_analysed(self, take_id: int, slot: Slot, answer: Any, own: bool) -> None:
        if answer is not None:
            self.saver.save_thinking(take_id, answer.thinking_s)
            key = (slot.position, slot.kind)
            self._answers = [a for a in self._answers if (a.position, a.kind) != key]
            self._answers.append(answer)
        elif slot.kind == "answer" and own:
            self.cursor.skip_follow_up_of(slot)
        if self.turn.waiting:
            return  # more recovered answers are being analysed
        if own:
            self.cursor.advance()
        if self._paused:
            self._show("paused")  # the page shows what comes after the pause
        else:
            self._next()

    def _finish(self, ended_early: bool) -> None:
        run_id = self._run_id
        assert run_id is not None
        summary = self.saver.finish(run_id, self.cursor.plan, self._answers, ended_early)
        self.turn.reset()
        self._paused = False
        self._run_id = None
        self.runningChanged.emit(False)
        self.summaryReady.emit(summary, run_id)
        self.library.refresh_history()

    def shutdown(self) -> None:
        """A question being read aloud is cut without starting its answer (the speaker is
        closed next); an answer being recorded is kept by the round; the run stays 'running'
        and is offered back on the next start."""
        if self.stage == "asking":
            self.turn.interrupt()
