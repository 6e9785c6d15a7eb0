"""The export says what the review says: the same figures, captions, labels and colours."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dataclasses import replace  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtWidgets import QLabel  # noqa: E402

from tests.ui.sample_report import sample_report  # noqa: E402
from voicecoach.export import figures  # noqa: E402
from voicecoach.settings import AnalysisSettings  # noqa: E402
from voicecoach.ui import figures_panel, style  # noqa: E402
from voicecoach.ui.figures_panel import FiguresPanel  # noqa: E402
from voicecoach.ui.star_timeline import StarTimeline  # noqa: E402


def _reports():
    r = sample_report()
    yield r
    yield sample_report(drop_task=True)  # a missing section
    yield replace(r, fillers=(), pauses=(), pace_wpm=95.0, pronouns={"i": 1, "we": 4})
    yield replace(r, duration_s=151.0, pace_wpm=171.4)  # over the total


@pytest.mark.parametrize("report", list(_reports()))
def test_tiles_equal_the_figures_panel(qtbot, qapp, report):
    """Every tile's value and hint is the FiguresPanel's text for the same report."""
    style.apply_theme(qapp, "light")
    panel = FiguresPanel()
    qtbot.addWidget(panel)
    panel.set_report(report)
    tiles = {t.key: t for t in figures.figure_tiles(report)}
    for key in ("fillers", "pace", "pauses", "pronouns"):
        assert tiles[key].value == panel.findChild(QLabel, f"{key}Value").text()
        assert tiles[key].hint == panel.findChild(QLabel, f"{key}ValueHint").text()


@pytest.mark.parametrize("report", list(_reports()))
@pytest.mark.parametrize("tolerance_s", [5.0, 1.0])
def test_captions_equal_the_timeline(qtbot, qapp, report, tolerance_s):
    """Section and total captions are the timeline's, under the same timing settings."""
    settings = AnalysisSettings(timing_tolerance_s=tolerance_s)
    tl = StarTimeline()
    qtbot.addWidget(tl)
    tl.set_report(report)
    tl.set_timing_settings(settings)
    assert [(c.name, c.text, c.kind) for c in figures.captions(report, settings)] == [
        (c.name, c.text, c.kind) for c in tl.captions()
    ]
    assert figures.total_caption(report, settings).text == tl.total_caption()


def test_labels_and_colours_are_the_apps():
    """Check labels, pace hints, section colours and tints are the widgets' own."""
    assert figures.CHECK_LABELS == figures_panel.CHECK_LABELS
    for wpm in (0.0, 100.0, 145.0, 190.0):
        assert figures.pace_hint(wpm) == figures_panel.pace_hint(wpm)
    assert figures.SECTION_COLORS == style.SECTION_COLORS
    assert figures.SECTION_LABELS == style.SECTION_LABELS
    base = style.QColor("#FFFFFF")
    for name in figures.SECTION_NAMES:
        tint = style.section_tint(name, base, 0.12).name()
        assert figures.mix("#FFFFFF", figures.SECTION_COLORS[name], 0.12) == tint
