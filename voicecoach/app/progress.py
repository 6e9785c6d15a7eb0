"""ProgressController: keeps the Progress page in step with the history, lazily.

A change in the history only marks the page out of date; the takes are read and reduced to
their figures when the Progress page is on screen (or next shown). They are read with
`History.list_figures` (reports without their words, trimmed by SQLite) and rebuilt with
`app.export.take_report`, as History and the review rebuild them, so the figures agree.
Mock interview runs are read from `InterviewStore.list` and shown as one row each
(`progress.run_points`, from each run's saved summary), their main answers as rings on the
trends; follow-up takes never reach the per-question trends, because `list_figures` leaves
them out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from voicecoach.domain import VoiceCoachError
from voicecoach.progress import RunPoint, TakePoint, run_points, take_point

log = logging.getLogger(__name__)


def _default_report_of(record: Any):
    from voicecoach.app.export import take_report

    return take_report(record)


class ProgressController(QObject):
    """Owns the Progress page's state: where takes come from and whether the page is stale."""

    def __init__(
        self,
        view: Any,
        load: Callable[[], list[Any]],
        topic_of: Callable[[str], str] = lambda _qid: "",
        pack_titles: Callable[[], dict[str, str]] = dict,
        report_of: Callable[[Any], Any] = _default_report_of,
        parent: QObject | None = None,
        load_runs: Callable[[], list[Any]] = list,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self._load = load
        self._topic_of = topic_of
        self._pack_titles = pack_titles
        self._report_of = report_of
        self._load_runs = load_runs
        self._stale = True
        self.active = False

    def history_changed(self, *_a) -> None:
        """A take was added, analysed, corrected or deleted."""
        self._stale = True
        if self.active:
            self.refresh()

    def set_active(self, active: bool) -> None:
        """The Progress page was shown (True) or left (False)."""
        self.active = active
        if active and self._stale:
            self.refresh()

    def points(self, records: list[Any] | None = None) -> list[TakePoint]:
        """The analysed takes' figures, oldest first (unreadable reviews are left out)."""
        out: list[TakePoint] = []
        for rec in self._load() if records is None else records:
            if rec.status != "analysed" or not rec.report_json:
                continue
            try:
                report = self._report_of(rec)
            except VoiceCoachError as exc:
                log.warning("Take %d left out of progress: %s", rec.id, exc)
                continue
            if report is not None:
                out.append(take_point(rec, report, self._topic_of(rec.question_id)))
        out.sort(key=lambda p: (p.created_at, p.take_id))
        return out

    def runs(self, points: list[TakePoint], records: list[Any] | None = None) -> list[RunPoint]:
        """The interview runs with a summary, oldest first (an unreadable one is left out)."""
        out: list[RunPoint] = []
        for rec in self._load_runs() if records is None else records:
            try:
                out += run_points([rec], points)
            except (KeyError, TypeError, ValueError) as exc:
                log.warning("Interview %s left out of progress: %s", getattr(rec, "id", "?"), exc)
        return sorted(out, key=lambda r: (r.created_at, r.run_id))

    def refresh(self) -> None:
        try:
            points = self.points()
            runs = self.runs(points)
        except VoiceCoachError as exc:  # the database went away: say so on the page
            log.error("Progress could not read the history: %s", exc)
            points, runs = [], []
        self.view.set_points(points, self._pack_titles(), runs)
        self._stale = False


def wire_progress(session: Any, window: Any) -> ProgressController:
    """The Progress page's controller, fed by the session's history and the page being shown."""

    from voicecoach.store.interviews import InterviewStore

    topics = {q.id: q.topic for q in session.packs.questions()}
    ctl = ProgressController(
        window.progress,
        session.history.list_figures,
        lambda qid: topics.get(qid, ""),
        session.pack_titles,
        parent=window,
        load_runs=InterviewStore(session.history).list,
    )
    session.historyChanged.connect(ctl.history_changed)
    window.pageChanged.connect(lambda name: ctl.set_active(name == "progress"))
    window.progress.openRequested.connect(session.open_take)
    runs = getattr(session, "interviews", None)  # the library of runs, when the app has one
    if runs is not None:
        runs.runsChanged.connect(ctl.history_changed)  # a run finished, or was deleted
        window.progress.runOpenRequested.connect(runs.open_run)
    return ctl
