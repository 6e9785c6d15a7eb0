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

    view = SimpleNamespace(set_points=lambda pts, titles, runs: shown.append(pts))
    ctl = ProgressController(view, load, report_of=lambda rec: sample_report())
    ctl.history_changed([])
    assert loads == [] and shown == []
    ctl.set_active(True)
    assert len(loads) == 1 and [p.take_id for p in shown[-1]] == [1, 2]
    ctl.set_active(True)  # nothing changed since
    assert len(loads) == 1
    ctl.history_changed([])
    assert len(loads) == 2


# --- mock interview runs ------------------------------------------------------------------------


def _run_history(tmp_path):
    from tests.export.interviews import make_interview

    paths, run, ids = make_interview(tmp_path / "data")
    h = History(paths.db_path)
    return h, run, ids


def test_follow_ups_never_reach_the_per_question_trends(tmp_path):
    """list_figures gives the run's three answers but none of its three follow-ups, so a
    follow-up is never a point on its question's trend."""
    h, _run, ids = _run_history(tmp_path)
    with h:
        got = sorted(rec.id for rec in h.list_figures())
    assert got == ids[0::2]  # answers are spoken first, each follow-up after its answer


def test_run_point_is_the_summary_totals(tmp_path):
    """A run's point: lengths and targets of every answer and follow-up added up, the run's
    fillers/min and pace as the summary says, checks passed over its main answers."""
    from voicecoach.interview import summary_from_json
    from voicecoach.progress import fmt_run, run_length_label, run_point, run_points
    from voicecoach.store.interviews import InterviewStore

    h, run, ids = _run_history(tmp_path)
    with h:
        rec = InterviewStore(h).get(run).record
        points = [take_point(r, take_report(r)) for r in h.list_figures()]
    summary = summary_from_json(rec.summary)
    rp = run_point(rec, {p.take_id: p for p in points})
    assert rp is not None and rp.run_id == run
    t = summary.totals
    assert rp.length_s == t.answer_s + t.follow_up_s
    targets = [r.figures.target_s for r in summary.rows] + [
        r.follow_up.figures.target_s for r in summary.rows
    ]
    assert rp.target_s == sum(targets) == 3 * 120 + 3 * 45
    assert (rp.fillers_per_min, rp.pace_wpm) == (t.fillers_per_min, t.pace_wpm)
    assert (rp.checks_passed, rp.checks_total) == (
        sum(p.checks_passed for p in points),
        sum(p.checks_total for p in points),
    )
    assert [(a.position, a.kind) for a in rp.answers][:2] == [(0, "answer"), (0, "follow_up")]
    assert rp.question_ids == tuple(r.question_id for r in summary.rows)
    words = fmt_run(rp)
    assert rp.over_s == -44 and "3 of 3 answered · 7:31, 44 s under target" in words
    assert f"{rp.checks_passed} of {rp.checks_total} checks" in words
    # the figure at the bar's end names both times: spoken, and the dashed line's target
    assert run_length_label(rp) == "7:31 of 8:15"
    # a run still running has no summary, so no point yet
    assert run_points([replace(rec, summary=None)], points) == []


def test_runs_follow_the_scope(tmp_path):
    """A pack scope keeps that pack's runs; a topic or question scope keeps runs with an
    answer on it."""
    from voicecoach.progress import run_point, runs_in_scope
    from voicecoach.store.interviews import InterviewStore

    h, run, _ids = _run_history(tmp_path)
    with h:
        rp = run_point(InterviewStore(h).get(run).record)
    assert rp is not None
    assert runs_in_scope([rp], Scope("all")) == [rp]
    assert runs_in_scope([rp], Scope("pack", "core_senior")) == [rp]
    assert runs_in_scope([rp], Scope("pack", "drills")) == []
    assert runs_in_scope([rp], Scope("topic", rp.topics[1])) == [rp]
    assert runs_in_scope([rp], Scope("topic", "Nothing like it")) == []
    assert runs_in_scope([rp], Scope("question", rp.question_ids[2])) == [rp]
    assert runs_in_scope([rp], Scope("question", "nope")) == []


def test_controller_hands_runs_to_the_page_and_skips_a_damaged_one(tmp_path):
    """The page gets the runs beside the takes; a run whose summary cannot be read is left
    out, not the page."""
    from voicecoach.store.interviews import InterviewStore

    h, run, _ids = _run_history(tmp_path)
    shown: list[tuple] = []
    with h:
        store = InterviewStore(h)
        good = store.get(run).record
        bad = replace(good, id=99, summary={"rows": "not rows"})
        view = SimpleNamespace(set_points=lambda pts, titles, runs: shown.append((pts, runs)))
        ctl = ProgressController(view, h.list_figures, load_runs=lambda: [bad, good])
        ctl.set_active(True)
    pts, runs = shown[-1]
    assert len(pts) == 3 and [r.run_id for r in runs] == [run]


def test_a_take_stopped_half_way_is_not_the_best():
    """A newcomer's 0:40 take, stopped before the Task, was labelled BEST over a whole answer
    because it had fewer checks to fail: a take missing a section never ranks first."""
    r = sample_report()
    checks_all = tuple(replace(c, passed=True) for c in r.checks)
    cut = replace(
        r,
        checks=checks_all,
        sections=tuple(s for s in r.sections if s.name == "situation"),
    )
    pts = [take_point(_rec(1, days=0), r), take_point(_rec(2, days=1), cut)]
    s = question_summary(pts, "q1")
    assert s is not None and s.best.take_id == 1
