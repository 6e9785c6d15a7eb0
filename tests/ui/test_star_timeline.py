"""StarTimeline: spans, targets, overrun captions, clicks and boundary drags."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from tests.ui.sample_report import sample_report
from voicecoach.report import fmt_time
from voicecoach.ui.star_timeline import StarTimeline


@pytest.fixture
def timeline(qtbot, themed, report):
    w = StarTimeline()
    qtbot.addWidget(w)
    w.resize(1000, w.sizeHint().height())
    w.set_report(report)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_span_widths_follow_section_durations(timeline, report):
    """Each section's bar is as wide as its spoken duration (same scale for all)."""
    widths = {s.name: timeline.section_rect(s.name).width() for s in report.sections}
    durs = {s.name: s.duration_s for s in report.sections}
    k = widths["action"] / durs["action"]
    for name in widths:
        assert widths[name] == pytest.approx(durs[name] * k, rel=0.02)
    sit = timeline.section_rect("situation")
    task = timeline.section_rect("task")
    assert sit.right() == pytest.approx(task.left(), abs=1)


def test_overrun_and_under_captions(timeline, report):
    """Overruns are called out in words, with the real numbers; small misses are 'within'."""
    sit = next(s for s in report.sections if s.name == "situation")
    assert timeline.caption("situation") == (
        f"Situation {sit.duration_s:.0f} s — {sit.over_s:.0f} s over target"
    )
    assert timeline.caption("action").endswith("within target")
    total = fmt_time(report.duration_s)
    assert timeline.total_caption() == f"Total {total} — within target"  # 4 s over a 2:00 target


def test_captions_agree_with_the_timing_verdicts(qtbot, themed):
    """Each caption says over/short/within exactly when the verdicts do, with the same seconds."""
    from voicecoach.analysis.timing import timing_verdicts
    from voicecoach.domain import Section, SectionTargets

    targets = SectionTargets(situation_s=20, task_s=15, action_s=70, result_s=20, total_s=135)
    cases = {
        # situation 22 s (2 s over: within), action 58 s (12 s short: within 14 s tolerance)
        "within": ((0, 22), (22, 34), (34, 92), (92, 111)),
        # situation 41 s (21 over), action 40 s (30 short), total 170 s (35 over)
        "off": ((0, 41), (41, 56), (56, 96), (96, 170)),
    }
    for name, spans in cases.items():
        secs = tuple(
            Section(n, a, b, targets.for_section(n))
            for n, (a, b) in zip(("situation", "task", "action", "result"), spans, strict=True)
        )
        duration = spans[-1][1]
        w = StarTimeline()
        qtbot.addWidget(w)
        w.set_sections(secs, (), targets, duration)
        said = " ".join(timing_verdicts(secs, (), targets, duration))
        if name == "within":
            assert [c.kind for c in w.captions()] == ["ok"] * 4
            assert "Every section was within its target" in said
            assert w.total_caption().endswith("within target") and "within" in said
        else:
            assert w.caption("situation").endswith("21 s over target")
            assert "Situation ran 41 s, 21 s over" in said
            assert w.caption("action").endswith("30 s short of target")
            assert "Action only 40 s of 70 s" in said
            assert w.total_caption().endswith("35 s over target") and "35 s over" in said


def test_missing_section_is_shown_as_missing(qtbot, themed):
    """A section that was never said is listed as missing and has no bar."""
    w = StarTimeline()
    qtbot.addWidget(w)
    w.set_report(sample_report(drop_task=True))
    assert w.caption("task") == "Task — missing"
    assert w.section_rect("task") is None


def test_drag_boundary_emits_new_time(qtbot, timeline, report):
    """Dragging the Situation/Task edge left emits boundaryMoved(0, the time under the mouse)."""
    x0 = timeline.boundary_x(0)
    y = int(timeline.section_rect("situation").center().y())
    target_t = 25.0
    x1 = timeline.x_for(target_t)
    with qtbot.waitSignal(timeline.boundaryMoved, timeout=1000) as sig:
        qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=QPoint(round(x0), y))
        qtbot.mouseMove(timeline, QPoint(round((x0 + x1) / 2), y))
        qtbot.mouseMove(timeline, QPoint(round(x1), y))
        qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=QPoint(round(x1), y))
    index, t = sig.args
    assert index == 0
    assert t == pytest.approx(target_t, abs=0.5)


def test_click_section_emits_its_name(qtbot, timeline):
    """Clicking inside the Action span asks to play the Action."""
    c = timeline.section_rect("action").center()
    with qtbot.waitSignal(timeline.sectionClicked, timeout=1000) as sig:
        qtbot.mouseClick(
            timeline, Qt.MouseButton.LeftButton, pos=QPoint(round(c.x()), round(c.y()))
        )
    assert sig.args == ["action"]


def test_tooltip_names_section_and_target(timeline):
    """Hovering a section explains its span and target."""
    c = timeline.section_rect("situation").center()
    tip = timeline.tooltip_at(QPointF(c))
    assert "Situation" in tip and "15 s target" in tip
