"""A drill is timed as a whole, and every view says so: the review's timeline (one bar, the
total, no section called missing), its transcript (one block, no section colours), the Practice
page's bar (no section marks, no section heard), Progress (no 0% shares) and Compare."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QLabel

from tests.analysis.test_drill_analysis import DRILL, drill_report
from voicecoach.analysis import analyze
from voicecoach.domain import SECTION_NAMES, Question
from voicecoach.progress import series, take_point
from voicecoach.report import fmt_time, to_json
from voicecoach.store.history import TakeRecord
from voicecoach.ui import star_timeline
from voicecoach.ui.clock_bar import TRACK_Y
from voicecoach.ui.record_panel import DRILL_GUIDE, DRILL_OVER
from voicecoach.ui.review_view import ReviewView
from voicecoach.ui.style import current_theme


def stored_before_the_fix():
    """A drill's report as analysis made it before 29 Nov: no sections found or missing, but
    the sentences still labelled with the STAR splitter's sections (kept in history so)."""
    d = drill_report()
    star = analyze(d.transcript, replace(DRILL, kind="star"))
    assert {s.section for s in star.sentences} >= {"situation", "action"}
    return replace(d, sentences=star.sentences)


@pytest.fixture
def review(qtbot, themed):
    w = ReviewView()
    qtbot.addWidget(w)
    w.resize(1100, 760)
    w.set_report(drill_report(), DRILL, "Today 22:04")
    w.show()
    qtbot.waitExposed(w)
    return w


def _pixel(widget, x: float, y: float):
    return widget.grab().toImage().pixelColor(QPoint(round(x), round(y)))


def test_review_timeline_of_a_drill_is_one_bar_with_no_section_missing(review):
    """The legend said Situation..Result "missing" and a strip showed four section targets."""
    tl = review.timeline
    assert tl.captions() == []
    assert "missing" not in tl.accessibleDescription()
    assert tl.timed_as_whole()
    assert "Timed as a whole" in tl.accessibleDescription()
    assert tl.total_caption() == "Total 0:46 — 29 s under target"
    assert tl.target_spans() == [("total", 0.0, DRILL.targets.total_s)]
    # the answer's bar is drawn (it was an empty track): its middle is the bar colour
    mid = tl.x_for(drill_report().duration_s / 2)
    y = star_timeline.BAR_Y + star_timeline.BAR_H / 2
    assert _pixel(tl, mid, y) == current_theme().color("muted")
    # nothing to click or drag: the section hint is not shown
    assert not review.findChild(QLabel, "timelineHint").isVisible()


@pytest.mark.parametrize("make", [drill_report, stored_before_the_fix])
def test_transcript_of_a_drill_is_one_answer_block(qtbot, themed, make):
    """The transcript was coloured in Situation/Task/Action/Result blocks for a drill."""
    from voicecoach.ui.transcript_view import TranscriptView

    view = TranscriptView()
    qtbot.addWidget(view)
    report = make()
    view.set_report(report)
    frames = view.document().rootFrame().childFrames()
    assert len(frames) == 1  # one block, as "Answer"
    assert view.toPlainText().lstrip().startswith("Answer")
    last = len(report.transcript.words) - 1
    assert view.word_background(0) == view.word_background(last)
    assert "Situation" not in view.word_tooltip(0) and "Result" not in view.word_tooltip(last)


def test_practice_bar_of_a_drill_marks_only_the_total(qtbot, themed):
    """The Practice page's bar showed unlabelled marks at 0:09, 0:19 and 0:56 for a drill."""
    from voicecoach.ui.clock_bar import ClockBar

    bar = ClockBar()
    qtbot.addWidget(bar)
    bar.resize(800, 56)
    bar.set_targets(DRILL.targets, timed_sections=False)
    bar.show()
    qtbot.waitExposed(bar)
    img = bar.grab().toImage()
    y = round(TRACK_Y - 2)  # above the track only a mark's line is drawn
    blank = img.pixelColor(QPoint(round(bar._x(30.0)), y))
    for _name, end in bar.marks()[:-1]:  # the section windows' ends: 0:09, 0:19, 0:56
        x = round(bar._x(end))
        assert all(img.pixelColor(QPoint(x + dx, y)) == blank for dx in (-1, 0, 1)), end
    x_total = round(bar._x(DRILL.targets.total_s))
    assert any(img.pixelColor(QPoint(x_total + dx, y)) != blank for dx in (-1, 0, 1))
    assert bar.tick_times() == [DRILL.targets.total_s]


def _recording_drill_panel(qtbot, at_s: float):  # noqa: ANN001, ANN202
    """A record panel (in its host window, which the caller keeps) set up for a drill and
    recording, its clock at `at_s` (mutable: t["s"])."""
    from PySide6.QtWidgets import QWidget

    from voicecoach.ui.record_panel import RecordPanel

    host = QWidget()
    qtbot.addWidget(host)
    panel = RecordPanel(host)
    host.resize(900, 200)
    host.show()
    panel.set_targets(DRILL.targets, timed_sections=False)
    assert "section" not in panel.findChild(QLabel, "recordIdleRow").text().lower()
    t = {"s": at_s}
    panel.set_sources(lambda: 0.2, lambda: t["s"])
    panel.set_state("recording")
    return host, panel, t


