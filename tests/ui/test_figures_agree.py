"""History, the review and Compare show one take's figures as the same strings."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from tests.ui.sample_report import sample_report
from voicecoach.domain import Section
from voicecoach.report import fmt_change, report_from_json, to_json
from voicecoach.store.history import TakeRecord
from voicecoach.ui.figures_panel import FiguresPanel
from voicecoach.ui.history_view import ID_ROLE, HistoryView
from voicecoach.ui.star_timeline import StarTimeline


def _take(situation_s: float, task_s: float, rate: float, pace: float):
    """A report whose figures sit on rounding edges (x.5 s sections, x.x5 fillers/min)."""
    r = sample_report()
    n = len(r.fillers)
    duration = round(n * 60.0 / rate, 3)
    names = [s.name for s in r.sections]
    rest = [s for s in r.sections if s.name not in ("situation", "task")]
    sit = Section("situation", 0.0, situation_s, 15.0)
    task = Section("task", situation_s, situation_s + task_s, 10.0)
    shift = task.end_s - rest[0].start_s
    moved = [replace(s, start_s=s.start_s + shift, end_s=s.end_s + shift) for s in rest]
    assert names[:2] == ["situation", "task"]
    moved[-1] = replace(moved[-1], end_s=max(moved[-1].end_s, duration - 0.5))
    return replace(r, duration_s=duration, sections=(sit, task, *moved), pace_wpm=pace)


def _rec(i: int, report) -> TakeRecord:
    return TakeRecord(
        id=i,
        created_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC) + timedelta(hours=i),
        question_id="q",
        pack="core_senior",
        question_text="Question q?",
        audio_path=Path(f"/tmp/{i}.wav"),
        duration_s=report.duration_s + 0.4,  # the recorder's count differs a little
        status="analysed",
        error=None,
        report_json=to_json(report),
        corrections=None,
        model="tiny.en",
    )


@pytest.fixture
def takes():
    # earlier: Task 8.6 s, 3.06/min; later: Task 8.4 s, 0.8501/min (stored as 0.85)
    return _take(15.4, 8.6, 3.06, 142.46), _take(14.5, 8.4, 0.8501, 131.5)


def _review(qtbot, report) -> dict[str, str]:
    """What the review shows for a report: the figures tiles and the timeline's captions."""
    panel = FiguresPanel()
    qtbot.addWidget(panel)
    panel.set_report(report)
    timeline = StarTimeline()
    qtbot.addWidget(timeline)
    timeline.set_report(report)
    out = {c.name: c.text.split(" — ")[0] for c in timeline.captions()}
    out["fillers"] = panel.findChild(QLabel, "fillersValue").text()
    out["pace"] = panel.findChild(QLabel, "paceValue").text()
    return out


def test_history_review_and_compare_show_the_same_strings(qtbot, themed, takes):
    """Protects: one rounding per figure in every view, and changes that subtract shown figures."""
    recs = [_rec(1, takes[0]), _rec(2, takes[1])]
    hist = HistoryView()
    qtbot.addWidget(hist)
    hist.set_takes(recs)
    hist.select_ids({1, 2})
    hist.compare_btn.click()
    cmp = hist.compare
    history_rate = {
        hist.model.item(r, 0).data(ID_ROLE): hist.model.item(r, 3).text() for r in range(2)
    }
    for col, rec, fresh in ((1, recs[0], takes[0]), (2, recs[1], takes[1])):
        reopened = _review(qtbot, report_from_json(rec.report_json))
        assert _review(qtbot, fresh) == reopened  # just analysed, or reopened from History
        assert cmp.cell("fillers", col) == reopened["fillers"]
        assert reopened["fillers"].endswith(" · " + history_rate[rec.id])
        assert cmp.cell("pace", col) == reopened["pace"]
        for name in ("situation", "task"):
            assert reopened[name] == f"{name.title()} {cmp.cell(name, col)}"

    # 0.8501/min is 0.9 everywhere (History used to show the stored 0.85 as "0.8")
    assert history_rate == {1: "3.1/min", 2: "0.9/min"}
    assert (cmp.cell("task", 1), cmp.cell("task", 2)) == ("9 s", "8 s")
    assert cmp.findChild(QLabel, "cmp_task_change").text() == "−1 s"  # never "same" here
    assert cmp.findChild(QLabel, "cmp_fillers_change").text() == "−2.2/min"
    assert cmp.findChild(QLabel, "cmp_pace_change").text() == "−11 wpm"  # 142.46 shown as 143


@pytest.mark.parametrize(
    ("a", "b", "decimals", "want"),
    [(9, 8, 0, "−1 s"), (8, 8, 0, "same"), (3.1, 0.8, 1, "−2.3 s"), (0.3, 0.1, 1, "−0.2 s")],
)
def test_change_is_the_difference_of_the_shown_figures(a, b, decimals, want):
    """Protects: fmt_change subtracts what is shown, without float noise (0.3 − 0.1)."""
    assert fmt_change(a, b, " s", decimals) == want
