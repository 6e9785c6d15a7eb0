"""RecordPanel: Space toggles recording, the clock and meter follow the session, progress/cancel."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from voicecoach.domain import SectionTargets
from voicecoach.ui.record_panel import RecordPanel


@pytest.fixture
def panel(qtbot, themed):
    host = QWidget()  # shortcuts need a window
    qtbot.addWidget(host)
    p = RecordPanel(host)
    host.resize(900, 200)
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    p.host = host  # keep the window alive as long as the panel
    return p


def test_space_starts_and_stops(qtbot, panel):
    """Space asks to record when idle and to stop while recording."""
    with qtbot.waitSignal(panel.recordClicked, timeout=1000):
        qtbot.keyClick(panel, Qt.Key.Key_Space)
    panel.set_state("recording")
    with qtbot.waitSignal(panel.stopClicked, timeout=1000):
        qtbot.keyClick(panel, Qt.Key.Key_Space)


def test_clock_cue_and_meter_follow_the_sources(qtbot, panel):
    """While recording, the polled elapsed time and level show up in the clock, cue and meter."""
    t = {"s": 0.0}
    panel.set_sources(lambda: 0.3, lambda: t["s"])
    panel.set_state("recording")
    t["s"] = 42.0
    qtbot.waitUntil(lambda: panel.findChild(QLabel, "clockLabel").text() == "0:42", timeout=2000)
    assert panel.findChild(QLabel, "cueLabel").text().startswith("Action")
    assert panel.meter.fraction() > 0.5
    t["s"] = 130.0
    qtbot.waitUntil(lambda: "wrap up" in panel.findChild(QLabel, "cueLabel").text(), timeout=2000)


def test_section_marks_are_at_the_targets(panel):
    """The clock bar marks 0:15, 0:30 and 1:30, and ends at the 2:00 total."""
    panel.set_targets(SectionTargets())
    assert [t for _n, t in panel.clock_bar.marks()] == [15.0, 30.0, 90.0, 120.0]


def test_analysing_shows_progress_and_cancel(qtbot, panel):
    """During analysis: 'Analysing… n%', Record disabled, Cancel emits cancelClicked."""
    panel.set_state("analysing")
    panel.set_progress(0.4)
    assert panel.findChild(QLabel, "progressLabel").text() == "Analysing… 40%"
    assert not panel.findChild(QPushButton, "recordButton").isEnabled()
    with qtbot.waitSignal(panel.cancelClicked, timeout=1000):
        qtbot.mouseClick(panel.findChild(QPushButton, "cancelButton"), Qt.MouseButton.LeftButton)


def test_live_status_shows_section_fillers_and_nudge(qtbot, panel):
    """The partial transcript's section and filler count show; its nudge replaces the clock cue."""
    from voicecoach.analysis.live import LiveStatus

    t = {"s": 10.0}
    panel.set_sources(lambda: 0.2, lambda: t["s"])
    panel.set_state("recording")
    panel.set_live_status(LiveStatus("situation", 0.5, 3, None))
    live = panel.findChild(QLabel, "liveLabel")
    assert live.text() == "Sounds like: Situation  ·  3 fillers so far"
    nudge = "40 s of set-up so far — move on to what you did."
    panel.set_live_status(LiveStatus("situation", 0.5, 3, nudge))
    t["s"] = 40.0
    cue = panel.findChild(QLabel, "cueLabel")
    qtbot.waitUntil(lambda: cue.text() == nudge, timeout=2000)


def test_guide_follows_the_section_heard_not_the_clock(qtbot, panel):
    """At 0:34 the clock alone would say Task; once the Action is heard, the guide says Action,
    so the two lines never name different sections."""
    from voicecoach.analysis.live import LiveStatus

    panel.set_targets(SectionTargets())
    t = {"s": 24.0}
    panel.set_sources(lambda: 0.2, lambda: t["s"])
    panel.set_state("recording")
    cue = panel.findChild(QLabel, "cueLabel")
    qtbot.waitUntil(lambda: cue.text().startswith("Task"), timeout=2000)  # clock, nothing heard
    panel.set_live_status(LiveStatus("action", 21.0, 1, None))
    t["s"] = 25.0
    qtbot.waitUntil(lambda: cue.text().startswith("Action"), timeout=2000)
    assert "Action" in panel.findChild(QLabel, "liveLabel").text()


def test_live_status_hidden_when_cues_are_off(qtbot, panel):
    """With live cues turned off in settings, nothing from the partial transcript is shown."""
    from voicecoach.analysis.live import LiveStatus

    panel.set_live_cues(False)
    panel.set_state("recording")
    panel.set_live_status(LiveStatus("action", 20.0, 5, "nudge"))
    assert panel.findChild(QLabel, "liveLabel").text() == ""


def test_card_keeps_its_height_in_every_state(qtbot, panel):
    """Recording, analysing and idle all fit one height: the Record button never jumps."""
    heights = set()
    for state in ("idle", "recording", "analysing", "review", "idle"):
        panel.set_state(state)
        heights.add(panel.sizeHint().height())
    assert len(heights) == 1


def test_clock_bar_fills_with_the_sections_heard(qtbot, panel):
    """The elapsed fill follows what was heard (a long Situation stays blue), not the plan."""
    from voicecoach.analysis.live import LiveStatus

    panel.set_state("recording")
    panel.set_live_status(LiveStatus("situation", 1.0, 0, None))
    bar = panel.clock_bar
    assert bar.heard_section_at(40.0) == "situation"
    assert bar.expected_section(40.0) == "action"  # the target windows say otherwise
    panel.set_live_status(LiveStatus("action", 42.0, 1, None))
    assert bar.heard_section_at(40.0) == "situation"
    assert bar.heard_section_at(50.0) == "action"
    # the transcript revised its mind: still Situation, the Action guess is dropped
    panel.set_live_status(LiveStatus("situation", 1.0, 1, None))
    assert panel.heard() == [("situation", 1.0)]
    panel.set_state("analysing")
    panel.set_state("idle")
    assert bar.heard_section_at(40.0) is None
