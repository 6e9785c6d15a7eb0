"""The "I" vs "we" tile gives the verdict of the "I" vs "we" check, in its words, in the review and
the export alike; a drill's review and export show only the checks that fit an explanation."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtWidgets import QLabel, QWidget

from tests.analysis.test_drill_analysis import drill_report
from tests.ui.sample_report import sample_report
from voicecoach.analysis.delivery import (
    DRILL_CHECKS,
    I_VS_WE_FAIL,
    I_VS_WE_NOT_JUDGED,
    I_VS_WE_PASS,
)
from voicecoach.domain import Check
from voicecoach.export import figures
from voicecoach.export.html import take_html
from voicecoach.ui.figures_panel import FiguresPanel


def _with_i_vs_we(report, passed: bool, i: int, we: int):
    """The sample report with these counts and an i_vs_we check that says `passed`."""
    checks = tuple(
        Check("i_vs_we", passed, c.detail, c.at_s, i / (i + we)) if c.name == "i_vs_we" else c
        for c in report.checks
    )
    return replace(report, pronouns={"i": i, "we": we}, checks=checks)


@pytest.fixture
def panel(qtbot, themed):
    w = FiguresPanel()
    qtbot.addWidget(w)
    return w


@pytest.mark.parametrize(
    ("passed", "i", "we", "words"),
    [
        # the newcomer's take: "I" 6, "we" 7 passes the check (at most 1.5 "we" per "I"), and
        # the tile beside it said "say more about what you did yourself" (checks12.png)
        (True, 6, 7, I_VS_WE_PASS),
        (False, 1, 4, I_VS_WE_FAIL),
    ],
)
def test_tile_gives_the_checks_verdict_in_review_and_export(panel, passed, i, we, words):
    """Protects: one figure, one verdict, the same words on the tile, the check and the export."""
    report = _with_i_vs_we(sample_report(), passed, i, we)
    panel.set_report(report)
    hint = panel.findChild(QLabel, "pronounsValueHint").text()
    assert hint == words
    tiles = {t.key: t for t in figures.figure_tiles(report)}
    assert tiles["pronouns"].hint == hint
    assert tiles["pronouns"].value == f"I {i} · we {we}"


def test_a_drill_shows_no_story_checks_and_no_i_vs_we_verdict(panel):
    """Protects: a drill showed "Headline: what you did and the result" and "I 0 · we 4 — say
    more about what you did yourself" (drillchk.png), in the review and in its export."""
    report = drill_report()
    assert tuple(c.name for c in report.checks) == DRILL_CHECKS
    panel.set_report(report)
    assert panel.findChild(QWidget, "check_headline") is None
    for name in DRILL_CHECKS:
        assert panel.findChild(QWidget, f"check_{name}") is not None
    hint = panel.findChild(QLabel, "pronounsValueHint").text()
    assert hint == I_VS_WE_NOT_JUDGED
    tiles = {t.key: t for t in figures.figure_tiles(report)}
    assert tiles["pronouns"].hint == hint
    page = take_html(report)
    assert "Headline first" not in page and "what you did yourself" not in page
