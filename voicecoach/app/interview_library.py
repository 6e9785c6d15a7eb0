"""InterviewLibrary: past interview runs - listed, reopened as their summary, deleted whole.

A run a crash left 'running' is offered back at start-up (`interruptedFound`); picking it up is
the run controller's work (`InterviewController.resume_run`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from voicecoach import interview as core
from voicecoach.app.context import AppContext
from voicecoach.app.interview_save import answers_of
from voicecoach.app.library import TakeLibrary
from voicecoach.domain import VoiceCoachError
from voicecoach.store.interviews import InterviewStore

log = logging.getLogger(__name__)


class InterviewLibrary(QObject):
    runsChanged = Signal(object)  # list[InterviewRecord], newest first
    summaryOpened = Signal(object, int)  # InterviewSummary, run id
    interruptedFound = Signal(object)  # list[InterviewRun] left 'running' by a crash

    def __init__(
        self,
        ctx: AppContext,
        library: TakeLibrary,
        running_id: Callable[[], int | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.library = library
        self.store = InterviewStore(ctx.history)
        self._running_id = running_id

    def refresh_runs(self) -> None:
        try:
            self.runsChanged.emit(self.store.list())
        except VoiceCoachError as exc:
            self.ctx.fail(str(exc))

    def open_run(self, run_id: int) -> None:
        """Show a past run's summary (a run without one is summed up from its answers)."""
        try:
            run = self.store.get(run_id)
            if run.record.summary:
                summary = core.summary_from_json(run.record.summary)
            else:
                plan = core.plan_from_json(run.record.plan, self.ctx.packs)
                summary = core.summarise(plan, answers_of(run), self.ctx.settings, True)
        except (VoiceCoachError, KeyError, TypeError, ValueError) as exc:
            self.ctx.fail(f"This interview cannot be opened ({exc}).")
            return
        self.summaryOpened.emit(summary, run_id)

    def delete_run(self, run_id: int) -> None:
        """Delete a run with all its answers and their recordings."""
        if run_id == self._running_id():
            self.ctx.fail("End the interview before deleting it.")
            return
        takes: list[int] = []
        try:
            takes = [t.take.id for t in self.store.get(run_id).takes]
            self.store.delete(run_id)
        except VoiceCoachError as exc:
            self.ctx.fail(str(exc))
        for take_id in takes:
            self.library.review.take_deleted(take_id)
        self.refresh_runs()
        self.library.refresh_history()

    def recover(self) -> None:
        """Offer back runs a crash left 'running' (call once at start-up)."""
        try:
            runs = [r for r in self.store.unfinished() if r.record.id != self._running_id()]
        except VoiceCoachError as exc:
            self.ctx.fail(str(exc))
            return
        if runs:
            self.interruptedFound.emit(runs)