def test_recording_a_drill_names_no_section_heard(qtbot, themed):
    """Live coaching for a drill counts fillers; it does not say "Sounds like: Situation" or
    nudge about the set-up."""
    from tests.analysis.words import words_from
    from voicecoach.analysis.live import live_status

    _host, panel, t = _recording_drill_panel(qtbot, at_s=5.0)
    words = words_from(
        "Um, a cache keeps the answers close. Uh, it saves a trip to the database, um, most of "
        "the time."
    )
    panel.set_live_status(live_status(words, 5.0, DRILL.targets, timed=False))
    assert panel.findChild(QLabel, "liveLabel").text() == "3 fillers so far"
    assert panel.clock_bar.heard_section_at(10.0) is None
    t["s"] = 40.0
    clock = panel.findChild(QLabel, "clockLabel")
    qtbot.waitUntil(lambda: clock.text() == "0:40", timeout=2000)  # the panel has polled
    assert panel.findChild(QLabel, "cueLabel").text() == DRILL_GUIDE


def test_a_drill_is_nudged_about_time_only_once_past_its_target(qtbot, themed):
    """A drill showed the nudge "Keep it to the point." from 0:00: until the target it gets a
    plain line, past the target a nudge to stop (from the clock, before any words are heard)."""
    _host, panel, t = _recording_drill_panel(qtbot, at_s=0.0)
    cue = panel.findChild(QLabel, "cueLabel")
    clock = panel.findChild(QLabel, "clockLabel")
    for at, shown, role in (
        (0.0, DRILL_GUIDE, ""),
        (DRILL.targets.total_s - 1.0, DRILL_GUIDE, ""),
        (DRILL.targets.total_s + 2.0, DRILL_OVER, "nudge"),
    ):
        t["s"] = at
        qtbot.waitUntil(lambda a=at: clock.text() == fmt_time(a), timeout=2000)
        assert (cue.text(), cue.property("role") or "") == (shown, role), at


T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _point(i: int, report, qid: str):
    rec = SimpleNamespace(
        id=i,
        created_at=T0 + timedelta(days=i),
        question_id=qid,
        question_text=f"Question {qid}",
        pack="drills" if qid.startswith("drill") else "core",
    )
    return take_point(rec, report, "Topic")


def test_progress_leaves_drills_out_of_the_share_charts(qtbot, themed, report):
    """Progress charted a drill as 0% set-up and 0% Action, and its headline read 0%."""
    from voicecoach.ui.progress_view import ProgressView, TrendChart

    star = [_point(i, report, "q1") for i in (1, 2, 3)]
    drill = _point(4, drill_report(), "drill-hardest-part")
    assert drill.value("action") is None and drill.value("setup") is None
    assert drill.value("pace") == drill.pace_wpm  # the figures a drill has still count
    assert [t for _d, _v, t in series([*star, drill], "action").points] == [1, 2, 3]

    view = ProgressView()
    qtbot.addWidget(view)
    view.resize(1100, 900)
    view.show()
    view.set_points([*star, drill])
    action = view.findChild(TrendChart, "trend_action")
    assert action.latest_text() == f"{star[-1].action_pct}%"  # the newest STAR take, not 0%
    assert view.findChild(TrendChart, "trend_time").latest_text() == "−29 s"
    note = view.findChild(QLabel, "progressDrillsNote")
    assert note.isVisible() and note.text().startswith("1 take timed as a whole")
    view.question.setCurrentIndex(view.question.findData("drill-hardest-part"))
    assert view.summary_text("action", "latest") == "timed as a whole"
    assert view.summary_text("setup", "first") == "timed as a whole"
    assert view.summary_text("pace", "latest") == f"{drill.pace_wpm} wpm"
    assert "timed as a whole" in view.findChild(QLabel, "progressLadderNote").text()


def _record(i: int, report) -> TakeRecord:
    return TakeRecord(
        id=i,
        created_at=T0 + timedelta(hours=i),
        question_id=DRILL.id,
        pack="drills",
        question_text=DRILL.prompt,
        audio_path=Path(f"/tmp/{i}.wav"),
        duration_s=report.duration_s,
        status="analysed",
        error=None,
        report_json=to_json(report),
        corrections=None,
        model="tiny.en",
    )


def test_compare_of_two_drill_takes_has_no_section_rows(qtbot, themed):
    """Compare listed Situation..Result as "missing" for both takes of a drill."""
    from voicecoach.ui.history_view import CompareView

    view = CompareView()
    qtbot.addWidget(view)
    a, b = drill_report(), stored_before_the_fix()
    view.show_pair(_record(1, a), _record(2, b))
    for n in SECTION_NAMES:
        assert view.cell(n, 1) == "" and view.cell(n, 2) == ""
    assert view.cell("total", 1) == "0:46" and view.cell("pace", 2).endswith("wpm")
    texts = [w.text() for w in view.findChildren(QLabel) if not w.isHidden()]
    assert not any("missing" in t for t in texts)


def test_a_star_question_still_shows_its_sections(qtbot, themed, report):
    """The STAR answer keeps its legend, strip and coloured transcript."""
    w = ReviewView()
    qtbot.addWidget(w)
    w.set_report(report, Question("q", "p", "t", "Tell me."))
    assert not w.timeline.timed_as_whole()
    assert [c.name for c in w.timeline.captions()] == list(SECTION_NAMES)
    assert [n for n, _a, _b in w.timeline.target_spans()] == list(SECTION_NAMES)
    assert len(w.transcript.document().rootFrame().childFrames()) > 1
