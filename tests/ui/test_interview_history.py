"""History → Interviews: a run's time is worded as the Takes list words a take's time."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from tests.ui.test_history_view import _rec
from voicecoach.store.interviews import InterviewRecord
from voicecoach.ui.history_view import HistoryView
from voicecoach.ui.interview_history import InterviewHistory


def _run(run_id: int, created_at: datetime) -> InterviewRecord:
    return InterviewRecord(
        id=run_id,
        created_at=created_at,
        pack="core_senior",
        topics=(),
        plan={"items": [{}, {}, {}]},
        settings={},
        status="finished",
        summary=None,
    )


def test_runs_and_takes_word_their_time_alike(qtbot, themed):
    """Protects: a run recorded today reads "Today 11:09" as a take does (one shared function),
    not a long date; the full date stays on hover."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    when = (now, now - timedelta(days=3))
    runs = InterviewHistory()
    qtbot.addWidget(runs)
    runs.set_runs([_run(i + 1, t) for i, t in enumerate(when)])
    takes = HistoryView()
    qtbot.addWidget(takes)
    takes.set_takes([replace(_rec(i + 1, "a"), created_at=t) for i, t in enumerate(when)])

    run_text = [runs.table.item(r, 0).text() for r in range(2)]
    take_text = sorted(takes.model.item(r, 0).text() for r in range(2))
    assert sorted(run_text) == take_text
    assert run_text[0].startswith("Today ")
    assert str(when[1].astimezone().year) in runs.table.item(1, 0).toolTip()
