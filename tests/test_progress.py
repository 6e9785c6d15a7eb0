"""Progress figures: the same figures the review shows, grouped and ordered over time."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from tests.export.takes import make_history
from tests.ui.sample_report import sample_report
from voicecoach.app.export import take_report
from voicecoach.app.progress import ProgressController
from voicecoach.progress import (
    Scope,
    in_scope,
    question_summary,
    rolling_mean,
    scopes,
    series,
    share_pct,
    take_point,
)
from voicecoach.report import take_figures
from voicecoach.store.history import History

T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def _rec(i: int, qid: str = "q1", pack: str = "core", days: int = 0):
    return SimpleNamespace(
        id=i,
        created_at=T0 + timedelta(days=days),
        question_id=qid,
        question_text=f"Question {qid}",
        pack=pack,
        status="analysed",
        report_json={"x": 1},
        corrections=None,
        model="tiny.en",
    )


def test_take_point_uses_the_shown_figures():
    """Progress shows a take's length, fillers and pace exactly as its review does, and its
    shares are the shown section seconds over the shown length."""
    r = sample_report()
    fig = take_figures(r)
    p = take_point(_rec(1), r, "Conflict")
    assert (p.length_s, p.fillers_per_min, p.pace_wpm) == (
        fig.duration_s,
        fig.fillers_per_min,
        fig.pace_wpm,
    )
    s = fig.sections_s
    assert p.setup_pct == share_pct(s["situation"] + s["task"], fig.duration_s) == 38
    assert p.action_pct == share_pct(s["action"], fig.duration_s) == 46
    assert (p.checks_passed, p.checks_total) == (5, 7)
    assert p.value("time") == fig.duration_s - 120


def test_share_rounds_half_up():
    """12.5% reads 13%, as every shown figure rounds half up (never banker's rounding)."""
    assert share_pct(1, 8) == 13
    assert share_pct(5, 0) == 0


def test_series_are_oldest_first_and_scoped():
    """Points run oldest to newest whatever order history gives, and a scope keeps only its
    pack, topic or question."""
    r = sample_report()
    pts = [
        take_point(_rec(3, "q2", "drills", days=2), replace(r, pace_wpm=150.0), "Drills"),
        take_point(_rec(1, "q1", days=0), replace(r, pace_wpm=170.0), "Conflict"),
        take_point(_rec(2, "q1", days=1), replace(r, pace_wpm=160.0), "Conflict"),
    ]
    assert series(pts, "pace").values == [170.0, 160.0, 150.0]
    assert [p.take_id for p in in_scope(pts, Scope("pack", "core"))] == [1, 2]
    assert [p.take_id for p in in_scope(pts, Scope("topic", "Drills"))] == [3]
    assert [p.take_id for p in in_scope(pts, Scope("question", "q1"))] == [1, 2]
    labels = [s.label for s in scopes(pts, {"core": "Core senior"})]
    assert labels[:3] == ["All takes (3)", "Pack: Core senior (2)", "Pack: drills (1)"]
    assert "Topic: Conflict (2)" in labels


def test_question_summary_first_best_latest():
    """Best is the take with most checks passed (then nearest the target), not the newest."""
    r = sample_report()
    checks_all = tuple(replace(c, passed=True) for c in r.checks)
    pts = [
        take_point(_rec(1, days=0), r),
        take_point(_rec(2, days=1), replace(r, checks=checks_all)),
        take_point(_rec(3, days=2), r),
        take_point(_rec(4, "other", days=3), replace(r, checks=checks_all)),
    ]
    s = question_summary(pts, "q1")
    assert s is not None
    assert (s.first.take_id, s.best.take_id, s.latest.take_id) == (1, 2, 3)
    assert [t.take_id for t in s.takes] == [1, 2, 3]
    assert question_summary(pts, "missing") is None


def test_rolling_mean():
    """The trend line averages each take with up to four before it."""
    assert rolling_mean([1, 2, 3, 4, 5, 6], 5) == [1, 1.5, 2, 2.5, 3, 4]


def test_trimmed_history_gives_the_same_figures(tmp_path):
    """Reports read without their words (History.list_figures) give every take the same
    figures as the full review, corrections applied."""
    paths, ids = make_history(tmp_path, 3)
    r = sample_report()
    moved = [s.section for s in r.sentences]
    first_action = moved.index("action")
    moved[first_action] = "task"  # a dragged edge: the Action's first sentence moved to Task
    with History(paths.db_path) as h:
        h.save_corrections(ids[1], {"sentence_sections": moved})
        full = {rec.id: take_point(rec, take_report(rec)) for rec in h.list()}
        slim = h.list_figures()
        assert "words" not in slim[-1].report_json or slim[-1].report_json["words"] == []
        got = {rec.id: take_point(rec, take_report(rec)) for rec in slim}
    assert got == full
    assert full[ids[1]].setup_pct != full[ids[0]].setup_pct  # the correction counts


def test_controller_reads_history_only_when_the_page_is_shown():
    """A new take does not re-read the history while Progress is off screen; showing it does."""
    loads: list[int] = []
    shown: list[list] = []
    recs = [_rec(1), _rec(2, days=1)]

    def load():
        loads.append(1)
        return recs

    view = SimpleNamespace(set_points=lambda pts, titles: shown.append(pts))
    ctl = ProgressController(view, load, report_of=lambda rec: sample_report())
    ctl.history_changed([])
    assert loads == [] and shown == []
    ctl.set_active(True)
    assert len(loads) == 1 and [p.take_id for p in shown[-1]] == [1, 2]
    ctl.set_active(True)  # nothing changed since
    assert len(loads) == 1
    ctl.history_changed([])
    assert len(loads) == 2
