"""InterviewController: a mock interview run, built on the practice round (not a copy of it).

A run is planned by `voicecoach.interview.plan_interview` and kept by
`voicecoach.store.interviews.InterviewStore`. For each planned question: the question is read
aloud (`QuestionController.say`), the answer is recorded by `PracticeRound.record` (its take row
attached to the run before the microphone opens, the audio written while recording, as for a
single take) and ends on Stop or after `InterviewSettings.silence_stop_s` of silence once the
user has spoken (`SilenceStop`); then the follow-up is read and answered the same way. Each
answer is analysed by `TakeAnalyser` with the interview's measure (`analyse_answer` /
`analyse_follow_up`: the thinking time is cut off the front, a follow-up is timed as a whole).
At the end `summarise` gives the summary, saved with the run.

Pause, skip and end-early work at every stage: pausing or skipping while answering drops that
recording (Resume asks the same question again); ending early keeps the answer in progress.
A run left 'running' by a crash is offered back on the next start (`interruptedFound`): its
answer in progress is analysed if its audio survived, then the run resumes or ends there.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from voicecoach import interview as core
from voicecoach.app.analyser import TakeAnalyser
from voicecoach.app.context import AppContext, Phase
from voicecoach.app.interview_answer import AnswerTaker, answers_of, measure_for
from voicecoach.app.interview_cursor import RunCursor, Slot
from voicecoach.app.library import TakeLibrary
from voicecoach.app.practice import PracticeRound
from voicecoach.app.questions import QuestionController
from voicecoach.domain import PackError, VoiceCoachError
from voicecoach.store.interviews import InterviewStore

log = logging.getLogger(__name__)


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
        self.questions = questions
        self.practice = practice
        self.analyser = analyser
        self.library = library
        self.store = InterviewStore(ctx.history)
        self._cur: RunCursor | None = None  # the run's plan and the slot being asked
        self._run_id: int | None = None
        self._answers: list[core.InterviewAnswer] = []
        self._stage = ""  # "" (no run) | asking | answering | analysing | paused
        self._take_id: int | None = None
        self._expect: dict[int, Slot] = {}  # takes in analysis for this run
        self._ending = False  # end early once the analysis in flight is done
        self._skip_next = False
        self.taker = AnswerTaker(ctx, practice, self)
        self.taker.silenceEnded.connect(self._on_silence)
        phase.stateChanged.connect(self._on_phase)
        analyser.analysed.connect(self._on_analysed)

    # --- reading the run -----------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return bool(self._stage)

    @property
    def stage(self) -> str:
        return self._stage

    def run_id(self) -> int | None:
        return self._run_id

    def answers(self) -> list[core.InterviewAnswer]:
        return list(self._answers)

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
            run_id = self.store.start(plan.to_json(), _settings_json(self.ctx.settings))
        except (PackError, VoiceCoachError) as exc:
            self.ctx.fail(str(exc))
            return False
        self._begin(plan, run_id, [], 0)
        return True

    def pause(self) -> None:
        """Hold the run; Resume asks the current question (or the next one) again."""
        stage = self._stage
        if stage not in ("asking", "answering", "analysing"):
            return
        self._set_stage("paused")  # first: the speaker stopping must not start the answer
        if stage == "asking":
            self.ctx.speaker.stop()
        elif stage == "answering":
            self._drop_answer()

    def resume(self) -> None:
        if self._stage == "paused" and not self.phase.busy:
            self._ask()

    def skip(self) -> None:
        """Leave this question (and its follow-up) unanswered and go on."""
        stage = self._stage
        if stage == "analysing":
            self._skip_next = True
            return
        if stage not in ("asking", "answering", "paused"):
            return
        self._stage = "paused"  # first: the speaker stopping must not start the answer
        if stage == "asking":
            self.ctx.speaker.stop()
        elif stage == "answering":
            self._drop_answer()
        self.cursor.skip_question()
        self._next()

    def stop_answer(self) -> None:
        """The user pressed Stop: the answer is done."""
        if self._stage == "answering":
            self._set_stage("analysing")
            self.taker.stop()

    def end_early(self) -> None:
        """End the run now; the answer being given is kept and the summary shown."""
        if not self.running:
            return
        if self._stage == "asking":
            self._stage = "paused"  # first: the speaker stopping must not start the answer
            self.ctx.speaker.stop()
        if self._stage == "answering":
            self._ending = True
            self.stop_answer()
            return
        if self._stage == "analysing":
            self._ending = True
            return
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
        try:
            run = self.store.get(run_id)
            plan = core.plan_from_json(run.record.plan, self.ctx.packs)
        except (VoiceCoachError, KeyError, TypeError, ValueError) as exc:
            self.ctx.fail(f"This interview cannot be resumed ({exc}).")
            return
        answers = answers_of(run)
        pending = [t for t in run.takes if t.take.status in ("recording", "recorded")]
        first = RunCursor(plan).first_after({(t.position, t.kind) for t in run.takes})
        self._begin(plan, run_id, answers, first, ask=False)
        self._ending = end_now
        for t in pending:
            self._recover_take(t)
        if self._expect:
            return  # the run goes on when the answer in progress is analysed
        if end_now:
            self._finish(ended_early=True)
        else:
            self._next()

    def _recover_take(self, t: Any) -> None:
        slot = Slot(t.position, t.kind)
        path = t.take.audio_path
        try:
            if t.take.status == "recording":
                from voicecoach.audio.recorder import repair_wav

                self.ctx.history.finish_recording(t.take.id, repair_wav(path).duration_s)
        except VoiceCoachError as exc:
            log.warning("interrupted answer %d not recovered: %s", t.take.id, exc)
            self.ctx.history.mark_failed(t.take.id, str(exc))
            return
        self._expect[t.take.id] = slot
        self._set_stage("analysing")
        self.analyser.analyse(
            t.take.id,
            path,
            self.cursor.question_of(slot),
            show_review=False,
            measure=self._measure(slot),
        )

    # --- the run -------------------------------------------------------------------------------

    def _begin(
        self,
        plan: core.InterviewPlan,
        run_id: int,
        answers: list[core.InterviewAnswer],
        first: int,
        ask: bool = True,
    ) -> None:
        self._cur, self._run_id = RunCursor(plan, first), run_id
        self._answers = answers
        self._ending = self._skip_next = False
        self._expect = {}
        self.runningChanged.emit(True)
        if ask:
            self._next()

    @property
    def cursor(self) -> RunCursor:
        assert self._cur is not None
        return self._cur

    def _set_stage(self, stage: str) -> None:
        self._stage = stage
        if stage and not self.cursor.done:
            self.stepChanged.emit(self.cursor.step(stage))

    def _next(self) -> None:
        cur = self.cursor
        if self._skip_next and not cur.done:
            self._skip_next = False
            cur.skip_question()
        if self._ending or cur.done:
            self._finish(ended_early=self._ending or not cur.done)
            return
        self._ask()

    def _ask(self) -> None:
        self._stage = "reading"  # 'asking' once the speaker has taken the prompt
        cur = self.cursor
        if self.questions.say(cur.prompt(cur.slot())):
            self._set_stage("asking")
        else:
            # no reading aloud (the banner says why): the prompt is on screen, answer at once
            self._answer()

    def _on_phase(self, state: str) -> None:
        if self._stage == "asking" and state == "idle":
            self._answer()

    def _answer(self) -> None:
        cur = self.cursor
        slot = cur.slot()
        item = cur.item(slot)
        run_id = self._run_id
        assert run_id is not None

        def start_take(path: Path) -> int:
            return self.store.start_take(
                run_id,
                slot.position,
                slot.kind,  # type: ignore[arg-type]
                item.question,
                path,
                prompt=None if slot.kind == "answer" else item.follow_up,
            )

        self._stage = "answering"  # before recording: the phase change is not a new question
        take_id = self.taker.begin(cur.question_of(slot), start_take, self._measure(slot))
        if take_id is None:  # could not record (the message is shown): hold the run
            self._set_stage("paused")
            return
        self._take_id = take_id
        self._expect[take_id] = slot
        self._set_stage("answering")

    def _measure(self, slot: Slot) -> Any:
        return measure_for(self.cursor.item(slot), slot.kind, slot.position, self.ctx.settings)

    def _on_silence(self) -> None:
        if self._stage == "answering":
            self.stop_answer()

    def _drop_answer(self) -> None:
        if self._take_id is not None:
            self._expect.pop(self._take_id, None)
        self._take_id = None
        self.taker.drop()

    def _on_analysed(self, take_id: int, result: Any) -> None:
        slot = self._expect.pop(take_id, None)
        if slot is None:
            return
        if result is not None:
            answer = replace(result, take_id=take_id)
            try:
                self.store.set_thinking(take_id, answer.thinking_s)
            except VoiceCoachError as exc:
                self.ctx.fail(str(exc))
            self._answers = [
                a for a in self._answers if (a.position, a.kind) != (slot.position, slot.kind)
            ]
            self._answers.append(answer)
        elif slot.kind == "answer" and take_id == self._take_id:
            self.cursor.skip_follow_up_of(slot)
        if self._expect:
            return  # more recovered answers are being analysed
        if take_id == self._take_id:
            self._take_id = None
            self.cursor.advance()
        if self._stage == "paused":
            self._set_stage("paused")  # the page shows what comes after the pause
            return
        self._next()

    def _finish(self, ended_early: bool) -> None:
        assert self._run_id is not None
        plan = self.cursor.plan
        summary = core.summarise(plan, self._answers, self.ctx.settings, ended_early)
        run_id = self._run_id
        try:
            self.store.finish(run_id, summary.to_json(), ended_early=ended_early)
        except VoiceCoachError as exc:
            self.ctx.fail(str(exc))
        self._stage = ""
        self._run_id = None
        self.runningChanged.emit(False)
        self.summaryReady.emit(summary, run_id)
        self.library.refresh_history()

    def shutdown(self) -> None:
        """Nothing to drop: an answer being recorded is kept by the round, the run stays
        'running' and is offered back on the next start."""


def _settings_json(settings: Any) -> dict[str, Any]:
    s = settings.interview
    return {
        "silence_stop_s": s.silence_stop_s,
        "thinking_max_s": s.thinking_max_s,
        "follow_up_target_s": s.follow_up_target_s,
    }
