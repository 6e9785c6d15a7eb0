"""RunSaver: a mock interview run kept in history while it runs, and loaded back after a crash.

The run's row is written before the first question; each answer's take row before its
microphone opens, attached to the run by position and kind (so the audio is written while
recording, as for a single take); the thinking time once the answer is analysed; the summary
when the run ends. A run a crash left 'running' is loaded back as its plan, the answers already
analysed, the answers left in progress (their audio made whole by `salvage`) and the slot where
it goes on. Errors are shown through the context; no Qt here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voicecoach import interview as core
from voicecoach.app.context import AppContext
from voicecoach.app.interview_cursor import RunCursor, Slot
from voicecoach.domain import VoiceCoachError
from voicecoach.report import report_from_json
from voicecoach.settings import Settings
from voicecoach.store.interviews import InterviewRun, InterviewStore, InterviewTake

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunSoFar:
    """A run as far as it got: a new one (nothing yet), or one loaded back after a crash."""

    plan: core.InterviewPlan
    answers: tuple[core.InterviewAnswer, ...] = ()  # analysed
    pending: tuple[InterviewTake, ...] = ()  # recording or recorded, not analysed
    first: int = 0  # the slot it goes on from: after the last one with a take


class RunSaver:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.store = InterviewStore(ctx.history)

    def start(self, plan: core.InterviewPlan) -> int:
        """The run's row, with the settings it runs under; raises VoiceCoachError."""
        return self.store.start(plan.to_json(), settings_json(self.ctx.settings))

    def take_starter(self, run_id: int, slot: Slot, item: core.PlanItem) -> Callable[[Path], int]:
        """Writes the take row of the answer in `slot`, attached to the run (for the round)."""

        def start_take(path: Path) -> int:
            return self.store.start_take(
                run_id,
                slot.position,
                slot.kind,  # type: ignore[arg-type]
                item.question,
                path,
                prompt=None if slot.kind == "answer" else item.follow_up,
            )

        return start_take

    def save_thinking(self, take_id: int, thinking_s: float) -> None:
        try:
            self.store.set_thinking(take_id, thinking_s)
        except VoiceCoachError as exc:
            self.ctx.fail(str(exc))

    def finish(
        self,
        run_id: int,
        plan: core.InterviewPlan,
        answers: list[core.InterviewAnswer],
        ended_early: bool,
    ) -> core.InterviewSummary:
        """Sum the run up and save the summary with it (a failed save is shown, the summary
        is still returned)."""
        summary = core.summarise(plan, answers, self.ctx.settings, ended_early)
        try:
            self.store.finish(run_id, summary.to_json(), ended_early=ended_early)
        except VoiceCoachError as exc:
            self.ctx.fail(str(exc))
        return summary

    def load(self, run_id: int) -> RunSoFar | None:
        """An interrupted run to go on with; None (the message is shown) when it cannot be."""
        try:
            run = self.store.get(run_id)
            plan = core.plan_from_json(run.record.plan, self.ctx.packs)
        except (VoiceCoachError, KeyError, TypeError, ValueError) as exc:
            self.ctx.fail(f"This interview cannot be resumed ({exc}).")
            return None
        pending = tuple(t for t in run.takes if t.take.status in ("recording", "recorded"))
        first = RunCursor(plan).first_after({(t.position, t.kind) for t in run.takes})
        return RunSoFar(plan, tuple(answers_of(run)), pending, first)

    def salvage(self, t: InterviewTake) -> bool:
        """An answer left in progress: its audio made whole and its take finished, ready for
        analysis; False (the take marked failed) when its audio cannot be read."""
        try:
            if t.take.status == "recording":
                from voicecoach.audio.recorder import repair_wav

                duration_s = repair_wav(t.take.audio_path).duration_s
                self.ctx.history.finish_recording(t.take.id, duration_s)
        except VoiceCoachError as exc:
            log.warning("interrupted answer %d not recovered: %s", t.take.id, exc)
            self.ctx.history.mark_failed(t.take.id, str(exc))
            return False
        return True


def settings_json(settings: Settings) -> dict[str, Any]:
    """The interview settings a run was held under, stored with it."""
    s = settings.interview
    return {
        "silence_stop_s": s.silence_stop_s,
        "thinking_max_s": s.thinking_max_s,
        "follow_up_target_s": s.follow_up_target_s,
    }


def answers_of(run: InterviewRun) -> list[core.InterviewAnswer]:
    """The analysed answers of a stored run, as the summary needs them."""
    out = []
    for t in run.takes:
        if t.take.status != "analysed" or not t.take.report_json:
            continue
        out.append(
            core.InterviewAnswer(
                t.position,
                t.kind,
                t.take.question_id,
                t.take.question_text,
                float(t.thinking_s or 0.0),
                report_from_json(t.take.report_json),
                t.take.id,
            )
        )
    return out
