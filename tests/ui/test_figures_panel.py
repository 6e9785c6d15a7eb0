"""FiguresPanel shows the report's own numbers, verdicts and playable checks."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QToolButton, QWidget

from voicecoach.ui.figures_panel import FiguresPanel


@pytest.fixture
def panel(qtbot, themed, report):
    w = FiguresPanel()
    qtbot.addWidget(w)
    w.set_report(report)
    return w


def _text(panel, name):
    return panel.findChild(QLabel, name).text()


def test_values_come_from_the_report(panel, report):
    """Fillers, per-minute, pace, pauses and pronoun counts are the report's figures."""
    per_min = len(report.fillers) / (report.duration_s / 60)
    assert _text(panel, "fillersValue") == f"{len(report.fillers)} · {per_min:.1f}/min"
    assert "“um” ×3" in _text(panel, "fillersValueHint")
    assert _text(panel, "paceValue") == f"{report.pace_wpm:.0f} wpm"
    assert "130–160" in _text(panel, "paceValueHint")
    assert _text(panel, "pausesValue") == str(len(report.pauses))
    longest = max(p.duration_s for p in report.pauses)
    assert f"longest {longest:.1f} s" in _text(panel, "pausesValueHint")
    assert _text(panel, "pronounsValue") == (
        f"I {report.pronouns['i']} · we {report.pronouns['we']}"
    )


def test_verdicts_are_listed(panel, report):
    """Every timing verdict appears in the verdict box."""
    html = _text(panel, "verdictList")
    for v in report.verdicts:
        assert v in html


def test_check_rows_pass_fail_and_play(qtbot, panel, report):
    """Each check has a pass/fail mark; ▶ plays at its time, or is disabled without one."""
    for c in report.checks:
        row = panel.findChild(QWidget, f"check_{c.name}")
        assert row is not None
        assert row.findChild(QLabel, "mark").text() == ("✓" if c.passed else "✗")
        assert c.detail in row.findChild(QLabel, "detail").text()
    timed = next(c for c in report.checks if c.at_s is not None)
    btn = panel.findChild(QToolButton, f"checkPlay_{timed.name}")
    with qtbot.waitSignal(panel.checkPlayRequested, timeout=1000) as sig:
        qtbot.mouseClick(btn, Qt.MouseButton.LeftButton)
    assert sig.args == [pytest.approx(timed.at_s)]
    untimed = next(c for c in report.checks if c.at_s is None)
    assert not panel.findChild(QToolButton, f"checkPlay_{untimed.name}").isEnabled()


def test_verdict_box_is_a_warning_only_when_timing_is_off(qtbot, themed, report):
    """The sample (Situation 23 s over) gets a warning box; an answer within target does not."""
    from dataclasses import replace

    from voicecoach.domain import Section

    w = FiguresPanel()
    qtbot.addWidget(w)
    w.set_report(report)
    box = w.findChild(QWidget, "verdictBox")
    assert box.property("banner") == "warn"
    t = report.targets
    spans, start = [], 0.0
    for name in ("situation", "task", "action", "result"):
        spans.append(Section(name, start, start + t.for_section(name), t.for_section(name)))
        start += t.for_section(name)
    fine = replace(report, sections=tuple(spans), missing_sections=(), duration_s=t.total_s)
    w.set_report(fine)
    assert box.property("banner") == "good"


def test_wordless_sounds_are_named_apart_from_word_fillers(panel, report):
    """The fillers hint lists words first, then 'n wordless sound(s)' with an explanation."""
    hint = panel.findChild(QLabel, "fillersValueHint")
    n = sum(1 for f in report.fillers if f.kind == "unlabelled")
    assert hint.text().endswith(f"{n} wordless sound (hmm?)")
    assert "missed" in hint.toolTip()
